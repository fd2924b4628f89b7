//! Fitting the hyperparameters of a Gaussian process on 1-D data through `cholesky` and
//! `solve` (Rasmussen & Williams, Algorithm 2.1).
//!
//! The kernel is a Bayesian linear model on the features φ(t) = (1, t, t²): K = Φ diag(θ) Φᵀ +
//! σ² I, with θ = exp(u) (prior variances of the three coefficients) and σ² = exp(r) (noise),
//! so the log-parameters are unconstrained. The negative log marginal likelihood is
//!
//!     NLL = ½ yᵀ α + Σ log diag(L) + (n/2) log 2π,   L = chol(K), α = L⁻ᵀ (L⁻¹ y).
//!
//! `#[grad(u, r)]` derives ∂NLL/∂u and ∂NLL/∂r at compile time (through the Cholesky adjoint and
//! the triangular solves, K⁻¹ never formed); the gradient is checked against finite
//! differences, then gradient descent fits the hyperparameters to data drawn from a quadratic
//! with noise of variance 0.01.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;
use std::f64::consts::PI;

type N = U12;

#[grad(u, r)]
fn nll<N: Dim>(F: &Matrix<N, U3>, y: &Vector<N>, u: &Vector<U3>, r: f64) -> f64 {
    let K: Matrix<N, N> = F * diag(exp(u)) * F.t() + exp(r) * eye();
    let L = cholesky(K);
    let alpha = solve(L.t(), solve(L, y));
    // Σ log(√(2π) L_ii) = Σ log L_ii + (n/2) log 2π.
    0.5 * (y.t() * alpha) + sum(log(diagonal(L) * sqrt(2.0 * PI)))
}

fn main() {
    let mut rng = Rng::new(7);
    // 12 points on [−1, 1], y = 0.5 − t + 2 t² + noise (standard deviation 0.1).
    let t: Vector<N> = Matrix::from_fn(|i, _| -1.0 + 2.0 * i as f64 / 11.0);
    let y: Vector<N> = Matrix::from_fn(|i, _| {
        let ti = t[(i, 0)];
        0.5 - ti + 2.0 * ti * ti + 0.1 * rng.normal()
    });
    let features: Matrix<N, U3> = Matrix::from_fn(|i, k| t[(i, 0)].powi(k as i32));

    let mut u: Vector<U3> = Matrix::zeros();
    let mut r = 0.0;
    let (start, gu, gr) = nll_grad(&features, &y, &u, r);
    check_gradient("∂NLL/∂u", &gu, |u| nll(&features, &y, u, r), &u);
    let h = 1e-6;
    let fd_r = (nll(&features, &y, &u, r + h) - nll(&features, &y, &u, r - h)) / (2.0 * h);
    println!("gradient check ∂NLL/∂r: derived {gr:.6}, finite differences {fd_r:.6}");
    assert!((gr - fd_r).abs() <= 1e-6 * gr.abs().max(1.0));

    let step = 0.05;
    let mut value = start;
    for _ in 0..400 {
        let (v, gu, gr) = nll_grad(&features, &y, &u, r);
        value = v;
        u -= gu * step;
        r -= step * gr;
    }
    let noise = r.exp();
    println!("NLL: {start:.3} at the start, {value:.3} after 400 steps");
    println!(
        "fitted prior variances θ = ({:.3}, {:.3}, {:.3}), noise variance σ² = {noise:.4}",
        u[(0, 0)].exp(),
        u[(1, 0)].exp(),
        u[(2, 0)].exp()
    );
    assert!(value < start - 1.0, "the fit lowers the NLL");
    assert!(
        (0.001..0.05).contains(&noise),
        "the noise variance is near the true 0.01"
    );
}
