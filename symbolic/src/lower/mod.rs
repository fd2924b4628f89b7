//! Lowering: the stage between `simplify` and `emit`. `diff` and `simplify` build the readable
//! graph, which `print` shows as it is (`𝟙 yᵀ`, `sum(X y)`). This pass copies the part of it that
//! some roots need into a new graph in the forms that are cheap to compute, so `emit` translates
//! node by node and `print` never has to undo a rewrite made for speed:
//!
//! - products with a matrix of ones become row or column sums, and `sum(A B)` becomes
//!   `(𝟙ᵀ A)(B 𝟙)`, O(n²) instead of O(n³) (`ones`);
//! - a scalar divided by a scalar is a product with the shared reciprocal;
//! - commutative operations take their operands in id order, so `a b` and `b a` are one node;
//! - a chain of products is associated in the cheapest order (`chain`);
//! - each node gets its kernel: structured and fused products, Kronecker products with an
//!   identity filled directly, one LU per matrix for its `inv`/`det`/`logdet`, one `sin_cos`
//!   for the sine and cosine of one operand and one `softplus_sigmoid` for those two
//!   ([`kernels`]); and only the nodes those kernels
//!   read get a statement.
//!
//! The copy is built with the graph's plain constructor (`make_raw`): the readable graph is
//! already simplified, and the rewrites here must not be undone by `simplify`'s.

mod chain;
pub mod kernels;
mod ones;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod workload_counts;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Graph, NodeId, Op};

/// The graph `emit` reads: the roots of a readable graph, rewritten for speed, with the
/// kernel decisions `emit` spells out.
pub struct Lowered {
    /// The lowered graph.
    pub graph: Graph,
    /// The lowered node of each root, in the order given.
    pub roots: Vec<NodeId>,
    /// The nodes that get a statement, in dependency order.
    pub statements: Vec<NodeId>,
    /// The matrices LU-factored once for several of `inv`, `det`, `logdet`.
    pub shared_lu: BTreeSet<NodeId>,
    /// The solves computed as a product with the inverse (computed anyway), by solve node.
    pub by_inverse: BTreeMap<NodeId, kernels::ByInverse>,
    /// The `sin` and `cos` nodes of one operand computed together, keyed by both.
    pub paired: BTreeMap<NodeId, kernels::Paired>,
}

/// Lowers the nodes `roots` need, in one pass over them in topological order.
pub fn lower(readable: &Graph, roots: &[NodeId]) -> Lowered {
    let mut graph = Graph::new(readable.params.clone(), readable.scalar);
    let mut lowered: Vec<Option<NodeId>> = vec![None; readable.len()];
    let reachable = readable.reachable(roots);
    let uses = chain::use_counts(readable, &reachable, roots);
    let lowered_id = |lowered: &[Option<NodeId>], a: NodeId| {
        lowered[a.index()].expect("operands come before their users in id order")
    };
    for id in reachable {
        let span = readable.span(id);
        if matches!(readable.op(id), Op::MatMul(..)) {
            let factors = chain::factors(readable, id, &uses);
            if factors.len() > 2 {
                let factors: Vec<NodeId> =
                    factors.iter().map(|&f| lowered_id(&lowered, f)).collect();
                let written = chain::written_cost(readable, id, &uses);
                if let Some(product) = graph.reorder_chain(&factors, written, span) {
                    lowered[id.index()] = Some(product);
                    continue;
                }
            }
        }
        let op = readable.op(id).map_args(|a| lowered_id(&lowered, a));
        lowered[id.index()] = Some(graph.lower_op(op, span));
    }
    let roots = roots
        .iter()
        .map(|r| lowered[r.index()].expect("every root is reachable from itself"))
        .collect::<Vec<_>>();
    let statements = kernels::statements(&graph, &roots);
    let by_inverse = kernels::solves_by_inverse(&graph, &statements);
    let shared_lu = kernels::shared_factorizations(&graph, &statements, &by_inverse);
    let paired = kernels::paired_maps(&graph, &statements);
    Lowered {
        graph,
        roots,
        statements,
        shared_lu,
        by_inverse,
        paired,
    }
}

impl Graph {
    /// Adds `op` (whose operands are already lowered) in its cheap form.
    fn lower_op(&mut self, op: Op, span: proc_macro2::Span) -> NodeId {
        match op {
            Op::MatMul(a, b) if self.is_ones(a) => {
                let rows = self.shape(a).rows();
                self.ones_mul(rows, b, span)
            }
            Op::MatMul(a, b) if self.is_ones(b) => {
                let cols = self.shape(b).cols();
                self.mul_ones(a, cols, span)
            }
            Op::Sum(ab) => self.sum_lowered(ab, span),
            // a / k as a · (1/k): one reciprocal per divisor, shared by every quotient by it
            // (derivatives divide by the same denominators again and again: x/z, x/z², 1/z),
            // a multiplication each instead of a division.
            Op::Div(a, k)
                if self.shape(a).is_scalar()
                    && self.shape(k).is_scalar()
                    && self.literal_of(k).is_none() =>
            {
                let r = self.make_raw(Op::Map(crate::ir::Func::Recip, k), span);
                self.make_raw(Op::Mul(a, r), span)
            }
            op => {
                let op = self.in_operand_order(op);
                self.make_raw(op, span)
            }
        }
    }

    /// A commutative `op` with its operands in id order, so that `a b` and `b a` (derivatives
    /// build both, e.g. `dx·s` next to `s·dx`) intern to one node, computed once. Only operands
    /// of one shape, spelled alike, are swapped: the result's type stays the same.
    fn in_operand_order(&self, op: Op) -> Op {
        let swap = |a: NodeId, b: NodeId| b < a && self.shape(a) == self.shape(b);
        match op {
            Op::Add(a, b) if swap(a, b) => Op::Add(b, a),
            Op::Mul(a, b) if swap(a, b) => Op::Mul(b, a),
            Op::Hadamard(a, b) if swap(a, b) => Op::Hadamard(b, a),
            Op::Dot(a, b) if swap(a, b) => Op::Dot(b, a),
            op => op,
        }
    }
}
