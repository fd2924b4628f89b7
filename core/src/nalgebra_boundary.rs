//! The boundary between nalgebra-typed DSL functions and the matcalc code the macros generate
//! (feature `nalgebra`). A function written over `SMatrix`, `SVector`, `DMatrix` or `DVector`
//! gets a generated body that reads each argument into a matcalc [`Matrix`] with [`read`],
//! checks the sizes the body needs to agree with [`agree`], runs the ordinary generated code, and
//! turns every result back into the nalgebra type of its signature with [`write()`]. Keeping these
//! here, as generic functions, keeps each expansion to one call per argument and result.
//!
//! Both libraries store matrices column-major. A `DMatrix` argument is not copied: [`borrow`]
//! reads its buffer in place as a heap-stored matcalc matrix for the length of the call, and a
//! returned `DMatrix`/`DVector` takes over the matcalc result's heap buffer. Small static
//! matrices are copied (a few loads), as [`read`] does.
//!
//! Const-generic sizes meet typenum dimensions through [`U<N>`](typenum::U), typenum's
//! `<Const<N> as ToUInt>::Output`: the macro calls the generated code at `U<R>` for a
//! `const R: usize` and adds the bounds that needs.

use alloc::vec::Vec;

use crate::dim::Dim;
use crate::matrix::Matrix;

pub use nalgebra::{DMatrix, DVector, SMatrix};

/// The matcalc matrix holding the entries of the nalgebra matrix `m`, at the dimensions the
/// generated code asks for (`U3`, `U<R>` or [`Dyn`](crate::Dyn)).
///
/// # Panics
/// When a static dimension of the result differs from `m`'s size; the generated code checks
/// sizes with [`agree`] first, so this only guards against misuse by hand.
#[inline]
#[track_caller]
pub fn read<R, C, T, NR, NC, S>(m: &nalgebra::Matrix<T, NR, NC, S>) -> Matrix<R, C, T>
where
    R: Dim,
    C: Dim,
    T: Copy,
    NR: nalgebra::Dim,
    NC: nalgebra::Dim,
    S: nalgebra::RawStorage<T, NR, NC> + nalgebra::IsContiguous,
{
    Matrix::from_column_slice_dyn(m.nrows(), m.ncols(), m.as_slice())
}

/// A nalgebra matrix seen as a matcalc one for as long as it is borrowed: the entries are read
/// in place where the matcalc matrix is heap-stored (any `Dyn` dimension, or more than 16 rows
/// or columns) and copied where it is inline (small static sizes, a few loads). Reached only
/// through `&Matrix` ([`Deref`](core::ops::Deref)), so it can neither be mutated nor outlive
/// the nalgebra matrix; a clone is an ordinary owned matrix.
pub struct Borrowed<'a, R: Dim, C: Dim, T> {
    matrix: Matrix<R, C, T>,
    buffer: core::marker::PhantomData<&'a [T]>,
}

impl<R: Dim, C: Dim, T> core::ops::Deref for Borrowed<'_, R, C, T> {
    type Target = Matrix<R, C, T>;
    #[inline(always)]
    fn deref(&self) -> &Matrix<R, C, T> {
        &self.matrix
    }
}

/// The entries of the nalgebra matrix `m` as a matcalc matrix at the dimensions the generated
/// code asks for, without copying them (see [`Borrowed`]): what generated functions with
/// `&DMatrix` parameters pass on (`&*borrow(X)`).
///
/// # Panics
/// As [`read`], when a static dimension of the result differs from `m`'s size.
#[inline]
#[track_caller]
pub fn borrow<R, C, T, NR, NC, S>(m: &nalgebra::Matrix<T, NR, NC, S>) -> Borrowed<'_, R, C, T>
where
    R: Dim,
    C: Dim,
    T: Copy,
    NR: nalgebra::Dim,
    NC: nalgebra::Dim,
    S: nalgebra::RawStorage<T, NR, NC> + nalgebra::IsContiguous,
{
    let (r, c) = crate::matrix::dims_for::<R, C>("nalgebra_boundary::borrow", m.nrows(), m.ncols());
    Borrowed {
        // SAFETY: `Borrowed` keeps the borrow of `m`'s buffer for the matrix's whole life and
        // hands the matrix out only as `&Matrix`.
        matrix: unsafe { Matrix::borrowing(r, c, m.as_slice()) },
        buffer: core::marker::PhantomData,
    }
}

/// A value the generated code computed, turned into the type a nalgebra-typed signature
/// promises: `SMatrix`, `DMatrix` or `DVector` from a matcalc matrix, a float from itself, and
/// a matcalc matrix from itself (a parameter written with matcalc's own type).
pub trait FromMatcalc<M> {
    /// The same value in this type.
    fn from_matcalc(m: M) -> Self;
}

/// `m` as the type `N` the caller's signature names (see [`FromMatcalc`]).
#[inline]
#[track_caller]
pub fn write<M, N: FromMatcalc<M>>(m: M) -> N {
    N::from_matcalc(m)
}

impl<T, R, C, const RN: usize, const CN: usize> FromMatcalc<Matrix<R, C, T>> for SMatrix<T, RN, CN>
where
    T: nalgebra::Scalar + Copy,
    R: Dim,
    C: Dim,
{
    #[inline]
    #[track_caller]
    fn from_matcalc(m: Matrix<R, C, T>) -> Self {
        assert_eq!(
            (m.nrows(), m.ncols()),
            (RN, CN),
            "matcalc: a {}×{} result does not fit SMatrix<_, {RN}, {CN}>",
            m.nrows(),
            m.ncols()
        );
        SMatrix::from_column_slice(m.as_slice())
    }
}

impl<T, R, C> FromMatcalc<Matrix<R, C, T>> for DMatrix<T>
where
    T: nalgebra::Scalar + Copy,
    R: Dim,
    C: Dim,
{
    #[inline]
    fn from_matcalc(m: Matrix<R, C, T>) -> Self {
        // The heap entries move into nalgebra's `Vec` (no copy; `Box<[T]>` → `Vec<T>`).
        let (rows, cols) = m.shape();
        DMatrix::from_vec(rows, cols, m.into_vec())
    }
}

impl<T, R, C> FromMatcalc<Matrix<R, C, T>> for DVector<T>
where
    T: nalgebra::Scalar + Copy,
    R: Dim,
    C: Dim,
{
    #[inline]
    #[track_caller]
    fn from_matcalc(m: Matrix<R, C, T>) -> Self {
        assert_eq!(
            m.ncols(),
            1,
            "matcalc: a {}×{} result is not a DVector",
            m.nrows(),
            m.ncols()
        );
        DVector::from_vec(m.into_vec())
    }
}

impl<T, R: Dim, C: Dim> FromMatcalc<Matrix<R, C, T>> for Matrix<R, C, T> {
    #[inline(always)]
    fn from_matcalc(m: Matrix<R, C, T>) -> Self {
        m
    }
}

impl FromMatcalc<f64> for f64 {
    #[inline(always)]
    fn from_matcalc(m: f64) -> Self {
        m
    }
}

impl FromMatcalc<f32> for f32 {
    #[inline(always)]
    fn from_matcalc(m: f32) -> Self {
        m
    }
}

/// Checks, before any arithmetic, that sizes the function body needs to be equal are: each
/// entry is a description (``"the columns of `X`"``) and the size found. `function` names the
/// function in the message.
///
/// # Panics
/// When two sizes differ, naming all of them.
#[inline]
#[track_caller]
pub fn agree(function: &str, sizes: &[(&str, usize)]) {
    let Some(&(_, first)) = sizes.first() else {
        return;
    };
    if sizes.iter().any(|&(_, n)| n != first) {
        disagree(function, sizes);
    }
}

#[cold]
#[track_caller]
fn disagree(function: &str, sizes: &[(&str, usize)]) -> ! {
    let listed: Vec<alloc::string::String> = sizes
        .iter()
        .map(|(what, n)| alloc::format!("{what} is {n}"))
        .collect();
    panic!(
        "matcalc: `{function}` needs these sizes to be equal, but {}",
        listed.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dyn;
    use typenum::consts::*;

    #[test]
    fn read_and_write_keep_every_entry_in_place() {
        let n = SMatrix::<f64, 2, 3>::from_fn(|i, j| (10 * i + j) as f64);
        let m: Matrix<U2, U3> = read(&n);
        assert_eq!(m[(1, 2)], 12.0);
        let back: SMatrix<f64, 2, 3> = write(m);
        assert_eq!(back, n);
        let d = DMatrix::<f32>::from_fn(4, 2, |i, j| (i * 2 + j) as f32);
        let md: Matrix<Dyn, U2, f32> = read(&d);
        assert_eq!(md.shape(), (4, 2));
        assert_eq!(md[(3, 1)], 7.0);
        let dd: DMatrix<f32> = write(md);
        assert_eq!(dd, d);
        let v = DVector::<f64>::from_fn(3, |i, _| i as f64);
        let mv: Matrix<Dyn, U1> = read(&v);
        let back: DVector<f64> = write(mv);
        assert_eq!(back, v);
        let s: f64 = write(2.5);
        assert_eq!(s, 2.5);
    }

    /// A heap-stored borrow reads nalgebra's buffer itself (same address, no copy); an inline
    /// one is a copy; either reads every entry in place, a clone is independent and owned, and
    /// a result moved back keeps its buffer.
    #[test]
    fn borrowing_reads_the_buffer_in_place() {
        let d = DMatrix::<f64>::from_fn(40, 3, |i, j| (i * 3 + j) as f64);
        let b = borrow::<Dyn, U3, f64, _, _, _>(&d);
        assert_eq!(b.as_slice().as_ptr(), d.as_slice().as_ptr(), "not copied");
        assert_eq!(b.shape(), (40, 3));
        assert_eq!(b[(39, 2)], 119.0);
        let mut owned = b.clone();
        owned[(0, 0)] = -1.0;
        assert_eq!(b[(0, 0)], 0.0);
        assert_eq!(d[(0, 0)], 0.0);
        let sum = &*b + &owned;
        assert_eq!(sum[(0, 0)], -1.0);
        drop(b);
        assert_eq!(
            d[(39, 2)],
            119.0,
            "dropping a borrow leaves the buffer alone"
        );
        let small = SMatrix::<f64, 2, 2>::new(1.0, 2.0, 3.0, 4.0);
        let s = borrow::<U2, U2, f64, _, _, _>(&small);
        assert_eq!(s[(0, 1)], 2.0);
        let big = borrow::<U40, U3, f64, _, _, _>(&d);
        assert_eq!(big.as_slice().as_ptr(), d.as_slice().as_ptr());
        let ptr = owned.as_slice().as_ptr();
        let back: DMatrix<f64> = write(owned);
        assert_eq!(
            back.as_slice().as_ptr(),
            ptr,
            "the result's buffer moved, not copied"
        );
        let v = DVector::<f32>::from_fn(20, |i, _| i as f32);
        let bv = borrow::<Dyn, U1, f32, _, _, _>(&v);
        assert_eq!(bv.norm_sq(), (0..20).map(|i| (i * i) as f32).sum::<f32>());
    }

    #[test]
    #[should_panic(expected = "4×1")]
    fn borrowing_into_the_wrong_static_size_panics() {
        let d = DMatrix::<f64>::zeros(4, 1);
        let _ = borrow::<U3, U1, f64, _, _, _>(&d);
    }

    #[test]
    fn equal_sizes_agree() {
        agree("f", &[("the columns of `X`", 3), ("the rows of `y`", 3)]);
        agree("f", &[]);
    }

    #[test]
    #[should_panic(
        expected = "`f` needs these sizes to be equal, but the columns of `X` is 3, the rows of `y` is 4"
    )]
    fn different_sizes_name_both() {
        agree("f", &[("the columns of `X`", 3), ("the rows of `y`", 4)]);
    }

    #[test]
    #[should_panic(expected = "asked for a 4×1 matrix, but its type is 3×1")]
    fn reading_into_the_wrong_static_size_panics() {
        let d = DMatrix::<f64>::zeros(4, 1);
        let _: Matrix<U3, U1> = read(&d);
    }
}
