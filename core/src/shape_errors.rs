//! Marker traits that turn shape mismatches into compile errors phrased in words.
//!
//! Each operation that constrains shapes bounds its dimensions by one of these traits instead of
//! demanding equal type parameters. A blanket impl covers exactly the valid cases (equal
//! dimensions, or `U1`), so a mismatch fails on *our* trait and rustc prints its
//! `on_unimplemented` message as the first line of the error, rather than a "mismatched types"
//! between two unreadable typenum types.
//!
//! Generic code never needs to name these traits: for `M: Dim` the blanket impls already prove
//! `M: SquareForTrace<M>` and friends.

use typenum::consts::U1;

use crate::dim::Dim;

/// Declares a trait satisfied when two dimensions (or two shapes) are equal.
macro_rules! equality_trait {
    (
        $(#[$doc:meta])*
        $name:ident, message = $msg:literal, label = $label:literal, note = $note:literal
    ) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $msg, label = $label, note = $note, note = "dimensions are typenum numbers, which the compiler prints in binary: `UTerm` is 0 and `UInt<N, B>` is 2·N + B, so `UInt<UInt<UTerm, B1>, B0>` is 2 and `UInt<UInt<UTerm, B1>, B1>` is 3")]
        pub trait $name<Rhs> {}
        impl<D> $name<D> for D {}
    };
}

equality_trait! {
    /// `K: InnerDimsAgree<K2>`: a matrix product's left column count `K` equals the right row count `K2`.
    InnerDimsAgree,
    message = "matrix product needs inner dimensions to agree (columns of the left = rows of the right)",
    label = "the left matrix's column count differs from the right matrix's row count",
    note = "left columns: `{Self}`, right rows: `{Rhs}`"
}

equality_trait! {
    /// `(R, C): SameShapeForAdd<(R2, C2)>`: both summands have the same shape.
    SameShapeForAdd,
    message = "matrix addition needs both matrices to have the same shape",
    label = "the two summands differ in rows or columns",
    note = "left (rows, columns): `{Self}`, right: `{Rhs}`"
}

equality_trait! {
    /// `(R, C): SameShapeForSub<(R2, C2)>`: both operands of `-` have the same shape.
    SameShapeForSub,
    message = "matrix subtraction needs both matrices to have the same shape",
    label = "the two operands differ in rows or columns",
    note = "left (rows, columns): `{Self}`, right: `{Rhs}`"
}

equality_trait! {
    /// `(R2, C2): SameShapeForHadamard<(R, C)>` (right operand first): elementwise product of equal shapes.
    SameShapeForHadamard,
    message = "`hadamard` (elementwise product) needs both matrices to have the same shape",
    label = "the two operands differ in rows or columns",
    note = "right (rows, columns): `{Self}`, left: `{Rhs}`"
}

equality_trait! {
    /// `(R2, C2): SameShapeForElemDiv<(R, C)>` (right operand first): elementwise quotient of equal shapes.
    SameShapeForElemDiv,
    message = "`elem_div` (elementwise division) needs both matrices to have the same shape",
    label = "the two operands differ in rows or columns",
    note = "right (rows, columns): `{Self}`, left: `{Rhs}`"
}

equality_trait! {
    /// `(R2, C2): SameShapeForDot<(R, C)>` (right operand first): Frobenius inner product of equal shapes.
    SameShapeForDot,
    message = "`dot` (Frobenius inner product A:B) needs both matrices to have the same shape",
    label = "the two operands differ in rows or columns",
    note = "right (rows, columns): `{Self}`, left: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForTrace<C>`: the trace needs a square matrix.
    SquareForTrace,
    message = "the trace `tr` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForDet<C>`: the determinant needs a square matrix.
    SquareForDet,
    message = "the determinant `det` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForLogdet<C>`: the log-determinant needs a square matrix.
    SquareForLogdet,
    message = "`logdet` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForInverse<C>`: only square matrices have inverses.
    SquareForInverse,
    message = "the inverse `inv` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForLu<C>`: the LU factorisation here is for square matrices.
    SquareForLu,
    message = "the LU factorisation `lu` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForMatpow<C>`: matrix powers need a square matrix.
    SquareForMatpow,
    message = "the matrix power `matpow` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForDiagonal<C>`: `diagonal` extracts the diagonal of a square matrix.
    SquareForDiagonal,
    message = "`diagonal` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForSolve<C>`: `solve(A, B)` needs a square A.
    SquareForSolve,
    message = "`solve(A, B)` needs a square matrix A, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R2: RowsAgreeForSolve<R>`: in `solve(A, B)` (and the triangular solves) B has as many
    /// rows as A.
    RowsAgreeForSolve,
    message = "`solve(A, B)` needs B to have as many rows as A",
    label = "the right-hand side's row count differs from the matrix's",
    note = "right-hand side rows: `{Self}`, matrix rows: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForCholesky<C>`: the Cholesky factorisation needs a square matrix.
    SquareForCholesky,
    message = "`cholesky` needs a square (symmetric positive definite) matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForTriangularSolve<C>`: a triangular solve needs a square triangle.
    SquareForTriangularSolve,
    message = "a triangular solve needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `R: SquareForAdjugate<C>`: the adjugate needs a square matrix.
    SquareForAdjugate,
    message = "`adjugate` needs a square matrix, but this one has a different number of rows and columns",
    label = "not square",
    note = "rows: `{Self}`, columns: `{Rhs}`"
}

equality_trait! {
    /// `Prod<R2, C2>: UnvecLength<N>`: `unvec::<R2, C2>()` of an `N`-vector needs `R2·C2 = N`.
    UnvecLength,
    message = "`unvec` needs rows × columns of the requested shape to equal the length of the vector",
    label = "the requested shape holds a different number of entries than the vector",
    note = "requested rows × columns: `{Self}`, vector length: `{Rhs}`"
}

/// Declares a trait satisfied only by `U1` (a single row or column).
macro_rules! is_one_trait {
    ($(#[$doc:meta])* $name:ident, message = $msg:literal, label = $label:literal) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $msg, label = $label)]
        pub trait $name: Dim {}
        impl $name for U1 {}
    };
}

is_one_trait! {
    /// `C: ColumnVectorForDiag`: `diag` turns a column vector (`n × 1`) into a diagonal matrix.
    ColumnVectorForDiag,
    message = "`diag` needs a column vector (n×1), but this matrix has more than one column",
    label = "not a column vector; for the diagonal of a square matrix use `diagonal`"
}

is_one_trait! {
    /// `C: ColumnVectorForUnvec`: `unvec` reshapes a column vector.
    ColumnVectorForUnvec,
    message = "`unvec` needs a column vector (n×1), but this matrix has more than one column",
    label = "not a column vector; `vec` it first"
}

/// `(R, C): OneByOne`: only a 1×1 matrix converts to a scalar.
#[diagnostic::on_unimplemented(
    message = "only a 1×1 matrix converts to a scalar, but this matrix has more than one row or column",
    label = "not 1×1"
)]
pub trait OneByOne {}
impl OneByOne for (U1, U1) {}

/// Guarantees the impls exist so the `Dim`-generic blanket claims above stay true.
#[cfg(test)]
mod tests {
    use super::*;

    fn generic_square<N>()
    where
        N: Dim + SquareForTrace<N> + SquareForInverse<N> + InnerDimsAgree<N>,
        (N, N): SameShapeForAdd<(N, N)>,
    {
    }

    #[test]
    fn blanket_impls_cover_generic_dims() {
        generic_square::<typenum::consts::U4>();
    }
}
