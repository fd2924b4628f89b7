//! The derivatives the command-line tool asks of the engine, behind one function each, so that
//! wiring a new engine entry point is a one-line change here.

use matcalc_symbolic::diff;
use matcalc_symbolic::ir::{Graph, NodeId};

/// The engine cannot derive this kind of derivative yet.
pub struct NotAvailable {
    pub what: &'static str,
}

/// ∂φ/∂X for the scalar `output`, shaped like parameter `wrt`.
pub fn gradient(g: &mut Graph, output: NodeId, wrt: usize) -> NodeId {
    diff::gradient(g, output, &[wrt])[0]
}

/// ∂vec F/∂(vec X)ᵀ for `output` F with respect to parameter `wrt` X.
pub fn jacobian(g: &mut Graph, output: NodeId, wrt: usize) -> Result<NodeId, NotAvailable> {
    // Once the engine has it: `Ok(diff::jacobian(g, output, wrt))`.
    let _ = (g, output, wrt);
    Err(NotAvailable { what: "Jacobians" })
}

/// (∂φ/∂X, ∂²φ/∂(vec X)∂(vec X)ᵀ) for the scalar `output`.
pub fn hessian(
    g: &mut Graph,
    output: NodeId,
    wrt: usize,
) -> Result<(NodeId, NodeId), NotAvailable> {
    // Once the engine has it: `Ok(diff::hessian(g, output, wrt))`.
    let _ = (g, output, wrt);
    Err(NotAvailable { what: "Hessians" })
}
