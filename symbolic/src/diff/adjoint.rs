//! The adjoint rule of every operation: given the adjoint Ḡ of a node (same shape as the node;
//! ∂φ/∂node), the contribution to the adjoint of each operand. Scalar-shaped adjoints come out
//! as scalar ops automatically: the constructors turn `Scale`/`Hadamard`/`Dot` of scalars into
//! `Mul` and `ElemDiv` into `Div`, so one rule covers both shapes.
//!
//! Each rule reuses the node itself where the textbook formula does (`exp`, `tanh`, `A⁻¹`,
//! `softmax`), so the gradient shares work with the value.

use proc_macro2::Span;

use super::Adjoints;
use crate::ir::{Func, Graph, NodeId, Op};

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
        | Op::KronPerm(..) => {}
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
        // ∂det A = det(A) A⁻ᵀ, ∂logdet A = A⁻ᵀ; A⁻ᵀ is one node shared with every other use.
        Op::Det(a) => c.give(a, |g, sp| {
            let s = g.mul(bar, id, sp);
            let inv_t = inverse_transpose(g, a, sp);
            g.scale(s, inv_t, sp)
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
        // ∂‖A‖ = A / ‖A‖ (the node itself in the denominator).
        Op::Norm(a) => c.give(a, |g, sp| {
            let s = g.scale(bar, a, sp);
            g.div(s, id, sp)
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
        // n = A^∘p: Ā = p Ḡ ⊙ A^∘(p−1), p̄ = Ḡ : (n ⊙ log A).
        Op::Powf(a, p) => {
            c.give(a, |g, sp| {
                let one = g.literal(1.0, sp);
                let pm1 = g.sub(p, one, sp);
                let pow = g.make(Op::Powf(a, pm1), sp);
                let h = g.hadamard(bar, pow, sp);
                g.scale(p, h, sp)
            });
            c.give(p, |g, sp| {
                let log = g.map(Func::Log, a, sp);
                let nl = g.hadamard(id, log, sp);
                g.dot(bar, nl, sp)
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
        Op::ToScalar(a) => c.give(a, |g, sp| {
            if g.shape(a).is_scalar() {
                bar
            } else {
                g.make(Op::FromScalar(bar), sp)
            }
        }),
        Op::FromScalar(s) => c.give(s, |g, sp| g.make(Op::ToScalar(bar), sp)),
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

/// The adjoint of `n = f(a)` elementwise: `Ḡ ⊙ f'(a)`, with `f'` written through `n` where
/// that is cheaper (exp, tan, tanh, sqrt, sigmoid, recip).
pub(super) fn map_adjoint(
    g: &mut Graph,
    f: Func,
    a: NodeId,
    n: NodeId,
    bar: NodeId,
    sp: Span,
) -> NodeId {
    let times = |g: &mut Graph, d: NodeId| g.hadamard(bar, d, sp);
    match f {
        Func::Exp => times(g, n),
        Func::Log => g.elem_div(bar, a, sp),
        Func::Sin => {
            let d = g.map(Func::Cos, a, sp);
            times(g, d)
        }
        Func::Cos => {
            let d = g.map(Func::Sin, a, sp);
            let h = times(g, d);
            g.neg(h, sp)
        }
        Func::Tan | Func::Tanh => {
            let ones = g.ones_like(a, sp);
            let sq = g.map(Func::Powi(2), n, sp);
            let d = if f == Func::Tan {
                g.add(ones, sq, sp)
            } else {
                g.sub(ones, sq, sp)
            };
            times(g, d)
        }
        Func::Sqrt => {
            let twice = g.scale_by(2.0, n, sp);
            g.elem_div(bar, twice, sp)
        }
        Func::Abs => {
            let d = g.map(Func::Sign, a, sp);
            times(g, d)
        }
        Func::Sigmoid => {
            let ones = g.ones_like(a, sp);
            let rest = g.sub(ones, n, sp);
            let d = g.hadamard(n, rest, sp);
            times(g, d)
        }
        Func::Softplus => {
            let d = g.map(Func::Sigmoid, a, sp);
            times(g, d)
        }
        Func::Relu => {
            let d = g.map(Func::Step, a, sp);
            times(g, d)
        }
        Func::Powi(0) | Func::Sign | Func::Step => g.zeros_like(a, sp),
        Func::Powi(k) => {
            let d = g.map(Func::Powi(k - 1), a, sp);
            let h = times(g, d);
            g.scale_by(f64::from(k), h, sp)
        }
        Func::Recip => {
            let d = g.map(Func::Powi(2), n, sp);
            let h = times(g, d);
            g.neg(h, sp)
        }
    }
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
