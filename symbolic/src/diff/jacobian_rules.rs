//! The forward Jacobian rule of every operation: given the Jacobians `J_a = ∂vec a/∂(vec X)ᵀ`
//! of a node's operands, the Jacobian of the node, in Magnus–Neudecker form:
//!
//! | node | Jacobian |
//! |---|---|
//! | `A B` (A r×k, B k×c) | `(Bᵀ ⊗ I_r) J_A + (I_c ⊗ A) J_B` |
//! | `Aᵀ` (A r×c) | `K(r,c) J_A` |
//! | `A⁻¹` | `−(A⁻ᵀ ⊗ A⁻¹) J_A` |
//! | `A ⊙ B`, `f(A)` | `diag(vec B) J_A + diag(vec A) J_B`, `diag(vec f′(A)) J_A` |
//! | `tr A`, `sum A`, `⟨A, B⟩` | `vec(I)ᵀ J_A`, `𝟙ᵀ J_A`, `vec(B)ᵀ J_A + vec(A)ᵀ J_B` |
//! | `det A`, `logdet A` | `det(A) vec(A⁻ᵀ)ᵀ J_A`, `vec(A⁻ᵀ)ᵀ J_A` |
//! | `A ⊗ B` (A m×n, B p×q) | `P [(I_mn ⊗ vec B) J_A + (vec A ⊗ I_pq) J_B]`, P = `KronPerm` |
//! | `softmax(A)` = s | `(diag(vec s) − vec(s) vec(s)ᵀ) J_A` |
//!
//! Elementwise derivatives f′ are the adjoint module's (`map_adjoint` with a unit seed), so the
//! two modes cannot disagree on them.

use std::collections::HashMap;

use proc_macro2::Span;

use super::adjoint::{
    atan2_partials, inverse_transpose, map_adjoint, power, small_adjugate_transpose, SUMMED_POWERS,
};
use super::factor_rules as factor;
use super::view_rules as views;
use crate::ir::{Dim, Func, Graph, NodeId, Op, Shape};

/// The Jacobians known so far (absent = zero) and the number of columns (len of the
/// parameter).
pub(super) struct Forward {
    cols: Dim,
    jac: HashMap<NodeId, NodeId>,
}

impl Forward {
    pub(super) fn new(cols: Dim) -> Forward {
        Forward {
            cols,
            jac: HashMap::new(),
        }
    }

    pub(super) fn has(&self, id: NodeId) -> bool {
        self.jac.contains_key(&id)
    }

    pub(super) fn get(&self, id: NodeId) -> Option<NodeId> {
        self.jac.get(&id).copied()
    }

    /// Records `j` as `id`'s Jacobian unless it is structurally zero.
    pub(super) fn set(&mut self, g: &Graph, id: NodeId, j: NodeId) {
        if !g.is_zero(j) {
            self.jac.insert(id, j);
        }
    }

    /// The Jacobian of node `id` from its operands'.
    pub(super) fn rule(&self, g: &mut Graph, id: NodeId) -> NodeId {
        let node = g.node(id).clone();
        let mut c = Ctx {
            g,
            f: self,
            sp: node.span,
            terms: Vec::new(),
        };
        c.apply(id, &node.op);
        let zero = {
            let rows = c.g.shape(id).len();
            c.g.zeros(&Shape::matrix(rows, self.cols.clone()), c.sp)
        };
        c.terms
            .into_iter()
            .fold(zero, |acc, t| c.g.add(acc, t, node.span))
    }
}

/// One rule application: the terms of the node's Jacobian, one per operand that depends on the
/// parameter.
struct Ctx<'a> {
    g: &'a mut Graph,
    f: &'a Forward,
    sp: Span,
    terms: Vec<NodeId>,
}

impl Ctx<'_> {
    /// Adds the term `build(J_a)` when `a` depends on the parameter.
    fn term(&mut self, a: NodeId, build: impl FnOnce(&mut Graph, NodeId, Span) -> NodeId) {
        if let Some(ja) = self.f.get(a) {
            let t = build(self.g, ja, self.sp);
            self.terms.push(t);
        }
    }

    /// `M J_a`.
    fn left(&mut self, a: NodeId, m: impl FnOnce(&mut Graph, Span) -> NodeId) {
        self.term(a, |g, ja, sp| {
            let m = m(g, sp);
            g.matmul(m, ja, sp)
        });
    }

    fn apply(&mut self, n: NodeId, op: &Op) {
        match *op {
            Op::Param(_)
            | Op::Literal(_)
            | Op::Zeros(..)
            | Op::Ones(..)
            | Op::Identity(_)
            | Op::Commutation(..)
            | Op::KronPerm(..)
            | Op::Const(..) => {}
            // Linear maps that keep vec: the Jacobian passes through.
            Op::Vec(a) | Op::Unvec(a, ..) | Op::ToScalar(a) | Op::FromScalar(a) => {
                self.term(a, |_, ja, _| ja)
            }
            Op::Add(a, b) => {
                self.term(a, |_, ja, _| ja);
                self.term(b, |_, jb, _| jb);
            }
            Op::Sub(a, b) => {
                self.term(a, |_, ja, _| ja);
                self.term(b, |g, jb, sp| g.neg(jb, sp));
            }
            Op::Neg(a) => self.term(a, |g, ja, sp| g.neg(ja, sp)),
            Op::Mul(a, b) => {
                self.term(a, |g, ja, sp| g.scale(b, ja, sp));
                self.term(b, |g, jb, sp| g.scale(a, jb, sp));
            }
            Op::Scale(s, x) => {
                self.left(s, |g, sp| column(g, x, sp));
                self.term(x, |g, jx, sp| g.scale(s, jx, sp));
            }
            Op::MatMul(a, b) => {
                let (r, _) = self.g.shape(a).dims();
                let (_, c) = self.g.shape(b).dims();
                self.left(a, |g, sp| {
                    let bt = g.transpose(b, sp);
                    let eye = g.identity(r, sp);
                    g.make(Op::Kron(bt, eye), sp)
                });
                self.left(b, |g, sp| {
                    let eye = g.identity(c, sp);
                    g.make(Op::Kron(eye, a), sp)
                });
            }
            // n = a / k: J = (J_a − vec(n) J_k) / k.
            Op::Div(a, k) => {
                self.term(a, |g, ja, sp| g.div(ja, k, sp));
                self.term(k, |g, jk, sp| {
                    let col = column(g, n, sp);
                    let p = g.matmul(col, jk, sp);
                    let q = g.div(p, k, sp);
                    g.neg(q, sp)
                });
            }
            Op::Transpose(a) => {
                let (r, c) = self.g.shape(a).dims();
                self.left(a, |g, sp| g.make(Op::Commutation(r, c), sp));
            }
            Op::Trace(a) => self.left(a, |g, sp| {
                let eye = g.identity(g.shape(a).rows(), sp);
                row(g, eye, sp)
            }),
            Op::Sum(a) => self.left(a, |g, sp| {
                let len = g.shape(a).len();
                g.ones(&Shape::matrix(Dim::Known(1), len), sp)
            }),
            // d det = vec(adj(A)ᵀ)ᵀ d vec A, as in reverse mode (`small_adjugate_transpose`),
            // else det(A) vec(A⁻ᵀ)ᵀ d vec A.
            Op::Det(a) => self.term(a, |g, ja, sp| match small_adjugate_transpose(g, a, sp) {
                Some(adj_t) => {
                    let r = row(g, adj_t, sp);
                    g.matmul(r, ja, sp)
                }
                None => {
                    let it = inverse_transpose(g, a, sp);
                    let r = row(g, it, sp);
                    let p = g.matmul(r, ja, sp);
                    g.scale(n, p, sp)
                }
            }),
            Op::Logdet(a) => self.left(a, |g, sp| {
                let it = inverse_transpose(g, a, sp);
                row(g, it, sp)
            }),
            Op::Inv(a) => self.term(a, |g, ja, sp| {
                let k = inverse_kron(g, n, sp);
                let p = g.matmul(k, ja, sp);
                g.neg(p, sp)
            }),
            Op::Dot(a, b) => {
                self.left(a, |g, sp| row(g, b, sp));
                self.left(b, |g, sp| row(g, a, sp));
            }
            // 1/‖A‖ read as 0 at A = 0, as in the gradient (adjoint.rs).
            Op::Norm(a) => self.term(a, |g, ja, sp| {
                let r = row(g, a, sp);
                let p = g.matmul(r, ja, sp);
                let inv = g.map(Func::RecipOrZero, n, sp);
                g.scale(inv, p, sp)
            }),
            Op::NormSq(a) => self.term(a, |g, ja, sp| {
                let r = row(g, a, sp);
                let p = g.matmul(r, ja, sp);
                g.scale_by(2.0, p, sp)
            }),
            Op::Hadamard(a, b) => {
                self.term(a, |g, ja, sp| elementwise(g, b, ja, sp));
                self.term(b, |g, jb, sp| elementwise(g, a, jb, sp));
            }
            // n = a ⊘ b: J = diag(1 ⊘ b) J_a − diag(n ⊘ b) J_b.
            Op::ElemDiv(a, b) => {
                self.term(a, |g, ja, sp| {
                    let r = g.map(Func::Recip, b, sp);
                    elementwise(g, r, ja, sp)
                });
                self.term(b, |g, jb, sp| {
                    let q = g.elem_div(n, b, sp);
                    let t = elementwise(g, q, jb, sp);
                    g.neg(t, sp)
                });
            }
            Op::Map(f, a) => self.term(a, |g, ja, sp| {
                let one = g.ones_like(a, sp);
                let d = map_adjoint(g, f, a, n, one, sp);
                elementwise(g, d, ja, sp)
            }),
            // n = a^∘p: J = diag(p a^∘(p−1)) J_a + vec(n ⊙ log a) J_p.
            Op::Powf(a, p) => {
                self.term(a, |g, ja, sp| {
                    let one = g.literal(1.0, sp);
                    let pm1 = g.sub(p, one, sp);
                    let pow = g.make(Op::Powf(a, pm1), sp);
                    let d = g.scale(p, pow, sp);
                    elementwise(g, d, ja, sp)
                });
                self.left(p, |g, sp| {
                    let log = g.map(Func::LogOrZero, a, sp);
                    let d = g.hadamard(n, log, sp);
                    column(g, d, sp)
                });
            }
            Op::Atan2(y, x) => {
                self.term(y, |g, jy, sp| {
                    let (dy, _) = atan2_partials(g, y, x, sp);
                    elementwise(g, dy, jy, sp)
                });
                self.term(x, |g, jx, sp| {
                    let (_, dx) = atan2_partials(g, y, x, sp);
                    elementwise(g, dx, jx, sp)
                });
            }
            Op::Kron(a, b) => self.kron(a, b),
            Op::Diag(v) => self.left(v, |g, sp| {
                let len = g.shape(v).rows();
                let (sel, spread) = diagonal_selection(g, len, sp);
                let st = g.transpose(spread, sp);
                g.matmul(sel, st, sp)
            }),
            Op::Diagonal(a) => self.left(a, |g, sp| {
                let len = g.shape(a).rows();
                let (sel, spread) = diagonal_selection(g, len, sp);
                g.matmul(spread, sel, sp)
            }),
            Op::MatPow(a, k) => self.term(a, |g, ja, sp| matpow(g, a, k, ja, sp)),
            Op::Softmax(a) => self.left(a, |g, sp| {
                let col = column(g, n, sp);
                let d = g.make(Op::Diag(col), sp);
                let r = g.transpose(col, sp);
                let outer = g.matmul(col, r, sp);
                g.sub(d, outer, sp)
            }),
            Op::Logsumexp(a) => {
                if self.g.shape(a).is_scalar() {
                    self.term(a, |_, ja, _| ja);
                } else {
                    self.left(a, |g, sp| {
                        let s = g.make(Op::Softmax(a), sp);
                        row(g, s, sp)
                    });
                }
            }
            // 𝟙_{r×k} B (B k×c): vec = (I_c ⊗ 𝟙) vec B.
            Op::OnesMul(ref r, b) => {
                let (k, c) = self.g.shape(b).dims();
                let r = r.clone();
                self.left(b, |g, sp| {
                    let eye = g.identity(c, sp);
                    let ones = g.ones(&Shape::matrix(r, k), sp);
                    g.make(Op::Kron(eye, ones), sp)
                });
            }
            // B 𝟙_{k×c} (B r×k): vec = (𝟙_{c×k} ⊗ I_r) vec B.
            Op::MulOnes(b, ref c) => {
                let (r, k) = self.g.shape(b).dims();
                let c = c.clone();
                self.left(b, |g, sp| {
                    let ones = g.ones(&Shape::matrix(c, k), sp);
                    let eye = g.identity(r, sp);
                    g.make(Op::Kron(ones, eye), sp)
                });
            }
            Op::SoftmaxCols(a) | Op::SoftmaxRows(a) => {
                let by_cols = matches!(op, Op::SoftmaxCols(_));
                self.term(a, |g, ja, sp| {
                    factor::softmax_batch_jacobian(g, n, ja, by_cols, sp)
                });
            }
            Op::LogsumexpCols(a) | Op::LogsumexpRows(a) => {
                let by_cols = matches!(op, Op::LogsumexpCols(_));
                self.term(a, |g, ja, sp| {
                    factor::logsumexp_batch_jacobian(g, a, ja, by_cols, sp)
                });
            }
            Op::Solve(a, b) => self.solve(n, a, b),
            Op::Entry(a, i, j) => self.term(a, |g, ja, sp| {
                let one = (Dim::Known(1), Dim::Known(1));
                views::view_jacobian(g, a, (i, j), one, ja, sp)
            }),
            Op::View(a, i, j, ref p, ref q) => {
                let size = (p.clone(), q.clone());
                self.term(a, |g, ja, sp| {
                    views::view_jacobian(g, a, (i, j), size, ja, sp)
                });
            }
            Op::Blocks(ref rows, ref cols, ref blocks) => {
                let width = self.f.cols.clone();
                let f = self.f;
                let terms = views::blocks_jacobian(
                    self.g,
                    (rows, cols),
                    blocks,
                    |b| f.get(b),
                    &width,
                    self.sp,
                );
                self.terms.extend(terms);
            }
            Op::Cholesky(a) => self.term(a, |g, ja, sp| factor::cholesky_jacobian(g, n, ja, sp)),
            // Linear masks: diag(vec mask) J.
            Op::Tril(a) => self.term(a, |g, ja, sp| {
                let mask = factor::tril_mask(g, g.shape(a).rows(), sp);
                elementwise(g, mask, ja, sp)
            }),
            Op::Phi(a) => self.term(a, |g, ja, sp| {
                let mask = factor::phi_mask(g, g.shape(a).rows(), sp);
                elementwise(g, mask, ja, sp)
            }),
            Op::KronAdjointLeft(gk, b) => self.kron_adjoint(n, gk, b, true),
            Op::KronAdjointRight(gk, a) => self.kron_adjoint(n, gk, a, false),
            // ½(H + Hᵀ): ½(J + K J).
            Op::Symmetrize(h) => {
                let (r, c) = self.g.shape(h).dims();
                self.term(h, |g, jh, sp| {
                    let k = g.make(Op::Commutation(r, c), sp);
                    let kj = g.matmul(k, jh, sp);
                    let s = g.add(jh, kj, sp);
                    g.scale_by(0.5, s, sp)
                });
            }
            Op::KronRearrange(..) => {
                panic!("matcalc engine bug: Jacobian of `rearrange`, which only Jacobians build")
            }
        }
    }

    /// X = solve(A, B): J = solve(I ⊗ A, J_B − (Xᵀ ⊗ I) J_A), one solve for both terms.
    fn solve(&mut self, x: NodeId, a: NodeId, b: NodeId) {
        let before = self.terms.len();
        self.term(b, |_, jb, _| jb);
        self.term(a, |g, ja, sp| {
            factor::solve_jacobian_matrix_term(g, x, ja, sp)
        });
        let inner: Vec<NodeId> = self.terms.drain(before..).collect();
        let Some((first, rest)) = inner.split_first() else {
            return;
        };
        let sum = rest
            .iter()
            .fold(*first, |acc, &t| self.g.add(acc, t, self.sp));
        let t = factor::solve_jacobian(self.g, a, x, sum, self.sp);
        self.terms.push(t);
    }

    /// vec(A ⊗ B) = P (vec A ⊗ vec B) = P (I_mn ⊗ vec B) vec A = P (vec A ⊗ I_pq) vec B.
    fn kron(&mut self, a: NodeId, b: NodeId) {
        let (m, cols_a) = self.g.shape(a).dims();
        let (p, q) = self.g.shape(b).dims();
        let before = self.terms.len();
        self.left(a, |g, sp| {
            let eye = g.identity(g.shape(a).len(), sp);
            let vb = column(g, b, sp);
            g.make(Op::Kron(eye, vb), sp)
        });
        self.left(b, |g, sp| {
            let va = column(g, a, sp);
            let eye = g.identity(g.shape(b).len(), sp);
            g.make(Op::Kron(va, eye), sp)
        });
        let inner: Vec<NodeId> = self.terms.drain(before..).collect();
        let (first, rest) = inner
            .split_first()
            .expect("some operand depends on the parameter");
        let sum = rest
            .iter()
            .fold(*first, |acc, &t| self.g.add(acc, t, self.sp));
        let perm = self.g.make(Op::KronPerm(m, cols_a, p, q), self.sp);
        let t = self.g.matmul(perm, sum, self.sp);
        self.terms.push(t);
    }

    /// n = kron_adj_left(G, B) (Ā, m×n): vec Ā = (I_mn ⊗ vec(B)ᵀ) Pᵀ vec G = R(G) vec B.
    /// n = kron_adj_right(G, A) (B̄, p×q): vec B̄ = (vec(A)ᵀ ⊗ I_pq) Pᵀ vec G = R(G)ᵀ vec A.
    fn kron_adjoint(&mut self, n: NodeId, gk: NodeId, other: NodeId, left: bool) {
        let (left_dims, right_dims) = if left {
            (self.g.shape(n).dims(), self.g.shape(other).dims())
        } else {
            (self.g.shape(other).dims(), self.g.shape(n).dims())
        };
        let ((m, cn), (p, q)) = (left_dims.clone(), right_dims);
        self.left(gk, |g, sp| {
            let perm = g.make(Op::KronPerm(m.clone(), cn.clone(), p, q), sp);
            let pt = g.transpose(perm, sp);
            let r = row(g, other, sp);
            let eye = g.identity(g.shape(n).len(), sp);
            let k = if left {
                g.make(Op::Kron(eye, r), sp)
            } else {
                g.make(Op::Kron(r, eye), sp)
            };
            g.matmul(k, pt, sp)
        });
        let (m, cn) = left_dims;
        self.left(other, |g, sp| {
            let r = g.make(Op::KronRearrange(gk, m, cn), sp);
            if left {
                r
            } else {
                g.transpose(r, sp)
            }
        });
    }
}

/// vec(x) as a column (a scalar as a 1×1 matrix).
fn column(g: &mut Graph, x: NodeId, sp: Span) -> NodeId {
    if g.shape(x).is_scalar() {
        g.make(Op::FromScalar(x), sp)
    } else {
        g.make(Op::Vec(x), sp)
    }
}

/// vec(x)ᵀ.
fn row(g: &mut Graph, x: NodeId, sp: Span) -> NodeId {
    let c = column(g, x, sp);
    g.transpose(c, sp)
}

/// diag(vec d) J, or d J for a scalar d.
pub(super) fn elementwise(g: &mut Graph, d: NodeId, j: NodeId, sp: Span) -> NodeId {
    if g.shape(d).is_scalar() {
        return g.scale(d, j, sp);
    }
    let col = column(g, d, sp);
    let diag = g.make(Op::Diag(col), sp);
    g.matmul(diag, j, sp)
}

/// `Nᵀ ⊗ N` for N = A⁻¹ (the node itself, so X⁻ᵀ and X⁻¹ are shared with the value).
fn inverse_kron(g: &mut Graph, inv: NodeId, sp: Span) -> NodeId {
    let t = g.transpose(inv, sp);
    g.make(Op::Kron(t, inv), sp)
}

/// The selection vec(diag v) = diag(vec I) (𝟙 ⊗ I) v, as (diag(vec I_n), 𝟙ᵀ ⊗ I_n); its
/// transpose selects the diagonal: diagonal(A) = (𝟙ᵀ ⊗ I) diag(vec I) vec A.
fn diagonal_selection(g: &mut Graph, n: Dim, sp: Span) -> (NodeId, NodeId) {
    let eye = g.identity(n.clone(), sp);
    let vi = g.make(Op::Vec(eye), sp);
    let sel = g.make(Op::Diag(vi), sp);
    let ones = g.ones(&Shape::matrix(Dim::Known(1), n), sp);
    let spread = g.make(Op::Kron(ones, eye), sp);
    (sel, spread)
}

/// J(Aᵏ) = Σᵢ ((Aᵀ)^(k−1−i) ⊗ Aⁱ) J_A for k > 0; for k < 0 the same sum over B = A⁻¹ applied
/// to J_B = −(B ᵀ ⊗ B) J_A.
fn matpow(g: &mut Graph, a: NodeId, k: i32, ja: NodeId, sp: Span) -> NodeId {
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
