//! Inputs shared by the benchmarks: deterministic pseudo-random entries, identical for
//! matcalc, nalgebra and num-dual, the check that two implementations agree before they are
//! timed, and the criterion settings. Every bench target includes this module, so each uses
//! only part of it.
#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;
use nalgebra::{DefaultAllocator, Dim, OMatrix};

pub mod workloads;

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

/// `rows`×`cols` nalgebra matrix (`SMatrix` for `Const` dimensions, `DMatrix` for `Dyn`) with
/// entries `f(i, j)`: the peers' inputs, equal entry for entry to matcalc's `from_fn(f)`.
pub fn na<R: Dim, C: Dim>(rows: R, cols: C, f: impl Fn(usize, usize) -> f64) -> OMatrix<f64, R, C>
where
    DefaultAllocator: nalgebra::allocator::Allocator<R, C>,
{
    OMatrix::from_fn_generic(rows, cols, f)
}

/// `f(i, j) = entry(seed, i, j)`, for `from_fn`.
pub fn seeded(seed: u64) -> impl Fn(usize, usize) -> f64 + Copy {
    move |i, j| entry(seed, i, j)
}

/// `f(i, j) = scale · entry(seed, i, j)` (weights of a layer kept in tanh's active range).
pub fn scaled(seed: u64, scale: f64) -> impl Fn(usize, usize) -> f64 + Copy {
    move |i, j| scale * entry(seed, i, j)
}

/// The entries of a result, column-major, so that a matcalc result and a nalgebra one can be
/// compared number by number (tuples: value, then derivatives, in order).
pub trait Entries {
    fn entries(&self) -> Vec<f64>;
}

impl Entries for f64 {
    fn entries(&self) -> Vec<f64> {
        vec![*self]
    }
}

impl<R: matcalc::Dim, C: matcalc::Dim> Entries for matcalc::Matrix<R, C> {
    fn entries(&self) -> Vec<f64> {
        self.as_slice().to_vec()
    }
}

impl<R: Dim, C: Dim> Entries for OMatrix<f64, R, C>
where
    DefaultAllocator: nalgebra::allocator::Allocator<R, C>,
{
    fn entries(&self) -> Vec<f64> {
        self.as_slice().to_vec()
    }
}

impl Entries for Vec<f64> {
    fn entries(&self) -> Vec<f64> {
        self.clone()
    }
}

impl<A: Entries, B: Entries> Entries for (A, B) {
    fn entries(&self) -> Vec<f64> {
        [self.0.entries(), self.1.entries()].concat()
    }
}

impl<A: Entries, B: Entries, C: Entries> Entries for (A, B, C) {
    fn entries(&self) -> Vec<f64> {
        [self.0.entries(), self.1.entries(), self.2.entries()].concat()
    }
}

/// Panics unless `got` and `want` agree entry by entry to a relative 1e-9: every pair of
/// implementations is checked this way before it is timed.
pub fn assert_agree(what: &str, got: &impl Entries, want: &impl Entries) {
    let (got, want) = (got.entries(), want.entries());
    assert_eq!(got.len(), want.len(), "{what}: number of entries");
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            "{what}, entry {k}: {g} vs {w}"
        );
    }
}

/// Times implementations of one case side by side as `GROUP/IMPL/n`, each after checking that
/// it agrees with the first (matcalc), entry by entry, and evaluates to the first's entries
/// (for `check_and_time` of an implementation that exists only at some sizes):
///
/// ```ignore
/// compare!(c, "lstsq", n,
///     "matcalc" => || generated(black_box(&w), ..),
///     "nalgebra-static" => || hand(black_box(&ws), ..),
///     "nalgebra-dynamic" if n == 128 => || hand(black_box(&wd), ..),
/// );
/// ```
///
/// An implementation with `if COND` is checked and timed only where COND holds.
#[allow(unused_macros)]
macro_rules! compare {
    ($c:expr, $group:expr, $n:expr, $first:literal => $f0:expr
     $(, $imp:literal $(if $cond:expr)? => $f:expr)* $(,)?) => {{
        let (group, n): (&str, usize) = ($group, $n);
        // Each closure is written out twice, to check and to time (see `check_and_time!`).
        let want = common::Entries::entries(&($f0)());
        let mut g = $c.benchmark_group(group);
        g.bench_function(criterion::BenchmarkId::new($first, n), |b| b.iter($f0));
        g.finish();
        $(
            if true $(&& $cond)? {
                common::check_and_time!($c, group, $imp, n, &want, $f);
            }
        )*
        want
    }};
}
#[allow(unused_imports)]
pub(crate) use compare;

/// Checks that the implementation `$f` (a closure expression) computes `$want` (the entries of
/// the case's first implementation), then times it as `GROUP/IMPL/n`.
///
/// The closure is written out twice, once to check and once to time, so that the timed one has
/// a single call site and is inlined into criterion's loop like a closure written in place. One
/// closure called from both places can stay an out-of-line call: at n = 3 that call (and its
/// result returned through memory) cost 4 ns, more than the work, on matcalc's side only.
#[allow(unused_macros)]
macro_rules! check_and_time {
    ($c:expr, $group:expr, $imp:expr, $n:expr, $want:expr, $f:expr) => {{
        let (group, imp, n): (&str, &str, usize) = ($group, $imp, $n);
        common::assert_agree(&format!("{group}/{imp}/{n}"), &($f)(), &$want.to_vec());
        let mut g = $c.benchmark_group(group);
        g.bench_function(criterion::BenchmarkId::new(imp, n), |b| b.iter($f));
        g.finish();
    }};
}
#[allow(unused_imports)]
pub(crate) use check_and_time;

/// softplus(x) = log(1 + eˣ), without overflow for large |x|.
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// The logistic function 1 / (1 + e⁻ˣ).
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
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
