//! Solves, Cholesky factors, batch normalisations, scalars added to matrices and named
//! constants through the macros (reference §4b), each checked against a closed form from the
//! Matrix Cookbook / Rasmussen & Williams and against central finite differences.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;
use std::f64::consts::PI;

const TOL: f64 = TOL_F64;

// ---- solve ----

#[grad(A, B)]
fn trace_solve(A: &Matrix<U3, U3>, B: &Matrix<U3, U3>) -> f64 {
    tr(solve(A, B))
}

/// Cookbook (61): ∂tr(A⁻¹B)/∂A = −A⁻ᵀ Bᵀ A⁻ᵀ, ∂/∂B = A⁻ᵀ, through `solve`.
#[test]
fn trace_of_a_solve() {
    let a = well_conditioned::<U3, f64>(1);
    let b = rand::<U3, U3, f64>(2);
    let (v, ga, gb) = trace_solve_grad(&a, &b);
    let ai = a.inv();
    check_value("tr(A⁻¹B)", v, trace_solve(&a, &b), (ai * b).tr(), TOL);
    let want_a = -(ai.t() * b.t() * ai.t());
    check_grad("∂/∂A", &ga, &want_a, |a| trace_solve(a, &b), &a, TOL);
    check_grad("∂/∂B", &gb, &ai.t(), |b| trace_solve(&a, b), &b, TOL);
}

#[grad(A)]
fn inverse_product(A: &Matrix<U3, U3>, B: &Matrix<U3, U2>) -> f64 {
    sum(inv(A) * B)
}

/// `inv(A) * B` is rewritten to `solve(A, B)` (cheaper); the value and gradient are unchanged.
#[test]
fn inverse_times_matrix_is_a_solve() {
    let a = well_conditioned::<U3, f64>(3);
    let b = rand::<U3, U2, f64>(4);
    let (v, g) = inverse_product_grad(&a, &b);
    let ai = a.inv();
    check_value("sum(A⁻¹B)", v, inverse_product(&a, &b), (ai * b).sum(), TOL);
    let ones = Matrix::<U3, U2>::ones();
    let want = -(ai.t() * ones * (ai * b).t());
    check_grad("∂/∂A", &g, &want, |a| inverse_product(a, &b), &a, TOL);
    assert!(
        INVERSE_PRODUCT_GRAD_FORMULA.contains("solve"),
        "{INVERSE_PRODUCT_GRAD_FORMULA}"
    );
}

#[jacobian(A, b)]
fn solved(A: &Matrix<U3, U3>, b: &Vector<U3>) -> Vector<U3> {
    solve(A, b)
}

/// d(A⁻¹b) = A⁻¹ db − A⁻¹ dA x: ∂x/∂b = A⁻¹, ∂x/∂vec(A) = −xᵀ ⊗ A⁻¹.
#[test]
fn jacobian_of_a_solve() {
    let a = well_conditioned::<U3, f64>(5);
    let b = rand::<U3, U1, f64>(6);
    let (x, ja, jb) = solved_jacobian(&a, &b);
    let ai = a.inv();
    assert_close("x", &x, &(ai * b), TOL);
    check_jacobian("∂x/∂b", &jb, &ai, |b| solved(&a, b), &b, TOL);
    let want_a = -(x.t().kron(&ai));
    check_jacobian("∂x/∂A", &ja, &want_a, |a| solved(a, &b), &a, TOL);
}

#[grad(A)]
fn generic_solve<N: Dim>(A: &Matrix<N, N>, b: &Vector<N>) -> f64 {
    norm_sq(solve(A, b))
}

#[grad(A)]
fn solve_f32(A: &Matrix<U3, U3, f32>, b: &Vector<U3, f32>) -> f32 {
    norm_sq(solve(A, b))
}

/// ∂‖A⁻¹b‖²/∂A = −2 A⁻ᵀ x xᵀ, generic in N (at N = 4) and in f32.
#[test]
fn generic_and_f32_solves() {
    let a = well_conditioned::<U4, f64>(7);
    let b = rand::<U4, U1, f64>(8);
    let (_, g) = generic_solve_grad(&a, &b);
    let x = a.inv() * b;
    let want = -(a.inv().t() * x * x.t()) * 2.0;
    check_grad("generic ∂/∂A", &g, &want, |a| generic_solve(a, &b), &a, TOL);

    let a = well_conditioned::<U3, f32>(9);
    let b = rand::<U3, U1, f32>(10);
    let (_, g) = solve_f32_grad(&a, &b);
    let x = a.inv() * b;
    let want = -(a.inv().t() * x * x.t()) * 2.0;
    check_grad("f32 ∂/∂A", &g, &want, |a| solve_f32(a, &b), &a, TOL_F32);
}

// ---- Cholesky ----

#[grad(X)]
fn logdet_by_cholesky(X: &Matrix<U3, U2>) -> f64 {
    let K: Matrix<U3, U3> = X * X.t() + eye();
    2.0 * sum(log(diagonal(cholesky(K))))
}

/// logdet(K) = 2 Σ log diag(chol K), K = X Xᵀ + I: ∂/∂X = 2 K⁻¹ X.
#[test]
fn log_determinant_through_cholesky() {
    let x = rand::<U3, U2, f64>(11);
    let (v, g) = logdet_by_cholesky_grad(&x);
    let k = x * x.t() + Matrix::<U3, U3>::identity();
    check_value("logdet", v, logdet_by_cholesky(&x), k.logdet(), TOL);
    let want = k.inv() * x * 2.0;
    check_grad("∂/∂X", &g, &want, logdet_by_cholesky, &x, TOL);
}

#[grad(K)]
fn cholesky_logdet(K: &Matrix<U3, U3>) -> f64 {
    2.0 * sum(log(diagonal(cholesky(K))))
}

#[grad(K)]
fn cholesky_trace(K: &Matrix<U3, U3>, W: &Matrix<U3, U3>) -> f64 {
    dot(W, cholesky(K))
}

/// With respect to a symmetric K itself: the symmetric gradient (see `diff::factor_rules`),
/// K⁻¹ for the log-determinant, and agreement with finite differences along symmetric
/// perturbations K + h(Eᵢⱼ + Eⱼᵢ), which change φ by 2h Ḡᵢⱼ (h Ḡᵢᵢ on the diagonal).
#[test]
fn cholesky_gradient_is_the_symmetric_one() {
    let k = spd::<U3, f64>(12);
    let (_, g) = cholesky_logdet_grad(&k);
    assert_close("∂logdet/∂K", &g, &k.inv(), TOL);
    let w = rand::<U3, U3, f64>(13);
    let (_, g) = cholesky_trace_grad(&k, &w);
    assert_close("symmetric", &g, &g.t(), 1e-12);
    for i in 0..3 {
        for j in 0..=i {
            let h = 1e-6;
            let mut e = Matrix::<U3, U3>::zeros();
            e[(i, j)] = h;
            e[(j, i)] = h;
            let fd = (cholesky_trace(&(k + e), &w) - cholesky_trace(&(k - e), &w)) / (2.0 * h);
            let want = if i == j { g[(i, i)] } else { 2.0 * g[(i, j)] };
            assert_close_scalar(&format!("symmetric FD at ({i}, {j})"), want, fd, 1e-6);
        }
    }
}

#[grad(X)]
#[hessian(X)]
fn cholesky_of_gram(X: &Matrix<U3, U2>, W: &Matrix<U3, U3>) -> f64 {
    sum(sin(hadamard(W, cholesky(X * X.t() + eye()))))
}

#[grad(X)]
#[hessian(X)]
fn generic_cholesky<N: Dim>(X: &Matrix<N, N>, W: &Matrix<N, N>) -> f64 {
    sum(sin(hadamard(W, cholesky(X * X.t() + eye()))))
}

/// Hessians of a function of `cholesky`: exactly symmetric and equal to finite differences of
/// the gradient; the generic version agrees with the concrete one.
#[test]
fn hessian_through_cholesky() {
    let x = rand::<U3, U2, f64>(14);
    let w = rand::<U3, U3, f64>(15);
    let (_, g) = cholesky_of_gram_grad(&x, &w);
    let fd = fd_grad(|x| cholesky_of_gram(x, &w), &x);
    assert_close("gradient", &g, &fd, TOL);
    let (_, g2, h) = cholesky_of_gram_hessian(&x, &w);
    assert_close("gradient of the hessian fn", &g2, &g, 1e-12);
    assert_eq!(h, h.t(), "exactly symmetric");
    let fd: Matrix<U6, U6> = fd_jacobian(|x| cholesky_of_gram_grad(x, &w).1, &x);
    assert_close("∂²/∂X²", &h, &fd, 1e-5);

    let x = rand::<U3, U3, f64>(24);
    let (_, g) = generic_cholesky_grad(&x, &w);
    assert_close(
        "generic gradient",
        &g,
        &fd_grad(|x| generic_cholesky(x, &w), &x),
        TOL,
    );
    let (_, _, h) = generic_cholesky_hessian(&x, &w);
    let fd: Matrix<U9, U9> = fd_jacobian(|x| generic_cholesky_grad(x, &w).1, &x);
    assert_close("generic ∂²/∂X²", &h, &fd, 1e-5);
}

// ---- Gaussian process evidence (Rasmussen & Williams, Algorithm 2.1) ----

#[grad(theta, noise)]
fn gp_nll(X: &Matrix<U5, U2>, y: &Vector<U5>, theta: &Vector<U2>, noise: f64) -> f64 {
    let K: Matrix<U5, U5> = X * diag(theta) * X.t() + noise * eye();
    let L = cholesky(K);
    let alpha = solve(L.t(), solve(L, y));
    0.5 * (y.t() * alpha) + sum(log(diagonal(L))) + 2.5 * log(2.0 * PI)
}

/// ∂NLL/∂θ_k = ½ tr((K⁻¹ − α αᵀ) ∂K/∂θ_k) with ∂K/∂θ_k = x_k x_kᵀ and ∂K/∂σ² = I.
#[test]
fn gaussian_process_evidence_gradient() {
    let x = rand::<U5, U2, f64>(16);
    let y = rand::<U5, U1, f64>(17);
    let theta = rand_in::<U2, U1, f64>(18, 0.5, 1.5);
    let noise = 0.3;
    let (v, g_theta, g_noise) = gp_nll_grad(&x, &y, &theta, noise);
    let k = x * Matrix::<U2, U2>::from_fn(|i, j| if i == j { theta[(i, 0)] } else { 0.0 }) * x.t()
        + Matrix::<U5, U5>::identity() * noise;
    let ki = k.inv();
    let alpha = ki * y;
    let want_v = 0.5 * (y.t() * alpha).to_scalar() + 0.5 * k.logdet() + 2.5 * (2.0 * PI).ln();
    check_value("NLL", v, gp_nll(&x, &y, &theta, noise), want_v, TOL);
    let inner = ki - alpha * alpha.t();
    let want_theta = Matrix::<U2, U1>::from_fn(|k, _| {
        let col = x.column(k);
        0.5 * (col.t() * inner * col).to_scalar()
    });
    check_grad(
        "∂/∂θ",
        &g_theta,
        &want_theta,
        |t| gp_nll(&x, &y, t, noise),
        &theta,
        TOL,
    );
    check_scalar_grad(
        "∂/∂σ²",
        g_noise,
        0.5 * inner.tr(),
        |s| gp_nll(&x, &y, &theta, s),
        noise,
        TOL,
    );
}

// ---- batches ----

#[grad(X)]
fn batch_losses(X: &Matrix<U3, U4>, W: &Matrix<U3, U4>) -> f64 {
    dot(W, softmax_cols(X)) + sum(logsumexp_cols(X)) - dot(W, softmax_rows(X))
        + sum(logsumexp_rows(X))
}

/// ∂ sum(logsumexp_cols X)/∂X = softmax_cols X (and the rows alike); softmax terms by FD.
#[test]
fn batch_normalisations() {
    let x = rand::<U3, U4, f64>(19);
    let w = rand::<U3, U4, f64>(20);
    let (_, g) = batch_losses_grad(&x, &w);
    let fd = fd_grad(|x| batch_losses(x, &w), &x);
    assert_close("∂/∂X vs FD", &g, &fd, TOL);
    let s = x.softmax_cols();
    for j in 0..4 {
        let col: f64 = (0..3).map(|i| s[(i, j)]).sum();
        assert!((col - 1.0).abs() < 1e-14);
    }
}

#[jacobian(X)]
fn attention_weights(X: &Matrix<U2, U3>) -> Matrix<U2, U3> {
    softmax_rows(X * 1000.0)
}

/// Rows sum to 1 and the Jacobian is finite at ±1000.
#[test]
fn batch_softmax_is_stable() {
    let x = rand::<U2, U3, f64>(21);
    let (s, j) = attention_weights_jacobian(&x);
    for i in 0..2 {
        let row: f64 = (0..3).map(|k| s[(i, k)]).sum();
        assert!((row - 1.0).abs() < 1e-12, "{s}");
    }
    assert!(j.iter().all(|v| v.is_finite()));
}

// ---- scalars where a matrix is expected, and constants ----

const SCALE: f64 = 2.5;
const HALF: f32 = 0.5;

#[grad(x, s)]
fn broadcast(x: &Vector<U3>, s: f64) -> f64 {
    sum(powi(x + 1.0, 2)) + sum(s - x) + PI * sum(x) + SCALE * norm_sq(x - s)
}

/// ∂/∂x = 2(x + 𝟙) − 𝟙 + π 𝟙 + 2·SCALE (x − s𝟙); ∂/∂s = 3 − 2·SCALE Σ(x − s).
#[test]
fn scalars_add_to_every_entry_and_constants_are_constant() {
    let x = rand::<U3, U1, f64>(22);
    let s = 0.7;
    let (_, gx, gs) = broadcast_grad(&x, s);
    let ones = Matrix::<U3, U1>::ones();
    let d = x - ones * s;
    let want = (x + ones) * 2.0 - ones + ones * PI + d * (2.0 * SCALE);
    check_grad("∂/∂x", &gx, &want, |x| broadcast(x, s), &x, TOL);
    check_scalar_grad(
        "∂/∂s",
        gs,
        3.0 - 2.0 * SCALE * d.sum(),
        |s| broadcast(&x, s),
        s,
        TOL,
    );
}

#[grad(A)]
fn constants_f32(A: &Matrix<U2, U2, f32>) -> f32 {
    HALF * sum(1.0 - A) + std::f64::consts::E * tr(A) + SCALE * det(A)
}

/// f32 code with an f32 const, an f64 standard constant and an f64 const.
#[test]
fn constants_in_f32_code() {
    let a = rand::<U2, U2, f32>(23);
    let (_, g) = constants_f32_grad(&a);
    let adj_t =
        Matrix::<U2, U2, f32>::from_row_slice(&[a[(1, 1)], -a[(1, 0)], -a[(0, 1)], a[(0, 0)]]);
    let want = Matrix::<U2, U2, f32>::ones() * -0.5
        + Matrix::<U2, U2, f32>::identity() * std::f32::consts::E
        + adj_t * 2.5;
    check_grad("∂/∂A", &g, &want, constants_f32, &a, TOL_F32);
}

// ---- the generic functions at `Dyn` ----

/// Solve and Cholesky, gradient and Hessian, at `N = Dyn` against the static results and finite
/// differences.
#[test]
fn generic_solve_and_cholesky_at_dyn() {
    let a = well_conditioned::<U4, f64>(31);
    let b = rand::<U4, U1, f64>(32);
    let (v, g) = generic_solve_grad(&a, &b);
    let (ad, bd): (Matrix<Dyn, Dyn>, Vector<Dyn>) = (retype(&a), retype(&b));
    let (vd, gd) = generic_solve_grad(&ad, &bd);
    check_dyn_grad(
        "‖A⁻¹b‖² at Dyn",
        vd,
        v,
        &gd,
        &g,
        |a| generic_solve(a, &bd),
        &ad,
        TOL,
    );

    let (x, w) = (rand::<U3, U3, f64>(33), rand::<U3, U3, f64>(34));
    let (v, g, h) = generic_cholesky_hessian(&x, &w);
    let (xd, wd): (Matrix<Dyn, Dyn>, Matrix<Dyn, Dyn>) = (retype(&x), retype(&w));
    let (vd, gd, hd) = generic_cholesky_hessian(&xd, &wd);
    check_dyn_grad(
        "cholesky at Dyn",
        vd,
        v,
        &gd,
        &g,
        |x| generic_cholesky(x, &wd),
        &xd,
        TOL,
    );
    assert_eq!(hd, hd.t(), "exactly symmetric at Dyn");
    assert_close("Hessian at Dyn vs static", &hd, &retype(&h), 1e-12);
    let fd: Matrix<Dyn, Dyn> = fd_jacobian(|x| generic_cholesky_grad(x, &wd).1, &xd);
    assert_close("Hessian at Dyn vs FD", &hd, &fd, 1e-5);
}
