//! Rewrites of entries, views and assembled blocks. The one that matters most for speed: a sum
//! of scatters into one shape is one `Blocks` node (blocks at the same place added), so the
//! adjoint of twenty entries of one vector is one matrix written once, not twenty zero-filled
//! temporaries added up. Reading a part of an assembly reads the block that is there.

use proc_macro2::Span;

use crate::ir::{Dim, Graph, NodeId, Op, Shape};

type Block = (usize, usize, NodeId);

/// The most entries of a slice of the identity written as placed ones.
const SMALL_SLICE: usize = 64;

impl Graph {
    /// The known size of a block (a scalar is 1×1).
    fn block_size(&self, b: NodeId) -> Option<(usize, usize)> {
        match self.shape(b) {
            Shape::Scalar => Some((1, 1)),
            Shape::Matrix(r, c) => Some((r.known()?, c.known()?)),
        }
    }

    /// The blocks of `blocks` that overlap the p×q region at (i, j); `None` if a size is
    /// not known.
    fn overlapping(
        &self,
        blocks: &[Block],
        (i, j): (usize, usize),
        (p, q): (usize, usize),
    ) -> Option<Vec<Block>> {
        let mut out = Vec::new();
        for &(bi, bj, b) in blocks {
            let (bp, bq) = self.block_size(b)?;
            if bi < i + p && i < bi + bp && bj < j + q && j < bj + bq {
                out.push((bi, bj, b));
            }
        }
        Some(out)
    }

    pub(super) fn rw_entry(&mut self, a: NodeId, i: usize, j: usize, sp: Span) -> Option<NodeId> {
        match self.op(a).clone() {
            Op::Zeros(..) => Some(self.literal(0.0, sp)),
            Op::Ones(..) => Some(self.literal(1.0, sp)),
            Op::Identity(_) => Some(self.literal(if i == j { 1.0 } else { 0.0 }, sp)),
            Op::FromScalar(s) => Some(s),
            Op::Transpose(x) => Some(self.make(Op::Entry(x, j, i), sp)),
            Op::View(x, r0, c0, ..) => Some(self.make(Op::Entry(x, r0 + i, c0 + j), sp)),
            Op::Blocks(_, _, blocks) => match self.overlapping(&blocks, (i, j), (1, 1))?.as_slice()
            {
                [] => Some(self.literal(0.0, sp)),
                [(bi, bj, b)] if self.shape(*b).is_scalar() => Some(*b),
                [(bi, bj, b)] => Some(self.make(Op::Entry(*b, i - bi, j - bj), sp)),
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn rw_view(
        &mut self,
        a: NodeId,
        (i, j): (usize, usize),
        (p, q): (&Dim, &Dim),
        sp: Span,
    ) -> Option<NodeId> {
        let (r, c) = self.shape(a).dims();
        if i == 0 && j == 0 && p.equiv(&r) && q.equiv(&c) {
            return Some(a);
        }
        let shape = Shape::matrix(p.clone(), q.clone());
        match self.op(a).clone() {
            Op::Zeros(..) => Some(self.zeros(&shape, sp)),
            Op::Ones(..) => Some(self.ones(&shape, sp)),
            // A small slice of the identity (how Jacobians select rows) is its ones, placed:
            // products and sums with it then stay scalar arithmetic on the entries.
            Op::Identity(_) if p.known()?.saturating_mul(q.known()?) <= SMALL_SLICE => {
                let (p, q) = (p.known()?, q.known()?);
                let one = self.literal(1.0, sp);
                let ones = (0..p)
                    .filter_map(|k| {
                        (i + k)
                            .checked_sub(j)
                            .filter(|&l| l < q)
                            .map(|l| (k, l, one))
                    })
                    .collect();
                Some(self.make(Op::Blocks(Dim::Known(p), Dim::Known(q), ones), sp))
            }
            Op::View(x, r0, c0, ..) => {
                Some(self.make(Op::View(x, r0 + i, c0 + j, p.clone(), q.clone()), sp))
            }
            Op::Transpose(x) => {
                let v = self.make(Op::View(x, j, i, q.clone(), p.clone()), sp);
                Some(self.transpose(v, sp))
            }
            Op::Blocks(_, _, blocks) => {
                let size = (p.known()?, q.known()?);
                match self.overlapping(&blocks, (i, j), size)?.as_slice() {
                    [] => Some(self.zeros(&shape, sp)),
                    [(bi, bj, b)] if (*bi, *bj) == (i, j) && self.block_size(*b) == Some(size) => {
                        Some(if self.shape(*b).is_scalar() {
                            self.make(Op::FromScalar(*b), sp)
                        } else {
                            *b
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Drops zero blocks, flattens nested assemblies, adds blocks of one place and shape, and
    /// reads a single block that is the whole matrix as that block.
    pub(super) fn rw_blocks(
        &mut self,
        rows: &Dim,
        cols: &Dim,
        blocks: &[Block],
        sp: Span,
    ) -> Option<NodeId> {
        let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
        let mut changed = false;
        for &(i, j, b) in blocks {
            if self.is_zero(b) {
                changed = true;
                continue;
            }
            if let Op::Blocks(_, _, inner) = self.op(b).clone() {
                changed = true;
                out.extend(inner.into_iter().map(|(k, l, x)| (i + k, j + l, x)));
                continue;
            }
            out.push((i, j, b));
        }
        // Blocks of one place and one shape are added (a sum of scatters into one entry).
        let mut merged: Vec<Block> = Vec::with_capacity(out.len());
        for (i, j, b) in out {
            let same = merged
                .iter()
                .position(|&(k, l, x)| (k, l) == (i, j) && self.shape(x) == self.shape(b));
            match same {
                Some(at) => {
                    changed = true;
                    merged[at].2 = self.add(merged[at].2, b, sp);
                }
                None => merged.push((i, j, b)),
            }
        }
        match merged.as_slice() {
            [] => return Some(self.zeros(&Shape::matrix(rows.clone(), cols.clone()), sp)),
            [(0, 0, b)] => {
                let (p, q) = self.shape(*b).dims();
                if p.equiv(rows) && q.equiv(cols) {
                    return Some(if self.shape(*b).is_scalar() {
                        self.make(Op::FromScalar(*b), sp)
                    } else {
                        *b
                    });
                }
            }
            _ => {}
        }
        changed.then(|| self.make(Op::Blocks(rows.clone(), cols.clone(), merged), sp))
    }

    /// `Blocks + Blocks` of one shape is one `Blocks` (also through a left-nested sum).
    pub(super) fn merge_blocks(&mut self, a: NodeId, b: NodeId, sp: Span) -> Option<NodeId> {
        let Op::Blocks(r, c, right) = self.op(b).clone() else {
            return None;
        };
        match self.op(a).clone() {
            Op::Blocks(_, _, mut left) => {
                left.extend(right);
                Some(self.make(Op::Blocks(r, c, left), sp))
            }
            Op::Add(x, y) if matches!(self.op(y), Op::Blocks(..)) => {
                let merged = self.merge_blocks(y, b, sp)?;
                Some(self.add(x, merged, sp))
            }
            _ => None,
        }
    }

    /// `−Blocks` and `s Blocks` act on each block, so that scatters stay mergeable.
    pub(super) fn blocks_map(
        &mut self,
        x: NodeId,
        f: impl Fn(&mut Graph, NodeId) -> NodeId,
        sp: Span,
    ) -> Option<NodeId> {
        let Op::Blocks(r, c, blocks) = self.op(x).clone() else {
            return None;
        };
        let blocks = blocks
            .into_iter()
            .map(|(i, j, b)| (i, j, f(self, b)))
            .collect();
        Some(self.make(Op::Blocks(r, c, blocks), sp))
    }
}
