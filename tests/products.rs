//! `#[vjp]`, `#[jvp]` and `#[hvp]` through the macros: each product equals the one formed from
//! the full `#[jacobian]` / `#[hessian]` of the same function (vᵀJ, J t, H v) and central
//! finite differences of the value (or of the gradient), for concrete and generic dimensions,
//! f64 and f32, scalar and matrix outputs, and a direction whose preferred name is taken.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

/// `|a − e| ≤ tol · max(1, max |e|)` entrywise, on column-major entries.
#[track_caller]
fn assert_entries_close(what: &str, actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    let scale = expected.iter().fold(1.0f64, |m, e| m.max(e.abs()));
    for (k, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tol * scale,
            "{what}: entry {k}: {a} vs {e} (tolerance {tol:e} × {scale})"
        );
    }
}

fn entries<R: Dim, C: Dim, T: Scalar>(m: &Matrix<R, C, T>) -> Vec<f64> {
    m.as_slice().iter().map(|x| x.to_f64()).collect()
}

/// M vec(d), from a Jacobian or Hessian M.
fn times<R: Dim, C: Dim, P: Dim, Q: Dim, T: Scalar>(
    m: &Matrix<R, C, T>,
    d: &Matrix<P, Q, T>,
) -> Vec<f64> {
    let d = entries(d);
    (0..R::USIZE)
        .map(|i| (0..C::USIZE).map(|k| m[(i, k)].to_f64() * d[k]).sum())
        .collect()
}

/// vec(u)ᵀ M.
fn times_left<R: Dim, C: Dim, P: Dim, Q: Dim, T: Scalar>(
    u: &Matrix<P, Q, T>,
    m: &Matrix<R, C, T>,
) -> Vec<f64> {
    let u = entries(u);
    (0..C::USIZE)
        .map(|k| (0..R::USIZE).map(|i| u[i] * m[(i, k)].to_f64()).sum())
        .collect()
}

/// (F(X + hT) − F(X − hT)) / 2h: the directional derivative by central differences.
fn fd_direction<R: Dim, C: Dim, P: Dim, Q: Dim, T: Scalar>(
    f: impl Fn(&Matrix<R, C, T>) -> Matrix<P, Q, T>,
    x: &Matrix<R, C, T>,
    t: &Matrix<R, C, T>,
) -> Vec<f64> {
    let h = T::from_f64(T::EPSILON.to_f64().cbrt());
    let (r, c) = x.shape_generic();
    let plus = Matrix::from_fn_generic(r, c, |i, j| x[(i, j)] + h * t[(i, j)]);
    let minus = Matrix::from_fn_generic(r, c, |i, j| x[(i, j)] - h * t[(i, j)]);
    let (fp, fm) = (entries(&f(&plus)), entries(&f(&minus)));
    let h = h.to_f64();
    fp.iter()
        .zip(&fm)
        .map(|(a, b)| (a - b) / (2.0 * h))
        .collect()
}

// ------------------------------------------------------------ a dense layer, concrete sizes

#[vjp(W)]
#[jvp(W)]
#[jacobian(W)]
fn layer(W: &Matrix<U4, U3>, x: &Vector<U3>, b: &Vector<U4>) -> Vector<U4> {
    tanh(W * x + b)
}

#[vjp(x)]
#[jvp(x)]
#[jacobian(x)]
fn layer_x(W: &Matrix<U4, U3>, x: &Vector<U3>, b: &Vector<U4>) -> Vector<U4> {
    tanh(W * x + b)
}

#[test]
fn layer_products_match_the_jacobian_and_finite_differences() {
    let (W, x, b) = (rand::<U4, U3, f64>(1), rand::<U3, U1, f64>(2), rand(3));
    let (u, tw, tx) = (rand::<U4, U1, f64>(4), rand::<U4, U3, f64>(5), rand(6));
    let value = layer(&W, &x, &b);

    let (v, bar) = layer_vjp(&W, &x, &b, &u);
    let (_, dF) = layer_jvp(&W, &x, &b, &tw);
    let (_, J) = layer_jacobian(&W, &x, &b);
    assert_eq!(v, value);
    assert_entries_close(
        "vjp wrt W vs uᵀJ",
        &entries(&bar),
        &times_left(&u, &J),
        1e-12,
    );
    assert_entries_close("jvp wrt W vs J t", &entries(&dF), &times(&J, &tw), 1e-12);
    let fd = fd_grad(|W| dot(&u, &layer(W, &x, &b)), &W);
    assert_entries_close("vjp wrt W vs FD", &entries(&bar), &entries(&fd), TOL_F64);
    let fd = fd_direction(|W| layer(W, &x, &b), &W, &tw);
    assert_entries_close("jvp wrt W vs FD", &entries(&dF), &fd, TOL_F64);

    let (_, bar) = layer_x_vjp(&W, &x, &b, &u);
    let (_, dF) = layer_x_jvp(&W, &x, &b, &tx);
    let (_, J) = layer_x_jacobian(&W, &x, &b);
    assert_entries_close(
        "vjp wrt x vs uᵀJ",
        &entries(&bar),
        &times_left(&u, &J),
        1e-12,
    );
    assert_entries_close("jvp wrt x vs J t", &entries(&dF), &times(&J, &tx), 1e-12);
    let fd = fd_direction(|x| layer(&W, x, &b), &x, &tx);
    assert_entries_close("jvp wrt x vs FD", &entries(&dF), &fd, TOL_F64);
}

#[test]
fn products_carry_their_formulas() {
    assert!(
        LAYER_VJP_FORMULA.contains("∂⟨cotangent, layer⟩/∂W"),
        "{LAYER_VJP_FORMULA}"
    );
    assert!(LAYER_JVP_FORMULA.contains("tangent"), "{LAYER_JVP_FORMULA}");
    assert!(!LAYER_VJP_FORMULA.contains('⊗'), "{LAYER_VJP_FORMULA}");
    assert!(!LAYER_JVP_FORMULA.contains('⊗'), "{LAYER_JVP_FORMULA}");
    assert!(
        LOGISTIC_HVP_FORMULA.contains(" v "),
        "{LOGISTIC_HVP_FORMULA}"
    );
}

// ------------------------------------------------------------ generic dimensions

#[vjp(A)]
#[jvp(A)]
fn generic_map<M: Dim, N: Dim, K: Dim>(A: &Matrix<M, N>, B: &Matrix<N, K>) -> Matrix<M, K> {
    sigmoid(A * B) + A * A.t() * A * B
}

/// The same body at concrete sizes, for its full Jacobian (the generic `#[jacobian]` of this
/// body is `generic_map_jacobian_body` below).
#[jacobian(A)]
fn concrete_map(A: &Matrix<U3, U2>, B: &Matrix<U2, U4>) -> Matrix<U3, U4> {
    sigmoid(A * B) + A * A.t() * A * B
}

/// Through an inverse: the jvp is `solve(I + A Aᵀ, T − (T Aᵀ + A Tᵀ) solve(I + A Aᵀ, A)) B`.
#[vjp(A)]
#[jvp(A)]
fn generic_inverse<M: Dim, N: Dim, K: Dim>(A: &Matrix<M, N>, B: &Matrix<N, K>) -> Matrix<M, K> {
    inv(eye() + A * A.t()) * A * B
}

#[test]
fn generic_products_match_the_jacobian_and_finite_differences() {
    let (A, B) = (rand::<U3, U2, f64>(7), rand::<U2, U4, f64>(8));
    let (u, t) = (rand::<U3, U4, f64>(9), rand::<U3, U2, f64>(10));
    let (_, bar) = generic_map_vjp(&A, &B, &u);
    let (_, dF) = generic_map_jvp(&A, &B, &t);
    let (_, J) = concrete_map_jacobian(&A, &B);
    assert_entries_close(
        "generic vjp vs uᵀJ",
        &entries(&bar),
        &times_left(&u, &J),
        1e-11,
    );
    assert_entries_close("generic jvp vs J t", &entries(&dF), &times(&J, &t), 1e-11);

    let (_, bar) = generic_inverse_vjp(&A, &B, &u);
    let (_, dF) = generic_inverse_jvp(&A, &B, &t);
    let fd = fd_grad(|A| dot(&u, &generic_inverse(A, &B)), &A);
    assert_entries_close("inverse vjp vs FD", &entries(&bar), &entries(&fd), TOL_F64);
    let fd = fd_direction(|A| generic_inverse(A, &B), &A, &t);
    assert_entries_close("inverse jvp vs FD", &entries(&dF), &fd, TOL_F64);
    assert!(
        !GENERIC_INVERSE_JVP_FORMULA.contains('⊗'),
        "{GENERIC_INVERSE_JVP_FORMULA}"
    );
}

// ------------------------------------------------------------ Hessian–vector products

#[hvp(w)]
#[hessian(w)]
fn logistic<M: Dim, N: Dim>(w: &Vector<N>, A: &Matrix<M, N>, y: &Vector<M>) -> f64 {
    sum(softplus(A * w)) - dot(y, A * w) + 0.5 * norm_sq(w)
}

#[hvp(X)]
#[hessian(X)]
fn matrix_objective(X: &Matrix<U3, U2>, S: &Matrix<U3, U3>) -> f64 {
    tr(X.t() * S * X) + sum(exp(X)) + logdet(X.t() * X)
}

#[test]
fn hvp_matches_the_hessian_and_finite_differences() {
    let A = rand::<U6, U3, f64>(11);
    let y = Matrix::<U6, U1, f64>::from_fn(|i, _| (i % 2) as f64);
    let (w, v) = (rand::<U3, U1, f64>(12), rand::<U3, U1, f64>(13));
    let (value, grad, hv) = logistic_hvp(&w, &A, &y, &v);
    let (value_h, grad_h, H) = logistic_hessian(&w, &A, &y);
    assert_eq!(value, value_h);
    assert_entries_close("∇φ", &entries(&grad), &entries(&grad_h), 1e-13);
    assert_entries_close("H v vs the Hessian", &entries(&hv), &times(&H, &v), 1e-12);
    let fd = fd_direction(|w| logistic_hvp(w, &A, &y, &v).1, &w, &v);
    assert_entries_close("H v vs FD of the gradient", &entries(&hv), &fd, TOL_F64);

    let (X, S, V) = (
        rand::<U3, U2, f64>(14),
        spd::<U3, f64>(15),
        rand::<U3, U2, f64>(16),
    );
    let (_, _, hv) = matrix_objective_hvp(&X, &S, &V);
    let (_, _, H) = matrix_objective_hessian(&X, &S);
    assert_entries_close(
        "matrix H v vs the Hessian",
        &entries(&hv),
        &times(&H, &V),
        1e-11,
    );
    let fd = fd_direction(|X| matrix_objective_hvp(X, &S, &V).1, &X, &V);
    assert_entries_close("matrix H v vs FD", &entries(&hv), &fd, TOL_F64);
}

// ------------------------------------------------------------ f32, scalars, name collisions

#[vjp(W)]
#[jvp(W)]
#[jacobian(W)]
fn layer32(W: &Matrix<U3, U3, f32>, x: &Vector<U3, f32>) -> Vector<U3, f32> {
    tanh(W * x)
}

#[test]
fn f32_products() {
    let (W, x) = (rand::<U3, U3, f32>(17), rand::<U3, U1, f32>(18));
    let (u, t) = (rand::<U3, U1, f32>(19), rand::<U3, U3, f32>(20));
    let (_, bar) = layer32_vjp(&W, &x, &u);
    let (_, dF) = layer32_jvp(&W, &x, &t);
    let (_, J) = layer32_jacobian(&W, &x);
    assert_entries_close("f32 vjp", &entries(&bar), &times_left(&u, &J), 1e-5);
    assert_entries_close("f32 jvp", &entries(&dF), &times(&J, &t), 1e-5);
    let fd = fd_direction(|W| layer32(W, &x), &W, &t);
    assert_entries_close("f32 jvp vs FD", &entries(&dF), &fd, TOL_F32);
}

#[vjp(x)]
fn scalar_out(x: &Vector<U3>) -> f64 {
    norm_sq(x) + sum(sin(x))
}

#[jvp(s)]
fn scalar_in(s: f64, X: &Matrix<U2, U2>) -> Matrix<U2, U2> {
    exp(s * X)
}

#[test]
fn scalar_outputs_and_parameters() {
    let x = rand::<U3, U1, f64>(21);
    let (_, bar) = scalar_out_vjp(&x, 2.0);
    let want = Matrix::<U3, U1, f64>::from_fn(|i, _| 2.0 * (2.0 * x[(i, 0)] + x[(i, 0)].cos()));
    assert_close("vjp of a scalar body", &bar, &want, 1e-14);

    let X = rand::<U2, U2, f64>(22);
    let (_, dF) = scalar_in_jvp(0.7, &X, 0.3);
    let want = Matrix::<U2, U2, f64>::from_fn(|i, j| 0.3 * X[(i, j)] * (0.7 * X[(i, j)]).exp());
    assert_close("jvp along a scalar", &dF, &want, 1e-14);
}

/// The user already has a `v`: the direction becomes `v_1`.
#[hvp(x)]
fn taken_name(x: &Vector<U2>, v: &Vector<U2>) -> f64 {
    dot(v, exp(x))
}

#[test]
fn a_direction_never_shadows_a_parameter() {
    let (x, v, d) = (rand::<U2, U1, f64>(23), rand::<U2, U1, f64>(24), rand(25));
    let (_, _, hv) = taken_name_hvp(&x, &v, &d);
    let want = Matrix::<U2, U1, f64>::from_fn(|i, _| v[(i, 0)] * x[(i, 0)].exp() * d[(i, 0)]);
    assert_close("H d with a parameter named v", &hv, &want, 1e-14);
    assert!(
        TAKEN_NAME_HVP_FORMULA.contains("v_1"),
        "{TAKEN_NAME_HVP_FORMULA}"
    );
}

// ------------------------------------------------------------ the generic functions at `Dyn`

/// The body of `generic_map` with a generic `#[jacobian]`: its Kronecker dimensions come out as
/// both `K·M` and `M·K`, which the generated code re-types (it did not compile before).
#[jacobian(A)]
fn generic_map_jacobian_body<M: Dim, N: Dim, K: Dim>(
    A: &Matrix<M, N>,
    B: &Matrix<N, K>,
) -> Matrix<M, K> {
    sigmoid(A * B) + A * A.t() * A * B
}

/// vjp, jvp, the full Jacobian, hvp and the Hessian of the generic functions above with `Dyn`
/// dimensions (one `Dyn`, then all), against the static results and finite differences.
#[test]
fn generic_products_at_dyn() {
    let (A, B) = (rand::<U3, U2, f64>(31), rand::<U2, U4, f64>(32));
    let (u, t) = (rand::<U3, U4, f64>(33), rand::<U3, U2, f64>(34));
    let (_, J) = concrete_map_jacobian(&A, &B);
    let (_, Jg) = generic_map_jacobian_body_jacobian(&A, &B);
    assert_entries_close(
        "generic Jacobian vs concrete",
        &entries(&Jg),
        &entries(&J),
        1e-13,
    );

    let Ad: Matrix<Dyn, U2> = retype(&A);
    let (ud, td): (Matrix<Dyn, U4>, Matrix<Dyn, U2>) = (retype(&u), retype(&t));
    let Bd = B;
    let (_, bar) = generic_map_vjp(&Ad, &Bd, &ud);
    let (_, dF) = generic_map_jvp(&Ad, &Bd, &td);
    let (_, Jd) = generic_map_jacobian_body_jacobian(&Ad, &Bd);
    assert_entries_close("Dyn vjp vs uᵀJ", &entries(&bar), &times_left(&u, &J), 1e-11);
    assert_entries_close("Dyn jvp vs J t", &entries(&dF), &times(&J, &t), 1e-11);
    assert_entries_close("Dyn Jacobian", &entries(&Jd), &entries(&J), 1e-13);

    type D = Matrix<Dyn, Dyn>;
    let (Ad, Bd): (D, D) = (retype(&A), retype(&B));
    let (ud, td): (D, D) = (retype(&u), retype(&t));
    let (_, Jd) = generic_map_jacobian_body_jacobian(&Ad, &Bd);
    check_jacobian(
        "all-Dyn Jacobian vs FD",
        &Jd,
        &retype(&J),
        |A| generic_map(A, &Bd),
        &Ad,
        TOL_F64,
    );
    let (_, bar) = generic_inverse_vjp(&Ad, &Bd, &ud);
    let (_, dF) = generic_inverse_jvp(&Ad, &Bd, &td);
    let fd = fd_grad(|A| dot(&ud, &generic_inverse(A, &Bd)), &Ad);
    assert_entries_close(
        "Dyn inverse vjp vs FD",
        &entries(&bar),
        &entries(&fd),
        TOL_F64,
    );
    let fd = fd_direction(|A| generic_inverse(A, &Bd), &Ad, &td);
    assert_entries_close("Dyn inverse jvp vs FD", &entries(&dF), &fd, TOL_F64);

    let A = rand::<U6, U3, f64>(35);
    let y = Matrix::<U6, U1, f64>::from_fn(|i, _| (i % 2) as f64);
    let (w, v) = (rand::<U3, U1, f64>(36), rand::<U3, U1, f64>(37));
    let (value, _, H) = logistic_hessian(&w, &A, &y);
    let (Ad, yd): (Matrix<Dyn, U3>, Vector<Dyn>) = (retype(&A), retype(&y));
    let (value_d, grad_d, hv_d) = logistic_hvp(&w, &Ad, &yd, &v);
    let (_, _, H_d) = logistic_hessian(&w, &Ad, &yd);
    assert_close_scalar("logistic value at Dyn", value_d, value, 1e-13);
    assert_entries_close("Dyn Hessian", &entries(&H_d), &entries(&H), 1e-13);
    assert_entries_close("Dyn H v", &entries(&hv_d), &times(&H, &v), 1e-12);
    let fd = fd_grad(|w| logistic(w, &Ad, &yd), &w);
    assert_entries_close(
        "Dyn gradient vs FD",
        &entries(&grad_d),
        &entries(&fd),
        TOL_F64,
    );
    let (Ad, yd, wd, vd): (Matrix<Dyn, Dyn>, Vector<Dyn>, Vector<Dyn>, Vector<Dyn>) =
        (retype(&A), retype(&y), retype(&w), retype(&v));
    let (_, _, hv_d) = logistic_hvp(&wd, &Ad, &yd, &vd);
    let (_, _, H_d) = logistic_hessian(&wd, &Ad, &yd);
    check_hessian(
        "all-Dyn Hessian",
        &H_d,
        &retype(&H),
        |w| logistic_hvp(w, &Ad, &yd, &vd).1,
        &wd,
        TOL_F64,
    );
    let fd = fd_direction(|w| logistic_hvp(w, &Ad, &yd, &vd).1, &wd, &vd);
    assert_entries_close("all-Dyn H v vs FD", &entries(&hv_d), &fd, TOL_F64);
}

/// The direction of a product is checked too: a tangent of the wrong shape panics at entry.
#[test]
#[should_panic(expected = "`A` has 3 rows but `tangent` has 2 (both are M)")]
fn a_mismatched_direction_panics_at_entry() {
    let A = rand_dyn::<Dyn, U2, f64>(38, 3, 2);
    let B = rand::<U2, U4, f64>(39);
    let t = rand_dyn::<Dyn, U2, f64>(40, 2, 2);
    let _ = generic_map_jvp(&A, &B, &t);
}
