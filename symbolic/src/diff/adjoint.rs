//! The adjoint rule of every operation: given the adjoint Ḡ of a node (same shape as the node;
//! ∂φ/∂node), the contribution to the adjoint of each operand. Scalar-shaped adjoints come out
//! as scalar ops automatically: the constructors turn `Scale`/`Hadamard`/`Dot` of scalars into
//! `Mul` and `ElemDiv` into `Div`, so one rule covers both shapes.
//!
//! Each rule reuses the node itself where the textbook formula does (`exp`, `tanh`, `A⁻¹`,
//! `softmax`), so the gradient shares work with the value.

use proc_macro2::Span;

use super::factor_rules as factor;
use super::Adjoints;
use crate::ir::{Func, Graph, NodeId, Op};
use crate::table::Adj;

/// Where contributions go: builds a contribution only for operands that lead to a requested
/// parameter, with the span of the node being differentiated.
struct Ctx<'a> {
    g: &'a mut Graph,
    adj: &'a mut Adjoints,
    sp: Span,
}

impl Ctx<'_> {
    fn give(&mut self, to: NodeId, build: impl FnOnce(&mut Graph, Span) -> NodeId) {
        if self.adj.wants(to) {
            let contribution = build(self.g, self.sp);
            self.adj.add(self.g, to, contribution, self.sp);
        }
    }
}

/// Propagates `bar`, the adjoint of node `id`, to `id`'s operands.
pub(super) fn propagate(g: &mut Graph, id: NodeId, bar: NodeId, adj: &mut Adjoints) {
    let node = g.node(id).clone();
    let mut c = Ctx {
        g,
        adj,
        sp: node.span,
    };
    match node.op {
        // Leaves: parameters keep their adjoint; constants have none.
        Op::Param(_)
        | Op::Literal(_)
        | Op::Zeros(..)
        | Op::Ones(..)
        | Op::Identity(_)
        | Op::Commutation(..)
        | Op::KronPerm(..)
        | Op::Const(..) => {}
        // ½(H + Hᵀ) is self-adjoint.
        Op::Symmetrize(h) => c.give(h, |g, sp| g.make(Op::Symmetrize(bar), sp)),
        Op::KronRearrange(..) => panic!(
            "matcalc engine bug: reverse mode reached `rearrange`, which only Jacobians of \
             Kronecker adjoints build"
        ),

        Op::Add(a, b) => {
            c.give(a, |_, _| bar);
            c.give(b, |_, _| bar);
        }
        Op::Sub(a, b) => {
            c.give(a, |_, _| bar);
            c.give(b, |g, sp| g.neg(bar, sp));
        }
        Op::Neg(a) => c.give(a, |g, sp| g.neg(bar, sp)),
        Op::Mul(a, b) => {
            c.give(a, |g, sp| g.mul(bar, b, sp));
            c.give(b, |g, sp| g.mul(bar, a, sp));
        }
        // s̄ = Ḡ : X, X̄ = s Ḡ.
        Op::Scale(s, x) => {
            c.give(s, |g, sp| g.dot(bar, x, sp));
            c.give(x, |g, sp| g.scale(s, bar, sp));
        }
        // Ā = Ḡ Bᵀ, B̄ = Aᵀ Ḡ.
        Op::MatMul(a, b) => {
            c.give(a, |g, sp| {
                let bt = g.transpose(b, sp);
                g.matmul(bar, bt, sp)
            });
            c.give(b, |g, sp| {
                let at = g.transpose(a, sp);
                g.matmul(at, bar, sp)
            });
        }
        // n = a / k: ā = Ḡ / k, k̄ = −(Ḡ : n) / k (reusing n instead of a / k²).
        Op::Div(a, k) => {
            c.give(a, |g, sp| g.div(bar, k, sp));
            c.give(k, |g, sp| {
                let inner = g.dot(bar, id, sp);
                let q = g.div(inner, k, sp);
                g.neg(q, sp)
            });
        }
        Op::Transpose(a) => c.give(a, |g, sp| g.transpose(bar, sp)),
        Op::Trace(a) => c.give(a, |g, sp| {
            let i = g.identity(g.shape(a).rows(), sp);
            g.scale(bar, i, sp)
        }),
        Op::Sum(a) => c.give(a, |g, sp| {
            let ones = g.ones_like(a, sp);
            g.scale(bar, ones, sp)
        }),
        // ∂det A = adj(A)ᵀ, which is det(A) A⁻ᵀ where A is invertible; ∂logdet A = A⁻ᵀ. A⁻ᵀ is
        // one node shared with every other use. See `det_gradient`.
        Op::Det(a) => c.give(a, |g, sp| match small_adjugate_transpose(g, a, sp) {
            Some(adj_t) => g.scale(bar, adj_t, sp),
            None => {
                let s = g.mul(bar, id, sp);
                let inv_t = inverse_transpose(g, a, sp);
                g.scale(s, inv_t, sp)
            }
        }),
        Op::Logdet(a) => c.give(a, |g, sp| {
            let inv_t = inverse_transpose(g, a, sp);
            g.scale(bar, inv_t, sp)
        }),
        // n = A⁻¹: Ā = −nᵀ Ḡ nᵀ.
        Op::Inv(a) => c.give(a, |g, sp| {
            let nt = g.transpose(id, sp);
            sandwich_neg(g, nt, bar, sp)
        }),
        Op::Dot(a, b) => {
            c.give(a, |g, sp| g.scale(bar, b, sp));
            c.give(b, |g, sp| g.scale(bar, a, sp));
        }
        // ∂‖A‖ = A / ‖A‖ (the node itself in the denominator), with 1/‖A‖ read as 0 at
        // A = 0: the subgradient 0 there, as for abs and relu.
        Op::Norm(a) => c.give(a, |g, sp| {
            let r = g.map(Func::RecipOrZero, id, sp);
            let s = g.mul(bar, r, sp);
            g.scale(s, a, sp)
        }),
        Op::NormSq(a) => c.give(a, |g, sp| {
            let two = g.literal(2.0, sp);
            let s = g.mul(two, bar, sp);
            g.scale(s, a, sp)
        }),
        Op::Hadamard(a, b) => {
            c.give(a, |g, sp| g.hadamard(bar, b, sp));
            c.give(b, |g, sp| g.hadamard(bar, a, sp));
        }
        // n = A ⊘ B: Ā = Ḡ ⊘ B, B̄ = −(Ḡ ⊙ n) ⊘ B.
        Op::ElemDiv(a, b) => {
            c.give(a, |g, sp| g.elem_div(bar, b, sp));
            c.give(b, |g, sp| {
                let gn = g.hadamard(bar, id, sp);
                let q = g.elem_div(gn, b, sp);
                g.neg(q, sp)
            });
        }
        Op::Kron(a, b) => {
            c.give(a, |g, sp| g.make(Op::KronAdjointLeft(bar, b), sp));
            c.give(b, |g, sp| g.make(Op::KronAdjointRight(bar, a), sp));
        }
        Op::Vec(a) => c.give(a, |g, sp| {
            let (r, cols) = g.shape(a).dims();
            g.make(Op::Unvec(bar, r, cols), sp)
        }),
        Op::Unvec(v, ..) => c.give(v, |g, sp| g.make(Op::Vec(bar), sp)),
        Op::Diag(v) => c.give(v, |g, sp| g.make(Op::Diagonal(bar), sp)),
        Op::Diagonal(a) => c.give(a, |g, sp| g.make(Op::Diag(bar), sp)),
        Op::Map(f, a) => c.give(a, |g, sp| map_adjoint(g, f, a, id, bar, sp)),
        // n = A^∘p: Ā = p Ḡ ⊙ A^∘(p−1), p̄ = Ḡ : (n ⊙ log A), with 0 · log 0 read as 0 (an
        // entry a = 0 contributes 0 for p > 0, not NaN).
        Op::Powf(a, p) => {
            c.give(a, |g, sp| {
                let one = g.literal(1.0, sp);
                let pm1 = g.sub(p, one, sp);
                let pow = g.make(Op::Powf(a, pm1), sp);
                let h = g.hadamard(bar, pow, sp);
                g.scale(p, h, sp)
            });
            c.give(p, |g, sp| {
                let log = g.map(Func::LogOrZero, a, sp);
                let nl = g.hadamard(id, log, sp);
                g.dot(bar, nl, sp)
            });
        }
        Op::Atan2(y, x) => {
            c.give(y, |g, sp| {
                let (dy, _) = atan2_partials(g, y, x, sp);
                g.hadamard(bar, dy, sp)
            });
            c.give(x, |g, sp| {
                let (_, dx) = atan2_partials(g, y, x, sp);
                g.hadamard(bar, dx, sp)
            });
        }
        Op::MatPow(a, k) => c.give(a, |g, sp| matpow_adjoint(g, a, k, bar, sp)),
        // n = softmax(A): Ā = n ⊙ Ḡ − (n : Ḡ) n.
        Op::Softmax(a) => c.give(a, |g, sp| {
            let h = g.hadamard(id, bar, sp);
            let d = g.dot(id, bar, sp);
            let s = g.scale(d, id, sp);
            g.sub(h, s, sp)
        }),
        Op::Logsumexp(a) => c.give(a, |g, sp| {
            if g.shape(a).is_scalar() {
                bar
            } else {
                let s = g.make(Op::Softmax(a), sp);
                g.scale(bar, s, sp)
            }
        }),
        Op::SoftmaxCols(a) | Op::SoftmaxRows(a) => {
            let by_cols = matches!(node.op, Op::SoftmaxCols(_));
            c.give(a, |g, sp| {
                factor::softmax_batch_adjoint(g, id, bar, by_cols, sp)
            });
        }
        Op::LogsumexpCols(a) | Op::LogsumexpRows(a) => {
            let by_cols = matches!(node.op, Op::LogsumexpCols(_));
            c.give(a, |g, sp| {
                factor::logsumexp_batch_adjoint(g, a, bar, by_cols, sp)
            });
        }
        Op::Solve(a, b) => {
            c.give(b, |g, sp| factor::solve_adjoint_rhs(g, a, bar, sp));
            c.give(a, |g, sp| factor::solve_adjoint_matrix(g, a, id, bar, sp));
        }
        Op::Cholesky(a) => c.give(a, |g, sp| factor::cholesky_adjoint(g, id, bar, sp)),
        // The masks are diagonal linear maps, hence self-adjoint.
        Op::Tril(a) => c.give(a, |g, sp| g.make(Op::Tril(bar), sp)),
        Op::Phi(a) => c.give(a, |g, sp| g.make(Op::Phi(bar), sp)),
        Op::ToScalar(a) => c.give(a, |g, sp| {
            if g.shape(a).is_scalar() {
                bar
            } else {
                g.make(Op::FromScalar(bar), sp)
            }
        }),
        Op::FromScalar(s) => c.give(s, |g, sp| g.make(Op::ToScalar(bar), sp)),
        // Reading a part scatters its adjoint into a structured zero of the whole; sums of
        // scatters merge in `simplify`, so many reads give one matrix of adjoints.
        Op::Entry(a, i, j) | Op::View(a, i, j, ..) => c.give(a, |g, sp| {
            let (r, cols) = g.shape(a).dims();
            g.make(Op::Blocks(r, cols, vec![(i, j, bar)]), sp)
        }),
        // Assembly: each block's adjoint is the view of Ḡ where the block sits.
        Op::Blocks(_, _, ref blocks) => {
            for &(i, j, b) in blocks {
                c.give(b, |g, sp| super::view_rules::view_of(g, bar, i, j, b, sp));
            }
        }
        // n = 𝟙 B: B̄ = 𝟙ᵀ Ḡ; n = B 𝟙: B̄ = Ḡ 𝟙ᵀ.
        Op::OnesMul(_, b) => c.give(b, |g, sp| {
            let k = g.shape(b).rows();
            g.make(Op::OnesMul(k, bar), sp)
        }),
        Op::MulOnes(b, _) => c.give(b, |g, sp| {
            let k = g.shape(b).cols();
            g.make(Op::MulOnes(bar, k), sp)
        }),
        // The Kronecker adjoints are bilinear; each is the adjoint map of `kron` in one slot.
        Op::KronAdjointLeft(gk, b) => {
            c.give(gk, |g, sp| g.make(Op::Kron(bar, b), sp));
            c.give(b, |g, sp| g.make(Op::KronAdjointRight(gk, bar), sp));
        }
        Op::KronAdjointRight(gk, a) => {
            c.give(gk, |g, sp| g.make(Op::Kron(a, bar), sp));
            c.give(a, |g, sp| g.make(Op::KronAdjointLeft(gk, bar), sp));
        }
    }
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
pub(super) fn small_adjugate_transpose(g: &mut Graph, a: NodeId, sp: Span) -> Option<NodeId> {
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
pub(super) fn inverse_transpose(g: &mut Graph, a: NodeId, sp: Span) -> NodeId {
    let inv = g.inv(a, sp);
    g.transpose(inv, sp)
}

/// `−M Ḡ M`.
fn sandwich_neg(g: &mut Graph, m: NodeId, bar: NodeId, sp: Span) -> NodeId {
    let left = g.matmul(m, bar, sp);
    let prod = g.matmul(left, m, sp);
    g.neg(prod, sp)
}

/// The adjoint of `n = f(a)` elementwise: the table row's rule.
pub(super) fn map_adjoint(
    g: &mut Graph,
    f: Func,
    a: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    f.adjoint(g, Adj { a, n, bar, sp })
}

/// The elementwise partial derivatives of atan2(y, x): (x ⊘ r, −y ⊘ r) with r = x∘² + y∘².
pub(super) fn atan2_partials(g: &mut Graph, y: NodeId, x: NodeId, sp: Span) -> (NodeId, NodeId) {
    let xx = g.map(Func::Powi(2), x, sp);
    let yy = g.map(Func::Powi(2), y, sp);
    let r = g.add(xx, yy, sp);
    let dy = g.elem_div(x, r, sp);
    let q = g.elem_div(y, r, sp);
    (dy, g.neg(q, sp))
}

/// The adjoint of `Aᵏ`. For k > 0, Ā = Σᵢ (Aᵀ)ⁱ Ḡ (Aᵀ)^(k−1−i); for k < 0, Aᵏ = (A⁻¹)^|k|, so
/// the same sum with B = A⁻¹ gives B̄ and then Ā = −Bᵀ B̄ Bᵀ (the adjoint of the inverse).
fn matpow_adjoint(g: &mut Graph, a: NodeId, k: i32, bar: NodeId, sp: Span) -> NodeId {
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
pub(super) const SUMMED_POWERS: u32 = 8;

pub(super) fn power(g: &mut Graph, base: NodeId, exp: u32, sp: Span) -> NodeId {
    // `MatPow` takes an i32; `exp < |k| ≤ 2³¹`, so this only fails for k = i32::MIN.
    let exp = i32::try_from(exp).unwrap_or(i32::MAX);
    g.make(Op::MatPow(base, exp), sp)
}
