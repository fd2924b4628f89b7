//! DSL functions written over nalgebra types (feature `nalgebra`): `SMatrix`/`SVector` with
//! literal and const-generic sizes, `DMatrix`/`DVector`, f64 and f32. The generated functions
//! take and return nalgebra types; each derivative is checked against a closed form computed
//! with nalgebra AND against central finite differences of the original function, and each
//! value against the same expression computed with nalgebra.
#![allow(non_snake_case)]

use matcalc::prelude::*;
use nalgebra::{DMatrix, DVector, SMatrix, SVector};

/// Deterministic entries in [-1, 1] (no randomness crate needed).
fn entries(seed: u64, n: usize) -> Vec<f64> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn srand<const R: usize, const C: usize>(seed: u64) -> SMatrix<f64, R, C> {
    SMatrix::from_column_slice(&entries(seed, R * C))
}

fn drand(seed: u64, r: usize, c: usize) -> DMatrix<f64> {
    DMatrix::from_column_slice(r, c, &entries(seed, r * c))
}

/// Central finite differences of a scalar function of a matrix, entry by entry.
fn fd_gradient<const R: usize, const C: usize>(
    f: impl Fn(&SMatrix<f64, R, C>) -> f64,
    x: &SMatrix<f64, R, C>,
) -> SMatrix<f64, R, C> {
    let h = 1e-6;
    SMatrix::from_fn(|i, j| {
        let (mut plus, mut minus) = (*x, *x);
        plus[(i, j)] += h;
        minus[(i, j)] -= h;
        (f(&plus) - f(&minus)) / (2.0 * h)
    })
}

fn fd_gradient_dyn(f: impl Fn(&DMatrix<f64>) -> f64, x: &DMatrix<f64>) -> DMatrix<f64> {
    let h = 1e-6;
    DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| {
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus[(i, j)] += h;
        minus[(i, j)] -= h;
        (f(&plus) - f(&minus)) / (2.0 * h)
    })
}

fn close<R: nalgebra::Dim, C: nalgebra::Dim, S, S2>(
    what: &str,
    a: &nalgebra::Matrix<f64, R, C, S>,
    b: &nalgebra::Matrix<f64, R, C, S2>,
    tol: f64,
) where
    S: nalgebra::RawStorage<f64, R, C>,
    S2: nalgebra::RawStorage<f64, R, C>,
{
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    let scale = 1.0 + b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(diff <= tol * scale, "{what}: differ by {diff}\n{a}\n{b}");
}

// ------------------------------------------------------------ least squares, SMatrix

#[grad(W)]
fn least_squares(W: &SMatrix<f64, 3, 4>, x: &SVector<f64, 4>, y: &SVector<f64, 3>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

/// ∂½‖Wx − y‖²/∂W = (Wx − y) xᵀ.
#[test]
fn least_squares_gradient_through_smatrix() {
    let (w, x, y) = (srand::<3, 4>(1), srand::<4, 1>(2), srand::<3, 1>(3));
    let (value, gradient): (f64, SMatrix<f64, 3, 4>) = least_squares_grad(&w, &x, &y);
    let r = w * x - y;
    assert!((value - 0.5 * r.norm_squared()).abs() < 1e-12);
    assert!((least_squares(&w, &x, &y) - value).abs() < 1e-12);
    close("closed form", &gradient, &(r * x.transpose()), 1e-12);
    close(
        "finite differences",
        &gradient,
        &fd_gradient(|w| least_squares(w, &x, &y), &w),
        1e-7,
    );
}

// ------------------------------------------------------------ tr(AX), const generics, f32

#[grad(X)]
fn trace_ax<const M: usize, const N: usize>(A: &SMatrix<f32, M, N>, X: &SMatrix<f32, N, M>) -> f32 {
    tr(A * X)
}

/// Cookbook (100): ∂tr(AX)/∂X = Aᵀ, at two sizes of one const-generic function, in f32.
#[test]
fn trace_gradient_with_const_generic_sizes_in_f32() {
    // A caller generic over the sizes would need the same `typenum` bounds, so each size is
    // spelled out.
    macro_rules! at {
        ($m:literal, $n:literal, $seed:literal) => {{
            let a: SMatrix<f32, $m, $n> = srand::<$m, $n>($seed).cast();
            let x: SMatrix<f32, $n, $m> = srand::<$n, $m>($seed + 1).cast();
            let (value, gradient): (f32, SMatrix<f32, $n, $m>) = trace_ax_grad(&a, &x);
            assert!((value - (a * x).trace()).abs() < 1e-5);
            assert!((trace_ax(&a, &x) - value).abs() < 1e-6);
            assert_eq!(gradient, a.transpose());
        }};
    }
    at!(2, 3, 10);
    at!(4, 4, 20);
    at!(1, 5, 30);
}

// ------------------------------------------------------------ logdet, by value

#[grad(X)]
fn log_det(X: SMatrix<f64, 3, 3>) -> f64 {
    logdet(X)
}

/// Cookbook (57): ∂ log det X/∂X = X⁻ᵀ.
#[test]
fn logdet_gradient_of_a_matrix_passed_by_value() {
    let x = srand::<3, 3>(4) + SMatrix::<f64, 3, 3>::identity() * 3.0;
    let (value, gradient) = log_det_grad(x);
    assert!((value - x.determinant().ln()).abs() < 1e-12);
    let inverse_transpose = x.try_inverse().unwrap().transpose();
    close("closed form", &gradient, &inverse_transpose, 1e-12);
    close(
        "finite differences",
        &gradient,
        &fd_gradient(|x| log_det(*x), &x),
        1e-7,
    );
}

// ------------------------------------------------------------ quadratic form, Hessian

#[hessian(x)]
fn quadratic<const N: usize>(x: &SVector<f64, N>, A: &SMatrix<f64, N, N>) -> f64 {
    x.t() * A * x
}

/// ∇ xᵀAx = (A + Aᵀ) x, H = A + Aᵀ; the Hessian of a const-generic function is a `DMatrix`
/// (stable Rust cannot spell N·N as a size).
#[test]
fn quadratic_form_hessian_with_a_const_generic_size() {
    let (x, a) = (srand::<4, 1>(5), srand::<4, 4>(6));
    let (value, gradient, hessian): (f64, SVector<f64, 4>, DMatrix<f64>) =
        quadratic_hessian(&x, &a);
    assert!((value - (x.transpose() * a * x)[(0, 0)]).abs() < 1e-12);
    let symmetric = a + a.transpose();
    close("gradient", &gradient, &(symmetric * x), 1e-12);
    close(
        "Hessian",
        &hessian,
        &DMatrix::from_column_slice(4, 4, symmetric.as_slice()),
        1e-12,
    );
    close(
        "finite differences",
        &gradient,
        &fd_gradient(|x| quadratic(x, &a), &x),
        1e-7,
    );
}

#[hessian(x)]
fn quadratic_3(x: &SVector<f64, 3>, A: &SMatrix<f64, 3, 3>) -> f64 {
    x.t() * A * x
}

/// At literal sizes the Hessian is an `SMatrix`.
#[test]
fn quadratic_form_hessian_at_a_literal_size_is_an_smatrix() {
    let (x, a) = (srand::<3, 1>(7), srand::<3, 3>(8));
    let (_, _, hessian): (f64, SVector<f64, 3>, SMatrix<f64, 3, 3>) = quadratic_3_hessian(&x, &a);
    close("Hessian", &hessian, &(a + a.transpose()), 1e-12);
}

// ------------------------------------------------------------ X Y Jacobian

#[jacobian(X)]
fn product(X: &SMatrix<f64, 3, 3>, Y: &SMatrix<f64, 3, 2>) -> SMatrix<f64, 3, 2> {
    X * Y
}

/// The seed question: ∂vec(XY)/∂(vec X)ᵀ = Yᵀ ⊗ I₃ (6×9), checked entry by entry against the
/// Kronecker product and against finite differences.
#[test]
fn product_jacobian_is_the_kronecker_product() {
    let (x, y) = (srand::<3, 3>(9), srand::<3, 2>(10));
    let (value, jacobian): (SMatrix<f64, 3, 2>, SMatrix<f64, 6, 9>) = product_jacobian(&x, &y);
    close("value", &value, &(x * y), 1e-12);
    close("original", &product(&x, &y), &(x * y), 1e-12);
    close(
        "Yᵀ ⊗ I₃",
        &jacobian,
        &y.transpose().kronecker(&SMatrix::<f64, 3, 3>::identity()),
        1e-12,
    );
    let h = 1e-6;
    for k in 0..9 {
        let (mut plus, mut minus) = (x, x);
        plus[k] += h;
        minus[k] -= h;
        let column = (product(&plus, &y) - product(&minus, &y)) / (2.0 * h);
        for i in 0..6 {
            assert!(
                (jacobian[(i, k)] - column[i]).abs() < 1e-8,
                "entry ({i}, {k})"
            );
        }
    }
}

// ------------------------------------------------------------ products, mixed types

#[vjp(W)]
#[jvp(W)]
fn layer(W: &SMatrix<f64, 2, 3>, x: &SVector<f64, 3>) -> SVector<f64, 2> {
    tanh(W * x)
}

#[hvp(w)]
fn logistic(w: &SVector<f64, 2>, A: &Matrix<U3, U2>, y: &Vector<U3>) -> f64 {
    sum(softplus(A * w)) - dot(y, A * w)
}

/// vjp and jvp through nalgebra types: W̄ = (u ⊙ s) xᵀ and dF = s ⊙ (T x), s = 𝟙 − tanh(Wx)∘².
#[test]
fn products_take_and_return_nalgebra_types() {
    let (w, x) = (srand::<2, 3>(11), srand::<3, 1>(12));
    let (u, t) = (srand::<2, 1>(13), srand::<2, 3>(14));
    let (value, w_bar): (SVector<f64, 2>, SMatrix<f64, 2, 3>) = layer_vjp(&w, &x, &u);
    let (_, d_value): (SVector<f64, 2>, SVector<f64, 2>) = layer_jvp(&w, &x, &t);
    let activation = (w * x).map(f64::tanh);
    close("value", &value, &activation, 1e-12);
    let s = activation.map(|a| 1.0 - a * a);
    close("vjp", &w_bar, &(u.component_mul(&s) * x.transpose()), 1e-12);
    close("jvp", &d_value, &s.component_mul(&(t * x)), 1e-12);
}

/// A parameter of matcalc's own type beside a nalgebra one: both are read as they are, and the
/// results follow the written types. H v = Aᵀ (σ(Aw) ⊙ (𝟙 − σ(Aw)) ⊙ (A v)).
#[test]
fn hvp_with_a_mixture_of_nalgebra_and_matcalc_parameters() {
    let a: Matrix<U3, U2> = matrix![1.0, 0.5; -1.0, 2.0; 0.0, 1.0];
    let y: Vector<U3> = matrix![1.0; 0.0; 1.0];
    let (w, v) = (
        SVector::<f64, 2>::new(0.3, -0.2),
        SVector::<f64, 2>::new(1.0, 2.0),
    );
    let (_, gradient, hv): (f64, SVector<f64, 2>, SVector<f64, 2>) = logistic_hvp(&w, &a, &y, &v);
    let na = SMatrix::<f64, 3, 2>::from_column_slice(a.as_slice());
    let ny = SVector::<f64, 3>::from_column_slice(y.as_slice());
    let p = (na * w).map(|z| 1.0 / (1.0 + (-z).exp()));
    close("gradient", &gradient, &(na.transpose() * (p - ny)), 1e-12);
    let weights = p.component_mul(&p.map(|q| 1.0 - q));
    close(
        "H v",
        &hv,
        &(na.transpose() * weights.component_mul(&(na * v))),
        1e-12,
    );
    close(
        "finite differences",
        &gradient,
        &fd_gradient(|w| logistic(w, &a, &y), &w),
        1e-7,
    );
}

// ------------------------------------------------------------ DMatrix / DVector (Dyn)

#[grad(W, x)]
fn least_squares_dyn(W: &DMatrix<f64>, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

/// The same least squares over run-time sizes: W's columns and x's rows, W's rows and y's rows
/// are merged into one dimension each and checked at entry.
#[test]
fn least_squares_gradient_through_dmatrix() {
    for (m, n, seed) in [(3, 4, 40), (7, 2, 41), (20, 20, 42)] {
        let (w, x, y) = (
            drand(seed, m, n),
            drand(seed + 1, n, 1),
            drand(seed + 2, m, 1),
        );
        let (x, y) = (x.column(0).into_owned(), y.column(0).into_owned());
        let (value, gw, gx): (f64, DMatrix<f64>, DVector<f64>) = least_squares_dyn_grad(&w, &x, &y);
        let r = &w * &x - &y;
        assert!((value - 0.5 * r.norm_squared()).abs() < 1e-12);
        assert!((least_squares_dyn(&w, &x, &y) - value).abs() < 1e-12);
        close("∂/∂W closed form", &gw, &(&r * x.transpose()), 1e-12);
        close("∂/∂x closed form", &gx, &(w.transpose() * &r), 1e-12);
        close(
            "∂/∂W finite differences",
            &gw,
            &fd_gradient_dyn(|w| least_squares_dyn(w, &x, &y), &w),
            1e-7,
        );
    }
}

#[grad(X)]
fn trace_ax_dyn(A: &DMatrix<f64>, X: &DMatrix<f64>) -> f64 {
    tr(A * X)
}

#[grad(X)]
fn logdet_dyn(X: &DMatrix<f64>) -> f64 {
    logdet(X)
}

/// ∂tr(AX)/∂X = Aᵀ and ∂ log det X/∂X = X⁻ᵀ at run-time sizes.
#[test]
fn trace_and_logdet_gradients_through_dmatrix() {
    let (a, x) = (drand(50, 2, 5), drand(51, 5, 2));
    let (value, gradient) = trace_ax_dyn_grad(&a, &x);
    assert!((value - (&a * &x).trace()).abs() < 1e-12);
    close("Aᵀ", &gradient, &a.transpose(), 1e-12);

    let x = drand(52, 4, 4) + DMatrix::<f64>::identity(4, 4) * 3.0;
    let (value, gradient) = logdet_dyn_grad(&x);
    assert!((value - x.determinant().ln()).abs() < 1e-12);
    close(
        "X⁻ᵀ",
        &gradient,
        &x.clone().try_inverse().unwrap().transpose(),
        1e-12,
    );
    close(
        "finite differences",
        &gradient,
        &fd_gradient_dyn(logdet_dyn, &x),
        1e-7,
    );
}

#[jacobian(X)]
fn product_dyn(X: &DMatrix<f64>, Y: &DMatrix<f64>) -> DMatrix<f64> {
    X * Y
}

/// ∂vec(XY)/∂(vec X)ᵀ = Yᵀ ⊗ I at run-time sizes, returned as a `DMatrix`.
#[test]
fn product_jacobian_through_dmatrix() {
    let (x, y) = (drand(60, 3, 3), drand(61, 3, 2));
    let (value, jacobian) = product_dyn_jacobian(&x, &y);
    close("value", &value, &(&x * &y), 1e-12);
    close(
        "Yᵀ ⊗ I₃",
        &jacobian,
        &y.transpose().kronecker(&DMatrix::<f64>::identity(3, 3)),
        1e-12,
    );
}

#[hessian(x)]
fn quadratic_dyn(x: &DVector<f64>, A: &DMatrix<f64>) -> f64 {
    x.t() * A * x
}

/// H(xᵀAx) = A + Aᵀ at a run-time size.
#[test]
fn quadratic_form_hessian_through_dmatrix() {
    let (x, a) = (drand(70, 5, 1).column(0).into_owned(), drand(71, 5, 5));
    let (value, gradient, hessian): (f64, DVector<f64>, DMatrix<f64>) =
        quadratic_dyn_hessian(&x, &a);
    assert!((value - (x.transpose() * &a * &x)[(0, 0)]).abs() < 1e-12);
    close("gradient", &gradient, &((&a + a.transpose()) * &x), 1e-12);
    close("Hessian", &hessian, &(&a + a.transpose()), 1e-12);
}

#[grad(X)]
fn mixed_dyn(X: &DMatrix<f64>, B: &SMatrix<f64, 3, 2>) -> f64 {
    sum(X * B)
}

/// A `DMatrix` times an `SMatrix`: X's column count is bound to 3 and checked at entry.
/// ∂sum(XB)/∂X = 𝟙 Bᵀ.
#[test]
fn dmatrix_beside_smatrix() {
    let (x, b) = (drand(80, 4, 3), srand::<3, 2>(81));
    let (value, gradient) = mixed_dyn_grad(&x, &b);
    let bd = DMatrix::from_column_slice(3, 2, b.as_slice());
    assert!((value - (&x * &bd).sum()).abs() < 1e-12);
    close(
        "𝟙 Bᵀ",
        &gradient,
        &(DMatrix::from_element(4, 2, 1.0) * bd.transpose()),
        1e-12,
    );
}

/// Sizes that disagree panic at entry, naming the parameters and sizes, before any arithmetic.
#[test]
#[should_panic(
    expected = "`least_squares_dyn` needs these sizes to be equal, but the column count of `W` is 4, the row count of `x` is 3"
)]
fn disagreeing_run_time_sizes_panic_at_entry() {
    let (w, x, y) = (
        drand(90, 3, 4),
        DVector::<f64>::zeros(3),
        DVector::<f64>::zeros(3),
    );
    let _ = least_squares_dyn_grad(&w, &x, &y);
}

#[test]
#[should_panic(
    expected = "`mixed_dyn` needs these sizes to be equal, but the size fixed at compile time is 3, the column count of `X` is 2"
)]
fn a_run_time_size_that_differs_from_a_static_one_panics_at_entry() {
    let _ = mixed_dyn(&drand(91, 4, 2), &srand::<3, 2>(92));
}
