//! Linear least squares in matrix form: recover a 3×4 weight matrix W from noisy data.
//!
//! φ(W) = ½‖W X − Y‖²  with X the 4×N inputs (one column per sample) and Y the 3×N targets.
//! `#[grad(W)]` derives ∂φ/∂W = (W X − Y) Xᵀ at compile time; plain gradient descent on it
//! recovers the W that generated the data.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

/// Number of samples.
type N = U20;
// (The alias is for `main`; the DSL function takes a generic `N: Dim` instead, because the
// macro reads dimensions syntactically and does not resolve type aliases.)

/// Half the squared residual over the whole data set (generic in the number of samples).
#[grad(W)]
fn loss<N: Dim>(W: &Matrix<U3, U4>, X: &Matrix<U4, N>, Y: &Matrix<U3, N>) -> f64 {
    0.5 * norm_sq(W * X - Y)
}

fn main() {
    let mut rng = Rng::new(7);
    let w_true: Matrix<U3, U4> = matrix![
        1.0, -2.0, 0.5, 3.0;
        0.0, 1.5, -1.0, 2.0;
        -0.5, 0.25, 2.0, -1.0
    ];
    let x: Matrix<U4, N> = rng.matrix(-1.0, 1.0);
    let noise: Matrix<U3, N> = Matrix::from_fn(|_, _| 0.01 * rng.normal());
    let y = w_true * &x + noise;

    // The derived gradient, checked at a random point before we trust it.
    let w_probe: Matrix<U3, U4> = rng.matrix(-1.0, 1.0);
    let (_, g_probe) = loss_grad(&w_probe, &x, &y);
    check_gradient("∂φ/∂W", &g_probe, |w| loss(w, &x, &y), &w_probe);

    println!("φ(W) = ½‖W X − Y‖²,  X 4×20, Y 3×20");
    println!("derived by #[grad(W)]: {LOSS_GRAD_FORMULA}");
    println!();

    let step = 0.05;
    let mut w = Matrix::<U3, U4>::zeros();
    for iteration in 0..=120 {
        let (value, gradient) = loss_grad(&w, &x, &y);
        if iteration % 10 == 0 {
            println!(
                "step {iteration:3}  loss {value:10.6}  ‖∂φ/∂W‖ {:9.2e}  ‖W − W_true‖ {:9.2e}",
                gradient.norm(),
                (w - w_true).norm()
            );
        }
        w -= gradient * step;
    }

    // The closed-form minimiser, from ∂φ/∂W = 0: W* = Y Xᵀ (X Xᵀ)⁻¹.
    let w_star = &y * x.t() * (&x * x.t()).inv();
    let error = (w - w_true).norm();
    println!();
    println!("true W =\n{w_true:.3}");
    println!("recovered W =\n{w:.3}");
    println!("‖W − W_true‖ = {error:.2e}  (the targets carry noise of standard deviation 0.01)");
    println!(
        "‖W − Y Xᵀ (X Xᵀ)⁻¹‖ = {:.1e}  (distance to the normal-equations solution)",
        (w - w_star).norm()
    );
    assert!(error < 0.05, "gradient descent did not recover W");
    assert!((w - w_star).norm() < 1e-8);
}
