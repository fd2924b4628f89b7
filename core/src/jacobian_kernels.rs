//! Structured products that generated Jacobian and Hessian code calls instead of forming a
//! special matrix: Kronecker products with an identity (filled directly, or applied to a
//! Jacobian as a reshaped matrix product), `diag(v) J` as row scaling, the commutation matrix
//! and the Kronecker permutation as row permutations, the Van Loan–Pitsianis rearrangement,
//! and exact symmetrization of a Hessian. Not DSL functions.
//!
//! Output dimensions are type parameters whose values are derived from the input sizes (for a
//! static type, checked against them; the checks are on constants and fold away): with generic
//! dimensions the symbolic engine proves `R·C = C·R`, which typenum cannot. Size-only type
//! parameters (the `N` of `I_N`, the `M, N` of a commutation) cannot be sized at `Dyn`: each
//! kernel that has them also has a `_generic` variant taking them as dimension values.

use core::mem::MaybeUninit;

use crate::check;
use crate::dim::Dim;
use crate::kernels::{exact_quotient, factor_pair, quotient};
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::InnerDimsAgree;

/// Up to this many entries (a result stored inline) a Kronecker product with an identity is
/// one pass writing every entry: with static sizes it unrolls into plain stores, where a zero
/// fill would be a call to `memset` and the nonzeros a second pass over the result.
const SINGLE_PASS_MAX_ENTRIES: usize = 256;

/// Above that, the result is zeroed in runs of whole columns of at most this many bytes, each
/// run given its nonzeros before the next is zeroed. glibc's `memset` switches to `rep stosb`
/// above 2 KiB (its default `rep_stosb_threshold`), which on the AMD EPYC of the benchmarks
/// zeroes 8 KiB in 57 ns, against 35 ns as four 2 KiB runs of vector stores.
const ZERO_RUN_BYTES: usize = 2048;

/// `I_n ⊗ A` (`left`) or `A ⊗ I_n` for the `p×k` matrix with entries `a(i, j)`. Small: one pass
/// over the result. Larger: into uninitialised storage, a run of columns at a time zeroed and
/// then given its nonzeros while it is in cache (no index arithmetic per entry of the
/// mostly-zero result). A zeroed allocation and a second, scattered pass for the nonzeros was
/// two passes over memory: the allocator's `memset` (a freed block is reused, so the zeros are
/// rarely fresh pages from the OS) and the nonzeros, which touch every cache line again.
#[inline(always)]
#[track_caller]
fn kron_identity_fill<R2: Dim, C2: Dim, T: Scalar>(
    n: usize,
    p: usize,
    k: usize,
    left: bool,
    a: impl Fn(usize, usize) -> T,
) -> Matrix<R2, C2, T> {
    let rows = n * p;
    let (r2, c2) = (R2::from_usize(rows), C2::from_usize(n * k));
    if rows * n * k <= SINGLE_PASS_MAX_ENTRIES {
        return Matrix::from_fn_generic(r2, c2, |i, j| {
            let (same_block, (bi, bj)) = if left {
                (i / p == j / k, (i % p, j % k))
            } else {
                (i % n == j % n, (i / n, j / n))
            };
            if same_block {
                a(bi, bj)
            } else {
                T::zero()
            }
        });
    }
    if rows == 0 || n * k == 0 {
        return Matrix::zeros_generic(r2, c2);
    }
    // Whole columns, up to 2 KiB at a time: zeroed as one run (a `memset`, as wide as the
    // machine's stores) and then given their nonzeros while still in L1.
    let columns_per_run = (ZERO_RUN_BYTES / core::mem::size_of::<T>().max(1) / rows).max(1);
    // SAFETY: every run is filled with zeros before its nonzeros are written over them.
    unsafe {
        Matrix::from_filled_generic(r2, c2, |o| {
            for (run, entries) in o.chunks_mut(rows * columns_per_run).enumerate() {
                entries.fill(MaybeUninit::new(T::zero()));
                for (c, column) in entries.chunks_exact_mut(rows).enumerate() {
                    let c = run * columns_per_run + c;
                    if left {
                        // Block (s, s) is A: column s·k + j holds A's column j at rows s·p ..
                        let (s, j) = (c / k, c % k);
                        for (i, slot) in column[s * p..][..p].iter_mut().enumerate() {
                            *slot = MaybeUninit::new(a(i, j));
                        }
                    } else {
                        // Column j·n + d holds A's column j at rows i·n + d.
                        let (j, d) = (c / n, c % n);
                        for i in 0..p {
                            column[i * n + d] = MaybeUninit::new(a(i, j));
                        }
                    }
                }
            }
        })
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `I_N ⊗ A`, filled directly. Panics if `N` is `Dyn`: use
    /// [`kron_identity_left_generic`](Self::kron_identity_left_generic).
    #[inline]
    #[track_caller]
    pub fn kron_identity_left<N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        self.kron_identity_left_generic(N::from_static("kron_identity_left"))
    }

    /// `I_n ⊗ A`, `n` given as a dimension value.
    #[inline]
    #[track_caller]
    pub fn kron_identity_left_generic<N: Dim, R2: Dim, C2: Dim>(&self, n: N) -> Matrix<R2, C2, T> {
        let (p, k) = self.shape();
        let a = self.as_slice();
        kron_identity_fill(n.value(), p, k, true, |i, j| a[i + p * j])
    }

    /// `A ⊗ I_N`, filled directly. Panics if `N` is `Dyn`: use
    /// [`kron_identity_right_generic`](Self::kron_identity_right_generic).
    #[inline]
    #[track_caller]
    pub fn kron_identity_right<N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        self.kron_identity_right_generic(N::from_static("kron_identity_right"))
    }

    /// `A ⊗ I_n`, `n` given as a dimension value.
    #[inline]
    #[track_caller]
    pub fn kron_identity_right_generic<N: Dim, R2: Dim, C2: Dim>(&self, n: N) -> Matrix<R2, C2, T> {
        let (p, k) = self.shape();
        let a = self.as_slice();
        kron_identity_fill(n.value(), p, k, false, |i, j| a[i + p * j])
    }

    /// `selfᵀ ⊗ I_N` (the Jacobian of `X Y` in X is `Yᵀ ⊗ I`), reading `self` in place.
    /// Panics if `N` is `Dyn`: use
    /// [`tr_kron_identity_right_generic`](Self::tr_kron_identity_right_generic).
    #[inline]
    #[track_caller]
    pub fn tr_kron_identity_right<N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        self.tr_kron_identity_right_generic(N::from_static("tr_kron_identity_right"))
    }

    /// `selfᵀ ⊗ I_n`, `n` given as a dimension value.
    #[inline]
    #[track_caller]
    pub fn tr_kron_identity_right_generic<N: Dim, R2: Dim, C2: Dim>(
        &self,
        n: N,
    ) -> Matrix<R2, C2, T> {
        let (k, p) = self.shape();
        let a = self.as_slice();
        kron_identity_fill(n.value(), p, k, false, |i, j| a[j + k * i])
    }

    /// `I_N ⊗ selfᵀ`, reading `self` in place. Panics if `N` is `Dyn`: use
    /// [`tr_kron_identity_left_generic`](Self::tr_kron_identity_left_generic).
    #[inline]
    #[track_caller]
    pub fn tr_kron_identity_left<N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        self.tr_kron_identity_left_generic(N::from_static("tr_kron_identity_left"))
    }

    /// `I_n ⊗ selfᵀ`, `n` given as a dimension value.
    #[inline]
    #[track_caller]
    pub fn tr_kron_identity_left_generic<N: Dim, R2: Dim, C2: Dim>(
        &self,
        n: N,
    ) -> Matrix<R2, C2, T> {
        let (k, p) = self.shape();
        let a = self.as_slice();
        kron_identity_fill(n.value(), p, k, true, |i, j| a[j + k * i])
    }

    /// `(I_N ⊗ A) J`: each column of J, read as a C×N matrix M, becomes vec(A M). `N` is
    /// derived from J's rows, so this works at `Dyn` as is.
    #[track_caller]
    pub fn kron_identity_left_mul<N: Dim, JR: Dim, JC: Dim, R2: Dim>(
        &self,
        j: &Matrix<JR, JC, T>,
    ) -> Matrix<R2, JC, T> {
        let (p, k) = self.shape();
        let n: N = quotient(j.nrows(), k, "kron_identity_left_mul");
        let r2 = R2::from_usize(n.value() * p);
        Matrix::from_fn_generic(r2, j.shape_generic().1, |row, col| {
            let (i, s) = (row % p, row / p);
            let mut total = T::zero();
            for t in 0..k {
                total += self[(i, t)] * j[(t + k * s, col)];
            }
            total
        })
    }

    /// `(A ⊗ I_N) J`: each column of J, read as an N×C matrix M, becomes vec(M Aᵀ). `N` is
    /// derived from J's rows, so this works at `Dyn` as is.
    #[track_caller]
    pub fn kron_identity_right_mul<N: Dim, JR: Dim, JC: Dim, R2: Dim>(
        &self,
        j: &Matrix<JR, JC, T>,
    ) -> Matrix<R2, JC, T> {
        let (p, k) = self.shape();
        let n: N = quotient(j.nrows(), k, "kron_identity_right_mul");
        let n = n.value();
        let r2 = R2::from_usize(p * n);
        Matrix::from_fn_generic(r2, j.shape_generic().1, |row, col| {
            let (r, i) = (row % n, row / n);
            let mut total = T::zero();
            for t in 0..k {
                total += self[(i, t)] * j[(t * n + r, col)];
            }
            total
        })
    }

    /// `diag(v) J` for this J: row i scaled by `v[i]`.
    #[track_caller]
    pub fn row_scale<V: Dim, R2: Dim>(
        &self,
        v: &Matrix<V, crate::typenum::U1, T>,
    ) -> Matrix<R2, C, T> {
        check::kernel(v.nrows() == self.nrows(), "row_scale");
        let r2 = R2::from_usize(self.nrows());
        Matrix::from_fn_generic(r2, self.shape_generic().1, |i, j| v[(i, 0)] * self[(i, j)])
    }

    /// `K(M,N) J` for this J: the commutation matrix as a row permutation
    /// (row `i + M·j` of J goes to row `j + N·i`). One of `M`, `N` may be `Dyn` (derived from
    /// J's rows); for both use [`commute_rows_generic`](Self::commute_rows_generic).
    #[track_caller]
    pub fn commute_rows<M: Dim, N: Dim, R2: Dim>(&self) -> Matrix<R2, C, T> {
        let (m, n) = factor_pair::<M, N>(self.nrows(), "commute_rows");
        self.commute_rows_generic(m, n)
    }

    /// `K(m,n) J`, the sizes given as dimension values.
    #[track_caller]
    pub fn commute_rows_generic<M: Dim, N: Dim, R2: Dim>(&self, m: M, n: N) -> Matrix<R2, C, T> {
        let (m, n) = (m.value(), n.value());
        check::kernel(self.nrows() == m * n, "commute_rows");
        let r2 = R2::from_usize(m * n);
        Matrix::from_fn_generic(r2, self.shape_generic().1, |row, col| {
            let (j, i) = (row % n, row / n);
            self[(i + m * j, col)]
        })
    }

    /// `P J` (or `Pᵀ J` when `inverse`) for the Kronecker permutation
    /// `P = I_N ⊗ K(Q,M) ⊗ I_P`, `P (vec A ⊗ vec B) = vec(A ⊗ B)` for A M×N, B P×Q. Panics if
    /// a size is `Dyn`: use [`kron_perm_rows_generic`](Self::kron_perm_rows_generic).
    #[track_caller]
    pub fn kron_perm_rows<M: Dim, N: Dim, P: Dim, Q: Dim, R2: Dim>(
        &self,
        inverse: bool,
    ) -> Matrix<R2, C, T> {
        let what = "kron_perm_rows";
        self.kron_perm_rows_generic(
            M::from_static(what),
            N::from_static(what),
            P::from_static(what),
            Q::from_static(what),
            inverse,
        )
    }

    /// [`kron_perm_rows`](Self::kron_perm_rows) with the sizes given as dimension values.
    #[track_caller]
    pub fn kron_perm_rows_generic<M: Dim, N: Dim, P: Dim, Q: Dim, R2: Dim>(
        &self,
        m: M,
        n: N,
        p: P,
        q: Q,
        inverse: bool,
    ) -> Matrix<R2, C, T> {
        let (m, n, p, q) = (m.value(), n.value(), p.value(), q.value());
        let len = m * n * p * q;
        check::kernel(self.nrows() == len, "kron_perm_rows");
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
        Matrix::from_fn_generic(R2::from_usize(len), self.shape_generic().1, |row, col| {
            let from = if inverse { forward(row) } else { backward(row) };
            self[(from, col)]
        })
    }

    /// The Van Loan–Pitsianis rearrangement of this G ((M·p)×(N·q)):
    /// `R[i + M·j, k + p·l] = G[i·p + k, j·q + l]`. Panics if `M` or `N` is `Dyn`: use
    /// [`kron_rearrange_generic`](Self::kron_rearrange_generic).
    #[track_caller]
    pub fn kron_rearrange<M: Dim, N: Dim, R2: Dim, C2: Dim>(&self) -> Matrix<R2, C2, T> {
        self.kron_rearrange_generic(
            M::from_static("kron_rearrange"),
            N::from_static("kron_rearrange"),
        )
    }

    /// [`kron_rearrange`](Self::kron_rearrange) with `m`, `n` given as dimension values.
    #[track_caller]
    pub fn kron_rearrange_generic<M: Dim, N: Dim, R2: Dim, C2: Dim>(
        &self,
        m: M,
        n: N,
    ) -> Matrix<R2, C2, T> {
        let (m, n) = (m.value(), n.value());
        let p = exact_quotient(self.nrows(), m, None, "kron_rearrange");
        let q = exact_quotient(self.ncols(), n, None, "kron_rearrange");
        let (r2, c2) = (R2::from_usize(m * n), C2::from_usize(p * q));
        Matrix::from_fn_generic(r2, c2, |r, c| {
            let (i, j, k, l) = (r % m, r / m, c % p, c / p);
            self[(i * p + k, j * q + l)]
        })
    }
}

impl<K: Dim, M: Dim, T: Scalar> Matrix<K, M, T> {
    /// `selfᵀ · b` for a product known to be symmetric in exact arithmetic (`self` and `b` both
    /// K×M; the Hessian `Aᵀ (D A)`), exactly symmetric in floating point: the generated code
    /// calls it for the symmetrization of such a Hessian instead of
    /// [`symmetrize`](Matrix::symmetrize) of the full product. Up to 8·8·8 multiply-adds (where
    /// products are computed entry by entry) only the lower triangle is computed, each entry a
    /// dot product of two contiguous columns written with its mirror: about half the work, and
    /// no second pass averaging H and Hᵀ. Larger: the full product with its lower triangle
    /// mirrored.
    #[inline]
    #[track_caller]
    pub fn tr_mul_symmetric<K2: Dim>(&self, b: &Matrix<K2, M, T>) -> Matrix<M, M, T>
    where
        K: InnerDimsAgree<K2>,
    {
        let (k, m) = self.shape();
        check::inner_dims("`tr_mul_symmetric` (Aᵀ B)", (m, k), b.shape());
        check::square("`tr_mul_symmetric` (Aᵀ B)", (m, b.ncols()));
        let mg = self.shape_generic().1;
        if k == 0 || m * m * k > crate::product::ENTRYWISE_MAX_WORK {
            let mut h = self.tr_mul(b);
            for j in 1..m {
                for i in 0..j {
                    h[(i, j)] = h[(j, i)];
                }
            }
            return h;
        }
        // Each entry of the lower triangle written with its mirror as soon as it is known:
        // plain loops (no per-entry closure, no second pass), which unroll for static sizes.
        let (ad, bd) = (self.as_slice(), b.as_slice());
        let mut h = Matrix::zeros_generic(mg, mg);
        let o = h.as_mut_slice();
        for j in 0..m {
            let bj = &bd[k * j..k * j + k];
            for i in j..m {
                let ai = &ad[k * i..k * i + k];
                let mut acc = ai[0] * bj[0];
                for (&a_pi, &b_pj) in ai[1..].iter().zip(&bj[1..]) {
                    acc += a_pi * b_pj;
                }
                o[i + m * j] = acc;
                o[j + m * i] = acc;
            }
        }
        h
    }
}

impl<L: Dim, T: Scalar> Matrix<L, L, T> {
    /// ½(H + Hᵀ), exactly symmetric in floating point (each entry and its mirror are the same
    /// sum).
    #[track_caller]
    pub fn symmetrize(&self) -> Self {
        check::square("symmetrize", self.shape());
        let half = T::one() / (T::one() + T::one());
        let (r, c) = self.shape_generic();
        Matrix::from_fn_generic(r, c, |i, j| {
            let (a, b) = if i <= j { (i, j) } else { (j, i) };
            (self[(a, b)] + self[(b, a)]) * half
        })
    }

    /// The Kronecker permutation `I_N ⊗ K(Q,M) ⊗ I_P` itself (M·N·P·Q square). Panics if a
    /// size is `Dyn`: use [`kron_perm_generic`](Self::kron_perm_generic).
    #[track_caller]
    pub fn kron_perm<M: Dim, N: Dim, P: Dim, Q: Dim>() -> Self {
        let what = "kron_perm";
        Self::kron_perm_generic(
            M::from_static(what),
            N::from_static(what),
            P::from_static(what),
            Q::from_static(what),
        )
    }

    /// [`kron_perm`](Self::kron_perm) with the sizes given as dimension values.
    #[track_caller]
    pub fn kron_perm_generic<M: Dim, N: Dim, P: Dim, Q: Dim>(m: M, n: N, p: P, q: Q) -> Self {
        let l = L::from_usize(m.value() * n.value() * p.value() * q.value());
        let eye: Self = Matrix::identity_generic(l, l);
        eye.kron_perm_rows_generic::<M, N, P, Q, L>(m, n, p, q, false)
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
        // Transposed factors read in place: Yᵀ ⊗ I and I ⊗ Yᵀ for Y 3×2.
        let y: Matrix<U3, U2> = sample(0.5);
        let tr_right: Matrix<U6, U9> = y.tr_kron_identity_right::<U3, _, _>();
        assert_eq!(tr_right, y.t().kron(&i3));
        let tr_left: Matrix<U6, U9> = y.tr_kron_identity_left::<U3, _, _>();
        assert_eq!(tr_left, i3.kron(&y.t()));
        // Non-square identity blocks: I₂ ⊗ A and A ⊗ I₂ with A 2×3.
        let i2 = Matrix::<U2, U2>::identity();
        let left2: Matrix<U4, U6> = a.kron_identity_left::<U2, _, _>();
        assert_eq!(left2, i2.kron(&a));
        let right2: Matrix<U4, U6> = a.kron_identity_right::<U2, _, _>();
        assert_eq!(right2, a.kron(&i2));
        let lm: Matrix<U6, U4> = a.kron_identity_left_mul::<U3, _, _, _>(&j);
        assert!(lm.approx_eq(&(i3.kron(&a) * j), 1e-14, 1e-14));
        let rm: Matrix<U6, U4> = a.kron_identity_right_mul::<U3, _, _, _>(&j);
        assert!(rm.approx_eq(&(a.kron(&i3) * j), 1e-14, 1e-14));
    }

    /// Above the single-pass size (columns zeroed, then their nonzeros), every variant against
    /// the dense Kronecker product, with non-square factors and identities of both parities.
    #[test]
    fn column_filled_identity_kronecker_products_match_dense_ones() {
        use crate::Dyn;
        for (n, p, k) in [(5, 3, 4), (5, 7, 2), (17, 1, 1), (3, 6, 5)] {
            assert!(n * p * n * k > super::SINGLE_PASS_MAX_ENTRIES);
            let a = Matrix::<Dyn, Dyn>::from_fn_dyn(p, k, |i, j| (i * 7 + j * 3) as f64 + 0.5);
            let id = Matrix::<Dyn, Dyn>::from_fn_dyn(n, n, |i, j| f64::from(i == j));
            let nd = Dyn::from_usize(n);
            let left: Matrix<Dyn, Dyn> = a.kron_identity_left_generic(nd);
            assert_eq!(left, id.kron(&a), "I ⊗ A, n = {n}, A {p}×{k}");
            let right: Matrix<Dyn, Dyn> = a.kron_identity_right_generic(nd);
            assert_eq!(right, a.kron(&id), "A ⊗ I, n = {n}, A {p}×{k}");
            let at = a.t();
            let tr_left: Matrix<Dyn, Dyn> = at.tr_kron_identity_left_generic(nd);
            assert_eq!(tr_left, left, "I ⊗ (Aᵀ)ᵀ");
            let tr_right: Matrix<Dyn, Dyn> = at.tr_kron_identity_right_generic(nd);
            assert_eq!(tr_right, right, "(Aᵀ)ᵀ ⊗ I");
        }
    }

    #[test]
    fn large_identity_kronecker_products_are_zeros_and_their_nonzeros() {
        use crate::Dyn;
        // 2×600 ⊗ I₃₀₀ and I₃₀₀ ⊗ (600×2)ᵀ: 600×180000 entries, filled column by column.
        let a = Matrix::<Dyn, Dyn>::from_fn_dyn(2, 600, |i, j| (i * 600 + j) as f64 + 1.0);
        let n = Dyn::from_usize(300);
        const { assert!(600 * 180_000 > super::SINGLE_PASS_MAX_ENTRIES) };
        let right: Matrix<Dyn, Dyn> = a.kron_identity_right_generic(n);
        let left: Matrix<Dyn, Dyn> = a.t().tr_kron_identity_left_generic(n);
        for (r, c) in [
            (0, 0),
            (1, 300),
            (301, 301),
            (599, 179_999),
            (5, 7),
            (300, 1),
        ] {
            let want = if r % 300 == c % 300 {
                a[(r / 300, c / 300)]
            } else {
                0.0
            };
            assert_eq!(right[(r, c)], want, "A ⊗ I at ({r}, {c})");
            let want = if r / 2 == c / 600 {
                a[(r % 2, c % 600)]
            } else {
                0.0
            };
            assert_eq!(left[(r, c)], want, "I ⊗ A at ({r}, {c})");
        }
        assert_eq!(right.iter().filter(|&&x| x != 0.0).count(), 2 * 600 * 300);
        assert_eq!(left.iter().filter(|&&x| x != 0.0).count(), 2 * 600 * 300);
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

    /// `Aᵀ (D A)` for the Hessian kernel: exactly symmetric, and equal to the full product
    /// up to rounding, at the unrolled sizes, past the entrywise threshold, non-square A,
    /// `Dyn` and f32.
    #[test]
    fn symmetric_product_is_exact_and_matches_the_full_one() {
        fn check<K: Dim, M: Dim, T: Scalar>(k: usize, m: usize, tol: f64) {
            let entry = |i: usize, j: usize| T::from_f64(((i * 7 + j * 3) as f64 * 0.37).sin());
            let a = Matrix::<K, M, T>::from_fn_generic(K::from_usize(k), M::from_usize(m), entry);
            let d = Matrix::<K, U1, T>::from_fn_generic(K::from_usize(k), U1::new(), |i, _| {
                T::from_f64(0.1 + (i % 5) as f64)
            });
            let da = a.row_scale(&d);
            let h = a.tr_mul_symmetric(&da);
            assert_eq!(h, h.t(), "exactly symmetric at {k}×{m}");
            let full = a.tr_mul(&da);
            let scale = full.iter().fold(0.0, |s: f64, x| s.max(x.to_f64().abs()));
            for (x, y) in h.iter().zip(full.iter()) {
                let err = (x.to_f64() - y.to_f64()).abs() / scale;
                assert!(err <= tol, "{k}×{m}: {x:?} against {y:?}");
            }
        }
        check::<U3, U3, f64>(3, 3, 1e-15);
        check::<U8, U8, f64>(8, 8, 1e-15);
        check::<U6, U2, f64>(6, 2, 1e-15);
        check::<U2, U4, f64>(2, 4, 1e-15);
        check::<U3, U3, f32>(3, 3, 1e-6);
        check::<Dyn, Dyn, f64>(40, 30, 1e-14);
        check::<Dyn, Dyn, f32>(9, 9, 1e-6);
        let empty = Matrix::<Dyn, Dyn>::from_fn_dyn(0, 2, |_, _| 1.0);
        assert_eq!(
            empty.tr_mul_symmetric(&empty),
            Matrix::<Dyn, Dyn>::zeros_dyn(2, 2)
        );
    }

    #[test]
    fn symmetrize_is_exactly_symmetric() {
        let h: Matrix<U4, U4> = sample(0.9);
        let s = h.symmetrize();
        assert_eq!(s, s.t());
        assert!(s.approx_eq(&((h + h.t()) * 0.5), 1e-15, 1e-15));
    }
}
