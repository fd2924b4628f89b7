//! The adjugate `adj(A)` (transposed cofactor matrix, `A adj(A) = det(A) I`).
//!
//! It exists for the gradient of `det`: `∂det/∂A = adj(A)ᵀ` holds at every A, singular ones
//! included, where the textbook `det(A) A⁻ᵀ` is `0·∞ = NaN`. For n ≤ 4 it is computed from
//! cofactors (closed-form determinants of the ≤ 3×3 minors: polynomial in the entries, no
//! division, exact structure at any rank). Beyond that it is `det(A)·A⁻¹` through one LU,
//! which is NaN where A is singular (by the criterion of [`crate::Lu::is_singular`]).

use crate::dim::Dim;
use crate::linalg::Lu;
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::SquareForAdjugate;

/// The largest size whose adjugate comes from cofactors.
pub const ADJUGATE_COFACTOR_MAX: usize = 4;

/// Determinant of the `k×k` matrix `m(r, c)` for k ≤ 3 by its closed form.
fn small_det<T: Scalar>(k: usize, m: impl Fn(usize, usize) -> T) -> T {
    match k {
        0 => T::one(),
        1 => m(0, 0),
        2 => m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0),
        _ => {
            m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1))
                - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0))
                + m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0))
        }
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `adj(A)`, with `adj(A)[(i, j)] = (−1)^(i+j) det(A without row j and column i)`.
    ///
    /// Exact in structure for n ≤ 4 (cofactors: finite wherever A is, 0 for rank ≤ n−2);
    /// for n > 4 it is `det(A)·A⁻¹`, all NaN where A is singular.
    #[track_caller]
    pub fn adjugate(&self) -> Self
    where
        R: SquareForAdjugate<C>,
    {
        let n = self.nrows();
        let (r, c) = self.shape_generic();
        let a = self.as_square("`adjugate`");
        if n > ADJUGATE_COFACTOR_MAX {
            let lu = Lu::new(a);
            let det = lu.det();
            return lu.inverse().map(|x| x * det).reshape_generic(r, c);
        }
        Matrix::<R, R, T>::from_fn_generic(r, r, |i, j| {
            // Minor of a without row j and column i.
            let skip = |k: usize, gone: usize| if k < gone { k } else { k + 1 };
            let minor = small_det(n - 1, |r, c| a[(skip(r, j), skip(c, i))]);
            if (i + j) % 2 == 0 {
                minor
            } else {
                -minor
            }
        })
        .reshape_generic(r, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    fn check_identity<N: Dim>(a: &Matrix<N, N>) {
        // A adj(A) = adj(A) A = det(A) I.
        let adj = a.adjugate();
        let want = Matrix::<N, N>::identity() * a.det();
        assert!((a * &adj).approx_eq(&want, 1e-12, 1e-12));
        assert!((&adj * a).approx_eq(&want, 1e-12, 1e-12));
    }

    #[test]
    fn adjugate_is_det_times_inverse_for_regular_matrices() {
        let mut rng = Rng::new(5);
        for _ in 0..10 {
            check_identity(&Matrix::<U1, U1>::from_fn(|_, _| rng.uniform()));
            check_identity(&Matrix::<U2, U2>::from_fn(|_, _| rng.uniform()));
            check_identity(&Matrix::<U3, U3>::from_fn(|_, _| rng.uniform()));
            check_identity(&Matrix::<U4, U4>::from_fn(|_, _| rng.uniform()));
            let a =
                Matrix::<U5, U5>::from_fn(|i, j| rng.uniform() + if i == j { 3.0 } else { 0.0 });
            check_identity(&a);
            let a = Matrix::<U3, U3>::from_fn(|_, _| rng.uniform());
            assert!(a.adjugate().approx_eq(&(a.inv() * a.det()), 1e-10, 1e-12));
        }
    }

    #[test]
    fn adjugate_of_singular_matrices_is_finite_and_exact() {
        // Rank 2 (n − 1): adj = det-free closed form, nonzero.
        let a = Matrix::<U3, U3>::from_row_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        let want =
            Matrix::<U3, U3>::from_row_slice(&[-3.0, 6.0, -3.0, 6.0, -12.0, 6.0, -3.0, 6.0, -3.0]);
        assert_eq!(a.adjugate(), want);
        // Rank 1 (≤ n − 2): adj = 0.
        let r1 = Matrix::<U4, U4>::from_fn(|i, j| ((i + 1) * (j + 2)) as f64);
        assert_eq!(r1.adjugate(), Matrix::zeros());
        let z2 = Matrix::<U2, U2>::zeros();
        assert_eq!(z2.adjugate(), Matrix::zeros());
        assert_eq!(Matrix::<U1, U1>::zeros().adjugate(), Matrix::identity());
        // f32 too.
        let f = Matrix::<U2, U2, f32>::from_row_slice(&[1.0, 2.0, 2.0, 4.0]);
        assert_eq!(
            f.adjugate(),
            Matrix::from_row_slice(&[4.0, -2.0, -2.0, 1.0])
        );
    }
}
