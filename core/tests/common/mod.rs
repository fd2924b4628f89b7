//! Shared helpers for the integration tests: the crate's deterministic PRNG and naive reference
//! implementations written with plain index loops.
#![allow(dead_code)]

#[path = "../../src/testutil.rs"]
mod testutil;

use matcalc_core::{Dim, Matrix};
pub use testutil::Rng;

/// A matrix with entries uniform in `[-1, 1)`.
pub fn random<R: Dim, C: Dim>(rng: &mut Rng) -> Matrix<R, C> {
    Matrix::from_fn(|_, _| rng.uniform())
}

/// An `nrows × ncols` matrix (any dimension types, `Dyn` included) with entries uniform in
/// `[-1, 1)`.
pub fn random_dyn<R: Dim, C: Dim>(rng: &mut Rng, nrows: usize, ncols: usize) -> Matrix<R, C> {
    Matrix::from_fn_dyn(nrows, ncols, |_, _| rng.uniform())
}

/// `Σ_p a[i][p] b[p][j]` with explicit loops (any dimension types, `Dyn` included).
pub fn naive_product<R: Dim, K: Dim, C: Dim>(a: &Matrix<R, K>, b: &Matrix<K, C>) -> Matrix<R, C> {
    let mut out = Matrix::zeros_generic(a.shape_generic().0, b.shape_generic().1);
    for i in 0..a.nrows() {
        for j in 0..b.ncols() {
            let mut s = 0.0;
            for p in 0..a.ncols() {
                s += a[(i, p)] * b[(p, j)];
            }
            out[(i, j)] = s;
        }
    }
    out
}

/// Gauss–Jordan inverse with full pivoting on a `Vec<Vec<f64>>`: an implementation independent
/// of the crate's LU, for cross-checking.
pub fn gauss_jordan_inverse<N: Dim>(a: &Matrix<N, N>) -> Option<Matrix<N, N>> {
    let n = a.nrows();
    let mut m: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..2 * n)
                .map(|j| {
                    if j < n {
                        a[(i, j)]
                    } else if j - n == i {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    for k in 0..n {
        let p = (k..n).max_by(|&x, &y| m[x][k].abs().total_cmp(&m[y][k].abs()))?;
        if m[p][k] == 0.0 {
            return None;
        }
        m.swap(k, p);
        let pivot = m[k][k];
        for v in m[k].iter_mut() {
            *v /= pivot;
        }
        for i in 0..n {
            if i != k {
                let f = m[i][k];
                let row_k = m[k].clone();
                for (v, r) in m[i].iter_mut().zip(row_k) {
                    *v -= f * r;
                }
            }
        }
    }
    let (r, c) = a.shape_generic();
    Some(Matrix::from_fn_generic(r, c, |i, j| m[i][j + n]))
}
