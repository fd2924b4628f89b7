//! Newton's method with a Hessian derived at compile time, on L2-regularised logistic
//! regression:
//!
//!   φ(w) = Σᵢ softplus(−bᵢ (X w)ᵢ) + ½ λ ‖w‖²,   labels bᵢ = ±1,  X n×d (n = 60, d = 4)
//!
//! `#[grad(w)]` and `#[hessian(w)]` derive ∇φ = −Xᵀ(b ⊙ σ(−b ⊙ Xw)) + λw and
//! ∇²φ = Xᵀ diag(σ(Xw) ⊙ (𝟙 − σ(Xw))) X + λI. The Newton step w ← w − (∇²φ)⁻¹ ∇φ converges
//! quadratically: near the optimum the number of correct digits roughly doubles per step,
//! while gradient descent with the safe step 1/L gains a fixed fraction of a digit per step.

mod common;

use common::{check_gradient, fd_gradient, Rng};
use matcalc::prelude::*;

/// Samples and features.
type Rows = U<60>;
type Cols = U4;

/// The regularised logistic loss, for any number of samples N and features D.
#[grad(w)]
#[hessian(w)]
fn loss<N: Dim, D: Dim>(w: &Vector<D>, X: &Matrix<N, D>, b: &Vector<N>, lambda: f64) -> f64 {
    sum(softplus(-hadamard(b, X * w))) + 0.5 * lambda * norm_sq(w)
}

/// `(a, b, c, d)` with 4 decimals.
fn row(v: &Vector<Cols>) -> String {
    let entries: Vec<String> = v.iter().map(|e| format!("{e:.4}")).collect();
    format!("({})", entries.join(", "))
}

fn main() {
    // Synthetic data: features x ~ N(0, I₃) plus a constant 1 (the intercept); labels drawn from
    // the logistic model with true weights w*, so the classes overlap and the optimum is finite.
    let mut rng = Rng::new(11);
    let w_true = matrix![1.5; -2.0; 0.75; 0.5];
    let x: Matrix<Rows, Cols> = Matrix::from_fn(|_, j| if j == 3 { 1.0 } else { rng.normal() });
    let z = &x * w_true;
    let b: Vector<Rows> = Matrix::from_fn(|i, _| {
        let p = 1.0 / (1.0 + (-z[(i, 0)]).exp());
        if rng.uniform(0.0, 1.0) < p {
            1.0
        } else {
            -1.0
        }
    });
    let lambda = 0.1;
    let f = |w: &Vector<Cols>| loss(w, &x, &b, lambda);

    // Check the derived gradient against finite differences of φ, and the derived Hessian
    // against finite differences of the derived gradient, at a random point.
    let w0: Vector<Cols> = rng.matrix(-1.0, 1.0);
    let (_, g0, h0) = loss_hessian(&w0, &x, &b, lambda);
    check_gradient("∇φ", &g0, f, &w0);
    let mut h_fd = Matrix::<Cols, Cols>::zeros();
    for j in 0..4 {
        let column = fd_gradient(|w| loss_grad(w, &x, &b, lambda).1[(j, 0)], &w0);
        for i in 0..4 {
            h_fd[(j, i)] = column[(i, 0)];
        }
    }
    let diff = h0.max_abs_diff(&h_fd);
    println!("Hessian check: largest |derived − finite difference of ∇φ| = {diff:.1e}");
    assert!(
        diff < 1e-6 * h0.norm(),
        "the derived Hessian is wrong by {diff:e}"
    );
    assert_eq!(h0, h0.t(), "the derived Hessian is exactly symmetric");
    println!();

    println!("φ(w) = Σ softplus(−b ⊙ Xw) + ½λ‖w‖²,  X 60×4, λ = {lambda}");
    println!("∇²φ = Xᵀ diag(σ(Xw) ⊙ (𝟙 − σ(Xw))) X + λI  (from #[hessian(w)])");
    println!();

    // Newton's method from w = 0.
    println!("Newton's method:");
    println!("  iter          φ(w)        ‖∇φ‖");
    let mut w = Vector::<Cols>::zeros();
    let mut norms = Vec::new();
    for iter in 0..8 {
        let (value, g, h) = loss_hessian(&w, &x, &b, lambda);
        let gnorm = g.norm();
        norms.push(gnorm);
        println!("  {iter:4}  {value:12.9}  {gnorm:10.3e}");
        if gnorm < 1e-13 {
            break;
        }
        w -= h.inv() * g;
    }
    println!(
        "  minimiser w = {}  (the weights the data were drawn with: {})",
        row(&w),
        row(&w_true)
    );

    // Quadratic convergence: once ‖∇φ‖ is small, each step roughly squares it (relative to the
    // scale of the problem), i.e. the exponent roughly doubles.
    let tail: Vec<f64> = norms.iter().copied().filter(|&n| n < 1e-1).collect();
    assert!(
        tail.len() >= 2,
        "Newton should reach a small gradient: {norms:?}"
    );
    for pair in tail.windows(2) {
        let (before, after) = (pair[0].log10(), pair[1].log10());
        println!(
            "  correct digits of ∇φ = 0: {:4.1} -> {:4.1}",
            -before, -after
        );
        assert!(
            after < 1.6 * before || pair[1] < 1e-12,
            "not quadratic: ‖∇φ‖ {} -> {}",
            pair[0],
            pair[1]
        );
    }
    assert!(
        *norms.last().unwrap() < 1e-10,
        "Newton did not converge: {norms:?}"
    );

    // Gradient descent from the same start, with the step 1/L where L bounds the largest
    // eigenvalue of the Hessian (σ(1−σ) ≤ ¼): L = ¼‖X‖²_F + λ.
    let l = 0.25 * x.norm_sq() + lambda;
    println!();
    println!("gradient descent, step 1/L = {:.4}:", 1.0 / l);
    println!("  iter          φ(w)        ‖∇φ‖");
    let mut w = Vector::<Cols>::zeros();
    for iter in 0..=50 {
        let (value, g) = loss_grad(&w, &x, &b, lambda);
        if iter % 10 == 0 || iter < 4 {
            println!("  {iter:4}  {value:12.9}  {:10.3e}", g.norm());
        }
        w -= g / l;
    }
    let gd_gradient = loss_grad(&w, &x, &b, lambda).1.norm();
    println!(
        "after 50 gradient steps ‖∇φ‖ = {gd_gradient:.1e}; Newton reached {:.1e} in {} steps",
        norms.last().unwrap(),
        norms.len() - 1
    );
    assert!(gd_gradient > *norms.last().unwrap());
}
