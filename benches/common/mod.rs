//! Inputs shared by the benchmarks: deterministic pseudo-random entries, identical for
//! matcalc, nalgebra and num-dual, and the criterion settings.
#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;

/// A deterministic entry in [-1, 1) for matrix `seed` at (i, j) (a SplitMix64 hash).
pub fn entry(seed: u64, i: usize, j: usize) -> f64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((i as u64) << 32 | j as u64)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// Entry (i, j) of a symmetric positive definite n×n matrix: I + (B Bᵀ)/(2n) with B random.
pub fn spd_entry(n: usize, i: usize, j: usize) -> f64 {
    let bbt: f64 = (0..n).map(|k| entry(99, i, k) * entry(99, j, k)).sum();
    bbt / (2 * n) as f64 + if i == j { 1.0 } else { 0.0 }
}

/// ±1 labels.
pub fn label(i: usize) -> f64 {
    if entry(7, i, 0) >= 0.0 {
        1.0
    } else {
        -1.0
    }
}

/// Short settings so that the whole suite runs in minutes on a shared 2-core machine;
/// criterion's command line (`-- --measurement-time 5`) overrides them.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1000))
        .sample_size(20)
        .noise_threshold(0.05)
}
