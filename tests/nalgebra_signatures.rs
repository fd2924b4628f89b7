//! DSL functions written over nalgebra types (feature `nalgebra`): `SMatrix`/`SVector` with
//! literal and const-generic sizes, `DMatrix`/`DVector`, f64 and f32. The generated functions
//! take and return nalgebra types; each derivative is checked against a closed form computed
//! with nalgebra AND against central finite differences of the original function, and each
//! value against the same expression computed with nalgebra.
#![allow(non_snake_case)]

use matcalc::prelude::*;
use nalgebra::{DMatrix, DVector, SMatrix, SVector};

/// Deterministic entries in [-1, 1] (no randomness crate needed).
fn entries(seed: u64, n: usize) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn srand<const R: usize, const C: usize>(seed: u64) -> SMatrix<f64, R, C> {
    SMatrix::from_column_slice(&entries(seed, R * C))
}

fn drand(seed: u64, r: usize, c: usize) -> DMatrix<f64> {
    DMatrix::from_column_slice(r, c, &entries(seed, r * c))
}

/// Central finite differences of a scalar function of a matrix, entry by entry.
fn fd_gradient<const R: usize, const C: usize>(
    f: impl Fn(&SMatrix<f64, R, C>) -> f64,
    x: &SMatrix<f64, R, C>,
) -> SMatrix<f64, R, C> {
    let h = 1e-6;
    SMatrix::from_fn(|i, j| {
        let (mut plus, mut minus) = (*x, *x);
        plus[(i, j)] += h;
        minus[(i, j)] -= h;
        (f(&plus) - f(&minus)) / (2.0 * h)
    })
}

fn fd_gradient_dyn(f: impl Fn(&DMatrix<f64>) -> f64, x: &DMatrix<f64>) -> DMatrix<f64> {
    let h = 1e-6;
    DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| {
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus[(i, j)] += h;
        minus[(i, j)] -= h;
        (f(&plus) - f(&minus)) / (2.0 * h)
    })
}

fn close<R: nalgebra::Dim, C: nalgebra::Dim, S, S2>(
    what: &str,
    a: &nalgebra::Matrix<f64, R, C, S>,
    b: &nalgebra::Matrix<f64, R, C, S2>,
    tol: f64,
) where
    S: nalgebra::RawStorage<f64, R, C>,
    S2: nalgebra::RawStorage<f64, R, C>,
{
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    let scale = 1.0 + b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = a.iter().zip(b.iter()).fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(diff <= tol * scale, "{what}: differ by {diff}\n{a}\n{b}");
}

// ------------------------------------------------------------ least squares, SMatrix

#[grad(W)]
fn least_squares(W: &SMatrix<f64, 3, 4>, x: &SVector<f64, 4>, y: &SVector<f64, 3>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

/// ∂½‖Wx − y‖²/∂W = (Wx − y) xᵀ.
#[test]
fn least_squares_gradient_through_smatrix() {
    let (w, x, y) = (srand::<3, 4>(1), srand::<4, 1>(2), srand::<3, 1>(3));
    let (value, gradient): (f64, SMatrix<f64, 3, 4>) = least_squares_grad(&w, &x, &y);
    let r = w * x - y;
    assert!((value - 0.5 * r.norm_squared()).abs() < 1e-12);
    assert!((least_squares(&w, &x, &y) - value).abs() < 1e-12);
    close("closed form", &gradient, &(r * x.transpose()), 1e-12);
    close(
        "finite differences",
        &gradient,
        &fd_gradient(|w| least_squares(w, &x, &y), &w),
        1e-7,
    );
}
