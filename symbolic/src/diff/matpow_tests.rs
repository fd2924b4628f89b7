//! Derivatives of high matrix powers: correct against finite differences, and built from
//! O(log k) terms (a literal exponent must not make expansion time grow with k).

use super::{gradient, jacobian};
use crate::check::{compare, fd_gradient, fd_jacobian};
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Graph, NodeId, Op};
use crate::testing::{graph, m, op};

/// X with spectral radius near 1, so X^37 stays of moderate size; Y a weight.
fn values() -> Vec<Value> {
    vec![
        Value::from_rows(3, 3, &[0.6, -0.7, 0.1, 0.7, 0.55, 0.05, 0.0, 0.1, 0.9]),
        Value::from_rows(3, 3, &[0.5, 1.0, -0.3, 0.2, -1.0, 0.8, 1.5, 0.1, 0.4]),
    ]
}

/// φ = sum(Y ∘ Xᵏ) and Xᵏ, over parameters X, Y.
fn power_graph(k: i32) -> (Graph, NodeId, NodeId) {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("Y", m(3, 3))]);
    let xk = op(&mut g, Op::MatPow(p[0], k));
    let weighted = op(&mut g, Op::Hadamard(p[1], xk));
    let phi = op(&mut g, Op::Sum(weighted));
    (g, phi, xk)
}

#[test]
fn high_powers_match_finite_differences() {
    for k in [9, 16, 21, 37, -11] {
        let (mut g, phi, xk) = power_graph(k);
        let (vals, dims) = (values(), Bindings::new());

        let grad = gradient(&mut g, phi, &[0])[0];
        let got = evaluate(&g, &[grad], &vals, &dims).unwrap().remove(0);
        let fd = fd_gradient(&g, phi, 0, &vals, &dims, 1e-6).unwrap();
        if let Err((at, a, b)) = compare(&got, &fd, 1e-5) {
            panic!("gradient of sum(Y ∘ X^{k}), entry {at}: derived {a}, finite differences {b}");
        }

        let jac = jacobian(&mut g, xk, 0);
        let got = evaluate(&g, &[jac], &vals, &dims).unwrap().remove(0);
        let fd = fd_jacobian(&g, xk, 0, &vals, &dims, 1e-6).unwrap();
        if let Err((at, a, b)) = compare(&got, &fd, 1e-5) {
            panic!("Jacobian of X^{k}, entry {at}: derived {a}, finite differences {b}");
        }
    }
}

/// Nodes the derivatives of Xᵏ add to the graph.
fn derivative_nodes(k: i32) -> (usize, usize) {
    let (mut g, phi, xk) = power_graph(k);
    let before = g.len();
    gradient(&mut g, phi, &[0]);
    let after_gradient = g.len();
    jacobian(&mut g, xk, 0);
    (after_gradient - before, g.len() - after_gradient)
}

#[test]
fn derivative_size_grows_with_the_logarithm_of_the_exponent() {
    let (g10, j10) = derivative_nodes(1 << 10);
    let (g20, j20) = derivative_nodes(1 << 20);
    // Doubling log k at most about doubles the nodes (linear growth in k would multiply
    // them by 1024).
    assert!(
        g20 <= 2 * g10 + 4,
        "gradient: {g10} nodes at 2^10, {g20} at 2^20"
    );
    assert!(
        j20 <= 2 * j10 + 4,
        "Jacobian: {j10} nodes at 2^10, {j20} at 2^20"
    );
    // The largest exponents finish at once.
    let (g, j) = derivative_nodes(i32::MAX);
    assert!(g < 400 && j < 600, "{g} and {j} nodes for k = 2³¹ − 1");
    let (g, j) = derivative_nodes(i32::MIN);
    assert!(g < 400 && j < 600, "{g} and {j} nodes for k = −2³¹");
}

#[test]
#[ignore = "prints the measured node counts"]
fn print_derivative_sizes() {
    for e in [4, 8, 10, 16, 20, 30] {
        let (g, j) = derivative_nodes(1 << e);
        println!("k = 2^{e}: gradient {g} nodes, Jacobian {j} nodes");
    }
}
