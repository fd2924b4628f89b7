//! Which kernel computes each node of a lowered graph (for `lower`; `emit` only spells the
//! choice in tokens):
//!
//! - a product `L J` whose left factor is a Kronecker product with an identity, `diag(v)`, the
//!   commutation matrix or the Kronecker permutation is applied directly (a reshaped product, a
//!   row scaling, a row permutation) without forming L; a Kronecker product with an identity is
//!   filled directly;
//! - the symmetrization of a Hessian Aᵀ B computes one triangle of the product and mirrors it
//!   ([`symmetrized`]);
//! - a product with a transposed factor is fused (`Aᵀ B → tr_mul`, `A Bᵀ → mul_tr`,
//!   `Aᵀ Bᵀ → tr_mul_tr`, `x yᵀ → outer`) without forming the transpose, and `Yᵀ ⊗ I` reads Y
//!   in place;
//! - a matrix of which more than one of `inv`, `det`, `logdet`, `solve` is computed is
//!   LU-factored once; a solve with a transpose `solve(Aᵀ, B)` reads A's factors
//!   (`solve_transpose`), and a solve with a Cholesky factor L or Lᵀ is a triangular
//!   substitution reading L;
//! - a matrix A whose Cholesky factor L the graph computes is never factored again: `solve(A,
//!   B)` (or with Aᵀ, the same matrix) is two substitutions with L and `inv(A)` is
//!   `cholesky_inverse` of L ([`cholesky_factor`]).
//!
//! - a solve with a matrix whose inverse is computed anyway is a product with the inverse
//!   ([`solves_by_inverse`]);
//! - the sine and the cosine of one operand, when both are computed, are one `sin_cos` call,
//!   and softplus and sigmoid one `softplus_sigmoid` ([`paired_maps`]), as one writes by hand
//!   (libm's `sincos` shares the argument reduction; the two logistic functions share
//!   e^{−|x|}).
//!
//! [`statements`] decides which nodes get a statement at all: a structured or transposed factor
//! used only as such does not.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Func, Graph, NodeId, Op};

/// How a structured left factor acts on the matrix to its right.
pub enum Structure {
    /// `I_n ⊗ A` (`left`) or `A ⊗ I_n`: the factor A, and the identity's node.
    KronIdentity {
        /// The factor A.
        a: NodeId,
        /// The identity's node.
        identity: NodeId,
        /// `I_n ⊗ A` rather than `A ⊗ I_n`.
        left: bool,
    },
    /// `diag(v)`.
    RowScale(NodeId),
    /// `K(m,n)`: the commutation node.
    Commute(NodeId),
    /// `I ⊗ K ⊗ I` (or its transpose, `inverse`): the permutation node.
    KronPerm {
        /// The permutation node.
        perm: NodeId,
        /// Apply its transpose.
        inverse: bool,
    },
}

/// A product with a transposed factor, computed without forming the transpose.
pub enum Fused {
    /// `x yᵀ`, both column vectors.
    Outer(NodeId, NodeId),
    /// `Aᵀ B`: (A, B).
    TrMul(NodeId, NodeId),
    /// `A Bᵀ`: (A, B).
    MulTr(NodeId, NodeId),
    /// `Aᵀ Bᵀ`: (A, B).
    TrMulTr(NodeId, NodeId),
}

/// How the matrix product `l r` is computed.
pub enum Product {
    /// The left factor acts by its structure.
    Structured(Structure),
    /// A product with a transposed factor.
    Fused(Fused),
    /// An ordinary dense product.
    Plain,
}

/// How `solve(A, B)` is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolveKernel {
    /// A = L, a Cholesky factor: forward substitution.
    Lower(NodeId),
    /// A = Lᵀ, L a Cholesky factor: back substitution reading L.
    LowerTranspose(NodeId),
    /// A itself, through its LU.
    Lu(NodeId),
    /// A = Mᵀ, through M's LU (`solve_transpose`).
    LuTranspose(NodeId),
    /// A (or Aᵀ) with Cholesky factor L in the graph: both substitutions reading L.
    Cholesky(NodeId),
}

impl SolveKernel {
    /// The matrix whose values the kernel reads.
    pub fn matrix(self) -> NodeId {
        match self {
            SolveKernel::Lower(m)
            | SolveKernel::LowerTranspose(m)
            | SolveKernel::Lu(m)
            | SolveKernel::LuTranspose(m)
            | SolveKernel::Cholesky(m) => m,
        }
    }
}

/// The kernel of `solve(a, _)` in `g`.
pub fn solve_kernel(g: &Graph, a: NodeId) -> SolveKernel {
    match *g.op(a) {
        Op::Cholesky(_) => SolveKernel::Lower(a),
        Op::Transpose(m) if matches!(g.op(m), Op::Cholesky(_)) => SolveKernel::LowerTranspose(m),
        Op::Transpose(m) => match cholesky_factor(g, m) {
            Some(l) => SolveKernel::Cholesky(l),
            None => SolveKernel::LuTranspose(m),
        },
        _ => match cholesky_factor(g, a) {
            Some(l) => SolveKernel::Cholesky(l),
            None => SolveKernel::Lu(a),
        },
    }
}

/// The Cholesky factor of `a` if `g` computes one (`cholesky(a)` is a node): `inv(a)` and
/// `solve(a, _)` read it instead of an LU. Where `a` is not symmetric positive definite the
/// factor is NaN and so is every result of the function that reads it.
pub fn cholesky_factor(g: &Graph, a: NodeId) -> Option<NodeId> {
    g.find(&Op::Cholesky(a), g.shape(a))
}

/// The structure of `l` as the left factor of a product, if it has one.
fn structure(g: &Graph, l: NodeId) -> Option<Structure> {
    Some(match *g.op(l) {
        Op::Kron(a, b) if g.is_identity(a) => Structure::KronIdentity {
            a: b,
            identity: a,
            left: true,
        },
        Op::Kron(a, b) if g.is_identity(b) => Structure::KronIdentity {
            a,
            identity: b,
            left: false,
        },
        Op::Diag(v) => Structure::RowScale(v),
        Op::Commutation(..) => Structure::Commute(l),
        Op::KronPerm(..) => Structure::KronPerm {
            perm: l,
            inverse: false,
        },
        Op::Transpose(p) if matches!(g.op(p), Op::KronPerm(..)) => Structure::KronPerm {
            perm: p,
            inverse: true,
        },
        _ => return None,
    })
}

/// How `l r` is fused, if a factor is a transpose.
fn fused(g: &Graph, l: NodeId, r: NodeId) -> Option<Fused> {
    let is_column = |id: NodeId| g.shape(id).cols().is_one();
    match (g.op(l), g.op(r)) {
        (_, &Op::Transpose(y)) if is_column(l) && is_column(y) => Some(Fused::Outer(l, y)),
        (&Op::Transpose(x), &Op::Transpose(y)) => Some(Fused::TrMulTr(x, y)),
        (&Op::Transpose(x), _) => Some(Fused::TrMul(x, r)),
        (_, &Op::Transpose(y)) => Some(Fused::MulTr(l, y)),
        _ => None,
    }
}

/// How the sum `a + b` is computed.
pub enum Sum {
    /// `m + s·I` (`scale` None for s = 1): added along m's diagonal, no identity formed.
    ScaledIdentity {
        /// The matrix m.
        matrix: NodeId,
        /// The scalar s.
        scale: Option<NodeId>,
    },
    /// `m + s·x yᵀ`: a rank-one update of m, no outer product formed.
    ScaledOuter {
        /// The matrix m.
        matrix: NodeId,
        /// The scalar s.
        scale: Option<NodeId>,
        /// The column vector x.
        x: NodeId,
        /// The column vector y.
        y: NodeId,
    },
    /// An entrywise sum.
    Plain,
}

/// The kernel of the sum `a + b` in `g` (of operands of one shape, so either may be m).
pub fn sum(g: &Graph, a: NodeId, b: NodeId) -> Sum {
    if g.shape(a) != g.shape(b) {
        return Sum::Plain;
    }
    let update = |matrix: NodeId, term: NodeId| {
        let (scale, inner) = match *g.op(term) {
            Op::Scale(s, inner) => (Some(s), inner),
            _ => (None, term),
        };
        match *g.op(inner) {
            Op::Identity(_) => Some(Sum::ScaledIdentity { matrix, scale }),
            Op::MatMul(l, r) => match fused(g, l, r) {
                Some(Fused::Outer(x, y)) => Some(Sum::ScaledOuter {
                    matrix,
                    scale,
                    x,
                    y,
                }),
                _ => None,
            },
            _ => None,
        }
    };
    update(a, b).or_else(|| update(b, a)).unwrap_or(Sum::Plain)
}

/// The kernel of the matrix product `l r` in `g`.
pub fn product(g: &Graph, l: NodeId, r: NodeId) -> Product {
    if let Some(s) = structure(g, l) {
        return Product::Structured(s);
    }
    fused(g, l, r).map_or(Product::Plain, Product::Fused)
}

/// How `Symmetrize(h)`, ½(H + Hᵀ) of an H symmetric in exact arithmetic, is computed.
pub enum Symmetrized {
    /// H = Aᵀ B (the Hessian Aᵀ (D A)): (A, B). One triangle of the product computed and
    /// mirrored (`tr_mul_symmetric`), H never formed: the symmetry H has by construction is
    /// used instead of restored.
    TrMul(NodeId, NodeId),
    /// ½(H + Hᵀ) of the computed H.
    Average,
}

/// The kernel of `Symmetrize(h)` in `g`.
pub fn symmetrized(g: &Graph, h: NodeId) -> Symmetrized {
    match *g.op(h) {
        Op::MatMul(l, r) => match product(g, l, r) {
            Product::Fused(Fused::TrMul(a, b)) if g.shape(a) == g.shape(b) => {
                Symmetrized::TrMul(a, b)
            }
            _ => Symmetrized::Average,
        },
        _ => Symmetrized::Average,
    }
}

/// The factor of a Kronecker product with an identity (`a ⊗ b`), filled directly, and whether
/// the identity is on the left.
pub fn kron_identity(g: &Graph, a: NodeId, b: NodeId) -> Option<(NodeId, bool)> {
    if g.is_identity(a) {
        Some((b, true))
    } else if g.is_identity(b) {
        Some((a, false))
    } else {
        None
    }
}

/// `Yᵀ ⊗ I_n` or `I_n ⊗ Yᵀ` with a known n: Y, read in place by the fill (no copied
/// transpose), and whether the identity is on the left.
pub fn kron_identity_read(g: &Graph, a: NodeId, b: NodeId) -> Option<(NodeId, bool)> {
    let (factor, left) = kron_identity(g, a, b)?;
    let identity = if left { a } else { b };
    match (g.op(factor), g.shape(identity).rows()) {
        (&Op::Transpose(y), crate::ir::Dim::Known(_)) => Some((y, left)),
        _ => None,
    }
}

/// The operands of `id` whose values its statement reads.
fn used_operands(g: &Graph, id: NodeId) -> Vec<NodeId> {
    match *g.op(id) {
        Op::MatMul(l, r) => match product(g, l, r) {
            Product::Structured(Structure::KronIdentity { a, .. }) => vec![a, r],
            Product::Structured(Structure::RowScale(v)) => vec![v, r],
            Product::Structured(_) => vec![r],
            Product::Fused(
                Fused::Outer(a, b) | Fused::TrMul(a, b) | Fused::MulTr(a, b) | Fused::TrMulTr(a, b),
            ) => vec![a, b],
            Product::Plain => vec![l, r],
        },
        Op::Kron(a, b) => match kron_identity(g, a, b) {
            Some((factor, _)) => vec![kron_identity_read(g, a, b).map_or(factor, |(y, _)| y)],
            None => vec![a, b],
        },
        Op::Add(a, b) => match sum(g, a, b) {
            Sum::ScaledIdentity { matrix, scale } => {
                [Some(matrix), scale].into_iter().flatten().collect()
            }
            Sum::ScaledOuter {
                matrix,
                scale,
                x,
                y,
            } => [Some(matrix), scale, Some(x), Some(y)]
                .into_iter()
                .flatten()
                .collect(),
            Sum::Plain => vec![a, b],
        },
        Op::Symmetrize(h) => match symmetrized(g, h) {
            Symmetrized::TrMul(a, b) => vec![a, b],
            Symmetrized::Average => vec![h],
        },
        Op::Solve(a, b) => vec![solve_kernel(g, a).matrix(), b],
        Op::Inv(a) => vec![cholesky_factor(g, a).unwrap_or(a)],
        ref op => op.args(),
    }
}

/// The nodes that need a statement to compute `roots`, in topological (id) order.
pub fn statements(g: &Graph, roots: &[NodeId]) -> Vec<NodeId> {
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

/// How often each node's value is read: once per operand slot of each statement that reads
/// it, and once more for a root (returned). A matrix read exactly once can be handed over
/// to its reader at that read (`emit` moves it into an entrywise sum or scaling, which then
/// reuses its buffer instead of allocating).
pub fn read_counts(g: &Graph, statements: &[NodeId], roots: &[NodeId]) -> Vec<usize> {
    let mut reads = vec![0; g.len()];
    for &id in statements {
        for a in used_operands(g, id) {
            reads[a.index()] += 1;
        }
    }
    for &r in roots {
        reads[r.index()] += 1;
    }
    reads
}

/// The inverse a solve multiplies by instead of substituting: `inv(M)` (computed before the
/// solve), and whether the solve is with Mᵀ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByInverse {
    /// The `inv(M)` node.
    pub inverse: NodeId,
    /// `solve(Mᵀ, B) = (M⁻¹)ᵀ B` rather than `solve(M, B) = M⁻¹ B`.
    pub transposed: bool,
}

/// The LU solves among `statements` whose matrix's inverse is computed too (by an earlier
/// statement, from the LU): they are the product `M⁻¹ B` (or `(M⁻¹)ᵀ B`), one vectorised
/// product instead of two triangular substitutions per column of B — as the closed-form small
/// sizes compute every solve. Typical of gradients: `tr(S⁻¹A)` keeps `solve(S, A)` for the value
/// while its gradient needs `S⁻ᵀ`.
pub fn solves_by_inverse(g: &Graph, statements: &[NodeId]) -> BTreeMap<NodeId, ByInverse> {
    let computed: BTreeSet<NodeId> = statements.iter().copied().collect();
    let mut solves = BTreeMap::new();
    for &id in statements {
        let Op::Solve(a, _) = *g.op(id) else {
            continue;
        };
        let (m, transposed) = match solve_kernel(g, a) {
            SolveKernel::Lu(m) => (m, false),
            SolveKernel::LuTranspose(m) => (m, true),
            _ => continue,
        };
        if g.shape(m).is_scalar() {
            continue;
        }
        if let Some(inverse) = g.find(&Op::Inv(m), g.shape(m)) {
            if inverse < id && computed.contains(&inverse) {
                solves.insert(
                    id,
                    ByInverse {
                        inverse,
                        transposed,
                    },
                );
            }
        }
    }
    solves
}

/// The matrices among `nodes` of which more than one of `inv`, `det`, `logdet` and the LU
/// solves (with the matrix or its transpose) is computed: they are LU-factored once, and each
/// of those reads the one factorization. Solves `by_inverse` read the inverse instead.
pub fn shared_factorizations(
    g: &Graph,
    nodes: &[NodeId],
    by_inverse: &BTreeMap<NodeId, ByInverse>,
) -> BTreeSet<NodeId> {
    let mut users: BTreeMap<NodeId, usize> = BTreeMap::new();
    for &id in nodes {
        let factored = match *g.op(id) {
            Op::Inv(a) if cholesky_factor(g, a).is_some() => None,
            Op::Inv(a) | Op::Det(a) | Op::Logdet(a) => Some(a),
            Op::Solve(..) if by_inverse.contains_key(&id) => None,
            Op::Solve(a, _) => match solve_kernel(g, a) {
                SolveKernel::Lu(m) | SolveKernel::LuTranspose(m) => Some(m),
                SolveKernel::Lower(_)
                | SolveKernel::LowerTranspose(_)
                | SolveKernel::Cholesky(_) => None,
            },
            _ => None,
        };
        if let Some(a) = factored {
            if !g.shape(a).is_scalar() {
                *users.entry(a).or_default() += 1;
            }
        }
    }
    users
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(a, _)| a)
        .collect()
}

/// Elementwise functions computed together when both of one operand are needed: the first,
/// the second, and the `Scalar` / `Matrix` method returning both.
pub const PAIRED: [(Func, Func, &str); 2] = [
    // libm's `sincos` shares the argument reduction (a rotation and its derivative).
    (Func::Sin, Func::Cos, "sin_cos"),
    // Both from one e^{−|x|}: softplus and its derivative σ, as in the logistic loss.
    (Func::Softplus, Func::Sigmoid, "softplus_sigmoid"),
];

/// Two elementwise functions of one operand, both computed by the generated code with one
/// call ([`PAIRED`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paired {
    /// The node of the first function (`sin`, `softplus`).
    pub first: NodeId,
    /// The node of the second (`cos`, `sigmoid`).
    pub second: NodeId,
    /// Their common operand.
    pub operand: NodeId,
    /// The method computing both.
    pub method: &'static str,
}

/// The pairs among `statements` ([`PAIRED`]), keyed by both of their nodes: each pair is
/// computed by one call where the first of the two would be.
pub fn paired_maps(g: &Graph, statements: &[NodeId]) -> BTreeMap<NodeId, Paired> {
    let computed: BTreeSet<NodeId> = statements.iter().copied().collect();
    let mut pairs = BTreeMap::new();
    for &first in statements {
        let Op::Map(f, operand) = *g.op(first) else {
            continue;
        };
        let Some(&(_, second_func, method)) = PAIRED.iter().find(|p| p.0 == f) else {
            continue;
        };
        let Some(second) = g.find(&Op::Map(second_func, operand), g.shape(first)) else {
            continue;
        };
        if computed.contains(&second) {
            let pair = Paired {
                first,
                second,
                operand,
                method,
            };
            pairs.insert(first, pair);
            pairs.insert(second, pair);
        }
    }
    pairs
}
