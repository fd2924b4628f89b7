//! From attribute tokens to `Request`s and back: parses the attribute arguments and the item,
//! gathers the other matcalc attributes on the same function, runs the engine with panics
//! caught (a panic is always a bug, reported as a compile error), and on any error emits the
//! fallback items beside the error so only the real problem is shown.

use std::panic::{self, AssertUnwindSafe};

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

pub use matcalc_symbolic::generate::Derivative;
use matcalc_symbolic::generate::{self, Request};

pub fn expand(kind: Derivative, args: TokenStream, item: TokenStream) -> TokenStream {
    let attribute_span = args.span();
    let mut item: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = syn::Error::new(
                Span::call_site(),
                format!("`#[{}]` applies to a function (`fn`)", kind.attribute()),
            );
            let mut out = error.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let mut errors: Option<syn::Error> = None;
    let mut requests = Vec::new();
    match parse_wrt(args) {
        Ok(wrt) => requests.push(Request {
            kind,
            wrt,
            span: attribute_span,
        }),
        Err(e) => errors = Some(e),
    }
    match take_sibling_requests(&mut item) {
        Ok(more) => requests.extend(more),
        Err(e) => combine(&mut errors, e),
    }
    if let Some(error) = errors {
        return with_fallback(error, &item, &requests);
    }
    match run_catching_panics(|| generate::generate(&item, &requests)) {
        Ok(tokens) => tokens,
        Err(error) => with_fallback(error, &item, &requests),
    }
}

fn combine(errors: &mut Option<syn::Error>, error: syn::Error) {
    match errors {
        Some(all) => all.combine(error),
        None => *errors = Some(error),
    }
}

fn with_fallback(error: syn::Error, item: &syn::ItemFn, requests: &[Request]) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(generate::fallback(item, requests));
    out
}

/// `X, Y` → the identifiers.
fn parse_wrt(args: TokenStream) -> Result<Vec<syn::Ident>, syn::Error> {
    let parser = Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated;
    parser
        .parse2(args)
        .map(|names| names.into_iter().collect())
        .map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the names of parameters to differentiate with respect to, e.g. `#[grad(X, y)]`",
            )
        })
}

/// Removes the other matcalc attributes from `item` and returns their requests.
fn take_sibling_requests(item: &mut syn::ItemFn) -> Result<Vec<Request>, syn::Error> {
    let mut requests = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut kept = Vec::new();
    for attr in std::mem::take(&mut item.attrs) {
        let Some(kind) = matcalc_attribute(&attr) else {
            kept.push(attr);
            continue;
        };
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => TokenStream::new(),
        };
        match parse_wrt(args) {
            Ok(wrt) => requests.push(Request {
                kind,
                wrt,
                span: attr.span(),
            }),
            Err(e) => combine(&mut errors, e),
        }
    }
    item.attrs = kept;
    match errors {
        Some(e) => Err(e),
        None => Ok(requests),
    }
}

/// `#[grad(..)]`, `#[matcalc::grad(..)]`, ... → the derivative it asks for.
fn matcalc_attribute(attr: &syn::Attribute) -> Option<Derivative> {
    let path = attr.path();
    let last = path.segments.last()?.ident.to_string();
    let qualified_elsewhere = path.segments.len() > 1
        && !path
            .segments
            .iter()
            .any(|s| s.ident == "matcalc" || s.ident == "matcalc_macros");
    if qualified_elsewhere {
        return None;
    }
    match last.as_str() {
        "grad" => Some(Derivative::Grad),
        "jacobian" => Some(Derivative::Jacobian),
        "hessian" => Some(Derivative::Hessian),
        _ => None,
    }
}

/// Runs the engine; a panic becomes a compile error naming it as a matcalc bug. The default
/// panic hook is silenced meanwhile so the compiler's output shows only that error.
fn run_catching_panics(
    engine: impl FnOnce() -> Result<TokenStream, syn::Error>,
) -> Result<TokenStream, syn::Error> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(engine));
    panic::set_hook(previous);
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "matcalc hit an internal error (a bug; please report it with this function): {message}"
                ),
            ))
        }
    }
}
