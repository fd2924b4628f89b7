//! Matrix Cookbook identities through `#[grad]` on GENERIC functions (`fn f<M: Dim, N: Dim>`),
//! each instantiated at two different (non-square) sizes, and on `f32` matrices with a
//! tolerance to match. Each derived gradient is compared with the closed form computed by hand
//! AND with central finite differences (in the same precision).
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

// ---------------------------------------------------------------- generic dimensions

#[grad(X)]
fn g_tr_ax<M: Dim, N: Dim>(A: &Matrix<N, M>, X: &Matrix<M, N>) -> f64 {
    tr(A * X)
}

fn check_tr_ax<M: Dim, N: Dim>(seed: u64)
where
    Matrix<N, M>: Copy,
    Matrix<M, N>: Copy,
{
    let (a, x) = (rand::<N, M, f64>(seed), rand::<M, N, f64>(seed + 1));
    let (v, g) = g_tr_ax_grad(&a, &x);
    check_value("tr(AX)", v, g_tr_ax(&a, &x), (a * x).tr(), TOL_F64);
    check_grad("∂tr(AX)/∂X", &g, &a.t(), |x| g_tr_ax(&a, x), &x, TOL_F64);
}

/// ∂tr(AX)/∂X = Aᵀ at 3×2 and 2×5.
#[test]
fn generic_trace_of_a_x() {
    check_tr_ax::<U3, U2>(301);
    check_tr_ax::<U2, U5>(303);
}

#[grad(X)]
fn g_bilinear<M: Dim, N: Dim>(a: &Vector<M>, X: &Matrix<M, N>, b: &Vector<N>) -> f64 {
    a.t() * X * b
}

fn check_bilinear<M: Dim, N: Dim>(seed: u64)
where
    Matrix<M, N>: Copy,
    Vector<M>: Copy,
    Vector<N>: Copy,
{
    let (a, x, b) = (
        rand::<M, U1, f64>(seed),
        rand::<M, N, f64>(seed + 1),
        rand::<N, U1, f64>(seed + 2),
    );
    let (v, g) = g_bilinear_grad(&a, &x, &b);
    let by_hand = (a.t() * x * b).to_scalar();
    check_value("aᵀXb", v, g_bilinear(&a, &x, &b), by_hand, TOL_F64);
    let expected = a * b.t();
    check_grad(
        "∂aᵀXb/∂X",
        &g,
        &expected,
        |x| g_bilinear(&a, x, &b),
        &x,
        TOL_F64,
    );
}

/// ∂aᵀXb/∂X = abᵀ at 3×2 and 1×4.
#[test]
fn generic_bilinear_form() {
    check_bilinear::<U3, U2>(305);
    check_bilinear::<U1, U4>(308);
}

#[grad(W, x)]
fn g_least_squares<M: Dim, N: Dim>(W: &Matrix<M, N>, x: &Vector<N>, y: &Vector<M>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

fn check_least_squares<M: Dim, N: Dim>(seed: u64)
where
    Matrix<M, N>: Copy,
    Vector<M>: Copy,
    Vector<N>: Copy,
{
    let (w, x, y) = (
        rand::<M, N, f64>(seed),
        rand::<N, U1, f64>(seed + 1),
        rand::<M, U1, f64>(seed + 2),
    );
    let (v, gw, gx) = g_least_squares_grad(&w, &x, &y);
    let r = w * x - y;
    check_value(
        "½‖Wx − y‖²",
        v,
        g_least_squares(&w, &x, &y),
        0.5 * r.norm_sq(),
        TOL_F64,
    );
    let (by_hand_w, by_hand_x) = (r * x.t(), w.t() * r);
    check_grad(
        "∂/∂W",
        &gw,
        &by_hand_w,
        |w| g_least_squares(w, &x, &y),
        &w,
        TOL_F64,
    );
    check_grad(
        "∂/∂x",
        &gx,
        &by_hand_x,
        |x| g_least_squares(&w, x, &y),
        &x,
        TOL_F64,
    );
}

/// ½‖Wx − y‖²: ∂/∂W = (Wx − y)xᵀ and ∂/∂x = Wᵀ(Wx − y) at 3×4 and 5×2.
#[test]
fn generic_least_squares() {
    check_least_squares::<U3, U4>(311);
    check_least_squares::<U5, U2>(314);
}

#[grad(X)]
fn g_quadratic_trace<M: Dim, N: Dim>(X: &Matrix<M, N>, A: &Matrix<M, M>) -> f64 {
    tr(X.t() * A * X)
}

fn check_quadratic_trace<M: Dim, N: Dim>(seed: u64)
where
    Matrix<M, N>: Copy,
    Matrix<M, M>: Copy,
{
    let (x, a) = (rand::<M, N, f64>(seed), rand::<M, M, f64>(seed + 1));
    let (v, g) = g_quadratic_trace_grad(&x, &a);
    let by_hand = (x.t() * a * x).tr();
    check_value("tr(XᵀAX)", v, g_quadratic_trace(&x, &a), by_hand, TOL_F64);
    let expected = (a + a.t()) * x;
    check_grad(
        "∂/∂X",
        &g,
        &expected,
        |x| g_quadratic_trace(x, &a),
        &x,
        TOL_F64,
    );
}

/// ∂tr(XᵀAX)/∂X = (A + Aᵀ)X at 3×2 and 2×4.
#[test]
fn generic_trace_of_x_transposed_a_x() {
    check_quadratic_trace::<U3, U2>(317);
    check_quadratic_trace::<U2, U4>(319);
}

#[grad(X)]
fn g_logdet<N: Dim>(X: &Matrix<N, N>) -> f64 {
    logdet(X)
}

fn check_logdet<N: Dim>(seed: u64)
where
    Matrix<N, N>: Copy,
{
    let x = well_conditioned::<N, f64>(seed);
    let (v, g) = g_logdet_grad(&x);
    check_value("logdet(X)", v, g_logdet(&x), x.det().ln(), TOL_F64);
    check_grad("∂logdet/∂X", &g, &x.inv().t(), g_logdet, &x, TOL_F64);
}

/// ∂logdet(X)/∂X = X⁻ᵀ at 2×2 and 4×4.
#[test]
fn generic_log_determinant() {
    check_logdet::<U2>(321);
    check_logdet::<U4>(322);
}

#[grad(X, Y)]
fn g_sum_product<M: Dim, K: Dim, N: Dim>(X: &Matrix<M, K>, Y: &Matrix<K, N>) -> f64 {
    sum(exp(X * Y))
}

fn check_sum_product<M: Dim, K: Dim, N: Dim>(seed: u64)
where
    Matrix<M, K>: Copy,
    Matrix<K, N>: Copy,
    Matrix<M, N>: Copy,
{
    let (x, y) = (rand::<M, K, f64>(seed), rand::<K, N, f64>(seed + 1));
    let (v, gx, gy) = g_sum_product_grad(&x, &y);
    let e = (x * y).map(f64::exp);
    check_value("Σ exp(XY)", v, g_sum_product(&x, &y), e.sum(), TOL_F64);
    let (by_hand_x, by_hand_y) = (e * y.t(), x.t() * e);
    check_grad(
        "∂/∂X",
        &gx,
        &by_hand_x,
        |x| g_sum_product(x, &y),
        &x,
        TOL_F64,
    );
    check_grad(
        "∂/∂Y",
        &gy,
        &by_hand_y,
        |y| g_sum_product(&x, y),
        &y,
        TOL_F64,
    );
}

/// Σ exp(XY) with E = exp(XY): ∂/∂X = E Yᵀ, ∂/∂Y = Xᵀ E, at (2×3)(3×4) and (4×1)(1×2).
#[test]
fn generic_sum_exp_of_a_product() {
    check_sum_product::<U2, U3, U4>(323);
    check_sum_product::<U4, U1, U2>(325);
}

#[grad(X)]
fn g_logsumexp<M: Dim, N: Dim>(X: &Matrix<M, N>, a: &Vector<N>) -> f64 {
    logsumexp(X * a)
}

fn check_logsumexp<M: Dim, N: Dim>(seed: u64)
where
    Matrix<M, N>: Copy,
    Vector<M>: Copy,
    Vector<N>: Copy,
{
    let (x, a) = (rand::<M, N, f64>(seed), rand::<N, U1, f64>(seed + 1));
    let (v, g) = g_logsumexp_grad(&x, &a);
    let e = (x * a).map(f64::exp);
    check_value(
        "logsumexp(Xa)",
        v,
        g_logsumexp(&x, &a),
        e.sum().ln(),
        TOL_F64,
    );
    let expected = e / e.sum() * a.t();
    check_grad("∂/∂X", &g, &expected, |x| g_logsumexp(x, &a), &x, TOL_F64);
}

/// ∂logsumexp(Xa)/∂X = softmax(Xa)aᵀ at 3×2 and 5×3.
#[test]
fn generic_logsumexp() {
    check_logsumexp::<U3, U2>(327);
    check_logsumexp::<U5, U3>(329);
}

#[grad(X)]
fn g_kron_vec<M: Dim, N: Dim>(A: &Matrix<U2, U2>, X: &Matrix<M, N>) -> f64 {
    tr(kron(A, X.t() * X)) + sum(vec(X))
}

/// tr(A ⊗ XᵀX) + Σ vec(X) = tr(A)‖X‖² + Σ X: ∂/∂X = 2 tr(A) X + 𝟙, at 3×2 and 2×3 (the
/// macro adds the product bounds `kron` and `vec` need).
#[test]
fn generic_kron_and_vec() {
    let (a, x) = (rand::<U2, U2, f64>(331), rand::<U3, U2, f64>(332));
    let (v, g) = g_kron_vec_grad(&a, &x);
    check_value(
        "tr(A⊗XᵀX) + Σvec X",
        v,
        g_kron_vec(&a, &x),
        a.tr() * x.norm_sq() + x.sum(),
        TOL_F64,
    );
    let expected = x * (2.0 * a.tr()) + Matrix::<U3, U2>::ones();
    check_grad("∂/∂X", &g, &expected, |x| g_kron_vec(&a, x), &x, TOL_F64);

    let x = rand::<U2, U3, f64>(333);
    let (v, g) = g_kron_vec_grad(&a, &x);
    check_value(
        "tr(A⊗XᵀX) + Σvec X",
        v,
        g_kron_vec(&a, &x),
        a.tr() * x.norm_sq() + x.sum(),
        TOL_F64,
    );
    let expected = x * (2.0 * a.tr()) + Matrix::<U2, U3>::ones();
    check_grad("∂/∂X", &g, &expected, |x| g_kron_vec(&a, x), &x, TOL_F64);
}

// ---------------------------------------------------------------- f32

const TOL32: f64 = TOL_F32;

#[grad(X)]
fn f_tr_ax(A: &Matrix<U2, U3, f32>, X: &Matrix<U3, U2, f32>) -> f32 {
    tr(A * X)
}

/// f32: ∂tr(AX)/∂X = Aᵀ.
#[test]
fn f32_trace_of_a_x() {
    let (a, x) = (rand::<U2, U3, f32>(401), rand::<U3, U2, f32>(402));
    let (v, g): (f32, Matrix<U3, U2, f32>) = f_tr_ax_grad(&a, &x);
    check_value("tr(AX)", v, f_tr_ax(&a, &x), (a * x).tr(), TOL32);
    check_grad("∂tr(AX)/∂X", &g, &a.t(), |x| f_tr_ax(&a, x), &x, TOL32);
}

#[grad(X)]
fn f_bilinear(a: &Vector<U3, f32>, X: &Matrix<U3, U2, f32>, b: &Vector<U2, f32>) -> f32 {
    a.t() * X * b
}

/// f32: ∂aᵀXb/∂X = abᵀ.
#[test]
fn f32_bilinear_form() {
    let (a, x, b) = (
        rand::<U3, U1, f32>(403),
        rand::<U3, U2, f32>(404),
        rand::<U2, U1, f32>(405),
    );
    let (v, g) = f_bilinear_grad(&a, &x, &b);
    check_value(
        "aᵀXb",
        v,
        f_bilinear(&a, &x, &b),
        (a.t() * x * b).to_scalar(),
        TOL32,
    );
    check_grad(
        "∂aᵀXb/∂X",
        &g,
        &(a * b.t()),
        |x| f_bilinear(&a, x, &b),
        &x,
        TOL32,
    );
}

#[grad(W)]
fn f_least_squares(W: &Matrix<U3, U2, f32>, x: &Vector<U2, f32>, y: &Vector<U3, f32>) -> f32 {
    0.5 * norm_sq(W * x - y)
}

/// f32: ∂½‖Wx − y‖²/∂W = (Wx − y)xᵀ.
#[test]
fn f32_least_squares() {
    let (w, x, y) = (
        rand::<U3, U2, f32>(406),
        rand::<U2, U1, f32>(407),
        rand::<U3, U1, f32>(408),
    );
    let (v, g) = f_least_squares_grad(&w, &x, &y);
    let r = w * x - y;
    check_value(
        "½‖Wx − y‖²",
        v,
        f_least_squares(&w, &x, &y),
        0.5 * r.norm_sq(),
        TOL32,
    );
    check_grad(
        "∂/∂W",
        &g,
        &(r * x.t()),
        |w| f_least_squares(w, &x, &y),
        &w,
        TOL32,
    );
}

#[grad(X)]
fn f_logdet(X: &Matrix<U3, U3, f32>) -> f32 {
    logdet(X)
}

/// f32: ∂logdet(X)/∂X = X⁻ᵀ.
#[test]
fn f32_log_determinant() {
    let x = well_conditioned::<U3, f32>(409);
    let (v, g) = f_logdet_grad(&x);
    check_value("logdet(X)", v, f_logdet(&x), x.det().ln(), TOL32);
    check_grad("∂logdet/∂X", &g, &x.inv().t(), f_logdet, &x, TOL32);
}

#[grad(X)]
fn f_sigmoid(X: &Matrix<U3, U2, f32>) -> f32 {
    sum(sigmoid(X))
}

/// f32: ∂Σσ(X)/∂X = σ(X)(1 − σ(X)).
#[test]
fn f32_sum_of_sigmoid() {
    let x = rand_in::<U3, U2, f32>(410, -3.0, 3.0);
    let (v, g) = f_sigmoid_grad(&x);
    let s = x.map(|e| 1.0 / (1.0 + (-e).exp()));
    check_value("Σσ(X)", v, f_sigmoid(&x), s.iter().sum(), TOL32);
    check_grad(
        "∂Σσ/∂X",
        &g,
        &s.map(|s| s * (1.0 - s)),
        f_sigmoid,
        &x,
        TOL32,
    );
}

#[grad(X, p)]
fn f_powf(X: &Matrix<U3, U2, f32>, p: f32) -> f32 {
    sum(powf(X, p))
}

/// f32: Σ X^p, ∂/∂X = pX^(p−1), ∂/∂p = Σ X^p ln X.
#[test]
fn f32_real_power_wrt_x_and_exponent() {
    let (x, p) = (rand_in::<U3, U2, f32>(411, 0.5, 2.0), 1.5f32);
    let (v, gx, gp): (f32, Matrix<U3, U2, f32>, f32) = f_powf_grad(&x, p);
    check_value(
        "Σ X^p",
        v,
        f_powf(&x, p),
        x.iter().map(|e| e.powf(p)).sum(),
        TOL32,
    );
    let expected_x = x.map(|e| p * e.powf(p - 1.0));
    check_grad("∂/∂X", &gx, &expected_x, |x| f_powf(x, p), &x, TOL32);
    let expected_p: f32 = x.iter().map(|e| e.powf(p) * e.ln()).sum();
    check_scalar_grad("∂/∂p", gp, expected_p, |p| f_powf(&x, p), p, TOL32);
}

#[grad(X)]
fn f_norm(X: &Matrix<U3, U2, f32>) -> f32 {
    norm(X)
}

/// f32: ∂‖X‖/∂X = X/‖X‖.
#[test]
fn f32_norm() {
    let x = rand::<U3, U2, f32>(412);
    let (v, g) = f_norm_grad(&x);
    let n = x.norm_sq().sqrt();
    check_value("‖X‖", v, f_norm(&x), n, TOL32);
    check_grad("∂‖X‖/∂X", &g, &(x / n), f_norm, &x, TOL32);
}

#[grad(X)]
fn fg_tr_inv<N: Dim>(X: &Matrix<N, N, f32>, A: &Matrix<N, N, f32>) -> f32 {
    tr(inv(X) * A)
}

/// Generic AND f32: ∂tr(X⁻¹A)/∂X = −(X⁻¹AX⁻¹)ᵀ at 2×2 and 3×3.
#[test]
fn f32_generic_trace_of_inverse_times_a() {
    let (x, a) = (well_conditioned::<U2, f32>(413), rand::<U2, U2, f32>(414));
    let (v, g) = fg_tr_inv_grad(&x, &a);
    let xi = x.inv();
    check_value("tr(X⁻¹A)", v, fg_tr_inv(&x, &a), (xi * a).tr(), TOL32);
    check_grad(
        "∂/∂X",
        &g,
        &(-(xi * a * xi).t()),
        |x| fg_tr_inv(x, &a),
        &x,
        TOL32,
    );

    let (x, a) = (well_conditioned::<U3, f32>(415), rand::<U3, U3, f32>(416));
    let (v, g) = fg_tr_inv_grad(&x, &a);
    let xi = x.inv();
    check_value("tr(X⁻¹A)", v, fg_tr_inv(&x, &a), (xi * a).tr(), TOL32);
    check_grad(
        "∂/∂X",
        &g,
        &(-(xi * a * xi).t()),
        |x| fg_tr_inv(x, &a),
        &x,
        TOL32,
    );
}

// ---------------------------------------------------------------- the same functions at `Dyn`
//
// Each generic function above instantiated with `Dyn` (one dimension `Dyn`, the other static;
// then every dimension `Dyn`), at the entries of a static instantiation: value and gradient
// equal the static result and central finite differences.

/// `g_tr_ax` with its dimensions `M`, `N` (each `Dyn` or the static size) against the static
/// instance at the same entries.
fn dyn_tr_ax_as<M: Dim, N: Dim>(what: &str) {
    let (a, x) = (rand::<U2, U3, f64>(501), rand::<U3, U2, f64>(502));
    let (v, g) = g_tr_ax_grad(&a, &x);
    let (ad, xd): (Matrix<N, M>, Matrix<M, N>) = (retype(&a), retype(&x));
    let (vd, gd) = g_tr_ax_grad(&ad, &xd);
    let f = |x: &Matrix<M, N>| g_tr_ax(&ad, x);
    check_dyn_grad(&format!("tr(AX), {what}"), vd, v, &gd, &g, f, &xd, TOL_F64);
}

#[test]
fn dyn_trace_of_a_x() {
    dyn_tr_ax_as::<Dyn, U2>("M = Dyn");
    dyn_tr_ax_as::<Dyn, Dyn>("all Dyn");
}

fn dyn_bilinear_as<M: Dim, N: Dim>(what: &str) {
    let (a, x, b) = (
        rand::<U3, U1, f64>(503),
        rand::<U3, U4, f64>(504),
        rand::<U4, U1, f64>(505),
    );
    let (v, g) = g_bilinear_grad(&a, &x, &b);
    let (ad, xd, bd): (Vector<M>, Matrix<M, N>, Vector<N>) = (retype(&a), retype(&x), retype(&b));
    let (vd, gd) = g_bilinear_grad(&ad, &xd, &bd);
    let f = |x: &Matrix<M, N>| g_bilinear(&ad, x, &bd);
    check_dyn_grad(&format!("aᵀXb, {what}"), vd, v, &gd, &g, f, &xd, TOL_F64);
}

#[test]
fn dyn_bilinear_form() {
    dyn_bilinear_as::<Dyn, U4>("M = Dyn");
    dyn_bilinear_as::<Dyn, Dyn>("all Dyn");
}

fn dyn_least_squares_as<M: Dim, N: Dim>(what: &str) {
    let (w, x, y) = (
        rand::<U5, U3, f64>(506),
        rand::<U3, U1, f64>(507),
        rand::<U5, U1, f64>(508),
    );
    let (v, gw, gx) = g_least_squares_grad(&w, &x, &y);
    let (wd, xd, yd): (Matrix<M, N>, Vector<N>, Vector<M>) = (retype(&w), retype(&x), retype(&y));
    let (vd, gwd, gxd) = g_least_squares_grad(&wd, &xd, &yd);
    let fw = |w: &Matrix<M, N>| g_least_squares(w, &xd, &yd);
    check_dyn_grad(&format!("∂/∂W, {what}"), vd, v, &gwd, &gw, fw, &wd, TOL_F64);
    let fx = |x: &Vector<N>| g_least_squares(&wd, x, &yd);
    check_dyn_grad(&format!("∂/∂x, {what}"), vd, v, &gxd, &gx, fx, &xd, TOL_F64);
}

#[test]
fn dyn_least_squares() {
    dyn_least_squares_as::<Dyn, U3>("M = Dyn");
    dyn_least_squares_as::<Dyn, Dyn>("all Dyn");
}

fn dyn_quadratic_trace_as<M: Dim, N: Dim>(what: &str) {
    let (x, a) = (rand::<U4, U2, f64>(509), rand::<U4, U4, f64>(510));
    let (v, g) = g_quadratic_trace_grad(&x, &a);
    let (xd, ad): (Matrix<M, N>, Matrix<M, M>) = (retype(&x), retype(&a));
    let (vd, gd) = g_quadratic_trace_grad(&xd, &ad);
    let f = |x: &Matrix<M, N>| g_quadratic_trace(x, &ad);
    check_dyn_grad(
        &format!("tr(XᵀAX), {what}"),
        vd,
        v,
        &gd,
        &g,
        f,
        &xd,
        TOL_F64,
    );
}

#[test]
fn dyn_trace_of_x_transposed_a_x() {
    dyn_quadratic_trace_as::<Dyn, U2>("M = Dyn");
    dyn_quadratic_trace_as::<Dyn, Dyn>("all Dyn");
}

#[test]
fn dyn_log_determinant() {
    let x = well_conditioned::<U4, f64>(511);
    let (v, g) = g_logdet_grad(&x);
    let xd: Matrix<Dyn, Dyn> = retype(&x);
    let (vd, gd) = g_logdet_grad(&xd);
    check_dyn_grad("logdet(X), N = Dyn", vd, v, &gd, &g, g_logdet, &xd, TOL_F64);
}

fn dyn_sum_product_as<M: Dim, K: Dim, N: Dim>(what: &str) {
    let (x, y) = (rand::<U2, U3, f64>(512), rand::<U3, U4, f64>(513));
    let (v, gx, gy) = g_sum_product_grad(&x, &y);
    let (xd, yd): (Matrix<M, K>, Matrix<K, N>) = (retype(&x), retype(&y));
    let (vd, gxd, gyd) = g_sum_product_grad(&xd, &yd);
    let fx = |x: &Matrix<M, K>| g_sum_product(x, &yd);
    check_dyn_grad(&format!("∂/∂X, {what}"), vd, v, &gxd, &gx, fx, &xd, TOL_F64);
    let fy = |y: &Matrix<K, N>| g_sum_product(&xd, y);
    check_dyn_grad(&format!("∂/∂Y, {what}"), vd, v, &gyd, &gy, fy, &yd, TOL_F64);
}

#[test]
fn dyn_sum_exp_of_a_product() {
    dyn_sum_product_as::<U2, Dyn, U4>("K = Dyn");
    dyn_sum_product_as::<Dyn, Dyn, Dyn>("all Dyn");
}

fn dyn_logsumexp_as<M: Dim, N: Dim>(what: &str) {
    let (x, a) = (rand::<U5, U3, f64>(514), rand::<U3, U1, f64>(515));
    let (v, g) = g_logsumexp_grad(&x, &a);
    let (xd, ad): (Matrix<M, N>, Vector<N>) = (retype(&x), retype(&a));
    let (vd, gd) = g_logsumexp_grad(&xd, &ad);
    let f = |x: &Matrix<M, N>| g_logsumexp(x, &ad);
    check_dyn_grad(
        &format!("logsumexp(Xa), {what}"),
        vd,
        v,
        &gd,
        &g,
        f,
        &xd,
        TOL_F64,
    );
}

#[test]
fn dyn_logsumexp() {
    dyn_logsumexp_as::<Dyn, U3>("M = Dyn");
    dyn_logsumexp_as::<Dyn, Dyn>("all Dyn");
}

/// `kron` and `vec` of a `Dyn` matrix are `Dyn` (the product dimensions of the body).
#[test]
fn dyn_kron_and_vec() {
    let (a, x) = (rand::<U2, U2, f64>(516), rand::<U3, U2, f64>(517));
    let (v, g) = g_kron_vec_grad(&a, &x);
    let what = "tr(A⊗XᵀX) + Σvec X";
    let xd: Matrix<Dyn, U2> = retype(&x);
    let (vd, gd) = g_kron_vec_grad(&a, &xd);
    let f = |x: &Matrix<Dyn, U2>| g_kron_vec(&a, x);
    check_dyn_grad(&format!("{what}, M = Dyn"), vd, v, &gd, &g, f, &xd, TOL_F64);
    let xd: Matrix<Dyn, Dyn> = retype(&x);
    let (vd, gd) = g_kron_vec_grad(&a, &xd);
    let f = |x: &Matrix<Dyn, Dyn>| g_kron_vec(&a, x);
    check_dyn_grad(&format!("{what}, all Dyn"), vd, v, &gd, &g, f, &xd, TOL_F64);
}

#[test]
fn dyn_f32_trace_of_inverse_times_a() {
    let (x, a) = (well_conditioned::<U3, f32>(518), rand::<U3, U3, f32>(519));
    let (v, g) = fg_tr_inv_grad(&x, &a);
    let (xd, ad): (Matrix<Dyn, Dyn, f32>, Matrix<Dyn, Dyn, f32>) = (retype(&x), retype(&a));
    let (vd, gd) = fg_tr_inv_grad(&xd, &ad);
    check_dyn_grad(
        "tr(X⁻¹A) f32, N = Dyn",
        vd,
        v,
        &gd,
        &g,
        |x| fg_tr_inv(x, &ad),
        &xd,
        TOL32,
    );
}

/// Arguments that disagree on a named dimension panic at entry, naming both and the dimension.
#[test]
#[should_panic(expected = "`W` has 5 rows but `y` has 4 (both are M)")]
fn dyn_mismatched_rows_panic_at_entry() {
    let (w, x) = (
        rand_dyn::<Dyn, U3, f64>(520, 5, 3),
        rand::<U3, U1, f64>(521),
    );
    let y = rand_dyn::<Dyn, U1, f64>(522, 4, 1);
    let _ = g_least_squares_grad(&w, &x, &y);
}

#[test]
#[should_panic(expected = "`W` has 3 columns but `x` has 2 rows (both are N)")]
fn dyn_mismatched_columns_panic_at_entry() {
    let (w, x) = (
        rand_dyn::<Dyn, Dyn, f64>(523, 5, 3),
        rand_dyn::<Dyn, U1, f64>(524, 2, 1),
    );
    let y = rand_dyn::<Dyn, U1, f64>(525, 5, 1);
    let _ = g_least_squares(&w, &x, &y);
}
