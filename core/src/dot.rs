//! The inner product of two slices and the sum of one, shared by the kernels that reduce along
//! contiguous columns (Aᵀ B products, triangular substitutions) and the reductions (`sum`,
//! `dot`, `norm_sq`).
//!
//! A single running sum is one dependency chain (an add's latency per term) and the compiler
//! may not reorder float additions to vectorise it; eight partial sums are two AVX2 registers
//! of independent chains.

use crate::scalar::Scalar;

/// Σ aᵢ bᵢ over the common length, with eight partial sums.
#[inline]
pub(crate) fn dot<T: Scalar>(a: &[T], b: &[T]) -> T {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let split = n / 8 * 8;
    let mut acc = [T::zero(); 8];
    for (x, y) in a[..split].chunks_exact(8).zip(b[..split].chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (&x, &y) in a[split..].iter().zip(&b[split..]) {
        s += x * y;
    }
    s
}

/// Σ aᵢ, with eight partial sums (see [`dot`]).
#[inline]
pub(crate) fn sum<T: Scalar>(a: &[T]) -> T {
    let split = a.len() / 8 * 8;
    let mut acc = [T::zero(); 8];
    for x in a[..split].chunks_exact(8) {
        for k in 0..8 {
            acc[k] += x[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for &x in &a[split..] {
        s += x;
    }
    s
}

#[cfg(test)]
mod tests {
    extern crate alloc;
    use alloc::vec::Vec;

    use super::{dot, sum};

    /// Every length around the block size, against the plain sum (integers: exact).
    #[test]
    fn matches_the_plain_sum() {
        for n in 0..40 {
            let a: Vec<f64> = (0..n).map(|i| (i * 7 % 11) as f64 - 5.0).collect();
            let b: Vec<f64> = (0..n).map(|i| (i * 3 % 13) as f64 - 6.0).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert_eq!(dot(&a, &b), plain, "n = {n}");
            assert_eq!(sum(&a), a.iter().sum::<f64>(), "n = {n}");
        }
    }
}
