//! The derivation behind a gradient, for people: the reverse sweep of `vjp` run step by step,
//! recording each node's complete adjoint ∂φ/∂node in the order the sweep finishes them (from the
//! output back to the parameters). The command-line tool's `--steps` prints it.

use super::{adjoint, Adjoints};
use crate::ir::{Graph, NodeId};

/// `(node, adjoint)` for every node on a path from `output` (a scalar) to a parameter in `wrt`,
/// in reverse topological order: `output` first with adjoint 1, the parameters last. Each
/// adjoint is complete (every use of the node has contributed) when it is listed.
///
/// # Panics
/// As [`super::gradient`]: if `output` is not scalar or a `wrt` index is not a parameter.
pub fn adjoint_chain(g: &mut Graph, output: NodeId, wrt: &[usize]) -> Vec<(NodeId, NodeId)> {
    assert!(
        g.shape(output).is_scalar(),
        "matcalc engine bug: adjoint chain of a non-scalar node ({})",
        g.shape(output)
    );
    assert!(
        wrt.iter().all(|&i| i < g.params.len()),
        "matcalc engine bug: differentiation with respect to a parameter that does not exist"
    );
    let order = g.reachable(&[output]);
    let mut adj = Adjoints::new(g, &order, wrt);
    let seed = g.literal(1.0, g.span(output));
    let span = g.span(output);
    adj.add(g, output, seed, span);
    let mut chain = Vec::new();
    for &id in order.iter().rev() {
        if let Some(bar) = adj.bar.get(&id).copied() {
            chain.push((id, bar));
            adjoint::propagate(g, id, bar, &mut adj);
        }
    }
    chain
}
