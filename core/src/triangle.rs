//! Triangle masks and the transposed triangular solve that derivatives of the Cholesky
//! factorization need: `tril` (the lower triangle), `phi` (Φ: the lower triangle with half the
//! diagonal, Murray 2016) and `solve_lower_triangular_transpose` (Lᵀ X = B reading L, so the
//! adjoint of a solve with a Cholesky factor never forms Lᵀ).

use crate::arg::MatrixArg;
use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::{RowsAgreeForSolve, SquareForTriangularSolve};
use crate::spd::Factor;

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The lower triangle (entries with i ≥ j); the rest zero.
    pub fn tril(&self) -> Self {
        self.lower_triangle(T::one())
    }

    /// Φ(A): the lower triangle with the diagonal halved, the rest zero (the map in
    /// dL = L Φ(L⁻¹ dA L⁻ᵀ) for L = chol(A)).
    pub fn phi(&self) -> Self {
        self.lower_triangle(T::from_f64(0.5))
    }

    fn lower_triangle(&self, diagonal: T) -> Self {
        let mut out = self.clone();
        for j in 0..self.ncols() {
            for i in 0..self.nrows() {
                if i < j {
                    out[(i, j)] = T::zero();
                } else if i == j {
                    out[(i, j)] = diagonal * self[(i, j)];
                }
            }
        }
        out
    }

    /// Solves `Lᵀ X = B` reading only the lower triangle L of `self` (back substitution with
    /// the transpose, never formed). All NaN under the criterion of
    /// [`solve_lower_triangular`](Self::solve_lower_triangular).
    pub fn solve_lower_triangular_transpose<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.lower_substitution(b.as_matrix(), true, Factor::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::consts::*;

    #[test]
    fn masks_keep_the_lower_triangle() {
        let a = Matrix::<U2, U2>::from_row_slice(&[2.0, 3.0, 4.0, 6.0]);
        assert_eq!(a.tril().as_slice(), &[2.0, 4.0, 0.0, 6.0]);
        assert_eq!(a.phi().as_slice(), &[1.0, 4.0, 0.0, 3.0]);
    }

    #[test]
    fn transposed_solve_inverts_the_transpose() {
        let l = Matrix::<U3, U3>::from_row_slice(&[2.0, 0.0, 0.0, 1.0, 3.0, 0.0, -1.0, 0.5, 1.5]);
        let b = Matrix::<U3, U2>::from_row_slice(&[1.0, 2.0, -1.0, 0.0, 3.0, 1.0]);
        let x = l.solve_lower_triangular_transpose(&b);
        let back = l.t() * x;
        for (got, want) in back.iter().zip(b.iter()) {
            assert!((got - want).abs() < 1e-14);
        }
        let singular = Matrix::<U2, U2>::from_row_slice(&[1.0, 0.0, 1.0, 0.0]);
        assert!(singular
            .solve_lower_triangular_transpose(&Matrix::<U2, U1>::ones())
            .iter()
            .all(|v| v.is_nan()));
    }
}
