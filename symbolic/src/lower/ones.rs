//! Products with a matrix of ones, computed as sums (for `lower`): `𝟙_{r×k} B` is B's column
//! sums repeated in r rows, `B 𝟙_{k×c}` its row sums repeated in c columns. The sums are formed
//! once (`𝟙 B → 𝟙_{r×1} (𝟙ᵀB)`) so that the value and its gradients share them: for
//! φ = sum(X y), the value is `(𝟙ᵀX)(y𝟙)` and the gradient `𝟙 yᵀ` reads the same `y𝟙`.

use proc_macro2::Span;

use crate::ir::{Dim, Graph, NodeId, Op};

impl Graph {
    /// `𝟙_{r×k} B` with B k×c.
    pub(super) fn ones_mul(&mut self, r: Dim, b: NodeId, sp: Span) -> NodeId {
        let k = self.shape(b).rows();
        if k.is_one() {
            return if r.is_one() {
                b
            } else {
                self.make_raw(Op::OnesMul(r, b), sp)
            };
        }
        if !r.is_one() {
            let sums = self.ones_mul(Dim::Known(1), b, sp);
            return self.make_raw(Op::OnesMul(r, sums), sp);
        }
        // 𝟙ᵀ Xᵀ = (X 𝟙)ᵀ: the row sums of X, which another use may share.
        if let Op::Transpose(x) = *self.op(b) {
            let sums = self.mul_ones(x, Dim::Known(1), sp);
            return self.transposed(sums, sp);
        }
        self.make_raw(Op::OnesMul(r, b), sp)
    }

    /// `B 𝟙_{k×c}` with B r×k.
    pub(super) fn mul_ones(&mut self, b: NodeId, c: Dim, sp: Span) -> NodeId {
        let k = self.shape(b).cols();
        if k.is_one() {
            return if c.is_one() {
                b
            } else {
                self.make_raw(Op::MulOnes(b, c), sp)
            };
        }
        if !c.is_one() {
            let sums = self.mul_ones(b, Dim::Known(1), sp);
            return self.make_raw(Op::MulOnes(sums, c), sp);
        }
        // Xᵀ 𝟙 = (𝟙ᵀ X)ᵀ.
        if let Op::Transpose(x) = *self.op(b) {
            let sums = self.ones_mul(Dim::Known(1), x, sp);
            return self.transposed(sums, sp);
        }
        self.make_raw(Op::MulOnes(b, c), sp)
    }

    /// `sum(a)`; for a matrix product `A B` that is not vector-valued, `(𝟙ᵀ A)(B 𝟙)`: column sums
    /// of A times row sums of B, O(n²) instead of the O(n³) product. A vector-valued product
    /// costs no more than the sums and may be shared with another use.
    pub(super) fn sum_lowered(&mut self, a: NodeId, sp: Span) -> NodeId {
        if let Op::MatMul(x, y) = *self.op(a) {
            if !self.shape(x).rows().is_one() && !self.shape(y).cols().is_one() {
                let col_sums = self.ones_mul(Dim::Known(1), x, sp);
                let row_sums = self.mul_ones(y, Dim::Known(1), sp);
                let product = self.make_raw(Op::MatMul(col_sums, row_sums), sp);
                return self.make_raw(Op::ToScalar(product), sp);
            }
        }
        self.make_raw(Op::Sum(a), sp)
    }

    /// `xᵀ`; a 1×1 `x` itself.
    fn transposed(&mut self, x: NodeId, sp: Span) -> NodeId {
        let (r, c) = self.shape(x).dims();
        if r.is_one() && c.is_one() {
            x
        } else {
            self.make_raw(Op::Transpose(x), sp)
        }
    }
}
