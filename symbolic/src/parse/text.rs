//! Spans and quoted source text of DSL expressions, computed in time independent of the size of
//! the expression: syn's `Spanned::span` and `to_token_stream` walk the whole subtree, which
//! made parsing a sum of n terms O(n²). A node's text is built from its operands' texts (each
//! abbreviated to `MAX_TEXT` characters), and its first and last token are found by walking
//! only the wrappers on its left or right edge.

use std::collections::HashMap;

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;

use super::{span_range, tokens_text};

/// Quoted expression texts longer than this keep their head and tail around `…`.
pub(super) const MAX_TEXT: usize = 400;

/// `text` shortened to at most about `MAX_TEXT` characters.
pub(super) fn abbreviate(text: String) -> String {
    let count = text.chars().count();
    if count <= MAX_TEXT {
        return text;
    }
    let keep = MAX_TEXT / 2;
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(count - keep).collect();
    format!("{head} … {tail}")
}

/// The span of the first token of `e` (what `Spanned::span` gives on stable Rust).
pub(super) fn first_span(e: &syn::Expr) -> Span {
    let mut e = e;
    loop {
        e = match e {
            syn::Expr::Binary(b) => &b.left,
            syn::Expr::MethodCall(m) => &m.receiver,
            syn::Expr::Call(c) => &c.func,
            syn::Expr::Group(g) => &g.expr,
            syn::Expr::Field(f) => &f.base,
            syn::Expr::Index(i) => &i.expr,
            syn::Expr::Cast(c) => &c.expr,
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Unary(u) => return u.op.span(),
            syn::Expr::Paren(p) => return p.paren_token.span.open(),
            syn::Expr::Reference(r) => return r.and_token.span,
            syn::Expr::Lit(l) => return l.lit.span(),
            syn::Expr::Path(p) => return span_range(&p.path).0,
            other => return span_range(other).0,
        };
    }
}

/// The span of the last token of `e`.
pub(super) fn last_span(e: &syn::Expr) -> Span {
    let mut e = e;
    loop {
        e = match e {
            syn::Expr::Binary(b) => &b.right,
            syn::Expr::Unary(u) => &u.expr,
            syn::Expr::Reference(r) => &r.expr,
            syn::Expr::Group(g) => &g.expr,
            syn::Expr::MethodCall(m) => return m.paren_token.span.close(),
            syn::Expr::Call(c) => return c.paren_token.span.close(),
            syn::Expr::Paren(p) => return p.paren_token.span.close(),
            syn::Expr::Lit(l) => return l.lit.span(),
            other => return span_range(other).1,
        };
    }
}

/// Texts of the syn expressions parsed so far, by address: a parent's text is assembled from
/// its operands' without walking them again.
#[derive(Default)]
pub(super) struct Texts(HashMap<usize, String>);

/// How many uncached levels `Texts::of` renders before writing `…` (uncached operands are only
/// those whose parsing stopped at an error, so the text is for a message anyway).
const UNCACHED_LEVELS: usize = 8;

fn key(e: &syn::Expr) -> usize {
    e as *const syn::Expr as usize
}

impl Texts {
    pub(super) fn remember(&mut self, e: &syn::Expr, text: &str) {
        self.0.insert(key(e), text.to_string());
    }

    /// The source text of `e` with normalised spacing (`X * Y`, `A.t()`, `tr(A)`), keeping the
    /// parentheses and `&` the user wrote; abbreviated.
    pub(super) fn of(&mut self, e: &syn::Expr) -> String {
        self.render(e, UNCACHED_LEVELS)
    }

    fn render(&mut self, e: &syn::Expr, levels: usize) -> String {
        if let Some(text) = self.0.get(&key(e)) {
            return text.clone();
        }
        if levels == 0 {
            return "…".to_string();
        }
        let mut sub = |e: &syn::Expr| self.render(e, levels - 1);
        let text = match e {
            syn::Expr::Binary(b) => {
                let (left, right) = (sub(&b.left), sub(&b.right));
                format!("{left} {} {right}", b.op.to_token_stream())
            }
            syn::Expr::Unary(u) => format!("{}{}", u.op.to_token_stream(), sub(&u.expr)),
            syn::Expr::Paren(p) => format!("({})", sub(&p.expr)),
            syn::Expr::Group(g) => sub(&g.expr),
            syn::Expr::Reference(r) => {
                let mutability = if r.mutability.is_some() { "mut " } else { "" };
                format!("&{mutability}{}", sub(&r.expr))
            }
            syn::Expr::Call(c) => {
                let func = sub(&c.func);
                let args: Vec<String> = c.args.iter().map(&mut sub).collect();
                format!("{func}({})", args.join(", "))
            }
            syn::Expr::MethodCall(m) => {
                let receiver = sub(&m.receiver);
                let turbofish = m.turbofish.as_ref().map(tokens_text).unwrap_or_default();
                let args: Vec<String> = m.args.iter().map(&mut sub).collect();
                format!("{receiver}.{}{turbofish}({})", m.method, args.join(", "))
            }
            other => tokens_text(other),
        };
        abbreviate(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviation_keeps_head_and_tail() {
        let long = "A + ".repeat(200) + "B";
        let short = abbreviate(long.clone());
        assert!(short.chars().count() <= MAX_TEXT + 3, "{}", short.len());
        assert!(short.starts_with("A + A"));
        assert!(short.ends_with("A + B"));
        assert_eq!(abbreviate("A + B".to_string()), "A + B");
    }
}
