//! The `Matrix` type, its storage, constructors and element access.
//!
//! Storage is private and reached only through `from_fn`, `as_slice`/`as_mut_slice` and
//! `reshape`; which storage a size gets (inline up to 16×16, heap beyond) is decided in
//! [`crate::storage`].

use core::ops::{Index, IndexMut};

use typenum::consts::U1;
use typenum::{Const, ToUInt};

use crate::dim::Dim;
use crate::scalar::Scalar;
use crate::storage::{Storage, StoreOf};

/// A statically sized `R × C` matrix of `T` (default `f64`), stored column-major.
///
/// `R` and `C` are typenum numbers (`U3`, `typenum::U<17>`) or generic parameters bounded by
/// [`Dim`]. Shapes are checked by the type system: adding a 2×3 to a 3×2 matrix, or multiplying
/// matrices whose inner dimensions differ, does not compile.
///
/// Matrices up to 16×16 are stored inline (on the stack, never allocating) and are `Copy`
/// whenever `T` is and the sizes are concrete (generic code over `N: Dim` must `clone`, because
/// "an array of any length is `Copy`" is not expressible as a bound). Larger matrices keep
/// their entries in one heap allocation, so that even 256×256 ones fit a default thread stack;
/// they are `Clone` but not `Copy`.
pub struct Matrix<R: Dim, C: Dim, T = f64> {
    /// The entries in column-major order: see [`crate::storage`].
    data: StoreOf<R, C, T>,
}

/// A column vector: an `N × 1` matrix.
pub type Vector<N, T = f64> = Matrix<N, U1, T>;

impl<R: Dim, C: Dim, T> Matrix<R, C, T> {
    /// Builds a matrix from `f(i, j)` (row `i`, column `j`), called in column-major order.
    #[inline]
    pub fn from_fn(f: impl FnMut(usize, usize) -> T) -> Self {
        Matrix {
            data: Storage::build(f),
        }
    }

    /// Builds a matrix from an array of rows; used by the [`matrix!`](crate::matrix) macro.
    ///
    /// The sizes `R` and `C` are the array's, so `Matrix::from_rows([[1.0, 2.0]])` is 1×2.
    pub fn from_rows<const RN: usize, const CN: usize>(rows: [[T; CN]; RN]) -> Self
    where
        Const<RN>: ToUInt<Output = R>,
        Const<CN>: ToUInt<Output = C>,
    {
        // Move each entry out exactly once, column by column; `RN == R` and `CN == C`.
        let mut entries = rows.map(|row| row.map(Some));
        Self::from_fn(|i, j| entries[i][j].take().expect("each entry is taken once"))
    }

    /// Number of rows, `R`.
    #[inline]
    pub fn nrows(&self) -> usize {
        R::USIZE
    }

    /// Number of columns, `C`.
    #[inline]
    pub fn ncols(&self) -> usize {
        C::USIZE
    }

    /// `(rows, columns)`.
    #[inline]
    pub fn shape(&self) -> (usize, usize) {
        (R::USIZE, C::USIZE)
    }

    /// All entries in column-major order (`vec` order): entry `(i, j)` is at `i + R·j`.
    #[inline]
    pub fn as_slice(&self) -> &[T] {
        Storage::<T, R, C>::entries(&self.data)
    }

    /// All entries, mutable, in column-major order.
    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        Storage::<T, R, C>::entries_mut(&mut self.data)
    }

    /// Iterates over the entries in column-major order.
    #[inline]
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// Iterates mutably over the entries in column-major order.
    #[inline]
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, T> {
        self.as_mut_slice().iter_mut()
    }

    /// Applies `f` to every entry.
    #[inline]
    pub fn map<U>(&self, mut f: impl FnMut(T) -> U) -> Matrix<R, C, U>
    where
        T: Copy,
    {
        let s = self.as_slice();
        Matrix::from_fn(|i, j| f(s[i + R::USIZE * j]))
    }

    /// Combines two same-shaped matrices entry by entry.
    #[inline]
    pub fn zip_map<U: Copy, V>(
        &self,
        other: &Matrix<R, C, U>,
        f: impl FnMut(T, U) -> V,
    ) -> Matrix<R, C, V>
    where
        T: Copy,
    {
        self.zip_map_slice(other.as_slice(), f)
    }

    /// Like `zip_map`, with the right operand given as a column-major slice of the same length.
    /// Operators use it where the type system has proved the shapes equal but the compiler
    /// still sees two different type parameters.
    #[inline]
    pub(crate) fn zip_map_slice<U: Copy, V>(
        &self,
        other: &[U],
        mut f: impl FnMut(T, U) -> V,
    ) -> Matrix<R, C, V>
    where
        T: Copy,
    {
        let s = self.as_slice();
        assert_eq!(
            s.len(),
            other.len(),
            "shape-checked operands have equal length"
        );
        Matrix::from_fn(|i, j| {
            let k = i + R::USIZE * j;
            f(s[k], other[k])
        })
    }

    /// The same entries, in the same column-major order, seen as an `R2 × C2` matrix.
    /// Callers guarantee `R2 · C2 == R · C` through a type-level bound.
    #[inline]
    pub(crate) fn reshape<R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T>
    where
        T: Copy,
    {
        let s = self.as_slice();
        assert_eq!(
            s.len(),
            R2::USIZE * C2::USIZE,
            "reshape keeps the entry count"
        );
        Matrix::from_fn(|i, j| s[i + R2::USIZE * j])
    }
}

impl<R: Dim, C: Dim, T: Copy> Matrix<R, C, T> {
    /// Every entry equal to `v`.
    #[inline]
    pub fn from_element(v: T) -> Self {
        Self::from_fn(|_, _| v)
    }

    /// From `R·C` entries listed row by row (how a matrix is written on paper).
    ///
    /// # Panics
    /// If the slice does not have exactly `R·C` entries.
    pub fn from_row_slice(entries: &[T]) -> Self {
        Self::try_from_row_slice(entries)
            .unwrap_or_else(|| wrong_length("from_row_slice", R::USIZE, C::USIZE, entries.len()))
    }

    /// From `R·C` entries listed column by column (the storage order, `vec` order).
    ///
    /// # Panics
    /// If the slice does not have exactly `R·C` entries.
    pub fn from_column_slice(entries: &[T]) -> Self {
        Self::try_from_column_slice(entries)
            .unwrap_or_else(|| wrong_length("from_column_slice", R::USIZE, C::USIZE, entries.len()))
    }

    /// Like [`from_row_slice`](Self::from_row_slice), `None` on a wrong length.
    pub fn try_from_row_slice(entries: &[T]) -> Option<Self> {
        (entries.len() == R::USIZE * C::USIZE)
            .then(|| Self::from_fn(|i, j| entries[j + C::USIZE * i]))
    }

    /// Like [`from_column_slice`](Self::from_column_slice), `None` on a wrong length.
    pub fn try_from_column_slice(entries: &[T]) -> Option<Self> {
        (entries.len() == R::USIZE * C::USIZE)
            .then(|| Self::from_fn(|i, j| entries[i + R::USIZE * j]))
    }

    /// Column `j` as a vector.
    ///
    /// # Panics
    /// If `j >= C`.
    pub fn column(&self, j: usize) -> Vector<R, T> {
        check_index(0, j, R::USIZE.max(1), C::USIZE);
        Matrix::from_fn(|i, _| self[(i, j)])
    }

    /// Row `i` as a `1 × C` matrix.
    ///
    /// # Panics
    /// If `i >= R`.
    pub fn row(&self, i: usize) -> Matrix<U1, C, T> {
        check_index(i, 0, R::USIZE, C::USIZE.max(1));
        Matrix::from_fn(|_, j| self[(i, j)])
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// All entries `0`.
    #[inline]
    pub fn zeros() -> Self {
        Self::from_element(T::zero())
    }

    /// All entries `1`.
    #[inline]
    pub fn ones() -> Self {
        Self::from_element(T::one())
    }

    /// Ones on the main diagonal, zeros elsewhere; any shape (`I` when square).
    #[inline]
    pub fn identity() -> Self {
        Self::from_fn(|i, j| if i == j { T::one() } else { T::zero() })
    }
}

#[cold]
#[track_caller]
fn wrong_length(what: &str, rows: usize, cols: usize, got: usize) -> ! {
    panic!(
        "Matrix::{what}: a {rows}×{cols} matrix needs {} entries, got {got}",
        rows * cols
    )
}

#[inline]
#[track_caller]
fn check_index(i: usize, j: usize, rows: usize, cols: usize) {
    if i >= rows || j >= cols {
        index_out_of_bounds(i, j, rows, cols);
    }
}

#[cold]
#[track_caller]
fn index_out_of_bounds(i: usize, j: usize, rows: usize, cols: usize) -> ! {
    panic!("matrix index ({i}, {j}) is out of bounds for a {rows}×{cols} matrix")
}

impl<R: Dim, C: Dim, T> Index<(usize, usize)> for Matrix<R, C, T> {
    type Output = T;

    /// Entry in row `i`, column `j` (from 0). Panics when out of bounds.
    #[inline]
    #[track_caller]
    fn index(&self, (i, j): (usize, usize)) -> &T {
        check_index(i, j, R::USIZE, C::USIZE);
        &self.as_slice()[i + R::USIZE * j]
    }
}

impl<R: Dim, C: Dim, T> IndexMut<(usize, usize)> for Matrix<R, C, T> {
    #[inline]
    #[track_caller]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        check_index(i, j, R::USIZE, C::USIZE);
        &mut self.as_mut_slice()[i + R::USIZE * j]
    }
}

impl<R: Dim, C: Dim, T: Clone> Clone for Matrix<R, C, T> {
    #[inline]
    fn clone(&self) -> Self {
        let s = self.as_slice();
        Matrix::from_fn(|i, j| s[i + R::USIZE * j].clone())
    }
}

/// Copy for every concrete size up to 16×16 (inline storage; generic-array's arrays are `Copy`
/// when their length is known). Heap-stored matrices are only `Clone`.
impl<R: Dim, C: Dim, T: Copy> Copy for Matrix<R, C, T> where StoreOf<R, C, T>: Copy {}

impl<R: Dim, C: Dim, T: PartialEq> PartialEq for Matrix<R, C, T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl<R: Dim, C: Dim, T: Default> Default for Matrix<R, C, T> {
    /// All entries `T::default()` (zeros for floats).
    #[inline]
    fn default() -> Self {
        Self::from_fn(|_, _| T::default())
    }
}

impl<'a, R: Dim, C: Dim, T> IntoIterator for &'a Matrix<R, C, T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    #[inline]
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::consts::*;

    #[test]
    fn constructors_agree_with_indexing() {
        let m = Matrix::<U2, U3>::from_row_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(m[(0, 2)], 3.0);
        assert_eq!(m[(1, 0)], 4.0);
        assert_eq!(m.as_slice(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(
            m,
            Matrix::from_column_slice(&[1.0, 4.0, 2.0, 5.0, 3.0, 6.0])
        );
        assert_eq!(m, Matrix::from_fn(|i, j| (3 * i + j + 1) as f64));
        assert_eq!(m, Matrix::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]));
        assert_eq!((m.nrows(), m.ncols(), m.shape()), (2, 3, (2, 3)));
        assert_eq!(m.column(1).as_slice(), &[2.0, 5.0]);
        assert_eq!(m.row(1).as_slice(), &[4.0, 5.0, 6.0]);
        assert!(Matrix::<U2, U2>::try_from_row_slice(&[1.0; 3]).is_none());
        assert!(Matrix::<U2, U2>::try_from_column_slice(&[1.0; 5]).is_none());
    }

    #[test]
    fn identity_zeros_ones_default() {
        let i = Matrix::<U2, U3>::identity();
        assert_eq!(i.as_slice(), &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        assert!(Matrix::<U3, U2, f32>::zeros().iter().all(|&x| x == 0.0));
        assert!(Matrix::<U3, U2>::ones().iter().all(|&x| x == 1.0));
        assert_eq!(Matrix::<U3, U3>::default(), Matrix::zeros());
        assert_eq!(Matrix::<U1, U2>::from_element(7.0).as_slice(), &[7.0, 7.0]);
    }

    #[test]
    #[should_panic(expected = "a 2×2 matrix needs 4 entries, got 3")]
    fn wrong_slice_length_panics_with_message() {
        let _ = Matrix::<U2, U2>::from_row_slice(&[1.0, 2.0, 3.0]);
    }

    #[test]
    #[should_panic(expected = "matrix index (2, 0) is out of bounds for a 2×3 matrix")]
    fn out_of_bounds_index_panics_with_message() {
        let m = Matrix::<U2, U3>::zeros();
        let _ = m[(2, 0)];
    }

    #[test]
    fn matrices_are_copy() {
        let a = Matrix::<U3, U2>::ones();
        let b = a; // copy, `a` stays usable
        let mut c = a;
        c[(0, 0)] = 5.0;
        assert_eq!(a[(0, 0)], 1.0);
        assert_eq!(b, a);
        assert_eq!(c[(0, 0)], 5.0);
    }

    #[test]
    fn mutation_through_slices_and_index() {
        let mut m = Matrix::<U2, U2>::zeros();
        m[(0, 1)] = 3.0;
        m.as_mut_slice()[1] = 2.0;
        for x in m.iter_mut() {
            *x += 1.0;
        }
        assert_eq!(m.as_slice(), &[1.0, 3.0, 4.0, 1.0]);
        assert_eq!((&m).into_iter().count(), 4);
    }

    #[test]
    fn map_zip_map_and_reshape() {
        let m = Matrix::<U2, U3>::from_fn(|i, j| (i + 2 * j) as f64);
        assert_eq!(
            m.map(|x| x * 2.0),
            Matrix::from_fn(|i, j| 2.0 * (i + 2 * j) as f64)
        );
        assert_eq!(m.zip_map(&m, |a, b| a + b), m.map(|x| 2.0 * x));
        let r: Matrix<U3, U2> = m.reshape();
        assert_eq!(r.as_slice(), m.as_slice());
    }
}
