//! Cost model: an estimate of the floating-point operations needed to evaluate a set of nodes
//! once each, as the code `emit` generates would (shared nodes are computed once). Used to check
//! the cheap-gradient principle — value and gradient together should cost a small multiple of
//! the value alone — and to compare alternative derivative forms.
//!
//! Counts are coarse by design: an addition or multiplication is 1, a transcendental function
//! is `TRANSCENDENTAL`, an n×n LU factorization is ~⅔n³. Reshapes and transposes (`vec`,
//! `ᵀ`, to/from scalar, `diag`) are free: they move data, they do no arithmetic. A generic
//! dimension counts as `GENERIC_DIM`.

use crate::ir::{Dim, Func, Graph, NodeId, Op, Shape};
use crate::lower::kernels::{self, Product, Structure};
use crate::table::Cost;

/// What a generic dimension (`M`, `N`) counts as.
pub const GENERIC_DIM: u64 = 8;

/// The weight of one `exp`, `log`, `sin`, ... relative to one addition.
pub const TRANSCENDENTAL: u64 = 8;

/// Estimated flops to evaluate every node reachable from `roots` once, in the form `emit`
/// computes them (after `lower`).
pub fn cost(g: &Graph, roots: &[NodeId]) -> u64 {
    let lowered = crate::lower::lower(g, roots);
    let g = &lowered.graph;
    g.reachable(&lowered.roots)
        .into_iter()
        .map(|id| node_cost(g, id))
        .fold(0, u64::saturating_add)
}

fn dim(d: &Dim) -> u64 {
    match d {
        Dim::Known(n) => *n as u64,
        Dim::Named(_) => GENERIC_DIM,
        Dim::Prod(a, b) => dim(a).saturating_mul(dim(b)),
    }
}

/// (rows, columns) of `shape` as counted here (a generic dimension as [`GENERIC_DIM`]).
pub(crate) fn dims_of(shape: &Shape) -> (u64, u64) {
    let (r, c) = shape.dims();
    (dim(&r), dim(&c))
}

fn func_cost(f: Func) -> u64 {
    match (f, f.info().cost) {
        // Binary exponentiation: about 2·log₂|k| multiplications.
        (Func::Powi(k), _) => 2 * u64::from(32 - k.unsigned_abs().leading_zeros()).max(1),
        (_, Cost::Cheap) => 1,
        (_, Cost::Sqrt) => 4,
        (_, Cost::Power | Cost::Transcendental) => TRANSCENDENTAL,
    }
}

/// A⁻¹B (A n×n, B n×c): two triangular substitutions per column, after an LU of A unless A
/// is a Cholesky factor or its transpose (then the substitution alone).
fn solve_cost(g: &Graph, a: NodeId, n: u64, c: u64) -> u64 {
    let triangular = match *g.op(a) {
        Op::Cholesky(_) => true,
        Op::Transpose(l) => matches!(g.op(l), Op::Cholesky(_)),
        _ => false,
    };
    let substitution = n.saturating_mul(n).saturating_mul(c);
    if triangular {
        substitution
    } else {
        lu(n).saturating_add(2 * substitution)
    }
}

/// ~⅔n³: an n×n LU factorization.
fn lu(n: u64) -> u64 {
    (2 * n.saturating_pow(3)).div_ceil(3)
}

/// Whether `solve(A, B)` costs less than `inv(A) B` for A n×n and B n×c, by the flop counts
/// above: the rule behind the simplifier's `inv(A) B → solve(A, B)`.
pub fn solve_is_cheaper(n: &Dim, c: &Dim) -> bool {
    let (n, c) = (dim(n), dim(c));
    let inverse_then_product = 2 * n.saturating_pow(3)
        + n.saturating_mul(c)
            .saturating_mul((2 * n).saturating_sub(1));
    lu(n).saturating_add(2 * n.saturating_mul(n).saturating_mul(c)) < inverse_then_product
}

/// The flops of one node, given its operands are available.
fn node_cost(g: &Graph, id: NodeId) -> u64 {
    let own = |x: NodeId| dims_of(g.shape(x));
    let (r, c) = dims_of(g.shape(id));
    let entries = r.saturating_mul(c);
    match *g.op(id) {
        Op::Param(_)
        | Op::Literal(_)
        | Op::Zeros(..)
        | Op::Ones(..)
        | Op::Identity(_)
        | Op::Commutation(..)
        | Op::KronPerm(..)
        | Op::KronRearrange(..)
        | Op::Transpose(_)
        | Op::Vec(_)
        | Op::Unvec(..)
        | Op::Diag(_)
        | Op::Diagonal(_)
        | Op::ToScalar(_)
        | Op::FromScalar(_)
        | Op::Entry(..)
        | Op::Const(..) => 0,
        // A view copies its entries; an assembly writes each block once into a zero.
        Op::View(..) => entries,
        Op::Blocks(_, _, ref blocks) => blocks.iter().fold(entries, |acc, &(_, _, b)| {
            let (br, bc) = own(b);
            acc.saturating_add(br.saturating_mul(bc))
        }),
        Op::Add(..)
        | Op::Sub(..)
        | Op::Neg(_)
        | Op::Mul(..)
        | Op::Scale(..)
        | Op::Div(..)
        | Op::Hadamard(..)
        | Op::ElemDiv(..)
        | Op::Kron(..)
        | Op::Symmetrize(_)
        | Op::Tril(_)
        | Op::Phi(_) => entries,
        Op::SoftmaxCols(_) | Op::SoftmaxRows(_) => entries.saturating_mul(TRANSCENDENTAL + 3),
        Op::LogsumexpCols(a) | Op::LogsumexpRows(a) => {
            let (ar, ac) = own(a);
            ar.saturating_mul(ac).saturating_mul(TRANSCENDENTAL + 2)
                + entries.saturating_mul(TRANSCENDENTAL)
        }
        // ⅓n³ multiply-adds and n square roots.
        Op::Cholesky(a) => {
            let n = own(a).0;
            n.saturating_pow(3).div_ceil(3) + 4 * n
        }
        Op::Solve(a, b) => solve_cost(g, a, own(a).0, own(b).1),
        // A structured left factor is applied, not multiplied (`lower::kernels`): a row
        // scaling costs one product per entry, a permutation nothing, and a Kronecker product
        // with an identity is a reshaped product with its small factor.
        Op::MatMul(a, b) => match kernels::product(g, a, b) {
            Product::Structured(Structure::RowScale(_)) => entries,
            Product::Structured(Structure::Commute(_) | Structure::KronPerm { .. }) => 0,
            Product::Structured(Structure::KronIdentity { a: factor, .. }) => {
                let k = own(factor).1;
                entries.saturating_mul((2 * k).saturating_sub(1))
            }
            // m×k times k×n: each of the m·n entries takes k products and k − 1 sums.
            Product::Fused(_) | Product::Plain => {
                let k = own(a).1;
                entries.saturating_mul((2 * k).saturating_sub(1))
            }
        },
        Op::Trace(a) => own(a).0,
        Op::Sum(a) => {
            let (ar, ac) = own(a);
            ar.saturating_mul(ac)
        }
        Op::Dot(a, _) | Op::NormSq(a) => {
            let (ar, ac) = own(a);
            2 * ar.saturating_mul(ac)
        }
        Op::Norm(a) => {
            let (ar, ac) = own(a);
            2 * ar.saturating_mul(ac) + 4
        }
        Op::Det(a) => lu(own(a).0),
        Op::Logdet(a) => lu(own(a).0) + TRANSCENDENTAL * own(a).0,
        // LU plus n triangular solve pairs: ~2n³.
        Op::Inv(a) => 2 * own(a).0.saturating_pow(3),
        Op::MatPow(a, k) => {
            let n = own(a).0;
            // Binary exponentiation: (bits − 1) squarings and (ones − 1) extra products.
            let m = k.unsigned_abs();
            let products = u64::from((32 - m.leading_zeros()) + m.count_ones()).saturating_sub(2);
            let inverse = if k < 0 { 2 * n.saturating_pow(3) } else { 0 };
            products.saturating_mul(2 * n.saturating_pow(3)) + inverse
        }
        Op::Map(f, _) => entries.saturating_mul(func_cost(f)),
        Op::Powf(..) | Op::Atan2(..) => entries.saturating_mul(2 * TRANSCENDENTAL),
        Op::Softmax(_) => entries.saturating_mul(TRANSCENDENTAL + 3),
        Op::Logsumexp(a) => {
            let (ar, ac) = own(a);
            ar.saturating_mul(ac).saturating_mul(TRANSCENDENTAL + 2) + TRANSCENDENTAL
        }
        // Column (row) sums of B, then a broadcast.
        Op::OnesMul(_, b) | Op::MulOnes(b, _) => {
            let (br, bc) = own(b);
            br.saturating_mul(bc)
        }
        Op::KronAdjointLeft(gk, _) | Op::KronAdjointRight(gk, _) => {
            let (gr, gc) = own(gk);
            2 * gr.saturating_mul(gc)
        }
    }
}
