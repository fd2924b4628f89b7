//! Test support shared by the stages' unit tests: graphs over named parameters, built through
//! the rewriting constructor as the engine builds them.

use proc_macro2::Span;

use crate::ir::{Dim, Graph, NodeId, Op, Param, ScalarType, Shape};

pub(crate) fn sp() -> Span {
    Span::call_site()
}

/// A numeric r×c shape.
pub(crate) fn m(r: usize, c: usize) -> Shape {
    Shape::matrix(Dim::Known(r), Dim::Known(c))
}

/// A graph over the named parameters, with their nodes.
pub(crate) fn graph(params: &[(&str, Shape)]) -> (Graph, Vec<NodeId>) {
    let params: Vec<Param> = params
        .iter()
        .map(|(name, shape)| Param {
            name: (*name).into(),
            shape: shape.clone(),
            span: sp(),
        })
        .collect();
    let n = params.len();
    let mut g = Graph::new(params, ScalarType::F64);
    let ids = (0..n).map(|i| g.make(Op::Param(i), sp())).collect();
    (g, ids)
}

/// `op` through `Graph::make`.
pub(crate) fn op(g: &mut Graph, op: Op) -> NodeId {
    g.make(op, sp())
}
