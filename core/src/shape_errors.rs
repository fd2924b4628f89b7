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
//!
//! A [`Dyn`] dimension of the known operand (the left of `+ - *`, the receiver of `dot`,
//! `hadamard`, `solve`) agrees with any dimension of the other; such shapes are checked at run
//! time by the operation itself (see `crate::check`). A static known operand needs the other to
//! match exactly, which keeps `x + zeros()` inferring: to combine a static left operand with a
//! `Dyn` right one, put the `Dyn` one first or convert with `reshape_generic(Dyn(n), ..)`.
//! The impls that say so name `Dyn` literally and bound the other side by [`StaticDim`], so a
//! mismatch between static dimensions still finds no impl and reports the message above;
//! `#[diagnostic::do_not_recommend]` keeps them out of it.

use typenum::consts::U1;

use crate::dim::Dim;
#[cfg(feature = "alloc")]
use crate::dim::{Dyn, StaticDim};

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

/// Lets `Dyn` agree with a static dimension, on the side(s) named: `self` (the trait's `Self`
/// may be `Dyn` against a static `Rhs`), `rhs`, or `both`. Only the operand that is known when
/// the other is still being inferred (the left one of `+`, `*`; the receiver of `dot`,
/// `hadamard`, `solve`) may be `Dyn` against a static other: a static known operand then
/// admits exactly one impl, so `x + zeros()` still infers the shape of `zeros()`.
macro_rules! dyn_dims {
    (self: $($name:ident),*) => {$(
        #[cfg(feature = "alloc")]
        #[diagnostic::do_not_recommend]
        impl<D: StaticDim> $name<D> for Dyn {}
    )*};
    (rhs: $($name:ident),*) => {$(
        #[cfg(feature = "alloc")]
        #[diagnostic::do_not_recommend]
        impl<D: StaticDim> $name<Dyn> for D {}
    )*};
    (both: $($name:ident),*) => {
        dyn_dims!(self: $($name),*);
        dyn_dims!(rhs: $($name),*);
    };
}

dyn_dims!(self: InnerDimsAgree);
dyn_dims!(rhs: RowsAgreeForSolve);
dyn_dims!(
    both: SquareForTrace,
    SquareForDet,
    SquareForLogdet,
    SquareForInverse,
    SquareForLu,
    SquareForMatpow,
    SquareForDiagonal,
    SquareForSolve,
    SquareForCholesky,
    SquareForTriangularSolve,
    SquareForAdjugate,
    UnvecLength
);

/// [`dyn_dims!`] for a trait on shapes `(R, C)`: each coordinate equal, or `Dyn` on the named
/// side against a static dimension on the other.
macro_rules! dyn_shapes {
    (self: $($name:ident),*) => {$(
        #[cfg(feature = "alloc")]
        const _: () = {
            #[diagnostic::do_not_recommend]
            impl<R: StaticDim, C> $name<(R, C)> for (Dyn, C) {}
            #[diagnostic::do_not_recommend]
            impl<R, C: StaticDim> $name<(R, C)> for (R, Dyn) {}
            #[diagnostic::do_not_recommend]
            impl<R: StaticDim, C: StaticDim> $name<(R, C)> for (Dyn, Dyn) {}
        };
    )*};
    (rhs: $($name:ident),*) => {$(
        #[cfg(feature = "alloc")]
        const _: () = {
            #[diagnostic::do_not_recommend]
            impl<R: StaticDim, C> $name<(Dyn, C)> for (R, C) {}
            #[diagnostic::do_not_recommend]
            impl<R, C: StaticDim> $name<(R, Dyn)> for (R, C) {}
            #[diagnostic::do_not_recommend]
            impl<R: StaticDim, C: StaticDim> $name<(Dyn, Dyn)> for (R, C) {}
        };
    )*};
}

// `Self` is the left operand of `+`/`-`, but the right operand of `dot`, `hadamard`, `elem_div`.
dyn_shapes!(self: SameShapeForAdd, SameShapeForSub);
dyn_shapes!(rhs: SameShapeForHadamard, SameShapeForElemDiv, SameShapeForDot);

/// Declares a trait satisfied only by `U1` (a single row or column).
macro_rules! is_one_trait {
    ($(#[$doc:meta])* $name:ident, message = $msg:literal, label = $label:literal) => {
        $(#[$doc])*
        #[diagnostic::on_unimplemented(message = $msg, label = $label)]
        pub trait $name: Dim {}
        impl $name for U1 {}
        // Checked at run time.
        #[cfg(feature = "alloc")]
        #[diagnostic::do_not_recommend]
        impl $name for Dyn {}
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
// Checked at run time.
#[cfg(feature = "alloc")]
#[diagnostic::do_not_recommend]
impl OneByOne for (Dyn, U1) {}
#[cfg(feature = "alloc")]
#[diagnostic::do_not_recommend]
impl OneByOne for (U1, Dyn) {}
#[cfg(feature = "alloc")]
#[diagnostic::do_not_recommend]
impl OneByOne for (Dyn, Dyn) {}

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
