//! Maximum-likelihood covariance of a zero-mean Gaussian, by gradient descent on the covariance.
//!
//! For samples x₁..x_N with scatter matrix A = (1/N) Σ xₖ xₖᵀ, the negative log-likelihood per
//! sample (up to a constant) is
//!     φ(S) = ½ logdet(S) + ½ tr(S⁻¹ A).
//! `#[grad(S)]` derives ∂φ/∂S = ½ (S⁻ᵀ − S⁻ᵀ Aᵀ S⁻ᵀ) at compile time. It vanishes exactly at
//! S = A, the well-known MLE; gradient descent from S = I gets there.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

/// Gaussian negative log-likelihood per sample, as a function of the covariance S.
#[grad(S)]
fn nll(S: &Matrix<U3, U3>, A: &Matrix<U3, U3>) -> f64 {
    0.5 * logdet(S) + 0.5 * tr(inv(S) * A)
}

/// Whether the symmetric matrix `s` is positive definite (Cholesky succeeds).
fn is_spd(s: &Matrix<U3, U3>) -> bool {
    let mut l = Matrix::<U3, U3>::zeros();
    for j in 0..3 {
        let d = s[(j, j)] - (0..j).map(|k| l[(j, k)] * l[(j, k)]).sum::<f64>();
        if d <= 0.0 {
            return false;
        }
        l[(j, j)] = d.sqrt();
        for i in j + 1..3 {
            l[(i, j)] =
                (s[(i, j)] - (0..j).map(|k| l[(i, k)] * l[(j, k)]).sum::<f64>()) / l[(j, j)];
        }
    }
    true
}

fn main() {
    let mut rng = Rng::new(11);
    // The true covariance Σ = L Lᵀ, and N = 500 samples x = L z with z standard normal.
    let l: Matrix<U3, U3> = matrix![
        1.2, 0.0, 0.0;
        0.5, 0.9, 0.0;
        -0.3, 0.4, 0.8
    ];
    let sigma = l * l.t();
    let n = 500;
    let mut a = Matrix::<U3, U3>::zeros();
    for _ in 0..n {
        let z: Vector<U3> = Matrix::from_fn(|_, _| rng.normal());
        let x = l * z;
        a += x * x.t();
    }
    let a = a / n as f64;
    println!("true covariance Σ =\n{sigma:.4}");
    println!("sample scatter matrix A = (1/{n}) Σ xₖ xₖᵀ =\n{a:.4}");

    // Check the derived gradient at an SPD point away from the optimum.
    let probe: Matrix<U3, U3> = matrix![
        2.0, 0.3, -0.2;
        0.3, 1.0, 0.1;
        -0.2, 0.1, 0.7
    ];
    let (_, g_probe) = nll_grad(&probe, &a);
    check_gradient("∂φ/∂S", &g_probe, |s| nll(s, &a), &probe);

    println!("φ(S) = ½ logdet(S) + ½ tr(S⁻¹ A)");
    // Copied from the doc comment #[grad(S)] puts on `nll_grad`.
    println!("∂φ/∂S = −0.5 S⁻ᵀ Aᵀ S⁻ᵀ + 0.5 S⁻ᵀ   (derived by #[grad(S)])");
    println!("      = ½ S⁻¹ (S − A) S⁻¹ for symmetric S and A: zero exactly at S = A");
    println!();

    // Gradient descent from the identity. S must stay symmetric positive definite: the step is
    // symmetrised, and halved (and retried) whenever it would leave the cone or raise the loss
    // (beyond rounding: near the optimum φ changes by less than its last bits).
    let mut s = Matrix::<U3, U3>::identity();
    let mut step = 0.5;
    let mut iteration = 0;
    loop {
        let (value, gradient) = nll_grad(&s, &a);
        let gradient = (gradient + gradient.t()) * 0.5;
        if iteration % 50 == 0 || gradient.norm() < 1e-9 {
            println!(
                "step {iteration:3}  φ {value:.10}  ‖∂φ/∂S‖ {:8.1e}  ‖S − A‖ {:8.1e}  step size {step}",
                gradient.norm(),
                (s - a).norm()
            );
        }
        if gradient.norm() < 1e-9 || iteration == 1000 {
            break;
        }
        loop {
            let candidate = s - gradient * step;
            if is_spd(&candidate) && nll(&candidate, &a) <= value + 1e-14 {
                s = candidate;
                break;
            }
            step /= 2.0;
        }
        iteration += 1;
    }

    let optimum = 0.5 * logdet(a) + 1.5;
    println!();
    println!("S after {iteration} steps =\n{s:.4}");
    println!("‖S − A‖ = {:.1e}", (s - a).norm());
    println!(
        "φ(S) − φ(A) = {:.1e}  (φ(A) = ½ logdet A + 3/2 = {optimum:.6})",
        nll(&s, &a) - optimum
    );
    println!(
        "‖A − Σ‖ = {:.3}  (sampling error of the MLE with N = {n})",
        (a - sigma).norm()
    );
    assert!(
        (s - a).norm() < 1e-8,
        "gradient descent did not reach the MLE"
    );
}
