//! Lowering of entries, views and assembly: the offsets are checked against the operand's
//! shape here, so that an index out of range is reported at the index, naming the shape.

use super::{shape_words, Hint, Lowering};
use crate::ast::{Assembly, Expr, Index, Part};
use crate::ir::{Dim, NodeId, Op, Shape};
use crate::shape::rules::fits;

impl Lowering<'_> {
    fn error_at(&mut self, span: proc_macro2::Span, message: String) {
        self.errors.push(syn::Error::new(span, message));
    }

    pub(super) fn part(&mut self, e: &Expr, a: &Expr, part: &Part) -> Option<NodeId> {
        let x = self.expr(a, &Hint::None)?;
        let shape = self.graph.shape(x).clone();
        let Shape::Matrix(r, c) = shape.clone() else {
            self.errors.push(e.error(format!(
                "`{}` is a scalar: it has no entries or views",
                a.text
            )));
            return None;
        };
        let one = Dim::Known(1);
        let (row, col, rows, cols, entry): (&Index, Option<&Index>, Dim, Dim, bool) = match part {
            Part::Entry(k) if c.is_one() => (k, None, one.clone(), one, true),
            Part::Entry(k) if r.is_one() => (k, None, one.clone(), one, true),
            Part::Entry(_) => {
                self.errors.push(e.error(format!(
                    "`x[i]` reads an entry of a vector, but `{}` is {shape}: write `{}[(i, j)]` \
                     for an entry of a matrix",
                    a.text, a.text
                )));
                return None;
            }
            Part::EntryAt(i, j) => (i, Some(j), one.clone(), one, true),
            Part::Block {
                row,
                col,
                rows,
                cols,
                ..
            } => (
                row,
                Some(col),
                rows.as_ref()
                    .map_or_else(|| r.clone(), |d| self.frame.dim(d)),
                cols.as_ref()
                    .map_or_else(|| c.clone(), |d| self.frame.dim(d)),
                false,
            ),
        };
        // A single index runs along the vector, whichever way it lies.
        let (i, j) = match (part, r.is_one() && !c.is_one()) {
            (Part::Entry(k), true) => (0, k.value),
            _ => (row.value, col.map_or(0, |c| c.value)),
        };
        let name = match part {
            Part::Entry(_) | Part::EntryAt(..) => None,
            Part::Block { name, .. } => Some(*name),
        };
        let row_fits = fits(&shape, i, 0, &rows, &Dim::Known(1)).is_ok()
            || (matches!(part, Part::Entry(_)) && r.is_one());
        let col_fits = fits(&shape, 0, j, &Dim::Known(1), &cols).is_ok()
            || (matches!(part, Part::Entry(_)) && c.is_one());
        if !(row_fits && col_fits) || fits(&shape, i, j, &rows, &cols).is_err() {
            let at = if !row_fits { row } else { col.unwrap_or(row) };
            let message = match name {
                None => {
                    let k = at.value;
                    format!(
                        "index {k} is out of range: `{}` is {}{}",
                        a.text,
                        shape_words(&shape),
                        valid_range(&shape, part, row_fits)
                    )
                }
                Some(name) => format!(
                    "`.{name}` reads the {rows}×{cols} block at ({i}, {j}), which does not fit in \
                     `{}`, a {shape} matrix",
                    a.text
                ),
            };
            self.error_at(at.span, message);
            return None;
        }
        let op = if entry {
            Op::Entry(x, i, j)
        } else {
            Op::View(x, i, j, rows, cols)
        };
        Some(self.graph.make(op, e.span))
    }

    pub(super) fn assemble(
        &mut self,
        e: &Expr,
        kind: Assembly,
        rows: &[Vec<Expr>],
    ) -> Option<NodeId> {
        let hint = if kind == Assembly::Grid {
            Hint::Scalar
        } else {
            Hint::None
        };
        let mut lowered: Vec<Vec<Option<NodeId>>> = Vec::new();
        for row in rows {
            let line = row.iter().map(|x| self.expr(x, &hint)).collect();
            lowered.push(line);
        }
        let mut grid = Vec::new();
        for (row, exprs) in lowered.into_iter().zip(rows) {
            let mut line = Vec::new();
            for (id, x) in row.into_iter().zip(exprs) {
                let id = id?;
                line.push((self.scalar_like(id, x), x));
            }
            grid.push(line);
        }
        if kind == Assembly::Grid {
            let mut blocks = Vec::new();
            for (i, line) in grid.iter().enumerate() {
                for (j, &(id, x)) in line.iter().enumerate() {
                    if !self.graph.shape(id).is_scalar() {
                        self.errors.push(x.error(format!(
                            "the entries of `matrix![..]` are scalars, but `{}` is {}: to place \
                             matrices side by side use `hstack(A, B)` / `vstack(A, B)`",
                            x.text,
                            self.graph.shape(id)
                        )));
                        return None;
                    }
                    blocks.push((i, j, id));
                }
            }
            let (r, c) = (grid.len(), grid.first().map_or(0, Vec::len));
            return Some(
                self.graph
                    .make(Op::Blocks(Dim::Known(r), Dim::Known(c), blocks), e.span),
            );
        }
        let vertical = kind == Assembly::VStack;
        let (name, across, along) = if vertical {
            ("vstack", "width", "height")
        } else {
            ("hstack", "height", "width")
        };
        let parts: Vec<(NodeId, &Expr)> = grid.into_iter().flatten().collect();
        let dims = |s: &Shape| {
            let (r, c) = s.dims();
            if vertical {
                (c, r)
            } else {
                (r, c)
            }
        };
        let (first, first_expr) = parts[0];
        let first_shape = self.graph.shape(first).clone();
        let (common, _) = dims(&first_shape);
        let mut offset = 0usize;
        let mut blocks = Vec::new();
        for &(id, x) in &parts {
            let shape = self.graph.shape(id).clone();
            let (cross, size) = dims(&shape);
            if !cross.equiv(&common) {
                self.errors.push(x.error(format!(
                    "`{name}` needs operands of one {across}: `{}` is {}, `{}` is {}",
                    first_expr.text,
                    shape_words(&first_shape),
                    x.text,
                    shape_words(&shape)
                )));
                return None;
            }
            let Some(size) = size.known() else {
                self.errors.push(x.error(format!(
                    "`{name}` needs operands of known {along}: `{}` is {}",
                    x.text,
                    shape_words(&shape)
                )));
                return None;
            };
            let at = if vertical { (offset, 0) } else { (0, offset) };
            blocks.push((at.0, at.1, id));
            offset += size;
        }
        let total = Dim::Known(offset);
        let (r, c) = if vertical {
            (total, common)
        } else {
            (common, total)
        };
        Some(self.graph.make(Op::Blocks(r, c, blocks), e.span))
    }
}

/// `(rows 0..3)`-style help: the valid indices along the axis that failed.
fn valid_range(shape: &Shape, part: &Part, row_fits: bool) -> String {
    let (r, c) = shape.dims();
    let (what, n) = match part {
        Part::Entry(_) => ("indices", if c.is_one() { r } else { c }),
        _ if !row_fits => ("row indices", r),
        _ => ("column indices", c),
    };
    match n.known() {
        Some(n) => format!(" (valid {what}: 0..{n})"),
        None => String::new(),
    }
}
