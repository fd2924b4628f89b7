//! Entries, views and assembly by blocks (reference §4b): the run-time side of the DSL's `x[i]`,
//! `A.fixed_view::<R, C>(i, j)` and of the scatters that adjoints of views are. Views copy into
//! small matrices (statically sized, so the copy is what a hand-written residual does too).

use core::ops::{AddAssign, Index, IndexMut};

use crate::{Dim, Matrix};

#[cold]
#[track_caller]
fn block_out_of_bounds(
    what: &str,
    at: (usize, usize),
    size: (usize, usize),
    outer: (usize, usize),
) -> ! {
    panic!(
        "{what}: the {}×{} block at ({}, {}) does not fit in a {}×{} matrix",
        size.0, size.1, at.0, at.1, outer.0, outer.1
    )
}

#[inline]
#[track_caller]
fn check_block(what: &str, at: (usize, usize), size: (usize, usize), outer: (usize, usize)) {
    if at.0.checked_add(size.0).is_none_or(|end| end > outer.0)
        || at.1.checked_add(size.1).is_none_or(|end| end > outer.1)
    {
        block_out_of_bounds(what, at, size, outer);
    }
}

impl<R: Dim, C: Dim, T: Copy> Matrix<R, C, T> {
    /// The `R2 × C2` block whose top-left entry is `(i, j)`, copied (nalgebra's name).
    ///
    /// # Panics
    /// If the block does not fit.
    #[track_caller]
    pub fn fixed_view<R2: Dim, C2: Dim>(&self, i: usize, j: usize) -> Matrix<R2, C2, T> {
        self.view_generic(
            i,
            j,
            R2::from_static("fixed_view"),
            C2::from_static("fixed_view"),
        )
    }

    /// The `nrows × ncols` block whose top-left entry is `(i, j)`, copied; the block's size
    /// given as dimension values, so it may be `Dyn` (generated code at `Dyn` calls this).
    ///
    /// # Panics
    /// If the block does not fit.
    #[inline]
    #[track_caller]
    pub fn view_generic<R2: Dim, C2: Dim>(
        &self,
        i: usize,
        j: usize,
        nrows: R2,
        ncols: C2,
    ) -> Matrix<R2, C2, T> {
        check_block(
            "fixed_view",
            (i, j),
            (nrows.value(), ncols.value()),
            self.shape(),
        );
        Matrix::from_fn_generic(nrows, ncols, |k, l| self[(i + k, j + l)])
    }

    /// The `R2` rows starting at row `i`.
    ///
    /// # Panics
    /// If they do not fit.
    #[track_caller]
    pub fn fixed_rows<R2: Dim>(&self, i: usize) -> Matrix<R2, C, T> {
        self.fixed_view::<R2, C>(i, 0)
    }

    /// The `C2` columns starting at column `j`.
    ///
    /// # Panics
    /// If they do not fit.
    #[track_caller]
    pub fn fixed_columns<C2: Dim>(&self, j: usize) -> Matrix<R, C2, T> {
        self.fixed_view::<R, C2>(0, j)
    }
}

impl<R: Dim, C: Dim, T: Copy> Matrix<R, C, T> {
    /// Writes `block` over the entries starting at `(i, j)`: how assembly writes a block that
    /// shares no entry with the others. Adding into a zero matrix would not be the same code:
    /// `0 + x` is not `x` for `x = −0`, so the compiler must keep both the zero fill and the
    /// additions.
    ///
    /// # Panics
    /// If the block does not fit.
    #[track_caller]
    pub fn set_block<R2: Dim, C2: Dim>(&mut self, i: usize, j: usize, block: &Matrix<R2, C2, T>) {
        self.zip_block("set_block", i, j, block, |entry, b| *entry = b);
    }

    /// Adds `block` into the entries starting at `(i, j)`: how assembly (`vstack`, `matrix!`)
    /// writes overlapping blocks and the adjoints of views (scatters) accumulate.
    ///
    /// # Panics
    /// If the block does not fit.
    #[track_caller]
    pub fn add_block<R2: Dim, C2: Dim>(&mut self, i: usize, j: usize, block: &Matrix<R2, C2, T>)
    where
        T: AddAssign,
    {
        self.zip_block("add_block", i, j, block, |entry, b| *entry += b);
    }

    #[track_caller]
    #[inline(always)]
    fn zip_block<R2: Dim, C2: Dim>(
        &mut self,
        what: &str,
        i: usize,
        j: usize,
        block: &Matrix<R2, C2, T>,
        write: impl Fn(&mut T, T),
    ) {
        let (rows, cols) = block.shape();
        check_block(what, (i, j), (rows, cols), self.shape());
        for l in 0..cols {
            for k in 0..rows {
                write(&mut self[(i + k, j + l)], block[(k, l)]);
            }
        }
    }
}

/// `m[k]`: entry `k` in column-major order, so `x[i]` is entry `i` of a vector (row or column).
impl<R: Dim, C: Dim, T> Index<usize> for Matrix<R, C, T> {
    type Output = T;

    #[track_caller]
    fn index(&self, k: usize) -> &T {
        match self.as_slice().get(k) {
            Some(x) => x,
            None => block_out_of_bounds("index", (k, 0), (1, 1), (self.nrows() * self.ncols(), 1)),
        }
    }
}

impl<R: Dim, C: Dim, T> IndexMut<usize> for Matrix<R, C, T> {
    #[track_caller]
    fn index_mut(&mut self, k: usize) -> &mut T {
        let len = self.nrows() * self.ncols();
        match self.as_mut_slice().get_mut(k) {
            Some(x) => x,
            None => block_out_of_bounds("index", (k, 0), (1, 1), (len, 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    #[test]
    fn views_read_the_right_entries() {
        let a: Matrix<U3, U4> = Matrix::from_fn(|i, j| (10 * i + j) as f64);
        let v: Matrix<U2, U2> = a.fixed_view::<U2, U2>(1, 2);
        assert_eq!(v, matrix![12.0, 13.0; 22.0, 23.0]);
        assert_eq!(a.fixed_rows::<U1>(2), matrix![20.0, 21.0, 22.0, 23.0]);
        assert_eq!(a.fixed_columns::<U1>(3), matrix![3.0; 13.0; 23.0]);
        assert_eq!(a[5], 21.0, "column-major: entry 5 is (2, 1)");
    }

    #[test]
    fn add_block_accumulates() {
        let mut m: Matrix<U3, U2> = Matrix::zeros();
        m.add_block(1, 0, &matrix![1.0, 2.0; 3.0, 4.0]);
        m.add_block(1, 1, &matrix![10.0]);
        assert_eq!(m, matrix![0.0, 0.0; 1.0, 12.0; 3.0, 4.0]);
    }

    #[test]
    fn set_block_overwrites() {
        let mut m: Matrix<U3, U2> = Matrix::from_fn(|_, _| 7.0);
        m.set_block(1, 0, &matrix![1.0, 2.0; 3.0, 4.0]);
        m.set_block(0, 1, &matrix![-0.0]);
        assert_eq!(m, matrix![7.0, 0.0; 1.0, 2.0; 3.0, 4.0]);
        assert!(
            m[(0, 1)].is_sign_negative(),
            "−0 is written as it is, not added to 7"
        );
    }

    #[test]
    fn views_and_blocks_work_at_dyn() {
        let a = Matrix::<Dyn, U4>::from_fn_dyn(5, 4, |i, j| (10 * i + j) as f64);
        let v: Matrix<Dyn, U2> = a.view_generic(1, 2, Dyn(3), U2::new());
        assert_eq!(v.shape(), (3, 2));
        assert_eq!((v[(0, 0)], v[(2, 1)]), (12.0, 33.0));
        let r: Matrix<U2, U4> = a.fixed_rows::<U2>(3);
        assert_eq!(r[(1, 3)], 43.0);
        let mut m = Matrix::<Dyn, Dyn>::zeros_dyn(4, 3);
        m.add_block(2, 1, &v.view_generic(0, 0, U2::new(), U2::new()));
        assert_eq!((m[(2, 1)], m[(3, 2)], m[(0, 0)]), (12.0, 23.0, 0.0));
        assert_eq!(a[6], 11.0, "column-major index at Dyn");
    }

    #[test]
    #[should_panic(expected = "the 3×1 block at (3, 0) does not fit in a 5×4 matrix")]
    fn a_dyn_view_beyond_the_bounds_panics_with_the_sizes() {
        let a = Matrix::<Dyn, U4>::zeros_dyn(5, 4);
        let _ = a.view_generic(3, 0, Dyn(3), U1::new());
    }

    #[test]
    #[should_panic(expected = "the 2×2 block at (2, 0) does not fit in a 3×4 matrix")]
    fn a_view_beyond_the_bounds_panics_with_the_sizes() {
        let a: Matrix<U3, U4> = Matrix::zeros();
        let _ = a.fixed_view::<U2, U2>(2, 0);
    }
}
