//! The one dispatch from a derivative kind to the differentiation stage, shared by the
//! attribute macros (`generate`) and the command-line tool: which rule computes each output,
//! which kinds need a scalar body or exactly one parameter, and the direction parameter a
//! product adds to the graph.

use super::Derivative;
use crate::diff;
use crate::ir::{Graph, NodeId, Shape};

/// What an output of a derivation is (each names the parameter it is about).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// ∂φ/∂X, X's shape.
    Gradient,
    /// ∂vec F/∂(vec X)ᵀ.
    Jacobian,
    /// ∂²φ/∂(vec X)∂(vec X)ᵀ.
    Hessian,
    /// X̄ = ∂⟨U, F⟩/∂X for the cotangent U, X's shape.
    Vjp,
    /// dF along the tangent T, F's shape.
    Jvp,
    /// H vec(V) reshaped like X.
    HessianVector,
}

/// One output: its node, what it is, and the parameter (index) it is about.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    /// The node computing it.
    pub node: NodeId,
    /// What it is.
    pub role: Role,
    /// The index of the parameter it is about.
    pub param: usize,
}

/// The outputs of one derivation, in the order the generated function returns them after the
/// value, and the direction parameter (cotangent, tangent, v) a product appended to the graph.
#[derive(Clone, Debug)]
pub struct Derivation {
    /// The derivatives, in the order they are returned.
    pub outputs: Vec<Output>,
    /// The graph parameter index of a product's direction.
    pub direction: Option<usize>,
}

/// Why a kind cannot be derived as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misuse {
    /// The kind needs a scalar body; this one has the given shape.
    NotScalar(Shape),
    /// The kind takes exactly one parameter; this many were given.
    NotOneParameter(usize),
}

impl Derivative {
    /// Whether the body must be a scalar.
    pub fn needs_scalar(self) -> bool {
        matches!(
            self,
            Derivative::Grad | Derivative::Hessian | Derivative::Hvp
        )
    }

    /// Whether the kind takes exactly one parameter.
    pub fn one_parameter(self) -> bool {
        !matches!(self, Derivative::Grad | Derivative::Jacobian)
    }

    /// The preferred name of the direction parameter a product adds.
    pub fn direction_name(self) -> Option<&'static str> {
        match self {
            Derivative::Vjp => Some("cotangent"),
            Derivative::Jvp => Some("tangent"),
            Derivative::Hvp => Some("v"),
            Derivative::Grad | Derivative::Jacobian | Derivative::Hessian => None,
        }
    }
}

/// Derives `kind` of `value` with respect to the parameters `wrt` (indices, checked by the
/// caller), adding the derivative nodes (and a product's direction parameter) to `g`.
pub fn derive(
    g: &mut Graph,
    value: NodeId,
    kind: Derivative,
    wrt: &[usize],
) -> Result<Derivation, Misuse> {
    let shape = g.shape(value).clone();
    if kind.needs_scalar() && !shape.is_scalar() {
        return Err(Misuse::NotScalar(shape));
    }
    if kind.one_parameter() && wrt.len() != 1 {
        return Err(Misuse::NotOneParameter(wrt.len()));
    }
    let output = |node, role, param| Output { node, role, param };
    let span = g.span(value);
    let mut direction = None;
    let mut add_direction = |g: &mut Graph, shape: Shape| {
        let name = kind.direction_name().unwrap_or("direction");
        let (index, node) = diff::add_direction(g, name, shape, span);
        direction = Some(index);
        node
    };
    let outputs = match kind {
        Derivative::Grad => wrt
            .iter()
            .zip(diff::gradient(g, value, wrt))
            .map(|(&i, node)| output(node, Role::Gradient, i))
            .collect(),
        Derivative::Jacobian => wrt
            .iter()
            .map(|&i| output(diff::jacobian(g, value, i), Role::Jacobian, i))
            .collect(),
        Derivative::Hessian => {
            let (gradient, hessian) = diff::hessian(g, value, wrt[0]);
            vec![
                output(gradient, Role::Gradient, wrt[0]),
                output(hessian, Role::Hessian, wrt[0]),
            ]
        }
        Derivative::Vjp => {
            let cotangent = add_direction(g, shape);
            let bar = diff::vjp(g, value, cotangent, wrt)[0];
            vec![output(bar, Role::Vjp, wrt[0])]
        }
        Derivative::Jvp => {
            let tangent_shape = g.params[wrt[0]].shape.clone();
            let tangent = add_direction(g, tangent_shape);
            let df = diff::jvp(g, value, wrt[0], tangent);
            vec![output(df, Role::Jvp, wrt[0])]
        }
        Derivative::Hvp => {
            let v_shape = g.params[wrt[0]].shape.clone();
            let v = add_direction(g, v_shape);
            let (gradient, hv) = diff::hvp(g, value, wrt[0], v);
            vec![
                output(gradient, Role::Gradient, wrt[0]),
                output(hv, Role::HessianVector, wrt[0]),
            ]
        }
    };
    Ok(Derivation { outputs, direction })
}
