//! An Elman recurrent network trained by gradient descent, its recurrence written as a loop.
//!
//! h₀ = 0, hₜ₊₁ = tanh(W hₜ + u xₜ + b) over a sequence of 8 inputs, hidden size 4, and the
//! prediction is vᵀ h₈. The toy task: predict the weighted sum Σₜ 0.1 (t + 1) xₜ of the inputs,
//! which the network has to carry through its state. `#[grad(W, u, b, v)]` differentiates the
//! unrolled loop at compile time (backpropagation through time, derived symbolically). The
//! gradient is checked against finite differences once; the training loss is printed as it
//! decreases.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

type H = U4;
type T = U8;

#[grad(W, u, b, v)]
fn loss(
    W: &Matrix<U4, U4>,
    u: &Vector<U4>,
    b: &Vector<U4>,
    v: &Vector<U4>,
    xs: &Matrix<U1, U8>,
    target: f64,
) -> f64 {
    let mut h: Vector<U4> = zeros();
    for t in 0..U8 {
        h = tanh(W * h + u * xs[(0, t)] + b);
    }
    0.5 * powi(v.t() * h - target, 2)
}

/// One sequence of the task and its target.
fn sample(rng: &mut Rng) -> (Matrix<U1, T>, f64) {
    let xs = Matrix::<U1, T>::from_fn(|_, _| rng.uniform(-1.0, 1.0));
    let target = (0..8)
        .map(|t| 0.1 * (t + 1) as f64 * xs[(0, t)])
        .sum::<f64>();
    (xs, target)
}

fn main() {
    let mut rng = Rng::new(3);
    let data: Vec<(Matrix<U1, T>, f64)> = (0..32).map(|_| sample(&mut rng)).collect();
    let mut w = Matrix::<H, H>::from_fn(|_, _| rng.uniform(-0.3, 0.3));
    let mut u = Matrix::<H, U1>::from_fn(|_, _| rng.uniform(-0.5, 0.5));
    let mut b = Matrix::<H, U1>::zeros();
    let mut v = Matrix::<H, U1>::from_fn(|_, _| rng.uniform(-0.5, 0.5));

    let (xs, target) = &data[0];
    let (_, gw, _, _, _) = loss_grad(&w, &u, &b, &v, xs, *target);
    check_gradient("∂loss/∂W", &gw, |w| loss(w, &u, &b, &v, xs, *target), &w);

    let mean_loss = |w: &Matrix<H, H>, u: &Vector<H>, b: &Vector<H>, v: &Vector<H>| {
        data.iter()
            .map(|(xs, y)| loss(w, u, b, v, xs, *y))
            .sum::<f64>()
            / data.len() as f64
    };
    let first = mean_loss(&w, &u, &b, &v);
    println!("epoch   0: mean loss {first:.5}");
    let rate = 0.1;
    let mut printed = first;
    for epoch in 1..=300 {
        let (mut gw, mut gu, mut gb, mut gv) = (
            Matrix::<H, H>::zeros(),
            Matrix::<H, U1>::zeros(),
            Matrix::<H, U1>::zeros(),
            Matrix::<H, U1>::zeros(),
        );
        for (xs, y) in &data {
            let (_, dw, du, db, dv) = loss_grad(&w, &u, &b, &v, xs, *y);
            gw += dw;
            gu += du;
            gb += db;
            gv += dv;
        }
        let scale = rate / data.len() as f64;
        w -= gw * scale;
        u -= gu * scale;
        b -= gb * scale;
        v -= gv * scale;
        if epoch % 50 == 0 {
            let now = mean_loss(&w, &u, &b, &v);
            println!("epoch {epoch:3}: mean loss {now:.5}");
            assert!(now < printed, "the loss decreases: {printed} -> {now}");
            printed = now;
        }
    }
    let last = mean_loss(&w, &u, &b, &v);
    assert!(
        last < 0.1 * first,
        "training must reduce the loss: {first} -> {last}"
    );
    let (xs, y) = sample(&mut rng);
    let h = (0..8).fold(Matrix::<H, U1>::zeros(), |h, t| {
        (w * h + u * xs[(0, t)] + b).map(f64::tanh)
    });
    println!("a new sequence: target {y:.4}, prediction {:.4}", v.dot(&h));
}
