//! Derivative rules of the operations built on the inverse: `det`, `logdet`, `A⁻¹`, `Aᵏ`.
//! For each, the adjoint rule (reverse mode, `adjoint`), the forward Jacobian rule
//! (`jacobian_rules`) and the adjoint rule in words (`--steps`), next to each other and sharing
//! the factor both modes multiply by (adj(A)ᵀ or A⁻ᵀ, the powers of A).
//!
//! | node | adjoint | Jacobian |
//! |---|---|---|
//! | `det A` | ḡ adj(A)ᵀ = ḡ det(A) A⁻ᵀ | vec(adj(A)ᵀ)ᵀ J_A |
//! | `logdet A` | ḡ A⁻ᵀ | vec(A⁻ᵀ)ᵀ J_A |
//! | n = `A⁻¹` | −nᵀ Ḡ nᵀ | −(nᵀ ⊗ n) J_A |
//! | `Aᵏ` | Σᵢ (Aᵀ)ⁱ Ḡ (Aᵀ)^(k−1−i) | Σᵢ ((Aᵀ)^(k−1−i) ⊗ Aⁱ) J_A |

use proc_macro2::Span;

use crate::diff::jacobian_rules::row;
use crate::ir::{Func, Graph, NodeId, Op, Shape};

pub(in crate::diff) const DET: &[&str] = &["det(A): Ā = ḡ det(A) A⁻ᵀ"];

/// ∂det(A)/∂A: adj(A)ᵀ where a small known size allows (exact at singular A), else A⁻ᵀ, which
/// each mode still multiplies by det(A) (the node itself).
pub(in crate::diff) enum DetGradient {
    Adjugate(NodeId),
    TimesDet(NodeId),
}

pub(in crate::diff) fn det_gradient(g: &mut Graph, a: NodeId, sp: Span) -> DetGradient {
    match small_adjugate_transpose(g, a, sp) {
        Some(adj_t) => DetGradient::Adjugate(adj_t),
        None => DetGradient::TimesDet(inverse_transpose(g, a, sp)),
    }
}

/// Ā = ḡ adj(A)ᵀ, or (ḡ det A) A⁻ᵀ; `n` is det(A).
pub(in crate::diff) fn det_adjoint(
    g: &mut Graph,
    a: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    match det_gradient(g, a, sp) {
        DetGradient::Adjugate(adj_t) => g.scale(bar, adj_t, sp),
        DetGradient::TimesDet(inv_t) => {
            let s = g.mul(bar, n, sp);
            g.scale(s, inv_t, sp)
        }
    }
}

/// vec(adj(A)ᵀ)ᵀ J_A, or det(A) vec(A⁻ᵀ)ᵀ J_A.
pub(in crate::diff) fn det_jacobian(
    g: &mut Graph,
    a: NodeId,
    n: NodeId,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    match det_gradient(g, a, sp) {
        DetGradient::Adjugate(adj_t) => {
            let r = row(g, adj_t, sp);
            g.matmul(r, ja, sp)
        }
        DetGradient::TimesDet(it) => {
            let r = row(g, it, sp);
            let p = g.matmul(r, ja, sp);
            g.scale(n, p, sp)
        }
    }
}

pub(in crate::diff) const LOGDET: &[&str] = &["logdet(A): Ā = ḡ A⁻ᵀ"];

/// ∂logdet(A)/∂A = A⁻ᵀ: the adjoint scales it by ḡ, the Jacobian is vec(A⁻ᵀ)ᵀ J_A.
pub(in crate::diff) fn logdet_gradient(g: &mut Graph, a: NodeId, sp: Span) -> NodeId {
    inverse_transpose(g, a, sp)
}

pub(in crate::diff) const INV: &[&str] = &["A⁻¹: Ā = −A⁻ᵀ Ḡ A⁻ᵀ"];

/// n = A⁻¹: Ā = −nᵀ Ḡ nᵀ.
pub(in crate::diff) fn inv_adjoint(g: &mut Graph, n: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let nt = g.transpose(n, sp);
    sandwich_neg(g, nt, bar, sp)
}

/// n = A⁻¹: J = −(nᵀ ⊗ n) J_A.
pub(in crate::diff) fn inv_jacobian(g: &mut Graph, n: NodeId, ja: NodeId, sp: Span) -> NodeId {
    let k = inverse_kron(g, n, sp);
    let p = g.matmul(k, ja, sp);
    g.neg(p, sp)
}

/// `∂det(A)/∂A = adj(A)ᵀ` for A of known size n ≤ 4, else `None` (the caller then uses
/// `det(A) A⁻ᵀ`).
///
/// For n ≤ 4 it is `adj(A)ᵀ = adj(Aᵀ)`, written by Cayley–Hamilton as a
/// polynomial in `B = Aᵀ` with `e₁ = tr B`, `e₂ = ½(e₁² − tr B²)`,
/// `e₃ = ⅙(e₁³ − 3 e₁ tr B² + 2 tr B³)`:
///
/// ```text
/// n = 1: 1        n = 2: e₁ I − B        n = 3: B² − e₁ B + e₂ I
/// n = 4: e₃ I − e₂ B + e₁ B² − B³
/// ```
///
/// It is exact at every A, singular ones included (0 at rank ≤ n − 2, the nonzero adjugate
/// at rank n − 1), where `det(A) A⁻ᵀ` is `0 · ∞ = NaN`; and, being a polynomial made of
/// ordinary operations, its own derivatives (Hessians of det) are exact there too. Larger or
/// generic sizes keep `det(A) A⁻ᵀ`, which is NaN where A is singular (documented in
/// `DIFF_BUGS.md` and the README).
fn small_adjugate_transpose(g: &mut Graph, a: NodeId, sp: Span) -> Option<NodeId> {
    let n = g.shape(a).rows().known().filter(|&n| n <= 4)?;
    let b = g.transpose(a, sp);
    let eye = g.identity(g.shape(a).rows(), sp);
    if n == 1 {
        return Some(eye);
    }
    let e1 = g.make(Op::Trace(b), sp);
    if n == 2 {
        let e1_i = g.scale(e1, eye, sp);
        return Some(g.sub(e1_i, b, sp));
    }
    let b2 = g.matmul(b, b, sp);
    let p2 = g.make(Op::Trace(b2), sp);
    let e1_sq = g.map(Func::Powi(2), e1, sp);
    let e2_twice = g.sub(e1_sq, p2, sp);
    let two = g.literal(2.0, sp);
    let e2 = g.div(e2_twice, two, sp);
    if n == 3 {
        let e1_b = g.scale(e1, b, sp);
        let e2_i = g.scale(e2, eye, sp);
        let head = g.sub(b2, e1_b, sp);
        return Some(g.add(head, e2_i, sp));
    }
    let b3 = g.matmul(b2, b, sp);
    let p3 = g.make(Op::Trace(b3), sp);
    // e₃ = ⅙(e₁³ − 3 e₁ p₂ + 2 p₃).
    let e1_cube = g.map(Func::Powi(3), e1, sp);
    let e1_p2 = g.mul(e1, p2, sp);
    let three = g.literal(3.0, sp);
    let six = g.literal(6.0, sp);
    let t1 = g.mul(three, e1_p2, sp);
    let t2 = g.mul(two, p3, sp);
    let diff = g.sub(e1_cube, t1, sp);
    let sum = g.add(diff, t2, sp);
    let e3 = g.div(sum, six, sp);
    let e3_i = g.scale(e3, eye, sp);
    let e2_b = g.scale(e2, b, sp);
    let e1_b2 = g.scale(e1, b2, sp);
    let x = g.sub(e3_i, e2_b, sp);
    let y = g.add(x, e1_b2, sp);
    Some(g.sub(y, b3, sp))
}

/// `A⁻ᵀ`, built as `inv(A)ᵀ` so it shares the node `inv(A)` with the value.
fn inverse_transpose(g: &mut Graph, a: NodeId, sp: Span) -> NodeId {
    let inv = g.inv(a, sp);
    g.transpose(inv, sp)
}

/// `−M Ḡ M`.
fn sandwich_neg(g: &mut Graph, m: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let left = g.matmul(m, bar, sp);
    let prod = g.matmul(left, m, sp);
    g.neg(prod, sp)
}

/// `Nᵀ ⊗ N` for N = A⁻¹ (the node itself, so X⁻ᵀ and X⁻¹ are shared with the value).
fn inverse_kron(g: &mut Graph, inv: NodeId, sp: Span) -> NodeId {
    let t = g.transpose(inv, sp);
    g.make(Op::Kron(t, inv), sp)
}

pub(in crate::diff) const MATPOW: &[&str] = &["Aᵏ: Ā = Σᵢ (Aⁱ)ᵀ Ḡ (Aᵏ⁻¹⁻ⁱ)ᵀ"];

/// The adjoint of `Aᵏ`. For k > 0, Ā = Σᵢ (Aᵀ)ⁱ Ḡ (Aᵀ)^(k−1−i); for k < 0, Aᵏ = (A⁻¹)^|k|, so
/// the same sum with B = A⁻¹ gives B̄ and then Ā = −Bᵀ B̄ Bᵀ (the adjoint of the inverse).
pub(in crate::diff) fn matpow_adjoint(
    g: &mut Graph,
    a: NodeId,
    k: i32,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    if k == 0 {
        return g.zeros_like(a, sp);
    }
    let base = if k > 0 { a } else { g.inv(a, sp) };
    let bt = g.transpose(base, sp);
    let mut m = k.unsigned_abs();
    let mut bar = bar;
    let mut total = g.zeros_like(a, sp);
    // Above `SUMMED_POWERS`, Bᵐ is read as the square-and-multiply program core evaluates:
    // Bᵐ = (Bʰ)² with X̄ = Ḡ Xᵀ + Xᵀ Ḡ (X = Bʰ), or Bᵐ = Bᵐ⁻¹ B with B̄ += (Bᵐ⁻¹)ᵀ Ḡ and
    // Ḡ ← Ḡ Bᵀ: O(log m) terms instead of m.
    while m > SUMMED_POWERS {
        if m.is_multiple_of(2) {
            m /= 2;
            let x = power(g, base, m, sp);
            let xt = g.transpose(x, sp);
            let left = g.matmul(bar, xt, sp);
            let right = g.matmul(xt, bar, sp);
            bar = g.add(left, right, sp);
        } else {
            m -= 1;
            let rest = power(g, bt, m, sp);
            let direct = g.matmul(rest, bar, sp);
            total = g.add(total, direct, sp);
            bar = g.matmul(bar, bt, sp);
        }
    }
    for i in 0..m {
        let left = power(g, bt, i, sp);
        let right = power(g, bt, m - 1 - i, sp);
        let lg = g.matmul(left, bar, sp);
        let term = g.matmul(lg, right, sp);
        total = g.add(total, term, sp);
    }
    if k > 0 {
        total
    } else {
        sandwich_neg(g, bt, total, sp)
    }
}

/// Powers up to this are differentiated as the sum Σᵢ (Bᵀ)ⁱ Ḡ (Bᵀ)^(m−1−i) (like terms merge
/// into the familiar closed forms); higher ones through repeated squaring, O(log m) terms.
const SUMMED_POWERS: u32 = 8;

fn power(g: &mut Graph, base: NodeId, exp: u32, sp: Span) -> NodeId {
    // `MatPow` takes an i32; `exp < |k| ≤ 2³¹`, so this only fails for k = i32::MIN.
    let exp = i32::try_from(exp).unwrap_or(i32::MAX);
    g.make(Op::MatPow(base, exp), sp)
}

/// J(Aᵏ) = Σᵢ ((Aᵀ)^(k−1−i) ⊗ Aⁱ) J_A for k > 0; for k < 0 the same sum over B = A⁻¹ applied
/// to J_B = −(B ᵀ ⊗ B) J_A.
pub(in crate::diff) fn matpow_jacobian(
    g: &mut Graph,
    a: NodeId,
    k: i32,
    ja: NodeId,
    sp: Span,
) -> NodeId {
    if k == 0 {
        let rows = g.shape(a).len();
        let cols = g.shape(ja).cols();
        return g.zeros(&Shape::matrix(rows, cols), sp);
    }
    let (base, jb) = if k > 0 {
        (a, ja)
    } else {
        let b = g.inv(a, sp);
        let kr = inverse_kron(g, b, sp);
        let p = g.matmul(kr, ja, sp);
        (b, g.neg(p, sp))
    };
    power_jacobian(g, base, k.unsigned_abs(), jb, sp)
}

/// J(Bᵐ) from J_B = `jb`, m ≥ 1. Above `SUMMED_POWERS` by repeated squaring (O(log m) terms):
/// J((Bʰ)²) = (Xᵀ ⊗ I + I ⊗ X) J(X) with X = Bʰ; J(Bᵐ⁻¹ B) = (Bᵀ ⊗ I) J(Bᵐ⁻¹) + (I ⊗ Bᵐ⁻¹) J_B.
fn power_jacobian(g: &mut Graph, base: NodeId, m: u32, jb: NodeId, sp: Span) -> NodeId {
    if m > SUMMED_POWERS {
        let n = g.shape(base).rows();
        let eye = g.identity(n, sp);
        if m.is_multiple_of(2) {
            let jx = power_jacobian(g, base, m / 2, jb, sp);
            let x = power(g, base, m / 2, sp);
            let xt = g.transpose(x, sp);
            let left = g.make(Op::Kron(xt, eye), sp);
            let right = g.make(Op::Kron(eye, x), sp);
            let factor = g.add(left, right, sp);
            return g.matmul(factor, jx, sp);
        }
        let jy = power_jacobian(g, base, m - 1, jb, sp);
        let y = power(g, base, m - 1, sp);
        let bt = g.transpose(base, sp);
        let left = g.make(Op::Kron(bt, eye), sp);
        let right = g.make(Op::Kron(eye, y), sp);
        let through_rest = g.matmul(left, jy, sp);
        let direct = g.matmul(right, jb, sp);
        return g.add(through_rest, direct, sp);
    }
    let bt = g.transpose(base, sp);
    let mut total: Option<NodeId> = None;
    for i in 0..m {
        let left = power(g, bt, m - 1 - i, sp);
        let right = power(g, base, i, sp);
        let kr = g.make(Op::Kron(left, right), sp);
        total = Some(match total {
            Some(t) => g.add(t, kr, sp),
            None => kr,
        });
    }
    match total {
        Some(sum) => g.matmul(sum, jb, sp),
        None => jb,
    }
}
