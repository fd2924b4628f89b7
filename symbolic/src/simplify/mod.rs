//! The rewriting constructors: every node `diff` creates goes through [`Graph::make`], which
//! applies local algebraic rewrites (`rules`), then the one shape rule of the op
//! (`shape::rules::infer`), then interning. Derivatives are therefore born simplified — there
//! is no separate clean-up pass — and the interning shares every repeated subexpression
//! between a value and its gradients.
//!
//! The rewrites make derivative formulas read like a textbook (`(W x − y) xᵀ`, not
//! `((1·(W x − y)) (xᵀ ⊗ 1))`) and keep the graph small (no products with the identity, no
//! arithmetic on literals). The graph they build is the readable one that `print` shows; the
//! rewrites made only for speed (products with 𝟙 as sums, fused products, shared
//! factorizations) belong to `lower`, which runs before `emit`. Every rule maps a term to a term that is
//! smaller in a fixed measure (fewer nodes, fewer `Neg`/`Transpose`/`Scale` wrappers, or literal
//! coefficients moved outwards), so rewriting terminates; the canonical forms are documented
//! in `rules`.

mod kron;
mod rules;
mod structure;
#[cfg(test)]
mod tests;
mod vecs;
mod views;

use proc_macro2::Span;

use crate::ir::{Dim, Func, Graph, NodeId, Op, Shape};
use crate::shape::rules::infer;

impl Graph {
    /// Builds `op`, simplified: returns an equivalent existing or new node. Panics (with a
    /// message naming the op) only if the op is ill-shaped, which means the caller — an engine
    /// stage, never user input — has a bug; the macro turns that panic into a bug report.
    pub fn make(&mut self, op: Op, span: Span) -> NodeId {
        match self.rewrite(&op, span) {
            Some(id) => id,
            None => self.make_raw(op, span),
        }
    }

    /// Shape-checks and interns `op` without rewriting it.
    pub(crate) fn make_raw(&mut self, op: Op, span: Span) -> NodeId {
        match infer(self, &op) {
            Ok(shape) => self.intern(op, shape, span),
            Err(mismatch) => panic!(
                "matcalc engine bug: the simplifier was asked to build the ill-shaped node \
                 {op:?}: {mismatch}"
            ),
        }
    }

    // ---- convenience constructors (all simplify through `make`) ----

    /// A scalar literal. `-0.0` is stored as `0.0` so the two intern to one node.
    pub fn literal(&mut self, value: f64, span: Span) -> NodeId {
        let value = if value == 0.0 { 0.0 } else { value };
        self.make_raw(Op::literal(value), span)
    }

    /// The literal `value` when it is finite; folding that overflows (`1e308 * 1e308`) or
    /// divides by zero keeps the expression unfolded instead, as it would evaluate at run time.
    pub(crate) fn folded(&mut self, value: f64, span: Span) -> Option<NodeId> {
        value.is_finite().then(|| self.literal(value, span))
    }

    /// The zero of `shape`: literal 0 for a scalar, `Zeros(r, c)` for a matrix.
    pub fn zeros(&mut self, shape: &Shape, span: Span) -> NodeId {
        match shape {
            Shape::Scalar => self.literal(0.0, span),
            Shape::Matrix(r, c) => self.make_raw(Op::Zeros(r.clone(), c.clone()), span),
        }
    }

    /// The all-ones value of `shape`: literal 1 for a scalar, `Ones(r, c)` for a matrix.
    pub fn ones(&mut self, shape: &Shape, span: Span) -> NodeId {
        match shape {
            Shape::Scalar => self.literal(1.0, span),
            Shape::Matrix(r, c) => self.make_raw(Op::Ones(r.clone(), c.clone()), span),
        }
    }

    pub fn zeros_like(&mut self, id: NodeId, span: Span) -> NodeId {
        let shape = self.shape(id).clone();
        self.zeros(&shape, span)
    }

    pub fn ones_like(&mut self, id: NodeId, span: Span) -> NodeId {
        let shape = self.shape(id).clone();
        self.ones(&shape, span)
    }

    pub fn identity(&mut self, n: Dim, span: Span) -> NodeId {
        self.make_raw(Op::Identity(n), span)
    }

    pub fn add(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::Add(a, b), span)
    }

    pub fn sub(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::Sub(a, b), span)
    }

    pub fn neg(&mut self, a: NodeId, span: Span) -> NodeId {
        self.make(Op::Neg(a), span)
    }

    /// Scalar × scalar.
    pub fn mul(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::Mul(a, b), span)
    }

    /// Scalar `s` times `x`, a scalar or a matrix (a scalar `x` becomes `Mul`).
    pub fn scale(&mut self, s: NodeId, x: NodeId, span: Span) -> NodeId {
        self.make(Op::Scale(s, x), span)
    }

    /// The literal `c` times `x`.
    pub fn scale_by(&mut self, c: f64, x: NodeId, span: Span) -> NodeId {
        let c = self.literal(c, span);
        self.scale(c, x, span)
    }

    /// `x / s`, `s` a scalar.
    pub fn div(&mut self, x: NodeId, s: NodeId, span: Span) -> NodeId {
        self.make(Op::Div(x, s), span)
    }

    pub fn matmul(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::MatMul(a, b), span)
    }

    pub fn transpose(&mut self, a: NodeId, span: Span) -> NodeId {
        self.make(Op::Transpose(a), span)
    }

    pub fn inv(&mut self, a: NodeId, span: Span) -> NodeId {
        self.make(Op::Inv(a), span)
    }

    /// Frobenius inner product `a : b` (a product for scalars).
    pub fn dot(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::Dot(a, b), span)
    }

    /// Elementwise product (a product for scalars).
    pub fn hadamard(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::Hadamard(a, b), span)
    }

    /// Elementwise quotient (a quotient for scalars).
    pub fn elem_div(&mut self, a: NodeId, b: NodeId, span: Span) -> NodeId {
        self.make(Op::ElemDiv(a, b), span)
    }

    pub fn map(&mut self, f: Func, a: NodeId, span: Span) -> NodeId {
        self.make(Op::Map(f, a), span)
    }

    // ---- queries the rewrites and `diff` share ----

    /// The value of a literal node.
    pub fn literal_of(&self, id: NodeId) -> Option<f64> {
        self.op(id).literal_value()
    }

    /// A literal 0 or a `Zeros` matrix.
    pub fn is_zero(&self, id: NodeId) -> bool {
        match self.op(id) {
            Op::Zeros(..) => true,
            op => op.literal_value() == Some(0.0),
        }
    }

    pub(crate) fn is_literal(&self, id: NodeId, value: f64) -> bool {
        self.literal_of(id) == Some(value)
    }

    pub(crate) fn is_ones(&self, id: NodeId) -> bool {
        matches!(self.op(id), Op::Ones(..))
    }

    pub(crate) fn is_identity(&self, id: NodeId) -> bool {
        matches!(self.op(id), Op::Identity(_))
    }

    /// A 1×1 matrix (not a scalar).
    pub(crate) fn is_one_by_one(&self, id: NodeId) -> bool {
        matches!(self.shape(id), Shape::Matrix(r, c) if r.is_one() && c.is_one())
    }
}
