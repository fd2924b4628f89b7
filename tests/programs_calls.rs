//! Calls between DSL functions (reference §4b "Calls"): a dense layer called twice in an MLP, a
//! generic measurement model used by two callers at different sizes, a scalar helper, callees
//! calling callees across modules, a callee that carries its own attribute. Each derivative is
//! checked against central finite differences of a plain Rust function written here with
//! matcalc-core operations (never through the macros), and against a closed form where one is
//! short.
#![allow(non_snake_case)]

mod common;

use common::{assert_close, assert_close_scalar, fd_grad, fd_jacobian, fd_scalar, rand, TOL_F64};
use matcalc::prelude::*;

mod layers {
    use matcalc::prelude::*;

    /// A dense layer with tanh: generic in both dimensions, matrices by reference.
    #[matcalc::function]
    pub fn dense<M: Dim, N: Dim>(W: &Matrix<M, N>, x: &Vector<N>) -> Vector<M> {
        tanh(W * x)
    }

    /// Two layers: a callee calling a callee, both resolved where they are written.
    #[matcalc::function]
    pub fn two_layers<M: Dim, K: Dim, N: Dim>(
        V: &Matrix<M, K>,
        W: &Matrix<K, N>,
        x: &Vector<N>,
    ) -> Vector<M> {
        let h = dense(W, x);
        dense(V, &h)
    }
}

use layers::dense;

fn dense_by_hand<M: Dim, N: Dim>(w: &Matrix<M, N>, x: &Vector<N>) -> Vector<M> {
    tanh(w * x)
}

#[grad(W1, W2)]
#[hessian(x)]
fn mlp(W1: &Matrix<U4, U3>, W2: &Matrix<U2, U4>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    let h = dense(W1, x);
    let out = dense(W2, &h);
    0.5 * norm_sq(out - y)
}

fn mlp_by_hand(w1: &Matrix<U4, U3>, w2: &Matrix<U2, U4>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    0.5 * (dense_by_hand(w2, &dense_by_hand(w1, x)) - y).norm_sq()
}

#[test]
fn a_dense_layer_called_twice() {
    let w1: Matrix<U4, U3> = rand(1);
    let w2: Matrix<U2, U4> = rand(2);
    let x: Vector<U3> = rand(3);
    let y: Vector<U2> = rand(4);
    let (value, g1, g2) = mlp_grad(&w1, &w2, &x, &y);
    assert_close_scalar("value", value, mlp_by_hand(&w1, &w2, &x, &y), 1e-14);
    assert_close_scalar("original", mlp(&w1, &w2, &x, &y), value, 1e-14);
    // Backpropagation by hand.
    let h = tanh(w1 * x);
    let out = tanh(w2 * h);
    let r = out - y;
    let d2 = hadamard(&r, &(Matrix::<U2, U1>::ones() - hadamard(&out, &out)));
    let d1 = hadamard(
        &(w2.t() * d2),
        &(Matrix::<U4, U1>::ones() - hadamard(&h, &h)),
    );
    assert_close("∂/∂W2 closed form", &g2, &(d2 * h.t()), 1e-12);
    assert_close("∂/∂W1 closed form", &g1, &(d1 * x.t()), 1e-12);
    let fd1 = fd_grad(|w| mlp_by_hand(w, &w2, &x, &y), &w1);
    let fd2 = fd_grad(|w| mlp_by_hand(&w1, w, &x, &y), &w2);
    assert_close("∂/∂W1 vs finite differences", &g1, &fd1, TOL_F64);
    assert_close("∂/∂W2 vs finite differences", &g2, &fd2, TOL_F64);

    // The Hessian in x: finite differences of the (checked) gradient in x.
    let (_, gx, hess) = mlp_hessian(&w1, &w2, &x, &y);
    let fdx = fd_grad(|x| mlp_by_hand(&w1, &w2, x, &y), &x);
    assert_close("∂/∂x vs finite differences", &gx, &fdx, TOL_F64);
    let fdh: Matrix<U3, U3> = fd_jacobian(|x| mlp_hessian(&w1, &w2, x, &y).1, &x);
    assert_close("∂²/∂x² vs finite differences", &hess, &fdh, TOL_F64);
    assert_eq!(hess, hess.t());
}

/// The callee calling a callee, called by its path.
#[jacobian(x)]
#[vjp(V)]
#[jvp(W)]
fn network(V: &Matrix<U2, U3>, W: &Matrix<U3, U4>, x: &Vector<U4>) -> Vector<U2> {
    layers::two_layers(V, W, x)
}

#[test]
fn callees_calling_callees_through_a_path() {
    let v: Matrix<U2, U3> = rand(5);
    let w: Matrix<U3, U4> = rand(6);
    let x: Vector<U4> = rand(7);
    let by_hand = |v: &Matrix<U2, U3>, w: &Matrix<U3, U4>, x: &Vector<U4>| {
        dense_by_hand(v, &dense_by_hand(w, x))
    };
    let (value, jx) = network_jacobian(&v, &w, &x);
    assert_close("value", &value, &by_hand(&v, &w, &x), 1e-14);
    let fd: Matrix<U2, U4> = fd_jacobian(|x| by_hand(&v, &w, x), &x);
    assert_close("∂F/∂x vs finite differences", &jx, &fd, TOL_F64);

    // vjp in V: the gradient of ⟨u, F⟩; jvp in W: the directional derivative.
    let u: Vector<U2> = rand(8);
    let (_, v_bar) = network_vjp(&v, &w, &x, &u);
    let fd_v = fd_grad(|v| by_hand(v, &w, &x).dot(&u), &v);
    assert_close("vjp vs finite differences", &v_bar, &fd_v, TOL_F64);
    let t: Matrix<U3, U4> = rand(9);
    let (_, dw) = network_jvp(&v, &w, &x, &t);
    let along = |s: f64| by_hand(&v, &(w + t * s), &x);
    let fd_w = Matrix::<U2, U1>::from_fn(|i, _| fd_scalar(|s| along(s)[(i, 0)], 0.0));
    assert_close("jvp vs finite differences", &dw, &fd_w, TOL_F64);
}

/// A generic measurement model, used by two callers at different sizes.
#[matcalc::function]
fn measure<M: Dim, N: Dim>(H: &Matrix<M, N>, x: &Vector<N>, scale: f64) -> Vector<M> {
    H * x + scale * sin(H * x)
}

fn measure_by_hand<M: Dim, N: Dim>(h: &Matrix<M, N>, x: &Vector<N>, scale: f64) -> Vector<M> {
    let hx = h * x;
    &hx + sin(&hx) * scale
}

/// A filter's measurement residual cost: the model at 2×3.
#[grad(x, s)]
fn filter_cost(x: &Vector<U3>, H: &Matrix<U2, U3>, z: &Vector<U2>, s: f64) -> f64 {
    0.5 * norm_sq(measure(H, x, s) - z)
}

/// A smoother's cost over two states: the model at 3×4, called twice.
#[grad(x1, x2)]
#[hessian(x1)]
fn smoother_cost(x1: &Vector<U4>, x2: &Vector<U4>, H: &Matrix<U3, U4>, z: &Vector<U3>) -> f64 {
    norm_sq(measure(H, x1, 0.5) - z) + norm_sq(measure(H, x2, 0.5) - measure(H, x1, 0.25))
}

#[test]
fn a_generic_model_used_by_two_callers() {
    let x: Vector<U3> = rand(10);
    let h: Matrix<U2, U3> = rand(11);
    let z: Vector<U2> = rand(12);
    let s = 0.7;
    let f = |x: &Vector<U3>, s: f64| 0.5 * (measure_by_hand(&h, x, s) - z).norm_sq();
    let (value, gx, gs) = filter_cost_grad(&x, &h, &z, s);
    assert_close_scalar("filter value", value, f(&x, s), 1e-14);
    assert_close("filter ∂/∂x", &gx, &fd_grad(|x| f(x, s), &x), TOL_F64);
    assert_close_scalar("filter ∂/∂s", gs, fd_scalar(|s| f(&x, s), s), TOL_F64);

    let x1: Vector<U4> = rand(13);
    let x2: Vector<U4> = rand(14);
    let h: Matrix<U3, U4> = rand(15);
    let z: Vector<U3> = rand(16);
    let g = |x1: &Vector<U4>, x2: &Vector<U4>| {
        (measure_by_hand(&h, x1, 0.5) - z).norm_sq()
            + (measure_by_hand(&h, x2, 0.5) - measure_by_hand(&h, x1, 0.25)).norm_sq()
    };
    let (value, g1, g2) = smoother_cost_grad(&x1, &x2, &h, &z);
    assert_close_scalar("smoother value", value, g(&x1, &x2), 1e-13);
    assert_close("smoother ∂/∂x1", &g1, &fd_grad(|x| g(x, &x2), &x1), TOL_F64);
    assert_close("smoother ∂/∂x2", &g2, &fd_grad(|x| g(&x1, x), &x2), TOL_F64);
    let (_, _, hess) = smoother_cost_hessian(&x1, &x2, &h, &z);
    let fdh: Matrix<U4, U4> = fd_jacobian(|x| smoother_cost_grad(x, &x2, &h, &z).1, &x1);
    assert_close("smoother ∂²/∂x1²", &hess, &fdh, TOL_F64);
}

/// A scalar helper, and a helper that carries its own attribute.
#[matcalc::function]
fn square(t: f64) -> f64 {
    t * t
}

#[grad(x)]
fn energy(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    0.5 * (x.t() * A * x)
}

#[grad(x)]
#[hessian(x)]
fn scalar_calls(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    square(x[0] - 2.0 * x[2]) + square(energy(x, A)) + energy(&(2.0 * x), A)
}

#[test]
fn scalar_helpers_and_attributed_callees() {
    let x: Vector<U3> = rand(17);
    let a: Matrix<U3, U3> = rand(18);
    let e = |x: &Vector<U3>| 0.5 * (x.t() * a * x).to_scalar();
    let f = |x: &Vector<U3>| {
        let d = x[(0, 0)] - 2.0 * x[(2, 0)];
        d * d + e(x).powi(2) + e(&(x * 2.0))
    };
    let (value, g) = scalar_calls_grad(&x, &a);
    assert_close_scalar("value", value, f(&x), 1e-14);
    // Closed form: 2d (e₀ − 2e₂) + 2 e(x) ∇e(x) + 2 ∇e(2x), ∇e(y) = ½ (A + Aᵀ) y.
    let sym = (a + a.t()) * 0.5;
    let d = x[(0, 0)] - 2.0 * x[(2, 0)];
    let mut closed = sym * x * (2.0 * e(&x)) + sym * x * 4.0;
    closed[(0, 0)] += 2.0 * d;
    closed[(2, 0)] -= 4.0 * d;
    assert_close("∂/∂x closed form", &g, &closed, 1e-12);
    assert_close("∂/∂x vs finite differences", &g, &fd_grad(f, &x), TOL_F64);
    let (_, _, hess) = scalar_calls_hessian(&x, &a);
    let fdh: Matrix<U3, U3> = fd_jacobian(|x| scalar_calls_grad(x, &a).1, &x);
    assert_close("∂²/∂x² vs finite differences", &hess, &fdh, TOL_F64);
    // The callee's own attribute still works.
    let (_, ge) = energy_grad(&x, &a);
    assert_close("energy ∂/∂x", &ge, &(sym * x), 1e-12);
}

/// Derivatives see through the call: the gradient of a call is simplified like inline code
/// (the formula of `mlp`'s gradient names no call).
#[test]
fn formulas_see_through_calls() {
    assert!(MLP_GRAD_FORMULA.contains("tanh"), "{MLP_GRAD_FORMULA}");
    assert!(!MLP_GRAD_FORMULA.contains("dense"), "{MLP_GRAD_FORMULA}");
}

/// A callee nested deeper than the macros carry as tokens (48 brackets): its definition travels
/// as a string, and the call still derives.
#[matcalc::function]
#[rustfmt::skip]
fn deep_helper(x: f64) -> f64 {
    sin(0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (0.5 * (x)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
}

#[grad(x)]
fn calls_deep(x: f64) -> f64 {
    deep_helper(x) * deep_helper(2.0 * x)
}

#[test]
fn a_deeply_nested_callee() {
    let a = 0.5f64.powi(60);
    let f = |x: f64| (a * x).sin() * (2.0 * a * x).sin();
    let x = 1.5e17; // a x ≈ 0.13
    let (value, g) = calls_deep_grad(x);
    assert_close_scalar("value", value, f(x), 1e-12);
    // Relative to the scale a of the derivative.
    let closed =
        a * (a * x).cos() * (2.0 * a * x).sin() + 2.0 * a * (a * x).sin() * (2.0 * a * x).cos();
    assert_close_scalar("derivative vs closed form", g / a, closed / a, 1e-12);
    assert_close_scalar(
        "derivative vs finite differences",
        g / a,
        fd_scalar(f, x) / a,
        TOL_F64,
    );
}
