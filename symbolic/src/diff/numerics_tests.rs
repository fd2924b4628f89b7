//! Derivatives at the points where a textbook formula divides 0 by 0 or takes log 0 although
//! the derivative is finite (issue 15, item 11): `norm` at 0, `powf` in p with zero entries,
//! `log σ(x)` and `log softmax(v)` far out, `det` at rank n − 1. Each is checked against an
//! independent computation (central differences, closed forms) and for finiteness.

use super::{gradient, hessian, jacobian};
use crate::check::{compare, fd_gradient, fd_hessian, fd_jacobian};
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Func, Graph, NodeId, Op, Shape};
use crate::print::unicode;
use crate::testing::{graph, m, op, sp};

fn eval1(g: &Graph, id: NodeId, vals: &[Value]) -> Value {
    evaluate(g, &[id], vals, &Bindings::new())
        .expect("evaluates")
        .remove(0)
}

fn all_finite(v: &Value) -> bool {
    v.data.iter().all(|x| x.is_finite())
}

fn assert_close(name: &str, got: &Value, want: &Value, tol: f64) {
    if let Err((at, a, b)) = compare(got, want, tol) {
        panic!("{name}: entry {at}: derived {a}, reference {b}");
    }
}

#[test]
fn norm_has_the_subgradient_zero_at_zero() {
    let (mut g, p) = graph(&[("x", m(3, 1))]);
    let n = op(&mut g, Op::Norm(p[0]));
    let grad = gradient(&mut g, n, &[0])[0];
    let jac = jacobian(&mut g, n, 0);
    let (_, hess) = hessian(&mut g, n, 0);
    let zero = [Value::zeros(3, 1)];
    assert_eq!(eval1(&g, grad, &zero), Value::zeros(3, 1));
    assert_eq!(eval1(&g, jac, &zero), Value::zeros(1, 3));
    // The Hessian of ‖x‖ is unbounded near 0; at 0 it is read as 0 (finite, documented).
    assert_eq!(eval1(&g, hess, &zero), Value::zeros(3, 3));
    // Away from 0 all three still match finite differences.
    let x = [Value::from_rows(3, 1, &[0.3, -1.2, 0.8])];
    let dims = Bindings::new();
    let fd = fd_gradient(&g, n, 0, &x, &dims, 1e-6).unwrap();
    assert_close("∂‖x‖", &eval1(&g, grad, &x), &fd, 1e-6);
    let fdh = fd_hessian(&g, n, 0, &x, &dims, 1e-4).unwrap();
    assert_close("∂²‖x‖", &eval1(&g, hess, &x), &fdh, 1e-5);
}

#[test]
fn powf_in_the_exponent_ignores_zero_entries() {
    // φ = sum(A^∘p) with zeros in A: ∂φ/∂p = Σ a^p ln a over the nonzero entries.
    let (mut g, p) = graph(&[("A", m(2, 2)), ("p", Shape::Scalar)]);
    let pw = op(&mut g, Op::Powf(p[0], p[1]));
    let phi = op(&mut g, Op::Sum(pw));
    let grad = gradient(&mut g, phi, &[1])[0];
    let jac = jacobian(&mut g, pw, 1);
    let (_, hess) = hessian(&mut g, phi, 1);
    let vals = [
        Value::from_rows(2, 2, &[0.0, 2.0, 3.0, 0.0]),
        Value::scalar(1.5),
    ];
    let want: f64 = [2.0f64, 3.0].iter().map(|a| a.powf(1.5) * a.ln()).sum();
    let got = eval1(&g, grad, &vals).as_scalar();
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    let dims = Bindings::new();
    let fd = fd_gradient(&g, phi, 1, &vals, &dims, 1e-6).unwrap();
    assert_close("∂φ/∂p", &eval1(&g, grad, &vals), &fd, 1e-6);
    let fdj = fd_jacobian(&g, pw, 1, &vals, &dims, 1e-6).unwrap();
    assert_close("∂vec A^∘p/∂p", &eval1(&g, jac, &vals), &fdj, 1e-6);
    let fdh = fd_hessian(&g, phi, 1, &vals, &dims, 1e-4).unwrap();
    assert_close("∂²φ/∂p²", &eval1(&g, hess, &vals), &fdh, 1e-5);
    // With respect to A (p > 1): p a^(p−1), 0 at the zero entries (where central differences
    // would step to a negative base and give NaN).
    let ga = gradient(&mut g, phi, &[0])[0];
    let want_a = Value::from_rows(2, 2, &[0.0, 1.5 * 2f64.sqrt(), 1.5 * 3f64.sqrt(), 0.0]);
    assert_close("∂φ/∂A", &eval1(&g, ga, &vals), &want_a, 1e-12);
}

#[test]
fn log_sigmoid_is_rewritten_to_minus_softplus() {
    let (mut g, p) = graph(&[("x", m(3, 1))]);
    let s = g.map(Func::Sigmoid, p[0], sp());
    let l = g.map(Func::Log, s, sp());
    let phi = op(&mut g, Op::Sum(l));
    assert_eq!(unicode(&g, phi), "−sum(softplus(−x))");
    let grad = gradient(&mut g, phi, &[0])[0];
    let (_, hess) = hessian(&mut g, phi, 0);
    // x = −1000: log σ = −1000 (σ underflows to 0, so the naive form gives −∞ and NaN).
    let far = [Value::from_rows(3, 1, &[-1000.0, 0.0, 1000.0])];
    let v = eval1(&g, phi, &far).as_scalar();
    assert!((v - (-1000.0 - 2f64.ln())).abs() < 1e-9, "{v}");
    let gr = eval1(&g, grad, &far);
    // ∂ log σ(x) = σ(−x) = 1 − σ(x).
    assert_close(
        "∂ at ±1000",
        &gr,
        &Value::from_rows(3, 1, &[1.0, 0.5, 0.0]),
        1e-12,
    );
    assert!(all_finite(&eval1(&g, hess, &far)));
    let near = [Value::from_rows(3, 1, &[-2.0, 0.3, 1.7])];
    let dims = Bindings::new();
    let fd = fd_gradient(&g, phi, 0, &near, &dims, 1e-6).unwrap();
    assert_close("∂ log σ", &eval1(&g, grad, &near), &fd, 1e-6);
    let fdh = fd_hessian(&g, phi, 0, &near, &dims, 1e-4).unwrap();
    assert_close("∂² log σ", &eval1(&g, hess, &near), &fdh, 1e-5);
}

#[test]
fn log_softmax_is_rewritten_to_the_shifted_form() {
    let (mut g, p) = graph(&[("v", m(3, 1)), ("w", m(3, 1))]);
    let sm = op(&mut g, Op::Softmax(p[0]));
    let l = g.map(Func::Log, sm, sp());
    assert_eq!(unicode(&g, l), "v − logsumexp(v) 𝟙");
    // A cross-entropy wᵀ log softmax(v).
    let phi = g.dot(p[1], l, sp());
    let grad = gradient(&mut g, phi, &[0])[0];
    let far = [
        Value::from_rows(3, 1, &[-1000.0, 0.0, 5.0]),
        Value::from_rows(3, 1, &[1.0, 0.0, 0.0]),
    ];
    // log softmax(v)₁ = −1000 − logsumexp(v), finite where softmax(v)₁ underflows to 0.
    let lse = (1f64 + 5f64.exp()).ln();
    let v = eval1(&g, phi, &far).as_scalar();
    assert!((v - (-1000.0 - lse)).abs() < 1e-9, "{v}");
    assert!(all_finite(&eval1(&g, grad, &far)));
    let near = [
        Value::from_rows(3, 1, &[-0.5, 0.2, 1.1]),
        Value::from_rows(3, 1, &[0.3, -1.0, 2.0]),
    ];
    let dims = Bindings::new();
    let fd = fd_gradient(&g, phi, 0, &near, &dims, 1e-6).unwrap();
    assert_close("∂ w·log softmax", &eval1(&g, grad, &near), &fd, 1e-6);
}

/// The adjugate from cofactors by Laplace expansion: independent of the Cayley–Hamilton form.
fn cofactor_adjugate(a: &Value) -> Value {
    fn det(rows: &[Vec<f64>]) -> f64 {
        if rows.is_empty() {
            return 1.0;
        }
        (0..rows.len())
            .map(|j| {
                let minor: Vec<Vec<f64>> = rows[1..]
                    .iter()
                    .map(|r| [&r[..j], &r[j + 1..]].concat())
                    .collect();
                let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
                sign * rows[0][j] * det(&minor)
            })
            .sum()
    }
    let n = a.rows;
    Value::from_fn(n, n, |i, j| {
        // adj(A)[i, j] = (−1)^(i+j) det(A without row j, column i).
        let minor: Vec<Vec<f64>> = (0..n)
            .filter(|&r| r != j)
            .map(|r| (0..n).filter(|&c| c != i).map(|c| a.get(r, c)).collect())
            .collect();
        let sign = if (i + j) % 2 == 0 { 1.0 } else { -1.0 };
        sign * det(&minor)
    })
}

fn transpose(a: &Value) -> Value {
    Value::from_fn(a.cols, a.rows, |i, j| a.get(j, i))
}

/// A rank n − 1 matrix: row k = k·n + j + 1 (rank 2 for every n ≥ 2), perturbed in its last row
/// to keep rank n − 1 but break the pattern.
fn rank_deficient(n: usize) -> Value {
    Value::from_fn(n, n, |i, j| {
        let base = (i * n + j + 1) as f64;
        if n > 3 && i == 0 {
            // Make the first row independent: rank becomes 3 = n − 1 for n = 4.
            base + (j * j) as f64
        } else {
            base
        }
    })
}

#[test]
fn det_gradient_is_the_adjugate_at_singular_matrices() {
    for n in 1..=4 {
        let (mut g, p) = graph(&[("A", m(n, n))]);
        let d = op(&mut g, Op::Det(p[0]));
        let grad = gradient(&mut g, d, &[0])[0];
        let jac = jacobian(&mut g, d, 0);
        let (_, hess) = hessian(&mut g, d, 0);
        let dims = Bindings::new();
        let singular = if n == 1 {
            Value::zeros(1, 1)
        } else {
            rank_deficient(n)
        };
        let zero = Value::zeros(n, n);
        let regular = Value::from_fn(n, n, |i, j| {
            0.3 * ((i + 2 * j) as f64).sin() + if i == j { 2.0 } else { 0.0 }
        });
        for a in [singular, zero, regular] {
            let vals = [a.clone()];
            let want = transpose(&cofactor_adjugate(&a));
            let got = eval1(&g, grad, &vals);
            assert_close(&format!("∂det/∂A n={n}"), &got, &want, 1e-12);
            let j = eval1(&g, jac, &vals);
            let jt = Value::from_fn(n, n, |r, c| j.get(0, r + n * c));
            assert_close(&format!("∂det/∂vec A n={n}"), &jt, &want, 1e-12);
            // det is a polynomial: central differences of degree ≤ 4 are accurate.
            let fd = fd_gradient(&g, d, 0, &vals, &dims, 1e-5).unwrap();
            assert_close(&format!("fd ∂det n={n}"), &got, &fd, 1e-7);
            let fdh = fd_hessian(&g, d, 0, &vals, &dims, 1e-3).unwrap();
            let h = eval1(&g, hess, &vals);
            assert_close(&format!("∂²det n={n}"), &h, &fdh, 1e-6);
        }
    }
}
