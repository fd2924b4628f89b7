//! Jacobians and Hessians in Magnus–Neudecker form: `J = ∂vec F/∂(vec X)ᵀ`, derived forward
//! over the nodes that lie between the parameter and the output, with differentials written as
//! Kronecker/vec products (`d vec(A B) = (Bᵀ ⊗ I) d vec A + (I ⊗ A) d vec B`). The one rule per
//! operation lives in `jacobian_rules`; this file holds the driver, the Hessian (the Jacobian
//! of the reverse-mode gradient) and the test of exact symmetry.
//!
//! Every node goes through `Graph::make`, so the results come out in closed form
//! (`yᵀ ⊗ I₃`, `−X⁻ᵀ ⊗ X⁻¹`, `I₂ ⊗ (A + Aᵀ)`) and share subexpressions with the value and
//! the gradient. The structure (Kronecker products with identities, `diag(v) J`, commutation
//! and Kronecker permutations) stays symbolic; `emit` applies it without materialising it.

use super::gradient;
use super::jacobian_rules::Forward;
use crate::ir::{Graph, NodeId, Op, Shape};

/// ∂vec(output)/∂(vec param)ᵀ for parameter index `wrt`: a node of shape
/// (len output)×(len param), `J[(i + p·j, k + m·l)] = ∂F[(i, j)]/∂X[(k, l)]` (reference §2). A scalar
/// output gives a 1×(m·n) row (vec of the gradient, transposed); a scalar parameter gives a
/// column. An output that does not depend on the parameter gives a zeros node.
///
/// # Panics
/// If `wrt` is not a parameter index (a caller bug).
pub fn jacobian(g: &mut Graph, output: NodeId, wrt: usize) -> NodeId {
    assert!(
        wrt < g.params.len(),
        "matcalc engine bug: Jacobian with respect to parameter {wrt}, but the function has {} \
         parameters",
        g.params.len()
    );
    let span = g.span(output);
    let cols = g.params[wrt].shape.len();
    let eye = g.identity(cols, span);
    forward(g, output, wrt, eye)
}

/// ∂vec(output)/∂(vec param)ᵀ · `seed` for parameter index `wrt`, propagated forward from the
/// parameter with `seed` ((len param)×k) in place of the identity. With `seed = vec(T)` this is
/// the directional derivative vec(dF) along T, and the Kronecker rewrites of `simplify` turn
/// every rule into its matrix-level differential (`(Bᵀ ⊗ I) vec T → vec(T B)`), so the
/// Jacobian is never formed.
pub(super) fn forward(g: &mut Graph, output: NodeId, wrt: usize, seed: NodeId) -> NodeId {
    let span = g.span(output);
    let cols = g.shape(seed).cols();
    let order = g.reachable(&[output]);
    let mut fwd = Forward::new(cols.clone());
    for id in order {
        match *g.op(id) {
            Op::Param(i) if i == wrt => fwd.set(g, id, seed),
            ref op if op.args().iter().any(|&a| fwd.has(a)) => {
                let j = fwd.rule(g, id);
                fwd.set(g, id, j);
            }
            _ => {}
        }
    }
    match fwd.get(output) {
        Some(j) => j,
        None => {
            let rows = g.shape(output).len();
            g.zeros(&Shape::matrix(rows, cols), span)
        }
    }
}

/// The gradient of the scalar `output` with respect to parameter `wrt` and its Hessian
/// `H[(a, b)] = ∂²φ/∂vec(X)_a ∂vec(X)_b` ((m·n)×(m·n)): the Jacobian of vec(gradient). The
/// result is exactly symmetric when evaluated: a form whose floating-point evaluation is
/// symmetric entry by entry (`A + Aᵀ`, `I ⊗ S`, `K (X⁻ᵀ ⊗ X⁻¹)`, `diag(v) − s sᵀ`) is kept as
/// it is; any other is wrapped in `Op::Symmetrize` (½(H + Hᵀ), printed as H).
///
/// # Panics
/// If `output` is not scalar or `wrt` is not a parameter index (caller bugs).
pub fn hessian(g: &mut Graph, output: NodeId, wrt: usize) -> (NodeId, NodeId) {
    let grad = gradient(g, output, &[wrt])[0];
    let h = jacobian(g, grad, wrt);
    let h = if exactly_symmetric(g, h) {
        h
    } else {
        let span = g.span(output);
        g.make(Op::Symmetrize(h), span)
    };
    (grad, h)
}

/// Whether `id` is a square matrix whose evaluation (as `emit` and `eval` compute it) is
/// symmetric bit for bit: each entry and its mirror are computed from the same numbers by
/// commutative operations. Conservative: `false` means "not known".
pub fn exactly_symmetric(g: &Graph, id: NodeId) -> bool {
    let shape = g.shape(id);
    if !shape.is_square() {
        return false;
    }
    if shape.is_scalar() || g.is_one_by_one(id) {
        return true;
    }
    let sym = |x| exactly_symmetric(g, x);
    let transposes =
        |a: NodeId, b: NodeId| *g.op(b) == Op::Transpose(a) || *g.op(a) == Op::Transpose(b);
    match *g.op(id) {
        Op::Identity(_) | Op::Zeros(..) | Op::Ones(..) | Op::Diag(_) | Op::Symmetrize(_) => true,
        Op::Commutation(ref m, ref n) => m == n,
        Op::Add(a, b) => transposes(a, b) || (sym(a) && sym(b)),
        Op::Sub(a, b) | Op::Hadamard(a, b) | Op::Kron(a, b) => sym(a) && sym(b),
        Op::Neg(a) | Op::Map(_, a) => sym(a),
        Op::Scale(_, a) | Op::Div(a, _) => sym(a),
        // X Xᵀ and Xᵀ X: each entry is the same sum of the same products, in the same order.
        // K (Aᵀ ⊗ A) (the logdet Hessian): each entry is a product of two entries of A.
        Op::MatMul(a, b) => {
            transposes(a, b)
                || matches!((g.op(a), g.op(b)), (Op::Commutation(m, n), Op::Kron(x, y))
                    if m == n && transposes(*x, *y))
        }
        _ => false,
    }
}
