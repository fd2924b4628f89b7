//! Every operation of the DSL in generated code at `Dyn`: a table of generic functions
//! (`fn f<N: Dim>`), each using a group of operations, each carrying every derivative kind.
//! Each is instantiated at `N = U3` and at `N = Dyn` (and the rectangular ones at `Dyn × U2`):
//! the `Dyn` value, gradient, Hessian, Hessian–vector product, Jacobian, vjp and jvp equal the
//! static ones, the gradient and Jacobian equal central finite differences, and the products
//! equal the full Jacobian or Hessian applied to the direction.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

/// Scalar bodies of a square `X` (`N×N`), a square `A` and a vector `v`: gradient, Hessian, hvp.
macro_rules! scalar_case {
    ($name:ident, $grad:ident, $hessian:ident, $hvp:ident, |$X:ident, $A:ident, $v:ident| $($body:tt)*) => {
        #[grad($X)]
        #[hessian($X)]
        #[hvp($X)]
        fn $name<N: Dim>($X: &Matrix<N, N>, $A: &Matrix<N, N>, $v: &Vector<N>) -> f64 {
            $($body)*
        }
    };
}

/// Matrix-valued bodies of a square `X`, `A` and a vector `v`: Jacobian, vjp, jvp.
macro_rules! matrix_case {
    ($name:ident, $out:ty, |$X:ident, $A:ident, $v:ident| $($body:tt)*) => {
        #[jacobian($X)]
        #[vjp($X)]
        #[jvp($X)]
        fn $name<N: Dim>($X: &Matrix<N, N>, $A: &Matrix<N, N>, $v: &Vector<N>) -> $out {
            $($body)*
        }
    };
}

scalar_case!(
    arithmetic,
    arithmetic_grad,
    arithmetic_hessian,
    arithmetic_hvp,
    |X, A, v| tr(X * A - A.t() * X / 2.0)
        + sum(-X + 3.0 * X * X)
        + dot(X, A)
        + norm(X)
        + norm_sq(X * v)
);
scalar_case!(
    factored,
    factored_grad,
    factored_hessian,
    factored_hvp,
    |X, A, v| det(X)
        + logdet(X)
        + tr(inv(X) * A)
        + sum(solve(X, v))
        + sum(cholesky(X * X.t() + eye()))
        + tr(matpow(X, 3))
);
scalar_case!(
    elementwise,
    elementwise_grad,
    elementwise_hessian,
    elementwise_hvp,
    |X, A, v| sum(exp(X) + log(X) + sin(X) + cos(X) + tan(X * 0.2) + tanh(X) + sqrt(X) + abs(X))
        + sum(sigmoid(X) + softplus(X) + relu(X) + powi(X, 3) + powf(X, 1.5))
        + sum(log1p(X) + expm1(X) + sinh(X) + cosh(X) + asin(X * 0.1) + acos(X * 0.1))
        + sum(atan(X) + atan2(X, A + 2.0) + hadamard(X, A) + elem_div(X, A + 2.0))
        + dot(v, X * v)
);
scalar_case!(
    structural,
    structural_grad,
    structural_hessian,
    structural_hvp,
    |X, A, v| sum(kron(A, X) * 0.5)
        + sum(vec(X * A))
        + tr(diag(v) * X * X)
        + sum(diagonal(X * X))
        + sum(X * ones() * X)
        + sum(X * eye() + zeros())
        + mean(X * X)
);
scalar_case!(
    batches,
    batches_grad,
    batches_hessian,
    batches_hvp,
    |X, A, v| sum(hadamard(A, softmax_cols(X)))
        + sum(hadamard(A, softmax_rows(X)))
        + logsumexp(X)
        + sum(logsumexp_cols(X))
        + sum(logsumexp_rows(X * A))
        + dot(v, softmax(X * v))
        + sum(X + 1.0)
        + sum(2.0 - X) * core::f64::consts::PI
);
scalar_case!(views, views_grad, views_hessian, views_hvp, |X, A, v| X
    [(1, 2)]
    * X[(0, 0)]
    + v[1] * sum(X.row(1))
    + norm_sq(X.column(2))
    + sum(exp(X.fixed_view::<U2, U1>(1, 0)))
    + sum(hstack(X * v, A.column(1)) * vstack(X.row(0), X.row(2)))
    + sum(matrix![X[(0, 1)], X[(2, 2)]; 1.0, X[(1, 0)]]
        * X.fixed_rows::<U2>(1).fixed_columns::<U2>(0)));

matrix_case!(linear_map, Matrix<N, N>, |X, A, v| A * X * X + X.t() * A - inv(X) + X / 3.0);
matrix_case!(elementwise_map, Matrix<N, N>, |X, A, v|
    hadamard(A, tanh(X)) + exp(X) * 0.5 + softmax_cols(X) + elem_div(X, A + 3.0)
);
matrix_case!(structural_map, Matrix<N, N>, |X, A, v|
    X.t() * diag(X * v) + solve(X, A) + cholesky(X * X.t() + eye()) + eye()
);
matrix_case!(assembly_map, Matrix<N, U3>, |X, A, v|
    hstack(X * v, exp(v), X.column(0)) + ones()
);
matrix_case!(vectorised, Vector<N>, |X, A, v| softmax(X * v)
    + diagonal(A * X)
    + X.t() * v);
matrix_case!(assembled_rows, Matrix<U3, U3>, |X, A, v|
    vstack(X.fixed_rows::<U1>(0), A.row(1), X.row(2)).fixed_columns::<U3>(0)
        + matrix![X[(0, 0)], 1.0, X[(1, 1)]; 0.0, X[(2, 0)], 2.0; X[(0, 2)], X[(1, 2)], 0.0]
        + X.fixed_view::<U3, U3>(0, 0) * vec(X).fixed_rows::<U3>(3).t().fixed_columns::<U3>(0)[0]
);

/// The inputs: X well-conditioned with positive entries (every elementwise function's domain,
/// det > 0), A, v random.
fn inputs<N: Dim>(n: usize) -> (Matrix<N, N>, Matrix<N, N>, Vector<N>) {
    let x = Matrix::from_fn_dyn(n, n, |i, j| {
        0.3 + 0.1 * ((i * 7 + j * 3) % 5) as f64 + if i == j { 1.0 } else { 0.0 }
    });
    (x, rand_dyn(801, n, n), rand_dyn(802, n, 1))
}

/// `a` and `b` have the same shape and entries (up to `tol`), whatever their dimension types.
#[track_caller]
fn same<R: Dim, C: Dim, R2: Dim, C2: Dim>(
    what: &str,
    a: &Matrix<R, C>,
    b: &Matrix<R2, C2>,
    tol: f64,
) {
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    assert_close(what, a, &retype(b), tol);
}

/// `m vec(d)` reshaped like `like`.
fn apply<R: Dim, C: Dim, P: Dim, Q: Dim>(m: &Matrix<R, C>, d: &Matrix<P, Q>) -> Vec<f64> {
    let d = d.as_slice();
    (0..m.nrows())
        .map(|i| (0..m.ncols()).map(|k| m[(i, k)] * d[k]).sum())
        .collect()
}

#[track_caller]
fn close_slices(what: &str, a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let scale = b.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * scale,
            "{what}: entry {k}: {x} vs {y}"
        );
    }
}

macro_rules! check_scalar {
    ($what:expr, $f:ident, $grad:ident, $hessian:ident, $hvp:ident) => {{
        let (x, a, v) = inputs::<U3>(3);
        let (value, g, h) = $hessian(&x, &a, &v);
        let (_, g2) = $grad(&x, &a, &v);
        same(
            concat!($what, ": gradient of the hessian fn"),
            &g,
            &g2,
            1e-12,
        );
        check_grad($what, &g, &g2, |x| $f(x, &a, &v), &x, 1e-5);
        let dir: Matrix<U3, U3> = rand(803);
        let (_, _, hv) = $hvp(&x, &a, &v, &dir);
        close_slices(
            concat!($what, ": H v"),
            hv.as_slice(),
            &apply(&h, &dir),
            1e-10,
        );

        let (xd, ad, vd) = inputs::<Dyn>(3);
        let dird: Matrix<Dyn, Dyn> = retype(&dir);
        let (value_d, g_d, h_d) = $hessian(&xd, &ad, &vd);
        assert_close_scalar(concat!($what, ": value at Dyn"), value_d, value, 1e-12);
        assert_close_scalar(
            concat!($what, ": original at Dyn"),
            $f(&xd, &ad, &vd),
            value,
            1e-12,
        );
        same(concat!($what, ": gradient at Dyn"), &g_d, &g, 1e-12);
        same(concat!($what, ": Hessian at Dyn"), &h_d, &h, 1e-12);
        let (_, g_d2) = $grad(&xd, &ad, &vd);
        check_grad(
            concat!($what, " at Dyn"),
            &g_d2,
            &g_d,
            |x| $f(x, &ad, &vd),
            &xd,
            1e-5,
        );
        let (_, _, hv_d) = $hvp(&xd, &ad, &vd, &dird);
        same(concat!($what, ": H v at Dyn"), &hv_d, &hv, 1e-12);
    }};
}

macro_rules! check_matrix {
    ($what:expr, $f:ident, $jacobian:ident, $vjp:ident, $jvp:ident) => {{
        let (x, a, v) = inputs::<U3>(3);
        let (value, j) = $jacobian(&x, &a, &v);
        check_jacobian($what, &j, &j, |x| $f(x, &a, &v), &x, 1e-5);
        let (xd, ad, vd) = inputs::<Dyn>(3);
        let (value_d, j_d) = $jacobian(&xd, &ad, &vd);
        same(concat!($what, ": value at Dyn"), &value_d, &value, 1e-12);
        same(concat!($what, ": Jacobian at Dyn"), &j_d, &j, 1e-12);
        let t: Matrix<U3, U3> = rand(804);
        let td: Matrix<Dyn, Dyn> = retype(&t);
        let (_, df) = $jvp(&xd, &ad, &vd, &td);
        close_slices(
            concat!($what, ": jvp at Dyn"),
            df.as_slice(),
            &apply(&j, &t),
            1e-10,
        );
        let u = Matrix::from_fn_generic(
            value_d.shape_generic().0,
            value_d.shape_generic().1,
            |i, k| ((i + 2 * k) as f64 * 0.37).sin(),
        );
        let (_, bar) = $vjp(&xd, &ad, &vd, &u);
        let jt = j.t();
        close_slices(
            concat!($what, ": vjp at Dyn"),
            bar.as_slice(),
            &apply(&jt, &u),
            1e-10,
        );
    }};
}

#[test]
fn every_operation_at_dyn_scalar_bodies() {
    check_scalar!(
        "arithmetic",
        arithmetic,
        arithmetic_grad,
        arithmetic_hessian,
        arithmetic_hvp
    );
    check_scalar!(
        "factored",
        factored,
        factored_grad,
        factored_hessian,
        factored_hvp
    );
    check_scalar!(
        "elementwise",
        elementwise,
        elementwise_grad,
        elementwise_hessian,
        elementwise_hvp
    );
    check_scalar!(
        "structural",
        structural,
        structural_grad,
        structural_hessian,
        structural_hvp
    );
    check_scalar!(
        "batches",
        batches,
        batches_grad,
        batches_hessian,
        batches_hvp
    );
    check_scalar!("views", views, views_grad, views_hessian, views_hvp);
}

#[test]
fn every_operation_at_dyn_matrix_bodies() {
    check_matrix!(
        "linear map",
        linear_map,
        linear_map_jacobian,
        linear_map_vjp,
        linear_map_jvp
    );
    check_matrix!(
        "elementwise map",
        elementwise_map,
        elementwise_map_jacobian,
        elementwise_map_vjp,
        elementwise_map_jvp
    );
    check_matrix!(
        "structural map",
        structural_map,
        structural_map_jacobian,
        structural_map_vjp,
        structural_map_jvp
    );
    check_matrix!(
        "assembly",
        assembly_map,
        assembly_map_jacobian,
        assembly_map_vjp,
        assembly_map_jvp
    );
    check_matrix!(
        "vectorised",
        vectorised,
        vectorised_jacobian,
        vectorised_vjp,
        vectorised_jvp
    );
    check_matrix!(
        "assembled rows",
        assembled_rows,
        assembled_rows_jacobian,
        assembled_rows_vjp,
        assembled_rows_jvp
    );
}

/// A rectangular parameter with one `Dyn` and one static dimension (`Dyn × U2`).
#[grad(W)]
#[hessian(W)]
#[jacobian(W)]
fn rectangular<M: Dim>(W: &Matrix<M, U2>, y: &Vector<M>) -> f64 {
    sum(softplus(W * W.t() * y)) + norm_sq(W.t() * y) + logdet(W.t() * W)
}

/// A Kronecker product with a `Dyn × U2` factor (its rows are `1·M`, spelled `M`).
#[grad(W)]
#[jacobian(W)]
#[hessian(W)]
fn rectangular_kron<M: Dim>(W: &Matrix<M, U2>, y: &Vector<M>) -> f64 {
    sum(hadamard(kron(W.row(0), W), kron(W.row(1), y * y.t() * W)))
}

#[test]
fn a_dyn_by_static_parameter() {
    let w: Matrix<U5, U2> = rand(805);
    let y: Vector<U5> = rand(806);
    let (v, g, h) = rectangular_hessian(&w, &y);
    check_grad("Dyn × U2 static", &g, &g, |w| rectangular(w, &y), &w, 1e-5);
    let (wd, yd): (Matrix<Dyn, U2>, Vector<Dyn>) = (retype(&w), retype(&y));
    let (vd, gd, hd) = rectangular_hessian(&wd, &yd);
    check_dyn_grad(
        "Dyn × U2",
        vd,
        v,
        &gd,
        &g,
        |w| rectangular(w, &yd),
        &wd,
        1e-5,
    );
    same("Hessian, Dyn × U2", &hd, &h, 1e-12);
    let (_, jd) = rectangular_jacobian(&wd, &yd);
    same("Jacobian = gradientᵀ, Dyn × U2", &jd, &g.vec().t(), 1e-12);

    let (v, g) = rectangular_kron_grad(&w, &y);
    check_grad(
        "kron, static",
        &g,
        &g,
        |w| rectangular_kron(w, &y),
        &w,
        1e-5,
    );
    let (vd, gd) = rectangular_kron_grad(&wd, &yd);
    check_dyn_grad(
        "kron, Dyn × U2",
        vd,
        v,
        &gd,
        &g,
        |w| rectangular_kron(w, &yd),
        &wd,
        1e-5,
    );
    let (_, jd) = rectangular_kron_jacobian(&wd, &yd);
    same(
        "kron Jacobian = gradientᵀ, Dyn × U2",
        &jd,
        &g.vec().t(),
        1e-12,
    );
    let (_, _, h) = rectangular_kron_hessian(&w, &y);
    check_hessian(
        "kron Hessian, static",
        &h,
        &h,
        |w| rectangular_kron_grad(w, &y).1,
        &w,
        1e-5,
    );
    let (_, _, hd) = rectangular_kron_hessian(&wd, &yd);
    same("kron Hessian, Dyn × U2", &hd, &h, 1e-12);
}
