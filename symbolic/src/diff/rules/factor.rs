//! Derivative rules of the solves, the Cholesky factorization and the batch normalisations
//! (`softmax_cols`, `logsumexp_rows`, ...), in both modes: adjoints for `adjoint`, forward
//! Jacobians for `jacobian_rules`, and the adjoint rule in words for `--steps`. They live
//! together because each pair shares its algebra.
//!
//! | node | adjoint | Jacobian |
//! |---|---|---|
//! | X = solve(A, B) | B̄ = solve(Aᵀ, Ḡ), Ā = −B̄ Xᵀ | solve(I_c ⊗ A, J_B − (Xᵀ ⊗ I) J_A) |
//! | L = chol(A) | Ā = sym(L⁻ᵀ Φ(Lᵀ tril(L̄)) L⁻¹) | (I ⊗ L) diag(vec Φ(𝟙)) (L⁻¹ ⊗ L⁻¹) J_A |
//! | S = softmax_cols(A) | S ⊙ Ḡ − S ⊙ (𝟙 (S ⊙ Ḡ)) | D J − D (I_C ⊗ 𝟙) D J, D = diag(vec S) |
//! | ℓ = logsumexp_cols(A) | softmax_cols(A) ⊙ (𝟙 Ḡ) | (I_C ⊗ 𝟙ᵀ) diag(vec S) J_A |
//!
//! (rows: 𝟙 on the right, `𝟙 ⊗ I_R`.) A⁻¹ is never formed for `solve`: every A⁻¹ and A⁻ᵀ is
//! a `Solve` node, and `lower` gives all solves with one matrix one factorization.
//!
//! **The Cholesky adjoint convention.** A is symmetric, so only symmetric perturbations dA are
//! meaningful (core's `cholesky` refuses an unsymmetric A). With dL = L Φ(L⁻¹ dA L⁻ᵀ)
//! (Murray 2016, "Differentiation of the Cholesky decomposition", eq. 8) and Φ self-adjoint,
//! ⟨L̄, dL⟩ = ⟨S, dA⟩ with S = L⁻ᵀ Φ(Lᵀ tril(L̄)) L⁻¹ (tril because dL is lower triangular, so
//! the upper part of L̄ never matters). The gradient reported is the symmetric Ā = ½(S + Sᵀ):
//! the unique symmetric matrix with ⟨Ā, dA⟩ = dφ for every symmetric dA. Finite differences
//! agree along symmetric perturbations (A + h(Eᵢⱼ + Eⱼᵢ) changes φ by 2h Āᵢⱼ), and through any
//! parameter that builds A symmetrically (K = X Xᵀ + σ² I) the chain rule is exact.

use proc_macro2::Span;

use super::spd;
use crate::diff::jacobian_rules::elementwise;
use crate::ir::{Dim, Graph, NodeId, Op, Shape};

/// `--steps`: the adjoint rule of `solve` in words, per operand.
pub(in crate::diff) const SOLVE: &[&str] = &[
    "X = solve(A, B): Ā = −solve(Aᵀ, Ḡ) Xᵀ",
    "X = solve(A, B): B̄ = solve(Aᵀ, Ḡ)",
];

/// B̄ = solve(Aᵀ, Ḡ) = A⁻ᵀ Ḡ for X = solve(A, B).
pub(in crate::diff) fn solve_adjoint_rhs(
    g: &mut Graph,
    a: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let at = g.transpose(a, sp);
    g.make(Op::Solve(at, bar), sp)
}

/// Ā = −(A⁻ᵀ Ḡ) Xᵀ for X = solve(A, B) (the node `x`).
pub(in crate::diff) fn solve_adjoint_matrix(
    g: &mut Graph,
    a: NodeId,
    x: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let rhs = solve_adjoint_rhs(g, a, bar, sp);
    let xt = g.transpose(x, sp);
    let p = g.matmul(rhs, xt, sp);
    g.neg(p, sp)
}

/// J(X) = solve(I_c ⊗ A, inner) for X = solve(A, B) (n×c), where `inner` is
/// J_B − (Xᵀ ⊗ I_n) J_A: (I_c ⊗ A)⁻¹ = I_c ⊗ A⁻¹ applied without forming A⁻¹.
pub(in crate::diff) fn solve_jacobian(
    g: &mut Graph,
    a: NodeId,
    x: NodeId,
    inner: NodeId,
    sp: Span,
) -> NodeId {
    let c = g.shape(x).cols();
    let eye = g.identity(c, sp);
    let blocks = g.make(Op::Kron(eye, a), sp);
    g.make(Op::Solve(blocks, inner), sp)
}

/// −(Xᵀ ⊗ I_n) J_A, the A term of the solve Jacobian.
pub(in crate::diff) fn solve_jacobian_matrix_term(
    g: &mut Graph,
    x: NodeId,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    let n = g.shape(x).rows();
    let xt = g.transpose(x, sp);
    let eye = g.identity(n, sp);
    let k = g.make(Op::Kron(xt, eye), sp);
    let p = g.matmul(k, ja, sp);
    g.neg(p, sp)
}

pub(in crate::diff) const CHOLESKY: &[&str] = &["L = chol(A): Ā = sym(L⁻ᵀ Φ(Lᵀ tril(L̄)) L⁻¹)"];

/// Ā = ½(S + Sᵀ), S = L⁻ᵀ Φ(Lᵀ tril(L̄)) L⁻¹, for L = chol(A) (the node `l`); see the module
/// docs for the convention. A term s·diag(L)⁻¹ of L̄ (from Σ log L_ii) contributes ½ s A⁻¹
/// (`spd`); the rest goes through the general form.
pub(in crate::diff) fn cholesky_adjoint(g: &mut Graph, l: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let Op::Cholesky(a) = *g.op(l) else {
        unreachable!("matcalc engine bug: the Cholesky adjoint of a node that is not `cholesky`")
    };
    let (log_diagonal, rest) = spd::split_log_diagonal(g, l, bar, sp);
    let inverse_part = log_diagonal.map(|s| {
        let inv = g.inv(a, sp);
        let half = g.literal(0.5, sp);
        let coefficient = g.mul(half, s, sp);
        g.scale(coefficient, inv, sp)
    });
    let general = rest.map(|r| murray_adjoint(g, l, r, sp));
    match (inverse_part, general) {
        (Some(p), Some(q)) => g.add(p, q, sp),
        (Some(p), None) => p,
        (None, Some(q)) => q,
        (None, None) => g.zeros_like(a, sp),
    }
}

/// ½(S + Sᵀ), S = L⁻ᵀ Φ(Lᵀ tril(L̄)) L⁻¹, as two triangular solves: Y = L⁻ᵀ P, S = (L⁻ᵀ Yᵀ)ᵀ.
fn murray_adjoint(g: &mut Graph, l: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let low = g.make(Op::Tril(bar), sp);
    let lt = g.transpose(l, sp);
    let ltl = g.matmul(lt, low, sp);
    let p = g.make(Op::Phi(ltl), sp);
    let y = g.make(Op::Solve(lt, p), sp);
    let yt = g.transpose(y, sp);
    let st = g.make(Op::Solve(lt, yt), sp);
    let s = g.transpose(st, sp);
    let sum = g.add(s, st, sp);
    g.scale_by(0.5, sum, sp)
}

/// J(L) = (I ⊗ L) diag(vec Φ(𝟙)) (L⁻¹ ⊗ L⁻¹) J_A for L = chol(A): vec of dL = L Φ(L⁻¹ dA L⁻ᵀ).
pub(in crate::diff) fn cholesky_jacobian(g: &mut Graph, l: NodeId, ja: NodeId, sp: Span) -> NodeId {
    let n = g.shape(l).rows();
    let inv = g.inv(l, sp);
    let k = g.make(Op::Kron(inv, inv), sp);
    let m = g.matmul(k, ja, sp);
    let mask = phi_mask(g, n.clone(), sp);
    let masked = elementwise(g, mask, m, sp);
    let eye = g.identity(n, sp);
    let left = g.make(Op::Kron(eye, l), sp);
    g.matmul(left, masked, sp)
}

/// The masks are diagonal linear maps, hence self-adjoint; their Jacobian is diag(vec mask).
pub(in crate::diff) const TRIL: &[&str] = &["tril(A): Ā = tril(Ḡ)"];
pub(in crate::diff) const PHI: &[&str] = &["Φ(A): Ā = Φ(Ḡ)"];

/// Φ(𝟙) (n×n), the mask of Φ, and tril(𝟙), the mask of tril.
pub(in crate::diff) fn phi_mask(g: &mut Graph, n: Dim, sp: Span) -> NodeId {
    let ones = g.ones(&Shape::matrix(n.clone(), n), sp);
    g.make(Op::Phi(ones), sp)
}

pub(in crate::diff) fn tril_mask(g: &mut Graph, n: Dim, sp: Span) -> NodeId {
    let ones = g.ones(&Shape::matrix(n.clone(), n), sp);
    g.make(Op::Tril(ones), sp)
}

pub(in crate::diff) const SOFTMAX_BATCH: &[&str] =
    &["S = softmax of each column (row): Ā = S ⊙ Ḡ − S ⊙ (column (row) sums of S ⊙ Ḡ)"];

/// Ā = S ⊙ Ḡ − S ⊙ spread(S ⊙ Ḡ) for S = softmax over each column (`by_cols`) or row.
pub(in crate::diff) fn softmax_batch_adjoint(
    g: &mut Graph,
    s: NodeId,
    bar: NodeId,
    by_cols: bool,
    sp: Span,
) -> NodeId {
    let (r, c) = g.shape(s).dims();
    let h = g.hadamard(s, bar, sp);
    let sums = spread(g, h, r, c, by_cols, sp);
    let t = g.hadamard(s, sums, sp);
    g.sub(h, t, sp)
}

/// J(S) = D J − D M D J with D = diag(vec S), M the spread matrix, for the batch softmax S.
pub(in crate::diff) fn softmax_batch_jacobian(
    g: &mut Graph,
    s: NodeId,
    ja: NodeId,
    by_cols: bool,
    sp: Span,
) -> NodeId {
    let (r, c) = g.shape(s).dims();
    let k = if by_cols { r.clone() } else { c.clone() };
    let dj = elementwise(g, s, ja, sp);
    let m = spread_matrix(g, r, c, k, by_cols, sp);
    let mdj = g.matmul(m, dj, sp);
    let dmdj = elementwise(g, s, mdj, sp);
    g.sub(dj, dmdj, sp)
}

pub(in crate::diff) const LOGSUMEXP_BATCH: &[&str] =
    &["logsumexp of each column (row): Ā = softmax of each column (row) ⊙ Ḡ broadcast"];

/// Ā = softmax_cols(A) ⊙ (𝟙 Ḡ) for logsumexp_cols (or the rows).
pub(in crate::diff) fn logsumexp_batch_adjoint(
    g: &mut Graph,
    a: NodeId,
    bar: NodeId,
    by_cols: bool,
    sp: Span,
) -> NodeId {
    let (r, c) = g.shape(a).dims();
    let s = batch_softmax(g, a, by_cols, sp);
    let spread = spread(g, bar, r, c, by_cols, sp);
    g.hadamard(s, spread, sp)
}

fn batch_softmax(g: &mut Graph, a: NodeId, by_cols: bool, sp: Span) -> NodeId {
    let op = if by_cols {
        Op::SoftmaxCols(a)
    } else {
        Op::SoftmaxRows(a)
    };
    g.make(op, sp)
}

/// J(ℓ) = (I_C ⊗ 𝟙ᵀ) diag(vec S) J_A (columns) or (𝟙ᵀ ⊗ I_R) diag(vec S) J_A (rows).
pub(in crate::diff) fn logsumexp_batch_jacobian(
    g: &mut Graph,
    a: NodeId,
    ja: NodeId,
    by_cols: bool,
    sp: Span,
) -> NodeId {
    let (r, c) = g.shape(a).dims();
    let s = batch_softmax(g, a, by_cols, sp);
    let dj = elementwise(g, s, ja, sp);
    let m = spread_matrix(g, r, c, Dim::Known(1), by_cols, sp);
    g.matmul(m, dj, sp)
}

/// 𝟙 M for the columns (𝟙 R×R, column sums broadcast) or M 𝟙 for the rows.
fn spread(g: &mut Graph, m: NodeId, rows: Dim, cols: Dim, by_cols: bool, sp: Span) -> NodeId {
    if by_cols {
        let ones = g.ones(&Shape::matrix(rows, g.shape(m).rows()), sp);
        g.matmul(ones, m, sp)
    } else {
        let ones = g.ones(&Shape::matrix(g.shape(m).cols(), cols), sp);
        g.matmul(m, ones, sp)
    }
}

/// The matrix `I_C ⊗ 𝟙_{k×R}` (columns) or `𝟙_{k×C} ⊗ I_R` (rows) acting on vec of an R×C
/// matrix: vec(𝟙 M) and vec(M 𝟙ᵀ) as products, for the batch Jacobians.
fn spread_matrix(g: &mut Graph, r: Dim, c: Dim, k: Dim, by_cols: bool, sp: Span) -> NodeId {
    if by_cols {
        let eye = g.identity(c, sp);
        let ones = g.ones(&Shape::matrix(k, r), sp);
        g.make(Op::Kron(eye, ones), sp)
    } else {
        let ones = g.ones(&Shape::matrix(k, c), sp);
        let eye = g.identity(r, sp);
        g.make(Op::Kron(ones, eye), sp)
    }
}
