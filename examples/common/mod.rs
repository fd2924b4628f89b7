//! Helpers shared by the examples (`mod common;` in each): a deterministic pseudo-random
//! generator and a central finite-difference gradient check. Not an example itself: cargo only
//! builds the files directly in `examples/`.

// Each example uses a different subset of these helpers.
#![allow(dead_code)]

use matcalc::prelude::*;

/// SplitMix64: the same seed always gives the same numbers, with no random-number crate.
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * unit
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform(f64::MIN_POSITIVE, 1.0);
        let u2 = self.uniform(0.0, 1.0);
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// An index in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A matrix of independent uniform entries in `[lo, hi)`.
    pub fn matrix<R: Dim, C: Dim>(&mut self, lo: f64, hi: f64) -> Matrix<R, C> {
        Matrix::from_fn(|_, _| self.uniform(lo, hi))
    }
}

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
