//! Emission of the structure Jacobians are made of: a product `L J` whose left factor is a
//! Kronecker product with an identity, `diag(v)`, the commutation matrix or the Kronecker
//! permutation is applied directly (a reshaped product, a row scaling, a row permutation)
//! without forming L; a Kronecker product with an identity is filled directly. [`materialized`]
//! decides which nodes get a statement at all: a structured left factor used only as one does
//! not.

use proc_macro2::TokenStream;
use quote::quote;

use super::{dim_type, Emitter};
use crate::ir::{Graph, NodeId, Op};

/// How a structured left factor acts on the matrix to its right.
enum Structure {
    /// `I_n ⊗ A` (`left`) or `A ⊗ I_n`: the factor A.
    KronIdentity { a: NodeId, left: bool },
    /// `diag(v)`.
    RowScale(NodeId),
    /// `K(m,n)`.
    Commute,
    /// `I ⊗ K ⊗ I` (or its transpose).
    KronPerm { inverse: bool },
}

/// The structure of `l` as the left factor of a product, if it has one.
fn structure(g: &Graph, l: NodeId) -> Option<Structure> {
    Some(match *g.op(l) {
        Op::Kron(a, b) if g.is_identity(a) => Structure::KronIdentity { a: b, left: true },
        Op::Kron(a, b) if g.is_identity(b) => Structure::KronIdentity { a, left: false },
        Op::Diag(v) => Structure::RowScale(v),
        Op::Commutation(..) => Structure::Commute,
        Op::KronPerm(..) => Structure::KronPerm { inverse: false },
        Op::Transpose(p) if matches!(g.op(p), Op::KronPerm(..)) => {
            Structure::KronPerm { inverse: true }
        }
        _ => return None,
    })
}

/// A product with a transposed factor, computed without forming the transpose.
pub(super) enum Fused {
    /// `x yᵀ`, both column vectors.
    Outer(NodeId, NodeId),
    /// `Aᵀ B`: (A, B).
    TrMul(NodeId, NodeId),
    /// `A Bᵀ`: (A, B).
    MulTr(NodeId, NodeId),
}

impl Fused {
    fn operands(&self) -> Vec<NodeId> {
        match *self {
            Fused::Outer(a, b) | Fused::TrMul(a, b) | Fused::MulTr(a, b) => vec![a, b],
        }
    }
}

/// How the product `l r` (with no structured left factor) is fused, if a factor is a transpose.
pub(super) fn fused(g: &Graph, l: NodeId, r: NodeId) -> Option<Fused> {
    if structure(g, l).is_some() {
        return None;
    }
    let is_column = |id: NodeId| g.shape(id).cols().is_one();
    match (g.op(l), g.op(r)) {
        (_, &Op::Transpose(y)) if is_column(l) && is_column(y) => Some(Fused::Outer(l, y)),
        (&Op::Transpose(x), _) => Some(Fused::TrMul(x, r)),
        (_, &Op::Transpose(y)) => Some(Fused::MulTr(l, y)),
        _ => None,
    }
}

/// The operands of `id` whose values its statement reads.
fn used_operands(g: &Graph, id: NodeId) -> Vec<NodeId> {
    match *g.op(id) {
        Op::MatMul(l, r) => match structure(g, l) {
            Some(Structure::KronIdentity { a, .. }) => vec![a, r],
            Some(Structure::RowScale(v)) => vec![v, r],
            Some(_) => vec![r],
            None => fused(g, l, r).map_or_else(|| vec![l, r], |f| f.operands()),
        },
        // A Kronecker product with an identity is filled from the other factor alone.
        Op::Kron(a, b) if g.is_identity(a) => vec![b],
        Op::Kron(a, b) if g.is_identity(b) => vec![a],
        ref op => op.args(),
    }
}

/// The nodes that need a statement to compute `roots`, in topological (id) order.
pub(super) fn materialized(g: &Graph, roots: &[NodeId]) -> Vec<NodeId> {
    let mut seen = vec![false; g.len()];
    let mut stack: Vec<NodeId> = roots.to_vec();
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id.index()], true) {
            continue;
        }
        stack.extend(used_operands(g, id));
    }
    (0..g.len())
        .filter(|&i| seen[i])
        .map(|i| NodeId(i as u32))
        .collect()
}

impl Emitter<'_> {
    /// `l r` applied structurally, if `l` has structure.
    pub(super) fn structured_product(&mut self, l: NodeId, r: NodeId) -> Option<TokenStream> {
        let g = self.graph;
        let rhs = self.operand(r);
        Some(match structure(g, l)? {
            Structure::KronIdentity { a, left } => {
                let (x, y) = match *g.op(l) {
                    Op::Kron(x, y) => (x, y),
                    _ => unreachable!("a Kronecker structure is a Kron node"),
                };
                let n = dim_type(&g.shape(if left { x } else { y }).rows());
                let call = if left {
                    quote!(kron_identity_left_mul::<#n, _, _, _>(#rhs))
                } else {
                    quote!(kron_identity_right_mul::<#n, _, _, _>(#rhs))
                };
                self.method(a, call)
            }
            Structure::RowScale(v) => {
                let v = self.operand(v);
                quote!(#rhs.row_scale(#v))
            }
            Structure::Commute => {
                let Op::Commutation(m, n) = g.op(l) else {
                    unreachable!("checked by `structure`")
                };
                let (m, n) = (dim_type(m), dim_type(n));
                quote!(#rhs.commute_rows::<#m, #n, _>())
            }
            Structure::KronPerm { inverse } => {
                let perm = match *g.op(l) {
                    Op::Transpose(p) => p,
                    _ => l,
                };
                let Op::KronPerm(m, n, p, q) = g.op(perm) else {
                    unreachable!("checked by `structure`")
                };
                let [m, n, p, q] = [m, n, p, q].map(dim_type);
                quote!(#rhs.kron_perm_rows::<#m, #n, #p, #q, _>(#inverse))
            }
        })
    }

    /// `l r` as a fused product, if a factor is a transpose.
    pub(super) fn fused_product(&mut self, l: NodeId, r: NodeId) -> Option<TokenStream> {
        Some(match fused(self.graph, l, r)? {
            Fused::Outer(x, y) => {
                let y = self.operand(y);
                self.method(x, quote!(outer(#y)))
            }
            Fused::TrMul(a, b) => {
                let b = self.operand(b);
                self.method(a, quote!(tr_mul(#b)))
            }
            Fused::MulTr(a, b) => {
                let b = self.operand(b);
                self.method(a, quote!(mul_tr(#b)))
            }
        })
    }

    /// `A ⊗ I` or `I ⊗ A`, filled directly, if one factor is an identity.
    pub(super) fn kron_with_identity(&mut self, a: NodeId, b: NodeId) -> Option<TokenStream> {
        let g = self.graph;
        if g.is_identity(a) {
            let n = dim_type(&g.shape(a).rows());
            return Some(self.method(b, quote!(kron_identity_left::<#n, _, _>())));
        }
        if g.is_identity(b) {
            let n = dim_type(&g.shape(b).rows());
            return Some(self.method(a, quote!(kron_identity_right::<#n, _, _>())));
        }
        None
    }
}
