//! Matrix-chain ordering: a product of several factors is computed in the association order
//! of least cost, not in the order simplification happened to leave it. `(A B C) x` becomes
//! `A (B (C x))` (three matrix–vector products instead of two matrix products), and a run of
//! diagonal factors `diag(b) diag(s) diag(b) X` multiplies the vectors first
//! (`diag(b ⊙ s ⊙ b) X`: one row scaling instead of three).
//!
//! A chain is read through products that nothing else uses: a product that is shared (used
//! twice, or a root) is a factor, computed once, so reordering never duplicates work. Chains
//! with Kronecker structure, ones or identities are left to the rules that know them
//! (`lower::kernels`, `lower::ones`).

use crate::cost::dims_of;
use crate::ir::{Graph, NodeId, Op};

/// Longest chain reordered (the dynamic programme is cubic in it).
const MAX_FACTORS: usize = 24;

/// How many readable nodes use each node among `reachable` (a root counts as a use).
pub fn use_counts(g: &Graph, reachable: &[NodeId], roots: &[NodeId]) -> Vec<u32> {
    let mut uses = vec![0u32; g.len()];
    for &id in reachable {
        for a in g.op(id).args() {
            uses[a.index()] += 1;
        }
    }
    for r in roots {
        uses[r.index()] += 1;
    }
    uses
}

/// The factors of the readable product `id`, left to right, through products used once.
pub fn factors(g: &Graph, id: NodeId, uses: &[u32]) -> Vec<NodeId> {
    let mut out = Vec::new();
    if let Op::MatMul(a, b) = *g.op(id) {
        collect(g, a, uses, &mut out);
        collect(g, b, uses, &mut out);
    }
    out
}

fn collect(g: &Graph, x: NodeId, uses: &[u32], out: &mut Vec<NodeId>) {
    match *g.op(x) {
        Op::MatMul(a, b) if uses[x.index()] == 1 => {
            collect(g, a, uses, out);
            collect(g, b, uses, out);
        }
        _ => out.push(x),
    }
}

/// The cost of the readable product `tree` in the association it is written in, reading
/// through the same products [`factors`] does.
pub fn written_cost(g: &Graph, tree: NodeId, uses: &[u32]) -> u64 {
    fn walk(g: &Graph, x: NodeId, uses: &[u32], top: bool) -> (u64, u64, u64, Kind) {
        let (r, c) = dims_of(g.shape(x));
        match *g.op(x) {
            Op::MatMul(a, b) if top || uses[x.index()] == 1 => {
                let (ca, p, q, ka) = walk(g, a, uses, false);
                let (cb, _, rr, kb) = walk(g, b, uses, false);
                let diagonal = ka == Kind::Diagonal && kb == Kind::Diagonal;
                let kind = if diagonal {
                    Kind::Diagonal
                } else {
                    Kind::Dense
                };
                let total = ca.saturating_add(cb).saturating_add(step(p, q, rr, ka, kb));
                (total, r, c, kind)
            }
            Op::Diag(_) => (0, r, c, Kind::Diagonal),
            _ => (0, r, c, Kind::Dense),
        }
    }
    walk(g, tree, uses, true).0
}

/// What a (partial) product is, for its cost.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dense,
    Diagonal,
}

/// The cheapest association of a chain: `split[i][j]` is where `i..=j` splits.
struct Plan {
    split: Vec<Vec<usize>>,
}

/// The cost of multiplying a `p×q` by a `q×r` factor of the given kinds (multiply-adds, as
/// `cost` counts a row scaling and a dense product).
fn step(p: u64, q: u64, r: u64, left: Kind, right: Kind) -> u64 {
    match (left, right) {
        (Kind::Diagonal, Kind::Diagonal) => q,
        (Kind::Diagonal, Kind::Dense) => q.saturating_mul(r),
        _ => p.saturating_mul(q).saturating_mul(r),
    }
}

impl Graph {
    /// Whether a chain factor is one the reordering may move: not Kronecker structure, ones or
    /// an identity, which have their own lowering.
    fn movable_factor(&self, x: NodeId) -> bool {
        let structured = match *self.op(x) {
            Op::Kron(..) | Op::Commutation(..) | Op::KronPerm(..) | Op::Identity(_) => true,
            Op::Transpose(p) => matches!(self.op(p), Op::KronPerm(..) | Op::Commutation(..)),
            _ => false,
        };
        !structured && !self.is_ones(x) && !self.is_identity(x)
    }

    /// The product of the lowered `factors` in the cheapest order, or `None` when the order
    /// as written is already the cheapest (or the chain is not one this pass reorders).
    /// `written` is the cost of the order as written.
    pub(super) fn reorder_chain(
        &mut self,
        factors: &[NodeId],
        written: u64,
        span: proc_macro2::Span,
    ) -> Option<NodeId> {
        let k = factors.len();
        if !(3..=MAX_FACTORS).contains(&k) || !factors.iter().all(|&x| self.movable_factor(x)) {
            return None;
        }
        // dims[i] × dims[i + 1] is factor i.
        let mut dims = Vec::with_capacity(k + 1);
        for (i, &x) in factors.iter().enumerate() {
            let (r, c) = dims_of(self.shape(x));
            if i == 0 {
                dims.push(r);
            }
            dims.push(c);
        }
        let kinds: Vec<Kind> = factors
            .iter()
            .map(|&x| match self.op(x) {
                Op::Diag(_) => Kind::Diagonal,
                _ => Kind::Dense,
            })
            .collect();
        let (best, plan) = plan(&dims, &kinds);
        if best >= written {
            return None;
        }
        Some(self.build(factors, &plan, 0, k - 1, span))
    }

    /// Builds the product of `factors[i..=j]` by `plan`.
    fn build(
        &mut self,
        factors: &[NodeId],
        plan: &Plan,
        i: usize,
        j: usize,
        span: proc_macro2::Span,
    ) -> NodeId {
        if i == j {
            return factors[i];
        }
        let s = plan.split[i][j];
        let l = self.build(factors, plan, i, s, span);
        let r = self.build(factors, plan, s + 1, j, span);
        match (self.op(l).clone(), self.op(r).clone()) {
            // diag(u) diag(v) = diag(u ⊙ v).
            (Op::Diag(u), Op::Diag(v)) => {
                let uv = self.make_raw(Op::Hadamard(u, v), span);
                self.make_raw(Op::Diag(uv), span)
            }
            _ => self.lower_op(Op::MatMul(l, r), span),
        }
    }
}

/// The least cost of the chain with `dims` and `kinds`, and the splits that reach it.
fn plan(dims: &[u64], kinds: &[Kind]) -> (u64, Plan) {
    let k = kinds.len();
    let mut cost = vec![vec![0u64; k]; k];
    let mut kind = vec![vec![Kind::Dense; k]; k];
    let mut split = vec![vec![0usize; k]; k];
    for i in 0..k {
        kind[i][i] = kinds[i];
    }
    for len in 2..=k {
        for i in 0..=k - len {
            let j = i + len - 1;
            cost[i][j] = u64::MAX;
            for s in i..j {
                let c = cost[i][s]
                    .saturating_add(cost[s + 1][j])
                    .saturating_add(step(
                        dims[i],
                        dims[s + 1],
                        dims[j + 1],
                        kind[i][s],
                        kind[s + 1][j],
                    ));
                // Ties keep the later split (the leftmost grouping).
                if c <= cost[i][j] {
                    cost[i][j] = c;
                    split[i][j] = s;
                }
            }
            kind[i][j] = if kind[i][split[i][j]] == Kind::Diagonal
                && kind[split[i][j] + 1][j] == Kind::Diagonal
            {
                Kind::Diagonal
            } else {
                Kind::Dense
            };
        }
    }
    (cost[0][k - 1], Plan { split })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_at_the_end_is_multiplied_first() {
        // (5×5)(5×5)(5×5)(5×1): right to left costs 75, left to right 275.
        let (best, order) = plan(&[5, 5, 5, 5, 1], &[Kind::Dense; 4]);
        assert_eq!(best, 75);
        assert_eq!(order.split[0][3], 0);
        assert_eq!(order.split[1][3], 1);
        // A row vector at the start: left to right.
        let (best, order) = plan(&[1, 5, 5, 5], &[Kind::Dense; 3]);
        assert_eq!(best, 50);
        assert_eq!(order.split[0][2], 1);
    }

    #[test]
    fn diagonal_runs_collapse_before_the_dense_factor() {
        let kinds = [Kind::Diagonal, Kind::Diagonal, Kind::Diagonal, Kind::Dense];
        let (best, order) = plan(&[4, 4, 4, 4, 4], &kinds);
        // diag·diag twice (4 each), then one row scaling (16).
        assert_eq!(best, 24);
        assert_eq!(order.split[0][3], 2);
    }
}
