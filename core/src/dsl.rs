//! Free functions mirroring the DSL of the spec (§4), so that the body of a `#[grad]`-annotated
//! function is also ordinary Rust: `sum(X * Y)`, `tr(&A)`, `exp(x)`, `logdet(A)`, ...
//!
//! Matrix arguments may be owned or borrowed ([`MatrixArg`]); the elementwise functions also
//! take plain `f32`/`f64` ([`Elementwise`]). Each function forwards to the method of the same
//! meaning on [`Matrix`], so the two can never disagree.

use core::ops::Mul;

use typenum::Prod;

pub use crate::arg::MatrixArg;
use crate::dim::Dim;
use crate::linalg::Lu;
use crate::matrix::{Matrix, Vector};
use crate::scalar::Scalar;
use crate::shape_errors::{
    ColumnVectorForDiag, RowsAgreeForSolve, SameShapeForDot, SameShapeForElemDiv,
    SameShapeForHadamard, SquareForAdjugate, SquareForCholesky, SquareForDet, SquareForDiagonal,
    SquareForInverse, SquareForLogdet, SquareForLu, SquareForMatpow, SquareForSolve,
    SquareForTrace,
};

/// A scalar (`f32`, `f64`) or a matrix (owned or borrowed): what the elementwise functions accept.
pub trait Elementwise {
    /// The entry type.
    type Scalar: Scalar;
    /// `Self` for scalars and owned matrices, the owned matrix for a reference.
    type Output;
    /// Applies `f` to the scalar or to every entry.
    fn map_entries(self, f: impl FnMut(Self::Scalar) -> Self::Scalar) -> Self::Output;
    /// Combines the scalar or every entry with the one of `other` (the same shape, which the
    /// shared `Output` type guarantees).
    fn zip_entries(
        self,
        other: &Self::Output,
        f: impl FnMut(Self::Scalar, Self::Scalar) -> Self::Scalar,
    ) -> Self::Output;
}

macro_rules! scalar_elementwise {
    ($($t:ty),*) => {$(
        impl Elementwise for $t {
            type Scalar = $t;
            type Output = $t;
            #[inline]
            fn map_entries(self, mut f: impl FnMut($t) -> $t) -> $t {
                f(self)
            }
            #[inline]
            fn zip_entries(self, other: &$t, mut f: impl FnMut($t, $t) -> $t) -> $t {
                f(self, *other)
            }
        }
    )*};
}

scalar_elementwise!(f32, f64);

impl<R: Dim, C: Dim, T: Scalar> Elementwise for Matrix<R, C, T> {
    type Scalar = T;
    type Output = Self;
    #[inline]
    fn map_entries(self, f: impl FnMut(T) -> T) -> Self {
        self.map(f)
    }
    #[inline]
    fn zip_entries(self, other: &Self, f: impl FnMut(T, T) -> T) -> Self {
        self.zip_map(other, f)
    }
}

impl<R: Dim, C: Dim, T: Scalar> Elementwise for &Matrix<R, C, T> {
    type Scalar = T;
    type Output = Matrix<R, C, T>;
    #[inline]
    fn map_entries(self, f: impl FnMut(T) -> T) -> Matrix<R, C, T> {
        self.map(f)
    }
    #[inline]
    fn zip_entries(self, other: &Matrix<R, C, T>, f: impl FnMut(T, T) -> T) -> Matrix<R, C, T> {
        self.zip_map(other, f)
    }
}

macro_rules! elementwise_fns {
    ($($(#[$doc:meta])* $name:ident => $scalar_fn:ident;)*) => {$(
        $(#[$doc])*
        #[doc = ", elementwise (on a matrix or a scalar)."]
        #[inline]
        pub fn $name<A: Elementwise>(a: A) -> A::Output {
            a.map_entries(<A::Scalar as Scalar>::$scalar_fn)
        }
    )*};
}

crate::elementwise::for_each_elementwise!(elementwise_fns);

/// `xᵏ` for an integer `k`, elementwise.
#[inline]
pub fn powi<A: Elementwise>(a: A, k: i32) -> A::Output {
    a.map_entries(|x| x.powi(k))
}

/// `atan2(y, x)` elementwise: the angle of each point `(x, y)`, for two scalars or two
/// matrices of one shape (owned or borrowed).
#[inline]
pub fn atan2<Y: Elementwise, X: Elementwise<Scalar = Y::Scalar, Output = Y::Output>>(
    y: Y,
    x: X,
) -> Y::Output {
    let x = x.map_entries(|v| v);
    y.zip_entries(&x, <Y::Scalar as Scalar>::atan2)
}

/// The mean of all entries (`sum(A) / (rows · cols)`).
#[inline]
pub fn mean<A: MatrixArg>(a: A) -> A::T {
    a.as_matrix().mean()
}

/// `xᵖ` for a real `p`, elementwise.
#[inline]
pub fn powf<A: Elementwise>(a: A, p: A::Scalar) -> A::Output {
    a.map_entries(|x| x.powf(p))
}

/// Trace (square matrices).
#[inline]
pub fn tr<A: MatrixArg>(a: A) -> A::T
where
    A::R: SquareForTrace<A::C>,
{
    a.as_matrix().tr()
}

/// Sum of all entries.
#[inline]
pub fn sum<A: MatrixArg>(a: A) -> A::T {
    a.as_matrix().sum()
}

/// Determinant (square matrices).
#[inline]
pub fn det<A: MatrixArg>(a: A) -> A::T
where
    A::R: SquareForDet<A::C>,
{
    a.as_matrix().det()
}

/// `ln |det A|` (square matrices), stable where `det` under- or overflows.
#[inline]
pub fn logdet<A: MatrixArg>(a: A) -> A::T
where
    A::R: SquareForLogdet<A::C>,
{
    a.as_matrix().logdet()
}

/// Inverse (square matrices); all NaN if singular, see [`Matrix::inv`].
#[inline]
pub fn inv<A: MatrixArg>(a: A) -> Matrix<A::R, A::C, A::T>
where
    A::R: SquareForInverse<A::C>,
{
    a.as_matrix().inv()
}

/// Inverse, or `None` if singular (the criterion of [`Lu::is_singular`]).
#[inline]
pub fn try_inv<A: MatrixArg>(a: A) -> Option<Matrix<A::R, A::C, A::T>>
where
    A::R: SquareForInverse<A::C>,
{
    a.as_matrix().try_inv()
}

/// `A⁻¹ B` through one LU (A⁻¹ never formed); all NaN if A is singular, see [`Matrix::solve`].
#[inline]
pub fn solve<A: MatrixArg, B: MatrixArg<T = A::T>>(a: A, b: B) -> Matrix<A::R, B::C, A::T>
where
    A::R: SquareForSolve<A::C>,
    B::R: RowsAgreeForSolve<A::R>,
{
    a.as_matrix().solve(b)
}

/// `A⁻¹ B`, or `None` if A is singular (the criterion of [`Lu::is_singular`]).
#[inline]
pub fn try_solve<A: MatrixArg, B: MatrixArg<T = A::T>>(
    a: A,
    b: B,
) -> Option<Matrix<A::R, B::C, A::T>>
where
    A::R: SquareForSolve<A::C>,
    B::R: RowsAgreeForSolve<A::R>,
{
    a.as_matrix().try_solve(b)
}

/// The lower-triangular L with `A = L Lᵀ`; all NaN unless A is symmetric positive definite,
/// see [`Matrix::cholesky`].
#[inline]
pub fn cholesky<A: MatrixArg>(a: A) -> Matrix<A::R, A::C, A::T>
where
    A::R: SquareForCholesky<A::C>,
{
    a.as_matrix().cholesky()
}

/// The Cholesky factor, or `None` where [`cholesky`] gives NaN.
#[inline]
pub fn try_cholesky<A: MatrixArg>(a: A) -> Option<Matrix<A::R, A::C, A::T>>
where
    A::R: SquareForCholesky<A::C>,
{
    a.as_matrix().try_cholesky()
}

/// The adjugate `adj(A)` (`A adj(A) = det(A) I`), see [`Matrix::adjugate`].
#[inline]
pub fn adjugate<A: MatrixArg>(a: A) -> Matrix<A::R, A::C, A::T>
where
    A::R: SquareForAdjugate<A::C>,
{
    a.as_matrix().adjugate()
}

/// LU factorisation (square matrices).
#[inline]
pub fn lu<A: MatrixArg>(a: A) -> Lu<A::R, A::T>
where
    A::R: SquareForLu<A::C>,
{
    a.as_matrix().lu()
}

/// Frobenius inner product `A : B = Σ A_ij B_ij`.
#[inline]
pub fn dot<A: MatrixArg, B: MatrixArg<T = A::T>>(a: A, b: B) -> A::T
where
    B::Shape: SameShapeForDot<(A::R, A::C)>,
{
    a.as_matrix().dot(b)
}

/// Frobenius (Euclidean for vectors) norm.
#[inline]
pub fn norm<A: MatrixArg>(a: A) -> A::T {
    a.as_matrix().norm()
}

/// Squared Frobenius norm `‖A‖²`.
#[inline]
pub fn norm_sq<A: MatrixArg>(a: A) -> A::T {
    a.as_matrix().norm_sq()
}

/// Elementwise product `A ∘ B`.
#[inline]
pub fn hadamard<A: MatrixArg, B: MatrixArg<T = A::T>>(a: A, b: B) -> Matrix<A::R, A::C, A::T>
where
    B::Shape: SameShapeForHadamard<(A::R, A::C)>,
{
    a.as_matrix().hadamard(b)
}

/// Elementwise quotient `A ⊘ B`.
#[inline]
pub fn elem_div<A: MatrixArg, B: MatrixArg<T = A::T>>(a: A, b: B) -> Matrix<A::R, A::C, A::T>
where
    B::Shape: SameShapeForElemDiv<(A::R, A::C)>,
{
    a.as_matrix().elem_div(b)
}

/// Kronecker product `A ⊗ B`.
#[inline]
// The spelled-out result type documents the shape better than an alias would.
#[allow(clippy::type_complexity)]
pub fn kron<A: MatrixArg, B: MatrixArg<T = A::T>>(
    a: A,
    b: B,
) -> Matrix<Prod<A::R, B::R>, Prod<A::C, B::C>, A::T>
where
    A::R: Mul<B::R>,
    A::C: Mul<B::C>,
    Prod<A::R, B::R>: Dim,
    Prod<A::C, B::C>: Dim,
{
    a.as_matrix().kron(b.as_matrix())
}

/// `vec(A)`: the columns stacked into one column.
#[inline]
pub fn vec<A: MatrixArg>(a: A) -> Vector<Prod<A::R, A::C>, A::T>
where
    A::R: Mul<A::C>,
    Prod<A::R, A::C>: Dim,
{
    a.as_matrix().vec()
}

/// `diag(v)`: a column vector to the diagonal matrix.
#[inline]
pub fn diag<A: MatrixArg>(v: A) -> Matrix<A::R, A::R, A::T>
where
    A::C: ColumnVectorForDiag,
{
    v.as_matrix().diag()
}

/// The diagonal of a square matrix, as a column vector.
#[inline]
pub fn diagonal<A: MatrixArg>(a: A) -> Vector<A::R, A::T>
where
    A::R: SquareForDiagonal<A::C>,
{
    a.as_matrix().diagonal()
}

/// Matrix power `Aᵏ` (square matrices; negative `k` through the inverse).
#[inline]
pub fn matpow<A: MatrixArg>(a: A, k: i32) -> Matrix<A::R, A::C, A::T>
where
    A::R: SquareForMatpow<A::C>,
{
    a.as_matrix().matpow(k)
}

/// Softmax over all entries.
#[inline]
pub fn softmax<A: MatrixArg>(a: A) -> Matrix<A::R, A::C, A::T> {
    a.as_matrix().softmax()
}

/// `ln Σ exp(a_ij)` over all entries, stable.
#[inline]
pub fn logsumexp<A: MatrixArg>(a: A) -> A::T {
    a.as_matrix().logsumexp()
}

/// Softmax of each column (each column a sample), stable.
#[inline]
pub fn softmax_cols<A: MatrixArg>(a: A) -> Matrix<A::R, A::C, A::T> {
    a.as_matrix().softmax_cols()
}

/// Softmax of each row, stable.
#[inline]
pub fn softmax_rows<A: MatrixArg>(a: A) -> Matrix<A::R, A::C, A::T> {
    a.as_matrix().softmax_rows()
}

/// `ln Σ exp` of each column: a 1×C row, stable.
#[inline]
pub fn logsumexp_cols<A: MatrixArg>(a: A) -> Matrix<typenum::consts::U1, A::C, A::T> {
    a.as_matrix().logsumexp_cols()
}

/// `ln Σ exp` of each row: an R×1 column, stable.
#[inline]
pub fn logsumexp_rows<A: MatrixArg>(a: A) -> Matrix<A::R, typenum::consts::U1, A::T> {
    a.as_matrix().logsumexp_rows()
}

/// The identity-like matrix (ones on the diagonal) of the shape the context needs.
#[inline]
pub fn eye<R: Dim, C: Dim, T: Scalar>() -> Matrix<R, C, T> {
    Matrix::identity()
}

/// The all-ones matrix of the shape the context needs.
#[inline]
pub fn ones<R: Dim, C: Dim, T: Scalar>() -> Matrix<R, C, T> {
    Matrix::ones()
}

/// The zero matrix of the shape the context needs.
#[inline]
pub fn zeros<R: Dim, C: Dim, T: Scalar>() -> Matrix<R, C, T> {
    Matrix::zeros()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    #[test]
    fn functions_agree_with_methods_for_owned_and_borrowed() {
        let mut rng = Rng::new(41);
        let a = Matrix::<U3, U3>::from_fn(|i, j| rng.uniform() + if i == j { 2.0 } else { 0.0 });
        let b = Matrix::<U3, U3>::from_fn(|_, _| rng.uniform());
        let v = Matrix::<U3, U1>::from_fn(|_, _| rng.uniform());
        assert_eq!(tr(a), a.tr());
        assert_eq!(tr(&a), a.tr());
        assert_eq!(sum(a * b), (a * b).sum());
        assert_eq!(det(&a), a.det());
        assert_eq!(logdet(a), a.logdet());
        assert_eq!(inv(&a), a.inv());
        assert_eq!(lu(&a).det(), a.det());
        assert_eq!(try_inv(a), a.try_inv());
        assert_eq!(solve(&a, b), a.solve(&b));
        assert_eq!(try_solve(a, &v), a.try_solve(v));
        let spd = a * a.t();
        assert_eq!(cholesky(&spd), spd.cholesky());
        assert_eq!(try_cholesky(spd), spd.try_cholesky());
        assert_eq!(adjugate(&a), a.adjugate());
        assert_eq!(dot(&a, b), a.dot(&b));
        assert_eq!(norm(&a), a.norm());
        assert_eq!(norm_sq(a), a.norm_sq());
        assert_eq!(hadamard(a, &b), a.hadamard(&b));
        assert_eq!(elem_div(&a, &b), a.elem_div(&b));
        assert_eq!(kron(&a, v), a.kron(&v));
        assert_eq!(vec(&a), a.vec());
        assert_eq!(diag(&v), v.diag());
        assert_eq!(diagonal(a), a.diagonal());
        assert_eq!(matpow(&a, -3), a.matpow(-3));
        assert_eq!(softmax(&v), v.softmax());
        assert_eq!(logsumexp(v), v.logsumexp());
        assert_eq!(exp(&a), a.exp());
        assert_eq!(log(a.abs()), a.abs().log());
        assert_eq!(sigmoid(a), a.sigmoid());
        assert_eq!(softplus(&a), a.softplus());
        assert_eq!(relu(a), a.relu());
        assert_eq!(tanh(a), a.tanh());
        assert_eq!(sin(a) + cos(a) + tan(&a), a.sin() + a.cos() + a.tan());
        assert_eq!(sqrt(abs(a)), a.abs().sqrt());
        assert_eq!(powi(&a, 3), a.powi(3));
        assert_eq!(powf(a.abs(), 1.5), a.abs().powf(1.5));
    }

    #[test]
    fn elementwise_functions_take_scalars() {
        // `libm` (no `std`) may differ from the std functions in the last bit.
        assert!((exp(1.0_f64) - 1f64.exp()).abs() < 1e-15);
        assert!((log(2.0_f32) - 2f32.ln()).abs() < 1e-7);
        assert_eq!(sigmoid(0.0), 0.5);
        assert_eq!(softplus(-1000.0), 0.0);
        assert_eq!(relu(-1.0), 0.0);
        assert_eq!(powi(2.0, 10), 1024.0);
        assert_eq!(powf(4.0, 0.5), 2.0);
        assert_eq!(abs(-3.0_f32), 3.0);
    }

    #[test]
    fn constants_take_their_shape_from_context() {
        let x = Matrix::<U2, U3>::ones();
        let y: Matrix<U2, U3> = x + zeros();
        assert_eq!(y, x);
        let i: Matrix<U2, U2, f32> = eye();
        assert_eq!(i, Matrix::identity());
        let s = sum(x * ones::<U3, U1, f64>());
        assert_eq!(s, 6.0);
        assert_eq!(tr(eye::<U4, U4, f64>()), 4.0);
        // Two-operand functions and methods infer the constant's shape from the other operand.
        assert_eq!(hadamard(x, ones()), x);
        assert_eq!(dot(&x, ones()), 6.0);
        assert_eq!(x.dot(zeros()), 0.0);
        assert_eq!(x.elem_div(ones()), x);
        let sq = Matrix::<U3, U3>::identity();
        assert_eq!(tr(sq + eye()), 6.0);
    }
}
