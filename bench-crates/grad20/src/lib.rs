//! 20 realistic matcalc functions with `#[grad]`, for compile-cost measurements
//! (`scripts/bench-compile`, `benches/expand.rs`). `U3` is the size n that the script
//! rewrites to U32 and U128; `U2` is a fixed size. `hand20` has the same gradients by hand.
#![allow(non_snake_case, dead_code)]

use matcalc::prelude::*;

#[grad(X)]
pub fn seed(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> f64 {
    sum(X * Y)
}

#[grad(W)]
pub fn lstsq(W: &Matrix<U3, U3>, x: &Vector<U3>, y: &Vector<U3>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

#[grad(S)]
pub fn gauss(S: &Matrix<U3, U3>, A: &Matrix<U3, U3>) -> f64 {
    logdet(S) + tr(inv(S) * A)
}

#[grad(W1, W2)]
pub fn mlp(W1: &Matrix<U3, U3>, W2: &Matrix<U2, U3>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    0.5 * norm_sq(W2 * tanh(W1 * x) - y)
}

#[grad(w)]
pub fn logreg(X: &Matrix<U3, U3>, w: &Vector<U3>, b: &Vector<U3>) -> f64 {
    sum(softplus(-hadamard(b, X * w)))
}

#[grad(x)]
pub fn quad(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    x.t() * A * x
}

#[grad(w)]
pub fn ridge(X: &Matrix<U3, U3>, w: &Vector<U3>, y: &Vector<U3>, lambda: f64) -> f64 {
    0.5 * norm_sq(X * w - y) + lambda * norm_sq(w)
}

#[grad(X)]
pub fn trace_quad(X: &Matrix<U3, U3>, A: &Matrix<U3, U3>, B: &Matrix<U3, U3>) -> f64 {
    tr(A * X * B * X.t())
}

#[grad(X)]
pub fn frobenius(X: &Matrix<U3, U3>, A: &Matrix<U3, U3>) -> f64 {
    norm(X - A)
}

#[grad(X)]
pub fn log_barrier(X: &Matrix<U3, U3>) -> f64 {
    logdet(X.t() * X + eye())
}

#[grad(W)]
pub fn cross_entropy(W: &Matrix<U3, U3>, x: &Vector<U3>, y: &Vector<U3>) -> f64 {
    -dot(y, log(softmax(W * x)))
}

#[grad(W)]
pub fn lse(W: &Matrix<U3, U3>, x: &Vector<U3>) -> f64 {
    logsumexp(W * x)
}

#[grad(W)]
pub fn sigmoid_mse(W: &Matrix<U3, U3>, x: &Vector<U3>, y: &Vector<U3>) -> f64 {
    0.5 * norm_sq(sigmoid(W * x) - y)
}

#[grad(W)]
pub fn relu_sum(W: &Matrix<U3, U3>, x: &Vector<U3>) -> f64 {
    sum(relu(W * x))
}

#[grad(X)]
pub fn kron_sum(A: &Matrix<U2, U2>, X: &Matrix<U3, U3>) -> f64 {
    sum(kron(A, X))
}

#[grad(S)]
pub fn mahalanobis(S: &Matrix<U3, U3>, x: &Vector<U3>) -> f64 {
    x.t() * inv(S) * x
}

#[grad(X)]
pub fn cubic_trace(X: &Matrix<U3, U3>) -> f64 {
    tr(matpow(X, 3))
}

#[grad(X, Y)]
pub fn elementwise(X: &Matrix<U3, U3>, Y: &Matrix<U3, U3>) -> f64 {
    sum(hadamard(exp(X), sin(Y)))
}

#[grad(X)]
pub fn smooth_abs(X: &Matrix<U3, U3>) -> f64 {
    sum(powf(hadamard(X, X) + ones(), 0.5))
}

#[grad(X)]
pub fn diag_fit(X: &Matrix<U3, U3>, v: &Vector<U3>) -> f64 {
    norm_sq(diagonal(X) - v) + tr(diag(v) * X)
}
