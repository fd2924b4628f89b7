//! One extended-Kalman-filter update with a nonlinear measurement model whose Jacobian matcalc
//! derives at compile time.
//!
//! A receiver at an unknown 2-D position p has a clock bias b (in metres): the state is
//! x = (p₁, p₂, b). It measures pseudoranges to four beacons at the columns l₁..l₄ of L:
//!
//!   h(x) = ρ,  ρₖ = ‖p − lₖ‖ + b,  i.e.  h(x) = sqrt((D ⊙ D)ᵀ 𝟙) + 𝟙 b,  D = p 𝟙ᵀ − L
//!
//! (as in GNSS positioning). `#[jacobian(x)]` gives H = ∂h/∂xᵀ (4×3), and the standard update
//!
//!   K = P Hᵀ (H P Hᵀ + R)⁻¹,   x⁺ = x + K (z − h(x)),   P⁺ = (I − K H) P
//!
//! moves a poor prior most of the way to the truth in one step.

mod common;

use common::Rng;
use matcalc::prelude::*;

/// Pseudoranges from the state x = (p₁, p₂, b). `S` picks the position out of x (p = S x) and
/// `e` picks the bias (b = eᵀ x).
#[jacobian(x)]
fn pseudoranges(
    x: &Vector<U3>,
    S: &Matrix<U2, U3>,
    e: &Vector<U3>,
    L: &Matrix<U2, U4>,
) -> Vector<U4> {
    let d = S * x * ones() - L;
    sqrt(hadamard(d, d).t() * ones()) + ones() * (e.t() * x)
}

/// Central finite differences of h, column by column: J[(i, k)] ≈ ∂hᵢ/∂xₖ.
fn fd_jacobian(h: impl Fn(&Vector<U3>) -> Vector<U4>, x: &Vector<U3>) -> Matrix<U4, U3> {
    let step = 1e-6;
    let mut j = Matrix::<U4, U3>::zeros();
    for k in 0..3 {
        let (mut plus, mut minus) = (*x, *x);
        plus[(k, 0)] += step;
        minus[(k, 0)] -= step;
        let column = (h(&plus) - h(&minus)) / (2.0 * step);
        for i in 0..4 {
            j[(i, k)] = column[(i, 0)];
        }
    }
    j
}

fn main() {
    let s = matrix![1.0, 0.0, 0.0; 0.0, 1.0, 0.0];
    let e = matrix![0.0; 0.0; 1.0];
    // Four beacons around a 10 m × 10 m field (one per column).
    let beacons = matrix![
        0.0, 10.0, 10.0, 0.0;
        0.0, 0.0, 10.0, 10.0
    ];
    let h = |x: &Vector<U3>| pseudoranges(x, &s, &e, &beacons);

    // The truth, and a prior 1–2 m off with a matching covariance.
    let truth = matrix![3.0; 6.5; 0.8];
    let prior = matrix![4.5; 5.0; 0.0];
    let prior_cov = Matrix::<U3, U3>::from_fn(|i, j| match (i, j) {
        (0, 0) | (1, 1) => 2.0,
        (2, 2) => 1.0,
        _ => 0.0,
    });
    // Measurements: the true pseudoranges plus 5 cm of noise.
    let sigma = 0.05;
    let mut rng = Rng::new(7);
    let noise = Matrix::<U4, U1>::from_fn(|_, _| sigma * rng.normal());
    let z = h(&truth) + noise;
    let r = Matrix::<U4, U4>::identity() * (sigma * sigma);

    // The derived Jacobian at the prior, checked against finite differences before use.
    let (predicted, jac) = pseudoranges_jacobian(&prior, &s, &e, &beacons);
    let numeric = fd_jacobian(h, &prior);
    let diff = jac.max_abs_diff(&numeric);
    println!("Jacobian check: largest |derived − finite difference| = {diff:.1e}");
    assert!(
        diff < 1e-7,
        "the derived measurement Jacobian is wrong by {diff:e}"
    );

    println!();
    println!("state x = (p₁, p₂, b): receiver position and clock bias (metres)");
    println!("h(x)ₖ = ‖p − lₖ‖ + b for the beacons lₖ, the columns of L =\n{beacons:.1}");
    println!("truth x* =\n{truth:.3}");
    println!("prior x̂ =\n{prior:.3}");
    println!("prior covariance P =\n{prior_cov:.3}");
    println!("measured z (5 cm noise) =\n{z:.3}");
    println!("predicted h(x̂) =\n{predicted:.3}");
    println!("measurement Jacobian H = ∂h/∂xᵀ at x̂ (from #[jacobian(x)]) =\n{jac:.4}");
    println!("  row k is ((p − lₖ)ᵀ/‖p − lₖ‖, 1): a unit vector from beacon k, then the bias");

    // The extended-Kalman-filter update.
    let innovation_cov = jac * prior_cov * jac.t() + r;
    let gain = prior_cov * jac.t() * innovation_cov.inv();
    let posterior = prior + gain * (z - predicted);
    let posterior_cov = (Matrix::<U3, U3>::identity() - gain * jac) * prior_cov;

    println!("Kalman gain K = P Hᵀ (H P Hᵀ + R)⁻¹ =\n{gain:.4}");
    println!("posterior x⁺ = x̂ + K (z − h(x̂)) =\n{posterior:.4}");
    println!("posterior covariance P⁺ = (I − K H) P =\n{posterior_cov:.5}");

    let prior_error = (prior - truth).norm();
    let posterior_error = (posterior - truth).norm();
    let prior_sd = prior_cov.tr().sqrt();
    let posterior_sd = posterior_cov.tr().sqrt();
    println!(
        "error ‖x − x*‖: prior {prior_error:.3} m (√tr P = {prior_sd:.3}), \
         posterior {posterior_error:.3} m (√tr P⁺ = {posterior_sd:.3})"
    );
    assert!(
        posterior_error < 0.25 * prior_error,
        "one EKF update should cut the error: {prior_error} -> {posterior_error}"
    );
    assert!(
        posterior_sd < prior_sd,
        "the update should shrink the covariance"
    );

    // Most of what is left is linearisation error: H was taken at x̂, 2 m from the truth. The
    // iterated EKF relinearises at the latest estimate xᵢ (same prior, same z):
    //   xᵢ₊₁ = x̂ + Kᵢ (z − h(xᵢ) − Hᵢ (x̂ − xᵢ)).
    println!();
    println!("iterated EKF (relinearise H at the latest estimate):");
    let mut xi = posterior;
    for i in 1..=3 {
        let (hx, hi) = pseudoranges_jacobian(&xi, &s, &e, &beacons);
        let ki = prior_cov * hi.t() * (hi * prior_cov * hi.t() + r).inv();
        xi = prior + ki * (z - hx - hi * (prior - xi));
        println!(
            "  iteration {i}: x = ({:.4}, {:.4}, {:.4}), error {:.4} m",
            xi[(0, 0)],
            xi[(1, 0)],
            xi[(2, 0)],
            (xi - truth).norm()
        );
    }
    let iterated_error = (xi - truth).norm();
    assert!(
        iterated_error < posterior_error,
        "relinearising should help: {posterior_error} -> {iterated_error}"
    );
}
