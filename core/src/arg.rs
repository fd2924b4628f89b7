//! `MatrixArg`: "a matrix, owned or borrowed", the argument type of the DSL functions and of
//! the two-operand methods (`dot`, `hadamard`, `elem_div`).

use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// A matrix given by value or by reference.
///
/// Besides letting `dot(A, &B)` accept either form, it is what makes shape errors readable:
/// a bound on [`Shape`](Self::Shape) of a still-uninferred argument is only checked once the
/// argument's type is known, so a mismatch reports the shape rule's own message (see
/// [`crate::shape_errors`]) instead of "mismatched types".
pub trait MatrixArg {
    /// Rows.
    type R: Dim;
    /// Columns.
    type C: Dim;
    /// Entry type.
    type T: Scalar;
    /// `(R, C)`.
    type Shape;
    /// The matrix itself.
    fn as_matrix(&self) -> &Matrix<Self::R, Self::C, Self::T>;
}

impl<R: Dim, C: Dim, T: Scalar> MatrixArg for Matrix<R, C, T> {
    type R = R;
    type C = C;
    type T = T;
    type Shape = (R, C);
    #[inline]
    fn as_matrix(&self) -> &Self {
        self
    }
}

impl<R: Dim, C: Dim, T: Scalar> MatrixArg for &Matrix<R, C, T> {
    type R = R;
    type C = C;
    type T = T;
    type Shape = (R, C);
    #[inline]
    fn as_matrix(&self) -> &Matrix<R, C, T> {
        self
    }
}
