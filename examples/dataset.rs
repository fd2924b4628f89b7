//! Logistic regression on a data set whose size is known only at run time: N samples with 10
//! features (`Matrix<Dyn, U10>`, N = 100 000 in a release build, 2 000 in a debug build or
//! `--n N`), fitted by Newton's method with the gradient and Hessian that `#[hessian(w)]` derives
//! at compile time for a function generic in the number of samples.
//!
//! φ(w) = Σᵢ softplus((X w)ᵢ) − yᵀ X w + λ/2 ‖w‖²  (y ∈ {0, 1}ᴺ), so
//! ∇φ = Xᵀ(σ(X w) − y) + λ w and ∇²φ = Xᵀ diag(σ ⊙ (1 − σ)) X + λ I (10×10).
//! The data live on the heap (a `Dyn` dimension), so 10⁵ rows run on the default thread stack.

mod common;

use std::time::Instant;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

/// The regularised negative log-likelihood, generic in the number of samples `N`.
#[hessian(w)]
fn nll<N: Dim>(w: &Vector<U10>, X: &Matrix<N, U10>, y: &Vector<N>, lambda: f64) -> f64 {
    sum(softplus(X * w)) - dot(y, X * w) + 0.5 * lambda * norm_sq(w)
}

/// The number of samples: `--n N` if given, else 10⁵ in release and 2 000 in debug builds (CI
/// runs the examples unoptimised).
fn sample_count() -> usize {
    let args: Vec<String> = std::env::args().collect();
    let given = args
        .iter()
        .position(|a| a == "--n")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());
    given.unwrap_or(if cfg!(debug_assertions) {
        2_000
    } else {
        100_000
    })
}

fn main() {
    let n = sample_count();
    let mut rng = Rng::new(7);
    // The true weights; the last feature is a constant 1 (the intercept).
    let w_true: Vector<U10> = rng.matrix(-1.5, 1.5);
    let x = Matrix::<Dyn, U10>::from_fn_dyn(n, 10, |_, j| if j == 9 { 1.0 } else { rng.normal() });
    let scores = &x * w_true;
    let y = Vector::<Dyn>::from_fn_dyn(n, 1, |i, _| {
        let p = 1.0 / (1.0 + (-scores[(i, 0)]).exp());
        if rng.uniform(0.0, 1.0) < p {
            1.0
        } else {
            0.0
        }
    });
    let positives = y.iter().filter(|&&v| v > 0.5).count();
    println!(
        "data: N = {n} samples (decided at run time: Matrix<Dyn, U10>), {positives} labelled 1"
    );

    let lambda = 1.0;
    // The derived gradient against finite differences, on a small slice of the data.
    let m = n.min(200);
    let xs = Matrix::<Dyn, U10>::from_fn_dyn(m, 10, |i, j| x[(i, j)]);
    let ys = Vector::<Dyn>::from_fn_dyn(m, 1, |i, _| y[(i, 0)]);
    let w_probe: Vector<U10> = rng.matrix(-0.5, 0.5);
    let (_, g_probe, _) = nll_hessian(&w_probe, &xs, &ys, lambda);
    check_gradient("∇φ", &g_probe, |w| nll(w, &xs, &ys, lambda), &w_probe);

    let mut w = Vector::<U10>::zeros();
    let mut times = Vec::new();
    for iteration in 0..20 {
        let start = Instant::now();
        let (value, g, h) = nll_hessian(&w, &x, &y, lambda);
        // Newton step: H is symmetric positive definite (λ > 0), H = L Lᵀ.
        let l = h.cholesky();
        let step = l.solve_lower_triangular_transpose(l.solve_lower_triangular(&g));
        w -= step;
        times.push(start.elapsed().as_secs_f64());
        let gnorm = g.norm_sq().sqrt();
        println!("iteration {iteration:2}: φ = {value:.6e}, ‖∇φ‖ = {gnorm:.3e}");
        if gnorm < 1e-8 * n as f64 {
            break;
        }
    }
    let scores = &x * w;
    let correct = (0..n)
        .filter(|&i| (scores[(i, 0)] >= 0.0) == (y[(i, 0)] > 0.5))
        .count();
    let accuracy = correct as f64 / n as f64;
    let bayes = (0..n)
        .filter(|&i| {
            let s: f64 = (0..10).map(|j| x[(i, j)] * w_true[(j, 0)]).sum();
            (s >= 0.0) == (y[(i, 0)] > 0.5)
        })
        .count() as f64
        / n as f64;
    let per_iteration = times.iter().sum::<f64>() / times.len() as f64;
    println!(
        "fitted in {} Newton iterations: accuracy {:.2}% (the true weights give {:.2}%), \
         {:.2} ms per iteration (value, gradient and 10×10 Hessian over {n} rows, and the solve)",
        times.len(),
        100.0 * accuracy,
        100.0 * bayes,
        1e3 * per_iteration
    );
    assert!(
        accuracy > bayes - 0.02,
        "Newton's fit is as good as the true weights"
    );
}
