//! The SIMD kernels against naive loops: every transpose case, odd and non-square sizes,
//! f32 and f64, each instruction set the CPU has.

extern crate alloc;
use alloc::vec::Vec;

use core::mem::MaybeUninit;

use super::{gemm_on, outer_on, Isa};

/// Entries that are small integers, so every product is exact in either precision and the
/// kernels must agree with the naive sum to the last bit.
fn filled(len: usize, seed: usize) -> Vec<f64> {
    (0..len)
        .map(|i| ((i * 7 + seed * 3) % 11) as f64 - 5.0)
        .collect()
}

/// Naive `op(a) op(b)` for column-major storage.
#[allow(clippy::too_many_arguments)]
fn naive(m: usize, k: usize, n: usize, a: &[f64], a_t: bool, b: &[f64], b_t: bool) -> Vec<f64> {
    let at = |i: usize, p: usize| if a_t { a[p + k * i] } else { a[i + m * p] };
    let bt = |p: usize, j: usize| if b_t { b[j + n * p] } else { b[p + k * j] };
    let mut c = alloc::vec![0.0; m * n];
    for j in 0..n {
        for i in 0..m {
            c[i + m * j] = (0..k).map(|p| at(i, p) * bt(p, j)).sum();
        }
    }
    c
}

/// Odd, non-square and thin shapes around the block sizes (4 columns, 2 × 4/8/16 lanes), in
/// every storage case the kernels take, in f64 and f32, with every instruction set this CPU
/// has; `(true, true)` is declined.
#[test]
fn kernels_match_the_naive_product() {
    let sizes = [1usize, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64, 129];
    // An AVX-512 CPU also runs the AVX2 kernels.
    let isas: &[Isa] = match super::isa() {
        Some(Isa::Avx512) => &[Isa::Avx512, Isa::Avx2],
        Some(Isa::Avx2) => &[Isa::Avx2],
        None => &[],
    };
    for &isa in isas {
        for &m in &sizes {
            for &k in &sizes {
                for &n in &[1usize, 2, 5, 7] {
                    for (a_t, b_t) in [(false, false), (false, true), (true, false)] {
                        let (a, b) = (filled(m * k, 1), filled(k * n, 2));
                        let want = naive(m, k, n, &a, a_t, &b, b_t);
                        let mut c = alloc::vec![0.0; m * n];
                        assert!(gemm_on(isa, m, k, n, &a, a_t, &b, b_t, &mut c));
                        assert_eq!(c, want, "{isa:?} {m}×{k}·{k}×{n}, transposed {a_t}/{b_t}");
                        let (a32, b32): (Vec<f32>, Vec<f32>) = (
                            a.iter().map(|&x| x as f32).collect(),
                            b.iter().map(|&x| x as f32).collect(),
                        );
                        let mut c32 = alloc::vec![0.0f32; m * n];
                        assert!(gemm_on(isa, m, k, n, &a32, a_t, &b32, b_t, &mut c32));
                        let want32: Vec<f32> = want.iter().map(|&x| x as f32).collect();
                        assert_eq!(c32, want32, "{isa:?} f32 {m}×{k}·{k}×{n}, {a_t}/{b_t}");
                    }
                }
            }
        }
        // Matrix·vector with more rows than the largest register block (16 vectors: 256
        // f32 rows with AVX-512), plain and transposed vector.
        for &m in &[257usize, 300, 513] {
            for &k in &[1usize, 3, 17] {
                for b_t in [false, true] {
                    let (a, b) = (filled(m * k, 5), filled(k, 6));
                    let want = naive(m, k, 1, &a, false, &b, b_t);
                    let mut c = alloc::vec![0.0; m];
                    assert!(gemm_on(isa, m, k, 1, &a, false, &b, b_t, &mut c));
                    assert_eq!(c, want, "{isa:?} A x {m}×{k}");
                    let a32: Vec<f32> = a.iter().map(|&v| v as f32).collect();
                    let b32: Vec<f32> = b.iter().map(|&v| v as f32).collect();
                    let mut c32 = alloc::vec![0.0f32; m];
                    assert!(gemm_on(isa, m, k, 1, &a32, false, &b32, b_t, &mut c32));
                    let want32: Vec<f32> = want.iter().map(|&v| v as f32).collect();
                    assert_eq!(c32, want32, "{isa:?} f32 A x {m}×{k}");
                }
            }
        }
        for &m in &[1usize, 7, 8, 31, 33, 129] {
            for &n in &[1usize, 2, 7, 31, 33, 129] {
                let (x, y) = (filled(m, 3), filled(n, 4));
                let want = naive(m, 1, n, &x, false, &y, false);
                let mut c = alloc::vec![MaybeUninit::<f64>::uninit(); m * n];
                assert!(outer_on(isa, &x, &y, &mut c));
                // SAFETY: `outer_on` wrote every entry.
                let got: Vec<f64> = c.iter().map(|e| unsafe { e.assume_init() }).collect();
                assert_eq!(got, want, "{isa:?} outer {m}×{n}");
                let (x32, y32): (Vec<f32>, Vec<f32>) = (
                    x.iter().map(|&v| v as f32).collect(),
                    y.iter().map(|&v| v as f32).collect(),
                );
                let mut c32 = alloc::vec![MaybeUninit::<f32>::uninit(); m * n];
                assert!(outer_on(isa, &x32, &y32, &mut c32));
                // SAFETY: as above.
                let got32: Vec<f32> = c32.iter().map(|e| unsafe { e.assume_init() }).collect();
                let want32: Vec<f32> = want.iter().map(|&v| v as f32).collect();
                assert_eq!(got32, want32, "{isa:?} f32 outer {m}×{n}");
            }
        }
        let mut c = alloc::vec![0.0; 4];
        assert!(!gemm_on(
            isa, 2, 2, 2, &[1.0; 4], true, &[1.0; 4], true, &mut c
        ));
    }
}
