//! Jacobian identities through `#[jacobian]` (Magnus–Neudecker, reference §2 layout
//! `J[(i + p·j, k + m·l)] = ∂F[(i, j)]/∂X[(k, l)]`, i.e. ∂vec F/∂(vec X)ᵀ).
//!
//! Each derived Jacobian is compared with the closed form built by hand with core (`kron`,
//! `identity`, `commutation`, `diag`, `vec`) AND with central finite differences of the original
//! function in the same layout, and the value returned by `NAME_jacobian` is compared with the
//! original function. Shapes are non-square wherever the identity allows, so a transposed
//! Kronecker factor or a swapped index does not type-check or gives a different matrix.
//! Generic and `f32` cases are in `jacobian_identities_generic.rs`.
#![allow(non_snake_case)]

mod common;

use common::*;
use matcalc::prelude::*;

const TOL: f64 = TOL_F64;

/// `e_k`, the k-th unit vector of length N.
fn unit<N: Dim>(k: usize) -> Vector<N> {
    Matrix::from_fn(|i, _| if i == k { 1.0 } else { 0.0 })
}

/// `diag(vec A)`: the Jacobian of anything elementwise-linear in X with coefficients A.
fn diag_vec<R, C: Dim>(a: &Matrix<R, C>) -> Matrix<Prod<R, C>, Prod<R, C>>
where
    R: Dim + core::ops::Mul<C>,
    Prod<R, C>: Dim,
{
    a.vec().diag()
}

// ---------------------------------------------------------------- the seed question

#[jacobian(X)]
fn seed(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    X * y
}

/// reference §6: ∂vec(X y)/∂(vec X)ᵀ = yᵀ ⊗ I₃, 6×9; its row for output (1,1) reshaped like X is
/// [[y11, y21, y31], [0, 0, 0], [0, 0, 0]].
#[test]
fn seed_x_y_with_respect_to_x() {
    let (x, y) = (rand::<U3, U3, f64>(1), rand::<U3, U2, f64>(2));
    let (v, j): (Matrix<U3, U2>, Matrix<U6, U9>) = seed_jacobian(&x, &y);
    assert_close("X y", &v, &(x * y), TOL);
    assert_close("X y (original)", &seed(&x, &y), &(x * y), TOL);
    let closed = y.t().kron(&Matrix::<U3, U3>::identity());
    check_jacobian("∂vec(Xy)/∂(vec X)ᵀ", &j, &closed, |x| seed(x, &y), &x, TOL);
    // Row 0 (output (1,1)) reshaped like X: [[y11, y21, y31], [0, 0, 0], [0, 0, 0]].
    let row0: Matrix<U3, U3> = Matrix::from_fn(|k, l| j[(0, k + 3 * l)]);
    let expected: Matrix<U3, U3> = Matrix::from_fn(|k, l| if k == 0 { y[(l, 0)] } else { 0.0 });
    assert_eq!(row0, expected);
}

// ---------------------------------------------------------------- products

#[jacobian(X, Y)]
fn xy(X: &Matrix<U2, U3>, Y: &Matrix<U3, U4>) -> Matrix<U2, U4> {
    X * Y
}

/// ∂vec(XY)/∂(vec X)ᵀ = Yᵀ ⊗ I₂ and ∂vec(XY)/∂(vec Y)ᵀ = I₄ ⊗ X, both from one attribute.
#[test]
fn product_with_respect_to_both_factors() {
    let (x, y) = (rand::<U2, U3, f64>(3), rand::<U3, U4, f64>(4));
    let (v, jx, jy): (_, Matrix<U8, U6>, Matrix<U8, U12>) = xy_jacobian(&x, &y);
    assert_close("XY", &v, &(x * y), TOL);
    let closed_x = y.t().kron(&Matrix::<U2, U2>::identity());
    check_jacobian("∂vec(XY)/∂(vec X)ᵀ", &jx, &closed_x, |x| xy(x, &y), &x, TOL);
    let closed_y = Matrix::<U4, U4>::identity().kron(&x);
    check_jacobian("∂vec(XY)/∂(vec Y)ᵀ", &jy, &closed_y, |y| xy(&x, y), &y, TOL);
}

#[jacobian(X)]
fn axb(A: &Matrix<U2, U3>, X: &Matrix<U3, U4>, B: &Matrix<U4, U5>) -> Matrix<U2, U5> {
    A * X * B
}

/// ∂vec(AXB)/∂(vec X)ᵀ = Bᵀ ⊗ A, 10×12, nothing square.
#[test]
fn a_x_b() {
    let (a, x, b) = (
        rand::<U2, U3, f64>(5),
        rand::<U3, U4, f64>(6),
        rand::<U4, U5, f64>(7),
    );
    let (v, j): (_, Matrix<U10, U12>) = axb_jacobian(&a, &x, &b);
    assert_close("AXB", &v, &(a * x * b), TOL);
    check_jacobian(
        "∂vec(AXB)/∂(vec X)ᵀ",
        &j,
        &b.t().kron(&a),
        |x| axb(&a, x, &b),
        &x,
        TOL,
    );
}

#[jacobian(X)]
fn square_of(X: &Matrix<U3, U3>) -> Matrix<U3, U3> {
    X * X
}

#[jacobian(X)]
fn matpow2(X: &Matrix<U3, U3>) -> Matrix<U3, U3> {
    matpow(X, 2)
}

/// A product of two functions of X: ∂vec(X X)/∂(vec X)ᵀ = Xᵀ ⊗ I + I ⊗ X; `matpow(X, 2)` too.
#[test]
fn x_times_x_and_matpow() {
    let x = rand::<U3, U3, f64>(8);
    let i3 = Matrix::<U3, U3>::identity();
    let closed = x.t().kron(&i3) + i3.kron(&x);
    let (v, j) = square_of_jacobian(&x);
    assert_close("XX", &v, &(x * x), TOL);
    check_jacobian("∂vec(XX)/∂(vec X)ᵀ", &j, &closed, square_of, &x, TOL);
    let (v, j) = matpow2_jacobian(&x);
    assert_close("matpow(X, 2)", &v, &(x * x), TOL);
    check_jacobian("∂vec(X²)/∂(vec X)ᵀ", &j, &closed, matpow2, &x, TOL);
}

// ---------------------------------------------------------------- structure

#[jacobian(X)]
fn transpose(X: &Matrix<U2, U3>) -> Matrix<U3, U2> {
    X.t()
}

/// ∂vec(Xᵀ)/∂(vec X)ᵀ = K₂₃, the commutation matrix (K vec X = vec Xᵀ for X 2×3).
#[test]
fn transpose_is_the_commutation_matrix() {
    let x = rand::<U2, U3, f64>(9);
    let (v, j): (_, Matrix<U6, U6>) = transpose_jacobian(&x);
    assert_eq!(v, x.t());
    let k = Matrix::<U6, U6>::commutation::<U2, U3>();
    check_jacobian("∂vec(Xᵀ)/∂(vec X)ᵀ", &j, &k, transpose, &x, TOL);
    // A permutation: exact, not approximately.
    assert_eq!(j, k);
}

#[jacobian(X)]
fn vec_of(X: &Matrix<U2, U3>) -> Vector<U6> {
    vec(X)
}

/// ∂vec(X)/∂(vec X)ᵀ = I₆.
#[test]
fn vec_is_the_identity() {
    let x = rand::<U2, U3, f64>(10);
    let (v, j): (_, Matrix<U6, U6>) = vec_of_jacobian(&x);
    assert_eq!(v, x.vec());
    let i6 = Matrix::<U6, U6>::identity();
    check_jacobian("∂vec(X)/∂(vec X)ᵀ", &j, &i6, vec_of, &x, TOL);
    assert_eq!(j, i6);
}

#[jacobian(v)]
fn diag_of(v: &Vector<U3>) -> Matrix<U3, U3> {
    diag(v)
}

/// ∂vec(diag v)/∂vᵀ = Σₖ (eₖ ⊗ eₖ) eₖᵀ (9×3): a 1 at row k + 3k of column k.
#[test]
fn diag_of_a_vector() {
    let v = rand::<U3, U1, f64>(11);
    let (d, j): (_, Matrix<U9, U3>) = diag_of_jacobian(&v);
    assert_eq!(d, v.diag());
    let mut closed = Matrix::<U9, U3>::zeros();
    for k in 0..3 {
        let e = unit::<U3>(k);
        closed += e.kron(&e) * e.t();
    }
    check_jacobian("∂vec(diag v)/∂vᵀ", &j, &closed, diag_of, &v, TOL);
}

#[jacobian(X)]
fn kron_ax(A: &Matrix<U2, U2>, X: &Matrix<U3, U2>) -> Matrix<U6, U4> {
    kron(A, X)
}

/// vec(A ⊗ X) = (I_n ⊗ K_{q,m} ⊗ I_p)(vec A ⊗ vec X) for A m×n, X p×q (Magnus–Neudecker
/// Thm 3.10), so ∂vec(A ⊗ X)/∂(vec X)ᵀ = (I₂ ⊗ K_{2,2} ⊗ I₃)(vec A ⊗ I₆), 24×6.
#[test]
fn kronecker_product_with_respect_to_the_right_factor() {
    let (a, x) = (rand::<U2, U2, f64>(12), rand::<U3, U2, f64>(13));
    let (v, j): (_, Matrix<U24, U6>) = kron_ax_jacobian(&a, &x);
    assert_close("A ⊗ X", &v, &a.kron(&x), TOL);
    let k = Matrix::<U4, U4>::commutation::<U2, U2>();
    let perm: Matrix<U24, U24> = Matrix::<U2, U2>::identity()
        .kron(&k)
        .kron(&Matrix::<U3, U3>::identity());
    let closed = perm * a.vec().kron(&Matrix::<U6, U6>::identity());
    check_jacobian(
        "∂vec(A⊗X)/∂(vec X)ᵀ",
        &j,
        &closed,
        |x| kron_ax(&a, x),
        &x,
        TOL,
    );
}

// ---------------------------------------------------------------- inverse

#[jacobian(X)]
fn inverse(X: &Matrix<U3, U3>) -> Matrix<U3, U3> {
    inv(X)
}

/// ∂vec(X⁻¹)/∂(vec X)ᵀ = −X⁻ᵀ ⊗ X⁻¹.
#[test]
fn jacobian_of_the_inverse() {
    let x = well_conditioned::<U3, f64>(14);
    let (v, j) = inverse_jacobian(&x);
    let xi = x.inv();
    assert_close("X⁻¹", &v, &xi, TOL);
    let closed = -(xi.t().kron(&xi));
    check_jacobian("∂vec(X⁻¹)/∂(vec X)ᵀ", &j, &closed, inverse, &x, TOL);
}

// ---------------------------------------------------------------- elementwise

#[jacobian(X)]
fn hadamard_ax(A: &Matrix<U2, U3>, X: &Matrix<U2, U3>) -> Matrix<U2, U3> {
    hadamard(A, X)
}

/// ∂vec(A ⊙ X)/∂(vec X)ᵀ = diag(vec A).
#[test]
fn hadamard_product() {
    let (a, x) = (rand::<U2, U3, f64>(15), rand::<U2, U3, f64>(16));
    let (v, j): (_, Matrix<U6, U6>) = hadamard_ax_jacobian(&a, &x);
    assert_close("A ⊙ X", &v, &a.hadamard(&x), TOL);
    check_jacobian(
        "∂vec(A⊙X)/∂(vec X)ᵀ",
        &j,
        &diag_vec(&a),
        |x| hadamard_ax(&a, x),
        &x,
        TOL,
    );
}

#[jacobian(X)]
fn exp_of(X: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    exp(X)
}

/// ∂vec(exp X)/∂(vec X)ᵀ = diag(vec exp X).
#[test]
fn elementwise_exp() {
    let x = rand::<U3, U2, f64>(17);
    let (v, j): (_, Matrix<U6, U6>) = exp_of_jacobian(&x);
    assert_close("exp X", &v, &x.exp(), TOL);
    check_jacobian(
        "∂vec(exp X)/∂(vec X)ᵀ",
        &j,
        &diag_vec(&x.exp()),
        exp_of,
        &x,
        TOL,
    );
}

#[jacobian(W, x)]
fn tanh_wx(W: &Matrix<U3, U4>, x: &Vector<U4>) -> Vector<U3> {
    tanh(W * x)
}

/// With d = 𝟙 − tanh²(Wx): ∂tanh(Wx)/∂(vec W)ᵀ = diag(d)(xᵀ ⊗ I₃) (3×12) and
/// ∂tanh(Wx)/∂xᵀ = diag(d) W (3×4).
#[test]
fn tanh_of_w_x() {
    let (w, x) = (rand::<U3, U4, f64>(18), rand::<U4, U1, f64>(19));
    let (v, jw, jx): (_, Matrix<U3, U12>, Matrix<U3, U4>) = tanh_wx_jacobian(&w, &x);
    let t = (w * x).tanh();
    assert_close("tanh(Wx)", &v, &t, TOL);
    let d = t.map(|t| 1.0 - t * t).diag();
    let closed_w = d * x.t().kron(&Matrix::<U3, U3>::identity());
    check_jacobian(
        "∂tanh(Wx)/∂(vec W)ᵀ",
        &jw,
        &closed_w,
        |w| tanh_wx(w, &x),
        &w,
        TOL,
    );
    check_jacobian("∂tanh(Wx)/∂xᵀ", &jx, &(d * w), |x| tanh_wx(&w, x), &x, TOL);
}

#[jacobian(v)]
fn softmax_of(v: &Vector<U4>) -> Vector<U4> {
    softmax(v)
}

/// ∂softmax(v)/∂vᵀ = diag(s) − s sᵀ.
#[test]
fn softmax_jacobian() {
    let v = rand_in::<U4, U1, f64>(20, -2.0, 2.0);
    let (s, j) = softmax_of_jacobian(&v);
    assert_close("softmax", &s, &v.softmax(), TOL);
    let closed = s.diag() - s * s.t();
    check_jacobian("∂softmax(v)/∂vᵀ", &j, &closed, softmax_of, &v, TOL);
}

// ---------------------------------------------------------------- vectors

#[jacobian(x)]
fn cubic(x: &Vector<U3>) -> Vector<U3> {
    x * (x.t() * x)
}

/// ∂x(xᵀx)/∂xᵀ = (xᵀx) I + 2 x xᵀ.
#[test]
fn x_times_its_squared_norm() {
    let x = rand::<U3, U1, f64>(21);
    let (v, j) = cubic_jacobian(&x);
    let n2 = x.norm_sq();
    assert_close("x(xᵀx)", &v, &(x * n2), TOL);
    let closed = Matrix::<U3, U3>::identity() * n2 + x * x.t() * 2.0;
    check_jacobian("∂x(xᵀx)/∂xᵀ", &j, &closed, cubic, &x, TOL);
}

#[jacobian(x)]
fn layer(A: &Matrix<U2, U5>, B: &Matrix<U5, U3>, x: &Vector<U3>) -> Vector<U2> {
    A * tanh(B * x)
}

/// Vector with respect to vector: the usual 2×3 Jacobian A diag(𝟙 − tanh²(Bx)) B.
#[test]
fn vector_with_respect_to_vector() {
    let (a, b, x) = (
        rand::<U2, U5, f64>(22),
        rand::<U5, U3, f64>(23),
        rand::<U3, U1, f64>(24),
    );
    let (v, j): (_, Matrix<U2, U3>) = layer_jacobian(&a, &b, &x);
    let t = (b * x).tanh();
    assert_close("A tanh(Bx)", &v, &(a * t), TOL);
    let closed = a * t.map(|t| 1.0 - t * t).diag() * b;
    check_jacobian(
        "∂A tanh(Bx)/∂xᵀ",
        &j,
        &closed,
        |x| layer(&a, &b, x),
        &x,
        TOL,
    );
}

#[jacobian(x, y)]
fn outer(x: &Vector<U3>, y: &Vector<U2>) -> Matrix<U3, U2> {
    x * y.t()
}

/// A matrix-valued function of vectors: vec(x yᵀ) = (y ⊗ I₃) x = (I₂ ⊗ x) y, so the Jacobians
/// are y ⊗ I₃ (6×3) and I₂ ⊗ x (6×2).
#[test]
fn outer_product_of_vectors() {
    let (x, y) = (rand::<U3, U1, f64>(25), rand::<U2, U1, f64>(26));
    let (v, jx, jy): (_, Matrix<U6, U3>, Matrix<U6, U2>) = outer_jacobian(&x, &y);
    assert_close("x yᵀ", &v, &(x * y.t()), TOL);
    let closed_x = y.kron(&Matrix::<U3, U3>::identity());
    check_jacobian("∂vec(xyᵀ)/∂xᵀ", &jx, &closed_x, |x| outer(x, &y), &x, TOL);
    let closed_y = Matrix::<U2, U2>::identity().kron(&x);
    check_jacobian("∂vec(xyᵀ)/∂yᵀ", &jy, &closed_y, |y| outer(&x, y), &y, TOL);
}

// ---------------------------------------------------------------- scalars

#[jacobian(X)]
fn quadratic_trace(X: &Matrix<U3, U2>, A: &Matrix<U3, U3>) -> f64 {
    tr(X.t() * A * X)
}

/// A scalar body gives a 1×6 row equal to vec(∇)ᵀ, here vec((A + Aᵀ)X)ᵀ.
#[test]
fn scalar_body_gives_a_row() {
    let (x, a) = (rand::<U3, U2, f64>(27), rand::<U3, U3, f64>(28));
    let (v, j): (f64, Matrix<U1, U6>) = quadratic_trace_jacobian(&x, &a);
    assert_close_scalar("tr(XᵀAX)", v, (x.t() * a * x).tr(), TOL);
    let closed = ((a + a.t()) * x).vec().t();
    check_jacobian(
        "∂tr(XᵀAX)/∂(vec X)ᵀ",
        &j,
        &closed,
        |x| m11(quadratic_trace(x, &a)),
        &x,
        TOL,
    );
}

#[jacobian(s)]
fn scaled(s: f64, A: &Matrix<U2, U3>, B: &Matrix<U2, U3>) -> Matrix<U2, U3> {
    s * A + s * s * B
}

/// With respect to a scalar parameter: a 6×1 column vec(A + 2sB).
#[test]
fn scalar_parameter_gives_a_column() {
    let (s, a, b) = (0.7, rand::<U2, U3, f64>(29), rand::<U2, U3, f64>(30));
    let (v, j): (_, Matrix<U6, U1>) = scaled_jacobian(s, &a, &b);
    assert_close("sA + s²B", &v, &(a * s + b * (s * s)), TOL);
    let closed = (a + b * (2.0 * s)).vec();
    check_jacobian(
        "∂vec(sA + s²B)/∂s",
        &j,
        &closed,
        |s: &Matrix<U1, U1>| scaled(s.to_scalar(), &a, &b),
        &m11(s),
        TOL,
    );
}

#[jacobian(X)]
fn determinant(X: &Matrix<U3, U3>) -> f64 {
    det(X)
}

/// ∂det X/∂(vec X)ᵀ = det(X) vec(X⁻ᵀ)ᵀ, a 1×9 row.
#[test]
fn determinant_row() {
    let x = well_conditioned::<U3, f64>(31);
    let (v, j): (f64, Matrix<U1, U9>) = determinant_jacobian(&x);
    assert_close_scalar("det X", v, x.det(), TOL);
    let closed = (x.inv().t() * x.det()).vec().t();
    check_jacobian(
        "∂det X/∂(vec X)ᵀ",
        &j,
        &closed,
        |x| m11(determinant(x)),
        &x,
        TOL,
    );
}
