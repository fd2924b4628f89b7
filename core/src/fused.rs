//! Fused products the generated code uses instead of forming a transpose first: `Aᵀ B`
//! ([`Matrix::tr_mul`]), `A Bᵀ` ([`Matrix::mul_tr`]), `Aᵀ Bᵀ` ([`Matrix::tr_mul_tr`]) and the
//! outer product `x yᵀ` ([`Matrix::outer`]).
//!
//! All three go through the product kernel of [`crate::product`] with the transposed operand
//! read in place (loops, matrixmultiply or faer by size). Inner dimensions that involve `Dyn`
//! are checked at run time.

use crate::check;
use crate::dim::Dim;
use crate::matrix::{Matrix, Vector};
use crate::product::{self, Operand};
use crate::scalar::Scalar;
use crate::shape_errors::InnerDimsAgree;
use typenum::U1;

impl<K: Dim, M: Dim, T: Scalar> Matrix<K, M, T> {
    /// `selfᵀ · b` without forming `selfᵀ` (`self` is K×M, `b` K×N).
    #[inline]
    #[track_caller]
    pub fn tr_mul<K2: Dim, N: Dim>(&self, b: &Matrix<K2, N, T>) -> Matrix<M, N, T>
    where
        K: InnerDimsAgree<K2>,
    {
        let (k, m) = self.shape();
        check::inner_dims("`tr_mul` (Aᵀ B)", (m, k), b.shape());
        product::product(
            self.shape_generic().1,
            b.shape_generic().1,
            Operand::transposed(self.as_slice(), k, m),
            Operand::plain(b.as_slice(), b.nrows(), b.ncols()),
        )
    }
}

impl<M: Dim, K: Dim, T: Scalar> Matrix<M, K, T> {
    /// `self · bᵀ` without forming `bᵀ` (`self` is M×K, `b` N×K).
    #[inline]
    #[track_caller]
    pub fn mul_tr<N: Dim, K2: Dim>(&self, b: &Matrix<N, K2, T>) -> Matrix<M, N, T>
    where
        K: InnerDimsAgree<K2>,
    {
        let (n, k) = b.shape();
        check::inner_dims("`mul_tr` (A Bᵀ)", self.shape(), (k, n));
        product::product(
            self.shape_generic().0,
            b.shape_generic().0,
            Operand::plain(self.as_slice(), self.nrows(), self.ncols()),
            Operand::transposed(b.as_slice(), n, k),
        )
    }
}

impl<K: Dim, M: Dim, T: Scalar> Matrix<K, M, T> {
    /// `selfᵀ · bᵀ` without forming either transpose (`self` is K×M, `b` N×K).
    #[inline]
    #[track_caller]
    pub fn tr_mul_tr<N: Dim, K2: Dim>(&self, b: &Matrix<N, K2, T>) -> Matrix<M, N, T>
    where
        K: InnerDimsAgree<K2>,
    {
        let ((k, m), (n, k2)) = (self.shape(), b.shape());
        check::inner_dims("`tr_mul_tr` (Aᵀ Bᵀ)", (m, k), (k2, n));
        product::product(
            self.shape_generic().1,
            b.shape_generic().0,
            Operand::transposed(self.as_slice(), k, m),
            Operand::transposed(b.as_slice(), n, k2),
        )
    }
}

impl<M: Dim, T: Scalar> Vector<M, T> {
    /// The outer product `self · yᵀ`, each entry written once.
    #[inline]
    pub fn outer<N: Dim>(&self, y: &Matrix<N, U1, T>) -> Matrix<M, N, T> {
        product::outer(
            self.shape_generic().0,
            y.shape_generic().0,
            self.as_slice(),
            y.as_slice(),
        )
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `self + s·I` in place (square `self`): generated code for `A + s * eye()` adds along
    /// the diagonal instead of forming and adding the identity.
    #[inline]
    #[track_caller]
    pub fn add_scaled_identity(mut self, s: T) -> Self {
        check::square("`A + s·I`", self.shape());
        let n = self.nrows();
        let m = self.as_mut_slice();
        for i in 0..n {
            m[i * n + i] += s;
        }
        self
    }

    /// `self + s·x yᵀ` in place (a rank-one update): generated code for `A + s * x * y.t()`
    /// never forms the outer product.
    #[inline]
    #[track_caller]
    pub fn add_scaled_outer<M: Dim, N: Dim>(
        mut self,
        s: T,
        x: &Matrix<M, U1, T>,
        y: &Matrix<N, U1, T>,
    ) -> Self {
        check::same_shape("`A + s·x yᵀ`", self.shape(), (x.nrows(), y.nrows()));
        let rows = self.nrows();
        let (x, ys) = (x.as_slice(), y.as_slice());
        for (column, &yj) in self.as_mut_slice().chunks_exact_mut(rows).zip(ys) {
            let syj = s * yj;
            for (a, &xi) in column.iter_mut().zip(x) {
                *a += xi * syj;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use crate::matrix::Matrix;
    use typenum::{U1, U3, U4, U40, U5};

    fn filled<R: crate::Dim, C: crate::Dim>(seed: f64) -> Matrix<R, C> {
        Matrix::from_fn(|i, j| ((i * 7 + j * 3) as f64 * 0.37 + seed).sin())
    }

    fn close<R: crate::Dim, C: crate::Dim>(a: &Matrix<R, C>, b: &Matrix<R, C>) {
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 1e-10, "{x} vs {y}");
        }
    }

    #[test]
    fn small_fused_products_match_the_plain_forms() {
        let a: Matrix<U4, U3> = filled(0.1);
        let b: Matrix<U4, U5> = filled(0.2);
        close(&a.tr_mul(&b), &(a.t() * b));
        let c: Matrix<U5, U3> = filled(0.3);
        close(&a.mul_tr(&c), &(a * c.t()));
        let d: Matrix<U5, U4> = filled(0.6);
        close(&a.tr_mul_tr(&d), &(a.t() * d.t()));
        let x: Matrix<U4, U1> = filled(0.4);
        let y: Matrix<U3, U1> = filled(0.5);
        close(&x.outer(&y), &(x * y.t()));
        close(&x.mul_tr(&y), &(x * y.t()));
    }

    #[test]
    fn large_fused_products_match_the_plain_forms() {
        let a: Matrix<U40, U40> = filled(0.1);
        let b: Matrix<U40, U40> = filled(0.2);
        close(&a.tr_mul(&b), &(a.t() * &b));
        close(&a.mul_tr(&b), &(&a * b.t()));
        close(&a.tr_mul_tr(&b), &(a.t() * b.t()));
        let x: Matrix<U40, U1> = filled(0.4);
        close(&a.tr_mul(&x), &(a.t() * &x));
        close(&x.outer(&x), &(&x * x.t()));
    }

    /// The in-place updates against the formed identity and outer product, static and `Dyn`,
    /// square and not.
    #[test]
    fn updates_match_the_formed_sums() {
        let a: Matrix<U4, U4> = filled(0.7);
        close(
            &a.add_scaled_identity(-0.3),
            &(a + Matrix::<U4, U4>::identity() * -0.3),
        );
        let b: Matrix<U4, U3> = filled(0.8);
        let x: Matrix<U4, U1> = filled(0.4);
        let y: Matrix<U3, U1> = filled(0.5);
        close(&b.add_scaled_outer(2.5, &x, &y), &(b + x.outer(&y) * 2.5));
        let n = 37;
        let d = Matrix::<crate::Dyn, crate::Dyn>::from_fn_dyn(n, n + 2, |i, j| (i * 3 + j) as f64);
        let u = Matrix::<crate::Dyn, U1>::from_fn_dyn(n, 1, |i, _| i as f64 * 0.1);
        let v = Matrix::<crate::Dyn, U1>::from_fn_dyn(n + 2, 1, |i, _| 1.0 - i as f64);
        close(
            &d.clone().add_scaled_outer(-0.5, &u, &v),
            &(&d + u.outer(&v) * -0.5),
        );
        let sq = Matrix::<crate::Dyn, crate::Dyn>::from_fn_dyn(n, n, |i, j| (i + 2 * j) as f64);
        let eye = Matrix::<crate::Dyn, crate::Dyn>::identity_generic(crate::Dyn(n), crate::Dyn(n));
        close(&sq.clone().add_scaled_identity(4.0), &(&sq + eye * 4.0));
    }

    #[test]
    #[should_panic(expected = "`A + s·I`")]
    fn a_non_square_identity_update_panics() {
        let d = Matrix::<crate::Dyn, crate::Dyn>::from_fn_dyn(3, 4, |_, _| 1.0);
        let _ = d.add_scaled_identity(1.0);
    }
}
