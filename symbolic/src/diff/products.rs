//! Jacobian and Hessian products that never form J or H (JAX's `vjp`, `jvp`, `hvp`). Each
//! direction is a symbolic parameter of the graph (`Op::Param(n)` appended after the user's),
//! so the product is a closed-form matrix expression in it:
//!
//! - vjp: reverse mode seeded with the cotangent U: X̄ = ∂⟨U, F⟩/∂X (`diff::vjp`).
//! - jvp: forward mode seeded with vec(T) instead of the identity: the Jacobian rules compute
//!   J vec(T), which the Kronecker rewrites turn into matrix-level differentials
//!   (`(Bᵀ ⊗ I) vec T → vec(T B)`); reshaped back to F's shape it is dF along T.
//! - hvp: forward over reverse: the jvp of the gradient along V, H vec(V) reshaped like X.

use proc_macro2::Span;

use super::gradient;
use super::jacobian::forward;
use crate::ir::{Graph, NodeId, Op, Param, Shape};

/// Appends a parameter named `base` (or `base_1`, `base_2`, .. if a parameter already has that
/// name) of `shape` to the graph; returns its index and its node.
pub fn add_direction(g: &mut Graph, base: &str, shape: Shape, span: Span) -> (usize, NodeId) {
    let name = fresh_name(base, |name| g.params.iter().any(|p| p.name == name));
    let index = g.params.len();
    g.params.push(Param {
        name,
        shape: shape.clone(),
        span,
    });
    let node = g.intern(Op::Param(index), shape, span);
    (index, node)
}

/// `base`, or `base_1`, `base_2`, .. : the first that is not in `taken`.
pub fn fresh_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    std::iter::once(base.to_string())
        .chain((1..).map(|k| format!("{base}_{k}")))
        .find(|n| !taken(n))
        .expect("an unbounded sequence of names has a free one")
}

/// dF: the derivative of `output` with respect to parameter `wrt` in the direction `tangent`
/// (a node of the parameter's shape), with `output`'s shape.
///
/// # Panics
/// If `tangent`'s shape is not the parameter's (a caller bug).
pub fn jvp(g: &mut Graph, output: NodeId, wrt: usize, tangent: NodeId) -> NodeId {
    assert!(
        g.shape(tangent).equiv(&g.params[wrt].shape),
        "matcalc engine bug: a tangent must have its parameter's shape"
    );
    let span = g.span(output);
    let seed = if g.shape(tangent).is_scalar() {
        g.make(Op::FromScalar(tangent), span)
    } else {
        g.make(Op::Vec(tangent), span)
    };
    let column = forward(g, output, wrt, seed);
    match g.shape(output).clone() {
        Shape::Scalar => g.make(Op::ToScalar(column), span),
        Shape::Matrix(r, c) => g.make(Op::Unvec(column, r, c), span),
    }
}

/// The gradient of the scalar `output` with respect to parameter `wrt` and the Hessian–vector
/// product H v (v of the parameter's shape, H v reshaped like it): forward over reverse.
///
/// # Panics
/// If `output` is not scalar or `v`'s shape is not the parameter's (caller bugs).
pub fn hvp(g: &mut Graph, output: NodeId, wrt: usize, v: NodeId) -> (NodeId, NodeId) {
    let grad = gradient(g, output, &[wrt])[0];
    let hv = jvp(g, grad, wrt, v);
    (grad, hv)
}
