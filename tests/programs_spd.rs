//! Programs that use a Cholesky factor L = chol(A) the way Rasmussen & Williams do: A⁻¹B as
//! solve(Lᵀ, solve(L, B)) and ½ logdet A as Σ log L_ii. Their gradients take the shortcuts of
//! `diff::rules::spd` (A⁻¹ from L, no second factorization); each case here is checked
//! against central finite differences, including matrix right-hand sides, a non-trivial
//! cotangent, a scalar weight on the log-diagonal, a factor also used on its own (so part of
//! L̄ still goes through Murray's general adjoint), a Hessian, f32 and generic sizes.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

#[grad(X, B)]
fn spd_solve_matrix_rhs(X: &Matrix<U4, U3>, B: &Matrix<U4, U2>) -> f64 {
    let K: Matrix<U4, U4> = X * X.t() + eye();
    let L = cholesky(K);
    sum(sin(solve(L.t(), solve(L, B))))
}

/// ∂/∂B = K⁻¹ cos(K⁻¹B) and ∂/∂X by finite differences.
#[test]
fn solve_through_the_factor_with_a_matrix_rhs() {
    let x = rand::<U4, U3, f64>(1);
    let b = rand::<U4, U2, f64>(2);
    let (v, gx, gb) = spd_solve_matrix_rhs_grad(&x, &b);
    let k = x * x.t() + Matrix::<U4, U4>::identity();
    let z = k.inv() * b;
    check_value(
        "value",
        v,
        spd_solve_matrix_rhs(&x, &b),
        z.map(f64::sin).sum(),
        TOL,
    );
    let want_b = k.inv() * z.map(f64::cos);
    check_grad(
        "∂/∂B",
        &gb,
        &want_b,
        |b| spd_solve_matrix_rhs(&x, b),
        &b,
        TOL,
    );
    assert_close(
        "∂/∂X",
        &gx,
        &fd_grad(|x| spd_solve_matrix_rhs(x, &b), &x),
        TOL,
    );
}

#[grad(X, w)]
fn weighted_log_diagonal(X: &Matrix<U3, U3>, y: &Vector<U3>, w: f64) -> f64 {
    let K: Matrix<U3, U3> = X * X.t() + eye();
    let L = cholesky(K);
    let z = solve(L, y);
    w * sum(log(diagonal(L))) + norm_sq(z) + 0.5 * (y.t() * solve(L.t(), z))
}

/// A scalar parameter weighting Σ log L_ii, and the factor's inner solve z = L⁻¹y also used
/// on its own: ∂/∂w = ½ logdet K, ∂/∂X by finite differences.
#[test]
fn weighted_log_diagonal_and_a_shared_inner_solve() {
    let x = rand::<U3, U3, f64>(3);
    let y = rand::<U3, U1, f64>(4);
    let w = 0.7;
    let (_, gx, gw) = weighted_log_diagonal_grad(&x, &y, w);
    let k = x * x.t() + Matrix::<U3, U3>::identity();
    check_scalar_grad(
        "∂/∂w",
        gw,
        0.5 * k.logdet(),
        |w| weighted_log_diagonal(&x, &y, w),
        w,
        TOL,
    );
    assert_close(
        "∂/∂X",
        &gx,
        &fd_grad(|x| weighted_log_diagonal(x, &y, w), &x),
        TOL,
    );
}

#[grad(K)]
fn evidence_in_k(K: &Matrix<U3, U3>, y: &Vector<U3>) -> f64 {
    let L = cholesky(K);
    0.5 * (y.t() * solve(L.t(), solve(L, y))) + sum(log(diagonal(L)))
}

/// With respect to a symmetric K itself: exactly ½(K⁻¹ − ααᵀ), symmetric.
#[test]
fn evidence_gradient_in_k_is_the_textbook_one() {
    let k = spd::<U3, f64>(5);
    let y = rand::<U3, U1, f64>(6);
    let (_, g) = evidence_in_k_grad(&k, &y);
    let alpha = k.inv() * y;
    let want = (k.inv() - alpha * alpha.t()) * 0.5;
    assert_close("½(K⁻¹ − ααᵀ)", &g, &want, 1e-10);
    assert_close("symmetric", &g, &g.t(), 1e-12);
}

#[hessian(x)]
fn evidence_hessian(x: &Vector<U3>, y: &Vector<U3>) -> f64 {
    let K: Matrix<U3, U3> = x * x.t() + eye();
    let L = cholesky(K);
    0.5 * (y.t() * solve(L.t(), solve(L, y))) + sum(log(diagonal(L)))
}

/// Second order through both shortcuts: the Hessian equals finite differences of the gradient.
#[test]
fn hessian_through_the_shortcuts() {
    let x = rand::<U3, U1, f64>(7);
    let y = rand::<U3, U1, f64>(8);
    let (_, g, h) = evidence_hessian_hessian(&x, &y);
    assert_close(
        "gradient",
        &g,
        &fd_grad(|x| evidence_hessian(x, &y), &x),
        TOL,
    );
    assert_close("exactly symmetric", &h, &h.t(), 0.0);
    let fd: Matrix<U3, U3> = fd_jacobian(|x| evidence_hessian_hessian(x, &y).1, &x);
    assert_close("∂²/∂x²", &h, &fd, 1e-5);
}

#[grad(X)]
fn generic_evidence<N: Dim>(X: &Matrix<N, U2>, y: &Vector<N>) -> f64 {
    let K: Matrix<N, N> = X * X.t() + eye();
    let L = cholesky(K);
    0.5 * (y.t() * solve(L.t(), solve(L, y))) + 2.0 * sum(log(diagonal(L)))
}

#[grad(X)]
fn evidence_f32(X: &Matrix<U4, U2, f32>, y: &Vector<U4, f32>) -> f32 {
    let K: Matrix<U4, U4, f32> = X * X.t() + eye();
    let L = cholesky(K);
    0.5 * (y.t() * solve(L.t(), solve(L, y))) + sum(log(diagonal(L)))
}

/// Generic dimensions on both sides of the faer threshold (n = 5, 40), and f32.
#[test]
fn generic_sizes_and_f32() {
    let x = rand::<U5, U2, f64>(9);
    let y = rand::<U5, U1, f64>(10);
    let (_, g) = generic_evidence_grad(&x, &y);
    assert_close("n = 5", &g, &fd_grad(|x| generic_evidence(x, &y), &x), TOL);
    let x = rand::<U40, U2, f64>(11);
    let y = rand::<U40, U1, f64>(12);
    let (_, g) = generic_evidence_grad(&x, &y);
    assert_close("n = 40", &g, &fd_grad(|x| generic_evidence(x, &y), &x), TOL);
    let x = rand::<U4, U2, f32>(13);
    let y = rand::<U4, U1, f32>(14);
    let (_, g) = evidence_f32_grad(&x, &y);
    assert_close("f32", &g, &fd_grad(|x| evidence_f32(x, &y), &x), TOL_F32);
}

/// The GP evidence of `benches/gp.rs` and `benches/dyn_large.rs`: K = X diag(θ) Xᵀ + σ I built
/// with the in-place identity update, factored in its own buffer, and the gradient in θ and σ
/// with the rank-one update ½(K⁻¹ − ααᵀ) formed in place.
#[grad(theta, noise)]
fn gp_evidence<N: Dim>(X: &Matrix<N, U3>, y: &Vector<N>, theta: &Vector<U3>, noise: f64) -> f64 {
    let K: Matrix<N, N> = X * diag(theta) * X.t() + noise * eye();
    let L = cholesky(K);
    let alpha = solve(L.t(), solve(L, y));
    0.5 * (y.t() * alpha) + sum(log(diagonal(L)))
}

/// `Dyn` sizes on the faer paths (n ≥ 32, and one below): the gradient against central
/// finite differences and against the closed form ½(tr K⁻¹ − αᵀα), ½(x_kᵀK⁻¹x_k − (x_kᵀα)²)
/// computed here with an LU inverse (an independent factorization); the value against the
/// static instantiation at n = 40.
#[test]
fn gp_evidence_at_dyn_sizes() {
    let theta = Vector::<U3>::from_fn(|i, _| 0.5 + 0.25 * i as f64);
    let noise = 0.3;
    for n in [7usize, 33, 64, 150] {
        let x: Matrix<Dyn, U3> = rand_dyn(20 + n as u64, n, 3);
        let y: Vector<Dyn> = rand_dyn(40 + n as u64, n, 1);
        let (v, g_theta, g_noise) = gp_evidence_grad(&x, &y, &theta, noise);
        assert_close_scalar("value", v, gp_evidence(&x, &y, &theta, noise), 1e-12);
        let fd = fd_grad(|t| gp_evidence(&x, &y, t, noise), &theta);
        assert_close(&format!("∂/∂θ at n = {n}"), &g_theta, &fd, TOL);
        let fd_noise = fd_scalar(|s| gp_evidence(&x, &y, &theta, s), noise);
        assert_close_scalar(&format!("∂/∂σ at n = {n}"), g_noise, fd_noise, TOL);
        // The closed form, by LU.
        let k =
            &x * Matrix::<U3, U3>::from_fn(|i, j| if i == j { theta[(i, 0)] } else { 0.0 }) * x.t()
                + Matrix::<Dyn, Dyn>::identity_generic(Dyn(n), Dyn(n)) * noise;
        let k_inv = k.inv();
        let alpha = &k_inv * &y;
        let closed_noise = 0.5 * (k_inv.tr() - alpha.norm_sq());
        assert_close_scalar("closed-form ∂/∂σ", g_noise, closed_noise, 1e-9);
        let closed_theta = Vector::<U3>::from_fn(|c, _| {
            let xc = Vector::<Dyn>::from_fn_dyn(n, 1, |i, _| x[(i, c)]);
            let xa = xc.dot(&alpha);
            0.5 * (xc.dot(&(&k_inv * &xc)) - xa * xa)
        });
        assert_close("closed-form ∂/∂θ", &g_theta, &closed_theta, 1e-9);
    }
    let xs = rand::<U40, U3, f64>(3);
    let ys = rand::<U40, U1, f64>(4);
    let xd = Matrix::<Dyn, U3>::from_column_slice_dyn(40, 3, xs.as_slice());
    let yd = Vector::<Dyn>::from_column_slice_dyn(40, 1, ys.as_slice());
    let (vs, gs, ns) = gp_evidence_grad(&xs, &ys, &theta, noise);
    let (vd, gd, nd) = gp_evidence_grad(&xd, &yd, &theta, noise);
    assert_close_scalar("static = Dyn value", vd, vs, 1e-12);
    assert_close("static = Dyn ∂/∂θ", &gd, &gs, 1e-12);
    assert_close_scalar("static = Dyn ∂/∂σ", nd, ns, 1e-12);
}

/// A matrix that is not positive definite (σ < 0 makes K indefinite) gives NaN through the
/// in-place factorization, not a panic.
#[test]
fn gp_evidence_of_an_indefinite_kernel_is_nan() {
    let n = 40;
    let x: Matrix<Dyn, U3> = rand_dyn(5, n, 3);
    let y: Vector<Dyn> = rand_dyn(6, n, 1);
    let theta = Vector::<U3>::from_fn(|_, _| 0.5);
    let (v, g, s) = gp_evidence_grad(&x, &y, &theta, -1.0);
    assert!(v.is_nan() && g.iter().all(|e| e.is_nan()) && s.is_nan());
}
