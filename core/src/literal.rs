//! The `matrix!` literal macro.

/// A matrix literal, written row by row: entries separated by `,`, rows by `;`.
///
/// The size comes from the literal itself (`matrix![1.0, 2.0; 3.0, 4.0]` is a
/// `Matrix<U2, U2>`); a single column is `matrix![1.0; 2.0; 3.0]` (a `Vector<U3>`) and a single
/// row `matrix![1.0, 2.0, 3.0]` (a `Matrix<U1, U3>`). Rows of different lengths do not compile.
///
/// ```
/// use matcalc_core::prelude::*;
/// let a: Matrix<U2, U3> = matrix![1.0, 2.0, 3.0;
///                                  4.0, 5.0, 6.0];
/// assert_eq!(a[(1, 0)], 4.0);
/// let v: Vector<U3> = matrix![1.0; 2.0; 3.0];
/// assert_eq!(v.sum(), 6.0);
/// ```
#[macro_export]
macro_rules! matrix {
    ($($($entry:expr),+);+) => {
        // The nested array fixes both sizes; `from_rows` maps them to typenum through
        // `typenum::U<N>`, so no counting is needed here.
        $crate::Matrix::from_rows([$([$($entry),+]),+])
    };
}

#[cfg(test)]
mod tests {
    use crate::matrix::{Matrix, Vector};
    use typenum::consts::*;

    #[test]
    fn literal_shapes() {
        let a = matrix![1.0, 2.0; 3.0, 4.0];
        let _: &Matrix<U2, U2> = &a;
        assert_eq!(a, Matrix::from_row_slice(&[1.0, 2.0, 3.0, 4.0]));
        let v = matrix![1.0; 2.0; 3.0];
        let _: &Vector<U3> = &v;
        assert_eq!(v.as_slice(), &[1.0, 2.0, 3.0]);
        let r = matrix![1.0_f32, 2.0, 3.0];
        let _: &Matrix<U1, U3, f32> = &r;
        let one = matrix![7.0];
        assert_eq!(one.to_scalar(), 7.0);
        let x = 2.0;
        let e = matrix![x * 2.0, -x; x + 1.0, 0.0];
        assert_eq!(e[(1, 0)], 3.0);
    }
}
