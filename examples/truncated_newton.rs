//! Logistic regression by truncated Newton (Newton–CG) on Hessian–vector products from
//! `#[hvp]`, against Newton with the full Hessian from `#[hessian]`.
//!
//! φ(w) = Σᵢ softplus(−bᵢ (X w)ᵢ) + λ/2 ‖w‖², X the n×d design matrix, b ∈ {−1, +1}ⁿ. Each
//! Newton step solves H p = −∇φ. Truncated Newton solves it by conjugate gradients, which only
//! needs H v: `loss_hvp` computes Xᵀ (s ⊙ (X v)) + λ v with s = σ(·)(1 − σ(·)) in two
//! matrix–vector products, never forming H (d×d) — the method of choice when d is large.
//! Full Newton forms H with `loss_hessian` and factors it. Run to a tight CG tolerance, both
//! take the same steps: the iterates agree to ~1e-8 (asserted), and φ converges quadratically.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;
use std::time::Instant;

type D = U8;
type N = U<160>;

/// d, the number of weights.
const DIMS: usize = 8;

#[hvp(w)]
#[hessian(w)]
fn loss<N: Dim, D: Dim>(w: &Vector<D>, X: &Matrix<N, D>, b: &Vector<N>, lambda: f64) -> f64 {
    sum(softplus(-hadamard(b, X * w))) + 0.5 * lambda * norm_sq(w)
}

/// Solves H p = r by conjugate gradients, with H available only through `hv(v) = H v` (H
/// symmetric positive definite). Stops when ‖residual‖ ≤ `tol` ‖r‖; returns p and the number
/// of products used.
fn conjugate_gradients(
    hv: impl Fn(&Vector<D>) -> Vector<D>,
    r: &Vector<D>,
    tol: f64,
) -> (Vector<D>, usize) {
    let mut p = Vector::<D>::zeros();
    let mut res = *r;
    let mut dir = res;
    let mut rr = res.dot(&res);
    let stop = tol * tol * rr;
    let mut products = 0;
    // In exact arithmetic CG ends after d steps; a few more absorb rounding.
    while rr > stop && products < 3 * DIMS {
        let hd = hv(&dir);
        products += 1;
        let alpha = rr / dir.dot(&hd);
        p += dir * alpha;
        res -= hd * alpha;
        let next = res.dot(&res);
        dir = res + dir * (next / rr);
        rr = next;
    }
    (p, products)
}

fn main() {
    let start = Instant::now();
    let mut rng = Rng::new(11);
    // Features in [−1, 1] (the last one constant, an intercept); labels from a random linear
    // rule with 10% flipped, so the regularised optimum is finite.
    let truth: Vector<D> = Matrix::from_fn(|_, _| rng.uniform(-2.0, 2.0));
    let design: Matrix<N, D> = Matrix::from_fn(|_, j| {
        if j + 1 == DIMS {
            1.0
        } else {
            rng.uniform(-1.0, 1.0)
        }
    });
    let scores = &design * truth;
    let b: Vector<N> = Matrix::from_fn(|i, _| {
        let label = if scores[(i, 0)] >= 0.0 { 1.0 } else { -1.0 };
        if rng.uniform(0.0, 1.0) < 0.1 {
            -label
        } else {
            label
        }
    });
    let lambda = 0.1;

    // The derived gradient and H v against finite differences at the start.
    let w0 = Vector::<D>::zeros();
    let v: Vector<D> = Matrix::from_fn(|_, _| rng.uniform(-1.0, 1.0));
    let (_, g0, hv0) = loss_hvp(&w0, &design, &b, lambda, &v);
    check_gradient("∇φ", &g0, |w| loss(w, &design, &b, lambda), &w0);
    let h = 1e-5;
    let (wp, wm) = (w0 + v * h, w0 - v * h);
    let fd_hv = (loss_hvp(&wp, &design, &b, lambda, &v).1
        - loss_hvp(&wm, &design, &b, lambda, &v).1)
        * (0.5 / h);
    let err = (hv0 - fd_hv).norm();
    println!("H v check: ‖H v − finite differences of ∇φ‖ = {err:.1e}");
    assert!(err <= 1e-6 * hv0.norm().max(1.0));

    println!("step  φ (Newton–CG)        φ (full Newton)      ‖∇φ‖       H v products  ‖Δw‖");
    let (mut w_cg, mut w_newton) = (w0, w0);
    let mut total_products = 0;
    for step in 1..=8 {
        // Truncated Newton: CG on H v, H never formed.
        let (_, g, _) = loss_hvp(&w_cg, &design, &b, lambda, &w_cg);
        let minus_g = g * -1.0;
        let (p, products) = conjugate_gradients(
            |v| loss_hvp(&w_cg, &design, &b, lambda, v).2,
            &minus_g,
            1e-13,
        );
        total_products += products;
        w_cg += p;

        // Newton with the full d×d Hessian, factored.
        let (_, g, hessian) = loss_hessian(&w_newton, &design, &b, lambda);
        let p = hessian.lu().solve(&(g * -1.0));
        w_newton += p;

        let gap = (w_cg - w_newton).norm();
        let (phi_cg, grad_cg, _) = loss_hvp(&w_cg, &design, &b, lambda, &w_cg);
        println!(
            "{step:>4}  {phi_cg:<20.15} {:<20.15} {:<10.2e} {products:>12}  {gap:.1e}",
            loss(&w_newton, &design, &b, lambda),
            grad_cg.norm()
        );
        assert!(gap <= 1e-8, "step {step}: the iterates differ by {gap:e}");
    }
    let (_, g, _) = loss_hvp(&w_cg, &design, &b, lambda, &w_cg);
    assert!(
        g.norm() <= 1e-10,
        "Newton–CG converged: ‖∇φ‖ = {:e}",
        g.norm()
    );
    let elapsed = start.elapsed();
    println!(
        "converged: ‖∇φ‖ = {:.1e} after 8 Newton steps, {total_products} Hessian–vector products \
         in all; {:.3} s",
        g.norm(),
        elapsed.as_secs_f64()
    );
}
