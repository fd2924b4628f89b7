//! Derivative rules of the elementwise operations (`f(A)`, `A^∘p`, `atan2`, `⊙`, `⊘`) and of the
//! reductions whose derivative is elementwise (`‖A‖`, `‖A‖²`, `softmax`, `logsumexp`): for each,
//! the adjoint rule (reverse mode, `adjoint`), the forward Jacobian rule (`jacobian_rules`) and
//! the adjoint rule in words (`--steps`), next to each other and sharing the factor both modes
//! multiply by. The Jacobian of an elementwise map is diag(vec f′) J, so both modes apply the
//! same f′: one as Ḡ ⊙ f′, the other through `elementwise`.

use proc_macro2::Span;

use crate::diff::jacobian_rules::{column, elementwise, row};
use crate::ir::{Func, Graph, NodeId, Op};
use crate::table::Adj;

/// `--steps` for `f(A)`: the derivative f′ comes from the operation table.
pub(in crate::diff) fn map_text(f: Func) -> String {
    format!(
        "{}(A) elementwise: Ā = Ḡ ⊙ {}",
        f.name(),
        f.derivative_text()
    )
}

/// Ḡ ⊙ f′(a) for n = f(a): the table row's rule.
pub(in crate::diff) fn map_adjoint(
    g: &mut Graph,
    f: Func,
    a: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    f.adjoint(g, Adj { a, n, bar, sp })
}

/// diag(vec f′(a)) J_a, with f′ the adjoint rule applied to a unit seed, so the two modes
/// cannot disagree on f′.
pub(in crate::diff) fn map_jacobian(
    g: &mut Graph,
    f: Func,
    a: NodeId,
    n: NodeId,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    let one = g.ones_like(a, sp);
    let d = map_adjoint(g, f, a, n, one, sp);
    elementwise(g, d, ja, sp)
}

pub(in crate::diff) const POWF: &[&str] =
    &["A^∘p: Ā = p Ḡ ⊙ A^∘(p − 1)", "A^∘p: p̄ = ⟨Ḡ, A^∘p ⊙ log(A)⟩"];

/// A^∘(p−1): ∂(A^∘p)/∂A without its factor p.
fn powf_base_factor(g: &mut Graph, a: NodeId, p: NodeId, sp: Span) -> NodeId {
    let one = g.literal(1.0, sp);
    let pm1 = g.sub(p, one, sp);
    g.make(Op::Powf(a, pm1), sp)
}

/// n ⊙ log A = ∂(A^∘p)/∂p for n = A^∘p, with 0 · log 0 read as 0 (an entry a = 0 contributes 0
/// for p > 0, not NaN).
fn powf_exponent_factor(g: &mut Graph, a: NodeId, n: NodeId, sp: Span) -> NodeId {
    let log = g.map(Func::LogOrZero, a, sp);
    g.hadamard(n, log, sp)
}

/// Ā = p Ḡ ⊙ A^∘(p−1).
pub(in crate::diff) fn powf_adjoint_base(
    g: &mut Graph,
    a: NodeId,
    p: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let pow = powf_base_factor(g, a, p, sp);
    let h = g.hadamard(bar, pow, sp);
    g.scale(p, h, sp)
}

/// diag(p A^∘(p−1)) J_A.
pub(in crate::diff) fn powf_jacobian_base(
    g: &mut Graph,
    a: NodeId,
    p: NodeId,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    let pow = powf_base_factor(g, a, p, sp);
    let d = g.scale(p, pow, sp);
    elementwise(g, d, ja, sp)
}

/// p̄ = Ḡ : (n ⊙ log A).
pub(in crate::diff) fn powf_adjoint_exponent(
    g: &mut Graph,
    a: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let nl = powf_exponent_factor(g, a, n, sp);
    g.dot(bar, nl, sp)
}

/// vec(n ⊙ log A), the matrix that multiplies J_p.
pub(in crate::diff) fn powf_jacobian_exponent(
    g: &mut Graph,
    a: NodeId,
    n: NodeId,
    sp: Span,
) -> NodeId {
    let d = powf_exponent_factor(g, a, n, sp);
    column(g, d, sp)
}

pub(in crate::diff) const ATAN2: &[&str] = &[
    "atan2(Y, X): Ȳ = Ḡ ⊙ X ⊘ (X∘² + Y∘²)",
    "atan2(Y, X): X̄ = −Ḡ ⊙ Y ⊘ (X∘² + Y∘²)",
];

/// The elementwise partial derivatives of atan2(y, x): (x ⊘ r, −y ⊘ r) with r = x∘² + y∘²;
/// the adjoint is Ḡ ⊙ each, the Jacobian diag(vec each) J.
pub(in crate::diff) fn atan2_partials(
    g: &mut Graph,
    y: NodeId,
    x: NodeId,
    sp: Span,
) -> (NodeId, NodeId) {
    let xx = g.map(Func::Powi(2), x, sp);
    let yy = g.map(Func::Powi(2), y, sp);
    let r = g.add(xx, yy, sp);
    let dy = g.elem_div(x, r, sp);
    let q = g.elem_div(y, r, sp);
    (dy, g.neg(q, sp))
}

/// Ā = Ḡ ⊙ B (and B̄ = Ḡ ⊙ A); J = diag(vec B) J_A + diag(vec A) J_B.
pub(in crate::diff) const HADAMARD: &[&str] = &["A ⊙ B: Ā = Ḡ ⊙ B, B̄ = Ḡ ⊙ A"];

/// n = A ⊘ B: Ā = Ḡ ⊘ B, B̄ = −(Ḡ ⊙ n) ⊘ B; J = diag(1 ⊘ B) J_A − diag(n ⊘ B) J_B.
pub(in crate::diff) const ELEM_DIV: &[&str] = &["A ⊘ B: Ā = Ḡ ⊘ B", "A ⊘ B: B̄ = −Ḡ ⊙ A ⊘ B∘²"];

pub(in crate::diff) fn elem_div_adjoint_right(
    g: &mut Graph,
    b: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let gn = g.hadamard(bar, n, sp);
    let q = g.elem_div(gn, b, sp);
    g.neg(q, sp)
}

pub(in crate::diff) fn elem_div_jacobian_left(
    g: &mut Graph,
    b: NodeId,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    let r = g.map(Func::Recip, b, sp);
    elementwise(g, r, ja, sp)
}

pub(in crate::diff) fn elem_div_jacobian_right(
    g: &mut Graph,
    b: NodeId,
    n: NodeId,
    jb: NodeId,
    sp: Span,
) -> NodeId {
    let q = g.elem_div(n, b, sp);
    let t = elementwise(g, q, jb, sp);
    g.neg(t, sp)
}

pub(in crate::diff) const NORM: &[&str] = &["‖A‖: Ā = ḡ A / ‖A‖ (0 at A = 0)"];

/// 1/‖A‖ (the node n = ‖A‖ itself in the denominator), read as 0 at A = 0: the subgradient 0
/// there, as for abs and relu. ∂‖A‖ = A / ‖A‖.
fn inverse_norm(g: &mut Graph, n: NodeId, sp: Span) -> NodeId {
    g.map(Func::RecipOrZero, n, sp)
}

pub(in crate::diff) fn norm_adjoint(
    g: &mut Graph,
    a: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let r = inverse_norm(g, n, sp);
    let s = g.mul(bar, r, sp);
    g.scale(s, a, sp)
}

/// vec(A)ᵀ J_A / ‖A‖.
pub(in crate::diff) fn norm_jacobian(
    g: &mut Graph,
    a: NodeId,
    n: NodeId,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    let r = row(g, a, sp);
    let p = g.matmul(r, ja, sp);
    let inv = inverse_norm(g, n, sp);
    g.scale(inv, p, sp)
}

pub(in crate::diff) const NORM_SQ: &[&str] = &["‖A‖²: Ā = 2 ḡ A"];

pub(in crate::diff) fn norm_sq_adjoint(g: &mut Graph, a: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let two = g.literal(2.0, sp);
    let s = g.mul(two, bar, sp);
    g.scale(s, a, sp)
}

/// 2 vec(A)ᵀ J_A.
pub(in crate::diff) fn norm_sq_jacobian(g: &mut Graph, a: NodeId, ja: NodeId, sp: Span) -> NodeId {
    let r = row(g, a, sp);
    let p = g.matmul(r, ja, sp);
    g.scale_by(2.0, p, sp)
}

pub(in crate::diff) const SOFTMAX: &[&str] = &["s = softmax(x): x̄ = s ⊙ (Ḡ − ⟨Ḡ, s⟩ 𝟙)"];

/// n = softmax(A): Ā = n ⊙ Ḡ − (n : Ḡ) n. The same linear map as the Jacobian's
/// diag(s) − s sᵀ, applied without forming it.
pub(in crate::diff) fn softmax_adjoint(g: &mut Graph, n: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let h = g.hadamard(n, bar, sp);
    let d = g.dot(n, bar, sp);
    let s = g.scale(d, n, sp);
    g.sub(h, s, sp)
}

/// diag(vec s) − vec(s) vec(s)ᵀ, the matrix that multiplies J_A.
pub(in crate::diff) fn softmax_jacobian(g: &mut Graph, n: NodeId, sp: Span) -> NodeId {
    let col = column(g, n, sp);
    let d = g.make(Op::Diag(col), sp);
    let r = g.transpose(col, sp);
    let outer = g.matmul(col, r, sp);
    g.sub(d, outer, sp)
}

pub(in crate::diff) const LOGSUMEXP: &[&str] = &["logsumexp(A): Ā = ḡ softmax(A)"];

/// ∂ logsumexp(A)/∂A = softmax(A) over all entries; for a scalar A the derivative is 1 (both
/// modes pass their seed through instead).
pub(in crate::diff) fn logsumexp_gradient(g: &mut Graph, a: NodeId, sp: Span) -> NodeId {
    g.make(Op::Softmax(a), sp)
}
