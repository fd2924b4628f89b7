//! Square-matrix linear algebra: LU factorisation with partial pivoting and what is built on it
//! (`det`, `logdet`, `inv`, `try_inv`, `solve`), and integer matrix powers.
//!
//! The public methods live on `Matrix<R, C, T>` with a bound `R: SquareFor…<C>` (so a
//! non-square receiver is a worded compile error); they copy the receiver into a
//! `Matrix<R, R, T>` (same entries, since `R = C`) and work on that.

use generic_array::sequence::GenericSequence;
use generic_array::GenericArray;

use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::{
    SquareForDet, SquareForInverse, SquareForLogdet, SquareForLu, SquareForMatpow,
};

/// LU factorisation `P·A = L·U` of a square matrix, with partial (row) pivoting.
///
/// `L` (unit lower triangular) and `U` (upper triangular) share one matrix. The factorisation
/// never fails: a zero or non-finite pivot marks the matrix [singular](Self::is_singular), and the
/// results derived from it are the documented non-finite values rather than a panic.
#[derive(Clone, Debug)]
pub struct Lu<N: Dim, T = f64> {
    lu: Matrix<N, N, T>,
    /// Row `i` of `P·A` is row `perm[i]` of `A`.
    perm: GenericArray<usize, N>,
    /// Whether `P` is an odd permutation (flips the sign of the determinant).
    odd: bool,
}

impl<N: Dim, T: Scalar> Lu<N, T> {
    /// Factorises `a`.
    pub fn new(mut a: Matrix<N, N, T>) -> Self {
        let n = N::USIZE;
        let mut perm = GenericArray::<usize, N>::generate(|i| i);
        let mut odd = false;
        for k in 0..n {
            // Largest |a_ik| at or below the diagonal bounds the multipliers by 1.
            let mut p = k;
            for i in k + 1..n {
                if a[(i, k)].abs() > a[(p, k)].abs() {
                    p = i;
                }
            }
            if p != k {
                for j in 0..n {
                    let tmp = a[(k, j)];
                    a[(k, j)] = a[(p, j)];
                    a[(p, j)] = tmp;
                }
                perm.swap(k, p);
                odd = !odd;
            }
            let pivot = a[(k, k)];
            if pivot == T::zero() || !pivot.is_finite() {
                // Singular at this step: the column below is already zero (or the input was
                // not finite); leave it and let `is_singular` report it.
                continue;
            }
            for i in k + 1..n {
                a[(i, k)] /= pivot;
            }
            for j in k + 1..n {
                let u_kj = a[(k, j)];
                for i in k + 1..n {
                    let l_ik = a[(i, k)];
                    a[(i, j)] -= l_ik * u_kj;
                }
            }
        }
        Lu { lu: a, perm, odd }
    }

    /// Whether some pivot `u_ii` is zero or not finite (exact singularity, or inf/NaN input).
    ///
    /// Nearly singular matrices are *not* reported: they factorise, with a tiny pivot.
    pub fn is_singular(&self) -> bool {
        self.pivots().any(|u| u == T::zero() || !u.is_finite())
    }

    /// Determinant: `±Π u_ii`. Can under- or overflow for large or small matrices; see
    /// [`logdet`](Self::logdet).
    pub fn det(&self) -> T {
        let prod = self.pivots().fold(T::one(), |acc, u| acc * u);
        if self.odd {
            -prod
        } else {
            prod
        }
    }

    /// `ln |det A| = Σ ln |u_ii|`: finite even where `det` itself under- or overflows.
    /// `-∞` for a singular matrix.
    pub fn logdet(&self) -> T {
        self.pivots().map(|u| u.abs().ln()).sum()
    }

    /// Solves `A X = B`.
    ///
    /// If the matrix [is singular](Self::is_singular) every entry of the result is NaN.
    pub fn solve<C: Dim>(&self, b: &Matrix<N, C, T>) -> Matrix<N, C, T> {
        if self.is_singular() {
            return Matrix::from_element(T::NAN);
        }
        let n = N::USIZE;
        let mut x = Matrix::from_fn(|i, j| b[(self.perm[i], j)]);
        for j in 0..C::USIZE {
            // Forward substitution with the unit lower triangle.
            for i in 0..n {
                let mut s = x[(i, j)];
                for k in 0..i {
                    s -= self.lu[(i, k)] * x[(k, j)];
                }
                x[(i, j)] = s;
            }
            // Back substitution with the upper triangle.
            for i in (0..n).rev() {
                let mut s = x[(i, j)];
                for k in i + 1..n {
                    s -= self.lu[(i, k)] * x[(k, j)];
                }
                x[(i, j)] = s / self.lu[(i, i)];
            }
        }
        x
    }

    /// `A⁻¹`; every entry NaN if the matrix [is singular](Self::is_singular).
    pub fn inverse(&self) -> Matrix<N, N, T> {
        self.solve(&Matrix::identity())
    }

    /// `A⁻¹`, or `None` if the matrix [is singular](Self::is_singular).
    pub fn try_inverse(&self) -> Option<Matrix<N, N, T>> {
        (!self.is_singular()).then(|| self.inverse())
    }

    fn pivots(&self) -> impl Iterator<Item = T> + '_ {
        (0..N::USIZE).map(move |i| self.lu[(i, i)])
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// LU factorisation with partial pivoting (square matrices only).
    pub fn lu(&self) -> Lu<R, T>
    where
        R: SquareForLu<C>,
    {
        Lu::new(self.reshape())
    }

    /// Determinant (square matrices only). Under- or overflows like the product of the pivots
    /// it is; use [`logdet`](Self::logdet) for large or badly scaled matrices.
    pub fn det(&self) -> T
    where
        R: SquareForDet<C>,
    {
        Lu::new(self.reshape::<R, R>()).det()
    }

    /// `ln |det A|`, summed from the LU pivots as `Σ ln |u_ii|` — finite for e.g.
    /// `diag(1e-200, …)` where `det` underflows to 0. `-∞` for a singular matrix.
    pub fn logdet(&self) -> T
    where
        R: SquareForLogdet<C>,
    {
        Lu::new(self.reshape::<R, R>()).logdet()
    }

    /// Inverse (square matrices only).
    ///
    /// Never panics: if the matrix is singular (a zero or non-finite pivot, see
    /// [`Lu::is_singular`]) **every entry of the result is NaN**. Use [`try_inv`](Self::try_inv)
    /// to get `None` instead. Nearly singular matrices give large finite entries.
    pub fn inv(&self) -> Self
    where
        R: SquareForInverse<C>,
    {
        Lu::new(self.reshape::<R, R>()).inverse().reshape()
    }

    /// Inverse, or `None` if the matrix is singular (a zero or non-finite pivot).
    pub fn try_inv(&self) -> Option<Self>
    where
        R: SquareForInverse<C>,
    {
        Lu::new(self.reshape::<R, R>())
            .try_inverse()
            .map(|m| m.reshape())
    }

    /// Matrix power `Aᵏ` by repeated squaring: `k = 0` gives `I`, negative `k` the power of the
    /// inverse (all NaN if `A` is singular, as [`inv`](Self::inv)).
    pub fn matpow(&self, k: i32) -> Self
    where
        R: SquareForMatpow<C>,
    {
        let base: Matrix<R, R, T> = self.reshape();
        let mut base = if k < 0 { Lu::new(base).inverse() } else { base };
        let mut e = k.unsigned_abs();
        let mut acc = Matrix::<R, R, T>::identity();
        while e > 0 {
            if e & 1 == 1 {
                acc = &acc * &base;
            }
            e >>= 1;
            if e > 0 {
                base = &base * &base;
            }
        }
        acc.reshape()
    }
}

#[cfg(test)]
// Borrowed operands are deliberate: every owned/borrowed operator combination is under test.
#[allow(clippy::op_ref)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    /// Determinant by Laplace expansion along the first row: exponential, but an independent
    /// reference for small sizes.
    fn laplace_det(a: &[f64], n: usize) -> f64 {
        if n == 1 {
            return a[0];
        }
        (0..n)
            .map(|j| {
                let minor: [f64; 25] = core::array::from_fn(|idx| {
                    let (r, c) = (idx / (n - 1), idx % (n - 1));
                    if r < n - 1 {
                        a[(r + 1) * n + if c < j { c } else { c + 1 }]
                    } else {
                        0.0
                    }
                });
                let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
                sign * a[j] * laplace_det(&minor, n - 1)
            })
            .sum()
    }

    fn row_major<N: Dim>(m: &Matrix<N, N>) -> [f64; 25] {
        core::array::from_fn(|k| {
            if k < N::USIZE * N::USIZE {
                m[(k / N::USIZE, k % N::USIZE)]
            } else {
                0.0
            }
        })
    }

    fn check_random<N: Dim>(rng: &mut Rng) {
        // Diagonal shift keeps the random matrix well conditioned.
        let a = Matrix::<N, N>::from_fn(|i, j| rng.uniform() + if i == j { 3.0 } else { 0.0 });
        let det = laplace_det(&row_major(&a), N::USIZE);
        assert!((a.det() - det).abs() <= 1e-12 * det.abs().max(1.0));
        assert!((a.logdet() - det.abs().ln()).abs() < 1e-12);
        let inv = a.inv();
        assert!((&a * &inv).approx_eq(&Matrix::identity(), 1e-12, 1e-12));
        assert!((&inv * &a).approx_eq(&Matrix::identity(), 1e-12, 1e-12));
        assert_eq!(a.try_inv(), Some(inv.clone()));
        let b = Matrix::<N, U2>::from_fn(|_, _| rng.uniform());
        let x = a.lu().solve(&b);
        assert!((&a * &x).approx_eq(&b, 1e-12, 1e-12));
        // Powers against repeated multiplication.
        let mut p = Matrix::<N, N>::identity();
        for k in 0..6 {
            assert!(a.matpow(k).approx_eq(&p, 1e-12, 1e-12), "matpow({k})");
            p = &p * &a;
        }
        assert!(a.matpow(-2).approx_eq(&(&inv * &inv), 1e-12, 1e-12));
        assert_eq!(a.matpow(0), Matrix::identity());
    }

    #[test]
    fn well_conditioned_random_matrices() {
        let mut rng = Rng::new(31);
        for _ in 0..10 {
            check_random::<U1>(&mut rng);
            check_random::<U2>(&mut rng);
            check_random::<U3>(&mut rng);
            check_random::<U4>(&mut rng);
            check_random::<U5>(&mut rng);
        }
    }

    #[test]
    fn pivoting_handles_a_zero_leading_entry() {
        let a = Matrix::<U2, U2>::from_row_slice(&[0.0, 1.0, 1.0, 0.0]);
        assert_eq!(a.det(), -1.0);
        assert_eq!(a.inv(), a);
        assert_eq!(a.logdet(), 0.0);
    }

    #[test]
    fn singular_matrices_give_none_nan_and_minus_infinity() {
        let dup = Matrix::<U3, U3>::from_row_slice(&[1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 1.0, 0.0, 1.0]);
        let zero_col =
            Matrix::<U3, U3>::from_fn(|i, j| if j == 1 { 0.0 } else { (i + j + 1) as f64 });
        for a in [dup, zero_col, Matrix::zeros(), Matrix::ones()] {
            assert!(a.lu().is_singular());
            assert_eq!(a.try_inv(), None);
            assert!(a.inv().iter().all(|x| x.is_nan()));
            assert_eq!(a.det(), 0.0);
            assert_eq!(a.logdet(), f64::NEG_INFINITY);
            assert!(a.matpow(-1).iter().all(|x| x.is_nan()));
            assert!(a.matpow(3).iter().all(|x| x.is_finite()));
        }
        let bad = Matrix::<U2, U2>::from_row_slice(&[f64::NAN, 1.0, 1.0, 1.0]);
        assert_eq!(bad.try_inv(), None);
    }

    #[test]
    fn logdet_survives_under_and_overflow() {
        let tiny = Matrix::<U4, U1>::from_element(1e-200).diag();
        assert_eq!(tiny.det(), 0.0); // underflows, as documented
        let want = 4.0 * 1e-200f64.ln();
        assert!((tiny.logdet() - want).abs() < 1e-12 * want.abs());
        let huge = Matrix::<U4, U1>::from_element(1e200).diag();
        assert_eq!(huge.det(), f64::INFINITY);
        assert!((huge.logdet() - 4.0 * 1e200f64.ln()).abs() < 1e-10);
        let neg = Matrix::<U2, U1>::from_column_slice(&[-2.0, 3.0]).diag();
        assert!((neg.logdet() - 6f64.ln()).abs() < 1e-15);
        assert_eq!(neg.det(), -6.0);
    }

    #[test]
    fn f32_matrices_work() {
        let a = Matrix::<U2, U2, f32>::from_row_slice(&[4.0, 7.0, 2.0, 6.0]);
        assert!((a.det() - 10.0).abs() < 1e-5);
        assert!((a * a.inv()).approx_eq(&Matrix::identity(), 1e-5, 1e-5));
    }
}
