//! The rewrites of Kronecker structure, which Jacobians are made of (dispatched from `rules`):
//!
//! - `A ⊗ I₁ → A`, `I₁ ⊗ A → A`, `I_m ⊗ I_n → I_mn`, a 1×1 factor is a scalar factor, and
//!   scalars and negations move out: `(s A) ⊗ B → s (A ⊗ B)`.
//! - `(A ⊗ B)ᵀ → Aᵀ ⊗ Bᵀ` when that removes a transpose (`(yᵀ ⊗ I)ᵀ → y ⊗ I`).
//! - the mixed product `(A ⊗ B)(C ⊗ D) → A C ⊗ B D` when the factors conform;
//!   `vec(C)ᵀ (P ⊗ Q) → vec(Qᵀ C P)ᵀ` and `(P ⊗ Q) vec(C) → vec(Q C Pᵀ)` (a scalar's Jacobian
//!   reads as a transposed gradient, never as a product with a Kronecker product).
//! - `K(m,1)`, `K(1,n)` and a Kronecker permutation that moves nothing are identities.

use proc_macro2::Span;

use crate::ir::{Dim, Graph, NodeId, Op, Shape};

impl Graph {
    pub(super) fn rw_kron(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(a) || self.is_zero(b) {
            let shape = crate::shape::rules::infer(self, &Op::Kron(a, b)).ok()?;
            return Some(self.zeros(&shape, sp));
        }
        if let (Op::Identity(m), Op::Identity(n)) = (self.op(a).clone(), self.op(b).clone()) {
            return Some(self.identity(Dim::product(&m, &n), sp));
        }
        // A 1×1 factor: s ⊗ B = s B.
        for (x, y) in [(a, b), (b, a)] {
            if self.is_one_by_one(x) {
                if self.is_identity(x) {
                    return Some(y);
                }
                let s = self.make(Op::ToScalar(x), sp);
                return Some(self.scale(s, y, sp));
            }
        }
        for (x, first) in [(a, true), (b, false)] {
            let rebuild = |inner: NodeId| {
                if first {
                    Op::Kron(inner, b)
                } else {
                    Op::Kron(a, inner)
                }
            };
            match *self.op(x) {
                Op::Scale(s, y) => {
                    let k = self.make(rebuild(y), sp);
                    return Some(self.scale(s, k, sp));
                }
                Op::Neg(y) => {
                    let k = self.make(rebuild(y), sp);
                    return Some(self.neg(k, sp));
                }
                _ => {}
            }
        }
        None
    }

    /// `(A ⊗ B)ᵀ → Aᵀ ⊗ Bᵀ` when at least one of the transposes is free.
    pub(super) fn rw_transpose_kron(&mut self, x: NodeId, y: NodeId, sp: Span) -> Option<NodeId> {
        let free = |g: &Graph, z: NodeId| {
            g.is_one_by_one(z)
                || matches!(
                    g.op(z),
                    Op::Transpose(_) | Op::Identity(_) | Op::Diag(_) | Op::Ones(..)
                )
        };
        if !(free(self, x) || free(self, y)) {
            return None;
        }
        let (xt, yt) = (self.transpose(x, sp), self.transpose(y, sp));
        Some(self.make(Op::Kron(xt, yt), sp))
    }

    pub(super) fn rw_commutation(&mut self, m: &Dim, n: &Dim, sp: Span) -> Option<NodeId> {
        if m.is_one() || n.is_one() {
            return Some(self.identity(Dim::product(m, n), sp));
        }
        None
    }

    /// `Aᵀ ± Bᵀ → (A ± B)ᵀ` and `vec(A) ± vec(B) → vec(A ± B)` (one reshape instead of two;
    /// called by `rw_add` and `rw_sub`).
    pub(super) fn merge_reshapes(
        &mut self,
        a: NodeId,
        b: NodeId,
        minus: bool,
        sp: Span,
    ) -> Option<NodeId> {
        let (x, y, vec) = match (self.op(a).clone(), self.op(b).clone()) {
            (Op::Transpose(x), Op::Transpose(y)) => (x, y, false),
            (Op::Vec(x), Op::Vec(y)) if self.shape(x) == self.shape(y) => (x, y, true),
            _ => return None,
        };
        let inner = if minus {
            self.sub(x, y, sp)
        } else {
            self.add(x, y, sp)
        };
        Some(if vec {
            self.make(Op::Vec(inner), sp)
        } else {
            self.transpose(inner, sp)
        })
    }

    /// `I_n ⊗ K(q,m) ⊗ I_p` is the identity when K(q,m) is (q = 1 or m = 1).
    pub(super) fn rw_kron_perm(&mut self, op: &Op, sp: Span) -> Option<NodeId> {
        let Op::KronPerm(m, _, _, q) = op else {
            return None;
        };
        if m.is_one() || q.is_one() {
            let n = crate::shape::rules::infer(self, op).ok()?.rows();
            return Some(self.identity(n, sp));
        }
        None
    }

    /// Whether `x` is Kronecker structure a row vector or another Kronecker product can be
    /// multiplied into.
    fn is_kron_like(&self, x: NodeId) -> bool {
        match *self.op(x) {
            Op::Kron(..) | Op::Commutation(..) => true,
            Op::MatMul(l, _) => matches!(self.op(l), Op::Kron(..) | Op::Commutation(..)),
            _ => false,
        }
    }

    /// The Kronecker rules of a matrix product (called by `rw_matmul`).
    pub(super) fn rw_matmul_kron(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        let row = self.shape(a).rows().is_one();
        // Reassociate x (y z) → (x y) z when x y collapses (a mixed product, or a row vector
        // absorbing a Kronecker product or commutation).
        if let Op::MatMul(y, z) = *self.op(b) {
            let collapses = match (self.op(a), self.op(y)) {
                (Op::Kron(p, q), Op::Kron(r, s)) => {
                    self.shape(*p).cols().equiv(&self.shape(*r).rows())
                        && self.shape(*q).cols().equiv(&self.shape(*s).rows())
                }
                (_, Op::Kron(..) | Op::Commutation(..)) => row,
                _ => false,
            };
            if collapses {
                let xy = self.matmul(a, y, sp);
                if !matches!(*self.op(xy), Op::MatMul(l, r) if l == a && r == y) {
                    return Some(self.matmul(xy, z, sp));
                }
            }
        }
        // A row vector distributes over a sum of Kronecker structure: each term collapses.
        if row {
            if let Op::Add(p, q) | Op::Sub(p, q) = *self.op(b) {
                if self.is_kron_like(p) || self.is_kron_like(q) {
                    let (ap, aq) = (self.matmul(a, p, sp), self.matmul(a, q, sp));
                    let plain = |g: &Graph, t: NodeId, f: NodeId| matches!(*g.op(t), Op::MatMul(l, r) if l == a && r == f);
                    // Only if some term collapsed; else `factor` would undo the distribution.
                    if plain(self, ap, p) && plain(self, aq, q) {
                        return None;
                    }
                    let minus = matches!(self.op(b), Op::Sub(..));
                    return Some(if minus {
                        self.sub(ap, aq, sp)
                    } else {
                        self.add(ap, aq, sp)
                    });
                }
            }
        }
        match (self.op(a).clone(), self.op(b).clone()) {
            // vec(C)ᵀ K(m,n) = vec(Cᵀ)ᵀ with C n×m.
            (_, Op::Commutation(m, n)) if row => {
                let c = self.as_matrix(a, true, &n, &m, sp)?;
                let ct = self.transpose(c, sp);
                let v = self.make(Op::Vec(ct), sp);
                Some(self.transpose(v, sp))
            }
            // (P ⊗ Q)(R ⊗ S) = P R ⊗ Q S.
            (Op::Kron(p, q), Op::Kron(r, s))
                if self.shape(p).cols().equiv(&self.shape(r).rows())
                    && self.shape(q).cols().equiv(&self.shape(s).rows()) =>
            {
                let (pr, qs) = (self.matmul(p, r, sp), self.matmul(q, s, sp));
                Some(self.make(Op::Kron(pr, qs), sp))
            }
            // vec(C)ᵀ (P ⊗ Q) = vec(Qᵀ C P)ᵀ with C (rows of Q)×(rows of P).
            (_, Op::Kron(p, q)) if self.shape(a).rows().is_one() => {
                let (qr, pr) = (self.shape(q).rows(), self.shape(p).rows());
                let c = self.as_matrix(a, true, &qr, &pr, sp)?;
                let qt = self.transpose(q, sp);
                let qc = self.matmul(qt, c, sp);
                let qcp = self.matmul(qc, p, sp);
                let v = self.make(Op::Vec(qcp), sp);
                Some(self.transpose(v, sp))
            }
            // (P ⊗ Q) vec(C) = vec(Q C Pᵀ) with C (cols of Q)×(cols of P).
            (Op::Kron(p, q), _) if self.shape(b).cols().is_one() => {
                let (qc, pc) = (self.shape(q).cols(), self.shape(p).cols());
                let c = self.as_matrix(b, false, &qc, &pc, sp)?;
                let pt = self.transpose(p, sp);
                let qm = self.matmul(q, c, sp);
                let qcp = self.matmul(qm, pt, sp);
                Some(self.make(Op::Vec(qcp), sp))
            }
            _ => None,
        }
    }

    /// The matrix C (r×c) with `x = vec(C)ᵀ` (`row`) or `x = vec(C)`, if it is at hand without
    /// building a reshape: `x` is vec(C) (transposed), or one of r, c is 1 so C is x itself
    /// (or its transpose).
    fn as_matrix(&mut self, x: NodeId, row: bool, r: &Dim, c: &Dim, sp: Span) -> Option<NodeId> {
        let col = if row {
            match *self.op(x) {
                Op::Transpose(y) => y,
                _ if c.is_one() => return Some(self.transpose(x, sp)),
                _ if r.is_one() => return Some(x),
                _ => return None,
            }
        } else {
            x
        };
        let target = Shape::matrix(r.clone(), c.clone());
        if let Op::Vec(m) = *self.op(col) {
            if self.shape(m).equiv(&target) {
                return Some(m);
            }
        }
        if c.is_one() {
            return Some(col);
        }
        if r.is_one() {
            return Some(self.transpose(col, sp));
        }
        None
    }
}
