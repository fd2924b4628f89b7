//! Reductions to scalars or to a row/column: sums, trace, inner products, norms, and the
//! tolerance comparisons used by tests.

use typenum::consts::U1;

use crate::arg::MatrixArg;
use crate::check;
use crate::dim::Dim;
use crate::matrix::{Matrix, Vector};
use crate::scalar::Scalar;
use crate::shape_errors::{SameShapeForDot, SquareForTrace};

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Sum of all entries.
    #[inline]
    pub fn sum(&self) -> T {
        crate::dot::sum(self.as_slice())
    }

    /// Trace: sum of the diagonal. Square matrices only (checked at compile time).
    #[inline]
    pub fn tr(&self) -> T
    where
        R: SquareForTrace<C>,
    {
        check::square("the trace `tr`", self.shape());
        (0..self.nrows()).map(|i| self[(i, i)]).sum()
    }

    /// Frobenius inner product `A : B = Σ A_ij B_ij` of two same-shaped matrices (`B` owned or
    /// borrowed).
    #[inline]
    #[track_caller]
    pub fn dot<B: MatrixArg<T = T>>(&self, other: B) -> T
    where
        B::Shape: SameShapeForDot<(R, C)>,
    {
        let other = other.as_matrix();
        check::same_shape("`dot` (A:B)", self.shape(), other.shape());
        crate::dot::dot(self.as_slice(), other.as_slice())
    }

    /// Squared Frobenius (for vectors: Euclidean) norm `Σ A_ij²`.
    #[inline]
    pub fn norm_sq(&self) -> T {
        crate::dot::dot(self.as_slice(), self.as_slice())
    }

    /// Frobenius (for vectors: Euclidean) norm, scaled by the largest entry so that it neither
    /// overflows for entries near `1e200` nor underflows to 0 for entries near `1e-200`.
    pub fn norm(&self) -> T {
        let scale = self.iter().fold(T::zero(), |m, &a| m.max(a.abs()));
        if scale == T::zero() || !scale.is_finite() {
            // Zero matrix, or an inf/NaN entry that the plain formula reports correctly.
            return self.norm_sq().sqrt();
        }
        let sq: T = self
            .iter()
            .map(|&a| {
                let r = a / scale;
                r * r
            })
            .sum();
        scale * sq.sqrt()
    }

    /// Sum of each column, as a `1 × C` row.
    pub fn col_sums(&self) -> Matrix<U1, C, T> {
        let (s, rows) = (self.as_slice(), self.nrows());
        Matrix::from_fn_generic(U1::new(), self.shape_generic().1, |_, j| {
            s[rows * j..rows * (j + 1)].iter().copied().sum()
        })
    }

    /// Sum of each row, as an `R × 1` column.
    pub fn row_sums(&self) -> Vector<R, T> {
        // Column by column, so the inner loop runs down contiguous entries.
        let mut sums = Matrix::zeros_generic(self.shape_generic().0, U1::new());
        let rows = self.nrows();
        for column in self.as_slice().chunks_exact(rows.max(1)) {
            for (total, &x) in sums.iter_mut().zip(column) {
                *total += x;
            }
        }
        sums
    }

    /// Largest `|a_ij - b_ij|` (NaN if any entry of either is NaN; 0 for empty matrices).
    #[track_caller]
    pub fn max_abs_diff(&self, other: &Self) -> T {
        check::same_shape("`max_abs_diff`", self.shape(), other.shape());
        self.iter()
            .zip(other.iter())
            .map(|(&a, &b)| (a - b).abs())
            .fold(T::zero(), |m, d| {
                if d.is_nan() || m.is_nan() {
                    T::NAN
                } else {
                    m.max(d)
                }
            })
    }

    /// Every pair of entries satisfies `|a - b| <= max(abs_tol, rel_tol · max(|a|, |b|))`
    /// (equal infinities count as equal; NaN is never equal).
    pub fn approx_eq(&self, other: &Self, rel_tol: T, abs_tol: T) -> bool {
        self.shape() == other.shape()
            && self.iter().zip(other.iter()).all(|(&a, &b)| {
                a == b || (a - b).abs() <= abs_tol.max(rel_tol * a.abs().max(b.abs()))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    #[test]
    fn reductions_match_naive_loops() {
        let mut rng = Rng::new(7);
        for _ in 0..20 {
            let a = Matrix::<U3, U4>::from_fn(|_, _| rng.uniform());
            let b = Matrix::<U3, U4>::from_fn(|_, _| rng.uniform());
            let (mut s, mut d, mut n2) = (0.0, 0.0, 0.0);
            for i in 0..3 {
                for j in 0..4 {
                    s += a[(i, j)];
                    d += a[(i, j)] * b[(i, j)];
                    n2 += a[(i, j)] * a[(i, j)];
                }
            }
            assert!((a.sum() - s).abs() < 1e-12);
            assert!((a.dot(&b) - d).abs() < 1e-12);
            assert!((a.norm_sq() - n2).abs() < 1e-12);
            assert!((a.norm() - n2.sqrt()).abs() < 1e-12);
            for j in 0..4 {
                let cs: f64 = (0..3).map(|i| a[(i, j)]).sum();
                assert!((a.col_sums()[(0, j)] - cs).abs() < 1e-12);
            }
            for i in 0..3 {
                let rs: f64 = (0..4).map(|j| a[(i, j)]).sum();
                assert!((a.row_sums()[(i, 0)] - rs).abs() < 1e-12);
            }
            let sq = Matrix::<U4, U4>::from_fn(|_, _| rng.uniform());
            let t: f64 = (0..4).map(|i| sq[(i, i)]).sum();
            assert!((sq.tr() - t).abs() < 1e-12);
        }
    }

    #[test]
    fn norm_survives_extreme_scales() {
        let big = Matrix::<U2, U1>::from_element(1e200);
        assert!((big.norm() / (1e200 * 2f64.sqrt()) - 1.0).abs() < 1e-15);
        let small = Matrix::<U2, U1>::from_element(1e-200);
        assert!((small.norm() / (1e-200 * 2f64.sqrt()) - 1.0).abs() < 1e-15);
        assert_eq!(Matrix::<U2, U2>::zeros().norm(), 0.0);
        assert_eq!(
            Matrix::<U1, U1>::from_element(f64::INFINITY).norm(),
            f64::INFINITY
        );
    }

    #[test]
    fn tolerance_comparisons() {
        let a = Matrix::<U1, U2>::from_row_slice(&[1.0, 1e6]);
        let b = Matrix::<U1, U2>::from_row_slice(&[1.0 + 1e-10, 1e6 + 1e-4]);
        assert!(a.approx_eq(&b, 1e-9, 1e-9));
        assert!(!a.approx_eq(&b, 1e-12, 1e-12));
        assert!((a.max_abs_diff(&b) - 1e-4).abs() < 1e-9);
        let nan = Matrix::<U1, U2>::from_row_slice(&[f64::NAN, 0.0]);
        assert!(!nan.approx_eq(&nan, 1.0, 1.0));
        assert!(nan.max_abs_diff(&a).is_nan());
        let inf = Matrix::<U1, U1>::from_element(f64::INFINITY);
        assert!(inf.approx_eq(&inf, 0.0, 0.0));
    }
}
