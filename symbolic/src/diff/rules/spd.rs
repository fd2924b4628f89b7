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

#[cfg(test)]
mod tests {
    use crate::diff::gradient;
    use crate::eval::{evaluate, Bindings, Value};
    use crate::ir::{Func, Graph, NodeId, Op};
    use crate::lower::{kernels, lower};
    use crate::testing::{graph, m, op, sp};

    /// The GP evidence ½ yᵀ solve(Lᵀ, solve(L, y)) + Σ log L_ii, L = chol(X Xᵀ + I), and its
    /// gradient in X: (graph, value, gradient).
    fn evidence() -> (Graph, NodeId, NodeId) {
        let (mut g, p) = graph(&[("X", m(5, 2)), ("y", m(5, 1))]);
        let (x, y) = (p[0], p[1]);
        let xt = g.transpose(x, sp());
        let xxt = g.matmul(x, xt, sp());
        let eye = g.identity(crate::ir::Dim::Known(5), sp());
        let k = g.add(xxt, eye, sp());
        let l = op(&mut g, Op::Cholesky(k));
        let z = op(&mut g, Op::Solve(l, y));
        let lt = g.transpose(l, sp());
        let alpha = op(&mut g, Op::Solve(lt, z));
        let yt = g.transpose(y, sp());
        let quad = g.matmul(yt, alpha, sp());
        let quad = op(&mut g, Op::ToScalar(quad));
        let half = g.scale_by(0.5, quad, sp());
        let d = op(&mut g, Op::Diagonal(l));
        let logs = g.map(Func::Log, d, sp());
        let logdet = op(&mut g, Op::Sum(logs));
        let value = g.add(half, logdet, sp());
        let grad = gradient(&mut g, value, &[0])[0];
        (g, value, grad)
    }

    /// What the emitted code computes: one Cholesky factorization, K⁻¹ from it, substitutions
    /// with L, and nothing of Murray's general adjoint (no Φ, no tril, no LU). Before the
    /// shortcuts the gradient had Φ(Lᵀ tril(L̄)) and two n×n triangular solves.
    #[test]
    fn evidence_gradient_reads_one_factorization() {
        let (g, value, grad) = evidence();
        let lowered = lower(&g, &[value, grad]);
        let lg = &lowered.graph;
        let ops: Vec<&Op> = lowered.statements.iter().map(|&id| lg.op(id)).collect();
        let count = |f: fn(&Op) -> bool| ops.iter().filter(|o| f(o)).count();
        assert_eq!(count(|o| matches!(o, Op::Cholesky(_))), 1);
        assert_eq!(count(|o| matches!(o, Op::Inv(_))), 1);
        assert_eq!(count(|o| matches!(o, Op::Phi(_) | Op::Tril(_))), 0);
        assert_eq!(count(|o| matches!(o, Op::Solve(..))), 2, "z and α only");
        assert!(lowered.shared_lu.is_empty());
        for &id in &lowered.statements {
            match *lg.op(id) {
                Op::Inv(a) => assert!(kernels::cholesky_factor(lg, a).is_some()),
                Op::Solve(a, _) => assert!(!matches!(
                    kernels::solve_kernel(lg, a),
                    kernels::SolveKernel::Lu(_) | kernels::SolveKernel::LuTranspose(_)
                )),
                _ => {}
            }
        }
        // The lowered graph computes what the readable one does.
        let vals = [
            Value::from_rows(
                5,
                2,
                &[0.3, -0.2, 0.5, 0.1, -0.4, 0.7, 0.2, 0.9, -0.6, 0.05],
            ),
            Value::from_rows(5, 1, &[1.0, -0.5, 0.25, 0.8, -0.3]),
        ];
        let dims = Bindings::new();
        let readable = evaluate(&g, &[value, grad], &vals, &dims).expect("evaluates");
        let low = evaluate(lg, &lowered.roots, &vals, &dims).expect("evaluates");
        for (a, b) in readable.iter().zip(&low) {
            crate::check::compare(a, b, 1e-12).expect("same values");
        }
    }

    /// L̄ = s·diag(L)⁻¹ is recognised through scalar factors and signs, and nothing else is.
    #[test]
    fn log_diagonal_terms_are_recognised() {
        let (mut g, p) = graph(&[("K", m(3, 3)), ("s", crate::ir::Shape::Scalar)]);
        let l = op(&mut g, Op::Cholesky(p[0]));
        let d = op(&mut g, Op::Diagonal(l));
        let r = g.map(Func::Recip, d, sp());
        let dg = op(&mut g, Op::Diag(r));
        let scaled = g.scale(p[1], dg, sp());
        let other = g.matmul(l, l, sp());
        let bar = g.sub(other, scaled, sp());
        let (s, rest) = super::split_log_diagonal(&mut g, l, bar, sp());
        assert!(s.is_some());
        assert_eq!(rest, Some(other));
        let (s, rest) = super::split_log_diagonal(&mut g, l, other, sp());
        assert_eq!((s, rest), (None, Some(other)));
        let not_l = op(&mut g, Op::Diagonal(p[0]));
        let r = g.map(Func::Recip, not_l, sp());
        let dg = op(&mut g, Op::Diag(r));
        assert_eq!(super::split_log_diagonal(&mut g, l, dg, sp()).0, None);
    }
}
