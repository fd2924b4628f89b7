//! The macro on inputs that used to miscompile or crash: parameters spelled like generated
//! temporaries (hygiene), raw identifiers, stray `;`, literal exponents, long sums and the
//! deepest nesting the engine accepts. Values are checked against hand computation and
//! central finite differences.
#![allow(non_snake_case, clippy::all)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

// Node 2 is the first generated temporary: with names that are not hygienic, `let __t2 = ..`
// shadowed the parameter and later uses of it read the temporary.
#[grad(__t2, x)]
fn shadowing(__t2: &Matrix<U2, U2>, x: &Vector<U2>) -> f64 {
    let y = __t2 * x;
    dot(y, y) + tr(__t2 * __t2)
}

#[test]
fn a_parameter_named_like_a_temporary_keeps_its_value() {
    let a = Matrix::<U2, U2>::from_row_slice(&[1.0, 2.0, 3.0, 4.0]);
    let x = Vector::<U2>::from_column_slice(&[0.5, -1.5]);
    let y = &a * &x;
    let by_hand = y.dot(&y) + (&a * &a).tr();
    let (value, ga, gx) = shadowing_grad(&a, &x);
    check_value("value", value, shadowing(&a, &x), by_hand, TOL);
    // ∂/∂A = 2 y xᵀ + 2 Aᵀ, ∂/∂x = 2 Aᵀ y.
    let closed_a = (&y * &x.t()) * 2.0 + a.t() * 2.0;
    check_grad("∂/∂__t2", &ga, &closed_a, |a| shadowing(a, &x), &a, TOL);
    let closed_x = a.t() * &y * 2.0;
    check_grad("∂/∂x", &gx, &closed_x, |x| shadowing(&a, x), &x, TOL);
}

// inv, det and logdet of the first parameter share one LU factorization, `__lu0`.
#[grad(__lu0)]
fn lu_named(__lu0: &Matrix<U2, U2>) -> f64 {
    logdet(__lu0) + det(__lu0) + sum(inv(__lu0) * __lu0)
}

#[test]
fn a_parameter_named_like_a_factorization_keeps_its_value() {
    let a = Matrix::<U2, U2>::from_row_slice(&[3.0, 1.0, 0.5, 2.0]);
    let det = 3.0 * 2.0 - 0.5;
    let (value, g) = lu_named_grad(&a);
    check_value("value", value, lu_named(&a), det.ln() + det + 2.0, TOL);
    // ∂(logdet + det)/∂A = (1/det + 1) det A⁻ᵀ; sum(A⁻¹A) = sum(I) is constant.
    let closed = a.inv().t() * (1.0 + det);
    check_grad("∂/∂__lu0", &g, &closed, lu_named, &a, TOL);
}

#[grad(r#type)]
fn r#loop(r#type: f64, r#in: f64) -> f64 {
    let r#let = r#type * r#in;
    r#let * r#type
}

#[test]
fn raw_identifiers_and_a_stray_semicolon() {
    let (value, g) = loop_grad(1.5, 2.0);
    check_value("value", value, r#loop(1.5, 2.0), 4.5, TOL);
    assert_close_scalar("∂/∂type", g, 2.0 * 1.5 * 2.0, TOL);
}

#[grad(A)]
fn huge_power(A: &Matrix<U2, U2>) -> f64 {
    tr(matpow(A, 1000000000))
}

#[grad(A)]
fn squared_twenty_times(A: &Matrix<U2, U2>) -> f64 {
    let y = A * A;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    let y = y * y;
    tr(y)
}

#[test]
fn literal_exponents_expand_quickly_and_derive_correctly() {
    // A rotation: every power is a rotation, tr(Aᵏ) = 2 cos kθ, ∂tr(Aᵏ)/∂A = k (Aᵀ)^(k−1).
    let theta: f64 = 0.3;
    let (c, s) = (theta.cos(), theta.sin());
    let a = Matrix::<U2, U2>::from_row_slice(&[c, -s, s, c]);
    for (k, (value, g)) in [
        (1_000_000_000_i32, huge_power_grad(&a)),
        (1 << 20, squared_twenty_times_grad(&a)),
    ] {
        let expected = 2.0 * (f64::from(k) * theta).cos();
        assert!(
            (value - expected).abs() < 1e-5,
            "k = {k}: {value} vs {expected}"
        );
        let closed = a.t().matpow(k - 1) * f64::from(k);
        assert_close(&format!("∂tr(A^{k})"), &g, &closed, 1e-6 * f64::from(k));
    }
}

#[grad(x)]
fn overflowing_literals(x: &Vector<U2>) -> f64 {
    1e308 * 10.0 * norm_sq(x) + sum(x) / 1e-320
}

#[test]
fn literal_folding_that_overflows_stays_unfolded() {
    let x = Vector::<U2>::from_column_slice(&[0.0, 0.0]);
    let (value, _) = overflowing_literals_grad(&x);
    assert!(value.is_nan() || value.is_infinite() || value == 0.0);
}

// Generated bodies at the limits, kept in a subdirectory so that cargo does not build the
// file as a test of its own.
include!("robustness/deep.rs");
