//! Matrix Cookbook and machine-learning identities through `#[grad]`: least squares, norms,
//! elementwise products and quotients, elementwise functions (away from their kinks), integer
//! and real powers (with the exponent as a differentiated scalar), softmax and log-sum-exp.
//!
//! Each derived gradient is compared with the closed form computed by hand with core operations
//! (elementwise derivatives written out with `map`) AND with central finite differences.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

#[grad(W, x, y)]
fn least_squares(W: &Matrix<U3, U4>, x: &Vector<U4>, y: &Vector<U3>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

/// ½‖Wx − y‖²: ∂/∂W = (Wx − y)xᵀ, ∂/∂x = Wᵀ(Wx − y), ∂/∂y = −(Wx − y).
#[test]
fn least_squares_wrt_w_x_and_y() {
    let (w, x, y) = (
        rand::<U3, U4, f64>(201),
        rand::<U4, U1, f64>(202),
        rand::<U3, U1, f64>(203),
    );
    let (v, gw, gx, gy) = least_squares_grad(&w, &x, &y);
    let r = w * x - y;
    check_value(
        "½‖Wx − y‖²",
        v,
        least_squares(&w, &x, &y),
        0.5 * r.norm_sq(),
        TOL,
    );
    check_grad(
        "∂/∂W",
        &gw,
        &(r * x.t()),
        |w| least_squares(w, &x, &y),
        &w,
        TOL,
    );
    check_grad(
        "∂/∂x",
        &gx,
        &(w.t() * r),
        |x| least_squares(&w, x, &y),
        &x,
        TOL,
    );
    check_grad("∂/∂y", &gy, &(-r), |y| least_squares(&w, &x, y), &y, TOL);
}

#[grad(X)]
fn frobenius_norm(X: &Matrix<U3, U2>) -> f64 {
    norm(X)
}

/// ∂‖X‖/∂X = X/‖X‖.
#[test]
fn norm_gradient() {
    let x = rand::<U3, U2, f64>(204);
    let (v, g) = frobenius_norm_grad(&x);
    let n = x.iter().map(|e| e * e).sum::<f64>().sqrt();
    check_value("‖X‖", v, frobenius_norm(&x), n, TOL);
    check_grad("∂‖X‖/∂X", &g, &(x / n), frobenius_norm, &x, TOL);
}

#[grad(X)]
fn squared_norm(X: &Matrix<U3, U2>) -> f64 {
    norm_sq(X)
}

/// ∂‖X‖²/∂X = 2X.
#[test]
fn squared_norm_gradient() {
    let x = rand::<U3, U2, f64>(205);
    let (v, g) = squared_norm_grad(&x);
    check_value("‖X‖²", v, squared_norm(&x), (x.t() * x).tr(), TOL);
    check_grad("∂‖X‖²/∂X", &g, &(x * 2.0), squared_norm, &x, TOL);
}

#[grad(X)]
fn hadamard_square(A: &Matrix<U3, U2>, X: &Matrix<U3, U2>) -> f64 {
    sum(hadamard(A, hadamard(X, X)))
}

/// Σ A ∘ X ∘ X: ∂/∂X = 2 A ∘ X.
#[test]
fn hadamard_product_sum() {
    let (a, x) = (rand::<U3, U2, f64>(206), rand::<U3, U2, f64>(207));
    let (v, g) = hadamard_square_grad(&a, &x);
    let by_hand = a.iter().zip(x.iter()).map(|(a, x)| a * x * x).sum::<f64>();
    check_value("Σ A∘X∘X", v, hadamard_square(&a, &x), by_hand, TOL);
    let expected = Matrix::<U3, U2>::from_fn(|i, j| 2.0 * a[(i, j)] * x[(i, j)]);
    check_grad("∂/∂X", &g, &expected, |x| hadamard_square(&a, x), &x, TOL);
}

#[grad(X, B)]
fn quotient(X: &Matrix<U3, U2>, B: &Matrix<U3, U2>) -> f64 {
    sum(elem_div(X, B))
}

/// Σ X ⊘ B: ∂/∂X = 1 ⊘ B, ∂/∂B = −X ⊘ B² (B positive).
#[test]
fn elementwise_quotient_sum() {
    let (x, b) = (
        rand::<U3, U2, f64>(208),
        rand_in::<U3, U2, f64>(209, 0.5, 2.0),
    );
    let (v, gx, gb) = quotient_grad(&x, &b);
    let by_hand = x.iter().zip(b.iter()).map(|(x, b)| x / b).sum::<f64>();
    check_value("Σ X⊘B", v, quotient(&x, &b), by_hand, TOL);
    check_grad(
        "∂/∂X",
        &gx,
        &b.map(|b| 1.0 / b),
        |x| quotient(x, &b),
        &x,
        TOL,
    );
    let expected_b = Matrix::<U3, U2>::from_fn(|i, j| -x[(i, j)] / (b[(i, j)] * b[(i, j)]));
    check_grad("∂/∂B", &gb, &expected_b, |b| quotient(&x, b), &b, TOL);
}

#[grad(X)]
fn sum_exp(X: &Matrix<U3, U2>) -> f64 {
    sum(exp(X))
}

/// ∂Σ exp(X)/∂X = exp(X).
#[test]
fn sum_of_exp() {
    let x = rand::<U3, U2, f64>(210);
    let (v, g) = sum_exp_grad(&x);
    let e = x.map(f64::exp);
    check_value("Σ exp(X)", v, sum_exp(&x), e.iter().sum(), TOL);
    check_grad("∂Σexp(X)/∂X", &g, &e, sum_exp, &x, TOL);
}

#[grad(X)]
fn sum_log(X: &Matrix<U3, U2>) -> f64 {
    sum(log(X))
}

/// ∂Σ log(X)/∂X = 1 ⊘ X on positive X.
#[test]
fn sum_of_log() {
    let x = rand_in::<U3, U2, f64>(211, 0.5, 3.0);
    let (v, g) = sum_log_grad(&x);
    check_value(
        "Σ log(X)",
        v,
        sum_log(&x),
        x.iter().map(|e| e.ln()).sum(),
        TOL,
    );
    check_grad("∂Σlog(X)/∂X", &g, &x.map(|e| 1.0 / e), sum_log, &x, TOL);
}

#[grad(X)]
fn sum_sigmoid(X: &Matrix<U3, U2>) -> f64 {
    sum(sigmoid(X))
}

/// ∂Σ σ(X)/∂X = σ(X) ∘ (1 − σ(X)).
#[test]
fn sum_of_sigmoid() {
    let x = rand_in::<U3, U2, f64>(212, -3.0, 3.0);
    let (v, g) = sum_sigmoid_grad(&x);
    let s = x.map(|e| 1.0 / (1.0 + (-e).exp()));
    check_value("Σ σ(X)", v, sum_sigmoid(&x), s.iter().sum(), TOL);
    check_grad(
        "∂Σσ(X)/∂X",
        &g,
        &s.map(|s| s * (1.0 - s)),
        sum_sigmoid,
        &x,
        TOL,
    );
}

#[grad(X)]
fn sum_softplus(X: &Matrix<U3, U2>) -> f64 {
    sum(softplus(X))
}

/// ∂Σ softplus(X)/∂X = σ(X).
#[test]
fn sum_of_softplus() {
    let x = rand_in::<U3, U2, f64>(213, -3.0, 3.0);
    let (v, g) = sum_softplus_grad(&x);
    let by_hand = x.iter().map(|e| (1.0 + e.exp()).ln()).sum();
    check_value("Σ softplus(X)", v, sum_softplus(&x), by_hand, TOL);
    let expected = x.map(|e| 1.0 / (1.0 + (-e).exp()));
    check_grad("∂Σsoftplus(X)/∂X", &g, &expected, sum_softplus, &x, TOL);
}

#[grad(X)]
fn sum_tanh(X: &Matrix<U3, U2>) -> f64 {
    sum(tanh(X))
}

/// ∂Σ tanh(X)/∂X = 1 − tanh²(X).
#[test]
fn sum_of_tanh() {
    let x = rand_in::<U3, U2, f64>(214, -2.0, 2.0);
    let (v, g) = sum_tanh_grad(&x);
    check_value(
        "Σ tanh(X)",
        v,
        sum_tanh(&x),
        x.iter().map(|e| e.tanh()).sum(),
        TOL,
    );
    let expected = x.map(|e| 1.0 - e.tanh() * e.tanh());
    check_grad("∂Σtanh(X)/∂X", &g, &expected, sum_tanh, &x, TOL);
}

#[grad(X)]
fn weighted_relu(A: &Matrix<U3, U2>, X: &Matrix<U3, U2>) -> f64 {
    dot(A, relu(X))
}

/// ∂ A : relu(X)/∂X = A ∘ [X > 0], away from the kink at 0.
#[test]
fn weighted_sum_of_relu() {
    let (a, x) = (
        rand::<U3, U2, f64>(215),
        away_from_zero(&rand::<U3, U2, f64>(216), 0.1),
    );
    assert!(x.iter().any(|&e| e < 0.0) && x.iter().any(|&e| e > 0.0));
    let (v, g) = weighted_relu_grad(&a, &x);
    let by_hand = a.iter().zip(x.iter()).map(|(a, x)| a * x.max(0.0)).sum();
    check_value("A:relu(X)", v, weighted_relu(&a, &x), by_hand, TOL);
    let expected = Matrix::<U3, U2>::from_fn(|i, j| if x[(i, j)] > 0.0 { a[(i, j)] } else { 0.0 });
    check_grad(
        "∂A:relu(X)/∂X",
        &g,
        &expected,
        |x| weighted_relu(&a, x),
        &x,
        TOL,
    );
}

#[grad(X)]
fn weighted_abs(A: &Matrix<U3, U2>, X: &Matrix<U3, U2>) -> f64 {
    dot(A, abs(X))
}

/// ∂ A : |X|/∂X = A ∘ sign(X), away from 0.
#[test]
fn weighted_sum_of_abs() {
    let (a, x) = (
        rand::<U3, U2, f64>(217),
        away_from_zero(&rand::<U3, U2, f64>(218), 0.1),
    );
    let (v, g) = weighted_abs_grad(&a, &x);
    let by_hand = a.iter().zip(x.iter()).map(|(a, x)| a * x.abs()).sum();
    check_value("A:|X|", v, weighted_abs(&a, &x), by_hand, TOL);
    let expected = Matrix::<U3, U2>::from_fn(|i, j| a[(i, j)] * x[(i, j)].signum());
    check_grad("∂A:|X|/∂X", &g, &expected, |x| weighted_abs(&a, x), &x, TOL);
}

#[grad(X)]
fn trig_sqrt(X: &Matrix<U3, U2>) -> f64 {
    sum(sin(X)) + sum(cos(X)) + sum(tan(X)) + sum(sqrt(X))
}

/// ∂Σ(sin + cos + tan + √)(X)/∂X = cos X − sin X + 1 + tan²X + 1/(2√X), X in (0.2, 1.2).
#[test]
fn sum_of_trig_and_sqrt() {
    let x = rand_in::<U3, U2, f64>(219, 0.2, 1.2);
    let (v, g) = trig_sqrt_grad(&x);
    let by_hand = x
        .iter()
        .map(|e| e.sin() + e.cos() + e.tan() + e.sqrt())
        .sum();
    check_value("Σ sin+cos+tan+√", v, trig_sqrt(&x), by_hand, TOL);
    let expected = x.map(|e| e.cos() - e.sin() + 1.0 + e.tan() * e.tan() + 0.5 / e.sqrt());
    check_grad("∂/∂X", &g, &expected, trig_sqrt, &x, TOL);
}

#[grad(X)]
fn integer_powers(X: &Matrix<U3, U2>) -> f64 {
    sum(powi(X, 3)) + sum(powi(X, -2))
}

/// ∂Σ(X³ + X⁻²)/∂X = 3X² − 2X⁻³ (elementwise, X positive).
#[test]
fn elementwise_integer_powers() {
    let x = rand_in::<U3, U2, f64>(220, 0.5, 2.0);
    let (v, g) = integer_powers_grad(&x);
    let by_hand = x.iter().map(|e| e.powi(3) + e.powi(-2)).sum();
    check_value("Σ X³ + X⁻²", v, integer_powers(&x), by_hand, TOL);
    let expected = x.map(|e| 3.0 * e * e - 2.0 / (e * e * e));
    check_grad("∂/∂X", &g, &expected, integer_powers, &x, TOL);
}

#[grad(X, p)]
fn real_power(X: &Matrix<U3, U2>, p: f64) -> f64 {
    sum(powf(X, p))
}

/// Σ X^p: ∂/∂X = p X^(p−1), ∂/∂p = Σ X^p ln X (a scalar), X positive.
#[test]
fn elementwise_real_power_wrt_x_and_exponent() {
    let (x, p) = (rand_in::<U3, U2, f64>(221, 0.5, 2.0), 1.7);
    let (v, gx, gp) = real_power_grad(&x, p);
    check_value(
        "Σ X^p",
        v,
        real_power(&x, p),
        x.iter().map(|e| e.powf(p)).sum(),
        TOL,
    );
    let expected_x = x.map(|e| p * e.powf(p - 1.0));
    check_grad("∂ΣX^p/∂X", &gx, &expected_x, |x| real_power(x, p), &x, TOL);
    let expected_p: f64 = x.iter().map(|e| e.powf(p) * e.ln()).sum();
    check_scalar_grad("∂ΣX^p/∂p", gp, expected_p, |p| real_power(&x, p), p, TOL);
}

#[grad(x)]
fn softmax_dot(x: &Vector<U4>, c: &Vector<U4>) -> f64 {
    dot(softmax(x), c)
}

/// softmax(x)·c with s = softmax(x): ∂/∂x = (diag(s) − ssᵀ)c.
#[test]
fn softmax_times_c() {
    let (x, c) = (
        rand_in::<U4, U1, f64>(222, -2.0, 2.0),
        rand::<U4, U1, f64>(223),
    );
    let (v, g) = softmax_dot_grad(&x, &c);
    let e = x.map(f64::exp);
    let s = e / e.sum();
    check_value(
        "softmax(x)·c",
        v,
        softmax_dot(&x, &c),
        (s.t() * c).to_scalar(),
        TOL,
    );
    let expected = (s.diag() - s * s.t()) * c;
    check_grad(
        "∂softmax(x)·c/∂x",
        &g,
        &expected,
        |x| softmax_dot(x, &c),
        &x,
        TOL,
    );
}

#[grad(X)]
fn logsumexp_xa(X: &Matrix<U3, U2>, a: &Vector<U2>) -> f64 {
    logsumexp(X * a)
}

/// logsumexp(Xa): ∂/∂X = softmax(Xa) aᵀ.
#[test]
fn logsumexp_of_x_a() {
    let (x, a) = (
        rand_in::<U3, U2, f64>(224, -2.0, 2.0),
        rand::<U2, U1, f64>(225),
    );
    let (v, g) = logsumexp_xa_grad(&x, &a);
    let e = (x * a).map(f64::exp);
    check_value("logsumexp(Xa)", v, logsumexp_xa(&x, &a), e.sum().ln(), TOL);
    let expected = e / e.sum() * a.t();
    check_grad(
        "∂logsumexp(Xa)/∂X",
        &g,
        &expected,
        |x| logsumexp_xa(x, &a),
        &x,
        TOL,
    );
}

#[grad(W)]
fn logistic_loss(W: &Matrix<U2, U3>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    let z = W * x;
    sum(softplus(z)) - dot(y, z)
}

/// Logistic regression loss Σ softplus(Wx) − yᵀWx: ∂/∂W = (σ(Wx) − y)xᵀ.
#[test]
fn logistic_regression_loss() {
    let (w, x, y) = (
        rand::<U2, U3, f64>(226),
        rand::<U3, U1, f64>(227),
        rand_in::<U2, U1, f64>(228, 0.0, 1.0),
    );
    let (v, g) = logistic_loss_grad(&w, &x, &y);
    let z = w * x;
    let by_hand = z.iter().map(|e| (1.0 + e.exp()).ln()).sum::<f64>() - (y.t() * z).to_scalar();
    check_value("logistic loss", v, logistic_loss(&w, &x, &y), by_hand, TOL);
    let expected = (z.map(|e| 1.0 / (1.0 + (-e).exp())) - y) * x.t();
    check_grad("∂/∂W", &g, &expected, |w| logistic_loss(w, &x, &y), &w, TOL);
}
