//! How entries, views and assembled blocks read on paper: `x[2]`, `A[1, 0]`, `A[0..2, 1..3]`,
//! and block notation `[A; B]`, `[a b; c d]` (zeros written out where a scatter leaves a gap
//! of known size).

use super::{Prec, Printer};
use crate::ir::{Dim, NodeId, Shape};

/// `i..i+n`, or `i..` when n is generic.
fn range(start: usize, size: &Dim) -> String {
    match size.known() {
        Some(n) => format!("{start}..{}", start + n),
        None => format!("{start}.."),
    }
}

impl Printer<'_> {
    pub(super) fn entry(&self, a: NodeId, i: usize, j: usize) -> (String, Prec) {
        let (r, c) = self.g.shape(a).dims();
        let index = match (r.is_one(), c.is_one()) {
            (_, true) => i.to_string(),
            (true, false) => j.to_string(),
            _ => format!("{i}, {j}"),
        };
        (
            format!("{}[{index}]", self.wrap(a, Prec::Atom)),
            Prec::Postfix,
        )
    }

    pub(super) fn view(
        &self,
        a: NodeId,
        i: usize,
        j: usize,
        rows: &Dim,
        cols: &Dim,
    ) -> (String, Prec) {
        let (r, c) = self.g.shape(a).dims();
        let index = if c.is_one() && cols.is_one() {
            range(i, rows)
        } else {
            let all = |start: usize, size: &Dim, extent: &Dim| {
                if start == 0 && size.equiv(extent) {
                    ":".to_string()
                } else {
                    range(start, size)
                }
            };
            format!("{}, {}", all(i, rows, &r), all(j, cols, &c))
        };
        (
            format!("{}[{index}]", self.wrap(a, Prec::Atom)),
            Prec::Postfix,
        )
    }

    /// Block notation when the blocks tile a grid (zeros filling known gaps); otherwise the sum
    /// of the placements, `place(b, i, j)`.
    pub(super) fn blocks(
        &self,
        rows: &Dim,
        cols: &Dim,
        blocks: &[(usize, usize, NodeId)],
    ) -> (String, Prec) {
        if let Some(grid) = self.grid(rows, cols, blocks) {
            return (self.n.block_matrix(&grid), Prec::Atom);
        }
        let terms: Vec<String> = blocks
            .iter()
            .map(|&(i, j, b)| {
                self.n
                    .call("place", &format!("{}, {i}, {j}", self.expr(b).0))
            })
            .collect();
        if terms.is_empty() {
            return (self.n.zero().to_owned(), Prec::Atom);
        }
        (
            terms.join(" + "),
            if terms.len() > 1 {
                Prec::Sum
            } else {
                Prec::Atom
            },
        )
    }

    /// The rows of block notation: block boundaries from the offsets, every cell one block or
    /// (where its size is known) zero.
    fn grid(
        &self,
        rows: &Dim,
        cols: &Dim,
        blocks: &[(usize, usize, NodeId)],
    ) -> Option<Vec<Vec<String>>> {
        let size = |b: NodeId| match self.g.shape(b) {
            Shape::Scalar => Some((1, 1)),
            Shape::Matrix(r, c) => Some((r.known()?, c.known()?)),
        };
        let mut row_cuts = vec![0, rows.known()?];
        let mut col_cuts = vec![0, cols.known()?];
        for &(i, j, b) in blocks {
            let (p, q) = size(b)?;
            row_cuts.extend([i, i + p]);
            col_cuts.extend([j, j + q]);
        }
        for cuts in [&mut row_cuts, &mut col_cuts] {
            cuts.sort_unstable();
            cuts.dedup();
        }
        let mut out = Vec::new();
        for w in row_cuts.windows(2) {
            let mut line = Vec::new();
            for v in col_cuts.windows(2) {
                let here: Vec<&(usize, usize, NodeId)> = blocks
                    .iter()
                    .filter(|&&(i, j, _)| i == w[0] && j == v[0])
                    .collect();
                match here.as_slice() {
                    [] => line.push(self.n.zero().to_owned()),
                    [&(_, _, b)] if size(b) == Some((w[1] - w[0], v[1] - v[0])) => {
                        line.push(self.expr(b).0)
                    }
                    _ => return None,
                }
            }
            out.push(line);
        }
        // A cell that is not a block's top-left corner must not be covered by one.
        let covered: usize = blocks
            .iter()
            .filter_map(|&(_, _, b)| size(b))
            .map(|(p, q)| p * q)
            .sum();
        let cells = out.iter().flatten().count();
        (covered <= rows.known()? * cols.known()? && cells <= 64).then_some(out)
    }
}
