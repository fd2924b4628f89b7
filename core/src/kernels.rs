//! Structured operations that generated derivative code calls instead of materialising a
//! special matrix: a product with a matrix of ones (a broadcast of sums), the adjoints of the
//! Kronecker product, and the commutation matrix. They are not DSL functions; they exist so
//! that code emitted by matcalc-symbolic never multiplies by `𝟙` or forms a Kronecker product
//! only to contract it again.

use core::ops::Mul;

use crate::check;
use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// The dimension `total / factor` (the other factor of a product dimension), checked exact.
#[inline]
#[track_caller]
pub(crate) fn quotient<D: Dim>(total: usize, factor: usize, what: &str) -> D {
    D::from_usize(exact_quotient(total, factor, D::STATIC, what))
}

/// `total / factor`, checked exact; when `factor` is 0 (so is `total`), `known` or 0.
#[inline]
#[track_caller]
pub(crate) fn exact_quotient(
    total: usize,
    factor: usize,
    known: Option<usize>,
    what: &str,
) -> usize {
    let q = match factor {
        0 => known.unwrap_or(0),
        _ => total / factor,
    };
    check::kernel(q * factor == total, what);
    q
}

/// The two factors of a product dimension of size `total`, one of which may be `Dyn`.
#[track_caller]
pub(crate) fn factor_pair<M: Dim, N: Dim>(total: usize, what: &str) -> (M, N) {
    match (M::STATIC, N::STATIC) {
        (Some(_), _) => {
            let m = M::from_static(what);
            (m, quotient(total, m.value(), what))
        }
        (None, Some(_)) => {
            let n = N::from_static(what);
            (quotient(total, n.value(), what), n)
        }
        (None, None) => (M::from_static(what), N::from_static(what)),
    }
}

impl<K: Dim, C: Dim, T: Scalar> Matrix<K, C, T> {
    /// `𝟙 B` with `𝟙` an `R2 × K` matrix of ones: every row is the column sums of `B`.
    /// Panics if `R2` is `Dyn`: use [`ones_mul_generic`](Self::ones_mul_generic).
    #[inline]
    #[track_caller]
    pub fn ones_mul<R2: Dim>(&self) -> Matrix<R2, C, T> {
        self.ones_mul_generic(R2::from_static("ones_mul"))
    }

    /// `𝟙 B` with `𝟙` a `rows × K` matrix of ones, `rows` given as a dimension value.
    #[inline]
    pub fn ones_mul_generic<R2: Dim>(&self, rows: R2) -> Matrix<R2, C, T> {
        let sums = self.col_sums();
        let s = sums.as_slice();
        Matrix::from_fn_generic(rows, self.shape_generic().1, |_, j| s[j])
    }

    /// `B 𝟙` with `𝟙` a `C × C2` matrix of ones: every column is the row sums of `B`.
    /// Panics if `C2` is `Dyn`: use [`mul_ones_generic`](Self::mul_ones_generic).
    #[inline]
    #[track_caller]
    pub fn mul_ones<C2: Dim>(&self) -> Matrix<K, C2, T> {
        self.mul_ones_generic(C2::from_static("mul_ones"))
    }

    /// `B 𝟙` with `𝟙` a `C × cols` matrix of ones, `cols` given as a dimension value.
    #[inline]
    pub fn mul_ones_generic<C2: Dim>(&self, cols: C2) -> Matrix<K, C2, T> {
        let sums = self.row_sums();
        let s = sums.as_slice();
        Matrix::from_fn_generic(self.shape_generic().0, cols, |i, _| s[i])
    }

    /// The adjoint of `kron(A, B)` with respect to `A`, for this adjoint `G` of the product
    /// (`(m·p) × (n·q)`) and `B` (`p × q`): `Ā[i, j] = Σ_{k,l} G[i·p + k, j·q + l] B[k, l]`.
    #[track_caller]
    pub fn kron_adjoint_left<RA, CA, RB, CB>(&self, b: &Matrix<RB, CB, T>) -> Matrix<RA, CA, T>
    where
        RA: Dim + Mul<RB, Output = K>,
        CA: Dim + Mul<CB, Output = C>,
        RB: Dim,
        CB: Dim,
    {
        let (p, q) = b.shape();
        let ra: RA = quotient(self.nrows(), p, "kron_adjoint_left");
        let ca: CA = quotient(self.ncols(), q, "kron_adjoint_left");
        self.kron_adjoint_left_generic(b, ra, ca)
    }

    /// [`kron_adjoint_left`](Self::kron_adjoint_left) with Ā's shape given as dimension values
    /// (generated code at generic sizes, where `RA · RB` need not be spelled `K`).
    #[track_caller]
    pub fn kron_adjoint_left_generic<RA: Dim, CA: Dim, RB: Dim, CB: Dim>(
        &self,
        b: &Matrix<RB, CB, T>,
        ra: RA,
        ca: CA,
    ) -> Matrix<RA, CA, T> {
        let (p, q) = b.shape();
        check::kernel(
            ra.value() * p == self.nrows() && ca.value() * q == self.ncols(),
            "kron_adjoint_left",
        );
        Matrix::from_fn_generic(ra, ca, |i, j| {
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
    #[track_caller]
    pub fn kron_adjoint_right<RA, CA, RB, CB>(&self, a: &Matrix<RA, CA, T>) -> Matrix<RB, CB, T>
    where
        RA: Dim + Mul<RB, Output = K>,
        CA: Dim + Mul<CB, Output = C>,
        RB: Dim,
        CB: Dim,
    {
        let (m, n) = a.shape();
        let rb: RB = quotient(self.nrows(), m, "kron_adjoint_right");
        let cb: CB = quotient(self.ncols(), n, "kron_adjoint_right");
        self.kron_adjoint_right_generic(a, rb, cb)
    }

    /// [`kron_adjoint_right`](Self::kron_adjoint_right) with B̄'s shape given as dimension
    /// values.
    #[track_caller]
    pub fn kron_adjoint_right_generic<RA: Dim, CA: Dim, RB: Dim, CB: Dim>(
        &self,
        a: &Matrix<RA, CA, T>,
        rb: RB,
        cb: CB,
    ) -> Matrix<RB, CB, T> {
        let (m, n) = a.shape();
        let (p, q) = (rb.value(), cb.value());
        check::kernel(
            m * p == self.nrows() && n * q == self.ncols(),
            "kron_adjoint_right",
        );
        Matrix::from_fn_generic(rb, cb, |k, l| {
            let mut total = T::zero();
            for j in 0..n {
                for i in 0..m {
                    total += self[(i * p + k, j * q + l)] * a[(i, j)];
                }
            }
            total
        })
    }
}

impl<L: Dim, T: Scalar> Matrix<L, L, T> {
    /// The commutation matrix `K` (`mn × mn`) with `K vec(A) = vec(Aᵀ)` for `A` of shape `M × N`.
    /// Panics if `M` or `N` is `Dyn`: use [`commutation_generic`](Self::commutation_generic).
    #[track_caller]
    pub fn commutation<M, N>() -> Self
    where
        M: Dim + Mul<N, Output = L>,
        N: Dim,
    {
        Self::commutation_generic(M::from_static("commutation"), N::from_static("commutation"))
    }

    /// The commutation matrix for `A` of shape `m × n`, the sizes given as dimension values.
    #[track_caller]
    pub fn commutation_generic<M, N>(m: M, n: N) -> Self
    where
        M: Dim + Mul<N, Output = L>,
        N: Dim,
    {
        let (m, n) = (m.value(), n.value());
        let l = L::from_usize(m * n);
        // vec(A)[i + m·j] = A[i, j] = vec(Aᵀ)[j + n·i].
        Matrix::from_fn_generic(l, l, |row, col| {
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
