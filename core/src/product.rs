//! The one matrix-product kernel behind `*`, `tr_mul` (`Aᵀ B`), `mul_tr` (`A Bᵀ`) and
//! matrix–vector products, choosing by size between plain loops, the blocked
//! `matrixmultiply` kernel and faer.
//!
//! Thresholds (measured on one core, see `core/benches/kernels.rs`): loops below
//! [`BLOCKED_MIN_WORK`] multiply-adds (they unroll and vectorise for concrete sizes and never
//! allocate); faer from [`FAER_MIN_WORK`]; matrixmultiply in between, where its lighter
//! packing still wins.

use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// Products with at most this many multiply-adds are built entry by entry straight into their
/// result ([`product`]): no zero fill, no accumulation through memory. With static sizes the
/// dot products unroll completely; at n = 3 the zero fill and the reloads it causes were a
/// measurable share of a call.
pub(crate) const ENTRYWISE_MAX_WORK: usize = 8 * 8 * 8;

/// Products with at least this many multiply-adds (and every dimension at least
/// [`BLOCKED_MIN_DIM`]) leave the loops.
pub(crate) const BLOCKED_MIN_WORK: usize = 24 * 24 * 24;
/// Thin products (outer products, matrix·vector) stay with the loops or go to faer: the blocked
/// kernel's packing costs more than it saves when a dimension is this small.
pub(crate) const BLOCKED_MIN_DIM: usize = 8;
/// Products with more multiply-adds than this (and not fat enough for the blocked kernel) go
/// to the kernels compiled for the CPU's vector instructions ([`crate::simd`]). Smaller ones
/// stay with the loops, which unroll completely for static sizes: this is the work of the
/// largest product of two inline (≤ 16×16) matrices, so those never leave the loops.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub(crate) const SIMD_MIN_WORK: usize = 16 * 16 * 16;
/// Thin products (a dimension of 1: matrix·vector, `Aᵀx`, outer products) with more
/// multiply-adds than this go to the kernels of [`crate::simd`] too: this is the work of the
/// largest thin product of inline (≤ 16×16) matrices, so those keep their unrolled loops, while
/// a 32×32 matrix·vector product (1024 multiply-adds, 1.3–1.7× hand-written `SMatrix` on the
/// portable two-lane loops) runs four or eight lanes wide with fused multiply-adds.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub(crate) const SIMD_MIN_THIN_WORK: usize = 16 * 16;
/// Products with at least this many multiply-adds go to faer (feature `faer`), matrix–vector ones
/// included.
#[cfg(feature = "faer")]
pub(crate) const FAER_MIN_WORK: usize = 48 * 48 * 48;

/// One operand of a product: `data` holds a column-major `rows × cols` matrix, used as is or
/// transposed.
#[derive(Clone, Copy)]
pub(crate) struct Operand<'a, T> {
    data: &'a [T],
    rows: usize,
    cols: usize,
    transposed: bool,
}

impl<'a, T> Operand<'a, T> {
    /// The stored `rows × cols` matrix itself.
    pub(crate) fn plain(data: &'a [T], rows: usize, cols: usize) -> Self {
        Operand {
            data,
            rows,
            cols,
            transposed: false,
        }
    }

    /// The transpose of the stored `rows × cols` matrix.
    pub(crate) fn transposed(data: &'a [T], rows: usize, cols: usize) -> Self {
        Operand {
            data,
            rows,
            cols,
            transposed: true,
        }
    }

    /// Entry (i, j) of the operand as multiplied.
    #[inline(always)]
    fn at(&self, i: usize, j: usize) -> T
    where
        T: Copy,
    {
        if self.transposed {
            self.data[j + self.rows * i]
        } else {
            self.data[i + self.rows * j]
        }
    }

    /// (rows, columns) of the operand as multiplied.
    fn shape(&self) -> (usize, usize) {
        if self.transposed {
            (self.cols, self.rows)
        } else {
            (self.rows, self.cols)
        }
    }
}

/// `a · b` as a new `rows × cols` matrix (the caller checked the shapes): small products
/// straight into the result, larger ones by [`gemm`] into a zeroed one.
///
/// Straight into the result: with `A` read in place, column j of the result starts as
/// `A[:, 0] b[0, j]` (written once, where a zero fill would be) and the other columns of A are
/// added to it in the loop order of [`loops`], which vectorises; with `Aᵀ` each entry is a dot
/// product of contiguous columns, written once.
#[inline(always)]
pub(crate) fn product<R: Dim, C: Dim, T: Scalar>(
    rows: R,
    cols: C,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
) -> Matrix<R, C, T> {
    let ((m, k), (_, n)) = (a.shape(), b.shape());
    if k == 1 {
        // Either storage of a vector is its entries in order.
        return outer(rows, cols, a.data, b.data);
    }
    if k == 0 || m * k * n > ENTRYWISE_MAX_WORK {
        let mut out = Matrix::zeros_generic(rows, cols);
        gemm(a, b, out.as_mut_slice());
        return out;
    }
    let ad = a.data;
    if a.transposed {
        return Matrix::from_fn_generic(rows, cols, |i, j| {
            let ai = &ad[k * i..k * i + k];
            let mut acc = ai[0] * b.at(0, j);
            for (p, &a_pi) in ai.iter().enumerate().skip(1) {
                acc += a_pi * b.at(p, j);
            }
            acc
        });
    }
    let mut out = Matrix::from_fn_generic(rows, cols, |i, j| ad[i] * b.at(0, j));
    let o = out.as_mut_slice();
    for j in 0..n {
        let oj = &mut o[m * j..m * j + m];
        for p in 1..k {
            let (ap, b_pj) = (&ad[m * p..m * p + m], b.at(p, j));
            for (o_ij, &a_ip) in oj.iter_mut().zip(ap) {
                *o_ij += a_ip * b_pj;
            }
        }
    }
    out
}

/// The outer product `x yᵀ` as a new `x.len() × y.len()` matrix, each entry written once: by
/// the kernels of [`crate::simd`] beyond the sizes of inline matrices (into uninitialised
/// memory: no zero fill, four or eight lanes per store), else entry by entry.
#[inline(always)]
pub(crate) fn outer<R: Dim, C: Dim, T: Scalar>(
    rows: R,
    cols: C,
    x: &[T],
    y: &[T],
) -> Matrix<R, C, T> {
    debug_assert!(x.len() == rows.value() && y.len() == cols.value());
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if x.len() * y.len() > SIMD_MIN_THIN_WORK {
        // SAFETY: either branch writes all `x.len() · y.len()` entries.
        return unsafe {
            Matrix::from_filled_generic(rows, cols, |c| {
                if !crate::simd::outer(x, y, c) {
                    for (cj, &yj) in c.chunks_exact_mut(x.len().max(1)).zip(y) {
                        for (o, &xi) in cj.iter_mut().zip(x) {
                            o.write(xi * yj);
                        }
                    }
                }
            })
        };
    }
    Matrix::from_fn_generic(rows, cols, |i, j| x[i] * y[j])
}

/// `out = a · b`; `out` (`m × n`, column-major) must be all zeros on entry. The shapes were
/// checked by the caller.
///
/// Always inlined: with static dimensions the sizes are then constants, so the choice of kernel
/// folds away and the loops unroll and vectorise as if written for that size.
#[inline(always)]
pub(crate) fn gemm<T: Scalar>(a: Operand<'_, T>, b: Operand<'_, T>, out: &mut [T]) {
    let ((m, k), (k2, n)) = (a.shape(), b.shape());
    debug_assert!(k == k2 && out.len() == m * n);
    let work = m * k * n;
    let fat = m.min(k).min(n) >= BLOCKED_MIN_DIM && work >= BLOCKED_MIN_WORK;
    // Thin products at any size above the unrolled ones: the kernels for this CPU's vector
    // instructions beat faer's on them (no packing, no dispatch of a general product).
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if !fat
        && (work > SIMD_MIN_WORK || (m.min(k).min(n) == 1 && work > SIMD_MIN_THIN_WORK))
        && crate::simd::gemm(m, k, n, a.data, a.transposed, b.data, b.transposed, out)
    {
        return;
    }
    #[cfg(feature = "faer")]
    if work >= FAER_MIN_WORK
        && crate::large::gemm(m, k, n, a.data, a.transposed, b.data, b.transposed, out)
    {
        return;
    }
    if fat && T::gemm_t(m, k, n, a.data, a.transposed, b.data, b.transposed, out) {
        return;
    }
    loops(m, k, n, a, b, out);
}

/// The product by loops in the cache-friendly order for each storage case.
#[inline(always)]
fn loops<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: Operand<'_, T>,
    b: Operand<'_, T>,
    o: &mut [T],
) {
    let (ad, bd) = (a.data, b.data);
    match (a.transposed, b.transposed) {
        // j-p-i: walks b and the output column by column and a down its columns.
        // Slices rather than indices, so that the inner loop has no bounds checks and
        // vectorises when `m` is only known at run time (`Dyn`).
        (false, false) => {
            for (oj, bj) in o
                .chunks_exact_mut(m.max(1))
                .zip(bd.chunks_exact(k.max(1)))
                .take(n)
            {
                for (ap, &b_pj) in ad.chunks_exact(m.max(1)).zip(bj).take(k) {
                    for (o_ij, &a_ip) in oj.iter_mut().zip(ap) {
                        *o_ij += a_ip * b_pj;
                    }
                }
            }
        }
        // Aᵀ B: each entry a dot product of two contiguous columns.
        (true, false) => {
            for j in 0..n {
                let bj = &bd[k * j..k * j + k];
                for i in 0..m {
                    o[i + m * j] = crate::dot::dot(&ad[k * i..k * i + k], bj);
                }
            }
        }
        // A Bᵀ: a sum of outer products of columns.
        (false, true) => {
            for p in 0..k {
                let (ap, bp) = (&ad[m * p..m * p + m], &bd[n * p..n * p + n]);
                for j in 0..n {
                    let b_jp = bp[j];
                    let oj = &mut o[m * j..m * j + m];
                    for i in 0..m {
                        oj[i] += ap[i] * b_jp;
                    }
                }
            }
        }
        // Aᵀ Bᵀ = (B A)ᵀ, entry by entry.
        (true, true) => {
            for j in 0..n {
                for i in 0..m {
                    let mut acc = T::zero();
                    for p in 0..k {
                        acc += ad[p + k * i] * bd[j + n * p];
                    }
                    o[i + m * j] = acc;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::vec::Vec;

    use typenum::{U1, U17, U31, U33};

    use crate::dim::{Dim, Dyn};
    use crate::matrix::Matrix;
    use crate::scalar::Scalar;

    /// Small-integer entries: every product is exact in f32 and f64, so each kernel (unrolled
    /// loops, SIMD, outer) must agree with the naive sum to the last bit.
    fn filled<R: Dim, C: Dim, T: Scalar>(r: usize, c: usize, seed: usize) -> Matrix<R, C, T> {
        Matrix::from_fn_generic(R::from_usize(r), C::from_usize(c), |i, j| {
            T::from_f64((((i * 7 + j * 5 + seed * 3) % 11) as f64) - 5.0)
        })
    }

    /// `a · b` by the textbook triple loop, entries in column-major order.
    fn naive<T: Scalar>(a: &[T], b: &[T], m: usize, k: usize, n: usize) -> Vec<T> {
        let mut c = Vec::with_capacity(m * n);
        for j in 0..n {
            for i in 0..m {
                let mut s = T::zero();
                for p in 0..k {
                    s += a[i + m * p] * b[p + k * j];
                }
                c.push(s);
            }
        }
        c
    }

    /// Every thin product (a dimension of 1) the generated code forms, on both sides of the
    /// thin and the outer-product thresholds, plain and with a transposed factor read in
    /// place, non-square, `Dyn`.
    fn thin_products<T: Scalar + core::fmt::Debug>() {
        for &m in &[1usize, 7, 16, 17, 31, 33, 129] {
            for &k in &[1usize, 7, 31, 33, 129] {
                let a: Matrix<Dyn, Dyn, T> = filled(m, k, 1);
                let at: Matrix<Dyn, Dyn, T> = filled(k, m, 1);
                let x: Matrix<Dyn, U1, T> = filled(k, 1, 2);
                let y: Matrix<Dyn, U1, T> = filled(m, 1, 3);
                let ax = naive(a.as_slice(), x.as_slice(), m, k, 1);
                assert_eq!((&a * &x).as_slice(), &ax[..], "A x {m}×{k}");
                let atx = naive(at.t().as_slice(), x.as_slice(), m, k, 1);
                assert_eq!(at.tr_mul(&x).as_slice(), &atx[..], "Aᵀ x {m}×{k}");
                // xᵀ Aᵀ (1 × m): a row vector times a matrix.
                let xtat = naive(x.as_slice(), at.as_slice(), 1, k, m);
                assert_eq!((x.t() * &at).as_slice(), &xtat[..], "xᵀ A {k}×{m}");
                // Outer products y xᵀ (m × k) in each spelling.
                let yxt = naive(y.as_slice(), x.as_slice(), m, 1, k);
                assert_eq!(y.outer(&x).as_slice(), &yxt[..], "outer {m}×{k}");
                assert_eq!(y.mul_tr(&x).as_slice(), &yxt[..], "y xᵀ {m}×{k}");
                assert_eq!((&y * x.t()).as_slice(), &yxt[..], "y * xᵀ {m}×{k}");
                assert_eq!(y.t().tr_mul_tr(&x).as_slice(), &yxt[..], "(yᵀ)ᵀ xᵀ {m}×{k}");
            }
        }
    }

    #[test]
    fn thin_products_match_the_naive_loops_f64() {
        thin_products::<f64>();
    }

    #[test]
    fn thin_products_match_the_naive_loops_f32() {
        thin_products::<f32>();
    }

    /// Static sizes take the same kernels as `Dyn` (the thresholds fold at compile time).
    #[test]
    fn static_thin_products_match_dyn() {
        let a: Matrix<U31, U33> = filled(31, 33, 1);
        let x: Matrix<U33, U1> = filled(33, 1, 2);
        let y: Matrix<U17, U1> = filled(17, 1, 3);
        let ad: Matrix<Dyn, Dyn> = filled(31, 33, 1);
        let xd: Matrix<Dyn, U1> = filled(33, 1, 2);
        let yd: Matrix<Dyn, U1> = filled(17, 1, 3);
        assert_eq!((&a * &x).as_slice(), (&ad * &xd).as_slice());
        assert_eq!(a.t().tr_mul(&x).as_slice(), ad.t().tr_mul(&xd).as_slice());
        assert_eq!(y.outer(&x).as_slice(), yd.outer(&xd).as_slice());
        assert_eq!(x.mul_tr(&y).as_slice(), xd.mul_tr(&yd).as_slice());
    }
}
