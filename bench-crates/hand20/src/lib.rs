//! The 20 functions of `grad20`, with their gradients written by hand over matcalc-core (the
//! baseline for the compile cost of `#[grad]`; `scripts/bench-compile`). `U3` is the size n.
#![allow(non_snake_case, dead_code)]
// References are written where a matrix is used twice: at n > 16 matrices live on the heap and
// are not `Copy`, and the same source must compile at every n.
#![allow(clippy::op_ref)]

use matcalc::prelude::*;

pub fn seed_grad(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> (f64, Matrix<U3, U3>) {
    ((X * Y).sum(), Matrix::<U3, U2>::ones() * Y.t())
}

pub fn lstsq_grad(W: &Matrix<U3, U3>, x: &Vector<U3>, y: &Vector<U3>) -> (f64, Matrix<U3, U3>) {
    let r = W * x - y;
    (0.5 * r.norm_sq(), r * x.t())
}

pub fn gauss_grad(S: &Matrix<U3, U3>, A: &Matrix<U3, U3>) -> (f64, Matrix<U3, U3>) {
    let lu = S.lu();
    let si = lu.inverse();
    let sit = si.t();
    (lu.logdet() + (&si * A).tr(), &sit - &sit * A.t() * &sit)
}

pub fn mlp_grad(
    W1: &Matrix<U3, U3>,
    W2: &Matrix<U2, U3>,
    x: &Vector<U3>,
    y: &Vector<U2>,
) -> (f64, Matrix<U3, U3>, Matrix<U2, U3>) {
    let h = (W1 * x).tanh();
    let r = W2 * &h - y;
    let d = (W2.t() * &r).hadamard(h.map(|t| 1.0 - t * t));
    (0.5 * r.norm_sq(), d * x.t(), &r * h.t())
}

pub fn logreg_grad(X: &Matrix<U3, U3>, w: &Vector<U3>, b: &Vector<U3>) -> (f64, Vector<U3>) {
    let m = (X * w).hadamard(b);
    let value = (-&m).softplus().sum();
    (value, -(X.t() * b.hadamard((-m).sigmoid())))
}

pub fn quad_grad(x: &Vector<U3>, A: &Matrix<U3, U3>) -> (f64, Vector<U3>) {
    ((x.t() * A * x).to_scalar(), (A + A.t()) * x)
}

pub fn ridge_grad(
    X: &Matrix<U3, U3>,
    w: &Vector<U3>,
    y: &Vector<U3>,
    lambda: f64,
) -> (f64, Vector<U3>) {
    let r = X * w - y;
    (
        0.5 * r.norm_sq() + lambda * w.norm_sq(),
        X.t() * r + w * (2.0 * lambda),
    )
}

pub fn trace_quad_grad(
    X: &Matrix<U3, U3>,
    A: &Matrix<U3, U3>,
    B: &Matrix<U3, U3>,
) -> (f64, Matrix<U3, U3>) {
    let axb = A * X * B;
    ((&axb * X.t()).tr(), A.t() * X * B.t() + &axb)
}

pub fn frobenius_grad(X: &Matrix<U3, U3>, A: &Matrix<U3, U3>) -> (f64, Matrix<U3, U3>) {
    let d = X - A;
    let n = d.norm();
    (n, d / n)
}

pub fn log_barrier_grad(X: &Matrix<U3, U3>) -> (f64, Matrix<U3, U3>) {
    let m = X.t() * X + Matrix::identity();
    let mi = m.inv();
    (m.logdet(), X * (&mi + mi.t()))
}

pub fn cross_entropy_grad(
    W: &Matrix<U3, U3>,
    x: &Vector<U3>,
    y: &Vector<U3>,
) -> (f64, Matrix<U3, U3>) {
    let p = (W * x).softmax();
    (-y.dot(p.log()), (p * y.sum() - y) * x.t())
}

pub fn lse_grad(W: &Matrix<U3, U3>, x: &Vector<U3>) -> (f64, Matrix<U3, U3>) {
    let z = W * x;
    (z.logsumexp(), z.softmax() * x.t())
}

pub fn sigmoid_mse_grad(
    W: &Matrix<U3, U3>,
    x: &Vector<U3>,
    y: &Vector<U3>,
) -> (f64, Matrix<U3, U3>) {
    let s = (W * x).sigmoid();
    let r = &s - y;
    (0.5 * r.norm_sq(), r.hadamard(s.map(|t| t * (1.0 - t))) * x.t())
}

pub fn relu_sum_grad(W: &Matrix<U3, U3>, x: &Vector<U3>) -> (f64, Matrix<U3, U3>) {
    let z = W * x;
    (z.relu().sum(), z.step() * x.t())
}

pub fn kron_sum_grad(A: &Matrix<U2, U2>, X: &Matrix<U3, U3>) -> (f64, Matrix<U3, U3>) {
    (A.kron(X).sum(), Matrix::ones() * A.sum())
}

pub fn mahalanobis_grad(S: &Matrix<U3, U3>, x: &Vector<U3>) -> (f64, Matrix<U3, U3>) {
    let si = S.inv();
    let u = si.t() * x;
    ((x.t() * &si * x).to_scalar(), -(u * (&si * x).t()))
}

pub fn cubic_trace_grad(X: &Matrix<U3, U3>) -> (f64, Matrix<U3, U3>) {
    let x2 = X * X;
    ((&x2 * X).tr(), x2.t() * 3.0)
}

pub fn elementwise_grad(
    X: &Matrix<U3, U3>,
    Y: &Matrix<U3, U3>,
) -> (f64, Matrix<U3, U3>, Matrix<U3, U3>) {
    let e = X.exp();
    let s = e.hadamard(Y.sin());
    (s.sum(), s, e.hadamard(Y.cos()))
}

pub fn smooth_abs_grad(X: &Matrix<U3, U3>) -> (f64, Matrix<U3, U3>) {
    let q = X.hadamard(X) + Matrix::ones();
    let r = q.sqrt();
    (r.sum(), X.elem_div(r))
}

pub fn diag_fit_grad(X: &Matrix<U3, U3>, v: &Vector<U3>) -> (f64, Matrix<U3, U3>) {
    let d = X.diagonal() - v;
    let dv = v.diag();
    (d.norm_sq() + (&dv * X).tr(), (&d * 2.0).diag() + &dv)
}
