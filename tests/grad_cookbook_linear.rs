//! Matrix Cookbook identities through `#[grad]`: traces, bilinear and quadratic forms, sums,
//! Kronecker/vec/diag structure, scalar parameters, `let` bindings, 1×1 results and constants.
//!
//! Each derived gradient is compared with the closed form computed by hand with core operations
//! AND with central finite differences of the original function, and the value returned by both
//! `NAME_grad` and the original function is compared with a hand computation. Shapes are
//! non-square wherever the identity allows, so a dropped or misplaced transpose does not
//! type-check or gives a different matrix.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

// ---------------------------------------------------------------- traces

#[grad(X)]
fn tr_ax(A: &Matrix<U2, U3>, X: &Matrix<U3, U2>) -> f64 {
    tr(A * X)
}

/// Cookbook (100): ∂tr(AX)/∂X = Aᵀ.
#[test]
fn trace_of_a_x() {
    let (a, x) = (rand::<U2, U3, f64>(1), rand::<U3, U2, f64>(2));
    let (v, g) = tr_ax_grad(&a, &x);
    check_value("tr(AX)", v, tr_ax(&a, &x), (a * x).tr(), TOL);
    check_grad("∂tr(AX)/∂X", &g, &a.t(), |x| tr_ax(&a, x), &x, TOL);
}

#[grad(X)]
fn tr_xa(X: &Matrix<U3, U2>, A: &Matrix<U2, U3>) -> f64 {
    tr(X * A)
}

/// ∂tr(XA)/∂X = Aᵀ.
#[test]
fn trace_of_x_a() {
    let (x, a) = (rand::<U3, U2, f64>(3), rand::<U2, U3, f64>(4));
    let (v, g) = tr_xa_grad(&x, &a);
    check_value("tr(XA)", v, tr_xa(&x, &a), (x * a).tr(), TOL);
    check_grad("∂tr(XA)/∂X", &g, &a.t(), |x| tr_xa(x, &a), &x, TOL);
}

#[grad(X)]
fn tr_axb(A: &Matrix<U2, U3>, X: &Matrix<U3, U4>, B: &Matrix<U4, U2>) -> f64 {
    tr(A * X * B)
}

/// Cookbook (101): ∂tr(AXB)/∂X = AᵀBᵀ.
#[test]
fn trace_of_a_x_b() {
    let (a, x, b) = (
        rand::<U2, U3, f64>(5),
        rand::<U3, U4, f64>(6),
        rand::<U4, U2, f64>(7),
    );
    let (v, g) = tr_axb_grad(&a, &x, &b);
    check_value("tr(AXB)", v, tr_axb(&a, &x, &b), (a * x * b).tr(), TOL);
    check_grad(
        "∂tr(AXB)/∂X",
        &g,
        &(a.t() * b.t()),
        |x| tr_axb(&a, x, &b),
        &x,
        TOL,
    );
}

#[grad(X)]
fn tr_xt_a(X: &Matrix<U3, U2>, A: &Matrix<U3, U2>) -> f64 {
    tr(X.t() * A)
}

/// Cookbook (103): ∂tr(XᵀA)/∂X = A.
#[test]
fn trace_of_x_transposed_a() {
    let (x, a) = (rand::<U3, U2, f64>(8), rand::<U3, U2, f64>(9));
    let (v, g) = tr_xt_a_grad(&x, &a);
    check_value("tr(XᵀA)", v, tr_xt_a(&x, &a), (x.t() * a).tr(), TOL);
    check_grad("∂tr(XᵀA)/∂X", &g, &a, |x| tr_xt_a(x, &a), &x, TOL);
}

#[grad(X)]
fn tr_xt_a_x(X: &Matrix<U3, U2>, A: &Matrix<U3, U3>) -> f64 {
    tr(X.t() * A * X)
}

/// Cookbook (107): ∂tr(XᵀAX)/∂X = (A + Aᵀ)X, with A not symmetric.
#[test]
fn trace_of_x_transposed_a_x() {
    let (x, a) = (rand::<U3, U2, f64>(10), rand::<U3, U3, f64>(11));
    let (v, g) = tr_xt_a_x_grad(&x, &a);
    check_value("tr(XᵀAX)", v, tr_xt_a_x(&x, &a), (x.t() * a * x).tr(), TOL);
    check_grad(
        "∂tr(XᵀAX)/∂X",
        &g,
        &((a + a.t()) * x),
        |x| tr_xt_a_x(x, &a),
        &x,
        TOL,
    );
}

#[grad(X)]
fn tr_x_a_xt(X: &Matrix<U2, U3>, A: &Matrix<U3, U3>) -> f64 {
    tr(X * A * X.t())
}

/// Cookbook (108 transposed): ∂tr(XAXᵀ)/∂X = X(A + Aᵀ).
#[test]
fn trace_of_x_a_x_transposed() {
    let (x, a) = (rand::<U2, U3, f64>(12), rand::<U3, U3, f64>(13));
    let (v, g) = tr_x_a_xt_grad(&x, &a);
    check_value("tr(XAXᵀ)", v, tr_x_a_xt(&x, &a), (x * a * x.t()).tr(), TOL);
    check_grad(
        "∂tr(XAXᵀ)/∂X",
        &g,
        &(x * (a + a.t())),
        |x| tr_x_a_xt(x, &a),
        &x,
        TOL,
    );
}

#[grad(X)]
fn tr_kron(A: &Matrix<U2, U2>, X: &Matrix<U3, U3>) -> f64 {
    tr(kron(A, X))
}

/// tr(A ⊗ X) = tr(A) tr(X), so ∂/∂X = tr(A) I.
#[test]
fn trace_of_a_kronecker_product() {
    let (a, x) = (rand::<U2, U2, f64>(14), rand::<U3, U3, f64>(15));
    let (v, g) = tr_kron_grad(&a, &x);
    check_value("tr(A⊗X)", v, tr_kron(&a, &x), a.tr() * x.tr(), TOL);
    let expected = Matrix::<U3, U3>::identity() * a.tr();
    check_grad("∂tr(A⊗X)/∂X", &g, &expected, |x| tr_kron(&a, x), &x, TOL);
}

// ---------------------------------------------------------------- bilinear and quadratic forms

#[grad(X)]
fn a_x_b(a: &Vector<U3>, X: &Matrix<U3, U2>, b: &Vector<U2>) -> f64 {
    a.t() * X * b
}

/// Cookbook (70): ∂aᵀXb/∂X = abᵀ; a 1×1 result returned as `f64`.
#[test]
fn bilinear_form() {
    let (a, x, b) = (
        rand::<U3, U1, f64>(16),
        rand::<U3, U2, f64>(17),
        rand::<U2, U1, f64>(18),
    );
    let (v, g) = a_x_b_grad(&a, &x, &b);
    check_value(
        "aᵀXb",
        v,
        a_x_b(&a, &x, &b),
        (a.t() * x * b).to_scalar(),
        TOL,
    );
    check_grad("∂aᵀXb/∂X", &g, &(a * b.t()), |x| a_x_b(&a, x, &b), &x, TOL);
}

#[grad(X)]
fn a_xt_b(a: &Vector<U2>, X: &Matrix<U3, U2>, b: &Vector<U3>) -> f64 {
    a.t() * X.t() * b
}

/// Cookbook (71): ∂aᵀXᵀb/∂X = baᵀ.
#[test]
fn bilinear_form_of_the_transpose() {
    let (a, x, b) = (
        rand::<U2, U1, f64>(19),
        rand::<U3, U2, f64>(20),
        rand::<U3, U1, f64>(21),
    );
    let (v, g) = a_xt_b_grad(&a, &x, &b);
    check_value(
        "aᵀXᵀb",
        v,
        a_xt_b(&a, &x, &b),
        (a.t() * x.t() * b).to_scalar(),
        TOL,
    );
    check_grad(
        "∂aᵀXᵀb/∂X",
        &g,
        &(b * a.t()),
        |x| a_xt_b(&a, x, &b),
        &x,
        TOL,
    );
}

#[grad(x, A)]
fn quadratic(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    x.t() * A * x
}

/// Cookbook (81): ∂xᵀAx/∂x = (A + Aᵀ)x, and ∂xᵀAx/∂A = xxᵀ; A not symmetric.
#[test]
fn quadratic_form_wrt_x_and_a() {
    let (x, a) = (rand::<U3, U1, f64>(22), rand::<U3, U3, f64>(23));
    let (v, gx, ga) = quadratic_grad(&x, &a);
    check_value(
        "xᵀAx",
        v,
        quadratic(&x, &a),
        (x.t() * a * x).to_scalar(),
        TOL,
    );
    check_grad(
        "∂xᵀAx/∂x",
        &gx,
        &((a + a.t()) * x),
        |x| quadratic(x, &a),
        &x,
        TOL,
    );
    check_grad("∂xᵀAx/∂A", &ga, &(x * x.t()), |a| quadratic(&x, a), &a, TOL);
}

#[grad(X, Y)]
fn sum_xy(X: &Matrix<U2, U3>, Y: &Matrix<U3, U4>) -> f64 {
    sum(X * Y)
}

/// sum(XY) = 𝟙 : XY, so ∂/∂X = 𝟙Yᵀ and ∂/∂Y = Xᵀ𝟙 (the seed question, non-square).
#[test]
fn sum_of_a_product_wrt_both_factors() {
    let (x, y) = (rand::<U2, U3, f64>(24), rand::<U3, U4, f64>(25));
    let (v, gx, gy) = sum_xy_grad(&x, &y);
    check_value("sum(XY)", v, sum_xy(&x, &y), (x * y).sum(), TOL);
    let ones = Matrix::<U2, U4>::ones();
    check_grad(
        "∂sum(XY)/∂X",
        &gx,
        &(ones * y.t()),
        |x| sum_xy(x, &y),
        &x,
        TOL,
    );
    check_grad(
        "∂sum(XY)/∂Y",
        &gy,
        &(x.t() * ones),
        |y| sum_xy(&x, y),
        &y,
        TOL,
    );
}

#[grad(X)]
fn frobenius_dot(A: &Matrix<U3, U2>, X: &Matrix<U3, U2>) -> f64 {
    dot(A, X)
}

/// ∂(A : X)/∂X = A.
#[test]
fn frobenius_inner_product() {
    let (a, x) = (rand::<U3, U2, f64>(26), rand::<U3, U2, f64>(27));
    let (v, g) = frobenius_dot_grad(&a, &x);
    check_value("A:X", v, frobenius_dot(&a, &x), (a.t() * x).tr(), TOL);
    check_grad("∂(A:X)/∂X", &g, &a, |x| frobenius_dot(&a, x), &x, TOL);
}

// ---------------------------------------------------------------- vec and diag

#[grad(X)]
fn weighted_vec(w: &Vector<U6>, X: &Matrix<U3, U2>) -> f64 {
    sum(hadamard(w, vec(X)))
}

/// Σ w ∘ vec(X) = wᵀ vec(X), so ∂/∂X = unvec(w) (column-major).
#[test]
fn weighted_sum_of_vec() {
    let (w, x) = (rand::<U6, U1, f64>(28), rand::<U3, U2, f64>(29));
    let (v, g) = weighted_vec_grad(&w, &x);
    check_value(
        "wᵀvec(X)",
        v,
        weighted_vec(&w, &x),
        (w.t() * x.vec()).to_scalar(),
        TOL,
    );
    let expected = Matrix::<U3, U2>::from_fn(|i, j| w[(i + 3 * j, 0)]);
    check_grad(
        "∂wᵀvec(X)/∂X",
        &g,
        &expected,
        |x| weighted_vec(&w, x),
        &x,
        TOL,
    );
}

#[grad(v)]
fn tr_diag_a(v: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    tr(diag(v) * A)
}

/// tr(diag(v) A) = Σ vᵢ Aᵢᵢ, so ∂/∂v = diagonal(A).
#[test]
fn trace_of_diag_times_a() {
    let (v, a) = (rand::<U3, U1, f64>(30), rand::<U3, U3, f64>(31));
    let (val, g) = tr_diag_a_grad(&v, &a);
    check_value(
        "tr(diag(v)A)",
        val,
        tr_diag_a(&v, &a),
        (v.diag() * a).tr(),
        TOL,
    );
    check_grad(
        "∂tr(diag(v)A)/∂v",
        &g,
        &a.diagonal(),
        |v| tr_diag_a(v, &a),
        &v,
        TOL,
    );
}

#[grad(X)]
fn diagonal_dot(X: &Matrix<U3, U3>, w: &Vector<U3>) -> f64 {
    dot(diagonal(X), w)
}

/// diagonal(X) · w = Σ Xᵢᵢ wᵢ, so ∂/∂X = diag(w).
#[test]
fn weighted_diagonal() {
    let (x, w) = (rand::<U3, U3, f64>(32), rand::<U3, U1, f64>(33));
    let (v, g) = diagonal_dot_grad(&x, &w);
    check_value(
        "diagonal(X)·w",
        v,
        diagonal_dot(&x, &w),
        (x.diagonal().t() * w).to_scalar(),
        TOL,
    );
    check_grad(
        "∂(diagonal(X)·w)/∂X",
        &g,
        &w.diag(),
        |x| diagonal_dot(x, &w),
        &x,
        TOL,
    );
}

// ---------------------------------------------------------------- scalars, lets, constants

#[grad(X, s)]
fn scalar_param(X: &Matrix<U3, U2>, s: f64, A: &Matrix<U2, U3>) -> f64 {
    s * tr(A * X) + s * s * sum(X) + 3.0 * s
}

/// Gradient with respect to a scalar parameter is a scalar:
/// ∂/∂s = tr(AX) + 2s·sum(X) + 3 and ∂/∂X = sAᵀ + s²𝟙.
#[test]
fn scalar_parameter() {
    let (x, a, s) = (rand::<U3, U2, f64>(34), rand::<U2, U3, f64>(35), 0.7);
    let (v, gx, gs): (f64, Matrix<U3, U2>, f64) = scalar_param_grad(&x, s, &a);
    let by_hand = s * (a * x).tr() + s * s * x.sum() + 3.0 * s;
    check_value(
        "s tr(AX) + s² sum(X) + 3s",
        v,
        scalar_param(&x, s, &a),
        by_hand,
        TOL,
    );
    let expected_x = a.t() * s + Matrix::<U3, U2>::ones() * (s * s);
    check_grad(
        "∂/∂X",
        &gx,
        &expected_x,
        |x| scalar_param(x, s, &a),
        &x,
        TOL,
    );
    let expected_s = (a * x).tr() + 2.0 * s * x.sum() + 3.0;
    check_scalar_grad("∂/∂s", gs, expected_s, |s| scalar_param(&x, s, &a), s, TOL);
}

#[grad(x)]
fn let_bindings(A: &Matrix<U2, U3>, x: &Vector<U3>, b: &Vector<U2>) -> f64 {
    let r = A * x - b;
    let q = r.t() * r;
    q * q + dot(r, r)
}

/// `let` bindings reused: with r = Ax − b and q = rᵀr, φ = q² + q, ∂φ/∂x = (4q + 2) Aᵀr.
#[test]
fn let_bindings_are_reused() {
    let (a, x, b) = (
        rand::<U2, U3, f64>(36),
        rand::<U3, U1, f64>(37),
        rand::<U2, U1, f64>(38),
    );
    let (v, g) = let_bindings_grad(&a, &x, &b);
    let r = a * x - b;
    let q = r.norm_sq();
    check_value("q² + q", v, let_bindings(&a, &x, &b), q * q + q, TOL);
    let expected = a.t() * r * (4.0 * q + 2.0);
    check_grad(
        "∂(q² + q)/∂x",
        &g,
        &expected,
        |x| let_bindings(&a, x, &b),
        &x,
        TOL,
    );
}

#[grad(X)]
fn one_by_one_as_scalar(a: &Vector<U3>, X: &Matrix<U3, U2>, b: &Vector<U2>) -> f64 {
    sum(X) * (a.t() * X * b)
}

/// A 1×1 product used as a scalar factor: ∂[sum(X)·aᵀXb]/∂X = (aᵀXb)𝟙 + sum(X)·abᵀ.
#[test]
fn one_by_one_product_is_a_scalar() {
    let (a, x, b) = (
        rand::<U3, U1, f64>(39),
        rand::<U3, U2, f64>(40),
        rand::<U2, U1, f64>(41),
    );
    let (v, g) = one_by_one_as_scalar_grad(&a, &x, &b);
    let axb = (a.t() * x * b).to_scalar();
    check_value(
        "sum(X)·aᵀXb",
        v,
        one_by_one_as_scalar(&a, &x, &b),
        x.sum() * axb,
        TOL,
    );
    let expected = Matrix::<U3, U2>::ones() * axb + a * b.t() * x.sum();
    check_grad(
        "∂/∂X",
        &g,
        &expected,
        |x| one_by_one_as_scalar(&a, x, &b),
        &x,
        TOL,
    );
}

#[grad(X)]
fn constants(X: &Matrix<U3, U2>, A: &Matrix<U3, U3>) -> f64 {
    tr(X.t() * (A + eye()) * X) + sum(hadamard(ones(), X)) + norm_sq(X - zeros())
}

/// eye(), ones() and zeros() take their shape from context (eye 3×3, the others 3×2):
/// ∂[tr(Xᵀ(A + I)X) + 𝟙:X + ‖X − 0‖²]/∂X = (A + Aᵀ + 2I)X + 𝟙 + 2X.
#[test]
fn constants_from_context() {
    let (x, a) = (rand::<U3, U2, f64>(42), rand::<U3, U3, f64>(43));
    let (v, g) = constants_grad(&x, &a);
    let eye = Matrix::<U3, U3>::identity();
    let by_hand = (x.t() * (a + eye) * x).tr() + x.sum() + x.norm_sq();
    check_value(
        "tr(Xᵀ(A + I)X) + 𝟙:X + ‖X‖²",
        v,
        constants(&x, &a),
        by_hand,
        TOL,
    );
    let expected = (a + a.t() + eye * 2.0) * x + Matrix::<U3, U2>::ones() + x * 2.0;
    check_grad("∂/∂X", &g, &expected, |x| constants(x, &a), &x, TOL);
}

#[grad(X)]
fn by_value(X: Matrix<U3, U3>, A: Matrix<U3, U3>) -> f64 {
    tr(X * A * X)
}

/// By-value parameters: ∂tr(XAX)/∂X = (AX + XA)ᵀ.
#[test]
fn by_value_parameters() {
    let (x, a) = (rand::<U3, U3, f64>(44), rand::<U3, U3, f64>(45));
    let (v, g) = by_value_grad(x, a);
    check_value("tr(XAX)", v, by_value(x, a), (x * a * x).tr(), TOL);
    let expected = (a * x + x * a).t();
    check_grad("∂tr(XAX)/∂X", &g, &expected, |x| by_value(*x, a), &x, TOL);
}

// ---------------------------------------------------------------- the helpers can fail

/// The comparison is not vacuous: a transposed closed form for a non-square gradient, or a
/// gradient off by a factor of two, is rejected.
#[test]
#[should_panic(expected = "vs finite differences")]
fn a_wrong_gradient_is_caught_by_finite_differences() {
    let (x, a) = (rand::<U3, U2, f64>(46), rand::<U3, U3, f64>(47));
    // ∂tr(XᵀAX)/∂X with the usual slip 2AX (right only for symmetric A), used as both the
    // "derived" and the "closed form" value: only the finite-difference check can catch it.
    let wrong = a * x * 2.0;
    check_grad(
        "deliberately wrong",
        &wrong,
        &wrong,
        |x| (x.t() * a * x).tr(),
        &x,
        TOL,
    );
}

#[test]
#[should_panic(expected = "vs closed form")]
fn a_wrong_closed_form_is_caught() {
    let (a, x) = (rand::<U2, U3, f64>(1), rand::<U3, U2, f64>(2));
    let (_, g) = tr_ax_grad(&a, &x);
    let wrong = g * 1.001;
    check_grad("deliberately wrong", &g, &wrong, |x| tr_ax(&a, x), &x, TOL);
}
