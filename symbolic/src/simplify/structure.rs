//! The rewrites of products, reductions, elementwise functions and structural ops, for
//! `Graph::make` (dispatched from `rules`, whose module comment lists the canonical forms).

use proc_macro2::Span;

use crate::ir::{Dim, Func, Graph, NodeId, Op, Shape};

impl Graph {
    pub(super) fn rw_matmul(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        let (rows, _) = self.shape(a).dims();
        let (inner, cols) = self.shape(b).dims();
        if self.is_zero(a) || self.is_zero(b) {
            return Some(self.zeros(&Shape::matrix(rows, cols), sp));
        }
        if self.is_identity(a) {
            return Some(b);
        }
        if self.is_identity(b) {
            return Some(a);
        }
        // A 1×1 matrix of ones is the identity. Other products with 𝟙 stay products here (they
        // read `𝟙 Bᵀ`); `lower` turns them into sums for the code.
        if self.is_ones(a) && self.is_one_by_one(a) {
            return Some(b);
        }
        if self.is_ones(b) && self.is_one_by_one(b) {
            return Some(a);
        }
        // Powers of one matrix merge: A A → A², A² A → A³ (so the adjoint of `matpow` sums like
        // terms: ∂tr(X³) = 3 (Xᵀ)²). 𝟙 𝟙 is not a power worth computing.
        let (base_a, i) = self.power_base(a);
        let (base_b, j) = self.power_base(b);
        if base_a == base_b && i > 0 && j > 0 && !self.is_ones(a) {
            if let Some(k) = i.checked_add(j) {
                return Some(self.make(Op::MatPow(base_a, k), sp));
            }
        }
        // A 1×1 factor is a scalar factor when the shapes allow it.
        if let Op::FromScalar(s) = *self.op(a) {
            if inner.is_one() {
                return Some(self.scale(s, b, sp));
            }
        }
        if let Op::FromScalar(s) = *self.op(b) {
            if self.shape(a).cols().is_one() {
                return Some(self.scale(s, a, sp));
            }
        }
        if let Some(id) = self.rw_matmul_kron(a, b, sp) {
            return Some(id);
        }
        match (self.op(a).clone(), self.op(b).clone()) {
            (Op::Scale(s, x), _) => {
                let p = self.matmul(x, b, sp);
                Some(self.scale(s, p, sp))
            }
            (_, Op::Scale(s, y)) => {
                let p = self.matmul(a, y, sp);
                Some(self.scale(s, p, sp))
            }
            (Op::Neg(x), _) => {
                let p = self.matmul(x, b, sp);
                Some(self.neg(p, sp))
            }
            (_, Op::Neg(y)) => {
                let p = self.matmul(a, y, sp);
                Some(self.neg(p, sp))
            }
            _ => None,
        }
    }

    /// `x` as a power `base^k` (`k = 1` if it is not a `matpow`).
    fn power_base(&self, x: NodeId) -> (NodeId, i32) {
        match *self.op(x) {
            Op::MatPow(base, k) => (base, k),
            _ => (x, 1),
        }
    }

    /// Whether `xᵀ` is free: `x` is itself a transpose, or equals its transpose (`I`,
    /// `diag(v)`, a 1×1), or is a constant whose transpose is another constant.
    fn transpose_is_free(&self, x: NodeId) -> bool {
        self.is_one_by_one(x)
            || matches!(
                self.op(x),
                Op::Transpose(_) | Op::Identity(_) | Op::Diag(_) | Op::Ones(..) | Op::Zeros(..)
            )
    }

    pub(super) fn rw_transpose(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).is_scalar() || self.is_one_by_one(a) {
            return Some(a);
        }
        match self.op(a).clone() {
            Op::Transpose(x) => Some(x),
            Op::Identity(_) | Op::Diag(_) => Some(a),
            Op::Ones(r, c) => Some(self.make_raw(Op::Ones(c, r), sp)),
            Op::Zeros(r, c) => Some(self.make_raw(Op::Zeros(c, r), sp)),
            Op::Neg(x) => {
                let t = self.transpose(x, sp);
                Some(self.neg(t, sp))
            }
            Op::Scale(s, x) => {
                let t = self.transpose(x, sp);
                Some(self.scale(s, t, sp))
            }
            Op::MatMul(x, y) => {
                let fresh = [x, y]
                    .iter()
                    .filter(|&&f| !self.transpose_is_free(f))
                    .count();
                let cancels = [x, y]
                    .iter()
                    .any(|&f| matches!(self.op(f), Op::Transpose(_)));
                if fresh == 0 || (fresh == 1 && cancels) {
                    let yt = self.transpose(y, sp);
                    let xt = self.transpose(x, sp);
                    Some(self.matmul(yt, xt, sp))
                } else {
                    None
                }
            }
            Op::Kron(x, y) => self.rw_transpose_kron(x, y, sp),
            _ => None,
        }
    }

    /// Pulls a scalar factor or a negation out of a linear scalar-valued op
    /// (`tr`, `sum`, `⟨·,·⟩`, to-scalar): `f(s X) → s f(X)`, `f(−X) → −f(X)`.
    fn pull_out(&mut self, x: NodeId, rebuild: impl Fn(NodeId) -> Op, sp: Span) -> Option<NodeId> {
        match *self.op(x) {
            Op::Scale(s, y) => {
                let inner = self.make(rebuild(y), sp);
                Some(self.scale(s, inner, sp))
            }
            Op::Neg(y) => {
                let inner = self.make(rebuild(y), sp);
                Some(self.neg(inner, sp))
            }
            _ => None,
        }
    }

    pub(super) fn rw_trace(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(a) {
            return Some(self.literal(0.0, sp));
        }
        if self.is_one_by_one(a) {
            return Some(self.make(Op::ToScalar(a), sp));
        }
        match self.op(a).clone() {
            Op::Identity(Dim::Known(n)) => Some(self.literal(n as f64, sp)),
            Op::Transpose(x) => Some(self.make(Op::Trace(x), sp)),
            _ => self.pull_out(a, Op::Trace, sp),
        }
    }

    pub(super) fn rw_sum(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).is_scalar() {
            return Some(a);
        }
        if self.is_zero(a) {
            return Some(self.literal(0.0, sp));
        }
        match self.op(a).clone() {
            Op::Ones(Dim::Known(r), Dim::Known(c)) => Some(self.literal((r * c) as f64, sp)),
            Op::Identity(Dim::Known(n)) => Some(self.literal(n as f64, sp)),
            Op::Transpose(x) => Some(self.make(Op::Sum(x), sp)),
            _ => self.pull_out(a, Op::Sum, sp),
        }
    }

    pub(super) fn rw_dot(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).is_scalar() {
            return Some(self.mul(a, b, sp));
        }
        if self.is_zero(a) || self.is_zero(b) {
            return Some(self.literal(0.0, sp));
        }
        if a == b {
            return Some(self.make(Op::NormSq(a), sp));
        }
        for (x, y) in [(a, b), (b, a)] {
            if self.is_ones(x) {
                return Some(self.make(Op::Sum(y), sp));
            }
            if self.is_identity(x) {
                return Some(self.make(Op::Trace(y), sp));
            }
        }
        if let (Op::Transpose(x), Op::Transpose(y)) = (self.op(a).clone(), self.op(b).clone()) {
            return Some(self.dot(x, y, sp));
        }
        self.pull_out(a, |x| Op::Dot(x, b), sp)
            .or_else(|| self.pull_out(b, |y| Op::Dot(a, y), sp))
    }

    pub(super) fn rw_hadamard(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).is_scalar() {
            return Some(self.mul(a, b, sp));
        }
        if self.is_zero(a) || self.is_zero(b) {
            return Some(self.zeros_like(a, sp));
        }
        if self.is_ones(a) {
            return Some(b);
        }
        if self.is_ones(b) {
            return Some(a);
        }
        if a == b {
            return Some(self.map(Func::Powi(2), a, sp));
        }
        self.pull_out(a, |x| Op::Hadamard(x, b), sp)
            .or_else(|| self.pull_out(b, |y| Op::Hadamard(a, y), sp))
    }

    pub(super) fn rw_elem_div(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).is_scalar() {
            return Some(self.div(a, b, sp));
        }
        if self.is_zero(a) || self.is_ones(b) {
            return Some(a);
        }
        if self.is_ones(a) {
            return Some(self.map(Func::Recip, b, sp));
        }
        self.pull_out(a, |x| Op::ElemDiv(x, b), sp)
    }

    pub(super) fn rw_map(&mut self, f: Func, a: NodeId, sp: Span) -> Option<NodeId> {
        if let Some(v) = self.literal_of(a) {
            // Literal folding evaluates exactly as the reference evaluator does.
            let folded = crate::eval::apply(f, v);
            if folded.is_finite() {
                return Some(self.literal(folded, sp));
            }
        }
        match f {
            Func::Powi(1) => return Some(a),
            Func::Powi(0) => return Some(self.ones_like(a, sp)),
            Func::Log => {
                if let Some(stable) = self.rw_log_of_normalised(a, sp) {
                    return Some(stable);
                }
            }
            _ => {}
        }
        let keeps_zero = f.keeps_zero();
        if keeps_zero && self.is_zero(a) {
            return Some(a);
        }
        None
    }

    /// `log σ(x) → −softplus(−x)` and `log softmax(v) → v − logsumexp(v) 𝟙`: the logarithm of
    /// a quantity that underflows to 0 (σ(−1000), a small softmax entry) is finite, and these
    /// forms compute it (and every derivative of it) without forming that quantity.
    fn rw_log_of_normalised(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        match *self.op(a) {
            Op::Map(Func::Sigmoid, x) => {
                let minus_x = self.neg(x, sp);
                let sp_minus_x = self.map(Func::Softplus, minus_x, sp);
                Some(self.neg(sp_minus_x, sp))
            }
            Op::Softmax(v) => {
                let lse = self.make(Op::Logsumexp(v), sp);
                let ones = self.ones_like(v, sp);
                let shift = self.scale(lse, ones, sp);
                Some(self.sub(v, shift, sp))
            }
            _ => None,
        }
    }

    pub(super) fn rw_powf(&mut self, a: NodeId, p: NodeId, sp: Span) -> Option<NodeId> {
        let v = self.literal_of(p)?;
        // An integer exponent is the cheaper, sign-safe `powi`.
        if v.fract() == 0.0 && v.abs() <= f64::from(i32::MAX) {
            return Some(self.map(Func::Powi(v as i32), a, sp));
        }
        None
    }

    pub(super) fn rw_matpow(&mut self, a: NodeId, k: i32, sp: Span) -> Option<NodeId> {
        match k {
            0 => {
                let n = self.shape(a).rows();
                Some(self.identity(n, sp))
            }
            1 => Some(a),
            -1 => Some(self.inv(a, sp)),
            _ if self.is_identity(a) => Some(a),
            _ => None,
        }
    }

    pub(super) fn rw_inv(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        match *self.op(a) {
            Op::Inv(x) => Some(x),
            Op::Identity(_) => Some(a),
            Op::Transpose(x) => {
                let i = self.inv(x, sp);
                Some(self.transpose(i, sp))
            }
            _ => None,
        }
    }

    /// `det` and `logdet` (`log`): of `I`, of `Aᵀ`, and `logdet(A⁻¹) = −logdet(A)`.
    pub(super) fn rw_det(&mut self, a: NodeId, log: bool, sp: Span) -> Option<NodeId> {
        let rebuild = |x| if log { Op::Logdet(x) } else { Op::Det(x) };
        match *self.op(a) {
            Op::Identity(_) => Some(self.literal(if log { 0.0 } else { 1.0 }, sp)),
            Op::Transpose(x) => Some(self.make(rebuild(x), sp)),
            Op::Inv(x) if log => {
                let l = self.make(Op::Logdet(x), sp);
                Some(self.neg(l, sp))
            }
            _ => None,
        }
    }

    pub(super) fn rw_norm(&mut self, a: NodeId, squared: bool, sp: Span) -> Option<NodeId> {
        if self.is_zero(a) {
            return Some(self.literal(0.0, sp));
        }
        if self.shape(a).is_scalar() {
            let f = if squared { Func::Powi(2) } else { Func::Abs };
            return Some(self.map(f, a, sp));
        }
        match *self.op(a) {
            Op::Neg(x) | Op::Transpose(x) | Op::Vec(x) => {
                Some(self.make(if squared { Op::NormSq(x) } else { Op::Norm(x) }, sp))
            }
            _ => None,
        }
    }

    pub(super) fn rw_vec(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).cols().is_one() {
            return Some(a);
        }
        if self.is_zero(a) {
            let len = self.shape(a).len();
            return Some(self.zeros(&Shape::matrix(len, Dim::Known(1)), sp));
        }
        match *self.op(a) {
            Op::Unvec(v, ..) => return Some(v),
            // vec(vᵀ) = v for a column v.
            Op::Transpose(v) if self.shape(v).cols().is_one() => return Some(v),
            _ => {}
        }
        self.pull_out(a, Op::Vec, sp)
    }

    pub(super) fn rw_unvec(&mut self, v: NodeId, r: Dim, c: Dim, sp: Span) -> Option<NodeId> {
        let target = Shape::matrix(r.clone(), c.clone());
        if *self.shape(v) == target {
            return Some(v);
        }
        if self.is_zero(v) {
            return Some(self.zeros(&target, sp));
        }
        if let Op::Vec(x) = *self.op(v) {
            if *self.shape(x) == target {
                return Some(x);
            }
        }
        self.pull_out(v, |x| Op::Unvec(x, r.clone(), c.clone()), sp)
    }

    pub(super) fn rw_diag(&mut self, v: NodeId, sp: Span) -> Option<NodeId> {
        match self.op(v).clone() {
            Op::Ones(n, _) => Some(self.identity(n, sp)),
            Op::Zeros(n, _) => Some(self.zeros(&Shape::matrix(n.clone(), n), sp)),
            _ => self.pull_out(v, Op::Diag, sp),
        }
    }

    pub(super) fn rw_diagonal(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        match self.op(a).clone() {
            Op::Diag(v) => Some(v),
            Op::Identity(n) => Some(self.ones(&Shape::matrix(n, Dim::Known(1)), sp)),
            Op::Zeros(n, _) => Some(self.zeros(&Shape::matrix(n, Dim::Known(1)), sp)),
            Op::Transpose(x) => Some(self.make(Op::Diagonal(x), sp)),
            _ => self.pull_out(a, Op::Diagonal, sp),
        }
    }

    pub(super) fn rw_to_scalar(&mut self, a: NodeId, sp: Span) -> Option<NodeId> {
        if self.shape(a).is_scalar() {
            return Some(a);
        }
        if self.is_zero(a) {
            return Some(self.literal(0.0, sp));
        }
        match *self.op(a) {
            Op::FromScalar(s) => Some(s),
            Op::Transpose(x) => Some(self.make(Op::ToScalar(x), sp)),
            _ => self.pull_out(a, Op::ToScalar, sp),
        }
    }

    pub(super) fn rw_from_scalar(&mut self, s: NodeId, sp: Span) -> Option<NodeId> {
        if self.is_zero(s) {
            return Some(self.zeros(&Shape::matrix(Dim::Known(1), Dim::Known(1)), sp));
        }
        match *self.op(s) {
            Op::ToScalar(x) if !self.shape(x).is_scalar() => Some(x),
            _ => None,
        }
    }

    /// `OnesMul(r, B)` (`left`) and `MulOnes(B, r)`: zero, a trivial 1×1 ones factor, and
    /// scalar factors pulled out.
    pub(super) fn rw_ones_mul(
        &mut self,
        r: Dim,
        b: NodeId,
        left: bool,
        sp: Span,
    ) -> Option<NodeId> {
        let (br, bc) = self.shape(b).dims();
        if self.is_zero(b) {
            let shape = if left {
                Shape::matrix(r, bc)
            } else {
                Shape::matrix(br, r)
            };
            return Some(self.zeros(&shape, sp));
        }
        let contracted = if left { &br } else { &bc };
        if r.is_one() && contracted.is_one() {
            return Some(b);
        }
        if left {
            self.pull_out(b, |x| Op::OnesMul(r.clone(), x), sp)
        } else {
            self.pull_out(b, |x| Op::MulOnes(x, r.clone()), sp)
        }
    }
}
