//! Run-time shape checks for what the type system could not prove: shapes involving a
//! [`Dyn`](crate::Dyn) dimension. With static dimensions every check compares constants and
//! folds away (the compile-time bounds of [`crate::shape_errors`] already proved it).
//!
//! A failed check panics with the operation and both shapes, e.g. "matcalc: matrix product
//! needs inner dimensions to agree, but the left is 3×4 and the right is 5×2".

/// `(rows, columns)`.
pub(crate) type Shape = (usize, usize);

#[cold]
#[track_caller]
fn mismatch(what: &str, rule: &str, left: Shape, right: Shape) -> ! {
    panic!(
        "matcalc: {what} {rule}, but the left is {}×{} and the right is {}×{}",
        left.0, left.1, right.0, right.1
    )
}

/// Both operands of an entrywise operation have one shape.
#[inline]
#[track_caller]
pub(crate) fn same_shape(what: &str, left: Shape, right: Shape) {
    if left != right {
        mismatch(
            what,
            "needs both matrices to have the same shape",
            left,
            right,
        );
    }
}

/// Columns of the left equal rows of the right.
#[inline]
#[track_caller]
pub(crate) fn inner_dims(what: &str, left: Shape, right: Shape) {
    if left.1 != right.0 {
        mismatch(
            what,
            "needs inner dimensions to agree (columns of the left = rows of the right)",
            left,
            right,
        );
    }
}

/// The two operands have as many rows (`solve(A, B)`: B has as many rows as A).
#[inline]
#[track_caller]
pub(crate) fn rows_agree(what: &str, left: Shape, right: Shape) {
    if left.0 != right.0 {
        mismatch(
            what,
            "needs both operands to have as many rows",
            left,
            right,
        );
    }
}

/// A square matrix.
#[inline]
#[track_caller]
pub(crate) fn square(what: &str, shape: Shape) {
    if shape.0 != shape.1 {
        not_square(what, shape);
    }
}

#[cold]
#[track_caller]
fn not_square(what: &str, shape: Shape) -> ! {
    panic!(
        "matcalc: {what} needs a square matrix, but this one is {}×{}",
        shape.0, shape.1
    )
}

/// A shape the caller requires, e.g. a 1×1 matrix for `to_scalar`.
#[inline]
#[track_caller]
pub(crate) fn exact(what: &str, shape: Shape, want: Shape) {
    if shape != want {
        wrong_shape(what, shape, want);
    }
}

#[cold]
#[track_caller]
fn wrong_shape(what: &str, shape: Shape, want: Shape) -> ! {
    panic!(
        "matcalc: {what} needs a {}×{} matrix, but this one is {}×{}",
        want.0, want.1, shape.0, shape.1
    )
}

/// Structured kernels: a size relation that the symbolic engine proved; failing means the
/// arguments disagree at run time (or an engine bug).
#[inline]
#[track_caller]
pub(crate) fn kernel(ok: bool, what: &str) {
    if !ok {
        kernel_failed(what);
    }
}

#[cold]
#[track_caller]
fn kernel_failed(what: &str) -> ! {
    panic!("matcalc: structured kernel `{what}` called with inconsistent sizes")
}
