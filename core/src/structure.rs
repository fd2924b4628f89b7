//! Operations that rearrange entries rather than compute with them: transpose, Kronecker
//! product, `vec`/`unvec`, `diag`/`diagonal`, and 1×1 matrix ↔ scalar.

use core::ops::Mul;

use typenum::consts::U1;
use typenum::Prod;

use crate::check;
use crate::dim::Dim;
use crate::kernels::factor_pair;
use crate::matrix::{Matrix, Vector};
use crate::scalar::Scalar;
use crate::shape_errors::{
    ColumnVectorForDiag, ColumnVectorForUnvec, OneByOne, SquareForDiagonal, UnvecLength,
};

impl<R: Dim, C: Dim, T: Copy> Matrix<R, C, T> {
    /// Transpose `Aᵀ`.
    #[inline]
    pub fn t(&self) -> Matrix<C, R, T> {
        let (r, c) = self.shape_generic();
        Matrix::from_fn_generic(c, r, |i, j| self[(j, i)])
    }

    /// `vec(A)`: the columns stacked into one column (the column-major entry order).
    #[inline]
    pub fn vec(&self) -> Vector<Prod<R, C>, T>
    where
        R: Mul<C>,
        Prod<R, C>: Dim,
    {
        self.reshape_generic(
            Prod::<R, C>::from_usize(self.nrows() * self.ncols()),
            U1::new(),
        )
    }

    /// Inverse of [`vec`](Self::vec): reads this `N × 1` vector as the columns of an
    /// `R2 × C2` matrix. `R2 · C2 = N` is checked at compile time (at run time where a size is
    /// `Dyn`; one of `R2`, `C2` may be `Dyn` and is then derived from the length, or 0 when the
    /// other is 0; for both use
    /// [`unvec_generic`](Self::unvec_generic)).
    ///
    /// ```
    /// use matcalc_core::prelude::*;
    /// let a = matrix![1.0, 2.0, 3.0; 4.0, 5.0, 6.0];
    /// assert_eq!(a.vec().unvec::<U2, U3>(), a);
    /// ```
    #[inline]
    pub fn unvec<R2, C2: Dim>(&self) -> Matrix<R2, C2, T>
    where
        C: ColumnVectorForUnvec,
        R2: Dim + Mul<C2>,
        Prod<R2, C2>: Dim + UnvecLength<R>,
    {
        let (r2, c2) = factor_pair::<R2, C2>(self.nrows(), "unvec");
        self.unvec_generic(r2, c2)
    }

    /// Reads this vector as the columns of an `nrows × ncols` matrix (the sizes given as
    /// dimension values).
    ///
    /// # Panics
    /// If this is not a column vector of `nrows · ncols` entries.
    #[inline]
    #[track_caller]
    pub fn unvec_generic<R2: Dim, C2: Dim>(&self, nrows: R2, ncols: C2) -> Matrix<R2, C2, T> {
        check::exact("`unvec`", self.shape(), (nrows.value() * ncols.value(), 1));
        self.reshape_generic(nrows, ncols)
    }

    /// The diagonal of a square matrix, as a vector.
    #[inline]
    pub fn diagonal(&self) -> Vector<R, T>
    where
        R: SquareForDiagonal<C>,
    {
        check::square("`diagonal`", self.shape());
        Matrix::from_fn_generic(self.shape_generic().0, U1::new(), |i, _| self[(i, i)])
    }

    /// The entry of a 1×1 matrix (a 1×1 matrix counts as a scalar: `x.t() * A * x`).
    #[inline]
    pub fn to_scalar(&self) -> T
    where
        (R, C): OneByOne,
    {
        check::exact("`to_scalar`", self.shape(), (1, 1));
        self[(0, 0)]
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Kronecker product `A ⊗ B`: the block matrix `[a_ij · B]`.
    ///
    /// In generic code the sizes need `R1: Mul<R2>, Prod<R1, R2>: Dim` (and the same for columns).
    pub fn kron<R2: Dim, C2: Dim>(
        &self,
        other: &Matrix<R2, C2, T>,
    ) -> Matrix<Prod<R, R2>, Prod<C, C2>, T>
    where
        R: Mul<R2>,
        C: Mul<C2>,
        Prod<R, R2>: Dim,
        Prod<C, C2>: Dim,
    {
        let (p, q) = other.shape();
        let rows = Prod::<R, R2>::from_usize(self.nrows() * p);
        let cols = Prod::<C, C2>::from_usize(self.ncols() * q);
        self.kron_generic(other, rows, cols)
    }

    /// `A ⊗ B` typed as `rows × cols` (dimension values): generated code at generic sizes uses
    /// it where its shape spells the product dimensions differently from `Prod<R, R2>` (`M`
    /// for `1·M`).
    ///
    /// # Panics
    /// If `rows × cols` is not the Kronecker product's shape.
    #[track_caller]
    pub fn kron_generic<R2: Dim, C2: Dim, R3: Dim, C3: Dim>(
        &self,
        other: &Matrix<R2, C2, T>,
        rows: R3,
        cols: C3,
    ) -> Matrix<R3, C3, T> {
        let (p, q) = other.shape();
        check::exact(
            "`kron`",
            (rows.value(), cols.value()),
            (self.nrows() * p, self.ncols() * q),
        );
        // Only called when the product has rows and columns, so `p, q > 0` here.
        Matrix::from_fn_generic(rows, cols, |r, c| {
            self[(r / p, c / q)] * other[(r % p, c % q)]
        })
    }

    /// `diag(v)`: the square matrix with this column vector on its diagonal.
    #[inline]
    pub fn diag(&self) -> Matrix<R, R, T>
    where
        C: ColumnVectorForDiag,
    {
        check::exact("`diag`", self.shape(), (self.nrows(), 1));
        let n = self.shape_generic().0;
        Matrix::from_fn_generic(n, n, |i, j| if i == j { self[(i, 0)] } else { T::zero() })
    }
}

impl<T> Matrix<U1, U1, T> {
    /// The 1×1 matrix `[s]`.
    #[inline]
    pub fn from_scalar(s: T) -> Self {
        let mut s = Some(s);
        Matrix::from_fn(|_, _| s.take().expect("a 1×1 matrix has one entry"))
    }
}

macro_rules! scalar_from_1x1 {
    ($($t:ty),*) => {$(
        impl From<Matrix<U1, U1, $t>> for $t {
            /// The entry of a 1×1 matrix.
            #[inline]
            fn from(m: Matrix<U1, U1, $t>) -> $t {
                m.to_scalar()
            }
        }
    )*};
}

scalar_from_1x1!(f32, f64);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    #[test]
    fn transpose_vec_unvec() {
        let mut rng = Rng::new(21);
        let a = Matrix::<U2, U3>::from_fn(|_, _| rng.uniform());
        let t = a.t();
        for i in 0..2 {
            for j in 0..3 {
                assert_eq!(t[(j, i)], a[(i, j)]);
                // vec stacks columns: entry (i, j) lands at i + 2·j.
                assert_eq!(a.vec()[(i + 2 * j, 0)], a[(i, j)]);
            }
        }
        assert_eq!(a.vec().unvec::<U2, U3>(), a);
        let r: Matrix<U3, U2> = a.vec().unvec();
        assert_eq!(r.as_slice(), a.as_slice());
        assert_eq!(t.t(), a);
    }

    #[test]
    fn kron_matches_block_definition() {
        let mut rng = Rng::new(22);
        let a = Matrix::<U2, U3>::from_fn(|_, _| rng.uniform());
        let b = Matrix::<U3, U2>::from_fn(|_, _| rng.uniform());
        let k: Matrix<U6, U6> = a.kron(&b);
        for i in 0..2 {
            for j in 0..3 {
                for p in 0..3 {
                    for q in 0..2 {
                        assert_eq!(k[(3 * i + p, 2 * j + q)], a[(i, j)] * b[(p, q)]);
                    }
                }
            }
        }
        // Mixed-product property (A⊗B)(C⊗D) = AC⊗BD as an independent check.
        let c = Matrix::<U3, U1>::from_fn(|_, _| rng.uniform());
        let d = Matrix::<U2, U2>::from_fn(|_, _| rng.uniform());
        let lhs = k * c.kron(&d);
        let rhs = (a * c).kron(&(b * d));
        assert!(lhs.approx_eq(&rhs, 1e-12, 1e-14));
    }

    #[test]
    fn diag_diagonal_scalar() {
        let v = Matrix::<U3, U1>::from_column_slice(&[1.0, 2.0, 3.0]);
        let d = v.diag();
        assert_eq!(
            d,
            Matrix::from_fn(|i, j| if i == j { (i + 1) as f64 } else { 0.0 })
        );
        assert_eq!(d.diagonal(), v);
        let s = Matrix::from_scalar(4.5);
        assert_eq!(s.to_scalar(), 4.5);
        assert_eq!(f64::from(s), 4.5);
        let x: f32 = Matrix::<U1, U1, f32>::from_scalar(2.0).into();
        assert_eq!(x, 2.0);
    }
}
