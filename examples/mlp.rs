//! A two-layer tanh network trained by stochastic gradient descent.
//!
//! φ(W₁, W₂) = ½ ‖W₂ tanh(W₁ x) − y‖²  for one sample (x, y), with x = (x₁, x₂, 1) (the constant
//! 1 gives the hidden layer a bias), W₁ 8×3 and W₂ 1×8. `#[grad(W1, W2)]` derives both
//! gradients — backpropagation — at compile time. The network learns y = sin(x₁)·x₂ on [−2, 2]².

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

/// Squared error of the network on one sample.
#[grad(W1, W2)]
fn loss(W1: &Matrix<U8, U3>, W2: &Matrix<U1, U8>, x: &Vector<U3>, y: f64) -> f64 {
    0.5 * norm_sq(W2 * tanh(W1 * x) - y)
}

/// The network's prediction.
fn predict(w1: &Matrix<U8, U3>, w2: &Matrix<U1, U8>, x: &Vector<U3>) -> f64 {
    (w2 * tanh(w1 * x)).to_scalar()
}

/// The function to learn.
fn target(x1: f64, x2: f64) -> f64 {
    x1.sin() * x2
}

/// Mean squared error over a data set.
fn mse(w1: &Matrix<U8, U3>, w2: &Matrix<U1, U8>, data: &[(Vector<U3>, f64)]) -> f64 {
    data.iter()
        .map(|(x, y)| (predict(w1, w2, x) - y).powi(2))
        .sum::<f64>()
        / data.len() as f64
}

fn input(x1: f64, x2: f64) -> Vector<U3> {
    matrix![x1; x2; 1.0]
}

fn main() {
    let mut rng = Rng::new(3);
    let sample = |rng: &mut Rng| {
        let (x1, x2) = (rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0));
        (input(x1, x2), target(x1, x2))
    };
    let train: Vec<(Vector<U3>, f64)> = (0..64).map(|_| sample(&mut rng)).collect();
    let test: Vec<(Vector<U3>, f64)> = (0..200).map(|_| sample(&mut rng)).collect();

    let mut w1: Matrix<U8, U3> = rng.matrix(-1.0, 1.0);
    let mut w2: Matrix<U1, U8> = rng.matrix(-0.5, 0.5);

    // Check both derived gradients on one sample before training.
    let (x0, y0) = &train[0];
    let (_, g1, g2) = loss_grad(&w1, &w2, x0, *y0);
    check_gradient("∂φ/∂W1", &g1, |w| loss(w, &w2, x0, *y0), &w1);
    check_gradient("∂φ/∂W2", &g2, |w| loss(&w1, w, x0, *y0), &w2);

    println!("φ(W1, W2) = ½‖W2 tanh(W1 x) − y‖²,  W1 8×3, W2 1×8, target y = sin(x₁)·x₂");
    // Copied from the doc comment #[grad(W1, W2)] puts on `loss_grad`.
    println!("∂φ/∂W1 = (W2 tanh(W1 x) − y) (W2ᵀ ⊙ (𝟙 − tanh(W1 x)∘²)) xᵀ");
    println!("∂φ/∂W2 = (W2 tanh(W1 x) − y) tanh(W1 x)ᵀ");
    println!();

    let baseline = test.iter().map(|(_, y)| y * y).sum::<f64>() / test.len() as f64;
    println!("predicting 0 everywhere: test MSE {baseline:.4}");
    let epochs = 200;
    let mut order: Vec<usize> = (0..train.len()).collect();
    for epoch in 0..=epochs {
        if [0, 1, 2, 5, 10, 20, 50, 100, 150, 200].contains(&epoch) {
            println!(
                "epoch {epoch:3}  train MSE {:.5}  test MSE {:.5}",
                mse(&w1, &w2, &train),
                mse(&w1, &w2, &test)
            );
        }
        if epoch == epochs {
            break;
        }
        // Visit the samples in a fresh random order each epoch (Fisher–Yates).
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let rate = 0.05 / (1.0 + epoch as f64 / 100.0);
        for &k in &order {
            let (x, y) = &train[k];
            let (_, g1, g2) = loss_grad(&w1, &w2, x, *y);
            w1 -= g1 * rate;
            w2 -= g2 * rate;
        }
    }

    println!();
    println!("      x₁     x₂   sin(x₁)·x₂   network");
    for &(x1, x2) in &[
        (-1.5, 1.0),
        (0.5, -2.0),
        (1.0, 1.0),
        (1.8, 1.8),
        (-0.3, -0.7),
    ] {
        let y = predict(&w1, &w2, &input(x1, x2));
        println!("  {x1:6.2} {x2:6.2}   {:10.4}  {y:8.4}", target(x1, x2));
    }
    let final_test = mse(&w1, &w2, &test);
    println!(
        "test MSE {final_test:.5}, {:.2}% of the baseline",
        100.0 * final_test / baseline
    );
    assert!(
        final_test < 0.1 * baseline,
        "the network did not learn: test MSE {final_test}"
    );
}
