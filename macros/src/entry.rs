//! From attribute tokens to `Request`s and back: parses the attribute arguments and the item,
//! gathers the other matcalc attributes on the same function, runs the engine with panics
//! caught (a panic is always a bug, reported as a compile error), and on any error emits the
//! fallback items beside the error so only the real problem is shown.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;

use quote::{format_ident, quote};

use matcalc_symbolic::ctxt::Ctxt;
use matcalc_symbolic::generate::calls::{self, Step};
pub use matcalc_symbolic::generate::Derivative;
use matcalc_symbolic::generate::{self, is_marker, parse_wrt, take_sibling_requests, Request};
use matcalc_symbolic::parse::{self, nesting::too_deep, CalleeDef};

use crate::panic_guard;

/// An attribute: `kind` is the derivative it asks for, `None` for the marker
/// `#[matcalc::function]`.
pub fn expand(kind: Option<Derivative>, args: TokenStream, item: TokenStream) -> TokenStream {
    let original = item.clone();
    let outcome = panic_guard::run(|| expand_guarded(kind, args, item));
    guarded(outcome, original)
}

/// `__with_callees!`: one step of fetching a caller's callees (see `generate::calls`).
pub fn with_callees(input: TokenStream) -> TokenStream {
    let outcome = panic_guard::run(|| match calls::step(input) {
        Err(error) => error.to_compile_error(),
        Ok(Step::Fetch(tokens)) => tokens,
        Ok(Step::Done { root, callees }) => finish(root, &callees, Ok(())),
        Ok(Step::Failed { error, root }) => finish(root, &[], Err(error)),
    });
    guarded(outcome, TokenStream::new())
}

fn guarded(outcome: Result<TokenStream, String>, original: TokenStream) -> TokenStream {
    match outcome {
        Ok(tokens) => tokens,
        Err(panic) => {
            // The engine or the fallback panicked: the error, and the item as written.
            let span = first_span(&original);
            let mut out = syn::Error::new(
                span,
                format!(
                    "matcalc hit an internal error (a bug; please report it with this function): {panic}"
                ),
            )
            .to_compile_error();
            out.extend(original);
            out
        }
    }
}

fn expand_guarded(kind: Option<Derivative>, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute_span = args.span();
    let written = item.clone();
    let attribute = match kind {
        Some(kind) => {
            let name = format_ident!("{}", kind.attribute());
            quote!(#[::matcalc::#name(#args)])
        }
        None => quote!(#[::matcalc::function]),
    };
    let mut cx = Ctxt::new();
    let item = match too_deep(&item) {
        Some(error) => {
            cx.push(error);
            without_body(item)
        }
        None => item,
    };
    let mut item: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                first_span(&item),
                format!(
                    "`#[{}]` applies to a function (`fn`)",
                    kind.map_or("function", Derivative::attribute)
                ),
            );
            cx.check().err();
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let mut requests = Vec::new();
    match kind {
        Some(kind) => {
            if let Some(wrt) = cx.absorb(parse_wrt(args)) {
                requests.push(Request {
                    kind,
                    wrt,
                    span: attribute_span,
                });
            }
        }
        None if !args.is_empty() => cx.push(syn::Error::new(
            attribute_span,
            "`#[matcalc::function]` takes no arguments: it marks a function other DSL bodies \
             may call; to derive something add `#[grad(..)]`, `#[jacobian(..)]`, ..",
        )),
        None => {}
    }
    let marked = kind.is_none() || item.attrs.iter().any(is_marker);
    requests.extend(take_sibling_requests(&mut item, &mut cx));
    // Beside every matcalc function, whatever happens below: what callers fetch it through.
    let mut out = calls::callee_module(&item, written.clone());
    if cx.has_errors() {
        out.extend(with_fallback(cx.check().err(), &item, &requests));
        return out;
    }
    cx.check().ok();
    if parse::calls(&item).is_empty() {
        out.extend(derive(item, &requests, &[], marked));
        return out;
    }
    // The body calls other functions: fetch their definitions first.
    let root = quote!(#attribute #written);
    out.extend(match calls::begin(root.clone(), &item) {
        Step::Fetch(tokens) => tokens,
        Step::Done { root, callees } => finish(root, &callees, Ok(())),
        Step::Failed { error, root } => finish(root, &[], Err(error)),
    });
    out
}

/// The derivation of a caller once its callees are fetched (`root`: as the user wrote it,
/// attributes included), or, when fetching failed, its fallback beside the error (none when
/// another expansion reports it).
fn finish(
    root: TokenStream,
    callees: &[CalleeDef],
    fetched: Result<(), Option<syn::Error>>,
) -> TokenStream {
    let mut item: syn::ItemFn = match syn::parse2(root) {
        Ok(item) => item,
        Err(e) => return e.to_compile_error(),
    };
    let marked = item.attrs.iter().any(is_marker);
    let mut cx = Ctxt::new();
    let requests = take_sibling_requests(&mut item, &mut cx);
    match fetched {
        Ok(()) => {}
        Err(Some(error)) => cx.push(error),
        Err(None) => {
            cx.check().ok();
            return generate::fallback(&item, &requests);
        }
    }
    if cx.has_errors() {
        return with_fallback(cx.check().err(), &item, &requests);
    }
    cx.check().ok();
    derive(item, &requests, callees, marked)
}

/// The function (and what `requests` ask for) derived with `callees` inlined. A marked function
/// is only called from DSL bodies, which inline it, so it is allowed to look unused.
fn derive(
    mut item: syn::ItemFn,
    requests: &[Request],
    callees: &[CalleeDef],
    marked: bool,
) -> TokenStream {
    if marked {
        item.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    }
    match generate::generate_with(&item, requests, Some(callees)) {
        Ok(tokens) => tokens,
        Err(error) => with_fallback(Some(error), &item, requests),
    }
}

fn with_fallback(
    error: Option<syn::Error>,
    item: &syn::ItemFn,
    requests: &[Request],
) -> TokenStream {
    let mut out = error.map(|e| e.to_compile_error()).unwrap_or_default();
    out.extend(generate::fallback(item, requests));
    out
}

fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

/// The item with its body (the last brace group) replaced by an empty one, so the signature
/// can still be parsed for the fallback.
fn without_body(item: TokenStream) -> TokenStream {
    let mut trees: Vec<TokenTree> = item.into_iter().collect();
    if let Some(TokenTree::Group(body)) = trees.last_mut() {
        if body.delimiter() == Delimiter::Brace {
            let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
            empty.set_span(body.span());
            *body = empty;
        }
    }
    trees.into_iter().collect()
}
