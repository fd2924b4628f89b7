//! Loops (reference §4b): `let mut NAME = INIT;` then `for t in 0..K { NAME = EXPR; .. }`, with K
//! an integer literal or a typenum constant, unrolled here at expansion. Each assignment becomes
//! a new `let NAME = EXPR;` (single assignment), so every later stage sees an ordinary chain of
//! `let`s: one iteration adds one copy of the body, and a value computed in one iteration is a
//! node the next iteration reads, never a subtree copied into it. The loop variable is a number
//! in each copy, so it may index (`x[t]`, `U.column(t)`, `A[(t, t + 1)]`).
//!
//! Unrolling is bounded: a function unrolls at most `MAX_UNROLLED` expression nodes over all its
//! loops, checked before a loop is unrolled, so a large K is an error at the loop, not a hang.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{BinOp, Pat, RangeLimits, Stmt};

#[cfg(test)]
mod tests;

use super::super::signature::dim_argument;
use super::super::text::{first_span, last_span};
use super::views::fold_index;
use super::{tokens_text, Scope};
use crate::ast::{BinaryOp, Expr, ExprKind, Let};
use crate::ir::Dim;

/// The most expression nodes a function may unroll over all its loops (iterations × nodes of
/// the body). Expansion time and generated code grow linearly with this count; at the limit a
/// gradient expands in about 0.3 s and an hvp in about 1 s in a debug build (README "Programs
/// with loops"). Realistic recurrences reach the depth limit (`MAX_DEPTH`) first.
pub const MAX_UNROLLED: usize = 10_000;

const FORM: &str = "matcalc unrolls loops of the form `for t in 0..K { NAME = EXPR; .. }` at \
     expansion, K an integer literal or a typenum constant (`U10`), the body `let` bindings and \
     assignments to `let mut` bindings declared before the loop";

/// The loop state of a body being parsed.
#[derive(Default)]
pub(in crate::parse) struct Loops {
    /// For each binding of `Scope::lets`: the `let mut` binding it is a value of (itself for
    /// the `let mut`), `None` for a plain `let`.
    pub(super) origins: Vec<Option<usize>>,
    /// The loop variables in scope, innermost last.
    vars: Vec<LoopVar>,
    /// Expression nodes unrolled so far, over all loops of the function.
    unrolled: usize,
    /// For each statement of a loop body (by address), the first binding it made.
    first_binding: HashMap<usize, usize>,
}

/// A loop variable in the iteration being unrolled.
struct LoopVar {
    /// `None` for `for _ in ..`.
    name: Option<String>,
    value: usize,
    /// Its loop's iteration count, for messages.
    count: usize,
    /// How many bindings existed when it was bound: a `let` of the same name after that
    /// shadows it.
    lets_at: usize,
}

impl Loops {
    /// A note for the depth limit's message when it is hit inside a loop.
    pub(super) fn depth_note(&self) -> String {
        match self.vars.last() {
            None => String::new(),
            Some(var) => format!(
                "; this is iteration {} of a loop of {} iterations, and each iteration nests \
                 the values it assigns one level deeper: run fewer iterations",
                var.value, var.count
            ),
        }
    }
}

/// Whether `local` is `let mut NAME ..`.
pub(super) fn is_let_mut(local: &syn::Local) -> bool {
    let pat = match &local.pat {
        Pat::Type(typed) => &*typed.pat,
        pat => pat,
    };
    matches!(pat, Pat::Ident(ident) if ident.mutability.is_some())
}

/// The operator of a compound assignment `+=`, `-=`, `*=`, `/=`.
fn compound(op: &BinOp) -> Option<BinaryOp> {
    match op {
        BinOp::AddAssign(_) => Some(BinaryOp::Add),
        BinOp::SubAssign(_) => Some(BinaryOp::Sub),
        BinOp::MulAssign(_) => Some(BinaryOp::Mul),
        BinOp::DivAssign(_) => Some(BinaryOp::Div),
        _ => None,
    }
}

/// Whether a statement is a loop or an assignment, read by this module.
pub(super) fn is_loop_statement(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::ForLoop(_) | syn::Expr::While(_) | syn::Expr::Loop(_) => true,
        syn::Expr::Assign(_) => true,
        syn::Expr::Binary(b) => compound(&b.op).is_some(),
        _ => false,
    }
}

/// Whether `block` assigns anything (`NAME = ..`, `NAME += ..`), in nested loops included.
fn assigns(block: &syn::Block) -> bool {
    block.stmts.iter().any(|stmt| match stmt {
        Stmt::Expr(syn::Expr::Assign(_), _) => true,
        Stmt::Expr(syn::Expr::Binary(b), _) => compound(&b.op).is_some(),
        Stmt::Expr(syn::Expr::ForLoop(inner), _) => assigns(&inner.body),
        _ => false,
    })
}

/// The expression nodes of `e`.
fn expr_nodes(e: &syn::Expr) -> usize {
    struct Count(usize);
    impl<'ast> syn::visit::Visit<'ast> for Count {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            self.0 += 1;
            syn::visit::visit_expr(self, e);
        }
    }
    let mut count = Count(0);
    syn::visit::Visit::visit_expr(&mut count, e);
    count.0
}

/// The expression nodes one iteration of `block` unrolls: its statements, with a nested loop
/// counted as many times as it runs where its bound is a literal (once where the bound depends
/// on the outer loop; that loop's own check counts it then).
fn block_nodes(block: &syn::Block) -> usize {
    let nodes: usize = block
        .stmts
        .iter()
        .map(|stmt| match stmt {
            Stmt::Local(local) => local.init.as_ref().map_or(0, |i| expr_nodes(&i.expr)),
            Stmt::Expr(syn::Expr::ForLoop(inner), _) => {
                let count = match &*inner.expr {
                    syn::Expr::Range(syn::ExprRange { end: Some(end), .. }) => {
                        fold_index(end, &|_| None)
                            .ok()
                            .and_then(|k| usize::try_from(k).ok())
                    }
                    _ => None,
                };
                count.unwrap_or(1).saturating_mul(block_nodes(&inner.body))
            }
            Stmt::Expr(e, _) => expr_nodes(e),
            Stmt::Item(_) | Stmt::Macro(_) => 1,
        })
        .fold(0, usize::saturating_add);
    // An empty iteration still costs its bookkeeping.
    nodes.max(1)
}

impl Scope<'_, '_> {
    /// The value of loop variable `name` in the iteration being unrolled, unless a `let` since
    /// shadows it.
    pub(super) fn loop_value(&self, name: &str) -> Option<usize> {
        let var = self
            .loops
            .vars
            .iter()
            .rev()
            .find(|v| v.name.as_deref() == Some(name))?;
        let shadowed = self.lets[var.lets_at..].iter().any(|l| l == name);
        (!shadowed).then_some(var.value)
    }

    /// A loop or an assignment as a statement of the body (`is_last`: the body ends with it).
    pub(super) fn loop_statement(&mut self, e: &syn::Expr, is_last: bool) {
        // `while` and `loop` are refused as such, wherever they are.
        if is_last && !matches!(e, syn::Expr::While(_) | syn::Expr::Loop(_)) {
            let what = match e {
                syn::Expr::ForLoop(_) => "a loop",
                _ => "an assignment",
            };
            self.error(
                e,
                format!(
                    "the body ends with {what}: a final expression is needed after it, the \
                     value of the function"
                ),
            );
        }
        self.statement_in_loop(e);
    }

    /// A loop, an assignment, or (inside a loop body) any other expression statement.
    fn statement_in_loop(&mut self, e: &syn::Expr) {
        match e {
            syn::Expr::ForLoop(f) => self.for_loop(f),
            syn::Expr::While(w) => self.error(
                w.while_token,
                format!("`while` loops are not supported: {FORM}"),
            ),
            syn::Expr::Loop(l) => {
                self.error(l.loop_token, format!("`loop` is not supported: {FORM}"))
            }
            syn::Expr::Assign(a) => self.assign(&a.left, &a.right, None),
            syn::Expr::Binary(b) if compound(&b.op).is_some() => {
                self.assign(&b.left, &b.right, compound(&b.op))
            }
            syn::Expr::Break(_) | syn::Expr::Continue(_) => self.error(
                e,
                format!(
                    "`{}` is not supported: a matcalc loop always runs all its iterations (it is \
                     unrolled at expansion); {FORM}",
                    match e {
                        syn::Expr::Break(_) => "break",
                        _ => "continue",
                    }
                ),
            ),
            syn::Expr::Return(_) => self.error(
                e,
                "`return` is not supported inside a loop: the value of the function is the \
                 body's final expression, after the loops",
            ),
            other => self.error(
                other,
                format!(
                    "this expression statement computes nothing a loop can keep: a loop body is \
                     `let` bindings and assignments `NAME = EXPR;` to `let mut` bindings; {FORM}"
                ),
            ),
        }
    }

    /// The header `for t in 0..K` as tokens, for errors about the whole loop.
    fn header(f: &syn::ExprForLoop) -> TokenStream {
        let (for_token, pat, in_token, range) = (&f.for_token, &f.pat, &f.in_token, &f.expr);
        quote!(#for_token #pat #in_token #range)
    }

    /// `for t in 0..K { .. }`: checked, then unrolled K times.
    fn for_loop(&mut self, f: &syn::ExprForLoop) {
        self.reject_attributes(&f.attrs);
        if let Some(label) = &f.label {
            self.error(
                label,
                "loop labels are not supported: a matcalc loop always runs all its iterations",
            );
        }
        let name = match &*f.pat {
            Pat::Ident(ident)
                if ident.by_ref.is_none()
                    && ident.mutability.is_none()
                    && ident.subpat.is_none() =>
            {
                Some(ident.ident.unraw().to_string())
            }
            Pat::Wild(_) => None,
            pat => {
                self.error(
                    pat,
                    format!(
                        "unsupported loop variable `{}`: a loop variable is a plain name (`t`) \
                         or `_`",
                        tokens_text(pat)
                    ),
                );
                return;
            }
        };
        let Some(count) = self.loop_count(&f.expr) else {
            return;
        };
        if !assigns(&f.body) {
            self.error(
                Self::header(f),
                "this loop assigns no `let mut` binding, so unrolling it computes nothing: \
                 declare the state before the loop with `let mut NAME = INIT;` and update it in \
                 the body with `NAME = EXPR;`",
            );
            return;
        }
        let per_iteration = block_nodes(&f.body);
        let total = count.saturating_mul(per_iteration);
        if total > MAX_UNROLLED.saturating_sub(self.loops.unrolled) {
            let before = if self.loops.unrolled > 0 {
                format!(
                    ", after {} unrolled by the loops before it",
                    self.loops.unrolled
                )
            } else {
                String::new()
            };
            self.error(
                Self::header(f),
                format!(
                    "this loop would unroll {count} iterations of {per_iteration} expression \
                     nodes ({total} nodes{before}), above matcalc's limit of {MAX_UNROLLED} \
                     unrolled nodes per function: loops are unrolled at expansion, so run fewer \
                     iterations or put less in the body"
                ),
            );
            return;
        }
        let own_nodes: usize = f
            .body
            .stmts
            .iter()
            .map(|stmt| match stmt {
                Stmt::Expr(syn::Expr::ForLoop(_), _) => 0,
                Stmt::Local(local) => local.init.as_ref().map_or(0, |i| expr_nodes(&i.expr)),
                Stmt::Expr(e, _) => expr_nodes(e),
                Stmt::Item(_) | Stmt::Macro(_) => 1,
            })
            .sum::<usize>()
            .max(1);
        for t in 0..count {
            let errors_before = self.errors.count();
            let lets_before = self.lets.len();
            self.loops.vars.push(LoopVar {
                name: name.clone(),
                value: t,
                count,
                lets_at: lets_before,
            });
            self.loops.unrolled += own_nodes;
            for stmt in &f.body.stmts {
                self.loop_body_statement(stmt);
            }
            self.loops.vars.pop();
            // Bindings made in the body go out of scope with the iteration, as in Rust; new
            // values of `let mut` bindings declared before the loop stay.
            for i in lets_before..self.lets.len() {
                if self.loops.origins[i].is_none_or(|origin| origin >= lets_before) {
                    self.lets[i].clear();
                }
            }
            // One report of an error in the body, not one per iteration.
            if self.errors.count() > errors_before {
                break;
            }
        }
    }

    /// The iteration count of `range`, which must be `0..K`; `None` after an error.
    fn loop_count(&mut self, range: &syn::Expr) -> Option<usize> {
        let syn::Expr::Range(r) = range else {
            self.error(
                range,
                format!("unsupported loop range `{}`: {FORM}", tokens_text(range)),
            );
            return None;
        };
        let starts_at_zero = r
            .start
            .as_deref()
            .is_some_and(|s| fold_index(s, &|_| None) == Ok(0));
        if !starts_at_zero {
            let start = r.start.as_deref().map_or(String::new(), tokens_text);
            self.error(
                range,
                format!(
                    "the loop range `{}` does not start at 0: loops run over `0..K`; shift the \
                     index in the body instead (`x[t + {}]`)",
                    tokens_text(range),
                    if start.is_empty() { "1" } else { &start }
                ),
            );
            return None;
        }
        if let RangeLimits::Closed(_) = r.limits {
            self.error(
                range,
                format!(
                    "inclusive ranges are not supported: write `0..K` with K one more than the \
                     last iteration; {FORM}"
                ),
            );
            return None;
        }
        let Some(end) = r.end.as_deref() else {
            self.error(range, format!("the loop range has no end: {FORM}"));
            return None;
        };
        self.loop_bound(end)
    }

    /// K in `0..K`: an integer expression (of outer loop variables too) or a typenum constant.
    fn loop_bound(&mut self, end: &syn::Expr) -> Option<usize> {
        let folded = fold_index(end, &|name| {
            self.loop_value(name).and_then(|v| i128::try_from(v).ok())
        });
        if let Ok(k) = folded {
            return match usize::try_from(k) {
                Ok(k) => Some(k),
                Err(_) => {
                    self.error(
                        end,
                        format!(
                            "the loop bound `{}` is {k}: it must not be negative",
                            tokens_text(end)
                        ),
                    );
                    None
                }
            };
        }
        // `U10`, `typenum::U10`, `U::<10>`, or a generic dimension (an error).
        let mut inner = end;
        while let syn::Expr::Paren(p) = inner {
            inner = &p.expr;
        }
        if let syn::Expr::Path(path) = inner {
            if path.qself.is_none() {
                let path = &path.path;
                let ty: syn::Type = syn::parse_quote!(#path);
                match dim_argument(&syn::GenericArgument::Type(ty), &self.sig.dims) {
                    Ok(Dim::Known(k)) => return Some(k),
                    Ok(_) => {
                        self.error(
                            end,
                            format!(
                                "the loop bound `{}` is a generic dimension, known only where \
                                 the function is used: a loop is unrolled at expansion, so its \
                                 bound must be an integer literal or a typenum constant (`U10`)",
                                tokens_text(end)
                            ),
                        );
                        return None;
                    }
                    Err(_) => {}
                }
            }
        }
        self.error(
            end,
            format!(
                "the loop bound `{}` is not a constant known at expansion: it must be an integer \
                 literal (`20`), a typenum constant (`U20`), or `+ - *` of integers and outer \
                 loop variables",
                tokens_text(end)
            ),
        );
        None
    }

    /// One statement of a loop body, in the iteration being unrolled.
    fn loop_body_statement(&mut self, stmt: &Stmt) {
        self.reject_attributes(super::stmt_attrs(stmt));
        self.deepest = 0;
        let before = self.lets.len();
        match stmt {
            Stmt::Local(local) => self.let_statement(local),
            Stmt::Expr(syn::Expr::ForLoop(f), _) => self.for_loop(f),
            Stmt::Expr(e, _) => self.statement_in_loop(e),
            Stmt::Item(item) => self.error(item, "items inside a loop body are not supported"),
            Stmt::Macro(mac) => self.error(
                mac,
                format!(
                    "macro `{}!` is not supported in a loop body: {FORM}",
                    tokens_text(&mac.mac.path)
                ),
            ),
        }
        // Later copies of a statement point at its first, so a shape error is reported once.
        if matches!(stmt, Stmt::Expr(syn::Expr::ForLoop(_), _)) || self.lets.len() == before {
            return;
        }
        let key = stmt as *const Stmt as usize;
        match self.loops.first_binding.get(&key) {
            None => {
                self.loops.first_binding.insert(key, before);
            }
            Some(&first) => {
                for binding in self.bindings[before..].iter_mut().flatten() {
                    binding.repeats = Some(first);
                }
            }
        }
    }

    /// `NAME = EXPR` (`op` `None`) or `NAME op= EXPR`: a new value of the `let mut` binding NAME.
    fn assign(&mut self, left: &syn::Expr, right: &syn::Expr, op: Option<BinaryOp>) {
        let target = match left {
            syn::Expr::Path(path) if path.qself.is_none() => path.path.get_ident(),
            _ => None,
        };
        let Some(ident) = target else {
            self.error(
                left,
                format!(
                    "cannot assign to `{}`: an assignment gives a `let mut` binding a new value \
                     (`NAME = EXPR;`); entries and views cannot be assigned (build the new value \
                     with `matrix![..]`, `vstack(..)` or `hstack(..)`)",
                    tokens_text(left)
                ),
            );
            self.expr(right);
            return;
        };
        let name = ident.unraw().to_string();
        let binding = self.lets.iter().rposition(|bound| *bound == name);
        let origin = binding.and_then(|i| self.loops.origins[i]);
        let problem = if self.loop_value(&name).is_some() {
            Some(format!(
                "cannot assign to `{name}`: it is the loop variable, which counts the iterations"
            ))
        } else {
            match (binding, origin) {
                (Some(_), Some(_)) => None,
                (Some(_), None) => Some(format!(
                    "cannot assign to `{name}`: it is not declared `let mut`; write \
                     `let mut {name} = ..;` to update it in a loop"
                )),
                (None, _) if self.sig.params.iter().any(|p| p.name == name) => Some(format!(
                    "cannot assign to `{name}`: it is a parameter; copy it into a binding to \
                     update: `let mut {name}_ = {name};`"
                )),
                (None, _) => Some(format!(
                    "cannot assign to `{name}`: no `let mut {name}` is declared before it"
                )),
            }
        };
        if let Some(problem) = problem {
            self.error(left, problem);
            self.expr(right);
            return;
        }
        let (Some(binding), Some(origin)) = (binding, origin) else {
            return;
        };
        let value = match op {
            None => self.expr(right),
            Some(op) => {
                // `NAME op= EXPR` is `NAME = NAME op EXPR`: its depth is one more than either.
                let depth = 1 + self.depth + self.let_depths.get(binding).copied().unwrap_or(0);
                if depth > super::MAX_DEPTH {
                    self.too_deep(ident.span(), depth);
                    self.expr(right);
                    return;
                }
                self.deepest = self.deepest.max(depth);
                self.depth += 1;
                let right = self.expr(right);
                self.depth -= 1;
                let current = Expr {
                    kind: ExprKind::Local(binding),
                    span: first_span(left),
                    span_end: last_span(left),
                    text: name.clone(),
                };
                right.map(|right| super::binary_node(op, current, right))
            }
        };
        let binding = value.map(|value| Let {
            name: name.clone(),
            span: ident.span(),
            value,
            declared: None,
            assigns: Some(origin),
            repeats: None,
        });
        self.bind(name, binding, Some(origin));
    }
}
