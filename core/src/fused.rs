//! Fused products the generated code uses instead of forming a transpose first: `Aᵀ B`
//! ([`Matrix::tr_mul`]), `A Bᵀ` ([`Matrix::mul_tr`]) and the outer product `x yᵀ`
//! ([`Matrix::outer`]).
//!
//! Large products go to the blocked `matrixmultiply` kernel with the transposed operand read
//! through swapped strides ([`Scalar::gemm_t`]); small ones use direct loops that never
//! allocate: `Aᵀ B` entry by entry (each a dot product of two contiguous columns), `A Bᵀ` as a
//! sum of outer products of columns.

use crate::dim::Dim;
use crate::matrix::{Matrix, Vector};
use crate::scalar::Scalar;
use crate::shape_errors::InnerDimsAgree;
use typenum::U1;

/// The same size thresholds as the plain product (see `ops::matmul`).
fn use_gemm(m: usize, k: usize, n: usize) -> bool {
    m.min(k).min(n) >= 8 && m * k * n >= 24 * 24 * 24
}

impl<K: Dim, M: Dim, T: Scalar> Matrix<K, M, T> {
    /// `selfᵀ · b` without forming `selfᵀ` (`self` is K×M, `b` K×N).
    #[inline]
    pub fn tr_mul<K2: Dim, N: Dim>(&self, b: &Matrix<K2, N, T>) -> Matrix<M, N, T>
    where
        K: InnerDimsAgree<K2>,
    {
        let (m, k, n) = (M::USIZE, K::USIZE, N::USIZE);
        debug_assert_eq!(k, K2::USIZE);
        let (a, bs) = (self.as_slice(), b.as_slice());
        if use_gemm(m, k, n) {
            let mut out = Matrix::<M, N, T>::zeros();
            if T::gemm_t(m, k, n, a, true, bs, false, out.as_mut_slice()) {
                return out;
            }
        }
        Matrix::from_fn(|i, j| {
            let (ai, bj) = (&a[k * i..k * i + k], &bs[k * j..k * j + k]);
            let mut acc = T::zero();
            for p in 0..k {
                acc += ai[p] * bj[p];
            }
            acc
        })
    }
}

impl<M: Dim, K: Dim, T: Scalar> Matrix<M, K, T> {
    /// `self · bᵀ` without forming `bᵀ` (`self` is M×K, `b` N×K).
    #[inline]
    pub fn mul_tr<N: Dim, K2: Dim>(&self, b: &Matrix<N, K2, T>) -> Matrix<M, N, T>
    where
        K: InnerDimsAgree<K2>,
    {
        let (m, k, n) = (M::USIZE, K::USIZE, N::USIZE);
        debug_assert_eq!(k, K2::USIZE);
        let (a, bs) = (self.as_slice(), b.as_slice());
        let mut out = Matrix::<M, N, T>::zeros();
        if use_gemm(m, k, n) && T::gemm_t(m, k, n, a, false, bs, true, out.as_mut_slice()) {
            return out;
        }
        let o = out.as_mut_slice();
        for p in 0..k {
            let (ap, bp) = (&a[m * p..m * p + m], &bs[n * p..n * p + n]);
            for j in 0..n {
                let b_jp = bp[j];
                let oj = &mut o[m * j..m * j + m];
                for i in 0..m {
                    oj[i] += ap[i] * b_jp;
                }
            }
        }
        out
    }
}

impl<M: Dim, T: Scalar> Vector<M, T> {
    /// The outer product `self · yᵀ`, entry by entry.
    #[inline]
    pub fn outer<N: Dim>(&self, y: &Matrix<N, U1, T>) -> Matrix<M, N, T> {
        let (x, y) = (self.as_slice(), y.as_slice());
        Matrix::from_fn(|i, j| x[i] * y[j])
    }
}

#[cfg(test)]
mod tests {
    use crate::matrix::Matrix;
    use typenum::{U1, U3, U4, U40, U5};

    fn filled<R: crate::Dim, C: crate::Dim>(seed: f64) -> Matrix<R, C> {
        Matrix::from_fn(|i, j| ((i * 7 + j * 3) as f64 * 0.37 + seed).sin())
    }

    fn close<R: crate::Dim, C: crate::Dim>(a: &Matrix<R, C>, b: &Matrix<R, C>) {
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 1e-10, "{x} vs {y}");
        }
    }

    #[test]
    fn small_fused_products_match_the_plain_forms() {
        let a: Matrix<U4, U3> = filled(0.1);
        let b: Matrix<U4, U5> = filled(0.2);
        close(&a.tr_mul(&b), &(a.t() * b));
        let c: Matrix<U5, U3> = filled(0.3);
        close(&a.mul_tr(&c), &(a * c.t()));
        let x: Matrix<U4, U1> = filled(0.4);
        let y: Matrix<U3, U1> = filled(0.5);
        close(&x.outer(&y), &(x * y.t()));
        close(&x.mul_tr(&y), &(x * y.t()));
    }

    #[test]
    fn large_fused_products_match_the_plain_forms() {
        let a: Matrix<U40, U40> = filled(0.1);
        let b: Matrix<U40, U40> = filled(0.2);
        close(&a.tr_mul(&b), &(a.t() * &b));
        close(&a.mul_tr(&b), &(&a * b.t()));
        let x: Matrix<U40, U1> = filled(0.4);
        close(&a.tr_mul(&x), &(a.t() * &x));
        close(&x.outer(&x), &(&x * x.t()));
    }
}
