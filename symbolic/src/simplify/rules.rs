//! The local rewrites behind `Graph::make`. `rewrite` returns `Some(node)` when `op` has a
//! simpler equivalent (built, recursively, through `make`) and `None` to keep `op` as it is.
//! This file holds the dispatch and the rules of sums and scalar factors; `structure` holds
//! those of products, reductions, elementwise functions and reshapes.
//!
//! Canonical forms, chosen so that no two rules undo each other:
//! - negation and scalar factors move *outwards*: `A (−B) → −(A B)`, `(s A) B → s (A B)`,
//!   `tr(s A) → s tr(A)`; a literal factor comes first in `Mul` and absorbs `Neg`
//!   (`−(2 A) → −2 A`); `s (t A) → (s t) A`.
//! - `a + (−b) → a − b`, `a − (−b) → a + b`, `a + (−2) b → a − 2 b`; like terms combine
//!   (`A + A → 2 A`, `A − A → 0`); a shared factor is pulled out (`A C + B C → (A + B) C`,
//!   which saves a product).
//! - transposes move *inwards* only when that removes one: `(A B)ᵀ → Bᵀ Aᵀ` if at most one of
//!   the two new transposes is not cancelled or absorbed by a symmetric constant (so
//!   `(xᵀ A)ᵀ → Aᵀ x`, `(A Bᵀ)ᵀ → B Aᵀ`, but `(A B)ᵀ` stays). `inv(Aᵀ) → inv(A)ᵀ`, and the
//!   transpose of an inverse is never pushed inside, so `X⁻ᵀ` is one node shared by all uses.
//! - products of powers of one matrix are a power (`A A → A²`). Products with 𝟙 and
//!   `sum(A B)` stay as written; making them cheap (sums instead of products) is `lower`'s job.

use proc_macro2::Span;

use crate::ir::{Graph, NodeId, Op};

impl Graph {
    pub(super) fn rewrite(&mut self, op: &Op, sp: Span) -> Option<NodeId> {
        if let Some(id) = self.rw_vec_forms(op, sp) {
            return Some(id);
        }
        match *op {
            Op::Add(a, b) => self.rw_add(a, b, sp),
            Op::Sub(a, b) => self.rw_sub(a, b, sp),
            Op::Neg(a) => self.rw_neg(a, sp),
            Op::Mul(a, b) => self.rw_mul(a, b, sp),
            Op::Scale(s, x) => self.rw_scale(s, x, sp),
            Op::Div(a, k) => self.rw_div(a, k, sp),
            Op::MatMul(a, b) => self
                .rw_inverse_product(a, b, sp)
                .or_else(|| self.rw_matmul(a, b, sp)),
            Op::Solve(a, b) => self.rw_solve(a, b, sp),
            Op::Tril(a) | Op::Phi(a) => self.rw_lower_mask(op, a, sp),
            Op::Transpose(a) => self.rw_transpose(a, sp),
            Op::Trace(a) => self.rw_trace(a, sp),
            Op::Sum(a) => self.rw_sum(a, sp),
            Op::Dot(a, b) => self.rw_dot(a, b, sp),
            Op::Hadamard(a, b) => self.rw_hadamard(a, b, sp),
            Op::ElemDiv(a, b) => self.rw_elem_div(a, b, sp),
            Op::Map(f, a) => self.rw_map(f, a, sp),
            Op::Powf(a, p) => self.rw_powf(a, p, sp),
            Op::MatPow(a, k) => self.rw_matpow(a, k, sp),
            Op::Inv(a) => self.rw_inv(a, sp),
            Op::Det(a) => self.rw_det(a, false, sp),
            Op::Logdet(a) => self.rw_det(a, true, sp),
            Op::Norm(a) => self.rw_norm(a, false, sp),
            Op::NormSq(a) => self.rw_norm(a, true, sp),
            Op::Vec(a) => self.rw_vec(a, sp),
            Op::Unvec(v, ref r, ref c) => self.rw_unvec(v, r.clone(), c.clone(), sp),
            Op::Diag(v) => self.rw_diag(v, sp),
            Op::Entry(a, i, j) => self.rw_entry(a, i, j, sp),
            Op::View(a, i, j, ref p, ref q) => self.rw_view(a, (i, j), (p, q), sp),
            Op::Blocks(ref r, ref c, ref blocks) => self.rw_blocks(r, c, blocks, sp),
            Op::Diagonal(a) => self.rw_diagonal(a, sp),
            Op::ToScalar(a) => self.rw_to_scalar(a, sp),
            Op::FromScalar(s) => self.rw_from_scalar(s, sp),
            Op::OnesMul(ref r, b) => self.rw_ones_mul(r.clone(), b, true, sp),
            Op::MulOnes(b, ref c) => self.rw_ones_mul(c.clone(), b, false, sp),
            Op::Logsumexp(a) if self.shape(a).is_scalar() => Some(a),
            Op::Kron(a, b) => self.rw_kron(a, b, sp),
            Op::Commutation(ref m, ref n) => self.rw_commutation(m, n, sp),
            Op::KronPerm(..) => self.rw_kron_perm(op, sp),
            Op::KronAdjointLeft(a, b) | Op::KronAdjointRight(a, b)
                if self.is_zero(a) || self.is_zero(b) =>
            {
                let shape = crate::shape::rules::infer(self, op).ok()?;
                Some(self.zeros(&shape, sp))
            }
            _ => None,
        }
    }

    /// `inv(A) B → solve(A, B)` whenever the cost model says the solve is cheaper (for every
    /// size: an LU and two substitutions per column beat an inverse and a product).
    fn rw_inverse_product(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        let Op::Inv(m) = *self.op(a) else {
            return None;
        };
        let cols = self.shape(b).cols();
        if self.shape(b).is_scalar() || !crate::cost::solve_is_cheaper(&self.shape(m).rows(), &cols)
        {
            return None;
        }
        Some(self.make(Op::Solve(m, b), sp))
    }

    /// `solve(A, 0) → 0`, `solve(I, B) → B`, `solve(A, I) → A⁻¹` and `solve(Aᵀ, I) → A⁻ᵀ`
    /// (the inverse is what is asked for; as a node it is shared with every other use);
    /// `solve(A, −B) → −solve(A, B)`, `solve(A, s B) → s solve(A, B)`.
    fn rw_solve(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(b) || self.is_identity(a) {
            return Some(b);
        }
        if self.is_identity(b) {
            return Some(match *self.op(a) {
                Op::Transpose(m) => {
                    let inv = self.inv(m, sp);
                    self.transpose(inv, sp)
                }
                _ => self.inv(a, sp),
            });
        }
        if let Op::Neg(x) = *self.op(b) {
            let s = self.make(Op::Solve(a, x), sp);
            return Some(self.neg(s, sp));
        }
        // Scalar factors move outwards (a solve is linear in B), so solve(A, ½ y) is the
        // solve(A, y) of the value, scaled.
        if let Op::Scale(k, x) = *self.op(b) {
            let s = self.make(Op::Solve(a, x), sp);
            return Some(self.scale(k, s, sp));
        }
        None
    }

    /// `tril(0) → 0`, `tril(L) → L` for a Cholesky factor or a lower triangle, and `Φ(tril(A))
    /// → Φ(A)`, `tril(Φ(A)) → Φ(A)`: the masks are idempotent and nested.
    fn rw_lower_mask(&mut self, op: &Op, a: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(a) {
            return Some(a);
        }
        match (op, self.op(a).clone()) {
            (Op::Tril(_), Op::Cholesky(_) | Op::Tril(_) | Op::Phi(_)) => Some(a),
            (Op::Phi(_), Op::Tril(x)) => Some(self.make(Op::Phi(x), sp)),
            _ => None,
        }
    }

    /// `x` as `c·z` with a literal coefficient (`c = 1` if there is none).
    fn split_coefficient(&self, x: NodeId) -> (f64, NodeId) {
        match *self.op(x) {
            Op::Scale(c, z) | Op::Mul(c, z) if self.literal_of(c).is_some() => {
                (self.literal_of(c).unwrap_or(1.0), z)
            }
            Op::Neg(z) => (-1.0, z),
            _ => (1.0, x),
        }
    }

    /// `a ± b` as one scaled term when both are multiples of the same node.
    fn combine_like_terms(&mut self, a: NodeId, sign: f64, b: NodeId, sp: Span) -> Option<NodeId> {
        let (ca, za) = self.split_coefficient(a);
        let (cb, zb) = self.split_coefficient(b);
        if za != zb || self.literal_of(za).is_some() {
            return None;
        }
        let c = ca + sign * cb;
        Some(if c == 0.0 {
            self.zeros_like(za, sp)
        } else {
            self.scale_by(c, za, sp)
        })
    }

    /// `A C ± B C → (A ± B) C`, `C A ± C B → C (A ± B)`, `s A ± s B → s (A ± B)`,
    /// `s A ± t A → (s ± t) A`: one product instead of two.
    fn factor(&mut self, a: NodeId, b: NodeId, minus: bool, sp: Span) -> Option<NodeId> {
        let combine = |g: &mut Graph, x, y| {
            let op = if minus { Op::Sub(x, y) } else { Op::Add(x, y) };
            g.make(op, sp)
        };
        match (self.op(a).clone(), self.op(b).clone()) {
            (Op::MatMul(p, q), Op::MatMul(r, s)) if q == s && self.shape(p) == self.shape(r) => {
                let sum = combine(self, p, r);
                Some(self.matmul(sum, q, sp))
            }
            (Op::MatMul(p, q), Op::MatMul(r, s)) if p == r && self.shape(q) == self.shape(s) => {
                let sum = combine(self, q, s);
                Some(self.matmul(p, sum, sp))
            }
            (Op::Scale(s, x), Op::Scale(t, y)) if s == t => {
                let sum = combine(self, x, y);
                Some(self.scale(s, sum, sp))
            }
            // s X ± t X → (s ± t) X, s X ± X → (s ± 1) X, X ± t X → (1 ± t) X.
            (Op::Scale(s, x), Op::Scale(t, y)) if x == y => {
                let coefficient = combine(self, s, t);
                Some(self.scale(coefficient, x, sp))
            }
            (Op::Scale(s, x), _) if x == b => {
                let one = self.literal(1.0, sp);
                let coefficient = combine(self, s, one);
                Some(self.scale(coefficient, x, sp))
            }
            (_, Op::Scale(t, y)) if y == a => {
                let one = self.literal(1.0, sp);
                let coefficient = combine(self, one, t);
                Some(self.scale(coefficient, a, sp))
            }
            _ => None,
        }
    }

    fn rw_add(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(a) {
            return Some(b);
        }
        if self.is_zero(b) {
            return Some(a);
        }
        if let (Some(x), Some(y)) = (self.literal_of(a), self.literal_of(b)) {
            if let Some(sum) = self.folded(x + y, sp) {
                return Some(sum);
            }
        }
        if let Op::Neg(y) = *self.op(b) {
            return Some(self.sub(a, y, sp));
        }
        if let Op::Neg(x) = *self.op(a) {
            return Some(self.sub(b, x, sp));
        }
        if let Some(id) = self.merge_blocks(a, b, sp) {
            return Some(id);
        }
        if let Some(id) = self.combine_like_terms(a, 1.0, b, sp) {
            return Some(id);
        }
        let (c, z) = self.split_coefficient(b);
        if c < 0.0 {
            let pos = self.scale_by(-c, z, sp);
            return Some(self.sub(a, pos, sp));
        }
        if let Some(id) = self.merge_reshapes(a, b, false, sp) {
            return Some(id);
        }
        self.factor(a, b, false, sp)
    }

    fn rw_sub(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if matches!(self.op(a), Op::Blocks(..)) && matches!(self.op(b), Op::Blocks(..)) {
            let minus_b = self.neg(b, sp);
            return self.merge_blocks(a, minus_b, sp);
        }
        if self.is_zero(b) {
            return Some(a);
        }
        if self.is_zero(a) {
            return Some(self.neg(b, sp));
        }
        if let (Some(x), Some(y)) = (self.literal_of(a), self.literal_of(b)) {
            if let Some(difference) = self.folded(x - y, sp) {
                return Some(difference);
            }
        }
        if let Op::Neg(y) = *self.op(b) {
            return Some(self.add(a, y, sp));
        }
        if let Op::Neg(x) = *self.op(a) {
            let sum = self.add(x, b, sp);
            return Some(self.neg(sum, sp));
        }
        if let Some(id) = self.combine_like_terms(a, -1.0, b, sp) {
            return Some(id);
        }
        let (c, z) = self.split_coefficient(b);
        if c < 0.0 {
            let pos = self.scale_by(-c, z, sp);
            return Some(self.add(a, pos, sp));
        }
        if let Some(id) = self.merge_reshapes(a, b, true, sp) {
            return Some(id);
        }
        self.factor(a, b, true, sp)
    }

    fn rw_neg(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        if let Some(v) = self.literal_of(a) {
            return Some(self.literal(-v, sp));
        }
        match *self.op(a) {
            Op::Zeros(..) => Some(a),
            Op::Blocks(..) => self.blocks_map(a, |g, b| g.neg(b, sp), sp),
            Op::Neg(x) => Some(x),
            Op::Sub(x, y) => Some(self.sub(y, x, sp)),
            Op::Scale(c, z) | Op::Mul(c, z) if self.literal_of(c).is_some() => {
                let c = self.literal_of(c).unwrap_or(1.0);
                Some(self.scale_by(-c, z, sp))
            }
            _ => None,
        }
    }

    fn rw_mul(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(a) || self.is_zero(b) {
            return Some(self.literal(0.0, sp));
        }
        match (self.literal_of(a), self.literal_of(b)) {
            (Some(x), Some(y)) if (x * y).is_finite() => return Some(self.literal(x * y, sp)),
            (Some(1.0), None) => return Some(b),
            (Some(-1.0), None) => return Some(self.neg(b, sp)),
            (None, Some(_)) => return Some(self.mul(b, a, sp)),
            _ => {}
        }
        if let Some(folded) = self.fold_into_quotient(a, b, sp) {
            return Some(folded);
        }
        if let Op::Neg(x) = *self.op(a) {
            let m = self.mul(x, b, sp);
            return Some(self.neg(m, sp));
        }
        if let Op::Neg(y) = *self.op(b) {
            let m = self.mul(a, y, sp);
            return Some(self.neg(m, sp));
        }
        // Literal coefficients gather at the front: c (d z) → (c d) z, a (d z) → d (a z).
        if let Op::Mul(d, z) = *self.op(b) {
            if let Some(dv) = self
                .literal_of(d)
                .filter(|dv| self.literal_of(a).is_none_or(|cv| (cv * dv).is_finite()))
            {
                return Some(match self.literal_of(a) {
                    Some(cv) => {
                        let cd = self.literal(cv * dv, sp);
                        self.mul(cd, z, sp)
                    }
                    None => {
                        let az = self.mul(a, z, sp);
                        self.mul(d, az, sp)
                    }
                });
            }
        }
        if let Op::Mul(c, z) = *self.op(a) {
            if self.literal_of(c).is_some() && self.literal_of(b).is_none() {
                let zb = self.mul(z, b, sp);
                return Some(self.mul(c, zb, sp));
            }
        }
        None
    }

    fn rw_scale(&mut self, s: NodeId, x: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(x).is_scalar() {
            return Some(self.mul(s, x, sp));
        }
        if self.is_zero(s) || self.is_zero(x) {
            return Some(self.zeros_like(x, sp));
        }
        if let Some(id) = self.blocks_map(x, |g, b| g.scale(s, b, sp), sp) {
            return Some(id);
        }
        if self.is_literal(s, 1.0) {
            return Some(x);
        }
        if self.is_literal(s, -1.0) {
            return Some(self.neg(x, sp));
        }
        if let Some(folded) = self.fold_into_quotient(s, x, sp) {
            return Some(folded);
        }
        match *self.op(x) {
            Op::Scale(t, y) => {
                let st = self.mul(s, t, sp);
                return Some(self.scale(st, y, sp));
            }
            Op::Neg(y) => {
                return Some(match self.literal_of(s) {
                    Some(c) => self.scale_by(-c, y, sp),
                    None => {
                        let sy = self.scale(s, y, sp);
                        self.neg(sy, sp)
                    }
                });
            }
            _ => {}
        }
        if let Op::Neg(t) = *self.op(s) {
            let tx = self.scale(t, x, sp);
            return Some(self.neg(tx, sp));
        }
        None
    }

    /// `c (z / d) → (c / d) z` for literals c and d: the quotient is a literal coefficient, so
    /// it folds with the factor in front (`2 (λ / 2) → λ`), while `z / d` alone stays as written.
    fn fold_into_quotient(&mut self, c: NodeId, x: NodeId, sp: Span) -> Option<NodeId> {
        let c = self.literal_of(c)?;
        let Op::Div(z, d) = *self.op(x) else {
            return None;
        };
        let d = self.literal_of(d)?;
        (c / d).is_finite().then(|| self.scale_by(c / d, z, sp))
    }

    fn rw_div(&mut self, a: NodeId, k: NodeId, sp: Span) -> Option<NodeId> {
        if !self.shape(k).is_scalar() {
            return None;
        }
        if let Some(id) = self.blocks_map(a, |g, b| g.div(b, k, sp), sp) {
            return Some(id);
        }
        if self.is_literal(k, 1.0) || self.is_zero(a) {
            return Some(a);
        }
        if self.is_literal(k, -1.0) {
            return Some(self.neg(a, sp));
        }
        if let (Some(x), Some(y)) = (self.literal_of(a), self.literal_of(k)) {
            if let Some(quotient) = self.folded(x / y, sp) {
                return Some(quotient);
            }
        }
        if let Op::Neg(x) = *self.op(a) {
            let q = self.div(x, k, sp);
            return Some(self.neg(q, sp));
        }
        None
    }
}
