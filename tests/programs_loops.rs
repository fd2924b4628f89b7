//! Loops through the macros (reference §4b): `let mut` state updated in `for t in 0..K`,
//! unrolled at expansion. Every derivative is checked against central finite differences and
//! against the same program written out by hand without a loop, under each attribute, with
//! concrete and generic dimensions, in f64 and f32.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

// ---- a linear system over a horizon (the MPC cost), and the same written out ----

#[grad(U)]
#[hessian(U)]
fn horizon(U: &Matrix<U1, U4>, x0: &Vector<U2>, A: &Matrix<U2, U2>, B: &Vector<U2>) -> f64 {
    let mut x = x0;
    let mut cost = 0.0;
    for t in 0..U4 {
        x = A * x + B * U[(0, t)];
        cost = cost + x.t() * x + 0.1 * U.column(t).t() * U.column(t);
    }
    cost
}

#[grad(U)]
#[hessian(U)]
fn horizon_by_hand(U: &Matrix<U1, U4>, x0: &Vector<U2>, A: &Matrix<U2, U2>, B: &Vector<U2>) -> f64 {
    let x1 = A * x0 + B * U[(0, 0)];
    let x2 = A * x1 + B * U[(0, 1)];
    let x3 = A * x2 + B * U[(0, 2)];
    let x4 = A * x3 + B * U[(0, 3)];
    x1.t() * x1 + x2.t() * x2 + x3.t() * x3 + x4.t() * x4 + 0.1 * norm_sq(U)
}

#[test]
fn horizon_cost_gradient_and_hessian() {
    let u = rand::<U1, U4, f64>(1);
    let x0 = rand::<U2, U1, f64>(2);
    let a = rand::<U2, U2, f64>(3) * 0.5;
    let b = rand::<U2, U1, f64>(4);
    let (v, g) = horizon_grad(&u, &x0, &a, &b);
    let (v_hand, g_hand) = horizon_by_hand_grad(&u, &x0, &a, &b);
    check_value("horizon", v, horizon(&u, &x0, &a, &b), v_hand, TOL);
    check_grad("∂/∂U", &g, &g_hand, |u| horizon(u, &x0, &a, &b), &u, TOL);
    let (_, g2, h) = horizon_hessian(&u, &x0, &a, &b);
    assert_close("gradient of #[hessian]", &g2, &g, TOL);
    let (_, _, h_hand) = horizon_by_hand_hessian(&u, &x0, &a, &b);
    check_hessian(
        "∂²/∂U²",
        &h,
        &h_hand,
        |u| horizon_grad(u, &x0, &a, &b).1,
        &u,
        TOL,
    );
}

// ---- a recurrent state, generic in its size: vjp, jvp, hvp and the Jacobian ----

#[jacobian(W)]
#[vjp(W)]
#[jvp(W)]
fn recurrent<N: Dim>(W: &Matrix<N, N>, h0: &Vector<N>, xs: &Matrix<N, U3>) -> Vector<N> {
    let mut h = h0;
    for t in 0..3 {
        h = tanh(W * h + xs.column(t));
    }
    h
}

#[jacobian(W)]
fn recurrent_by_hand<N: Dim>(W: &Matrix<N, N>, h0: &Vector<N>, xs: &Matrix<N, U3>) -> Vector<N> {
    let h1 = tanh(W * h0 + xs.column(0));
    let h2 = tanh(W * h1 + xs.column(1));
    tanh(W * h2 + xs.column(2))
}

#[grad(W)]
#[hessian(W)]
#[hvp(W)]
fn recurrent_loss<N: Dim>(W: &Matrix<N, N>, h0: &Vector<N>, xs: &Matrix<N, U3>) -> f64 {
    let mut h = h0;
    let mut loss = 0.0;
    for t in 0..3 {
        h = tanh(W * h + xs.column(t));
        loss += 0.5 * norm_sq(h - xs.column(t));
    }
    loss
}

/// The entries of a matrix in column-major order.
fn entries<R: Dim, C: Dim>(m: &Matrix<R, C>) -> Vec<f64> {
    (0..C::USIZE)
        .flat_map(|j| (0..R::USIZE).map(move |i| (i, j)))
        .map(|(i, j)| m[(i, j)])
        .collect()
}

#[test]
fn recurrent_state_products_against_the_jacobian() {
    let w = rand::<U3, U3, f64>(5);
    let h0 = rand::<U3, U1, f64>(6);
    let xs = rand::<U3, U3, f64>(7);
    let (h, j) = recurrent_jacobian(&w, &h0, &xs);
    let (h_hand, j_hand) = recurrent_by_hand_jacobian(&w, &h0, &xs);
    assert_close("value", &h, &h_hand, 1e-12);
    check_jacobian("∂h/∂W", &j, &j_hand, |w| recurrent(w, &h0, &xs), &w, TOL);

    let cotangent = rand::<U3, U1, f64>(8);
    let (_, bar) = recurrent_vjp(&w, &h0, &xs, &cotangent);
    let want: Vec<f64> = (0..9)
        .map(|k| (0..3).map(|i| cotangent[i] * j[(i, k)]).sum())
        .collect();
    for (a, b) in entries(&bar).iter().zip(&want) {
        assert!((a - b).abs() <= 1e-12, "vjp {a} vs uᵀJ {b}");
    }
    let tangent = rand::<U3, U3, f64>(9);
    let (_, df) = recurrent_jvp(&w, &h0, &xs, &tangent);
    let t = entries(&tangent);
    for i in 0..3 {
        let want: f64 = (0..9).map(|k| j[(i, k)] * t[k]).sum();
        assert!((df[i] - want).abs() <= 1e-12, "jvp {} vs J t {want}", df[i]);
    }
}

#[test]
fn recurrent_loss_gradient_hessian_and_hvp() {
    let w = rand::<U3, U3, f64>(10);
    let h0 = rand::<U3, U1, f64>(11);
    let xs = rand::<U3, U3, f64>(12);
    let (v, g) = recurrent_loss_grad(&w, &h0, &xs);
    assert_close_scalar("value", v, recurrent_loss(&w, &h0, &xs), 1e-12);
    let fd = fd_grad(|w| recurrent_loss(w, &h0, &xs), &w);
    assert_close("∂/∂W vs finite differences", &g, &fd, TOL);
    let (_, _, h) = recurrent_loss_hessian(&w, &h0, &xs);
    let fd_h: Matrix<U9, U9> = fd_jacobian(|w| recurrent_loss_grad(w, &h0, &xs).1, &w);
    assert_close("Hessian vs finite differences", &h, &fd_h, TOL);
    let dir = rand::<U3, U3, f64>(13);
    let (_, g2, hv) = recurrent_loss_hvp(&w, &h0, &xs, &dir);
    assert_close("gradient of #[hvp]", &g2, &g, 1e-12);
    let d = entries(&dir);
    for (k, got) in entries(&hv).iter().enumerate() {
        let want: f64 = (0..9).map(|l| h[(k, l)] * d[l]).sum();
        assert!(
            (got - want).abs() <= 1e-10,
            "H v entry {k}: {got} vs {want}"
        );
    }
}

// ---- f32, loop variables in entries, nested loops ----

#[grad(A)]
fn band<T: Dim>(A: &Matrix<U4, U4, f32>, s: &Matrix<T, U1, f32>) -> f32 {
    let mut acc = 0.0;
    for t in 0..3 {
        acc = acc + A[(t, t + 1)] * A[(t + 1, t)] + 0.5 * sum(s);
    }
    for i in 0..2 {
        for j in 0..i + 1 {
            acc = acc + sin(A[(2 * i, j)]);
        }
    }
    acc
}

#[test]
fn f32_entries_and_nested_loops() {
    let a = rand::<U4, U4, f32>(14);
    let s = rand::<U2, U1, f32>(15);
    let (v, g) = band_grad(&a, &s);
    let by_hand = |a: &Matrix<U4, U4, f32>| {
        (0..3).map(|t| a[(t, t + 1)] * a[(t + 1, t)]).sum::<f32>()
            + 1.5 * s.sum()
            + a[(0, 0)].sin()
            + a[(2, 0)].sin()
            + a[(2, 1)].sin()
    };
    assert_close_scalar("value", v, by_hand(&a), TOL_F32);
    let mut want = Matrix::<U4, U4, f32>::zeros();
    for t in 0..3 {
        want[(t, t + 1)] += a[(t + 1, t)];
        want[(t + 1, t)] += a[(t, t + 1)];
    }
    for (i, j) in [(0, 0), (2, 0), (2, 1)] {
        want[(i, j)] += a[(i, j)].cos();
    }
    check_grad("∂/∂A", &g, &want, by_hand, &a, TOL_F32);
}
