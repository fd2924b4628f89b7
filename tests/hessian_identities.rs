//! Hessian identities through `#[hessian]` (reference §2: `H[(a, b)] = ∂²φ/∂vec(X)_a ∂vec(X)_b`).
//!
//! Every function also carries `#[grad]` on the same parameter. Each test checks that
//! - the value of `NAME_hessian` equals the original function;
//! - the gradient returned by `NAME_hessian` equals the one `NAME_grad` returns, and the
//!   closed form, and central differences of the value;
//! - H is EXACTLY symmetric (`H == Hᵀ` bit for bit), equals the closed form built by hand with
//!   core, and equals central differences of the derived gradient (the Jacobian of ∇φ).
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

/// The gradient and value parts every test shares: `NAME_hessian`'s value and gradient against
/// the original function and `NAME_grad`.
#[track_caller]
#[allow(clippy::too_many_arguments)] // the two results, the references, the point, the tolerance
fn check_value_and_gradient<R: Dim, C: Dim, T: Scalar>(
    what: &str,
    (value_h, grad_h): (T, &Matrix<R, C, T>),
    (value_g, grad_g): (T, &Matrix<R, C, T>),
    original: T,
    closed_form: &Matrix<R, C, T>,
    f: impl Fn(&Matrix<R, C, T>) -> T,
    at: &Matrix<R, C, T>,
    tol: f64,
) {
    assert_eq!(
        value_h.to_f64(),
        original.to_f64(),
        "{what}: value of NAME_hessian"
    );
    assert_eq!(
        value_g.to_f64(),
        original.to_f64(),
        "{what}: value of NAME_grad"
    );
    assert_close(
        &format!("{what}: gradient of NAME_hessian vs NAME_grad"),
        grad_h,
        grad_g,
        1e-12_f64.max(T::EPSILON.to_f64() * 8.0),
    );
    check_grad(
        &format!("{what}: gradient"),
        grad_h,
        closed_form,
        f,
        at,
        tol,
    );
}

// ---------------------------------------------------------------- quadratic forms

#[grad(x)]
#[hessian(x)]
fn quad(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    x.t() * A * x
}

/// ∇²(xᵀAx) = A + Aᵀ with A not symmetric.
#[test]
fn quadratic_form() {
    let (x, a) = (rand::<U3, U1, f64>(1), rand::<U3, U3, f64>(2));
    let (v, g, h) = quad_hessian(&x, &a);
    let (vg, gg) = quad_grad(&x, &a);
    let sym = a + a.t();
    check_value_and_gradient(
        "xᵀAx",
        (v, &g),
        (vg, &gg),
        quad(&x, &a),
        &(sym * x),
        |x| quad(x, &a),
        &x,
        TOL,
    );
    check_hessian("∇²(xᵀAx)", &h, &sym, |x| quad_grad(x, &a).1, &x, TOL);
}

#[grad(X)]
#[hessian(X)]
fn trace_quad(X: &Matrix<U3, U2>, A: &Matrix<U3, U3>) -> f64 {
    tr(X.t() * A * X)
}

/// ∇²tr(XᵀAX) = I₂ ⊗ (A + Aᵀ) over vec X, X 3×2 (6×6).
#[test]
fn trace_quadratic_form() {
    let (x, a) = (rand::<U3, U2, f64>(3), rand::<U3, U3, f64>(4));
    let (v, g, h): (_, _, Matrix<U6, U6>) = trace_quad_hessian(&x, &a);
    let (vg, gg) = trace_quad_grad(&x, &a);
    let sym = a + a.t();
    check_value_and_gradient(
        "tr(XᵀAX)",
        (v, &g),
        (vg, &gg),
        trace_quad(&x, &a),
        &(sym * x),
        |x| trace_quad(x, &a),
        &x,
        TOL,
    );
    let closed = Matrix::<U2, U2>::identity().kron(&sym);
    check_hessian(
        "∇²tr(XᵀAX)",
        &h,
        &closed,
        |x| trace_quad_grad(x, &a).1,
        &x,
        TOL,
    );
}

#[grad(W)]
#[hessian(W)]
fn least_squares(W: &Matrix<U2, U3>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

/// ∇²_W ½‖Wx − y‖² = x xᵀ ⊗ I₂ (6×6), gradient (Wx − y) xᵀ.
#[test]
fn least_squares_in_the_weights() {
    let (w, x, y) = (
        rand::<U2, U3, f64>(5),
        rand::<U3, U1, f64>(6),
        rand::<U2, U1, f64>(7),
    );
    let (v, g, h): (_, _, Matrix<U6, U6>) = least_squares_hessian(&w, &x, &y);
    let (vg, gg) = least_squares_grad(&w, &x, &y);
    check_value_and_gradient(
        "½‖Wx − y‖²",
        (v, &g),
        (vg, &gg),
        least_squares(&w, &x, &y),
        &((w * x - y) * x.t()),
        |w| least_squares(w, &x, &y),
        &w,
        TOL,
    );
    let closed = (x * x.t()).kron(&Matrix::<U2, U2>::identity());
    check_hessian(
        "∇²_W ½‖Wx − y‖²",
        &h,
        &closed,
        |w| least_squares_grad(w, &x, &y).1,
        &w,
        TOL,
    );
}

// ---------------------------------------------------------------- norms

#[grad(x)]
#[hessian(x)]
fn norm_squared(x: &Vector<U4>) -> f64 {
    norm_sq(x)
}

#[grad(x)]
#[hessian(x)]
fn norm_of(x: &Vector<U4>) -> f64 {
    norm(x)
}

/// ∇²‖x‖² = 2I; ∇²‖x‖ = (I − x xᵀ/‖x‖²)/‖x‖.
#[test]
fn euclidean_norm_and_its_square() {
    let x = rand::<U4, U1, f64>(8);
    let i4 = Matrix::<U4, U4>::identity();
    let (v, g, h) = norm_squared_hessian(&x);
    let (vg, gg) = norm_squared_grad(&x);
    check_value_and_gradient(
        "‖x‖²",
        (v, &g),
        (vg, &gg),
        norm_squared(&x),
        &(x * 2.0),
        norm_squared,
        &x,
        TOL,
    );
    check_hessian(
        "∇²‖x‖²",
        &h,
        &(i4 * 2.0),
        |x| norm_squared_grad(x).1,
        &x,
        TOL,
    );

    let (v, g, h) = norm_of_hessian(&x);
    let (vg, gg) = norm_of_grad(&x);
    let n = x.norm();
    check_value_and_gradient(
        "‖x‖",
        (v, &g),
        (vg, &gg),
        norm_of(&x),
        &(x / n),
        norm_of,
        &x,
        TOL,
    );
    let closed = (i4 - x * x.t() / (n * n)) / n;
    check_hessian("∇²‖x‖", &h, &closed, |x| norm_of_grad(x).1, &x, TOL);
}

// ---------------------------------------------------------------- log-determinant

#[grad(X)]
#[hessian(X)]
fn log_det(X: &Matrix<U3, U3>) -> f64 {
    logdet(X)
}

/// ∇²logdet X = −K(X⁻ᵀ ⊗ X⁻¹) over vec X, with K the 9×9 commutation matrix; gradient X⁻ᵀ.
#[test]
fn log_determinant() {
    let x = well_conditioned::<U3, f64>(9);
    let (v, g, h) = log_det_hessian(&x);
    let (vg, gg) = log_det_grad(&x);
    let xi = x.inv();
    check_value_and_gradient(
        "logdet X",
        (v, &g),
        (vg, &gg),
        log_det(&x),
        &xi.t(),
        log_det,
        &x,
        TOL,
    );
    let k = Matrix::<U9, U9>::commutation::<U3, U3>();
    let closed = -(k * xi.t().kron(&xi));
    check_hessian("∇²logdet X", &h, &closed, |x| log_det_grad(x).1, &x, TOL);
}

// ---------------------------------------------------------------- exp, logsumexp, logistic

#[grad(X)]
#[hessian(X)]
fn sum_exp(X: &Matrix<U2, U3>) -> f64 {
    sum(exp(X))
}

/// ∇²sum(exp X) = diag(vec exp X).
#[test]
fn sum_of_exponentials() {
    let x = rand::<U2, U3, f64>(10);
    let (v, g, h): (_, _, Matrix<U6, U6>) = sum_exp_hessian(&x);
    let (vg, gg) = sum_exp_grad(&x);
    check_value_and_gradient(
        "sum(exp X)",
        (v, &g),
        (vg, &gg),
        sum_exp(&x),
        &x.exp(),
        sum_exp,
        &x,
        TOL,
    );
    check_hessian(
        "∇²sum(exp X)",
        &h,
        &x.exp().vec().diag(),
        |x| sum_exp_grad(x).1,
        &x,
        TOL,
    );
}

#[grad(x)]
#[hessian(x)]
fn lse(x: &Vector<U4>) -> f64 {
    logsumexp(x)
}

/// ∇²logsumexp(x) = diag(s) − s sᵀ with s = softmax(x), the gradient.
#[test]
fn log_sum_exp() {
    let x = rand_in::<U4, U1, f64>(11, -2.0, 2.0);
    let (v, g, h) = lse_hessian(&x);
    let (vg, gg) = lse_grad(&x);
    let s = x.softmax();
    check_value_and_gradient("logsumexp", (v, &g), (vg, &gg), lse(&x), &s, lse, &x, TOL);
    check_hessian(
        "∇²logsumexp",
        &h,
        &(s.diag() - s * s.t()),
        |x| lse_grad(x).1,
        &x,
        TOL,
    );
}

#[grad(w)]
#[hessian(w)]
fn logistic(w: &Vector<U3>, X: &Matrix<U6, U3>, b: &Vector<U6>) -> f64 {
    sum(softplus(-hadamard(b, X * w)))
}

/// Logistic loss Σ softplus(−b ⊙ Xw) with labels b = ±1: gradient −Xᵀ(b ⊙ σ(−b ⊙ Xw)),
/// Hessian Xᵀ diag(s ⊙ (𝟙 − s)) X with s = σ(Xw).
#[test]
fn logistic_loss() {
    let (w, x) = (
        rand::<U3, U1, f64>(12),
        rand_in::<U6, U3, f64>(13, -2.0, 2.0),
    );
    let b: Vector<U6> = rand::<U6, U1, f64>(14).map(|v| if v >= 0.0 { 1.0 } else { -1.0 });
    let (v, g, h) = logistic_hessian(&w, &x, &b);
    let (vg, gg) = logistic_grad(&w, &x, &b);
    let z = x * w;
    let grad = -(x.t() * b.hadamard(&(-b.hadamard(&z)).sigmoid()));
    check_value_and_gradient(
        "logistic loss",
        (v, &g),
        (vg, &gg),
        logistic(&w, &x, &b),
        &grad,
        |w| logistic(w, &x, &b),
        &w,
        TOL,
    );
    let s = z.sigmoid();
    let closed = x.t() * s.map(|s| s * (1.0 - s)).diag() * x;
    check_hessian(
        "∇²logistic",
        &h,
        &closed,
        |w| logistic_grad(w, &x, &b).1,
        &w,
        TOL,
    );
}

// ---------------------------------------------------------------- generic and f32

#[grad(X)]
#[hessian(X)]
fn g_trace_quad<M: Dim, N: Dim>(X: &Matrix<M, N>, A: &Matrix<M, M>) -> f64 {
    tr(X.t() * A * X)
}

macro_rules! check_g_trace_quad {
    ($m:ty, $n:ty, $seed:expr) => {{
        let (x, a) = (rand::<$m, $n, f64>($seed), rand::<$m, $m, f64>($seed + 1));
        let (v, g, h) = g_trace_quad_hessian(&x, &a);
        let (vg, gg) = g_trace_quad_grad(&x, &a);
        let sym = a + a.t();
        check_value_and_gradient(
            "tr(XᵀAX)",
            (v, &g),
            (vg, &gg),
            g_trace_quad(&x, &a),
            &(sym * x),
            |x| g_trace_quad(x, &a),
            &x,
            TOL,
        );
        let closed = Matrix::<$n, $n>::identity().kron(&sym);
        check_hessian(
            "∇²tr(XᵀAX)",
            &h,
            &closed,
            |x| g_trace_quad_grad(x, &a).1,
            &x,
            TOL,
        );
    }};
}

/// Generic: I_N ⊗ (A + Aᵀ) at 3×2 and 2×4.
#[test]
fn generic_trace_quadratic_form() {
    check_g_trace_quad!(U3, U2, 15);
    check_g_trace_quad!(U2, U4, 17);
}

#[grad(x)]
#[hessian(x)]
fn lse32(x: &Vector<U5, f32>, A: &Matrix<U5, U5, f32>) -> f32 {
    logsumexp(A * x)
}

/// f32: ∇²logsumexp(Ax) = Aᵀ(diag(s) − s sᵀ)A with s = softmax(Ax).
#[test]
fn f32_log_sum_exp_of_a_linear_map() {
    let (x, a) = (rand::<U5, U1, f32>(19), rand::<U5, U5, f32>(20));
    let (v, g, h) = lse32_hessian(&x, &a);
    let (vg, gg) = lse32_grad(&x, &a);
    let s = (a * x).softmax();
    check_value_and_gradient(
        "logsumexp(Ax)",
        (v, &g),
        (vg, &gg),
        lse32(&x, &a),
        &(a.t() * s),
        |x| lse32(x, &a),
        &x,
        TOL_F32,
    );
    let closed = a.t() * (s.diag() - s * s.t()) * a;
    check_hessian(
        "∇²logsumexp(Ax)",
        &h,
        &closed,
        |x| lse32_grad(x, &a).1,
        &x,
        TOL_F32,
    );
}

// ---------------------------------------------------------------- stacked attributes

#[grad(x)]
#[hessian(x)]
#[jacobian(A)]
fn stacked(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    x.t() * A * x
}

/// Three attributes on one function all generate, and agree: ∂(xᵀAx)/∂(vec A)ᵀ = vec(x xᵀ)ᵀ.
#[test]
fn grad_hessian_and_jacobian_on_one_function() {
    let (x, a) = (rand::<U3, U1, f64>(21), rand::<U3, U3, f64>(22));
    let (v1, g1) = stacked_grad(&x, &a);
    let (v2, g2, h): (f64, Vector<U3>, Matrix<U3, U3>) = stacked_hessian(&x, &a);
    let (v3, ja): (f64, Matrix<U1, U9>) = stacked_jacobian(&x, &a);
    let value = (x.t() * a * x).to_scalar();
    for v in [v1, v2, v3, stacked(&x, &a)] {
        assert_close_scalar("xᵀAx", v, value, TOL);
    }
    assert_close("∇ from _grad", &g1, &((a + a.t()) * x), TOL);
    assert_close("∇ from _hessian", &g2, &g1, 1e-14);
    assert_eq!(h, h.t());
    assert_close("H", &h, &(a + a.t()), TOL);
    check_jacobian(
        "∂(xᵀAx)/∂(vec A)ᵀ",
        &ja,
        &(x * x.t()).vec().t(),
        |a| m11(stacked(&x, a)),
        &a,
        TOL,
    );
}

/// The generic Hessian at `Dyn` (M = Dyn, then both): `I_N ⊗ (A + Aᵀ)` sized at run time,
/// equal to the static result and to finite differences of the gradient.
#[test]
fn generic_trace_quadratic_at_dyn() {
    let (x, a) = (rand::<U3, U2, f64>(701), rand::<U3, U3, f64>(702));
    let (v, _, h) = g_trace_quad_hessian(&x, &a);
    let (xd, ad): (Matrix<Dyn, U2>, Matrix<Dyn, Dyn>) = (retype(&x), retype(&a));
    let (vd, _, hd) = g_trace_quad_hessian(&xd, &ad);
    assert_close_scalar("value at Dyn", vd, v, TOL);
    check_hessian(
        "∇², M = Dyn",
        &hd,
        &retype(&h),
        |x| g_trace_quad_grad(x, &ad).1,
        &xd,
        TOL,
    );
    let xd: Matrix<Dyn, Dyn> = retype(&x);
    let (_, _, hd) = g_trace_quad_hessian(&xd, &ad);
    check_hessian(
        "∇², all Dyn",
        &hd,
        &retype(&h),
        |x| g_trace_quad_grad(x, &ad).1,
        &xd,
        TOL,
    );
}

#[grad(w)]
#[hessian(w)]
fn g_logistic<N: Dim, D: Dim>(w: &Vector<D>, X: &Matrix<N, D>, b: &Vector<N>) -> f64 {
    sum(softplus(-hadamard(b, X * w)))
}

#[grad(w)]
#[hessian(w)]
fn g_logistic32<N: Dim, D: Dim>(
    w: &Vector<D, f32>,
    X: &Matrix<N, D, f32>,
    b: &Vector<N, f32>,
) -> f32 {
    sum(softplus(-hadamard(b, X * w)))
}

/// `Dyn` logistic data X (n×d), w, b = ±1 labels, and the closed-form Hessian
/// Xᵀ diag(s(1−s)) X with s = σ(X w).
macro_rules! check_g_logistic {
    ($t:ty, $hessian:ident, $grad:ident, $n:expr, $d:expr, $seed:expr, $tol:expr) => {{
        let x: Matrix<Dyn, Dyn, $t> = rand_dyn($seed, $n, $d);
        let w: Vector<Dyn, $t> = rand_dyn($seed + 1, $d, 1);
        let b: Vector<Dyn, $t> =
            rand_dyn::<Dyn, U1, $t>($seed + 2, $n, 1).map(|v| if v >= 0.0 { 1.0 } else { -1.0 });
        let (_, _, h) = $hessian(&w, &x, &b);
        let s = (&x * &w).sigmoid();
        let closed = x.t() * s.map(|s| s * (1.0 - s)).diag() * &x;
        check_hessian(
            &format!("∇²logistic {}×{}", $n, $d),
            &h,
            &closed,
            |w| $grad(w, &x, &b).1,
            &w,
            $tol,
        );
    }};
}

/// The logistic Hessian Xᵀ diag(s(1−s)) X, computed as one triangle mirrored
/// (`tr_mul_symmetric`): exactly symmetric, equal to the closed form and to finite differences
/// of the gradient, for X n×d at `Dyn` below and above the size where the triangle is
/// computed entry by entry (9×4, 30×12), and in f32.
#[test]
fn generic_logistic_hessian_at_dyn_and_f32() {
    check_g_logistic!(f64, g_logistic_hessian, g_logistic_grad, 9, 4, 801, TOL);
    check_g_logistic!(f64, g_logistic_hessian, g_logistic_grad, 30, 12, 804, TOL);
    check_g_logistic!(
        f32,
        g_logistic32_hessian,
        g_logistic32_grad,
        9,
        4,
        807,
        TOL_F32
    );
}
