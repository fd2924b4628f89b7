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
//! The operations with more than a one-line rule (elementwise functions and reductions, the
//! inverse family, solves and factorizations) have their Jacobian rule in `rules`, next to
//! their adjoint rule and sharing its factor (f′ for elementwise functions, adj(A)ᵀ for det),
//! so the two modes cannot disagree on it.

use std::collections::HashMap;

use proc_macro2::Span;

use super::rules::{elementwise as ew, factor, inverse};
use super::view_rules as views;
use crate::ir::{Dim, Graph, NodeId, Op, Shape};

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
            Op::Det(a) => self.term(a, |g, ja, sp| inverse::det_jacobian(g, a, n, ja, sp)),
            Op::Logdet(a) => self.left(a, |g, sp| {
                let it = inverse::logdet_gradient(g, a, sp);
                row(g, it, sp)
            }),
            Op::Inv(a) => self.term(a, |g, ja, sp| inverse::inv_jacobian(g, n, ja, sp)),
            Op::Dot(a, b) => {
                self.left(a, |g, sp| row(g, b, sp));
                self.left(b, |g, sp| row(g, a, sp));
            }
            Op::Norm(a) => self.term(a, |g, ja, sp| ew::norm_jacobian(g, a, n, ja, sp)),
            Op::NormSq(a) => self.term(a, |g, ja, sp| ew::norm_sq_jacobian(g, a, ja, sp)),
            Op::Hadamard(a, b) => {
                self.term(a, |g, ja, sp| elementwise(g, b, ja, sp));
                self.term(b, |g, jb, sp| elementwise(g, a, jb, sp));
            }
            Op::ElemDiv(a, b) => {
                self.term(a, |g, ja, sp| ew::elem_div_jacobian_left(g, b, ja, sp));
                self.term(b, |g, jb, sp| ew::elem_div_jacobian_right(g, b, n, jb, sp));
            }
            Op::Map(f, a) => self.term(a, |g, ja, sp| ew::map_jacobian(g, f, a, n, ja, sp)),
            Op::Powf(a, p) => {
                self.term(a, |g, ja, sp| ew::powf_jacobian_base(g, a, p, ja, sp));
                self.left(p, |g, sp| ew::powf_jacobian_exponent(g, a, n, sp));
            }
            Op::Atan2(y, x) => {
                self.term(y, |g, jy, sp| {
                    let (dy, _) = ew::atan2_partials(g, y, x, sp);
                    elementwise(g, dy, jy, sp)
                });
                self.term(x, |g, jx, sp| {
                    let (_, dx) = ew::atan2_partials(g, y, x, sp);
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
            Op::MatPow(a, k) => self.term(a, |g, ja, sp| inverse::matpow_jacobian(g, a, k, ja, sp)),
            Op::Softmax(a) => self.left(a, |g, sp| ew::softmax_jacobian(g, n, sp)),
            Op::Logsumexp(a) => {
                if self.g.shape(a).is_scalar() {
                    self.term(a, |_, ja, _| ja);
                } else {
                    self.left(a, |g, sp| {
                        let s = ew::logsumexp_gradient(g, a, sp);
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
pub(in crate::diff) fn column(g: &mut Graph, x: NodeId, sp: Span) -> NodeId {
    if g.shape(x).is_scalar() {
        g.make(Op::FromScalar(x), sp)
    } else {
        g.make(Op::Vec(x), sp)
    }
}

/// vec(x)ᵀ.
pub(in crate::diff) fn row(g: &mut Graph, x: NodeId, sp: Span) -> NodeId {
    let c = column(g, x, sp);
    g.transpose(c, sp)
}

/// diag(vec d) J, or d J for a scalar d.
pub(in crate::diff) fn elementwise(g: &mut Graph, d: NodeId, j: NodeId, sp: Span) -> NodeId {
    if g.shape(d).is_scalar() {
        return g.scale(d, j, sp);
    }
    let col = column(g, d, sp);
    let diag = g.make(Op::Diag(col), sp);
    g.matmul(diag, j, sp)
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
