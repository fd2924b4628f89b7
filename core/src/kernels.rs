//! Structured operations that generated derivative code calls instead of materialising a
//! special matrix: a product with a matrix of ones (a broadcast of sums), the adjoints of the
//! Kronecker product, and the commutation matrix. They are not DSL functions; they exist so
//! that code emitted by matcalc-symbolic never multiplies by `𝟙` or forms a Kronecker product
//! only to contract it again.

use core::ops::Mul;

use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

impl<K: Dim, C: Dim, T: Scalar> Matrix<K, C, T> {
    /// `𝟙 B` with `𝟙` an `R2 × K` matrix of ones: every row is the column sums of `B`.
    #[inline]
    pub fn ones_mul<R2: Dim>(&self) -> Matrix<R2, C, T> {
        let sums = self.col_sums();
        Matrix::from_fn(|_, j| sums[(0, j)])
    }

    /// `B 𝟙` with `𝟙` a `C × C2` matrix of ones: every column is the row sums of `B`.
    #[inline]
    pub fn mul_ones<C2: Dim>(&self) -> Matrix<K, C2, T> {
        let sums = self.row_sums();
        Matrix::from_fn(|i, _| sums[(i, 0)])
    }

    /// The adjoint of `kron(A, B)` with respect to `A`, for this adjoint `G` of the product
    /// (`(m·p) × (n·q)`) and `B` (`p × q`): `Ā[i, j] = Σ_{k,l} G[i·p + k, j·q + l] B[k, l]`.
    pub fn kron_adjoint_left<RA, CA, RB, CB>(&self, b: &Matrix<RB, CB, T>) -> Matrix<RA, CA, T>
    where
        RA: Dim + Mul<RB, Output = K>,
        CA: Dim + Mul<CB, Output = C>,
        RB: Dim,
        CB: Dim,
    {
        let (p, q) = (RB::USIZE, CB::USIZE);
        Matrix::from_fn(|i, j| {
            let mut total = T::zero();
            for l in 0..q {
                for k in 0..p {
                    total += self[(i * p + k, j * q + l)] * b[(k, l)];
                }
            }
            total
        })
    }

    /// The adjoint of `kron(A, B)` with respect to `B`, for this adjoint `G` and `A`
    /// (`m × n`): `B̄[k, l] = Σ_{i,j} G[i·p + k, j·q + l] A[i, j]`.
    pub fn kron_adjoint_right<RA, CA, RB, CB>(&self, a: &Matrix<RA, CA, T>) -> Matrix<RB, CB, T>
    where
        RA: Dim + Mul<RB, Output = K>,
        CA: Dim + Mul<CB, Output = C>,
        RB: Dim,
        CB: Dim,
    {
        let (p, q) = (RB::USIZE, CB::USIZE);
        Matrix::from_fn(|k, l| {
            let mut total = T::zero();
            for j in 0..CA::USIZE {
                for i in 0..RA::USIZE {
                    total += self[(i * p + k, j * q + l)] * a[(i, j)];
                }
            }
            total
        })
    }
}

impl<L: Dim, T: Scalar> Matrix<L, L, T> {
    /// The commutation matrix `K` (`mn × mn`) with `K vec(A) = vec(Aᵀ)` for `A` of shape `M × N`.
    pub fn commutation<M, N>() -> Self
    where
        M: Dim + Mul<N, Output = L>,
        N: Dim,
    {
        let (m, n) = (M::USIZE, N::USIZE);
        // vec(A)[i + m·j] = A[i, j] = vec(Aᵀ)[j + n·i].
        Matrix::from_fn(|row, col| {
            let (i, j) = (col % m, col / m);
            if row == j + n * i {
                T::one()
            } else {
                T::zero()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    fn sample<R: Dim, C: Dim>(seed: f64) -> Matrix<R, C> {
        Matrix::from_fn(|i, j| ((i * 7 + j * 3) as f64 * 0.37 + seed).sin())
    }

    #[test]
    fn ones_products_are_broadcast_sums() {
        let b: Matrix<U3, U2> = sample(0.1);
        let by_product = Matrix::<U4, U3>::ones() * b;
        assert!(b.ones_mul::<U4>().approx_eq(&by_product, 1e-14, 1e-14));
        let c: Matrix<U2, U3> = sample(0.2);
        let by_product = c * Matrix::<U3, U5>::ones();
        assert!(c.mul_ones::<U5>().approx_eq(&by_product, 1e-14, 1e-14));
    }

    #[test]
    fn kron_adjoints_contract_the_product() {
        // ⟨G, A ⊗ B⟩ = ⟨kron_adjoint_left(G, B), A⟩ = ⟨kron_adjoint_right(G, A), B⟩.
        let a: Matrix<U2, U3> = sample(0.3);
        let b: Matrix<U3, U2> = sample(0.4);
        let g: Matrix<U6, U6> = sample(0.5);
        let whole = g.dot(&a.kron(&b));
        let left: Matrix<U2, U3> = g.kron_adjoint_left(&b);
        let right: Matrix<U3, U2> = g.kron_adjoint_right(&a);
        assert!((left.dot(&a) - whole).abs() < 1e-12);
        assert!((right.dot(&b) - whole).abs() < 1e-12);
    }

    #[test]
    fn commutation_transposes_vec() {
        let a: Matrix<U2, U3> = sample(0.6);
        let k = Matrix::<U6, U6>::commutation::<U2, U3>();
        assert_eq!(k * a.vec(), a.t().vec());
    }
}
