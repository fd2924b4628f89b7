//! Outside data (reference §4b): `let NAME: TYPE = EXPR;` where EXPR is a Rust expression the
//! DSL does not read (`self.X`, a call into other code) binds a constant input of TYPE's shape.
//! Generated code evaluates EXPR as written. The parameters EXPR names are recorded: naming a
//! differentiated one is an error (`generate::valid`), since the derivative through EXPR would
//! silently be missing.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;

use super::super::dsl::{builtin, Form};
use super::views::VIEW_METHODS;
use super::Scope;
use crate::ast::{Expr, ExprKind, Let, Outside, TypeDecl};

/// Every identifier in `tokens`, with its span, through groups.
fn idents(tokens: TokenStream, out: &mut Vec<proc_macro2::Ident>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => out.push(i),
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

impl Scope<'_, '_> {
    fn is_dsl_name(&self, path: &syn::ExprPath) -> bool {
        path.path.get_ident().is_some_and(|i| {
            let name = i.unraw().to_string();
            self.lets.contains(&name) || self.sig.params.iter().any(|p| p.name == name)
        })
    }

    /// Whether a typed `let`'s value is outside data rather than a DSL expression: a field
    /// (`self.X`), a call of a function that is no DSL function (`load()`, `Matrix::from_fn`),
    /// a method call on outside data (`self.x()`), a path that is no parameter or binding,
    /// a macro other than `matrix!`, a block, an `if`, a `match`, a cast.
    pub(super) fn is_outside(&self, e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Paren(x) => self.is_outside(&x.expr),
            syn::Expr::Group(x) => self.is_outside(&x.expr),
            syn::Expr::Reference(x) => self.is_outside(&x.expr),
            syn::Expr::Field(_)
            | syn::Expr::Block(_)
            | syn::Expr::Unsafe(_)
            | syn::Expr::If(_)
            | syn::Expr::Match(_)
            | syn::Expr::Struct(_)
            | syn::Expr::Cast(_) => true,
            syn::Expr::Path(p) => {
                !self.is_dsl_name(p)
                    && super::super::constants::resolve(&p.path, &self.sig.dims).is_none()
            }
            syn::Expr::Macro(m) => !super::views::is_matrix_macro(&m.mac),
            // `Matrix::from_fn(..)`, `load(..)`: any call but of a DSL function.
            syn::Expr::Call(c) => match &*c.func {
                syn::Expr::Path(p) => match (p.path.get_ident(), p.path.segments.last()) {
                    (Some(name), _) => {
                        let name = name.unraw().to_string();
                        builtin(&name, Form::Function).is_none()
                            && !matches!(name.as_str(), "vstack" | "hstack")
                    }
                    (None, last) => last.is_none_or(|s| {
                        builtin(&s.ident.unraw().to_string(), Form::Function).is_none()
                    }),
                },
                _ => true,
            },
            syn::Expr::MethodCall(m) => {
                let name = m.method.unraw().to_string();
                let receiver_outside = match &*m.receiver {
                    syn::Expr::Path(p) => p.path.is_ident("self") || self.is_outside(&m.receiver),
                    other => self.is_outside(other),
                };
                receiver_outside
                    || (builtin(&name, Form::Method).is_none()
                        && !VIEW_METHODS.contains(&name.as_str())
                        && !self.is_dsl_operand(&m.receiver))
            }
            syn::Expr::Index(i) => self.is_outside(&i.expr),
            _ => false,
        }
    }

    /// A receiver the DSL reads (a parameter or binding, possibly under DSL calls).
    fn is_dsl_operand(&self, e: &syn::Expr) -> bool {
        match e {
            syn::Expr::Path(p) => self.is_dsl_name(p),
            syn::Expr::Paren(x) => self.is_dsl_operand(&x.expr),
            syn::Expr::Reference(x) => self.is_dsl_operand(&x.expr),
            syn::Expr::MethodCall(m) => self.is_dsl_operand(&m.receiver),
            syn::Expr::Index(i) => self.is_dsl_operand(&i.expr),
            _ => true,
        }
    }

    /// Records outside data bound to `ident`, checking that EXPR reads no DSL binding (those
    /// exist only inside the derivation) and noting the parameters it names.
    pub(super) fn outside_data(
        &mut self,
        ident: &syn::Ident,
        decl: &TypeDecl,
        ty: &syn::Type,
        value: &syn::Expr,
    ) -> Option<Let> {
        let tokens = value.to_token_stream();
        let mut names = Vec::new();
        idents(tokens.clone(), &mut names);
        let mut params = Vec::new();
        let mut ok = true;
        for name in names {
            let text = name.unraw().to_string();
            if let Some(i) = self.sig.params.iter().position(|p| p.name == text) {
                params.push((i, name.span()));
            } else if self.lets.contains(&text) {
                self.errors.push(syn::Error::new(
                    name.span(),
                    format!(
                        "`{text}` is a `let` binding of the DSL, which the outside expression of \
                         `let {}: ..` cannot read: compute it in the DSL instead",
                        ident.unraw()
                    ),
                ));
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let index = self.outside.len();
        self.outside.push(Outside {
            name: ident.unraw().to_string(),
            span: ident.span(),
            shape: decl.shape.clone(),
            ty: ty.to_token_stream(),
            tokens,
            params,
        });
        Some(Let {
            name: ident.unraw().to_string(),
            span: ident.span(),
            value: Expr {
                kind: ExprKind::Outside(index),
                span: super::first_span(value),
                span_end: super::last_span(value),
                text: self.texts.of(value),
            },
            declared: Some(decl.clone()),
            assigns: None,
            repeats: None,
        })
    }
}
