//! From attribute tokens to `Request`s and back: parses the attribute arguments and the item,
//! gathers the other matcalc attributes on the same function, runs the engine with panics
//! caught (a panic is always a bug, reported as a compile error), and on any error emits the
//! fallback items beside the error so only the real problem is shown.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;

use matcalc_symbolic::ctxt::Ctxt;
pub use matcalc_symbolic::generate::Derivative;
use matcalc_symbolic::generate::{self, parse_wrt, take_sibling_requests, Request};
use matcalc_symbolic::parse::nesting::too_deep;

use crate::panic_guard;

pub fn expand(kind: Derivative, args: TokenStream, item: TokenStream) -> TokenStream {
    let original = item.clone();
    let outcome = panic_guard::run(|| expand_guarded(kind, args, item));
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

fn expand_guarded(kind: Derivative, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute_span = args.span();
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
                format!("`#[{}]` applies to a function (`fn`)", kind.attribute()),
            );
            cx.check().err();
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let mut requests = Vec::new();
    if let Some(wrt) = cx.absorb(parse_wrt(args)) {
        requests.push(Request {
            kind,
            wrt,
            span: attribute_span,
        });
    }
    requests.extend(take_sibling_requests(&mut item, &mut cx));
    if cx.has_errors() {
        return with_fallback(cx.check().err(), &item, &requests);
    }
    cx.check().ok();
    match generate::generate(&item, &requests) {
        Ok(tokens) => tokens,
        Err(error) => with_fallback(Some(error), &item, &requests),
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
