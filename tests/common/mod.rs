//! Shared helpers for the macro-level tests: a deterministic pseudo-random matrix generator,
//! well-conditioned and symmetric positive definite generators, central finite differences of
//! a closure over a matrix or a scalar, and closeness assertions that say what differed.
#![allow(dead_code)]

use matcalc::prelude::*;

#[path = "../../examples/common/rng.rs"]
mod rng;
pub use rng::Rng;

/// A matrix with entries uniform in `[-1, 1)`, the same for the same seed.
pub fn rand<R: Dim, C: Dim, T: Scalar>(seed: u64) -> Matrix<R, C, T> {
    rand_in(seed, -1.0, 1.0)
}

/// [`rand`] of an `rows × cols` matrix (any of them may be `Dyn`): the same entries as the
/// static matrix of that shape and seed.
pub fn rand_dyn<R: Dim, C: Dim, T: Scalar>(seed: u64, rows: usize, cols: usize) -> Matrix<R, C, T> {
    let mut rng = Rng::new(seed);
    Matrix::from_fn_dyn(rows, cols, |_, _| T::from_f64(rng.uniform(-1.0, 1.0)))
}

/// A matrix with entries uniform in `[lo, hi)`.
pub fn rand_in<R: Dim, C: Dim, T: Scalar>(seed: u64, lo: f64, hi: f64) -> Matrix<R, C, T> {
    let mut rng = Rng::new(seed);
    Matrix::from_fn(|_, _| T::from_f64(rng.uniform(lo, hi)))
}

/// The same matrix with each dimension re-typed (`U3` → `Dyn`, or back): the entries and the
/// shape stay, so a static result can be compared with a `Dyn` one.
pub fn retype<R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar>(
    m: &Matrix<R, C, T>,
) -> Matrix<R2, C2, T> {
    Matrix::from_fn_dyn(m.nrows(), m.ncols(), |i, j| m[(i, j)])
}

/// A random non-symmetric matrix whose diagonal dominates: invertible, condition number small,
/// determinant positive (so `log(det)` is defined).
pub fn well_conditioned<N: Dim, T: Scalar>(seed: u64) -> Matrix<N, N, T> {
    well_conditioned_dyn(seed, N::USIZE)
}

/// [`well_conditioned`] of size `n` (`N` may be `Dyn`).
pub fn well_conditioned_dyn<N: Dim, T: Scalar>(seed: u64, n: usize) -> Matrix<N, N, T> {
    let a: Matrix<N, N, T> = rand_dyn(seed, n, n);
    let n = n as f64;
    Matrix::from_fn_generic(a.shape_generic().0, a.shape_generic().1, |i, j| {
        if i == j {
            a[(i, j)] + T::from_f64(n + 1.0)
        } else {
            a[(i, j)]
        }
    })
}

/// A symmetric positive definite matrix `B Bᵀ + n I` with `B` random: eigenvalues in `[n, 2n]`
/// or so.
pub fn spd<N: Dim, T: Scalar>(seed: u64) -> Matrix<N, N, T> {
    spd_dyn(seed, N::USIZE)
}

/// [`spd`] of size `n` (`N` may be `Dyn`).
pub fn spd_dyn<N: Dim, T: Scalar>(seed: u64, n: usize) -> Matrix<N, N, T> {
    let b: Matrix<N, N, T> = rand_dyn(seed, n, n);
    let size = n;
    let n = T::from_f64(n as f64);
    Matrix::from_fn_generic(b.shape_generic().0, b.shape_generic().1, |i, j| {
        let mut s = T::zero();
        for k in 0..size {
            s += b[(i, k)] * b[(j, k)];
        }
        if i == j {
            s + n
        } else {
            s
        }
    })
}

/// The step for central differences at `x` in precision `T`: ∛ε · max(1, |x|), which balances
/// the O(h²) truncation error against the O(ε/h) rounding error.
fn step<T: Scalar>(x: T) -> T {
    let cbrt_eps = T::from_f64(T::EPSILON.to_f64().cbrt());
    cbrt_eps * x.abs().max(T::one())
}

/// Central finite-difference gradient of `f` at `x`: `G[(i, j)] ≈ ∂f/∂X[(i, j)]`.
pub fn fd_grad<R: Dim, C: Dim, T: Scalar>(
    f: impl Fn(&Matrix<R, C, T>) -> T,
    x: &Matrix<R, C, T>,
) -> Matrix<R, C, T> {
    let (r, c) = x.shape_generic();
    Matrix::from_fn_generic(r, c, |i, j| {
        let h = step(x[(i, j)]);
        let mut plus = x.clone();
        let mut minus = x.clone();
        plus[(i, j)] += h;
        minus[(i, j)] -= h;
        (f(&plus) - f(&minus)) / (h + h)
    })
}

/// Central finite-difference derivative of `f` at the scalar `s`.
pub fn fd_scalar<T: Scalar>(f: impl Fn(T) -> T, s: T) -> T {
    let h = step(s);
    (f(s + h) - f(s - h)) / (h + h)
}

/// Default tolerances: relative to the size of the expected entries.
pub const TOL_F64: f64 = 1e-6;
pub const TOL_F32: f64 = 2e-3;

/// `|a − e| ≤ tol · max(1, max |e|)` entrywise; on failure prints both matrices.
#[track_caller]
pub fn assert_close<R: Dim, C: Dim, T: Scalar>(
    what: &str,
    actual: &Matrix<R, C, T>,
    expected: &Matrix<R, C, T>,
    tol: f64,
) {
    let scale = expected.iter().fold(1.0f64, |m, e| m.max(e.to_f64().abs()));
    let worst = actual
        .iter()
        .zip(expected.iter())
        .map(|(a, e)| (a.to_f64() - e.to_f64()).abs())
        .fold(0.0f64, |m, d| if d.is_nan() { f64::NAN } else { m.max(d) });
    assert!(
        worst <= tol * scale,
        "{what}: largest difference {worst:e} exceeds {tol:e} × {scale}\nactual =\n{actual}\nexpected =\n{expected}"
    );
}

/// Scalar version of [`assert_close`].
#[track_caller]
pub fn assert_close_scalar<T: Scalar>(what: &str, actual: T, expected: T, tol: f64) {
    let (a, e) = (actual.to_f64(), expected.to_f64());
    let worst = (a - e).abs();
    assert!(
        worst <= tol * e.abs().max(1.0),
        "{what}: {a} differs from {e} by {worst:e} (tolerance {tol:e})"
    );
}

/// The derived gradient equals both the hand-written closed form and central differences.
#[track_caller]
pub fn check_grad<R: Dim, C: Dim, T: Scalar>(
    what: &str,
    derived: &Matrix<R, C, T>,
    closed_form: &Matrix<R, C, T>,
    f: impl Fn(&Matrix<R, C, T>) -> T,
    at: &Matrix<R, C, T>,
    tol: f64,
) {
    assert_close(&format!("{what} vs closed form"), derived, closed_form, tol);
    let fd = fd_grad(f, at);
    assert_close(&format!("{what} vs finite differences"), derived, &fd, tol);
}

/// Scalar-parameter version of [`check_grad`].
#[track_caller]
pub fn check_scalar_grad<T: Scalar>(
    what: &str,
    derived: T,
    closed_form: T,
    f: impl Fn(T) -> T,
    at: T,
    tol: f64,
) {
    assert_close_scalar(&format!("{what} vs closed form"), derived, closed_form, tol);
    let fd = fd_scalar(f, at);
    assert_close_scalar(&format!("{what} vs finite differences"), derived, fd, tol);
}

/// The value returned by `NAME_grad` and by the original function both equal the value computed
/// by hand with core operations.
#[track_caller]
pub fn check_value<T: Scalar>(what: &str, from_grad: T, original: T, by_hand: T, tol: f64) {
    assert_close_scalar(
        &format!("{what}: value of NAME_grad"),
        from_grad,
        by_hand,
        tol,
    );
    assert_close_scalar(
        &format!("{what}: value of the original"),
        original,
        by_hand,
        tol,
    );
}

/// `x` with every entry moved at least `margin` away from 0 (for kinks such as relu and abs).
pub fn away_from_zero<R: Dim, C: Dim, T: Scalar>(
    x: &Matrix<R, C, T>,
    margin: f64,
) -> Matrix<R, C, T> {
    x.map(|v| {
        let m = T::from_f64(margin);
        if v >= T::zero() {
            v + m
        } else {
            v - m
        }
    })
}

/// Central finite-difference Jacobian of `f` at `x` in the reference §2 layout:
/// `J[(i + p·j, k + m·l)] ≈ ∂F[(i, j)]/∂X[(k, l)]`, i.e. column `k + m·l` is
/// vec(∂F/∂X[(k, l)]). The result's type is chosen by the caller (usually the type of the
/// derived Jacobian it is compared with); its shape must be (p·q)×(m·n).
pub fn fd_jacobian<R: Dim, C: Dim, P: Dim, Q: Dim, JR: Dim, JC: Dim, T: Scalar>(
    f: impl Fn(&Matrix<R, C, T>) -> Matrix<P, Q, T>,
    x: &Matrix<R, C, T>,
) -> Matrix<JR, JC, T> {
    let (m, n) = x.shape();
    let (p, q) = f(x).shape();
    // A static JR, JC must equal these sizes (`zeros_dyn` panics otherwise).
    let mut jac = Matrix::<JR, JC, T>::zeros_dyn(p * q, m * n);
    for l in 0..n {
        for k in 0..m {
            let h = step(x[(k, l)]);
            let mut plus = x.clone();
            let mut minus = x.clone();
            plus[(k, l)] += h;
            minus[(k, l)] -= h;
            let (fp, fm) = (f(&plus), f(&minus));
            for j in 0..q {
                for i in 0..p {
                    jac[(i + p * j, k + m * l)] = (fp[(i, j)] - fm[(i, j)]) / (h + h);
                }
            }
        }
    }
    jac
}

/// A scalar as a 1×1 matrix, for Jacobians of scalar bodies or with respect to scalars.
pub fn m11<T: Scalar>(s: T) -> Matrix<U1, U1, T> {
    Matrix::from_fn(|_, _| s)
}

/// The derived Jacobian equals both the closed form and central finite differences of `f`.
#[track_caller]
pub fn check_jacobian<R: Dim, C: Dim, P: Dim, Q: Dim, JR: Dim, JC: Dim, T: Scalar>(
    what: &str,
    derived: &Matrix<JR, JC, T>,
    closed_form: &Matrix<JR, JC, T>,
    f: impl Fn(&Matrix<R, C, T>) -> Matrix<P, Q, T>,
    at: &Matrix<R, C, T>,
    tol: f64,
) {
    assert_close(&format!("{what} vs closed form"), derived, closed_form, tol);
    let fd: Matrix<JR, JC, T> = fd_jacobian(f, at);
    assert_close(&format!("{what} vs finite differences"), derived, &fd, tol);
}

/// The derived Hessian is exactly symmetric, equals the closed form, and equals central finite
/// differences of the gradient `grad` (itself checked elsewhere against the value).
#[track_caller]
pub fn check_hessian<R: Dim, C: Dim, N: Dim, T: Scalar>(
    what: &str,
    derived: &Matrix<N, N, T>,
    closed_form: &Matrix<N, N, T>,
    grad: impl Fn(&Matrix<R, C, T>) -> Matrix<R, C, T>,
    at: &Matrix<R, C, T>,
    tol: f64,
) {
    assert_eq!(
        *derived,
        derived.t(),
        "{what}: the Hessian is not exactly symmetric:\n{derived}"
    );
    assert_close(&format!("{what} vs closed form"), derived, closed_form, tol);
    let fd: Matrix<N, N, T> = fd_jacobian(grad, at);
    assert_close(
        &format!("{what} vs finite differences of the gradient"),
        derived,
        &fd,
        tol,
    );
}

/// A generated gradient at `Dyn`: the value and the gradient equal the static instantiation's
/// (`static_value`, `static_grad`, the same function at the same entries with typenum sizes),
/// and the gradient equals central finite differences of `f` at `at`.
#[allow(clippy::too_many_arguments)]
#[track_caller]
pub fn check_dyn_grad<R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar>(
    what: &str,
    value: T,
    static_value: T,
    grad: &Matrix<R, C, T>,
    static_grad: &Matrix<R2, C2, T>,
    f: impl Fn(&Matrix<R, C, T>) -> T,
    at: &Matrix<R, C, T>,
    tol: f64,
) {
    assert_close_scalar(
        &format!("{what}: value at Dyn vs static"),
        value,
        static_value,
        tol,
    );
    check_grad(what, grad, &retype(static_grad), f, at, tol);
}

/// A generated Jacobian at `Dyn`: equal to the static instantiation's (`static_jacobian`, the
/// same function at the same entries with typenum sizes) and to central finite differences.
#[track_caller]
pub fn check_dyn_jacobian<
    R: Dim,
    C: Dim,
    P: Dim,
    Q: Dim,
    JR: Dim,
    JC: Dim,
    SR: Dim,
    SC: Dim,
    T: Scalar,
>(
    what: &str,
    derived: &Matrix<JR, JC, T>,
    static_jacobian: &Matrix<SR, SC, T>,
    f: impl Fn(&Matrix<R, C, T>) -> Matrix<P, Q, T>,
    at: &Matrix<R, C, T>,
    tol: f64,
) {
    check_jacobian(what, derived, &retype(static_jacobian), f, at, tol);
}
