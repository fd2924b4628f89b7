//! The operations added through the operation table (`log1p expm1 sinh cosh asin acos atan`,
//! `atan2(y, x)`, `mean(A)`) through `#[grad]`, `#[jacobian]` and `#[hessian]`: each derived
//! result against a closed form written out with core `map` AND central finite differences.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

#[grad(X)]
fn elementwise_sum(X: &Matrix<U2, U3>) -> f64 {
    sum(log1p(X))
        + sum(expm1(X))
        + sum(sinh(X))
        + sum(cosh(X))
        + sum(asin(X))
        + sum(acos(X))
        + sum(atan(X))
}

/// Σ f(x) for the seven functions: ∂/∂X = Σ f′(X) entrywise.
#[test]
fn gradient_of_the_new_elementwise_functions() {
    let x = rand_in::<U2, U3, f64>(901, 0.1, 0.8);
    let (v, g) = elementwise_sum_grad(&x);
    let fs: [fn(f64) -> f64; 7] = [
        f64::ln_1p,
        f64::exp_m1,
        f64::sinh,
        f64::cosh,
        f64::asin,
        f64::acos,
        f64::atan,
    ];
    let by_hand: f64 = fs
        .iter()
        .map(|f| x.iter().map(|&a| f(a)).sum::<f64>())
        .sum();
    check_value("Σ f(X)", v, elementwise_sum(&x), by_hand, TOL);
    let closed = x.map(|a| {
        1.0 / (1.0 + a) + a.exp() + a.cosh() + a.sinh() + 1.0 / (1.0 - a * a).sqrt()
            - 1.0 / (1.0 - a * a).sqrt()
            + 1.0 / (1.0 + a * a)
    });
    check_grad("∂/∂X Σ f(X)", &g, &closed, elementwise_sum, &x, TOL);
}

#[grad(Y, X)]
fn angle(Y: &Matrix<U2, U2>, X: &Matrix<U2, U2>) -> f64 {
    sum(atan2(Y, X))
}

/// ∂ atan2(y, x)/∂y = x / (x² + y²), ∂/∂x = −y / (x² + y²); also in the second quadrant.
#[test]
fn gradient_of_atan2() {
    let y = rand_in::<U2, U2, f64>(902, -1.0, 1.0);
    let x = rand_in::<U2, U2, f64>(903, -1.0, 1.0).map(|a| a + 2.0 * a.signum());
    let (v, gy, gx) = angle_grad(&y, &x);
    let by_hand: f64 = y.iter().zip(x.iter()).map(|(&b, &a)| b.atan2(a)).sum();
    check_value("Σ atan2(Y, X)", v, angle(&y, &x), by_hand, TOL);
    let r = Matrix::from_fn(|i, j| x[(i, j)].powi(2) + y[(i, j)].powi(2));
    let closed_y = x.elem_div(&r);
    let closed_x = -y.elem_div(&r);
    check_grad("∂/∂Y", &gy, &closed_y, |y| angle(y, &x), &y, TOL);
    check_grad("∂/∂X", &gx, &closed_x, |x| angle(&y, x), &x, TOL);
}

#[grad(X)]
fn average(X: &Matrix<U2, U3>) -> f64 {
    mean(X) * mean(X)
}

#[grad(X)]
fn average_generic<M: Dim, N: Dim>(X: &Matrix<M, N>) -> f64 {
    mean(hadamard(X, X))
}

/// ∂ mean(X)²/∂X = 2 mean(X) 𝟙 / 6; ∂ mean(X ⊙ X)/∂X = 2X / (m n), also for generic shapes.
#[test]
fn gradient_of_mean() {
    let x = rand::<U2, U3, f64>(904);
    let (v, g) = average_grad(&x);
    let m = x.sum() / 6.0;
    check_value("mean(X)²", v, average(&x), m * m, TOL);
    let closed = Matrix::from_fn(|_, _| 2.0 * m / 6.0);
    check_grad("∂/∂X mean(X)²", &g, &closed, average, &x, TOL);
    let (v, g) = average_generic_grad(&x);
    let sq: f64 = x.iter().map(|a| a * a).sum::<f64>() / 6.0;
    check_value("mean(X ⊙ X)", v, average_generic(&x), sq, TOL);
    check_grad(
        "∂/∂X mean(X ⊙ X)",
        &g,
        &(x * (2.0 / 6.0)),
        average_generic,
        &x,
        TOL,
    );
}

#[jacobian(X)]
fn mapped(X: &Matrix<U2, U2>, Y: &Matrix<U2, U2>) -> Matrix<U2, U2> {
    asin(X) + atan2(X, Y) + expm1(X)
}

/// The Jacobian of an elementwise map is diag(vec f′(X)).
#[test]
fn jacobian_of_new_elementwise_functions() {
    let x = rand_in::<U2, U2, f64>(905, -0.5, 0.5);
    let y = rand_in::<U2, U2, f64>(906, 1.0, 2.0);
    let (v, j) = mapped_jacobian(&x, &y);
    assert_close("value", &v, &mapped(&x, &y), TOL);
    let d = Matrix::<U4, U1, f64>::from_fn(|k, _| {
        let (i, c) = (k % 2, k / 2);
        let (a, b) = (x[(i, c)], y[(i, c)]);
        1.0 / (1.0 - a * a).sqrt() + b / (a * a + b * b) + a.exp()
    });
    let closed = Matrix::<U4, U4, f64>::from_fn(|r, c| if r == c { d[(r, 0)] } else { 0.0 });
    check_jacobian("∂vec F/∂(vec X)ᵀ", &j, &closed, |x| mapped(x, &y), &x, TOL);
}

#[hessian(x)]
fn curved(x: &Vector<U3>) -> f64 {
    sum(sinh(x)) + sum(cosh(x)) + mean(log1p(x)) + sum(atan(x))
}

/// A sum of elementwise functions has the diagonal Hessian diag(f″(x)).
#[test]
fn hessian_of_new_elementwise_functions() {
    let x = rand_in::<U3, U1, f64>(907, 0.1, 0.9);
    let (v, g, h) = curved_hessian(&x);
    assert_close_scalar("value", v, curved(&x), TOL);
    let grad = |x: &Vector<U3>| {
        x.map(|a| a.cosh() + a.sinh() + 1.0 / (3.0 * (1.0 + a)) + 1.0 / (1.0 + a * a))
    };
    assert_close("gradient", &g, &grad(&x), TOL);
    let second = |a: f64| {
        a.sinh() + a.cosh() - 1.0 / (3.0 * (1.0 + a).powi(2)) - 2.0 * a / (1.0 + a * a).powi(2)
    };
    let closed =
        Matrix::<U3, U3, f64>::from_fn(|r, c| if r == c { second(x[(r, 0)]) } else { 0.0 });
    check_hessian("∂²φ", &h, &closed, grad, &x, TOL);
}

/// `mean` of a `Dyn` matrix divides by the run-time entry count.
#[test]
fn gradient_of_mean_at_dyn() {
    let x = rand::<U2, U3, f64>(905);
    let (v, g) = average_generic_grad(&x);
    let xd: Matrix<Dyn, U3> = retype(&x);
    let (vd, gd) = average_generic_grad(&xd);
    check_dyn_grad(
        "mean(X ⊙ X), M = Dyn",
        vd,
        v,
        &gd,
        &g,
        average_generic,
        &xd,
        TOL,
    );
    let xd: Matrix<Dyn, Dyn> = retype(&x);
    let (vd, gd) = average_generic_grad(&xd);
    check_dyn_grad(
        "mean(X ⊙ X), all Dyn",
        vd,
        v,
        &gd,
        &g,
        average_generic,
        &xd,
        TOL,
    );
}
