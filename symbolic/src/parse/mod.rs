//! The first stage of the pipeline: syn → `ast`. It reads the signature of a function under a
//! matcalc attribute (generic dimensions, parameter shapes, the float type, the declared return
//! type) and its body (`let` bindings and a final expression in the DSL of reference §4), resolving
//! names and DSL functions. Shapes are not checked here; that is `shape::lower`'s job.
//!
//! Every construct outside the DSL is reported at its span with what is supported instead, and
//! parsing goes on after an error, so one compile run shows all of a function's problems.
//!
//! `let` annotations (`let y: Vector<U3> = ..;`) are parsed like parameter types and their
//! shape is checked by `shape::lower`; `let y: _ = ..;` counts as no annotation.

mod body;
mod constants;
pub(crate) use constants::is_standard as is_standard_constant;
mod dsl;
pub mod nalgebra;
pub mod nesting;
mod signature;
#[cfg(test)]
mod tests;
mod text;

pub use body::{is_call_path, path_text, CalleeDef, MAX_DEPTH};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;

use crate::ast;
use crate::ctxt::Ctxt;
use crate::ir::ScalarType;

/// Parses a DSL function on its own: a call of another function is an unknown function. All
/// problems found are combined into the one error returned.
pub fn function(item: &syn::ItemFn) -> Result<ast::Function, syn::Error> {
    function_with(item, None)
}

/// Parses a DSL function whose calls of other functions resolve in `callees` (reference §4b
/// "Calls"; `None`: they are unknown functions).
pub fn function_with(
    item: &syn::ItemFn,
    callees: Option<&[CalleeDef]>,
) -> Result<ast::Function, syn::Error> {
    let mut errors = Ctxt::new();
    let sig = signature::signature(&item.sig, &mut errors);
    let mut calls = body::Calls::new(callees, item.sig.receiver().is_some());
    let body = body::body(&item.block, &sig, &mut calls, &mut errors);
    errors.check()?;
    let (lets, body, outside) = body.ok_or_else(|| {
        // `body` only fails after reporting an error, so this is unreachable in practice; an
        // error is still better than a panic inside a proc macro.
        syn::Error::new(
            item.sig.ident.span(),
            "matcalc: could not parse the function body",
        )
    })?;
    Ok(ast::Function {
        name: item.sig.ident.unraw().to_string(),
        name_span: item.sig.ident.span(),
        dims: sig.dims,
        params: sig.params,
        scalar: sig.scalar,
        lets,
        body,
        returns: sig.returns,
        outside,
        callees: calls.invoked,
    })
}

/// The calls of other functions in `item`'s body that are not DSL operations, by path as
/// written, in order of first appearance and without repeats: what the macro must fetch before
/// `item` can be derived (empty for a method, whose calls are an error).
pub fn calls(item: &syn::ItemFn) -> Vec<syn::Path> {
    if item.sig.receiver().is_some() {
        return Vec::new();
    }
    let mut errors = Ctxt::new();
    let sig = signature::signature(&item.sig, &mut errors);
    let mut calls = body::Calls::new(Some(&[]), false);
    body::body(&item.block, &sig, &mut calls, &mut errors);
    // Only the calls are wanted here; the errors are reported by the derivation.
    errors.check().ok();
    calls.pending
}

/// `f64` / `f32`, as written in Rust.
pub(crate) fn float_name(float: ScalarType) -> &'static str {
    match float {
        ScalarType::F32 => "f32",
        ScalarType::F64 => "f64",
    }
}

/// The spans of the first and last token of `tokens`: an error built from both covers the
/// whole construct even on stable Rust, where spans cannot be joined.
pub(crate) fn span_range(tokens: &impl ToTokens) -> (Span, Span) {
    let mut iter = tokens.to_token_stream().into_iter();
    let first = iter.next().map_or_else(Span::call_site, |t| t.span());
    let last = iter.last().map_or(first, |t| t.span());
    (first, last)
}

/// Source text of any tokens with compact spacing (`&Matrix<U3, U4>`, `foo!(x)`): spaces only
/// between words and after separators. Used to quote unsupported constructs in messages.
pub(crate) fn tokens_text(tokens: &impl ToTokens) -> String {
    fn walk(stream: TokenStream, out: &mut String, prev_word: &mut bool) {
        for tree in stream {
            match tree {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{ ", " }"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    if *prev_word && group.delimiter() == Delimiter::Brace {
                        out.push(' ');
                    }
                    out.push_str(open);
                    *prev_word = false;
                    walk(group.stream(), out, prev_word);
                    out.push_str(close);
                    *prev_word = group.delimiter() == Delimiter::Brace;
                }
                TokenTree::Ident(_) | TokenTree::Literal(_) => {
                    if *prev_word {
                        out.push(' ');
                    }
                    out.push_str(&tree.to_string());
                    *prev_word = true;
                }
                TokenTree::Punct(punct) => {
                    out.push(punct.as_char());
                    if matches!(punct.as_char(), ',' | ';') {
                        out.push(' ');
                    }
                    *prev_word = false;
                }
            }
        }
    }
    let mut out = String::new();
    walk(tokens.to_token_stream(), &mut out, &mut false);
    out.trim_end().to_string()
}
