//! The body parser's reading of entries, views and assembly (reference §4b): `x[i]`,
//! `A[(i, j)]`, `.row(i)`, `.column(j)`, `.fixed_rows::<R>(i)`, `.fixed_columns::<C>(j)`,
//! `.fixed_view::<R, C>(i, j)`, `vstack(..)`, `hstack(..)`, `matrix![a, b; c, d]`. Offsets are
//! integer expressions of literals, folded here (`1 + 2`); a sum is checked against the shape
//! in `shape::lower`, which knows the operand's size.

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{BinOp, GenericArgument, UnOp};

use super::super::signature::dim_argument;
use super::Scope;
use crate::ast::{Assembly, Expr, ExprKind, Index, Part};
use crate::ir::Dim;

/// The view methods, for messages and for telling them from DSL functions.
pub(super) const VIEW_METHODS: &[&str] =
    &["row", "column", "fixed_rows", "fixed_columns", "fixed_view"];

/// The value of an index expression of integer literals, loop variables (their value in the
/// iteration being unrolled, from `var`) and `+ - *`.
pub(super) fn fold_index(
    e: &syn::Expr,
    var: &dyn Fn(&str) -> Option<i128>,
) -> Result<i128, String> {
    let fold_index = |e: &syn::Expr| fold_index(e, var);
    match e {
        syn::Expr::Path(path) if path.qself.is_none() && path.path.get_ident().is_some() => {
            let name = path.path.get_ident().map(|i| i.unraw().to_string());
            name.as_deref().and_then(var).ok_or_else(|| {
                "an index is an integer literal, a loop variable, or `+ - *` of them \
                 (`2`, `t + 1`, `2 * t`)"
                    .to_string()
            })
        }
        syn::Expr::Paren(inner) => fold_index(&inner.expr),
        syn::Expr::Group(inner) => fold_index(&inner.expr),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) if matches!(int.suffix(), "" | "usize") => {
            int.base10_parse::<i128>().map_err(|e| e.to_string())
        }
        syn::Expr::Unary(syn::ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => Ok(-fold_index(expr)?),
        syn::Expr::Binary(b) => {
            let (x, y) = (fold_index(&b.left)?, fold_index(&b.right)?);
            let value = match b.op {
                BinOp::Add(_) => x.checked_add(y),
                BinOp::Sub(_) => x.checked_sub(y),
                BinOp::Mul(_) => x.checked_mul(y),
                _ => return Err("an index combines integers with `+`, `-` and `*` only".into()),
            };
            value.ok_or_else(|| "the index overflows".to_string())
        }
        _ => Err(
            "an index is an integer literal, a loop variable, or `+ - *` of them (`2`, `1 + 2`, \
             `t + 1`)"
                .into(),
        ),
    }
}

/// The turbofish argument `2`, `{ 2 }` or `U2` / a generic dimension, as a dimension.
fn turbofish_dim(arg: &GenericArgument, dims: &[String]) -> Result<Dim, syn::Error> {
    if let GenericArgument::Const(expr) = arg {
        let inner = match expr {
            syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                syn::Stmt::Expr(inner, None) => inner,
                _ => expr,
            },
            _ => expr,
        };
        return match fold_index(inner, &|_| None) {
            Ok(n) if n >= 1 => Ok(Dim::Known(n as usize)),
            _ => Err(syn::Error::new_spanned(
                arg,
                "a view size is a positive integer (`2`) or a dimension type (`U2`, `N`)",
            )),
        };
    }
    dim_argument(arg, dims)
}

impl Scope<'_, '_> {
    /// An index expression, folded; `None` after an error at it.
    fn index(&mut self, e: &syn::Expr) -> Option<Index> {
        let folded = fold_index(e, &|name| {
            self.loop_value(name).and_then(|v| i128::try_from(v).ok())
        });
        match folded {
            Ok(v) if v >= 0 && usize::try_from(v).is_ok() => Some(Index {
                value: v as usize,
                span: super::first_span(e),
            }),
            Ok(v) => {
                self.error(
                    e,
                    format!(
                        "the index `{}` is {v}: indices start at 0",
                        super::tokens_text(e)
                    ),
                );
                None
            }
            Err(why) => {
                self.error(
                    e,
                    format!("unsupported index `{}`: {why}", super::tokens_text(e)),
                );
                None
            }
        }
    }

    /// `x[i]` or `A[(i, j)]`.
    pub(super) fn indexing(&mut self, idx: &syn::ExprIndex) -> Option<ExprKind> {
        let base = self.expr(&idx.expr);
        let mut inner = &*idx.index;
        while let syn::Expr::Paren(p) = inner {
            if let syn::Expr::Tuple(_) = &*p.expr {
                inner = &p.expr;
            } else {
                break;
            }
        }
        let part = match inner {
            syn::Expr::Tuple(t) if t.elems.len() == 2 => {
                let i = self.index(&t.elems[0]);
                let j = self.index(&t.elems[1]);
                Part::EntryAt(i?, j?)
            }
            syn::Expr::Tuple(t) => {
                self.error(
                    t,
                    "an entry of a matrix is `A[(i, j)]`, a row and a column index",
                );
                return None;
            }
            _ => Part::Entry(self.index(inner)?),
        };
        Some(ExprKind::Part(Box::new(base?), part))
    }

    /// A view method (`name` one of `VIEW_METHODS`) on `receiver`.
    pub(super) fn view_method(
        &mut self,
        call: &syn::ExprMethodCall,
        name: &str,
    ) -> Option<ExprKind> {
        let receiver = self.expr(&call.receiver);
        let (sizes, offsets): (usize, usize) = match name {
            "row" | "column" => (0, 1),
            "fixed_rows" | "fixed_columns" => (1, 1),
            _ => (2, 2),
        };
        let generics: Vec<&GenericArgument> = call
            .turbofish
            .as_ref()
            .map(|t| t.args.iter().collect())
            .unwrap_or_default();
        let usage = match name {
            "row" => "A.row(i)",
            "column" => "A.column(j)",
            "fixed_rows" => "A.fixed_rows::<R>(i)",
            "fixed_columns" => "A.fixed_columns::<C>(j)",
            _ => "A.fixed_view::<R, C>(i, j)",
        };
        if generics.len() != sizes || call.args.len() != offsets {
            self.error(call, format!("`.{name}` is written `{usage}` (sizes are integers or dimension types, indices integers)"));
            return None;
        }
        let mut dims = Vec::new();
        for arg in generics {
            match turbofish_dim(arg, &self.sig.dims) {
                Ok(d) => dims.push(d),
                Err(e) => {
                    self.errors.push(e);
                    return None;
                }
            }
        }
        let indices: Vec<Option<Index>> = call.args.iter().map(|a| self.index(a)).collect();
        let indices: Vec<Index> = indices.into_iter().collect::<Option<_>>()?;
        let zero = |at: &Index| Index {
            value: 0,
            span: at.span,
        };
        let one = Some(Dim::Known(1));
        let (row, col, rows, cols) = match name {
            "row" => (indices[0].clone(), zero(&indices[0]), one, None),
            "column" => (zero(&indices[0]), indices[0].clone(), None, one),
            "fixed_rows" => (
                indices[0].clone(),
                zero(&indices[0]),
                Some(dims[0].clone()),
                None,
            ),
            "fixed_columns" => (
                zero(&indices[0]),
                indices[0].clone(),
                None,
                Some(dims[0].clone()),
            ),
            _ => (
                indices[0].clone(),
                indices[1].clone(),
                Some(dims[0].clone()),
                Some(dims[1].clone()),
            ),
        };
        let name = VIEW_METHODS
            .iter()
            .find(|m| **m == name)
            .copied()
            .unwrap_or("fixed_view");
        Some(ExprKind::Part(
            Box::new(receiver?),
            Part::Block {
                name,
                row,
                col,
                rows,
                cols,
            },
        ))
    }

    /// `vstack(A, B, ..)` / `hstack(A, B, ..)`.
    pub(super) fn stack(
        &mut self,
        call: &syn::ExprCall,
        kind: Assembly,
        name: &str,
    ) -> Option<ExprKind> {
        let parts: Vec<Option<Expr>> = call.args.iter().map(|a| self.expr(a)).collect();
        if parts.len() < 2 {
            self.error(
                call,
                format!("`{name}` stacks two or more matrices: `{name}(A, B, ..)`"),
            );
            return None;
        }
        let parts: Vec<Expr> = parts.into_iter().collect::<Option<_>>()?;
        let rows = match kind {
            Assembly::VStack => parts.into_iter().map(|p| vec![p]).collect(),
            _ => vec![parts],
        };
        Some(ExprKind::Assemble(kind, rows))
    }

    /// `matrix![a, b; c, d]`: rows separated by `;`, entries by `,`.
    pub(super) fn matrix_macro(&mut self, mac: &syn::Macro) -> Option<ExprKind> {
        let mut rows: Vec<TokenStream> = vec![TokenStream::new()];
        for tt in mac.tokens.clone() {
            match &tt {
                TokenTree::Punct(p) if p.as_char() == ';' => rows.push(TokenStream::new()),
                _ => rows.last_mut().expect("one row at least").extend([tt]),
            }
        }
        if rows.last().is_some_and(|r| r.is_empty()) && rows.len() > 1 {
            rows.pop();
        }
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let mut grid = Vec::new();
        let mut failed = false;
        for row in rows {
            let entries = match syn::parse::Parser::parse2(parser, row) {
                Ok(entries) => entries,
                Err(e) => {
                    self.errors.push(e);
                    failed = true;
                    continue;
                }
            };
            let line: Vec<Option<Expr>> = entries.iter().map(|e| self.expr(e)).collect();
            match line.into_iter().collect::<Option<Vec<Expr>>>() {
                Some(line) if !line.is_empty() => grid.push(line),
                Some(_) => {
                    self.error(
                        mac,
                        "`matrix![..]` has an empty row: write `matrix![a, b; c, d]`",
                    );
                    failed = true;
                }
                None => failed = true,
            }
        }
        if failed {
            return None;
        }
        let width = grid.first().map_or(0, Vec::len);
        if let Some(bad) = grid.iter().position(|r| r.len() != width) {
            self.error(
                mac,
                format!(
                    "the rows of `matrix![..]` have different lengths: row 0 has {width} entries, row {bad} has {}",
                    grid[bad].len()
                ),
            );
            return None;
        }
        Some(ExprKind::Assemble(Assembly::Grid, grid))
    }
}

/// Whether `path` names the `matrix!` macro (`matrix!`, `matcalc::matrix!`).
pub(super) fn is_matrix_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident.unraw() == "matrix")
}
