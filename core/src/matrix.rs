//! The `Matrix` type, its storage, constructors and element access.
//!
//! Storage is private and reached only through `from_fn_generic`, `as_slice`/`as_mut_slice`
//! and `reshape_generic`; which storage a size gets (inline up to 16×16, heap beyond or with a
//! `Dyn` dimension) is decided in [`crate::storage`]. A matrix also holds the values of its
//! two dimension types: zero-sized for typenum numbers, the run-time size for `Dyn`.

use core::ops::{Index, IndexMut};

use typenum::consts::U1;
use typenum::{Const, ToUInt};

use crate::check;
use crate::dim::Dim;
use crate::scalar::Scalar;
use crate::storage::{Storage, StoreOf};

/// An `R × C` matrix of `T` (default `f64`), stored column-major.
///
/// `R` and `C` are typenum numbers (`U3`, `typenum::U<17>`), [`Dyn`](crate::Dyn) (a size known
/// only at run time) or generic parameters bounded by [`Dim`]. Static shapes are checked by the
/// type system: adding a 2×3 to a 3×2 matrix, or multiplying matrices whose inner dimensions
/// differ, does not compile. Where a `Dyn` dimension meets another dimension the check happens
/// at run time, and a mismatch panics with both shapes.
///
/// Matrices up to 16×16 are stored inline (on the stack, never allocating) and are `Copy`
/// whenever `T` is and the sizes are concrete (generic code over `N: Dim` must `clone`, because
/// "an array of any length is `Copy`" is not expressible as a bound). Larger matrices keep
/// their entries in one heap allocation, so that even 256×256 ones fit a default thread stack;
/// they are `Clone` but not `Copy`.
pub struct Matrix<R: Dim, C: Dim, T = f64> {
    /// The entries in column-major order: see [`crate::storage`].
    data: StoreOf<R, C, T>,
    /// Zero-sized for a typenum number; the size for `Dyn`.
    nrows: R,
    ncols: C,
}

/// A column vector: an `N × 1` matrix.
pub type Vector<N, T = f64> = Matrix<N, U1, T>;

impl<R: Dim, C: Dim, T> Matrix<R, C, T> {
    /// Whether the entries are stored in the matrix value itself (≤ 16×16, static sizes): then
    /// there is no buffer to reuse, and moving the matrix copies its entries.
    pub(crate) const INLINE: bool = <StoreOf<R, C, T> as Storage<T, R, C>>::INLINE;

    /// Builds a matrix from `f(i, j)` (row `i`, column `j`), called in column-major order.
    ///
    /// # Panics
    /// If a dimension is `Dyn` (its size is unknown here): use
    /// [`from_fn_dyn`](Self::from_fn_dyn) or [`from_fn_generic`](Self::from_fn_generic).
    #[inline]
    #[track_caller]
    pub fn from_fn(f: impl FnMut(usize, usize) -> T) -> Self {
        Self::from_fn_generic(
            R::from_static("Matrix::from_fn"),
            C::from_static("Matrix::from_fn"),
            f,
        )
    }

    /// Builds a matrix of the shape given by two dimension values (`Dyn(n)`, or `U3::new()`),
    /// from `f(i, j)` called in column-major order.
    ///
    /// Always inlined: otherwise, for a static size, the compiler may keep it a call that
    /// builds the matrix in a temporary and copies it to where the caller wanted it (an
    /// 8×8 outer product spent a quarter of its time in that copy).
    #[inline(always)]
    pub fn from_fn_generic(nrows: R, ncols: C, f: impl FnMut(usize, usize) -> T) -> Self {
        Matrix {
            data: Storage::<T, R, C>::build(nrows.value(), ncols.value(), f),
            nrows,
            ncols,
        }
    }

    /// A matrix of the shape given by two dimension values whose column-major entries `fill`
    /// writes into uninitialised memory (kernels that write each entry once).
    ///
    /// # Safety
    /// `fill` writes every entry of the slice it is given.
    #[inline]
    pub(crate) unsafe fn from_filled_generic(
        nrows: R,
        ncols: C,
        fill: impl FnOnce(&mut [core::mem::MaybeUninit<T>]),
    ) -> Self {
        Matrix {
            // SAFETY: passed on to the caller.
            data: unsafe { Storage::<T, R, C>::build_by(nrows.value(), ncols.value(), fill) },
            nrows,
            ncols,
        }
    }

    /// A matrix whose entries are `s` (column-major), borrowed in place where the storage is on
    /// the heap and copied where it is inline.
    ///
    /// # Safety
    /// As [`Storage::borrow_or_copy`]: the matrix must not outlive the borrow of `s` and must
    /// only be reached through shared references.
    #[cfg(feature = "nalgebra")]
    #[inline]
    #[track_caller]
    pub(crate) unsafe fn borrowing(nrows: R, ncols: C, s: &[T]) -> Self
    where
        T: Copy,
    {
        assert_eq!(
            s.len(),
            nrows.value() * ncols.value(),
            "matcalc: borrowed entries"
        );
        Matrix {
            // SAFETY: passed on to the caller.
            data: unsafe { Storage::<T, R, C>::borrow_or_copy(nrows.value(), ncols.value(), s) },
            nrows,
            ncols,
        }
    }

    /// The entries in column-major order, moved out where they are on the heap (no copy).
    #[cfg(feature = "nalgebra")]
    #[inline]
    pub(crate) fn into_vec(self) -> alloc::vec::Vec<T>
    where
        T: Copy,
    {
        self.data.into_vec()
    }

    /// Builds an `nrows × ncols` matrix from `f(i, j)`, called in column-major order; works for
    /// every `Matrix<R, C>` (`Matrix::<Dyn, U3>::from_fn_dyn(n, 3, ..)`).
    ///
    /// # Panics
    /// If a static dimension differs from the size given.
    #[inline]
    #[track_caller]
    pub fn from_fn_dyn(nrows: usize, ncols: usize, f: impl FnMut(usize, usize) -> T) -> Self {
        let (r, c) = dims_for::<R, C>("from_fn_dyn", nrows, ncols);
        Self::from_fn_generic(r, c, f)
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

    /// Number of rows.
    #[inline(always)]
    pub fn nrows(&self) -> usize {
        self.nrows.value()
    }

    /// Number of columns.
    #[inline(always)]
    pub fn ncols(&self) -> usize {
        self.ncols.value()
    }

    /// `(rows, columns)`.
    #[inline(always)]
    pub fn shape(&self) -> (usize, usize) {
        (self.nrows(), self.ncols())
    }

    /// The two dimension values: what sizes a temporary like this one
    /// (`Matrix::zeros_generic(x.shape_generic().0, U1::new())`).
    #[inline(always)]
    pub fn shape_generic(&self) -> (R, C) {
        (self.nrows, self.ncols)
    }

    /// All entries in column-major order (`vec` order): entry `(i, j)` is at `i + rows·j`.
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
        let (s, rows) = (self.as_slice(), self.nrows());
        Matrix::from_fn_generic(self.nrows, self.ncols, |i, j| f(s[i + rows * j]))
    }

    /// Combines two same-shaped matrices entry by entry.
    ///
    /// # Panics
    /// If the shapes differ (possible only with a `Dyn` dimension).
    #[inline]
    #[track_caller]
    pub fn zip_map<U: Copy, V>(
        &self,
        other: &Matrix<R, C, U>,
        f: impl FnMut(T, U) -> V,
    ) -> Matrix<R, C, V>
    where
        T: Copy,
    {
        self.zip_map_checked("zip_map", other, f)
    }

    /// Like `zip_map`, for a right operand whose dimension types may differ (the type system
    /// proved them equal, or one is `Dyn`): the shapes are checked at run time, `what` names
    /// the operation in the panic message.
    #[inline]
    #[track_caller]
    pub(crate) fn zip_map_checked<R2: Dim, C2: Dim, U: Copy, V>(
        &self,
        what: &str,
        other: &Matrix<R2, C2, U>,
        mut f: impl FnMut(T, U) -> V,
    ) -> Matrix<R, C, V>
    where
        T: Copy,
    {
        check::same_shape(what, self.shape(), other.shape());
        let (s, o, rows) = (self.as_slice(), other.as_slice(), self.nrows());
        Matrix::from_fn_generic(self.nrows, self.ncols, |i, j| {
            let k = i + rows * j;
            f(s[k], o[k])
        })
    }

    /// The same entries, in the same column-major order, seen as an `nrows × ncols` matrix.
    ///
    /// # Panics
    /// If the entry count differs.
    #[inline]
    #[track_caller]
    pub fn reshape_generic<R2: Dim, C2: Dim>(&self, nrows: R2, ncols: C2) -> Matrix<R2, C2, T>
    where
        T: Copy,
    {
        let s = self.as_slice();
        let rows = nrows.value();
        if s.len() != rows * ncols.value() {
            wrong_reshape(self.shape(), (rows, ncols.value()));
        }
        Matrix::from_fn_generic(nrows, ncols, |i, j| s[i + rows * j])
    }

    /// This square matrix with its column dimension type replaced by its row dimension type
    /// (the same entries); `what` names the operation in the panic message.
    ///
    /// # Panics
    /// If the matrix is not square (possible only with a `Dyn` dimension).
    #[inline]
    #[track_caller]
    pub(crate) fn as_square(&self, what: &str) -> Matrix<R, R, T>
    where
        T: Copy,
    {
        check::square(what, self.shape());
        self.reshape_generic(self.nrows, self.nrows)
    }

    /// This matrix with its row dimension type replaced by `rows`' (the same entries): the
    /// right-hand side of `solve` against a matrix with `rows` rows.
    #[inline]
    #[track_caller]
    pub(crate) fn with_rows_of<R2: Dim, C2: Dim, U>(
        &self,
        what: &str,
        rows: &Matrix<R2, C2, U>,
    ) -> Matrix<R2, C, T>
    where
        T: Copy,
    {
        check::rows_agree(what, rows.shape(), self.shape());
        self.reshape_generic(rows.nrows, self.ncols)
    }
}

#[cold]
#[track_caller]
fn wrong_reshape(from: (usize, usize), to: (usize, usize)) -> ! {
    panic!(
        "matcalc: cannot reshape a {}×{} matrix to {}×{}: the entry counts differ",
        from.0, from.1, to.0, to.1
    )
}

/// The dimension values for an `nrows × ncols` matrix of type `Matrix<R, C>`.
#[inline]
#[track_caller]
pub(crate) fn dims_for<R: Dim, C: Dim>(what: &str, nrows: usize, ncols: usize) -> (R, C) {
    match (R::try_from_usize(nrows), C::try_from_usize(ncols)) {
        (Some(r), Some(c)) => (r, c),
        _ => static_dims_differ(what, nrows, ncols, R::STATIC, C::STATIC),
    }
}

#[cold]
#[track_caller]
fn static_dims_differ(
    what: &str,
    nrows: usize,
    ncols: usize,
    r: Option<usize>,
    c: Option<usize>,
) -> ! {
    struct Size(Option<usize>);
    impl core::fmt::Display for Size {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            match self.0 {
                Some(n) => write!(f, "{n}"),
                None => f.write_str("Dyn"),
            }
        }
    }
    panic!(
        "Matrix::{what}: asked for a {nrows}×{ncols} matrix, but its type is {}×{}",
        Size(r),
        Size(c)
    )
}

impl<R: Dim, C: Dim, T: Copy> Matrix<R, C, T> {
    /// Every entry equal to `v`.
    #[inline]
    #[track_caller]
    pub fn from_element(v: T) -> Self {
        Self::from_fn(|_, _| v)
    }

    /// Every entry equal to `v`, the shape given by two dimension values.
    #[inline]
    pub fn from_element_generic(nrows: R, ncols: C, v: T) -> Self {
        Self::from_fn_generic(nrows, ncols, |_, _| v)
    }

    /// From `nrows·ncols` entries listed column by column; works for every `Matrix<R, C>`
    /// (`Matrix::<Dyn, U3>::from_column_slice_dyn(n, 3, &data)`).
    ///
    /// # Panics
    /// If a static dimension differs from the size given, or the slice does not have exactly
    /// `nrows·ncols` entries.
    #[track_caller]
    pub fn from_column_slice_dyn(nrows: usize, ncols: usize, entries: &[T]) -> Self {
        let (r, c) = dims_for::<R, C>("from_column_slice_dyn", nrows, ncols);
        if entries.len() != nrows * ncols {
            wrong_length("from_column_slice_dyn", nrows, ncols, entries.len());
        }
        Self::from_fn_generic(r, c, |i, j| entries[i + nrows * j])
    }

    /// From `nrows·ncols` entries listed row by row; works for every `Matrix<R, C>`.
    ///
    /// # Panics
    /// As [`from_column_slice_dyn`](Self::from_column_slice_dyn).
    #[track_caller]
    pub fn from_row_slice_dyn(nrows: usize, ncols: usize, entries: &[T]) -> Self {
        let (r, c) = dims_for::<R, C>("from_row_slice_dyn", nrows, ncols);
        if entries.len() != nrows * ncols {
            wrong_length("from_row_slice_dyn", nrows, ncols, entries.len());
        }
        Self::from_fn_generic(r, c, |i, j| entries[j + ncols * i])
    }

    /// From `R·C` entries listed row by row (how a matrix is written on paper).
    ///
    /// # Panics
    /// If the slice does not have exactly `R·C` entries.
    #[track_caller]
    pub fn from_row_slice(entries: &[T]) -> Self {
        Self::try_from_row_slice(entries).unwrap_or_else(|| {
            wrong_length(
                "from_row_slice",
                R::STATIC.unwrap_or(0),
                C::STATIC.unwrap_or(0),
                entries.len(),
            )
        })
    }

    /// From `R·C` entries listed column by column (the storage order, `vec` order).
    ///
    /// # Panics
    /// If the slice does not have exactly `R·C` entries.
    #[track_caller]
    pub fn from_column_slice(entries: &[T]) -> Self {
        Self::try_from_column_slice(entries).unwrap_or_else(|| {
            wrong_length(
                "from_column_slice",
                R::STATIC.unwrap_or(0),
                C::STATIC.unwrap_or(0),
                entries.len(),
            )
        })
    }

    /// Like [`from_row_slice`](Self::from_row_slice), `None` on a wrong length.
    #[track_caller]
    pub fn try_from_row_slice(entries: &[T]) -> Option<Self> {
        let (r, c) = (
            R::from_static("Matrix::try_from_row_slice"),
            C::from_static("Matrix::try_from_row_slice"),
        );
        let cols = c.value();
        (entries.len() == r.value() * cols)
            .then(|| Self::from_fn_generic(r, c, |i, j| entries[j + cols * i]))
    }

    /// Like [`from_column_slice`](Self::from_column_slice), `None` on a wrong length.
    #[track_caller]
    pub fn try_from_column_slice(entries: &[T]) -> Option<Self> {
        let (r, c) = (
            R::from_static("Matrix::try_from_column_slice"),
            C::from_static("Matrix::try_from_column_slice"),
        );
        let rows = r.value();
        (entries.len() == rows * c.value())
            .then(|| Self::from_fn_generic(r, c, |i, j| entries[i + rows * j]))
    }

    /// Column `j` as a vector.
    ///
    /// # Panics
    /// If `j` is not below the number of columns.
    #[track_caller]
    pub fn column(&self, j: usize) -> Vector<R, T> {
        check_index(0, j, self.nrows().max(1), self.ncols());
        Matrix::from_fn_generic(self.nrows, U1::new(), |i, _| self[(i, j)])
    }

    /// Row `i` as a `1 × C` matrix.
    ///
    /// # Panics
    /// If `i` is not below the number of rows.
    #[track_caller]
    pub fn row(&self, i: usize) -> Matrix<U1, C, T> {
        check_index(i, 0, self.nrows(), self.ncols().max(1));
        Matrix::from_fn_generic(U1::new(), self.ncols, |_, j| self[(i, j)])
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// All entries `0`.
    #[inline]
    #[track_caller]
    pub fn zeros() -> Self {
        Self::from_element(T::zero())
    }

    /// All entries `1`.
    #[inline]
    #[track_caller]
    pub fn ones() -> Self {
        Self::from_element(T::one())
    }

    /// Ones on the main diagonal, zeros elsewhere; any shape (`I` when square).
    #[inline]
    #[track_caller]
    pub fn identity() -> Self {
        Self::identity_generic(
            R::from_static("Matrix::identity"),
            C::from_static("Matrix::identity"),
        )
    }

    /// All entries `0`, the shape given by two dimension values (`Dyn(n)`, `U3::new()`, or
    /// another matrix's [`shape_generic`](Self::shape_generic)).
    #[inline]
    pub fn zeros_generic(nrows: R, ncols: C) -> Self {
        Matrix {
            data: Storage::<T, R, C>::zeroed(nrows.value(), ncols.value(), T::zero()),
            nrows,
            ncols,
        }
    }

    /// All entries `1`, the shape given by two dimension values.
    #[inline]
    pub fn ones_generic(nrows: R, ncols: C) -> Self {
        Self::from_element_generic(nrows, ncols, T::one())
    }

    /// The identity (any shape), the shape given by two dimension values.
    #[inline]
    pub fn identity_generic(nrows: R, ncols: C) -> Self {
        Self::from_fn_generic(
            nrows,
            ncols,
            |i, j| if i == j { T::one() } else { T::zero() },
        )
    }

    /// All entries `0`, `nrows × ncols`.
    ///
    /// # Panics
    /// If a static dimension differs from the size given.
    #[inline]
    #[track_caller]
    pub fn zeros_dyn(nrows: usize, ncols: usize) -> Self {
        let (r, c) = dims_for::<R, C>("zeros_dyn", nrows, ncols);
        Self::zeros_generic(r, c)
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
        let rows = self.nrows();
        check_index(i, j, rows, self.ncols());
        &self.as_slice()[i + rows * j]
    }
}

impl<R: Dim, C: Dim, T> IndexMut<(usize, usize)> for Matrix<R, C, T> {
    #[inline]
    #[track_caller]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        let rows = self.nrows();
        check_index(i, j, rows, self.ncols());
        &mut self.as_mut_slice()[i + rows * j]
    }
}

impl<R: Dim, C: Dim, T: Clone> Clone for Matrix<R, C, T> {
    #[inline]
    fn clone(&self) -> Self {
        let (s, rows) = (self.as_slice(), self.nrows());
        Matrix::from_fn_generic(self.nrows, self.ncols, |i, j| s[i + rows * j].clone())
    }
}

/// Copy for every concrete size up to 16×16 (inline storage; generic-array's arrays are `Copy`
/// when their length is known). Heap-stored matrices are only `Clone`.
impl<R: Dim, C: Dim, T: Copy> Copy for Matrix<R, C, T> where StoreOf<R, C, T>: Copy {}

impl<R: Dim, C: Dim, T: PartialEq> PartialEq for Matrix<R, C, T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.shape() == other.shape() && self.as_slice() == other.as_slice()
    }
}

impl<R: Dim, C: Dim, T: Default> Default for Matrix<R, C, T> {
    /// All entries `T::default()` (zeros for floats). Panics for a `Dyn` dimension.
    #[inline]
    #[track_caller]
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
        let r: Matrix<U3, U2> = m.reshape_generic(U3::new(), U2::new());
        assert_eq!(r.as_slice(), m.as_slice());
    }
}
