//! The Gaussian-process evidence of issue 10 with its gradient: NLL = ½ yᵀα + Σ log Lᵢᵢ,
//! L = chol(K), α = L⁻ᵀ L⁻¹ y, K = X diag(θ) Xᵀ + σ² I (X n×3), gradient in θ and σ².
//!
//! matcalc (`#[grad(theta, noise)]`, through the Cholesky adjoint and triangular solves)
//! against the same value and gradient hand-written with nalgebra's Cholesky, using the closed
//! form ∂/∂θ_k = ½ (‖L⁻¹x_k‖² − (x_kᵀα)²), ∂/∂σ² = ½ (‖L⁻¹‖²_F − ‖α‖²), at n = 8, 32, 128.
//! nalgebra uses `DMatrix` at every size (a static 128×128 would not fit the stack).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nalgebra::{DMatrix, DVector};

mod common;
use common::{config, entry};

#[allow(non_snake_case)]
mod generated {
    use matcalc::prelude::*;

    #[grad(theta, noise)]
    pub fn gp<N: Dim>(X: &Matrix<N, U3>, y: &Vector<N>, theta: &Vector<U3>, noise: f64) -> f64 {
        let K: Matrix<N, N> = X * diag(theta) * X.t() + noise * eye();
        let L = cholesky(K);
        let alpha = solve(L.t(), solve(L, y));
        0.5 * (y.t() * alpha) + sum(log(diagonal(L)))
    }
}

/// Value and gradient, by hand with nalgebra.
fn gp_nalgebra(
    x: &DMatrix<f64>,
    y: &DVector<f64>,
    theta: &DVector<f64>,
    noise: f64,
) -> (f64, DVector<f64>, f64) {
    let n = x.nrows();
    let k = x * DMatrix::from_diagonal(theta) * x.transpose() + DMatrix::identity(n, n) * noise;
    let chol = k.cholesky().expect("SPD");
    let l = chol.l();
    let alpha = chol.solve(y);
    let value = 0.5 * y.dot(&alpha) + l.diagonal().iter().map(|d| d.ln()).sum::<f64>();
    let w = l.solve_lower_triangular(x).expect("regular");
    let xa = x.transpose() * &alpha;
    let g_theta = DVector::from_fn(3, |k, _| 0.5 * (w.column(k).norm_squared() - xa[k] * xa[k]));
    let l_inv = l
        .solve_lower_triangular(&DMatrix::identity(n, n))
        .expect("regular");
    let g_noise = 0.5 * (l_inv.norm_squared() - alpha.norm_squared());
    (value, g_theta, g_noise)
}

macro_rules! bench_size {
    ($c:expr, $n:literal, $dim:ty) => {{
        use matcalc::prelude::*;
        let x = Matrix::<$dim, U3>::from_fn(|i, j| entry(1, i, j));
        let y = Matrix::<$dim, U1>::from_fn(|i, _| entry(2, i, 0));
        let theta = Matrix::<U3, U1>::from_fn(|i, _| 0.5 + 0.25 * i as f64);
        let noise = 0.3;
        let xn = DMatrix::from_fn($n, 3, |i, j| entry(1, i, j));
        let yn = DVector::from_fn($n, |i, _| entry(2, i, 0));
        let tn = DVector::from_fn(3, |i, _| 0.5 + 0.25 * i as f64);
        // Both compute the same numbers.
        let (v, gt, gs) = generated::gp_grad(&x, &y, &theta, noise);
        let (vn, gtn, gsn) = gp_nalgebra(&xn, &yn, &tn, noise);
        assert!(
            (v - vn).abs() < 1e-8 * vn.abs().max(1.0),
            "value {v} vs {vn}"
        );
        assert!(
            (gs - gsn).abs() < 1e-8 * gsn.abs().max(1.0),
            "∂σ² {gs} vs {gsn}"
        );
        for k in 0..3 {
            assert!((gt[(k, 0)] - gtn[k]).abs() < 1e-8 * gtn[k].abs().max(1.0));
        }
        let mut group = $c.benchmark_group("gp-nll-grad");
        group.bench_function(BenchmarkId::new("matcalc", $n), |b| {
            b.iter(|| generated::gp_grad(black_box(&x), black_box(&y), black_box(&theta), noise))
        });
        group.bench_function(BenchmarkId::new("nalgebra", $n), |b| {
            b.iter(|| gp_nalgebra(black_box(&xn), black_box(&yn), black_box(&tn), noise))
        });
        group.finish();
    }};
}

fn gp(c: &mut Criterion) {
    bench_size!(c, 8, U8);
    bench_size!(c, 32, U32);
    bench_size!(c, 128, U128);
}

criterion_group! {
    name = benches;
    config = config();
    targets = gp
}
criterion_main!(benches);
