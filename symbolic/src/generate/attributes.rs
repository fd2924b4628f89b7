//! The attributes as the macro crate receives them: which attributes are matcalc's, the
//! parameter list of one, and the sibling attributes on the same function. Shared by the macro
//! crate and the fuzz harness, so both read an item the same way.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use super::{Derivative, Request};
use crate::ctxt::Ctxt;

/// `X, Y` → the identifiers.
pub fn parse_wrt(args: TokenStream) -> Result<Vec<syn::Ident>, syn::Error> {
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
pub fn take_sibling_requests(item: &mut syn::ItemFn, cx: &mut Ctxt) -> Vec<Request> {
    let mut requests = Vec::new();
    let mut kept = Vec::new();
    for attr in std::mem::take(&mut item.attrs) {
        if is_marker(&attr) {
            // `#[matcalc::function]` asks for nothing; it must not be re-emitted either.
            continue;
        }
        let Some(kind) = matcalc_attribute(&attr) else {
            kept.push(attr);
            continue;
        };
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => TokenStream::new(),
        };
        if let Some(wrt) = cx.absorb(parse_wrt(args)) {
            requests.push(Request {
                kind,
                wrt,
                span: attr.span(),
            });
        }
    }
    item.attrs = kept;
    requests
}

/// The last segment of a matcalc attribute's path (`grad` for `#[matcalc::grad(..)]`), `None`
/// for an attribute qualified by another crate.
fn matcalc_name(attr: &syn::Attribute) -> Option<String> {
    let path = attr.path();
    let last = path.segments.last()?.ident.to_string();
    let qualified_elsewhere = path.segments.len() > 1
        && !path
            .segments
            .iter()
            .any(|s| s.ident == "matcalc" || s.ident == "matcalc_macros");
    (!qualified_elsewhere).then_some(last)
}

/// `#[matcalc::function]` (or `#[function]` imported from the prelude): the marker of a
/// function other DSL bodies may call, which derives nothing (reference §4b "Calls").
pub fn is_marker(attr: &syn::Attribute) -> bool {
    matcalc_name(attr).is_some_and(|name| name == "function")
}

/// `#[grad(..)]`, `#[matcalc::grad(..)]`, ... → the derivative it asks for.
pub fn matcalc_attribute(attr: &syn::Attribute) -> Option<Derivative> {
    let last = matcalc_name(attr)?;
    match last.as_str() {
        "grad" => Some(Derivative::Grad),
        "jacobian" => Some(Derivative::Jacobian),
        "hessian" => Some(Derivative::Hessian),
        "vjp" => Some(Derivative::Vjp),
        "jvp" => Some(Derivative::Jvp),
        "hvp" => Some(Derivative::Hvp),
        _ => None,
    }
}
