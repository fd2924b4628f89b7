//! Human-readable formatting: `Display` draws the matrix row by row in a box with right-aligned
//! columns of a common width (honouring `{:.3}`-style precision); `Debug` prints the shape and
//! the rows. Works without an allocator: widths are measured by formatting into a counter.

use core::fmt::{self, Debug, Display, Write};

use crate::dim::Dim;
use crate::matrix::Matrix;

/// A `fmt::Write` sink that only counts characters.
struct Width(usize);

impl Write for Width {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.chars().count();
        Ok(())
    }
}

/// Writes one entry with the formatter's precision, if any. A zero is written as the default
/// value, so a negative zero (common in products with signs) prints as `0`, not `-0`.
fn write_entry<T: Display + PartialEq + Default>(
    w: &mut impl Write,
    x: &T,
    precision: Option<usize>,
) -> fmt::Result {
    let zero = T::default();
    let x = if *x == zero { &zero } else { x };
    match precision {
        Some(p) => write!(w, "{x:.p$}"),
        None => write!(w, "{x}"),
    }
}

impl<R: Dim, C: Dim, T: Display + PartialEq + Default> Display for Matrix<R, C, T> {
    /// ```text
    /// ┌               ┐
    /// │ 1.5   -2    3 │
    /// │  10    0    1 │
    /// └               ┘
    /// ```
    /// One width for all entries, so the columns line up.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = f.precision();
        let mut width = 0;
        for x in self.iter() {
            let mut w = Width(0);
            write_entry(&mut w, x, precision)?;
            width = width.max(w.0);
        }
        let (rows, cols) = self.shape();
        // Inner width: the entries, two spaces between neighbours, one space inside each bar.
        let inner = cols * width + 2 * cols.saturating_sub(1) + 2;
        writeln!(f, "┌{:inner$}┐", "")?;
        for i in 0..rows {
            f.write_str("│ ")?;
            for j in 0..cols {
                let mut w = Width(0);
                write_entry(&mut w, &self[(i, j)], precision)?;
                let sep = if j == 0 { "" } else { "  " };
                write!(f, "{sep}{:pad$}", "", pad = width - w.0)?;
                write_entry(f, &self[(i, j)], precision)?;
            }
            f.write_str(" │\n")?;
        }
        write!(f, "└{:inner$}┘", "")
    }
}

impl<R: Dim, C: Dim, T: Debug> Debug for Matrix<R, C, T> {
    /// `Matrix<2×3> [[a, b, c], [d, e, f]]`, rows in order, entries with their `Debug` format.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, cols) = self.shape();
        write!(f, "Matrix<{rows}×{cols}> [")?;
        for i in 0..rows {
            if i > 0 {
                f.write_str(", ")?;
            }
            let mut row = f.debug_list();
            for j in 0..cols {
                row.entry(&self[(i, j)]);
            }
            row.finish()?;
        }
        f.write_str("]")
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use crate::matrix::Matrix;
    use std::format;
    use typenum::consts::*;

    #[test]
    fn display_aligns_columns() {
        let m = Matrix::<U2, U3>::from_row_slice(&[1.5, -2.0, 3.0, 10.0, 0.0, 1.0]);
        let s = format!("{m}");
        assert_eq!(
            s,
            "┌               ┐\n│ 1.5   -2    3 │\n│  10    0    1 │\n└               ┘"
        );
    }

    #[test]
    fn display_honours_precision() {
        let m = Matrix::<U2, U2>::from_row_slice(&[1.0, -0.5, 1.0 / 3.0, 100.0]);
        let s = format!("{m:.2}");
        assert!(s.contains("│   1.00   -0.50 │"), "{s}");
        assert!(s.contains("│   0.33  100.00 │"), "{s}");
    }

    #[test]
    fn display_writes_negative_zero_as_zero() {
        let m = Matrix::<U1, U2>::from_row_slice(&[-0.0, 1.0]);
        assert_eq!(format!("{m}"), "┌      ┐\n│ 0  1 │\n└      ┘");
    }

    #[test]
    fn debug_lists_rows() {
        let m = Matrix::<U2, U2>::from_row_slice(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(format!("{m:?}"), "Matrix<2×2> [[1.0, 2.0], [3.0, 4.0]]");
    }
}
