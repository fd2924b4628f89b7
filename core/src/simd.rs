//! Product kernels compiled for AVX-512 and for AVX2 + FMA, chosen by the CPU at run time
//! (feature `std`, x86-64): the thin products (matrix·vector, `Aᵀ x`, outer products) and the
//! small products that are too thin for the blocked kernel and too small for faer.
//!
//! Why: the crate is built for baseline x86-64 (SSE2, no fused multiply-add) unless the user
//! sets `target-cpu`, so the portable loops of [`crate::product`] run two lanes wide with a
//! separate multiply and add; faer detects the CPU at run time and was twice as fast on a
//! 128×128 matrix·vector product. These are the same loop orders with fused multiply-adds and
//! register blocking (four columns at a time), inside `#[target_feature]` functions.
//!
//! Results differ from the portable loops by rounding only (a fused multiply-add rounds once).

use core::mem::MaybeUninit;
use core::ops::{Add, Mul};

use crate::float_dispatch::{cast, cast_mut, with_float};
use crate::scalar::Scalar;

/// `f32` or `f64`, with the fused multiply-add the kernels are written in.
trait Float: Copy + Add<Output = Self> + Mul<Output = Self> {
    /// `self · b + c`, rounded once.
    fn fma(self, b: Self, c: Self) -> Self;
    /// `c = Aᵀ B` (see [`dot_form!`]) compiled for `isa`.
    ///
    /// # Safety
    /// The CPU has the features of `isa`.
    unsafe fn dot_form(
        isa: Isa,
        m: usize,
        k: usize,
        n: usize,
        a: &[Self],
        b: &[Self],
        c: &mut [Self],
    );
    /// `c = A x` (see [`matvec_form!`]) compiled for `isa`.
    ///
    /// # Safety
    /// The CPU has the features of `isa`.
    unsafe fn matvec_form(isa: Isa, m: usize, k: usize, a: &[Self], x: &[Self], c: &mut [Self]);
    /// `c += A · op(B)` (see [`axpy_form`]) compiled for `isa`. A method of the concrete
    /// types, not a generic call in [`gemm_on`], so that the kernels are compiled once, here,
    /// and not again in each crate that calls a product (issue 13, build time).
    ///
    /// # Safety
    /// The CPU has the features of `isa`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn axpy_form(
        isa: Isa,
        m: usize,
        k: usize,
        n: usize,
        a: &[Self],
        b: &[Self],
        b_t: bool,
        c: &mut [Self],
    );
    /// `c = x yᵀ` (see [`outer_columns`]) compiled for `isa`; a method of the concrete types
    /// for the same reason as [`Float::axpy_form`].
    ///
    /// # Safety
    /// The CPU has the features of `isa`.
    unsafe fn outer_form(isa: Isa, x: &[Self], y: &[Self], c: &mut [MaybeUninit<Self>]);
}

macro_rules! float {
    ($t:ty, $avx512:ident, $avx2:ident, $mv512:ident, $mv2:ident) => {
        impl Float for $t {
            #[inline(always)]
            fn fma(self, b: Self, c: Self) -> Self {
                self.mul_add(b, c)
            }
            #[inline(always)]
            unsafe fn dot_form(
                isa: Isa,
                m: usize,
                k: usize,
                n: usize,
                a: &[Self],
                b: &[Self],
                c: &mut [Self],
            ) {
                // SAFETY: the caller checked the features.
                unsafe {
                    match isa {
                        Isa::Avx512 => $avx512(m, k, n, a, b, c),
                        Isa::Avx2 => $avx2(m, k, n, a, b, c),
                    }
                }
            }
            #[inline(always)]
            unsafe fn matvec_form(
                isa: Isa,
                m: usize,
                k: usize,
                a: &[Self],
                x: &[Self],
                c: &mut [Self],
            ) {
                // SAFETY: the caller checked the features.
                unsafe {
                    match isa {
                        Isa::Avx512 => $mv512(m, k, a, x, c),
                        Isa::Avx2 => $mv2(m, k, a, x, c),
                    }
                }
            }
            unsafe fn axpy_form(
                isa: Isa,
                m: usize,
                k: usize,
                n: usize,
                a: &[Self],
                b: &[Self],
                b_t: bool,
                c: &mut [Self],
            ) {
                // SAFETY: the caller checked the features.
                unsafe {
                    match isa {
                        Isa::Avx512 => axpy_form_avx512(m, k, n, a, b, b_t, c),
                        Isa::Avx2 => axpy_form_avx2(m, k, n, a, b, b_t, c),
                    }
                }
            }
            unsafe fn outer_form(isa: Isa, x: &[Self], y: &[Self], c: &mut [MaybeUninit<Self>]) {
                // SAFETY: the caller checked the features.
                unsafe {
                    match isa {
                        Isa::Avx512 => outer_avx512(x, y, c),
                        Isa::Avx2 => outer_avx2(x, y, c),
                    }
                }
            }
        }
    };
}
float!(
    f64,
    dot_form_avx512_f64,
    dot_form_avx2_f64,
    matvec_form_avx512_f64,
    matvec_form_avx2_f64
);
float!(
    f32,
    dot_form_avx512_f32,
    dot_form_avx2_f32,
    matvec_form_avx512_f32,
    matvec_form_avx2_f32
);

/// The widest instruction set the kernels are compiled for that this CPU has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Isa {
    Avx512,
    Avx2,
}

/// The detected instruction set; `None` on a CPU without AVX2 and FMA (the caller then uses
/// its portable loops). The detection is cached by `std`: one atomic load per call.
#[inline]
fn isa() -> Option<Isa> {
    if std::arch::is_x86_feature_detected!("avx512f") {
        Some(Isa::Avx512)
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        Some(Isa::Avx2)
    } else {
        None
    }
}

/// `c = op(a) · op(b)` with `op(a)` `m × k` (`a` stored `k × m` when `a_t`) and `op(b)` `k × n`;
/// `c` (`m × n`) must be zero on entry. `false` (nothing done) when `T` is neither `f32` nor
/// `f64`, the CPU lacks AVX2 + FMA, or both operands are transposed (rare; left to the loops).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    a_t: bool,
    b: &[T],
    b_t: bool,
    c: &mut [T],
) -> bool {
    let Some(isa) = isa() else { return false };
    gemm_on(isa, m, k, n, a, a_t, b, b_t, c)
}

/// [`gemm`] with the kernels for `isa`, which the CPU must have.
#[allow(clippy::too_many_arguments)]
fn gemm_on<T: Scalar>(
    isa: Isa,
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    a_t: bool,
    b: &[T],
    b_t: bool,
    c: &mut [T],
) -> bool {
    if a_t && b_t {
        return false;
    }
    assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
    if m == 0 || n == 0 {
        return true;
    }
    with_float!(T; F; [a, b], [c] => {
        // SAFETY: the caller found the features of `isa`.
        unsafe {
            match (isa, a_t) {
                (_, true) => F::dot_form(isa, m, k, n, a, b, c),
                // Either storage of a vector is its entries in order.
                (_, false) if n == 1 => F::matvec_form(isa, m, k, a, b, c),
                (_, false) => F::axpy_form(isa, m, k, n, a, b, b_t, c),
            }
        }
    })
}

/// `c = x yᵀ` (`c` is `x.len() × y.len()`, column-major), every entry written once into
/// uninitialised memory: no zero fill and no read of `c`. `false` (nothing written) when `T`
/// is neither `f32` nor `f64` or the CPU lacks AVX2 + FMA.
#[inline(never)]
pub(crate) fn outer<T: Scalar>(x: &[T], y: &[T], c: &mut [MaybeUninit<T>]) -> bool {
    let Some(isa) = isa() else { return false };
    outer_on(isa, x, y, c)
}

/// [`outer`] with the kernel for `isa`, which the CPU must have.
fn outer_on<T: Scalar>(isa: Isa, x: &[T], y: &[T], c: &mut [MaybeUninit<T>]) -> bool {
    assert_eq!(c.len(), x.len() * y.len());
    macro_rules! run {
        ($F:ty) => {
            if let (Some(x), Some(y), Some(c)) = (
                cast::<T, $F>(x),
                cast::<T, $F>(y),
                cast_mut::<MaybeUninit<T>, MaybeUninit<$F>>(c),
            ) {
                // SAFETY: the caller found the features of `isa`.
                unsafe { <$F as Float>::outer_form(isa, x, y, c) };
                return true;
            }
        };
    }
    run!(f64);
    run!(f32);
    false
}

/// [`outer_columns`] compiled for AVX-512.
#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
fn outer_avx512<F: Float>(x: &[F], y: &[F], c: &mut [MaybeUninit<F>]) {
    outer_columns(x, y, c)
}

/// [`outer_columns`] compiled for AVX2 + FMA.
#[target_feature(enable = "avx2,fma")]
fn outer_avx2<F: Float>(x: &[F], y: &[F], c: &mut [MaybeUninit<F>]) {
    outer_columns(x, y, c)
}

/// Column j of C is `x · y[j]`: one vectorised pass of stores, the compiler's loop at the width
/// of the enclosing `target_feature`.
#[inline(always)]
fn outer_columns<F: Float>(x: &[F], y: &[F], c: &mut [MaybeUninit<F>]) {
    for (cj, &yj) in c.chunks_exact_mut(x.len().max(1)).zip(y) {
        for (o, &xi) in cj.iter_mut().zip(x) {
            o.write(xi * yj);
        }
    }
}

/// [`axpy_form`] compiled for AVX-512.
#[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
fn axpy_form_avx512<F: Float>(
    m: usize,
    k: usize,
    n: usize,
    a: &[F],
    b: &[F],
    b_t: bool,
    c: &mut [F],
) {
    axpy_form_either(m, k, n, a, b, b_t, c)
}

/// [`axpy_form`] compiled for AVX2 + FMA.
#[target_feature(enable = "avx2,fma")]
fn axpy_form_avx2<F: Float>(
    m: usize,
    k: usize,
    n: usize,
    a: &[F],
    b: &[F],
    b_t: bool,
    c: &mut [F],
) {
    axpy_form_either(m, k, n, a, b, b_t, c)
}

/// [`axpy_form`] with B read in place or transposed.
#[inline(always)]
fn axpy_form_either<F: Float>(
    m: usize,
    k: usize,
    n: usize,
    a: &[F],
    b: &[F],
    b_t: bool,
    c: &mut [F],
) {
    if b_t {
        axpy_form(m, k, n, a, c, |p, j| b[j + n * p]);
    } else {
        axpy_form(m, k, n, a, c, |p, j| b[p + k * j]);
    }
}

/// `c += A · op(B)` for A stored `m × k`: column j of C gains `A[:, p] op(B)[p, j]` for every p,
/// four columns of A per pass over it (one load and store of C per four multiply-adds).
#[inline(always)]
fn axpy_form<F: Float>(
    m: usize,
    k: usize,
    n: usize,
    a: &[F],
    c: &mut [F],
    b_at: impl Fn(usize, usize) -> F,
) {
    let col = |p: usize| &a[m * p..m * p + m];
    for (j, cj) in c.chunks_exact_mut(m).take(n).enumerate() {
        let mut p = 0;
        while p + 4 <= k {
            let (a0, a1, a2, a3) = (col(p), col(p + 1), col(p + 2), col(p + 3));
            let (b0, b1, b2, b3) = (b_at(p, j), b_at(p + 1, j), b_at(p + 2, j), b_at(p + 3, j));
            for ((((o, &x0), &x1), &x2), &x3) in cj.iter_mut().zip(a0).zip(a1).zip(a2).zip(a3) {
                *o = x3.fma(b3, x2.fma(b2, x1.fma(b1, x0.fma(b0, *o))));
            }
            p += 4;
        }
        for p in p..k {
            let bp = b_at(p, j);
            for (o, &x) in cj.iter_mut().zip(col(p)) {
                *o = x.fma(bp, *o);
            }
        }
    }
}

/// Declares `$name`: `c = Aᵀ B` for A stored `k × m` and B `k × n`, compiled for `$feature`
/// with the vector type `$V` of `$lanes` lanes of `$F`. Each entry is the inner product of two
/// contiguous columns; four columns of A go against one of B at a time, each accumulated in two
/// vectors: eight independent dependency chains, enough to keep both FMA units busy, and one
/// load of B per four columns.
///
/// Written with intrinsics: left to itself, the compiler vectorised the four accumulators
/// across the columns (gathering A) and ran four times slower than faer.
macro_rules! dot_form {
    ($name:ident, $feature:literal, $F:ty, $V:ty, $lanes:literal,
     $load:ident, $store:ident, $fma:ident, $add:ident, $zero:ident) => {
        #[target_feature(enable = $feature)]
        fn $name(m: usize, k: usize, n: usize, a: &[$F], b: &[$F], c: &mut [$F]) {
            use core::arch::x86_64::*;
            const L: usize = $lanes;
            let blocks = k / (2 * L) * (2 * L);
            assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
            for j in 0..n {
                let bj = &b[k * j..k * j + k];
                let mut i = 0;
                while i < m {
                    // Four columns of A, or what is left (repeating the last: computed twice,
                    // stored once).
                    let cols = [
                        i,
                        (i + 1).min(m - 1),
                        (i + 2).min(m - 1),
                        (i + 3).min(m - 1),
                    ];
                    let at = cols.map(|r| &a[k * r..k * r + k]);
                    let mut s = [[$zero(); 2]; 4];
                    let mut p = 0;
                    while p < blocks {
                        // SAFETY: p + 2L ≤ blocks ≤ k, the length of `bj` and of each column.
                        unsafe {
                            let x0 = $load(bj.as_ptr().add(p));
                            let x1 = $load(bj.as_ptr().add(p + L));
                            for (s_r, a_r) in s.iter_mut().zip(&at) {
                                s_r[0] = $fma($load(a_r.as_ptr().add(p)), x0, s_r[0]);
                                s_r[1] = $fma($load(a_r.as_ptr().add(p + L)), x1, s_r[1]);
                            }
                        }
                        p += 2 * L;
                    }
                    for (r, (s_r, a_r)) in s.iter().zip(&at).enumerate().take(m - i) {
                        let mut lanes = [0.0 as $F; L];
                        // SAFETY: `lanes` holds L entries.
                        unsafe { $store(lanes.as_mut_ptr(), $add(s_r[0], s_r[1])) };
                        let sum = lanes.iter().fold(0.0 as $F, |acc, &x| acc + x);
                        c[i + r + m * j] = tail_dot(&a_r[blocks..], &bj[blocks..], sum);
                    }
                    i += 4;
                }
            }
        }
    };
}

dot_form!(
    dot_form_avx512_f64,
    "avx512f",
    f64,
    __m512d,
    8,
    _mm512_loadu_pd,
    _mm512_storeu_pd,
    _mm512_fmadd_pd,
    _mm512_add_pd,
    _mm512_setzero_pd
);
dot_form!(
    dot_form_avx512_f32,
    "avx512f",
    f32,
    __m512,
    16,
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps,
    _mm512_setzero_ps
);
dot_form!(
    dot_form_avx2_f64,
    "avx2,fma",
    f64,
    __m256d,
    4,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_fmadd_pd,
    _mm256_add_pd,
    _mm256_setzero_pd
);
dot_form!(
    dot_form_avx2_f32,
    "avx2,fma",
    f32,
    __m256,
    8,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_fmadd_ps,
    _mm256_add_ps,
    _mm256_setzero_ps
);

/// Declares `$name`: `c = A x` for A stored `m × k`, compiled for `$feature` with the vector
/// type `$V` of `$lanes` lanes of `$F`. A block of rows stays in registers across all k
/// columns: `$big` vectors (half the vector registers) in one set, then four vectors in two
/// sets (even and odd columns, eight independent chains), then one. One load of A per fused
/// multiply-add, C written once, A read in runs of `$big` vectors down each column (all of it
/// in order when m ≤ `$big`·L). The column-at-a-time form ([`axpy_form`]) loads and stores C
/// every four columns; its chains of four dependent multiply-adds through C made a 32×32
/// product latency-bound (2× slower), and a block of only four vectors, read in short strided
/// runs, lost to it at m = 128 … 512 (1.4× at 512).
macro_rules! matvec_form {
    ($name:ident, $feature:literal, $F:ty, $V:ty, $lanes:literal, $big:literal,
     $load:ident, $store:ident, $fma:ident, $add:ident, $zero:ident, $set1:ident) => {
        #[target_feature(enable = $feature)]
        fn $name(m: usize, k: usize, a: &[$F], x: &[$F], c: &mut [$F]) {
            use core::arch::x86_64::*;
            const L: usize = $lanes;
            assert!(a.len() >= m * k && x.len() >= k && c.len() >= m);
            /// Rows `i .. i + V·L` of `A x` into `c`, accumulated in `H` sets (columns
            /// p ≡ h mod H in set h).
            #[inline]
            #[target_feature(enable = $feature)]
            fn rows<const V: usize, const H: usize>(
                i: usize,
                m: usize,
                k: usize,
                a: &[$F],
                x: &[$F],
                c: &mut [$F],
            ) {
                let mut s = [[$zero(); V]; H];
                let mut p = 0;
                // SAFETY (every load and store): i + V·L ≤ m, so column p's rows
                // i .. i + V·L lie in `a` (m·k entries) and rows i .. i + V·L in `c`.
                unsafe {
                    while p + H <= k {
                        for (h, s_h) in s.iter_mut().enumerate() {
                            let xp = $set1(x[p + h]);
                            let col = a.as_ptr().add(m * (p + h) + i);
                            for (v, s_hv) in s_h.iter_mut().enumerate() {
                                *s_hv = $fma($load(col.add(v * L)), xp, *s_hv);
                            }
                        }
                        p += H;
                    }
                    for (p, s_h) in (p..k).zip(s.iter_mut()) {
                        let xp = $set1(x[p]);
                        let col = a.as_ptr().add(m * p + i);
                        for (v, s_hv) in s_h.iter_mut().enumerate() {
                            *s_hv = $fma($load(col.add(v * L)), xp, *s_hv);
                        }
                    }
                    for v in 0..V {
                        let sum = s.iter().skip(1).fold(s[0][v], |acc, s_h| $add(acc, s_h[v]));
                        $store(c.as_mut_ptr().add(i + v * L), sum);
                    }
                }
            }
            let mut i = 0;
            // As many rows as the registers hold, in one set: A is then read in long runs
            // down each column (all of it, sequentially, when m ≤ $big·L).
            while i + $big * L <= m {
                rows::<$big, 1>(i, m, k, a, x, c);
                i += $big * L;
            }
            while i + 4 * L <= m {
                rows::<4, 2>(i, m, k, a, x, c);
                i += 4 * L;
            }
            while i + L <= m {
                rows::<1, 2>(i, m, k, a, x, c);
                i += L;
            }
            // The last rows, fewer than a vector.
            for (i, c_i) in c.iter_mut().enumerate().take(m).skip(i) {
                *c_i = (0..k).fold(0.0, |s, p| a[i + m * p].mul_add(x[p], s));
            }
        }
    };
}

matvec_form!(
    matvec_form_avx512_f64,
    "avx512f",
    f64,
    __m512d,
    8,
    16,
    _mm512_loadu_pd,
    _mm512_storeu_pd,
    _mm512_fmadd_pd,
    _mm512_add_pd,
    _mm512_setzero_pd,
    _mm512_set1_pd
);
matvec_form!(
    matvec_form_avx512_f32,
    "avx512f",
    f32,
    __m512,
    16,
    16,
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_fmadd_ps,
    _mm512_add_ps,
    _mm512_setzero_ps,
    _mm512_set1_ps
);
matvec_form!(
    matvec_form_avx2_f64,
    "avx2,fma",
    f64,
    __m256d,
    4,
    8,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_fmadd_pd,
    _mm256_add_pd,
    _mm256_setzero_pd,
    _mm256_set1_pd
);
matvec_form!(
    matvec_form_avx2_f32,
    "avx2,fma",
    f32,
    __m256,
    8,
    8,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_fmadd_ps,
    _mm256_add_ps,
    _mm256_setzero_ps,
    _mm256_set1_ps
);

/// `s + Σ xᵢ yᵢ` over the (shorter than a block) tails.
#[inline(always)]
fn tail_dot<F: Float>(x: &[F], y: &[F], s: F) -> F {
    x.iter().zip(y).fold(s, |s, (&x, &y)| x.fma(y, s))
}

#[cfg(test)]
mod tests;
