//! L2-regularised logistic regression on a synthetic two-class data set.
//!
//! φ(w) = Σᵢ softplus(−bᵢ (X w)ᵢ) + λ/2 ‖w‖²  with X the n×d design matrix (a constant column
//! for the intercept) and b ∈ {−1, +1}ⁿ the labels. `#[grad(w)]` derives
//! ∂φ/∂w = −Xᵀ (b ⊙ σ(−b ⊙ X w)) + λ w at compile time; gradient descent on it fits the classifier.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

/// Logistic loss of the whole data set plus a ridge penalty (generic in the number of samples).
#[grad(w)]
fn loss<N: Dim>(w: &Vector<U3>, X: &Matrix<N, U3>, b: &Vector<N>, lambda: f64) -> f64 {
    sum(softplus(-hadamard(b, X * w))) + 0.5 * lambda * norm_sq(w)
}

/// Fraction of samples whose predicted class (+1 where x·w ≥ 0, else −1) matches the label.
fn accuracy(w: &Vector<U3>, x: &Matrix<U40, U3>, b: &Vector<U40>) -> f64 {
    let scores = x * w;
    let predict = |s: f64| if s >= 0.0 { 1.0 } else { -1.0 };
    let correct = (0..40)
        .filter(|&i| predict(scores[(i, 0)]) == b[(i, 0)])
        .count();
    correct as f64 / 40.0
}

fn main() {
    let mut rng = Rng::new(2024);
    // Points in the square [−2, 2]², labelled by the side of the line 1.5 x₁ − x₂ + 0.5 = 0
    // they fall on, with the label of points near the line flipped at random (so the data are
    // only "separable-ish" and the regularised optimum is finite).
    let w_line: Vector<U3> = matrix![1.5; -1.0; 0.5];
    let mut x = Matrix::<U40, U3>::zeros();
    let mut b = Vector::<U40>::zeros();
    for i in 0..40 {
        x[(i, 0)] = rng.uniform(-2.0, 2.0);
        x[(i, 1)] = rng.uniform(-2.0, 2.0);
        x[(i, 2)] = 1.0;
        let margin = (x.row(i) * w_line).to_scalar();
        b[(i, 0)] = if margin + 0.8 * rng.normal() > 0.0 {
            1.0
        } else {
            -1.0
        };
    }
    let positives = b.iter().filter(|&&l| l > 0.0).count();
    println!(
        "data: 40 points in [−2, 2]², {positives} labelled +1, {} labelled −1",
        40 - positives
    );
    let lambda = 0.1;

    let w_probe: Vector<U3> = rng.matrix(-1.0, 1.0);
    let (_, g_probe) = loss_grad(&w_probe, &x, &b, lambda);
    check_gradient("∂φ/∂w", &g_probe, |w| loss(w, &x, &b, lambda), &w_probe);

    println!("φ(w) = sum(softplus(−b ⊙ X w)) + λ/2 ‖w‖²,  X 40×3, λ = {lambda}");
    // Copied from the doc comment #[grad(w)] puts on `loss_grad`.
    println!("∂φ/∂w = lambda w − Xᵀ (σ(−(b ⊙ X w)) ⊙ b)   (derived by #[grad(w)])");
    println!("      = λ w − Xᵀ (b ⊙ σ(−b ⊙ X w))");
    println!();

    let step = 0.02;
    let mut w = Vector::<U3>::zeros();
    let mut first_loss = f64::NAN;
    let mut last_loss = f64::NAN;
    for iteration in 0..=500 {
        let (value, gradient) = loss_grad(&w, &x, &b, lambda);
        if iteration == 0 {
            first_loss = value;
        }
        last_loss = value;
        if iteration % 50 == 0 {
            println!(
                "step {iteration:3}  loss {value:9.5}  ‖∂φ/∂w‖ {:8.1e}  accuracy {:5.1}%",
                gradient.norm(),
                100.0 * accuracy(&w, &x, &b)
            );
        }
        w -= gradient * step;
    }

    let acc = accuracy(&w, &x, &b);
    println!();
    println!(
        "w = [{:.3}, {:.3}, {:.3}]  (the labelling line, up to scale: [1.5, −1, 0.5])",
        w[(0, 0)],
        w[(1, 0)],
        w[(2, 0)]
    );
    println!("final training accuracy: {:.1}%", 100.0 * acc);
    assert!(last_loss < 0.5 * first_loss, "the loss did not go down");
    assert!(acc >= 0.85, "the classifier is no better than {acc}");
}
