//! Issue 15, items 3 and 11, through the real macros: derivatives that are finite where the
//! textbook formula gives NaN (`norm` at 0, `powf` in p with zero entries, `log σ` and
//! `log softmax` far out, `det` at rank n − 1), and singular matrices that are detected.
//! Every expected value is computed independently (closed forms, the core's adjugate, central
//! differences).
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

#[grad(x)]
fn length(x: &Vector<U3>) -> f64 {
    norm(x)
}

#[test]
fn norm_gradient_at_zero_is_the_subgradient_zero() {
    let (v, g) = length_grad(&Matrix::zeros());
    assert_eq!(v, 0.0);
    assert_eq!(g, Matrix::zeros());
    let x = rand::<U3, U1, f64>(3);
    let (_, g) = length_grad(&x);
    check_grad("∂‖x‖", &g, &(x / x.norm()), length, &x, TOL_F64);
}

#[grad(p)]
fn power_sum(A: &Matrix<U2, U2>, p: f64) -> f64 {
    sum(powf(A, p))
}

#[test]
fn powf_in_the_exponent_with_zero_entries() {
    let a: Matrix<U2, U2> = matrix![0.0, 2.0; 3.0, 0.0];
    let p = 1.5;
    let (v, dp) = power_sum_grad(&a, p);
    assert_eq!(v, 2f64.powf(p) + 3f64.powf(p));
    let want = 2f64.powf(p) * 2f64.ln() + 3f64.powf(p) * 3f64.ln();
    check_scalar_grad("∂φ/∂p", dp, want, |p| power_sum(&a, p), p, TOL_F64);
}

#[grad(x)]
fn log_likelihood(x: &Vector<U3>) -> f64 {
    sum(log(sigmoid(x)))
}

#[test]
fn log_sigmoid_is_stable_far_out() {
    let x: Vector<U3> = matrix![-1000.0; 0.0; 1000.0];
    let (v, g) = log_likelihood_grad(&x);
    assert_close_scalar("Σ log σ(x)", v, -1000.0 - 2f64.ln(), 1e-12);
    assert_close_scalar("original", log_likelihood(&x), v, 1e-12);
    // ∂ log σ(x) = σ(−x).
    assert_close("∂ Σ log σ", &g, &matrix![1.0; 0.5; 0.0], 1e-12);
    let x = rand::<U3, U1, f64>(5) * 3.0;
    let (_, g) = log_likelihood_grad(&x);
    check_grad(
        "∂ Σ log σ",
        &g,
        &(-x).sigmoid(),
        log_likelihood,
        &x,
        TOL_F64,
    );
}

#[grad(v)]
fn cross_entropy(v: &Vector<U3>, w: &Vector<U3>) -> f64 {
    dot(w, log(softmax(v)))
}

#[test]
fn log_softmax_is_stable_far_out() {
    let w: Vector<U3> = matrix![1.0; 0.0; 0.0];
    let v: Vector<U3> = matrix![-1000.0; 0.0; 5.0];
    let (value, g) = cross_entropy_grad(&v, &w);
    let lse = 5.0 + (1.0 + (-5f64).exp()).ln();
    assert_close_scalar("wᵀ log softmax", value, -1000.0 - lse, 1e-12);
    // ∂ = w − (Σw) softmax(v).
    assert_close("∂ wᵀ log softmax", &g, &(w - v.softmax()), 1e-12);
    let v = rand::<U3, U1, f64>(6);
    let w = rand::<U3, U1, f64>(7);
    let (_, g) = cross_entropy_grad(&v, &w);
    let want = w - v.softmax() * w.sum();
    check_grad(
        "∂ wᵀ log softmax",
        &g,
        &want,
        |v| cross_entropy(v, &w),
        &v,
        TOL_F64,
    );
}

#[hessian(A)]
fn det3(A: &Matrix<U3, U3>) -> f64 {
    det(A)
}

#[hessian(A)]
fn det4(A: &Matrix<U4, U4>) -> f64 {
    det(A)
}

#[test]
fn det_derivatives_at_rank_n_minus_one() {
    let a: Matrix<U3, U3> = matrix![1.0, 2.0, 3.0; 4.0, 5.0, 6.0; 7.0, 8.0, 9.0];
    let (_, g, h) = det3_hessian(&a);
    check_grad(
        "∂det (3×3, rank 2)",
        &g,
        &a.adjugate().t(),
        det3,
        &a,
        TOL_F64,
    );
    let fd: Matrix<U9, U9> = fd_jacobian(|a| det3_hessian(a).1, &a);
    assert_close("∂²det (3×3, rank 2)", &h, &fd, TOL_F64);
    assert_eq!(h, h.t());

    // 4×4 of rank 3: the last row is the sum of the first two.
    let mut b = rand::<U4, U4, f64>(9);
    for j in 0..4 {
        b[(3, j)] = b[(0, j)] + b[(1, j)];
    }
    assert!(b.lu().is_singular());
    let (_, g, h) = det4_hessian(&b);
    assert!(
        g.iter().any(|x| *x != 0.0),
        "rank n − 1: the adjugate is nonzero"
    );
    check_grad(
        "∂det (4×4, rank 3)",
        &g,
        &b.adjugate().t(),
        det4,
        &b,
        TOL_F64,
    );
    let fd: Matrix<U16, U16> = fd_jacobian(|b| det4_hessian(b).1, &b);
    assert_close("∂²det (4×4, rank 3)", &h, &fd, TOL_F64);
}

#[test]
fn singular_matrices_are_detected_by_the_runtime() {
    let a: Matrix<U3, U3> = matrix![1.0, 2.0, 3.0; 4.0, 5.0, 6.0; 7.0, 8.0, 9.0];
    for scale in [1e-200, 1.0, 1e200] {
        let s = a * scale;
        assert_eq!(s.try_inv(), None);
        assert!(inv(s).iter().all(|x| x.is_nan()));
        assert_eq!(try_solve(s, Vector::<U3>::ones()), None);
        assert_eq!(try_cholesky(s * s.t()), None);
    }
}
