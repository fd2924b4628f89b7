//! The adjoint rule of every operation: given the adjoint Ḡ of a node (same shape as the node;
//! ∂φ/∂node), the contribution to the adjoint of each operand. Scalar-shaped adjoints come out
//! as scalar ops automatically: the constructors turn `Scale`/`Hadamard`/`Dot` of scalars into
//! `Mul` and `ElemDiv` into `Div`, so one rule covers both shapes.
//!
//! Each rule reuses the node itself where the textbook formula does (`exp`, `tanh`, `A⁻¹`,
//! `softmax`), so the gradient shares work with the value. Rules longer than a line live with
//! their Jacobian twin in `rules`; `adjoint_text` gives each rule in words for `--steps`.

use proc_macro2::Span;

use super::rules::{elementwise as ew, factor, inverse, spd};
use super::Adjoints;
use crate::ir::{Graph, NodeId, Op};

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
        Op::Det(a) => c.give(a, |g, sp| inverse::det_adjoint(g, a, id, bar, sp)),
        Op::Logdet(a) => c.give(a, |g, sp| {
            let inv_t = inverse::logdet_gradient(g, a, sp);
            g.scale(bar, inv_t, sp)
        }),
        Op::Inv(a) => c.give(a, |g, sp| inverse::inv_adjoint(g, id, bar, sp)),
        Op::Dot(a, b) => {
            c.give(a, |g, sp| g.scale(bar, b, sp));
            c.give(b, |g, sp| g.scale(bar, a, sp));
        }
        Op::Norm(a) => c.give(a, |g, sp| ew::norm_adjoint(g, a, id, bar, sp)),
        Op::NormSq(a) => c.give(a, |g, sp| ew::norm_sq_adjoint(g, a, bar, sp)),
        Op::Hadamard(a, b) => {
            c.give(a, |g, sp| g.hadamard(bar, b, sp));
            c.give(b, |g, sp| g.hadamard(bar, a, sp));
        }
        Op::ElemDiv(a, b) => {
            c.give(a, |g, sp| g.elem_div(bar, b, sp));
            c.give(b, |g, sp| ew::elem_div_adjoint_right(g, b, id, bar, sp));
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
        Op::Map(f, a) => c.give(a, |g, sp| ew::map_adjoint(g, f, a, id, bar, sp)),
        Op::Powf(a, p) => {
            c.give(a, |g, sp| ew::powf_adjoint_base(g, a, p, bar, sp));
            c.give(p, |g, sp| ew::powf_adjoint_exponent(g, a, id, bar, sp));
        }
        Op::Atan2(y, x) => {
            c.give(y, |g, sp| {
                let (dy, _) = ew::atan2_partials(g, y, x, sp);
                g.hadamard(bar, dy, sp)
            });
            c.give(x, |g, sp| {
                let (_, dx) = ew::atan2_partials(g, y, x, sp);
                g.hadamard(bar, dx, sp)
            });
        }
        Op::MatPow(a, k) => c.give(a, |g, sp| inverse::matpow_adjoint(g, a, k, bar, sp)),
        Op::Softmax(a) => c.give(a, |g, sp| ew::softmax_adjoint(g, id, bar, sp)),
        Op::Logsumexp(a) => c.give(a, |g, sp| {
            if g.shape(a).is_scalar() {
                bar
            } else {
                let s = ew::logsumexp_gradient(g, a, sp);
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
        // A⁻¹B written as two substitutions with A's Cholesky factor: adjoints straight to A
        // and B (the inner solve and L get none from here).
        Op::Solve(m, inner) if spd::spd_solve(c.g, m, inner).is_some() => {
            let s = spd::spd_solve(c.g, m, inner).expect("matched above");
            c.give(s.rhs, |g, sp| spd::spd_solve_adjoint_rhs(g, s, bar, sp));
            c.give(s.a, |g, sp| {
                spd::spd_solve_adjoint_matrix(g, s, id, bar, sp)
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

/// The adjoint rule `propagate` applies to operand number `position` of `op`, in words, for
/// `--steps`. The rules of the families in `rules` keep their text beside them; the linear
/// one-liners above keep theirs here.
pub fn adjoint_text(op: &Op, position: usize) -> String {
    let texts: &[&str] = match op {
        Op::Add(..) => &["A + B: Ā = B̄ = Ḡ"],
        Op::Sub(..) => &["A − B: Ā = Ḡ", "A − B: B̄ = −Ḡ"],
        Op::Neg(_) => &["−A: Ā = −Ḡ"],
        Op::Mul(..) => &["a b: ā = ḡ b, b̄ = ḡ a"],
        Op::Scale(..) => &["s A: s̄ = ⟨Ḡ, A⟩", "s A: Ā = s Ḡ"],
        Op::MatMul(..) => &["A B: Ā = Ḡ Bᵀ", "A B: B̄ = Aᵀ Ḡ"],
        Op::OnesMul(..) | Op::MulOnes(..) => {
            &["product with 𝟙: the adjoint is summed or broadcast"]
        }
        Op::Div(..) => &["A / k: Ā = Ḡ / k", "A / k: k̄ = −⟨Ḡ, A / k⟩ / k"],
        Op::Kron(..) => &["A ⊗ B: Ā, B̄ are partial traces of Ḡ against the other factor"],
        Op::Transpose(_) => &["Aᵀ: Ā = Ḡᵀ"],
        Op::Trace(_) => &["tr(A): Ā = ḡ I"],
        Op::Sum(_) => &["sum(A): Ā = ḡ 𝟙"],
        Op::Vec(_) => &["vec(A): Ā = Ḡ reshaped like A"],
        Op::Unvec(..) => &["unvec(a): ā = vec(Ḡ)"],
        Op::Diag(_) => &["diag(v): v̄ = diagonal(Ḡ)"],
        Op::Diagonal(_) => &["diagonal(A): Ā = diag(Ḡ)"],
        Op::Dot(..) => &["⟨A, B⟩: Ā = ḡ B, B̄ = ḡ A"],
        Op::ToScalar(_) | Op::FromScalar(_) => &["a 1×1 matrix is a scalar: the same adjoint"],
        Op::Param(_)
        | Op::Literal(_)
        | Op::Zeros(..)
        | Op::Ones(..)
        | Op::Identity(_)
        | Op::Commutation(..)
        | Op::KronPerm(..) => &["a leaf: no operands"],
        Op::Const(..) => &["a named constant: no operands"],
        Op::KronAdjointLeft(..) | Op::KronAdjointRight(..) => &[
            "Kronecker adjoint: bilinear, its adjoint is a Kronecker product or the other adjoint",
        ],
        Op::KronRearrange(..) => &["rearrangement: linear, its adjoint rearranges back"],
        Op::Symmetrize(_) => &["½(H + Hᵀ): Ā = ½(Ḡ + Ḡᵀ)"],
        Op::Entry(..) => {
            &["A[i, j]: Ā = the zero matrix with ḡ at (i, j) (scatters into one A are merged)"]
        }
        Op::View(..) => &["A[view]: Ā = the zero matrix with Ḡ placed at the view"],
        Op::Blocks(..) => {
            &["[A; B] (assembly): each block's adjoint is the view of Ḡ where it sits"]
        }
        Op::Map(f, _) => return ew::map_text(*f),
        Op::Powf(..) => ew::POWF,
        Op::Atan2(..) => ew::ATAN2,
        Op::Hadamard(..) => ew::HADAMARD,
        Op::ElemDiv(..) => ew::ELEM_DIV,
        Op::Norm(_) => ew::NORM,
        Op::NormSq(_) => ew::NORM_SQ,
        Op::Softmax(_) => ew::SOFTMAX,
        Op::Logsumexp(_) => ew::LOGSUMEXP,
        Op::Det(_) => inverse::DET,
        Op::Logdet(_) => inverse::LOGDET,
        Op::Inv(_) => inverse::INV,
        Op::MatPow(..) => inverse::MATPOW,
        Op::SoftmaxCols(_) | Op::SoftmaxRows(_) => factor::SOFTMAX_BATCH,
        Op::LogsumexpCols(_) | Op::LogsumexpRows(_) => factor::LOGSUMEXP_BATCH,
        Op::Solve(..) => factor::SOLVE,
        Op::Cholesky(_) => factor::CHOLESKY,
        Op::Tril(_) => factor::TRIL,
        Op::Phi(_) => factor::PHI,
    };
    texts[position.min(texts.len() - 1)].to_string()
}
