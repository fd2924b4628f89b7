//! Differentiation: the stage after `shape`. Reverse mode (adjoints) lives here; every
//! derivative node is built in the same graph as the value through the rewriting constructors
//! of `simplify`, so the derivative shares subexpressions with the value (`X⁻¹`, `W x − y`) and
//! comes out in closed form, ready for `emit` and `print`.
//!
//! `adjoint` dispatches the one adjoint rule per operation, `jacobian_rules` the one forward
//! Jacobian rule (Magnus–Neudecker Kronecker/vec form, driven by `jacobian`). Linear one-liners
//! are written in the dispatch; every other operation has its two rules side by side in a family
//! file of `rules`, sharing their common factor, with the rule's text for `--steps`. A Hessian
//! is the Jacobian of the reverse-mode gradient, which is why the adjoint-only ops (`OnesMul`,
//! Kronecker adjoints) have Jacobian rules too.

mod adjoint;
mod jacobian;
mod jacobian_rules;
#[cfg(test)]
mod jacobian_tests;
#[cfg(test)]
mod matpow_tests;
#[cfg(test)]
mod numerics_tests;
mod products;
#[cfg(test)]
mod products_tests;
mod rules;
mod steps;
#[cfg(test)]
mod tests;
mod view_rules;
#[cfg(test)]
mod view_tests;

pub use jacobian::{exactly_symmetric, hessian, jacobian};
pub use products::{add_direction, fresh_name, hvp, jvp};

use std::collections::HashMap;

use proc_macro2::Span;

use crate::ir::{Graph, NodeId, Op};

pub use adjoint::adjoint_text;
pub use steps::adjoint_chain;

/// ∂output/∂param for each parameter index in `wrt`, in that order. `output` must be a scalar
/// node; each result has its parameter's shape (`G[(i, j)] = ∂φ/∂X[(i, j)]`). A parameter the
/// output does not depend on gets a zeros node.
///
/// # Panics
/// If `output` is not scalar or a `wrt` index is not a parameter: both are bugs of the caller,
/// which checks the user's attribute first.
pub fn gradient(g: &mut Graph, output: NodeId, wrt: &[usize]) -> Vec<NodeId> {
    assert!(
        g.shape(output).is_scalar(),
        "matcalc engine bug: gradient of a non-scalar node ({})",
        g.shape(output)
    );
    let seed = g.literal(1.0, g.span(output));
    vjp(g, output, seed, wrt)
}

/// The vector–Jacobian product: the adjoint of each parameter in `wrt` when `output` (any
/// shape) has adjoint `seed` (the same shape as `output`), i.e. ∂⟨seed, output⟩/∂param with
/// `seed` held constant.
///
/// # Panics
/// If `seed` and `output` differ in shape or a `wrt` index is not a parameter (caller bugs).
pub fn vjp(g: &mut Graph, output: NodeId, seed: NodeId, wrt: &[usize]) -> Vec<NodeId> {
    assert_eq!(
        g.shape(seed),
        g.shape(output),
        "matcalc engine bug: the seed of a vector–Jacobian product must have the output's shape"
    );
    for &i in wrt {
        assert!(
            i < g.params.len(),
            "matcalc engine bug: differentiation with respect to parameter {i}, but the \
             function has {} parameters",
            g.params.len()
        );
    }
    let order = g.reachable(&[output]);
    let mut adj = Adjoints::new(g, &order, wrt);
    let span = g.span(output);
    adj.add(g, output, seed, span);
    for &id in order.iter().rev() {
        if let Some(bar) = adj.bar.get(&id).copied() {
            adjoint::propagate(g, id, bar, &mut adj);
        }
    }
    let params: HashMap<usize, NodeId> = order
        .iter()
        .filter_map(|&id| match *g.op(id) {
            Op::Param(i) => Some((i, id)),
            _ => None,
        })
        .collect();
    wrt.iter()
        .map(|&i| match params.get(&i).and_then(|p| adj.bar.get(p)) {
            Some(&bar) => bar,
            None => {
                let (shape, span) = (g.params[i].shape.clone(), g.params[i].span);
                g.zeros(&shape, span)
            }
        })
        .collect()
}

/// The adjoints accumulated so far, and which nodes need one at all (those through which some
/// requested parameter is reached — no adjoint is built for data or constants).
pub(crate) struct Adjoints {
    needed: Vec<bool>,
    bar: HashMap<NodeId, NodeId>,
}

impl Adjoints {
    fn new(g: &Graph, order: &[NodeId], wrt: &[usize]) -> Adjoints {
        let mut needed = vec![false; g.len()];
        // `order` is topological, so operands are decided before their users.
        for &id in order {
            needed[id.index()] = match *g.op(id) {
                Op::Param(i) => wrt.contains(&i),
                ref op => op.args().iter().any(|a| needed[a.index()]),
            };
        }
        Adjoints {
            needed,
            bar: HashMap::new(),
        }
    }

    /// Whether `id`'s adjoint leads to a requested parameter.
    pub(crate) fn wants(&self, id: NodeId) -> bool {
        self.needed.get(id.index()).copied().unwrap_or(false)
    }

    /// Adds `contribution` to `id`'s adjoint. Zero contributions are dropped, so a branch that
    /// contributes nothing (a `sign`, a `step`) builds nothing downstream.
    pub(crate) fn add(&mut self, g: &mut Graph, id: NodeId, contribution: NodeId, span: Span) {
        if !self.wants(id) || g.is_zero(contribution) {
            return;
        }
        let total = match self.bar.get(&id) {
            Some(&previous) => g.add(previous, contribution, span),
            None => contribution,
        };
        self.bar.insert(id, total);
    }
}
