// The fuzz corpus: valid DSL functions, one item per seed. The harness (`fuzz/src/corpus.rs`)
// parses this file, and `fuzz/tests/mutants_compile.rs` compiles it through the real macro, so
// every seed must stay a function the macro accepts. Together the seeds use every DSL function
// and method, every operator, `let` and `return`, every attribute (also several on one
// function), generic dimensions, `U<N>`, f32, scalars, and parameters by value and by reference.

use matcalc::prelude::*;

#[grad(X)]
fn trace_ax(A: &Matrix<U3, U3>, X: &Matrix<U3, U3>) -> f64 {
    tr(A * X)
}

#[grad(X, Y)]
fn sum_xy(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> f64 {
    sum(X * Y)
}

#[jacobian(X)]
fn product(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    X * Y
}

#[hessian(x)]
fn quadratic(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    x.t() * A * x
}

#[grad(X)]
fn log_det(X: &Matrix<U3, U3>) -> f64 {
    logdet(X) + det(X)
}

#[grad(X)]
#[hessian(X)]
fn inverse_trace(X: &Matrix<U2, U2>, A: &Matrix<U2, U2>) -> f64 {
    tr(A * inv(X))
}

#[jacobian(X)]
fn inverse(X: &Matrix<U3, U3>) -> Matrix<U3, U3> {
    X.inv()
}

#[grad(W)]
fn least_squares(W: &Matrix<U2, U3>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    let r = W * x - y;
    norm_sq(r) / 2.0
}

#[grad(A)]
fn frobenius(A: &Matrix<U3, U2>, B: &Matrix<U3, U2>) -> f64 {
    dot(A, B) + A.dot(&B) + norm(A - B)
}

#[jacobian(A)]
fn elementwise_product(A: &Matrix<U2, U3>, B: &Matrix<U2, U3>) -> Matrix<U2, U3> {
    hadamard(A, B) + elem_div(A, B) - A.hadamard(&B)
}

#[jacobian(A)]
fn kronecker(A: &Matrix<U2, U2>, B: &Matrix<U2, U3>) -> Matrix<U4, U6> {
    kron(A, B)
}

#[jacobian(X)]
fn vectorise(X: &Matrix<U2, U3>) -> Vector<U6> {
    vec(X) * 2.0
}

#[grad(v)]
fn diagonal_matrix(v: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    tr(diag(v) * A) + sum(diagonal(A * diag(v)))
}

#[grad(X)]
fn exponentials(X: &Matrix<U2, U2>) -> f64 {
    sum(exp(X) + log(hadamard(X, X) + ones())) + sum(X.exp())
}

#[grad(X)]
fn trigonometry(X: &Matrix<U2, U2>) -> f64 {
    sum(sin(X) + cos(X) + tan(X / 4.0) + tanh(X))
}

#[grad(X)]
fn roots(X: &Matrix<U2, U3>) -> f64 {
    sum(sqrt(hadamard(X, X) + ones()) + abs(X))
}

#[hessian(x)]
fn activations(x: &Vector<U3>) -> f64 {
    sum(sigmoid(x) + softplus(x) + relu(x))
}

#[grad(X)]
fn powers(X: &Matrix<U2, U2>) -> f64 {
    sum(powi(X, 3)) + sum(powf(hadamard(X, X) + ones(), 1.5)) + tr(matpow(X, 4))
}

#[grad(X)]
fn matrix_power_method(X: &Matrix<U3, U3>) -> f64 {
    X.matpow(3).tr() + X.powi(2).sum()
}

#[jacobian(z)]
fn softmax_vector(z: &Vector<U4>) -> Vector<U4> {
    softmax(z)
}

#[grad(W)]
fn cross_entropy(W: &Matrix<U3, U4>, x: &Vector<U4>, y: &Vector<U3>) -> f64 {
    logsumexp(W * x) - y.t() * (W * x)
}

#[grad(X)]
fn constants(X: &Matrix<U3, U3>) -> f64 {
    tr(X + eye()) + dot(X, ones()) + sum(X + zeros())
}

#[grad(X)]
fn generic_trace<N: Dim>(A: &Matrix<N, N>, X: &Matrix<N, N>) -> f64 {
    tr(A * X.t())
}

#[jacobian(X)]
fn generic_product<M: Dim, K: Dim, N: Dim>(X: &Matrix<M, K>, Y: &Matrix<K, N>) -> Matrix<M, N> {
    X * Y
}

#[hessian(x)]
#[grad(x, A)]
fn generic_bilinear<N: Dim>(x: &Vector<N>, A: &Matrix<N, N>) -> f64 {
    x.t() * A * x + norm_sq(x)
}

#[grad(X)]
fn single_precision(X: &Matrix<U3, U3, f32>, A: &Matrix<U3, U3, f32>) -> f32 {
    tr(A * X) + sum(exp(X)) * 0.5
}

#[jacobian(x)]
fn single_precision_map(x: &Vector<U3, f32>, s: f32) -> Vector<U3, f32> {
    tanh(x * s) - x
}

#[grad(s)]
fn scalar_parameter(s: f64, A: &Matrix<U2, U2>) -> f64 {
    let B = A * s;
    sum(B) * s - s / 3.0 + exp(s)
}

#[grad(X)]
fn by_value(X: Matrix<U2, U2>, v: Vector<U2>) -> f64 {
    v.t() * X * v
}

#[grad(W1, W2)]
fn two_layer(W1: &Matrix<U4, U3>, W2: &Matrix<U2, U4>, x: &Vector<U3>, y: &Vector<U2>) -> f64 {
    let h = tanh(W1 * x);
    let out = W2 * h;
    let e = out - y;
    norm_sq(e)
}

#[grad(x)]
fn typenum_generic_size(x: &Vector<U<17>>, A: &Matrix<U<17>, U<17>>) -> f64 {
    let y = A * x;
    dot(x, y) - sum(y)
}

#[hessian(X)]
fn matrix_hessian(X: &Matrix<U2, U2>) -> f64 {
    let Y = X * X.t();
    tr(Y * Y) - logdet(Y + eye())
}

#[grad(A)]
fn early_return(A: &Matrix<U2, U3>) -> f64 {
    let B = -A;
    return sum(B * A.t());
}

#[jacobian(A)]
fn transposes(A: &Matrix<U2, U3>, B: &Matrix<U3, U2>) -> Matrix<U3, U3> {
    A.t() * B.t() + (B * A).t()
}

#[grad(x)]
fn let_chain(W: &Matrix<U3, U3>, x: &Vector<U3>) -> f64 {
    let y = sigmoid(W * x) + x;
    let y = sigmoid(W * y) + y;
    let y = sigmoid(W * y) + y;
    sum(y)
}

#[hessian(A)]
fn determinant_hessian(A: &Matrix<U2, U2>, B: &Matrix<U2, U2>) -> f64 {
    det(A) * det(B) + tr(inv(A + eye()) * B)
}

#[grad(X)]
pub fn public_method_forms(X: &Matrix<U3, U3>) -> f64 {
    X.tr() + X.sum() + X.det() + X.norm() + X.norm_sq() + X.logsumexp()
}

#[jacobian(x)]
fn method_maps(x: &Vector<U2>) -> Vector<U2> {
    x.sin() + x.cos() + x.tanh() + x.sigmoid() + x.softplus() + x.relu() + x.abs() + x.sqrt()
}

#[grad(x)]
fn newer_elementwise(x: &Vector<U3>, y: &Vector<U3>) -> f64 {
    let u = log1p(sigmoid(x)) + expm1(0.1 * x) + sinh(0.5 * x) + cosh(0.5 * x);
    let v = asin(0.5 * tanh(x)) + acos(0.5 * tanh(x)) + atan(x) + atan2(y, exp(x));
    mean(u) + sum(v)
}

#[hessian(S)]
fn factorizations(S: &Matrix<U3, U3>, B: &Matrix<U3, U2>) -> f64 {
    let K = S * S.t() + eye();
    let L = cholesky(K);
    tr(solve(K, B).t() * B) + sum(log(diagonal(L)))
}

#[grad(A)]
fn batches(A: &Matrix<U3, U4>) -> f64 {
    sum(softmax_cols(A)) + sum(softmax_rows(A)) + sum(logsumexp_cols(A)) + sum(logsumexp_rows(A))
        + logsumexp(A) + sum(softmax(A.column(0)))
}

#[jacobian(p)]
fn entries_and_views(p: &Vector<U3>, A: &Matrix<U3, U3>) -> Vector<U2> {
    let q = A * p;
    let top = q.fixed_rows::<2>(0) + A.fixed_view::<2, 1>(1, 2) + A.row(0).t().fixed_rows::<2>(1);
    vstack(matrix![-q[0] / q[2]], A.fixed_columns::<1>(1).fixed_rows::<1>(0)) + top
}

#[vjp(W)]
#[jvp(W)]
fn products(W: &Matrix<U3, U2>, x: &Vector<U2>, b: &Vector<U3>) -> Vector<U3> {
    tanh(W * x + b)
}

#[hvp(x)]
fn hessian_vector(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    x.t() * A * x + hstack(x, x).sum() + A[(0, 1)] * x[1]
}
