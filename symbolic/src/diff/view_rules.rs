//! Derivative rules of entries, views and assembled blocks (reference §4b). All three are
//! linear selections or placements, so every rule moves rows: the Jacobian of a view is the
//! matching rows of its operand's Jacobian, the Jacobian of an assembly places each block's
//! Jacobian at the rows of vec where the block sits. Rows are moved as `View`/`Blocks` nodes
//! where the row offsets are numbers; where a generic dimension makes them symbolic, the
//! selection is the Kronecker product of two slices of identities,
//! vec(A[R, C]) = (I_n[C, :] ⊗ I_m[R, :]) vec A.

use proc_macro2::Span;

use crate::ir::{Dim, Graph, NodeId, Op, Shape};

/// The part of `m` where `block` sits at (i, j): an entry for a scalar block, else a view. The
/// adjoint of an assembled block.
pub(super) fn view_of(
    g: &mut Graph,
    m: NodeId,
    i: usize,
    j: usize,
    block: NodeId,
    sp: Span,
) -> NodeId {
    match g.shape(block).clone() {
        Shape::Scalar => g.make(Op::Entry(m, i, j), sp),
        Shape::Matrix(r, c) => g.make(Op::View(m, i, j, r, c), sp),
    }
}

/// The row offsets in vec(A) (A with `height` rows) of the columns of the p×q block at (i, j),
/// when they are numbers: column l of the block starts at i + height·(j + l).
fn column_starts(height: &Dim, i: usize, j: usize, p: &Dim, q: &Dim) -> Option<Vec<usize>> {
    let contiguous = q.is_one() || (i == 0 && p.equiv(height));
    if contiguous && j == 0 {
        return Some(vec![i]);
    }
    let m = height.known()?;
    if contiguous {
        return Some(vec![i + m * j]);
    }
    (0..q.known()?).map(|l| Some(i + m * (j + l))).collect()
}

/// S = I_n[j..j+q, :] ⊗ I_m[i..i+p, :], the selection with vec(A[view]) = S vec A (A m×n).
fn selection(
    g: &mut Graph,
    (m, n): (Dim, Dim),
    i: usize,
    j: usize,
    (p, q): (Dim, Dim),
    sp: Span,
) -> NodeId {
    let rows_n = g.identity(n.clone(), sp);
    let pick_cols = g.make(Op::View(rows_n, j, 0, q, n), sp);
    let rows_m = g.identity(m.clone(), sp);
    let pick_rows = g.make(Op::View(rows_m, i, 0, p, m), sp);
    g.make(Op::Kron(pick_cols, pick_rows), sp)
}

/// ∂vec(A[view])/∂(vec X)ᵀ from J_A, for the p×q view at (i, j) (an entry: p = q = 1).
pub(super) fn view_jacobian(
    g: &mut Graph,
    a: NodeId,
    (i, j): (usize, usize),
    (p, q): (Dim, Dim),
    ja: NodeId,
    sp: Span,
) -> NodeId {
    let (m, n) = g.shape(a).dims();
    let width = g.shape(ja).cols();
    match column_starts(&m, i, j, &p, &q) {
        Some(starts) if starts.len() == 1 => {
            let rows = Dim::product(&p, &q);
            g.make(Op::View(ja, starts[0], 0, rows, width), sp)
        }
        Some(starts) => {
            let pk = p
                .known()
                .expect("several column starts need a known height");
            let pieces = starts
                .iter()
                .enumerate()
                .map(|(l, &start)| {
                    let piece = g.make(Op::View(ja, start, 0, p.clone(), width.clone()), sp);
                    (l * pk, 0, piece)
                })
                .collect();
            g.make(Op::Blocks(Dim::product(&p, &q), width, pieces), sp)
        }
        None => {
            let s = selection(g, (m, n), i, j, (p, q), sp);
            g.matmul(s, ja, sp)
        }
    }
}

/// ∂vec(Blocks)/∂(vec X)ᵀ: each block's Jacobian placed at the rows of vec where it sits (one
/// `Blocks` node for all blocks whose rows are numbers), Sᵀ J for the others. `jac` gives the
/// Jacobian of a block, `None` when it does not depend on the parameter.
pub(super) fn blocks_jacobian(
    g: &mut Graph,
    (rows, cols): (&Dim, &Dim),
    blocks: &[(usize, usize, NodeId)],
    jac: impl Fn(NodeId) -> Option<NodeId>,
    width: &Dim,
    sp: Span,
) -> Vec<NodeId> {
    let mut placed = Vec::new();
    let mut terms = Vec::new();
    for &(i, j, b) in blocks {
        let Some(jb) = jac(b) else { continue };
        let (p, q) = g.shape(b).dims();
        match column_starts(rows, i, j, &p, &q) {
            Some(starts) if starts.len() == 1 => placed.push((starts[0], 0, jb)),
            Some(starts) => {
                let pk = p
                    .known()
                    .expect("several column starts need a known height");
                for (l, start) in starts.into_iter().enumerate() {
                    let piece = g.make(Op::View(jb, l * pk, 0, p.clone(), width.clone()), sp);
                    placed.push((start, 0, piece));
                }
            }
            None => {
                let s = selection(g, (rows.clone(), cols.clone()), i, j, (p, q), sp);
                let st = g.transpose(s, sp);
                terms.push(g.matmul(st, jb, sp));
            }
        }
    }
    if !placed.is_empty() {
        let len = Dim::product(rows, cols);
        terms.push(g.make(Op::Blocks(len, width.clone(), placed), sp));
    }
    terms
}
