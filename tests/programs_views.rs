//! Entries, views, assembly, outside data and methods through the macros (reference §4b): each
//! derivative against a closed form and central finite differences.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

// ---- entries and assembly: the reprojection residual ----

#[jacobian(p)]
fn reprojection(p: &Vector<U3>) -> Vector<U2> {
    matrix![-p[0] / p[2]; -p[1] / p[2]]
}

/// r = −(x/z, y/z): J = [−1/z 0 x/z²; 0 −1/z y/z²].
#[test]
fn reprojection_residual_jacobian() {
    let p: Vector<U3> = matrix![0.3; -0.7; 2.5];
    let (r, j) = reprojection_jacobian(&p);
    let (x, y, z) = (p[0], p[1], p[2]);
    assert_close("value", &r, &matrix![-x / z; -y / z], TOL);
    let want: Matrix<U2, U3> = matrix![-1.0 / z, 0.0, x / (z * z); 0.0, -1.0 / z, y / (z * z)];
    check_jacobian("∂r/∂p", &j, &want, reprojection, &p, TOL);
}

#[grad(x)]
#[hessian(x)]
fn entry_products(x: &Vector<U3>) -> f64 {
    x[0] * x[1] + x[2] * x[2] * x[0]
}

#[test]
fn gradient_and_hessian_of_entries() {
    let x: Vector<U3> = matrix![0.5; -1.5; 2.0];
    let (a, b, c) = (x[0], x[1], x[2]);
    let (v, g) = entry_products_grad(&x);
    check_value("value", v, entry_products(&x), a * b + c * c * a, TOL);
    let want: Vector<U3> = matrix![b + c * c; a; 2.0 * c * a];
    check_grad("∂/∂x", &g, &want, entry_products, &x, TOL);
    let (_, _, h) = entry_products_hessian(&x);
    let want_h: Matrix<U3, U3> = matrix![0.0, 1.0, 2.0 * c; 1.0, 0.0, 0.0; 2.0 * c, 0.0, 2.0 * a];
    check_hessian("∂²/∂x²", &h, &want_h, |x| entry_products_grad(x).1, &x, TOL);
}

// ---- views ----

#[grad(A)]
#[hessian(A)]
fn views(A: &Matrix<U3, U3>, b: &Vector<U3>) -> f64 {
    sum(A.row(1)) + dot(A.column(0), b) + tr(A.fixed_view::<2, 2>(1, 1)) + A[(0, 2)] * A[(2, 0)]
}

#[test]
fn gradient_of_views() {
    let a = rand::<U3, U3, f64>(1);
    let b = rand::<U3, U1, f64>(2);
    let (_, g) = views_grad(&a, &b);
    let mut want = Matrix::<U3, U3>::zeros();
    for j in 0..3 {
        want[(1, j)] += 1.0;
        want[(j, 0)] += b[j];
    }
    want[(1, 1)] += 1.0;
    want[(2, 2)] += 1.0;
    want[(0, 2)] += a[(2, 0)];
    want[(2, 0)] += a[(0, 2)];
    check_grad("∂/∂A", &g, &want, |a| views(a, &b), &a, TOL);
    let (_, _, h) = views_hessian(&a, &b);
    let mut want_h = Matrix::<U9, U9>::zeros();
    // vec index of (0, 2) is 6, of (2, 0) is 2.
    want_h[(6, 2)] = 1.0;
    want_h[(2, 6)] = 1.0;
    check_hessian("∂²/∂A²", &h, &want_h, |a| views_grad(a, &b).1, &a, TOL);
}

#[jacobian(A)]
fn rows_and_columns(A: &Matrix<U3, U4>) -> Matrix<U2, U2> {
    A.fixed_rows::<U2>(1).fixed_columns::<2>(2) + A.fixed_view::<2, 2>(0, 0)
}

#[test]
fn jacobian_of_views_is_a_selection() {
    let a = rand::<U3, U4, f64>(3);
    let (v, j) = rows_and_columns_jacobian(&a);
    let want_v: Matrix<U2, U2> = Matrix::from_fn(|i, k| a[(1 + i, 2 + k)] + a[(i, k)]);
    assert_close("value", &v, &want_v, TOL);
    let mut want = Matrix::<U4, U12>::zeros();
    for k in 0..2 {
        for i in 0..2 {
            want[(i + 2 * k, (1 + i) + 3 * (2 + k))] += 1.0;
            want[(i + 2 * k, i + 3 * k)] += 1.0;
        }
    }
    check_jacobian("∂vec V/∂vec A", &j, &want, rows_and_columns, &a, TOL);
}

// ---- vstack / hstack ----

#[grad(A, B)]
fn stacked(A: &Matrix<U2, U3>, B: &Matrix<U1, U3>, c: &Vector<U3>) -> f64 {
    norm_sq(vstack(A, B) * c) + sum(hstack(A.t(), B.t()))
}

#[test]
fn gradient_through_stacks() {
    let a = rand::<U2, U3, f64>(4);
    let b = rand::<U1, U3, f64>(5);
    let c = rand::<U3, U1, f64>(6);
    let (_, ga, gb) = stacked_grad(&a, &b, &c);
    let (ra, rb) = (a * c, b * c);
    let want_a = ra * c.t() * 2.0 + Matrix::<U2, U3>::ones();
    let want_b = rb * c.t() * 2.0 + Matrix::<U1, U3>::ones();
    check_grad("∂/∂A", &ga, &want_a, |a| stacked(a, &b, &c), &a, TOL);
    check_grad("∂/∂B", &gb, &want_b, |b| stacked(&a, b, &c), &b, TOL);
}

#[jacobian(x)]
fn side_by_side(x: &Vector<U2>, y: &Vector<U2>) -> Matrix<U2, U2> {
    hstack(y, x)
}

/// vec [y x] = [y; x]: the Jacobian in x is [0; I].
#[test]
fn jacobian_of_hstack() {
    let x = rand::<U2, U1, f64>(7);
    let y = rand::<U2, U1, f64>(8);
    let (_, j) = side_by_side_jacobian(&x, &y);
    let want: Matrix<U4, U2> = matrix![0.0, 0.0; 0.0, 0.0; 1.0, 0.0; 0.0, 1.0];
    check_jacobian("∂vec/∂x", &j, &want, |x| side_by_side(x, &y), &x, TOL);
}

// ---- SE(2): a rotation assembled from entries ----

#[jacobian(xi)]
fn se2_rotation(xi: &Vector<U3>) -> Matrix<U2, U2> {
    matrix![cos(xi[2]), -sin(xi[2]); sin(xi[2]), cos(xi[2])]
}

#[test]
fn jacobian_of_an_assembled_rotation() {
    let xi: Vector<U3> = matrix![0.1; 0.2; 0.7];
    let (_, j) = se2_rotation_jacobian(&xi);
    let (s, c) = xi[2].sin_cos();
    let mut want = Matrix::<U4, U3>::zeros();
    // vec R = (c, s, −s, c); ∂/∂θ = (−s, c, −c, −s).
    for (k, d) in [-s, c, -c, -s].into_iter().enumerate() {
        want[(k, 2)] = d;
    }
    check_jacobian("∂vec R/∂ξ", &j, &want, se2_rotation, &xi, TOL);
}

// ---- generic dimensions and f32 ----

#[grad(x)]
fn first_times_sum<N: Dim>(x: &Vector<N>) -> f64 {
    x[0] * sum(x) + x.fixed_rows::<U1>(1)[0]
}

#[test]
fn entries_of_a_generic_vector() {
    let x = rand::<U4, U1, f64>(9);
    let (_, g) = first_times_sum_grad(&x);
    let mut want = Matrix::<U4, U1>::from_element(x[0]);
    want[0] += x.sum();
    want[1] += 1.0;
    check_grad("∂/∂x", &g, &want, first_times_sum, &x, TOL);
}

#[jacobian(p)]
fn reprojection_f32(p: &Vector<U3, f32>) -> Vector<U2, f32> {
    matrix![-p[0] / p[2]; -p[1] / p[2]]
}

#[test]
fn reprojection_in_f32() {
    let p: Vector<U3, f32> = matrix![0.3; -0.7; 2.5];
    let (_, j) = reprojection_f32_jacobian(&p);
    let (x, y, z) = (p[0], p[1], p[2]);
    let want: Matrix<U2, U3, f32> = matrix![-1.0 / z, 0.0, x / (z * z); 0.0, -1.0 / z, y / (z * z)];
    check_jacobian("∂r/∂p", &j, &want, reprojection_f32, &p, TOL_F32);
}

// ---- outside data and methods ----

struct Regression {
    X: Matrix<U6, U3>,
    y: Vector<U6>,
    weight: f64,
}

impl Regression {
    #[grad(w)]
    #[hessian(w)]
    fn loss(&self, w: &Vector<U3>) -> f64 {
        let X: Matrix<U6, U3> = self.X;
        let y: Vector<U6> = self.y;
        let lambda: f64 = self.weight;
        norm_sq(X * w - y) + lambda * norm_sq(w)
    }
}

/// ∇ = 2Xᵀ(Xw − y) + 2λw, H = 2XᵀX + 2λI.
#[test]
fn a_method_with_outside_data() {
    let model = Regression {
        X: rand(10),
        y: rand(11),
        weight: 0.3,
    };
    let w = rand::<U3, U1, f64>(12);
    let (v, g) = model.loss_grad(&w);
    let r = model.X * w - model.y;
    check_value(
        "value",
        v,
        model.loss(&w),
        r.norm_sq() + 0.3 * w.norm_sq(),
        TOL,
    );
    let want = model.X.t() * r * 2.0 + w * 0.6;
    check_grad("∂/∂w", &g, &want, |w| model.loss(w), &w, TOL);
    let (_, _, h) = model.loss_hessian(&w);
    let want_h = model.X.t() * model.X * 2.0 + Matrix::<U3, U3>::identity() * 0.6;
    check_hessian("∂²/∂w²", &h, &want_h, |w| model.loss_grad(w).1, &w, TOL);
}

struct Projection<N: Dim> {
    a: Vector<N>,
}

impl<N: Dim> Projection<N> {
    #[grad(w)]
    fn squared(&self, w: &Vector<N>) -> f64 {
        let a: Vector<N> = self.a.clone();
        dot(a, w) * dot(a, w)
    }
}

#[test]
fn a_generic_method() {
    let p = Projection::<U5> { a: rand(13) };
    let w = rand::<U5, U1, f64>(14);
    let (_, g) = p.squared_grad(&w);
    let want = p.a * (2.0 * p.a.dot(&w));
    check_grad("∂/∂w", &g, &want, |w| p.squared(w), &w, TOL);
}

// ---- assembly with generic dimensions ----

#[grad(x)]
fn beside<N: Dim>(x: &Vector<N>, y: &Vector<N>) -> f64 {
    dot(hstack(x, exp(x)), hstack(y, x))
}

/// ⟨[x eˣ], [y x]⟩ = xᵀy + Σ xᵢ e^{xᵢ}: ∇ = y + (1 + x) ⊙ eˣ, for a generic N.
#[test]
fn gradient_through_a_generic_hstack() {
    let x = rand::<U3, U1, f64>(15);
    let y = rand::<U3, U1, f64>(16);
    let (_, g) = beside_grad(&x, &y);
    let want = Matrix::<U3, U1>::from_fn(|i, _| y[i] + (1.0 + x[i]) * x[i].exp());
    check_grad("∂/∂x", &g, &want, |x| beside(x, &y), &x, TOL);
}

// ---- generic dimensions at `Dyn`, and Jacobians through offsets of generic-row matrices ----

#[test]
fn entries_of_a_dyn_vector() {
    let x = rand::<U4, U1, f64>(9);
    let (_, g) = first_times_sum_grad(&x);
    let xd: Vector<Dyn> = retype(&x);
    let (_, gd) = first_times_sum_grad(&xd);
    check_grad("∂/∂x at Dyn", &gd, &retype(&g), first_times_sum, &xd, TOL);
}

#[test]
fn a_generic_method_at_dyn() {
    let p = Projection::<U5> { a: rand(13) };
    let w = rand::<U5, U1, f64>(14);
    let (_, g) = p.squared_grad(&w);
    let pd = Projection::<Dyn> { a: retype(&p.a) };
    let wd: Vector<Dyn> = retype(&w);
    let (_, gd) = pd.squared_grad(&wd);
    check_grad("∂/∂w at Dyn", &gd, &retype(&g), |w| pd.squared(w), &wd, TOL);
}

#[test]
fn gradient_through_a_dyn_hstack() {
    let (x, y) = (rand::<U3, U1, f64>(15), rand::<U3, U1, f64>(16));
    let (_, g) = beside_grad(&x, &y);
    let (xd, yd): (Vector<Dyn>, Vector<Dyn>) = (retype(&x), retype(&y));
    let (_, gd) = beside_grad(&xd, &yd);
    check_grad(
        "∂/∂x at Dyn",
        &gd,
        &retype(&g),
        |x| beside(x, &yd),
        &xd,
        TOL,
    );
}

/// Issue 10's leftover: a Jacobian through `hstack` of generic-length vectors where one operand
/// appears at two column offsets (its Jacobian blocks come out as `3·N` and `N·3` rows) did not
/// compile; nor did a Hessian through a column view at an offset of a generic-row matrix.
#[jacobian(x, y)]
fn three_columns<N: Dim>(x: &Vector<N>, y: &Vector<N>) -> Matrix<N, U3> {
    hstack(x, exp(y), x * 2.0)
}

#[hessian(A)]
#[jacobian(A)]
fn second_column<M: Dim, N: Dim>(A: &Matrix<M, N>) -> f64 {
    sum(exp(A.column(1))) + norm_sq(A.fixed_view::<U2, U1>(1, 2))
}

#[test]
fn jacobians_through_offsets_of_generic_rows() {
    let (x, y) = (rand::<U3, U1, f64>(17), rand::<U3, U1, f64>(18));
    let (v, jx, jy) = three_columns_jacobian(&x, &y);
    assert_close("value", &v, &three_columns(&x, &y), 1e-15);
    let fd: Matrix<U9, U3> = fd_jacobian(|x| three_columns(x, &y), &x);
    assert_close("∂/∂x vs FD", &jx, &fd, TOL);
    let fd: Matrix<U9, U3> = fd_jacobian(|y| three_columns(&x, y), &y);
    assert_close("∂/∂y vs FD", &jy, &fd, TOL);
    let (xd, yd): (Vector<Dyn>, Vector<Dyn>) = (retype(&x), retype(&y));
    let (_, jxd, jyd) = three_columns_jacobian(&xd, &yd);
    check_jacobian(
        "∂/∂x at Dyn",
        &jxd,
        &retype(&jx),
        |x| three_columns(x, &yd),
        &xd,
        TOL,
    );
    check_jacobian(
        "∂/∂y at Dyn",
        &jyd,
        &retype(&jy),
        |y| three_columns(&xd, y),
        &yd,
        TOL,
    );

    let a = rand::<U4, U3, f64>(19);
    let (_, g, h) = second_column_hessian(&a);
    let mut want_g = Matrix::<U4, U3>::zeros();
    for i in 0..4 {
        want_g[(i, 1)] = a[(i, 1)].exp();
    }
    want_g[(1, 2)] += 2.0 * a[(1, 2)];
    want_g[(2, 2)] += 2.0 * a[(2, 2)];
    check_grad("∂/∂A", &g, &want_g, second_column, &a, TOL);
    let want_h = Matrix::<U12, U12>::from_fn(|p, q| {
        if p != q {
            0.0
        } else if (4..8).contains(&p) {
            a[p].exp()
        } else if p == 9 || p == 10 {
            2.0
        } else {
            0.0
        }
    });
    check_hessian(
        "∂²/∂A²",
        &h,
        &want_h,
        |a| second_column_hessian(a).1,
        &a,
        TOL,
    );
    let (_, j) = second_column_jacobian(&a);
    assert_close("Jacobian = gradientᵀ", &j, &g.vec().t(), 1e-15);
    {
        let ad: Matrix<Dyn, U3> = retype(&a);
        let (_, gd, hd) = second_column_hessian(&ad);
        check_grad("∂/∂A, M = Dyn", &gd, &retype(&g), second_column, &ad, TOL);
        check_hessian(
            "∂²/∂A², M = Dyn",
            &hd,
            &retype(&h),
            |a| second_column_hessian(a).1,
            &ad,
            TOL,
        );
    }
    let ad: Matrix<Dyn, Dyn> = retype(&a);
    let (_, _, hd) = second_column_hessian(&ad);
    check_hessian(
        "∂²/∂A², all Dyn",
        &hd,
        &retype(&h),
        |a| second_column_hessian(a).1,
        &ad,
        TOL,
    );
}

/// A view that does not fit the run-time size panics instead of reading out of bounds.
#[test]
#[should_panic(expected = "does not fit")]
fn a_view_beyond_a_dyn_matrix_panics() {
    let a = rand_dyn::<Dyn, U3, f64>(20, 2, 3);
    let _ = second_column(&a);
}
