//! Structured products that generated Jacobian and Hessian code calls instead of forming a
//! special matrix: Kronecker products with an identity (filled directly, or applied to a
//! Jacobian as a reshaped matrix product), `diag(v) J` as row scaling, the commutation matrix
//! and the Kronecker permutation as row permutations, the Van Loan–Pitsianis rearrangement,
//! and exact symmetrization of a Hessian. Not DSL functions.
//!
//! Output dimensions are type parameters checked against the input sizes at run time (the checks
//! are on constants and fold away): with generic dimensions the symbolic engine proves
//! `R·C = C·R`, which typenum cannot.

use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// Panics with a message naming the kernel when a size relation fails (an engine bug).
#[inline]
fn check(ok: bool, what: &str) {
    assert!(
        ok,
        "matcalc: structured kernel `{what}` called with inconsistent sizes"
    );
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `I_N ⊗ A`, filled directly.
    pub fn kron_identity_left<N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        let (p, k, n) = (R::USIZE, C::USIZE, N::USIZE);
        check(
            R2::USIZE == n * p && C2::USIZE == n * k,
            "kron_identity_left",
        );
        Matrix::from_fn(|i, j| {
            if i / p == j / k {
                self[(i % p, j % k)]
            } else {
                T::zero()
            }
        })
    }

    /// `A ⊗ I_N`, filled directly.
    pub fn kron_identity_right<N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        let n = N::USIZE;
        check(
            R2::USIZE == R::USIZE * n && C2::USIZE == C::USIZE * n,
            "kron_identity_right",
        );
        Matrix::from_fn(|i, j| {
            if i % n == j % n {
                self[(i / n, j / n)]
            } else {
                T::zero()
            }
        })
    }

    /// `(I_N ⊗ A) J`: each column of J, read as a C×N matrix M, becomes vec(A M).
    pub fn kron_identity_left_mul<N: Dim, JR: Dim, JC: Dim, R2: Dim>(
        &self,
        j: &Matrix<JR, JC, T>,
    ) -> Matrix<R2, JC, T> {
        let (p, k, n) = (R::USIZE, C::USIZE, N::USIZE);
        check(
            JR::USIZE == n * k && R2::USIZE == n * p,
            "kron_identity_left_mul",
        );
        Matrix::from_fn(|row, col| {
            let (i, s) = (row % p, row / p);
            let mut total = T::zero();
            for t in 0..k {
                total += self[(i, t)] * j[(t + k * s, col)];
            }
            total
        })
    }

    /// `(A ⊗ I_N) J`: each column of J, read as an N×C matrix M, becomes vec(M Aᵀ).
    pub fn kron_identity_right_mul<N: Dim, JR: Dim, JC: Dim, R2: Dim>(
        &self,
        j: &Matrix<JR, JC, T>,
    ) -> Matrix<R2, JC, T> {
        let (p, k, n) = (R::USIZE, C::USIZE, N::USIZE);
        check(
            JR::USIZE == k * n && R2::USIZE == p * n,
            "kron_identity_right_mul",
        );
        Matrix::from_fn(|row, col| {
            let (r, i) = (row % n, row / n);
            let mut total = T::zero();
            for t in 0..k {
                total += self[(i, t)] * j[(t * n + r, col)];
            }
            total
        })
    }

    /// `diag(v) J` for this J: row i scaled by `v[i]`.
    pub fn row_scale<V: Dim, R2: Dim>(
        &self,
        v: &Matrix<V, crate::typenum::U1, T>,
    ) -> Matrix<R2, C, T> {
        check(V::USIZE == R::USIZE && R2::USIZE == R::USIZE, "row_scale");
        Matrix::from_fn(|i, j| v[(i, 0)] * self[(i, j)])
    }

    /// `K(M,N) J` for this J: the commutation matrix as a row permutation
    /// (row `i + M·j` of J goes to row `j + N·i`).
    pub fn commute_rows<M: Dim, N: Dim, R2: Dim>(&self) -> Matrix<R2, C, T> {
        let (m, n) = (M::USIZE, N::USIZE);
        check(R::USIZE == m * n && R2::USIZE == m * n, "commute_rows");
        Matrix::from_fn(|row, col| {
            let (j, i) = (row % n, row / n);
            self[(i + m * j, col)]
        })
    }

    /// `P J` (or `Pᵀ J` when `inverse`) for the Kronecker permutation
    /// `P = I_N ⊗ K(Q,M) ⊗ I_P`, `P (vec A ⊗ vec B) = vec(A ⊗ B)` for A M×N, B P×Q.
    pub fn kron_perm_rows<M: Dim, N: Dim, P: Dim, Q: Dim, R2: Dim>(
        &self,
        inverse: bool,
    ) -> Matrix<R2, C, T> {
        let (m, n, p, q) = (M::USIZE, N::USIZE, P::USIZE, Q::USIZE);
        let len = m * n * p * q;
        check(R::USIZE == len && R2::USIZE == len, "kron_perm_rows");
        // The row of vec(A ⊗ B) holding the entry at `source` of vec A ⊗ vec B, and back.
        let forward = |source: usize| {
            let (a, b) = (source / (p * q), source % (p * q));
            let (i, j, k, l) = (a % m, a / m, b % p, b / p);
            i * p + k + m * p * (j * q + l)
        };
        let backward = |target: usize| {
            let (r, c) = (target % (m * p), target / (m * p));
            let (i, k, j, l) = (r / p, r % p, c / q, c % q);
            (i + m * j) * p * q + k + p * l
        };
        Matrix::from_fn(|row, col| {
            let from = if inverse { forward(row) } else { backward(row) };
            self[(from, col)]
        })
    }

    /// The Van Loan–Pitsianis rearrangement of this G ((M·p)×(N·q)):
    /// `R[i + M·j, k + p·l] = G[i·p + k, j·q + l]`.
    pub fn kron_rearrange<M: Dim, N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        let (m, n) = (M::USIZE, N::USIZE);
        let (p, q) = (R::USIZE / m, C::USIZE / n);
        check(
            R2::USIZE == m * n && C2::USIZE == p * q && R::USIZE == m * p && C::USIZE == n * q,
            "kron_rearrange",
        );
        Matrix::from_fn(|r, c| {
            let (i, j, k, l) = (r % m, r / m, c % p, c / p);
            self[(i * p + k, j * q + l)]
        })
    }
}

impl<L: Dim, T: Scalar> Matrix<L, L, T> {
    /// ½(H + Hᵀ), exactly symmetric in floating point (each entry and its mirror are the same
    /// sum).
    pub fn symmetrize(&self) -> Self {
        let half = T::one() / (T::one() + T::one());
        Matrix::from_fn(|i, j| {
            let (a, b) = if i <= j { (i, j) } else { (j, i) };
            (self[(a, b)] + self[(b, a)]) * half
        })
    }

    /// The Kronecker permutation `I_N ⊗ K(Q,M) ⊗ I_P` itself (M·N·P·Q square).
    pub fn kron_perm<M: Dim, N: Dim, P: Dim, Q: Dim>() -> Self {
        let len = M::USIZE * N::USIZE * P::USIZE * Q::USIZE;
        check(L::USIZE == len, "kron_perm");
        let eye: Self = Matrix::identity();
        eye.kron_perm_rows::<M, N, P, Q, L>(false)
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    fn sample<R: Dim, C: Dim>(seed: f64) -> Matrix<R, C> {
        Matrix::from_fn(|i, j| ((i * 7 + j * 3) as f64 * 0.37 + seed).sin())
    }

    #[test]
    fn identity_kronecker_products_match_dense_ones() {
        let a: Matrix<U2, U3> = sample(0.1);
        let j: Matrix<U9, U4> = sample(0.2);
        let i3 = Matrix::<U3, U3>::identity();
        let left: Matrix<U6, U9> = a.kron_identity_left::<U3, _, _>();
        assert_eq!(left, i3.kron(&a));
        let right: Matrix<U6, U9> = a.kron_identity_right::<U3, _, _>();
        assert_eq!(right, a.kron(&i3));
        let lm: Matrix<U6, U4> = a.kron_identity_left_mul::<U3, _, _, _>(&j);
        assert!(lm.approx_eq(&(i3.kron(&a) * j), 1e-14, 1e-14));
        let rm: Matrix<U6, U4> = a.kron_identity_right_mul::<U3, _, _, _>(&j);
        assert!(rm.approx_eq(&(a.kron(&i3) * j), 1e-14, 1e-14));
    }

    #[test]
    fn row_operations_match_dense_products() {
        let j: Matrix<U6, U2> = sample(0.3);
        let v: Matrix<U6, U1> = sample(0.4);
        let scaled: Matrix<U6, U2> = j.row_scale(&v);
        assert_eq!(scaled, v.diag() * j);
        let k = Matrix::<U6, U6>::commutation::<U2, U3>();
        let commuted: Matrix<U6, U2> = j.commute_rows::<U2, U3, _>();
        assert_eq!(commuted, k * j);
    }

    #[test]
    fn kron_permutation_maps_vec_products_to_vec_of_kron() {
        // A 2×3, B 2×1: P (vec A ⊗ vec B) = vec(A ⊗ B), and Pᵀ undoes P.
        let a: Matrix<U2, U3> = sample(0.5);
        let b: Matrix<U2, U1> = sample(0.6);
        let stacked: Matrix<U12, U1> = a.vec().kron(&b.vec());
        let p = Matrix::<U12, U12>::kron_perm::<U2, U3, U2, U1>();
        assert_eq!(p * stacked, a.kron(&b).vec());
        let moved: Matrix<U12, U1> = stacked.kron_perm_rows::<U2, U3, U2, U1, _>(false);
        assert_eq!(moved, a.kron(&b).vec());
        let back: Matrix<U12, U1> = moved.kron_perm_rows::<U2, U3, U2, U1, _>(true);
        assert_eq!(back, stacked);
    }

    #[test]
    fn rearrangement_contracts_like_the_kronecker_adjoint() {
        // R(G) vec(B) = vec(kron_adjoint_left(G, B)).
        let g: Matrix<U4, U6> = sample(0.7);
        let b: Matrix<U2, U3> = sample(0.8);
        let r: Matrix<U4, U6> = g.kron_rearrange::<U2, U2, _, _>();
        let adj: Matrix<U2, U2> = g.kron_adjoint_left(&b);
        assert!((r * b.vec()).approx_eq(&adj.vec(), 1e-14, 1e-14));
    }

    #[test]
    fn symmetrize_is_exactly_symmetric() {
        let h: Matrix<U4, U4> = sample(0.9);
        let s = h.symmetrize();
        assert_eq!(s, s.t());
        assert!(s.approx_eq(&((h + h.t()) * 0.5), 1e-15, 1e-15));
    }
}
