//! Helpers shared by the examples (`mod common;` in each): a deterministic pseudo-random
//! generator and a central finite-difference gradient check. Not an example itself: cargo only
//! builds the files directly in `examples/`.

// Each example uses a different subset of these helpers.
#![allow(dead_code)]

use matcalc::prelude::*;

mod rng;
pub use rng::Rng;

/// Central finite differences of the scalar function `f` at `x`, entry by entry.
pub fn fd_gradient<R: Dim, C: Dim>(
    f: impl Fn(&Matrix<R, C>) -> f64,
    x: &Matrix<R, C>,
) -> Matrix<R, C> {
    let h = 1e-6;
    Matrix::from_fn(|i, j| {
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus[(i, j)] += h;
        minus[(i, j)] -= h;
        (f(&plus) - f(&minus)) / (2.0 * h)
    })
}

/// Compares a derived gradient with central finite differences, prints the largest difference
/// and panics unless it is small relative to the gradient's size.
pub fn check_gradient<R: Dim, C: Dim>(
    name: &str,
    derived: &Matrix<R, C>,
    f: impl Fn(&Matrix<R, C>) -> f64,
    x: &Matrix<R, C>,
) {
    let numeric = fd_gradient(f, x);
    let diff = derived.max_abs_diff(&numeric);
    let scale = derived.iter().fold(1.0_f64, |m, g| m.max(g.abs()));
    println!(
        "gradient check {name}: largest |derived − finite difference| = {diff:.1e} (largest |entry| {scale:.2})"
    );
    assert!(
        diff <= 1e-6 * scale,
        "{name}: derived gradient disagrees with finite differences by {diff:e}"
    );
}
