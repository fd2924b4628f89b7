//! Jacobian identities through `#[jacobian]` on GENERIC functions (`fn f<M: Dim, N: Dim>`), each
//! instantiated at two different sizes (non-square, one with a dimension 1), and on `f32`
//! matrices. Each derived Jacobian is compared with the closed form built by hand with core AND
//! with central finite differences in the reference §2 layout, in the same precision.
//!
//! The checks are macros rather than generic functions so that each instantiation is written
//! with concrete sizes, exactly as a user would call the generated function.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

// ---------------------------------------------------------------- generic dimensions

#[jacobian(X, Y)]
fn g_xy<M: Dim, K: Dim, N: Dim>(X: &Matrix<M, K>, Y: &Matrix<K, N>) -> Matrix<M, N> {
    X * Y
}

macro_rules! check_xy {
    ($m:ty, $k:ty, $n:ty, $seed:expr) => {{
        let (x, y) = (rand::<$m, $k, f64>($seed), rand::<$k, $n, f64>($seed + 1));
        let (v, jx, jy) = g_xy_jacobian(&x, &y);
        assert_close("XY", &v, &(x * y), TOL_F64);
        let closed_x = y.t().kron(&Matrix::<$m, $m>::identity());
        check_jacobian(
            "∂vec(XY)/∂(vec X)ᵀ",
            &jx,
            &closed_x,
            |x| g_xy(x, &y),
            &x,
            TOL_F64,
        );
        let closed_y = Matrix::<$n, $n>::identity().kron(&x);
        check_jacobian(
            "∂vec(XY)/∂(vec Y)ᵀ",
            &jy,
            &closed_y,
            |y| g_xy(&x, y),
            &y,
            TOL_F64,
        );
    }};
}

/// Yᵀ ⊗ I_M and I_N ⊗ X at (2×3)(3×4) and (4×1)(1×3).
#[test]
fn generic_product_with_respect_to_both_factors() {
    check_xy!(U2, U3, U4, 401);
    check_xy!(U4, U1, U3, 403);
}

#[jacobian(X)]
fn g_transpose<M: Dim, N: Dim>(X: &Matrix<M, N>) -> Matrix<N, M> {
    X.t()
}

macro_rules! check_transpose {
    ($m:ty, $n:ty, $seed:expr) => {{
        let x = rand::<$m, $n, f64>($seed);
        let (v, j) = g_transpose_jacobian(&x);
        assert_eq!(v, x.t());
        let k = Matrix::<Prod<$m, $n>, Prod<$m, $n>>::commutation::<$m, $n>();
        check_jacobian("∂vec(Xᵀ)/∂(vec X)ᵀ", &j, &k, g_transpose, &x, TOL_F64);
        assert_eq!(j, k);
    }};
}

/// The commutation matrix K_{M,N} at 2×3 and 4×2.
#[test]
fn generic_transpose() {
    check_transpose!(U2, U3, 405);
    check_transpose!(U4, U2, 406);
}

#[jacobian(X)]
fn g_gate<M: Dim, N: Dim>(A: &Matrix<M, N>, X: &Matrix<M, N>) -> Matrix<M, N> {
    hadamard(A, sigmoid(X))
}

macro_rules! check_gate {
    ($m:ty, $n:ty, $seed:expr) => {{
        let (a, x) = (rand::<$m, $n, f64>($seed), rand::<$m, $n, f64>($seed + 1));
        let (v, j) = g_gate_jacobian(&a, &x);
        let s = x.sigmoid();
        assert_close("A ⊙ σ(X)", &v, &a.hadamard(&s), TOL_F64);
        let closed = a.hadamard(&s.map(|s| s * (1.0 - s))).vec().diag();
        check_jacobian(
            "∂vec(A⊙σ(X))/∂(vec X)ᵀ",
            &j,
            &closed,
            |x| g_gate(&a, x),
            &x,
            TOL_F64,
        );
    }};
}

/// diag(vec(A ⊙ σ(X) ⊙ (𝟙 − σ(X)))) at 3×2 and 1×5.
#[test]
fn generic_elementwise_gate() {
    check_gate!(U3, U2, 407);
    check_gate!(U1, U5, 409);
}

#[jacobian(X)]
fn g_dot_tanh<M: Dim, N: Dim>(A: &Matrix<M, N>, X: &Matrix<M, N>) -> f64 {
    dot(A, tanh(X))
}

macro_rules! check_dot_tanh {
    ($m:ty, $n:ty, $seed:expr) => {{
        let (a, x) = (rand::<$m, $n, f64>($seed), rand::<$m, $n, f64>($seed + 1));
        let (v, j) = g_dot_tanh_jacobian(&a, &x);
        let t = x.tanh();
        assert_close_scalar("A : tanh X", v, a.dot(&t), TOL_F64);
        let closed = a.hadamard(&t.map(|t| 1.0 - t * t)).vec().t();
        check_jacobian(
            "∂(A : tanh X)/∂(vec X)ᵀ",
            &j,
            &closed,
            |x| m11(g_dot_tanh(&a, x)),
            &x,
            TOL_F64,
        );
    }};
}

/// A generic scalar body: the 1×(MN) row vec(A ⊙ (𝟙 − tanh²X))ᵀ at 2×3 and 4×1.
#[test]
fn generic_scalar_body() {
    check_dot_tanh!(U2, U3, 411);
    check_dot_tanh!(U4, U1, 413);
}

#[jacobian(x)]
fn g_softmax_layer<N: Dim, K: Dim>(W: &Matrix<K, N>, x: &Vector<N>) -> Vector<K> {
    softmax(W * x)
}

macro_rules! check_softmax_layer {
    ($n:ty, $k:ty, $seed:expr) => {{
        let (w, x) = (rand::<$k, $n, f64>($seed), rand::<$n, U1, f64>($seed + 1));
        let (s, j) = g_softmax_layer_jacobian(&w, &x);
        assert_close("softmax(Wx)", &s, &(w * x).softmax(), TOL_F64);
        let closed = (s.diag() - s * s.t()) * w;
        check_jacobian(
            "∂softmax(Wx)/∂xᵀ",
            &j,
            &closed,
            |x| g_softmax_layer(&w, x),
            &x,
            TOL_F64,
        );
    }};
}

/// Vector with respect to vector, generic: (diag(s) − s sᵀ) W at K×N = 4×3 and 2×5.
#[test]
fn generic_softmax_layer() {
    check_softmax_layer!(U3, U4, 415);
    check_softmax_layer!(U5, U2, 417);
}

// ---------------------------------------------------------------- f32

#[jacobian(X)]
fn axb32(
    A: &Matrix<U2, U3, f32>,
    X: &Matrix<U3, U4, f32>,
    B: &Matrix<U4, U2, f32>,
) -> Matrix<U2, U2, f32> {
    A * X * B
}

/// Bᵀ ⊗ A in f32 (4×12).
#[test]
fn f32_a_x_b() {
    let (a, x, b) = (
        rand::<U2, U3, f32>(501),
        rand::<U3, U4, f32>(502),
        rand::<U4, U2, f32>(503),
    );
    let (v, j): (_, Matrix<U4, U12, f32>) = axb32_jacobian(&a, &x, &b);
    assert_close("AXB", &v, &(a * x * b), TOL_F32);
    check_jacobian(
        "∂vec(AXB)/∂(vec X)ᵀ",
        &j,
        &b.t().kron(&a),
        |x| axb32(&a, x, &b),
        &x,
        TOL_F32,
    );
}

#[jacobian(X)]
fn inv32(X: &Matrix<U3, U3, f32>) -> Matrix<U3, U3, f32> {
    inv(X)
}

/// −X⁻ᵀ ⊗ X⁻¹ in f32.
#[test]
fn f32_inverse() {
    let x = well_conditioned::<U3, f32>(504);
    let (v, j) = inv32_jacobian(&x);
    let xi = x.inv();
    assert_close("X⁻¹", &v, &xi, TOL_F32);
    check_jacobian(
        "∂vec(X⁻¹)/∂(vec X)ᵀ",
        &j,
        &-(xi.t().kron(&xi)),
        inv32,
        &x,
        TOL_F32,
    );
}

#[jacobian(v)]
fn softmax32(v: &Vector<U5, f32>) -> Vector<U5, f32> {
    softmax(v)
}

/// diag(s) − s sᵀ in f32.
#[test]
fn f32_softmax() {
    let v = rand_in::<U5, U1, f32>(505, -2.0, 2.0);
    let (s, j) = softmax32_jacobian(&v);
    assert_close("softmax", &s, &v.softmax(), TOL_F32);
    check_jacobian(
        "∂softmax(v)/∂vᵀ",
        &j,
        &(s.diag() - s * s.t()),
        softmax32,
        &v,
        TOL_F32,
    );
}

// ---------------------------------------------------------------- the same functions at `Dyn`
//
// Each generic function above with `Dyn` dimensions (one `Dyn` and the others static, then all
// `Dyn`), at the entries of a static instantiation: the Jacobian (now `Dyn`×`Dyn`-shaped,
// since a product of dimensions with a `Dyn` factor is `Dyn`) equals the static one and
// central finite differences.

#[test]
fn dyn_product_with_respect_to_both_factors() {
    let (x, y) = (rand::<U2, U3, f64>(601), rand::<U3, U4, f64>(602));
    let (v, jx, jy) = g_xy_jacobian(&x, &y);
    let (xd, yd): (Matrix<Dyn, U3>, Matrix<U3, U4>) = (retype(&x), y);
    let (vd, jxd, jyd) = g_xy_jacobian(&xd, &yd);
    assert_close("XY, M = Dyn", &vd, &retype(&v), TOL_F64);
    check_dyn_jacobian("∂/∂X, M = Dyn", &jxd, &jx, |x| g_xy(x, &yd), &xd, TOL_F64);
    check_dyn_jacobian("∂/∂Y, M = Dyn", &jyd, &jy, |y| g_xy(&xd, y), &yd, TOL_F64);
    let (xd, yd): (Matrix<Dyn, Dyn>, Matrix<Dyn, Dyn>) = (retype(&x), retype(&y));
    let (_, jxd, jyd) = g_xy_jacobian(&xd, &yd);
    check_dyn_jacobian("∂/∂X, all Dyn", &jxd, &jx, |x| g_xy(x, &yd), &xd, TOL_F64);
    check_dyn_jacobian("∂/∂Y, all Dyn", &jyd, &jy, |y| g_xy(&xd, y), &yd, TOL_F64);
}

/// The commutation matrix sized at run time.
#[test]
fn dyn_transpose() {
    let x = rand::<U4, U2, f64>(603);
    let (_, j) = g_transpose_jacobian(&x);
    let xd: Matrix<Dyn, U2> = retype(&x);
    let (_, jd) = g_transpose_jacobian(&xd);
    check_dyn_jacobian("K, M = Dyn", &jd, &j, g_transpose, &xd, TOL_F64);
    let xd: Matrix<Dyn, Dyn> = retype(&x);
    let (_, jd) = g_transpose_jacobian(&xd);
    check_dyn_jacobian("K, all Dyn", &jd, &j, g_transpose, &xd, TOL_F64);
}

#[test]
fn dyn_elementwise_gate() {
    let (a, x) = (rand::<U3, U2, f64>(604), rand::<U3, U2, f64>(605));
    let (_, j) = g_gate_jacobian(&a, &x);
    let (ad, xd): (Matrix<U3, Dyn>, Matrix<U3, Dyn>) = (retype(&a), retype(&x));
    let (_, jd) = g_gate_jacobian(&ad, &xd);
    check_dyn_jacobian("gate, N = Dyn", &jd, &j, |x| g_gate(&ad, x), &xd, TOL_F64);
    let (ad, xd): (Matrix<Dyn, Dyn>, Matrix<Dyn, Dyn>) = (retype(&a), retype(&x));
    let (_, jd) = g_gate_jacobian(&ad, &xd);
    check_dyn_jacobian("gate, all Dyn", &jd, &j, |x| g_gate(&ad, x), &xd, TOL_F64);
}

#[test]
fn dyn_scalar_body() {
    let (a, x) = (rand::<U2, U3, f64>(606), rand::<U2, U3, f64>(607));
    let (v, j) = g_dot_tanh_jacobian(&a, &x);
    let (ad, xd): (Matrix<Dyn, Dyn>, Matrix<Dyn, Dyn>) = (retype(&a), retype(&x));
    let (vd, jd) = g_dot_tanh_jacobian(&ad, &xd);
    assert_close_scalar("A : tanh X at Dyn", vd, v, TOL_F64);
    check_dyn_jacobian(
        "scalar body, all Dyn",
        &jd,
        &j,
        |x| m11(g_dot_tanh(&ad, x)),
        &xd,
        TOL_F64,
    );
}

#[test]
fn dyn_softmax_layer() {
    let (w, x) = (rand::<U4, U3, f64>(608), rand::<U3, U1, f64>(609));
    let (_, j) = g_softmax_layer_jacobian(&w, &x);
    let (wd, xd): (Matrix<U4, Dyn>, Vector<Dyn>) = (retype(&w), retype(&x));
    let (_, jd) = g_softmax_layer_jacobian(&wd, &xd);
    check_dyn_jacobian(
        "softmax layer, N = Dyn",
        &jd,
        &j,
        |x| g_softmax_layer(&wd, x),
        &xd,
        TOL_F64,
    );
    let wd: Matrix<Dyn, Dyn> = retype(&w);
    let (_, jd) = g_softmax_layer_jacobian(&wd, &xd);
    check_dyn_jacobian(
        "softmax layer, all Dyn",
        &jd,
        &j,
        |x| g_softmax_layer(&wd, x),
        &xd,
        TOL_F64,
    );
}

#[test]
#[should_panic(expected = "`X` has 3 columns but `Y` has 2 rows (both are K)")]
fn dyn_mismatched_inner_dimension_panics_at_entry() {
    let x = rand_dyn::<U2, Dyn, f64>(610, 2, 3);
    let y = rand_dyn::<Dyn, U4, f64>(611, 2, 4);
    let _ = g_xy_jacobian(&x, &y);
}
