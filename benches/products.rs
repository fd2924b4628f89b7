//! A dense layer's vector–Jacobian product at n = 128 (issue 11): F = tanh(W x + b), W n×n.
//!
//! `#[vjp(W)]` and `#[vjp(x)]` (value and W̄ = (u ⊙ (1 − F²)) xᵀ, or x̄ = Wᵀ (u ⊙ (1 − F²)))
//! against the same value and product hand-written with the same core kernels: one product
//! for the value and the second product (an outer product, or Wᵀ δ) for the vjp. The full
//! Jacobian would have n³ = 2.1·10⁶ entries (wrt W), so the ratio to the hand-written code is
//! what the derivation costs.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

mod common;
use common::{config, entry};

#[allow(non_snake_case)]
mod generated {
    use matcalc::prelude::*;

    #[vjp(W)]
    pub fn layer<N: Dim>(W: &Matrix<N, N>, x: &Vector<N>, b: &Vector<N>) -> Vector<N> {
        tanh(W * x + b)
    }

    #[vjp(x)]
    pub fn layer_x<N: Dim>(W: &Matrix<N, N>, x: &Vector<N>, b: &Vector<N>) -> Vector<N> {
        tanh(W * x + b)
    }
}

#[allow(non_snake_case)]
mod by_hand {
    use matcalc::prelude::*;

    /// F and δ = u ⊙ (1 − F ⊙ F).
    fn forward<N: Dim>(
        W: &Matrix<N, N>,
        x: &Vector<N>,
        b: &Vector<N>,
        u: &Vector<N>,
    ) -> (Vector<N>, Vector<N>) {
        let f = (&(W * x) + b).tanh();
        let delta = Matrix::from_fn(|i, _| u[(i, 0)] * (1.0 - f[(i, 0)] * f[(i, 0)]));
        (f, delta)
    }

    pub fn vjp_w<N: Dim>(
        W: &Matrix<N, N>,
        x: &Vector<N>,
        b: &Vector<N>,
        u: &Vector<N>,
    ) -> (Vector<N>, Matrix<N, N>) {
        let (f, delta) = forward(W, x, b, u);
        let bar = delta.outer(x);
        (f, bar)
    }

    pub fn vjp_x<N: Dim>(
        W: &Matrix<N, N>,
        x: &Vector<N>,
        b: &Vector<N>,
        u: &Vector<N>,
    ) -> (Vector<N>, Vector<N>) {
        let (f, delta) = forward(W, x, b, u);
        let bar = W.tr_mul(&delta);
        (f, bar)
    }
}

fn products(c: &mut Criterion) {
    use matcalc::prelude::*;
    type N = U128;
    let n = 128;
    let w = Box::new(Matrix::<N, N>::from_fn(|i, j| entry(1, i, j) / 8.0));
    let x = Matrix::<N, U1>::from_fn(|i, _| entry(2, i, 0));
    let b = Matrix::<N, U1>::from_fn(|i, _| entry(3, i, 0));
    let u = Matrix::<N, U1>::from_fn(|i, _| entry(4, i, 0));

    // Both compute the same numbers.
    let (f, bar) = generated::layer_vjp(&w, &x, &b, &u);
    let (fh, barh) = by_hand::vjp_w(&w, &x, &b, &u);
    let close = |a: &[f64], e: &[f64]| a.iter().zip(e).all(|(a, e)| (a - e).abs() < 1e-12);
    assert!(close(f.as_slice(), fh.as_slice()) && close(bar.as_slice(), barh.as_slice()));
    let (_, bar) = generated::layer_x_vjp(&w, &x, &b, &u);
    let (_, barh) = by_hand::vjp_x(&w, &x, &b, &u);
    assert!(close(bar.as_slice(), barh.as_slice()));

    let mut group = c.benchmark_group("layer-vjp-W");
    group.bench_function(BenchmarkId::new("matcalc", n), |bn| {
        bn.iter(|| generated::layer_vjp(black_box(&w), black_box(&x), black_box(&b), &u))
    });
    group.bench_function(BenchmarkId::new("hand-written", n), |bn| {
        bn.iter(|| by_hand::vjp_w(black_box(&w), black_box(&x), black_box(&b), &u))
    });
    group.finish();
    let mut group = c.benchmark_group("layer-vjp-x");
    group.bench_function(BenchmarkId::new("matcalc", n), |bn| {
        bn.iter(|| generated::layer_x_vjp(black_box(&w), black_box(&x), black_box(&b), &u))
    });
    group.bench_function(BenchmarkId::new("hand-written", n), |bn| {
        bn.iter(|| by_hand::vjp_x(black_box(&w), black_box(&x), black_box(&b), &u))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = products
}
criterion_main!(benches);
