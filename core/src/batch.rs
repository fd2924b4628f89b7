//! Normalisations over each column or each row of a batch (each column a sample):
//! `softmax_cols`, `softmax_rows`, `logsumexp_cols` (1×C), `logsumexp_rows` (R×1). Each slice
//! is shifted by its own largest entry before exponentiating, so entries of ±1000 neither
//! overflow nor underflow to 0/0.

use typenum::consts::U1;

use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// The largest of `entries` (NaN if one is NaN, `-∞` if there are none).
fn max_of<T: Scalar>(entries: impl Iterator<Item = T>) -> T {
    entries.fold(-T::INFINITY, |m, a| {
        if a.is_nan() || m.is_nan() {
            T::NAN
        } else if a > m {
            a
        } else {
            m
        }
    })
}

/// `m + ln Σ exp(a − m)` with m the largest entry; `m` itself where it is not finite.
fn logsumexp_of<T: Scalar>(entries: impl Iterator<Item = T> + Clone) -> T {
    let m = max_of(entries.clone());
    if !m.is_finite() {
        return m;
    }
    let s: T = entries.map(|a| (a - m).exp()).sum();
    m + s.ln()
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Softmax of each column: `exp(a_ij) / Σ_k exp(a_kj)`; every column sums to 1.
    pub fn softmax_cols(&self) -> Self {
        let mut out = self.clone();
        for j in 0..self.ncols() {
            let column = (0..self.nrows()).map(|i| self[(i, j)]);
            let m = max_of(column);
            let mut total = T::zero();
            for i in 0..self.nrows() {
                let e = (self[(i, j)] - m).exp();
                out[(i, j)] = e;
                total += e;
            }
            for i in 0..self.nrows() {
                out[(i, j)] /= total;
            }
        }
        out
    }

    /// Softmax of each row: `exp(a_ij) / Σ_k exp(a_ik)`; every row sums to 1.
    pub fn softmax_rows(&self) -> Self {
        let mut out = self.clone();
        for i in 0..self.nrows() {
            let row = (0..self.ncols()).map(|j| self[(i, j)]);
            let m = max_of(row);
            let mut total = T::zero();
            for j in 0..self.ncols() {
                let e = (self[(i, j)] - m).exp();
                out[(i, j)] = e;
                total += e;
            }
            for j in 0..self.ncols() {
                out[(i, j)] /= total;
            }
        }
        out
    }

    /// `ln Σ_i exp(a_ij)` of each column, as a 1×C row.
    pub fn logsumexp_cols(&self) -> Matrix<U1, C, T> {
        let cols = self.shape_generic().1;
        Matrix::from_fn_generic(U1::new(), cols, |_, j| {
            logsumexp_of((0..self.nrows()).map(move |i| self[(i, j)]))
        })
    }

    /// `ln Σ_j exp(a_ij)` of each row, as an R×1 column.
    pub fn logsumexp_rows(&self) -> Matrix<R, U1, T> {
        let rows = self.shape_generic().0;
        Matrix::from_fn_generic(rows, U1::new(), |i, _| {
            logsumexp_of((0..self.ncols()).map(move |j| self[(i, j)]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::consts::*;

    #[test]
    fn columns_and_rows_normalise_separately() {
        let a = Matrix::<U2, U3>::from_row_slice(&[1.0, -2.0, 0.5, 3.0, 0.0, -1.0]);
        let s = a.softmax_cols();
        for j in 0..3 {
            let z = a[(0, j)].exp() + a[(1, j)].exp();
            assert!((s[(0, j)] - a[(0, j)].exp() / z).abs() < 1e-15);
            assert!((a.logsumexp_cols()[(0, j)] - z.ln()).abs() < 1e-14);
        }
        let r = a.softmax_rows();
        for i in 0..2 {
            let z: f64 = (0..3).map(|j| a[(i, j)].exp()).sum();
            assert!((r[(i, 1)] - a[(i, 1)].exp() / z).abs() < 1e-15);
            assert!((a.logsumexp_rows()[(i, 0)] - z.ln()).abs() < 1e-14);
        }
    }

    #[test]
    fn stable_at_plus_and_minus_1000() {
        let a = Matrix::<U2, U2>::from_row_slice(&[1000.0, -1000.0, 1000.0, -1000.0]);
        let s = a.softmax_cols();
        assert_eq!(s.as_slice(), &[0.5, 0.5, 0.5, 0.5]);
        let l = a.logsumexp_cols();
        assert!((l[(0, 0)] - (1000.0 + 2f64.ln())).abs() < 1e-12);
        assert!((l[(0, 1)] - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        let r = a.softmax_rows();
        assert_eq!(r[(0, 0)], 1.0);
        assert_eq!(r[(0, 1)], 0.0);
        assert!((a.logsumexp_rows()[(1, 0)] - 1000.0).abs() < 1e-12);
    }
}
