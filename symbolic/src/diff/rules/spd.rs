//! Shortcuts of reverse mode through a Cholesky factor L = chol(A) for the two ways programs
//! use one (Rasmussen & Williams, Algorithm 2.1), so that their gradients come out in the
//! textbook form instead of through Murray's general adjoint (two n×n triangular solves and
//! an n×n product per factor):
//!
//! - **A⁻¹B as two substitutions.** X = solve(Lᵀ, solve(L, B)) is A⁻¹B for the symmetric A.
//!   Its adjoints are given to A and B directly: B̄ = A⁻¹Ḡ (again two substitutions with L),
//!   Ā = −sym(A⁻¹Ḡ Xᵀ). For ½ yᵀα that is −½ααᵀ, with A⁻¹(½y) = ½α shared with the value.
//! - **Σ log L_ii** (½ logdet A). Its adjoint is L̄ = s·diag(L)⁻¹ (s the scalar adjoint), and
//!   Murray's formula maps that term to ½ s A⁻¹: Lᵀ diag(s/L_ii) is upper triangular with
//!   diagonal s, so Φ of it is ½ s I, and L⁻ᵀ(½ s I)L⁻¹ = ½ s A⁻¹. `lower` computes A⁻¹ from
//!   L (`cholesky_inverse`), so A is factored once.
//!
//! Together, the GP evidence gradient is ½(K⁻¹ − ααᵀ). Both shortcuts are exact along symmetric
//! perturbations of A, the convention of `factor`'s Cholesky adjoint (which also reports the
//! symmetric gradient), and the rest of L̄ still goes through Murray's formula.

use proc_macro2::Span;

use crate::ir::{Func, Graph, NodeId, Op};

/// X = solve(Lᵀ, solve(L, B)) with L = chol(A), read off the operands of the outer solve.
#[derive(Clone, Copy)]
pub(in crate::diff) struct SpdSolve {
    /// The factor L.
    pub l: NodeId,
    /// The symmetric positive definite A.
    pub a: NodeId,
    /// The right-hand side B.
    pub rhs: NodeId,
}

/// `solve(m, inner)` as A⁻¹B through a Cholesky factor, if it is one.
pub(in crate::diff) fn spd_solve(g: &Graph, m: NodeId, inner: NodeId) -> Option<SpdSolve> {
    let Op::Transpose(l) = *g.op(m) else {
        return None;
    };
    let Op::Cholesky(a) = *g.op(l) else {
        return None;
    };
    match *g.op(inner) {
        Op::Solve(l2, rhs) if l2 == l => Some(SpdSolve { l, a, rhs }),
        _ => None,
    }
}

/// A⁻¹Ḡ = solve(Lᵀ, solve(L, Ḡ)): the adjoint of B.
pub(in crate::diff) fn spd_solve_adjoint_rhs(
    g: &mut Graph,
    s: SpdSolve,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let inner = g.make(Op::Solve(s.l, bar), sp);
    let lt = g.transpose(s.l, sp);
    g.make(Op::Solve(lt, inner), sp)
}

/// Ā = −sym(A⁻¹Ḡ Xᵀ) for X (the node `x`) = A⁻¹B.
pub(in crate::diff) fn spd_solve_adjoint_matrix(
    g: &mut Graph,
    s: SpdSolve,
    x: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let w = spd_solve_adjoint_rhs(g, s, bar, sp);
    let xt = g.transpose(x, sp);
    let p = g.matmul(w, xt, sp);
    let sym = symmetric_part(g, p, sp);
    g.neg(sym, sp)
}

/// ½(M + Mᵀ), or M itself where its form shows it symmetric (a multiple of u uᵀ).
pub(in crate::diff) fn symmetric_part(g: &mut Graph, m: NodeId, sp: Span) -> NodeId {
    let mut core = m;
    while let Op::Scale(_, x) | Op::Neg(x) = *g.op(core) {
        core = x;
    }
    let symmetric = match *g.op(core) {
        Op::MatMul(u, ut) => matches!(*g.op(ut), Op::Transpose(v) if v == u),
        Op::Identity(_) => true,
        _ => false,
    };
    if symmetric {
        return m;
    }
    let mt = g.transpose(m, sp);
    let sum = g.add(m, mt, sp);
    g.scale_by(0.5, sum, sp)
}

/// L̄ split into its Σ log L_ii part, as the scalar s of s·diag(L)⁻¹ (None if there is no such
/// term), and the rest (None if nothing is left).
pub(in crate::diff) fn split_log_diagonal(
    g: &mut Graph,
    l: NodeId,
    bar: NodeId,
    sp: Span,
) -> (Option<NodeId>, Option<NodeId>) {
    let mut terms = Vec::new();
    signed_terms(g, bar, 1.0, &mut terms);
    let mut scale: Option<NodeId> = None;
    let mut rest: Option<NodeId> = None;
    for (sign, term) in terms {
        match reciprocal_diagonal(g, l, term, sp) {
            Some(s) => {
                let s = if sign < 0.0 { g.neg(s, sp) } else { s };
                scale = Some(match scale {
                    Some(acc) => g.add(acc, s, sp),
                    None => s,
                });
            }
            None => {
                rest = Some(match (rest, sign < 0.0) {
                    (Some(acc), false) => g.add(acc, term, sp),
                    (Some(acc), true) => g.sub(acc, term, sp),
                    (None, false) => term,
                    (None, true) => g.neg(term, sp),
                });
            }
        }
    }
    (scale, rest)
}

/// The terms of a sum, each with its sign.
fn signed_terms(g: &Graph, id: NodeId, sign: f64, out: &mut Vec<(f64, NodeId)>) {
    match *g.op(id) {
        Op::Add(a, b) => {
            signed_terms(g, a, sign, out);
            signed_terms(g, b, sign, out);
        }
        Op::Sub(a, b) => {
            signed_terms(g, a, sign, out);
            signed_terms(g, b, -sign, out);
        }
        Op::Neg(a) => signed_terms(g, a, -sign, out),
        _ => out.push((sign, id)),
    }
}

/// `t` = s·diag(𝟙 ⊘ diagonal(L)) for a scalar s (built as a node), if it has that form.
fn reciprocal_diagonal(g: &mut Graph, l: NodeId, t: NodeId, sp: Span) -> Option<NodeId> {
    let mut factors = Vec::new();
    let mut negative = false;
    let mut at = t;
    let mut inside_diag = false;
    loop {
        match *g.op(at) {
            Op::Scale(s, x) => {
                factors.push(s);
                at = x;
            }
            Op::Neg(x) => {
                negative = !negative;
                at = x;
            }
            Op::Diag(v) if !inside_diag => {
                inside_diag = true;
                at = v;
            }
            Op::Map(Func::Recip, d) if inside_diag && *g.op(d) == Op::Diagonal(l) => break,
            _ => return None,
        }
    }
    let mut s = g.literal(if negative { -1.0 } else { 1.0 }, sp);
    for f in factors {
        s = g.mul(s, f, sp);
    }
    Some(s)
}
