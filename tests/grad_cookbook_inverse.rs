//! Matrix Cookbook identities through `#[grad]`: determinants, log-determinants, inverses and
//! matrix powers (positive and negative). Matrices are random, non-symmetric and diagonally
//! dominant (well conditioned) so a missing transpose shows; SPD where the identity needs it.
//!
//! Each derived gradient is compared with the closed form computed by hand with core operations
//! AND with central finite differences of the original function.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

#[grad(X)]
fn determinant(X: &Matrix<U3, U3>) -> f64 {
    det(X)
}

/// Cookbook (49): ∂det(X)/∂X = det(X) X⁻ᵀ.
#[test]
fn determinant_gradient() {
    let x = well_conditioned::<U3, f64>(101);
    let (v, g) = determinant_grad(&x);
    check_value("det(X)", v, determinant(&x), x.det(), TOL);
    let expected = x.inv().t() * x.det();
    check_grad("∂det(X)/∂X", &g, &expected, determinant, &x, TOL);
}

#[grad(X)]
fn log_determinant(X: Matrix<U3, U3>) -> f64 {
    logdet(X)
}

/// Cookbook (57): ∂ln|det X|/∂X = X⁻ᵀ (by-value parameter; also with a negative determinant).
#[test]
fn log_determinant_gradient() {
    let x = well_conditioned::<U3, f64>(102);
    let (v, g) = log_determinant_grad(x);
    check_value("logdet(X)", v, log_determinant(x), x.det().ln(), TOL);
    check_grad(
        "∂logdet(X)/∂X",
        &g,
        &x.inv().t(),
        |x| log_determinant(*x),
        &x,
        TOL,
    );

    // Swap two rows: det < 0, ln|det| is unchanged and the gradient is still X⁻ᵀ.
    let flipped = Matrix::<U3, U3>::from_fn(|i, j| x[([1, 0, 2][i], j)]);
    assert!(flipped.det() < 0.0);
    let (v, g) = log_determinant_grad(flipped);
    check_value(
        "logdet(PX)",
        v,
        log_determinant(flipped),
        (-flipped.det()).ln(),
        TOL,
    );
    let expected = flipped.inv().t();
    check_grad(
        "∂logdet(PX)/∂X",
        &g,
        &expected,
        |x| log_determinant(*x),
        &flipped,
        TOL,
    );
}

#[grad(X)]
fn logdet_gram(X: &Matrix<U4, U2>) -> f64 {
    logdet(X.t() * X)
}

/// ∂ln det(XᵀX)/∂X = 2X(XᵀX)⁻¹ for a non-square (4×2) X of full column rank.
#[test]
fn log_determinant_of_a_gram_matrix() {
    let x = rand::<U4, U2, f64>(103);
    let (v, g) = logdet_gram_grad(&x);
    let gram = x.t() * x;
    check_value("logdet(XᵀX)", v, logdet_gram(&x), gram.det().ln(), TOL);
    let expected = x * gram.inv() * 2.0;
    check_grad("∂logdet(XᵀX)/∂X", &g, &expected, logdet_gram, &x, TOL);
}

#[grad(X)]
fn trace_inverse(X: &Matrix<U3, U3>) -> f64 {
    tr(inv(X))
}

/// Cookbook (124): ∂tr(X⁻¹)/∂X = −(X⁻²)ᵀ.
#[test]
fn trace_of_the_inverse() {
    let x = well_conditioned::<U3, f64>(104);
    let (v, g) = trace_inverse_grad(&x);
    let xi = x.inv();
    check_value("tr(X⁻¹)", v, trace_inverse(&x), xi.tr(), TOL);
    let expected = -(xi * xi).t();
    check_grad("∂tr(X⁻¹)/∂X", &g, &expected, trace_inverse, &x, TOL);
}

#[grad(X)]
fn trace_inverse_a(X: &Matrix<U3, U3>, A: &Matrix<U3, U3>) -> f64 {
    tr(inv(X) * A)
}

/// Cookbook (63): ∂tr(X⁻¹A)/∂X = −(X⁻¹AX⁻¹)ᵀ.
#[test]
fn trace_of_inverse_times_a() {
    let (x, a) = (well_conditioned::<U3, f64>(105), rand::<U3, U3, f64>(106));
    let (v, g) = trace_inverse_a_grad(&x, &a);
    let xi = x.inv();
    check_value("tr(X⁻¹A)", v, trace_inverse_a(&x, &a), (xi * a).tr(), TOL);
    let expected = -(xi * a * xi).t();
    check_grad(
        "∂tr(X⁻¹A)/∂X",
        &g,
        &expected,
        |x| trace_inverse_a(x, &a),
        &x,
        TOL,
    );
}

#[grad(X)]
fn inverse_bilinear(a: &Vector<U3>, X: &Matrix<U3, U3>, b: &Vector<U3>) -> f64 {
    a.t() * inv(X) * b
}

/// Cookbook (61): ∂aᵀX⁻¹b/∂X = −X⁻ᵀabᵀX⁻ᵀ.
#[test]
fn bilinear_form_of_the_inverse() {
    let (a, x, b) = (
        rand::<U3, U1, f64>(107),
        well_conditioned::<U3, f64>(108),
        rand::<U3, U1, f64>(109),
    );
    let (v, g) = inverse_bilinear_grad(&a, &x, &b);
    let xit = x.inv().t();
    let by_hand = (a.t() * x.inv() * b).to_scalar();
    check_value("aᵀX⁻¹b", v, inverse_bilinear(&a, &x, &b), by_hand, TOL);
    let expected = -(xit * a * b.t() * xit);
    check_grad(
        "∂aᵀX⁻¹b/∂X",
        &g,
        &expected,
        |x| inverse_bilinear(&a, x, &b),
        &x,
        TOL,
    );
}

#[grad(X)]
fn trace_square(X: &Matrix<U3, U3>) -> f64 {
    tr(X * X)
}

/// Cookbook (106), k = 2: ∂tr(X²)/∂X = 2Xᵀ.
#[test]
fn trace_of_the_square() {
    let x = rand::<U3, U3, f64>(110);
    let (v, g) = trace_square_grad(&x);
    check_value("tr(X²)", v, trace_square(&x), (x * x).tr(), TOL);
    check_grad("∂tr(X²)/∂X", &g, &(x.t() * 2.0), trace_square, &x, TOL);
}

#[grad(X)]
fn trace_cube(X: &Matrix<U3, U3>) -> f64 {
    tr(matpow(X, 3))
}

/// Cookbook (106), k = 3: ∂tr(X³)/∂X = 3(X²)ᵀ.
#[test]
fn trace_of_the_cube() {
    let x = rand::<U3, U3, f64>(111);
    let (v, g) = trace_cube_grad(&x);
    check_value("tr(X³)", v, trace_cube(&x), (x * x * x).tr(), TOL);
    check_grad("∂tr(X³)/∂X", &g, &((x * x).t() * 3.0), trace_cube, &x, TOL);
}

#[grad(X)]
fn negative_power(a: &Vector<U3>, X: &Matrix<U3, U3>, b: &Vector<U3>) -> f64 {
    a.t() * matpow(X, -2) * b
}

/// matpow with a negative exponent: with Y = X⁻¹, ∂aᵀY²b/∂X = −Yᵀ(abᵀYᵀ + Yᵀabᵀ)Yᵀ.
#[test]
fn negative_matrix_power() {
    let (a, x, b) = (
        rand::<U3, U1, f64>(112),
        well_conditioned::<U3, f64>(113),
        rand::<U3, U1, f64>(114),
    );
    let (v, g) = negative_power_grad(&a, &x, &b);
    let y = x.inv();
    let yt = y.t();
    let by_hand = (a.t() * y * y * b).to_scalar();
    check_value("aᵀX⁻²b", v, negative_power(&a, &x, &b), by_hand, TOL);
    let abt = a * b.t();
    let expected = -(yt * (abt * yt + yt * abt) * yt);
    check_grad(
        "∂aᵀX⁻²b/∂X",
        &g,
        &expected,
        |x| negative_power(&a, x, &b),
        &x,
        TOL,
    );
}

#[grad(X)]
fn trace_negative_power(X: &Matrix<U3, U3>) -> f64 {
    tr(matpow(X, -3))
}

/// ∂tr(X⁻³)/∂X = −3(X⁻⁴)ᵀ.
#[test]
fn trace_of_a_negative_power() {
    let x = well_conditioned::<U3, f64>(115);
    let (v, g) = trace_negative_power_grad(&x);
    let y = x.inv();
    check_value(
        "tr(X⁻³)",
        v,
        trace_negative_power(&x),
        (y * y * y).tr(),
        TOL,
    );
    let expected = -((y * y * y * y).t() * 3.0);
    check_grad("∂tr(X⁻³)/∂X", &g, &expected, trace_negative_power, &x, TOL);
}

#[grad(S)]
fn gaussian_nll(S: &Matrix<U3, U3>, x: &Vector<U3>) -> f64 {
    0.5 * logdet(S) + 0.5 * (x.t() * inv(S) * x)
}

/// Gaussian negative log-likelihood in the covariance S (SPD):
/// ∂/∂S = ½S⁻¹ − ½S⁻¹xxᵀS⁻¹ (S symmetric, so no transposes).
#[test]
fn gaussian_log_likelihood_in_the_covariance() {
    let (s, x) = (spd::<U3, f64>(116), rand::<U3, U1, f64>(117));
    let (v, g) = gaussian_nll_grad(&s, &x);
    let si = s.inv();
    let by_hand = 0.5 * s.det().ln() + 0.5 * (x.t() * si * x).to_scalar();
    check_value(
        "½logdet(S) + ½xᵀS⁻¹x",
        v,
        gaussian_nll(&s, &x),
        by_hand,
        TOL,
    );
    let expected = (si - si * x * x.t() * si) * 0.5;
    check_grad("∂/∂S", &g, &expected, |s| gaussian_nll(s, &x), &s, TOL);
}
