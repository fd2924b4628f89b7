//! Run-time benchmarks of the first-order workloads of issue 5 (seed, lstsq, gauss, mlp):
//! matcalc-generated `NAME_grad` against the same closed form hand-written with nalgebra
//! (`SMatrix` at every n, `DMatrix` too at n = 128) and, at n ∈ {3, 8}, against forward-mode
//! autodiff with num-dual. Value and derivative are computed in every call, in f64.
//!
//! Criterion ids are `WORKLOAD/IMPL/n`; `scripts/bench-report` turns them into a table and plot.
//! The second-order workloads (logreg-hess, seed-jac) are in `second_order.rs`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use nalgebra::{Const, DMatrix, DVector, DimMin, SMatrix, SVector};
use num_dual::{gradient, DualNum, DualSVec64};

mod common;
use common::{config, entry, spd_entry};

/// The four workloads as matcalc DSL functions at one concrete size.
macro_rules! matcalc_workloads {
    ($m:ident, $n:ident) => {
        // The plain functions are generated too; only their `_grad` companions are timed.
        #[allow(non_snake_case, dead_code)]
        mod $m {
            use matcalc::prelude::*;
            pub type N = $n;

            #[grad(X)]
            pub fn seed(X: &Matrix<$n, $n>, Y: &Matrix<$n, $n>) -> f64 {
                sum(X * Y)
            }

            #[grad(W)]
            pub fn lstsq(W: &Matrix<$n, $n>, x: &Vector<$n>, y: &Vector<$n>) -> f64 {
                0.5 * norm_sq(W * x - y)
            }

            #[grad(S)]
            pub fn gauss(S: &Matrix<$n, $n>, A: &Matrix<$n, $n>) -> f64 {
                logdet(S) + tr(inv(S) * A)
            }

            #[grad(W1, W2)]
            pub fn mlp(
                W1: &Matrix<$n, $n>,
                W2: &Matrix<$n, $n>,
                x: &Vector<$n>,
                y: &Vector<$n>,
            ) -> f64 {
                0.5 * norm_sq(W2 * tanh(W1 * x) - y)
            }
        }
    };
}

matcalc_workloads!(s3, U3);
matcalc_workloads!(s8, U8);
matcalc_workloads!(s32, U32);
matcalc_workloads!(s128, U128);

// ---- The same closed forms, hand-written with nalgebra (as a careful person would). ----

type SM<const N: usize> = SMatrix<f64, N, N>;
type SV<const N: usize> = SVector<f64, N>;

fn seed_s<const N: usize>(x: &SM<N>, y: &SM<N>) -> (f64, SM<N>) {
    // ∇X = 𝟙 Yᵀ, as the formula reads.
    ((x * y).sum(), SM::<N>::repeat(1.0) * y.transpose())
}

fn seed_d(x: &DMatrix<f64>, y: &DMatrix<f64>) -> (f64, DMatrix<f64>) {
    let n = x.nrows();
    ((x * y).sum(), DMatrix::repeat(n, n, 1.0) * y.transpose())
}

fn lstsq_s<const N: usize>(w: &SM<N>, x: &SV<N>, y: &SV<N>) -> (f64, SM<N>) {
    let r = w * x - y;
    (0.5 * r.norm_squared(), r * x.transpose())
}

fn lstsq_d(w: &DMatrix<f64>, x: &DVector<f64>, y: &DVector<f64>) -> (f64, DMatrix<f64>) {
    let r = w * x - y;
    (0.5 * r.norm_squared(), &r * x.transpose())
}

fn gauss_s<const N: usize>(s: &SM<N>, a: &SM<N>) -> (f64, SM<N>)
where
    Const<N>: DimMin<Const<N>, Output = Const<N>>,
{
    let lu = s.lu();
    let logdet = lu.determinant().abs().ln();
    let si = lu.try_inverse().expect("S is SPD");
    let sit = si.transpose();
    (logdet + (si * a).trace(), sit - sit * a.transpose() * sit)
}

fn gauss_d(s: &DMatrix<f64>, a: &DMatrix<f64>) -> (f64, DMatrix<f64>) {
    let lu = s.clone().lu();
    let logdet = lu.determinant().abs().ln();
    let si = lu.try_inverse().expect("S is SPD");
    let sit = si.transpose();
    let g = &sit - &sit * a.transpose() * &sit;
    (logdet + (si * a).trace(), g)
}

fn mlp_s<const N: usize>(w1: &SM<N>, w2: &SM<N>, x: &SV<N>, y: &SV<N>) -> (f64, SM<N>, SM<N>) {
    let h = (w1 * x).map(f64::tanh);
    let r = w2 * h - y;
    let d = w2.tr_mul(&r).component_mul(&h.map(|t| 1.0 - t * t));
    (0.5 * r.norm_squared(), d * x.transpose(), r * h.transpose())
}

fn mlp_d(
    w1: &DMatrix<f64>,
    w2: &DMatrix<f64>,
    x: &DVector<f64>,
    y: &DVector<f64>,
) -> (f64, DMatrix<f64>, DMatrix<f64>) {
    let h = (w1 * x).map(f64::tanh);
    let r = w2 * &h - y;
    let d = w2.tr_mul(&r).component_mul(&h.map(|t| 1.0 - t * t));
    (
        0.5 * r.norm_squared(),
        d * x.transpose(),
        &r * h.transpose(),
    )
}

// ---- Forward mode with num-dual: the function written once over dual numbers. ----

type Dual<const D: usize> = DualSVec64<D>;

/// The first `N·N` variables as an N×N matrix (column-major), from index `offset`.
fn dual_matrix<const N: usize, const D: usize>(
    v: &SVector<Dual<D>, D>,
    offset: usize,
) -> SMatrix<Dual<D>, N, N> {
    SMatrix::from_fn(|i, j| v[offset + i + N * j])
}

fn constant<const N: usize, const D: usize>(v: &SV<N>) -> SVector<Dual<D>, N> {
    v.map(Dual::from_re)
}

fn flat<const N: usize, const D: usize>(ms: &[&SM<N>]) -> SVector<f64, D> {
    SVector::from_iterator(ms.iter().flat_map(|m| m.iter().copied()))
}

fn seed_dual<const N: usize, const D: usize>(x: &SM<N>, y: &SM<N>) -> (f64, SVector<f64, D>) {
    let yd = y.map(Dual::<D>::from_re);
    gradient(
        |v: SVector<Dual<D>, D>| (dual_matrix::<N, D>(&v, 0) * yd).sum(),
        &flat(&[x]),
    )
}

fn lstsq_dual<const N: usize, const D: usize>(
    w: &SM<N>,
    x: &SV<N>,
    y: &SV<N>,
) -> (f64, SVector<f64, D>) {
    let (xd, yd) = (constant::<N, D>(x), constant::<N, D>(y));
    gradient(
        |v: SVector<Dual<D>, D>| (dual_matrix::<N, D>(&v, 0) * xd - yd).norm_squared() * 0.5,
        &flat(&[w]),
    )
}

fn gauss_dual<const N: usize, const D: usize>(s: &SM<N>, a: &SM<N>) -> (f64, SVector<f64, D>)
where
    Const<N>: DimMin<Const<N>, Output = Const<N>>,
{
    let ad = a.map(Dual::<D>::from_re);
    gradient::<_, f64, Const<D>, _>(
        |v: SVector<Dual<D>, D>| {
            let lu = dual_matrix::<N, D>(&v, 0).lu();
            // S is SPD: the determinant is positive.
            let logdet = lu.determinant().ln();
            let si = lu.try_inverse().expect("S is SPD");
            logdet + (si * ad).trace()
        },
        &flat(&[s]),
    )
}

fn mlp_dual<const N: usize, const D: usize>(
    w1: &SM<N>,
    w2: &SM<N>,
    x: &SV<N>,
    y: &SV<N>,
) -> (f64, SVector<f64, D>) {
    let (xd, yd) = (constant::<N, D>(x), constant::<N, D>(y));
    gradient(
        |v: SVector<Dual<D>, D>| {
            let h = (dual_matrix::<N, D>(&v, 0) * xd).map(|z| z.tanh());
            (dual_matrix::<N, D>(&v, N * N) * h - yd).norm_squared() * 0.5
        },
        &flat(&[w1, w2]),
    )
}

// ---- The benchmarks. ----

fn sm<const N: usize>(f: impl Fn(usize, usize) -> f64) -> SM<N> {
    SM::<N>::from_fn(f)
}

fn sv<const N: usize>(seed: u64) -> SV<N> {
    SV::<N>::from_fn(|i, _| entry(seed, i, 0))
}

fn dm(n: usize, f: impl Fn(usize, usize) -> f64) -> DMatrix<f64> {
    DMatrix::from_fn(n, n, f)
}

fn dv(n: usize, seed: u64) -> DVector<f64> {
    DVector::from_fn(n, |i, _| entry(seed, i, 0))
}

/// Runs `$body` only where num-dual is measured (n ∈ {3, 8}).
macro_rules! with_dual {
    (dual, $body:block) => {
        $body
    };
    (nodual, $body:block) => {};
}

/// nalgebra's static LU (`determinant`, `try_inverse`) needs `Const<N>: DimMin`, which nalgebra
/// implements only up to 127: at n = 128 gauss has no `SMatrix` version.
macro_rules! with_static_lu {
    (lu, $body:block) => {
        $body
    };
    (nolu, $body:block) => {};
}

/// One size of every workload: matcalc, nalgebra `SMatrix`, `DMatrix` at 128, num-dual.
macro_rules! bench_size {
    ($c:ident, $m:ident, $n:literal, $dual:ident, $lu:ident) => {{
        type M = matcalc::Matrix<$m::N, $m::N>;
        type V = matcalc::Vector<$m::N>;
        let a = |seed: u64| move |i: usize, j: usize| entry(seed, i, j);
        let spd = |i: usize, j: usize| spd_entry($n, i, j);
        let vec = |seed: u64| V::from_fn(|i, _| entry(seed, i, 0));
        let dynamic = $n == 128;

        // seed: sum(X Y)
        {
            let mut g = group($c, "seed");
            let (x, y) = (M::from_fn(a(1)), M::from_fn(a(2)));
            g.bench_function(BenchmarkId::new("matcalc", $n), |b| {
                b.iter(|| $m::seed_grad(black_box(&x), black_box(&y)))
            });
            let (x, y) = (sm::<$n>(a(1)), sm::<$n>(a(2)));
            g.bench_function(BenchmarkId::new("nalgebra-static", $n), |b| {
                b.iter(|| seed_s(black_box(&x), black_box(&y)))
            });
            if dynamic {
                let (x, y) = (dm($n, a(1)), dm($n, a(2)));
                g.bench_function(BenchmarkId::new("nalgebra-dynamic", $n), |b| {
                    b.iter(|| seed_d(black_box(&x), black_box(&y)))
                });
            }
            with_dual!($dual, {
                g.bench_function(BenchmarkId::new("num-dual", $n), |b| {
                    b.iter(|| seed_dual::<$n, { $n * $n }>(black_box(&x), black_box(&y)))
                });
            });
        }

        // lstsq: ½‖W x − y‖²
        {
            let mut g = group($c, "lstsq");
            let (w, x, y) = (M::from_fn(a(3)), vec(4), vec(5));
            g.bench_function(BenchmarkId::new("matcalc", $n), |b| {
                b.iter(|| $m::lstsq_grad(black_box(&w), black_box(&x), black_box(&y)))
            });
            let (w, x, y) = (sm::<$n>(a(3)), sv::<$n>(4), sv::<$n>(5));
            g.bench_function(BenchmarkId::new("nalgebra-static", $n), |b| {
                b.iter(|| lstsq_s(black_box(&w), black_box(&x), black_box(&y)))
            });
            if dynamic {
                let (w, x, y) = (dm($n, a(3)), dv($n, 4), dv($n, 5));
                g.bench_function(BenchmarkId::new("nalgebra-dynamic", $n), |b| {
                    b.iter(|| lstsq_d(black_box(&w), black_box(&x), black_box(&y)))
                });
            }
            with_dual!($dual, {
                g.bench_function(BenchmarkId::new("num-dual", $n), |b| {
                    b.iter(|| {
                        lstsq_dual::<$n, { $n * $n }>(black_box(&w), black_box(&x), black_box(&y))
                    })
                });
            });
        }

        // gauss: logdet(S) + tr(S⁻¹ A)
        {
            let mut g = group($c, "gauss");
            let (s, am) = (M::from_fn(spd), M::from_fn(a(6)));
            g.bench_function(BenchmarkId::new("matcalc", $n), |b| {
                b.iter(|| $m::gauss_grad(black_box(&s), black_box(&am)))
            });
            with_static_lu!($lu, {
                let (s, am) = (sm::<$n>(spd), sm::<$n>(a(6)));
                g.bench_function(BenchmarkId::new("nalgebra-static", $n), |b| {
                    b.iter(|| gauss_s(black_box(&s), black_box(&am)))
                });
            });
            if dynamic {
                let (s, am) = (dm($n, spd), dm($n, a(6)));
                g.bench_function(BenchmarkId::new("nalgebra-dynamic", $n), |b| {
                    b.iter(|| gauss_d(black_box(&s), black_box(&am)))
                });
            }
            with_dual!($dual, {
                g.bench_function(BenchmarkId::new("num-dual", $n), |b| {
                    let (s, am) = (sm::<$n>(spd), sm::<$n>(a(6)));
                    b.iter(|| gauss_dual::<$n, { $n * $n }>(black_box(&s), black_box(&am)))
                });
            });
        }

        // mlp: ½‖W₂ tanh(W₁ x) − y‖², gradients with respect to W₁ and W₂
        {
            let mut g = group($c, "mlp");
            let scale = 1.0 / ($n as f64).sqrt();
            let w = |seed: u64| move |i: usize, j: usize| scale * entry(seed, i, j);
            let (w1, w2, x, y) = (M::from_fn(w(7)), M::from_fn(w(8)), vec(9), vec(10));
            g.bench_function(BenchmarkId::new("matcalc", $n), |b| {
                b.iter(|| {
                    $m::mlp_grad(black_box(&w1), black_box(&w2), black_box(&x), black_box(&y))
                })
            });
            let (w1, w2, x, y) = (sm::<$n>(w(7)), sm::<$n>(w(8)), sv::<$n>(9), sv::<$n>(10));
            g.bench_function(BenchmarkId::new("nalgebra-static", $n), |b| {
                b.iter(|| mlp_s(black_box(&w1), black_box(&w2), black_box(&x), black_box(&y)))
            });
            if dynamic {
                let (w1, w2, x, y) = (dm($n, w(7)), dm($n, w(8)), dv($n, 9), dv($n, 10));
                g.bench_function(BenchmarkId::new("nalgebra-dynamic", $n), |b| {
                    b.iter(|| mlp_d(black_box(&w1), black_box(&w2), black_box(&x), black_box(&y)))
                });
            }
            with_dual!($dual, {
                g.bench_function(BenchmarkId::new("num-dual", $n), |b| {
                    b.iter(|| {
                        mlp_dual::<$n, { 2 * $n * $n }>(
                            black_box(&w1),
                            black_box(&w2),
                            black_box(&x),
                            black_box(&y),
                        )
                    })
                });
            });
        }
    }};
}

fn group<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> BenchmarkGroup<'c, criterion::measurement::WallTime> {
    c.benchmark_group(name)
}

fn n3(c: &mut Criterion) {
    bench_size!(c, s3, 3, dual, lu);
}

fn n8(c: &mut Criterion) {
    bench_size!(c, s8, 8, dual, lu);
}

fn n32(c: &mut Criterion) {
    bench_size!(c, s32, 32, nodual, lu);
}

fn n128(c: &mut Criterion) {
    bench_size!(c, s128, 128, nodual, nolu);
}

/// The generated gradients agree with the hand-written ones (checked once before timing).
fn agree(_: &mut Criterion) {
    let a = |seed: u64| move |i: usize, j: usize| entry(seed, i, j);
    let (x, y) = (
        matcalc::Matrix::<s8::N, s8::N>::from_fn(a(1)),
        matcalc::Matrix::<s8::N, s8::N>::from_fn(a(2)),
    );
    let (v, g) = s8::seed_grad(&x, &y);
    let (vn, gn) = seed_s::<8>(&sm(a(1)), &sm(a(2)));
    assert!(
        (v - vn).abs() < 1e-9
            && (g.as_slice().iter().zip(gn.iter())).all(|(p, q)| (p - q).abs() < 1e-9)
    );
    let spd = |i: usize, j: usize| spd_entry(8, i, j);
    let (v, g) = s8::gauss_grad(
        &matcalc::Matrix::from_fn(spd),
        &matcalc::Matrix::from_fn(a(6)),
    );
    let (vn, gn) = gauss_s::<8>(&sm(spd), &sm(a(6)));
    let (vd, gd) = gauss_dual::<8, 64>(&sm(spd), &sm(a(6)));
    assert!((v - vn).abs() < 1e-9 && (v - vd).abs() < 1e-9);
    for k in 0..64 {
        assert!((g.as_slice()[k] - gn.as_slice()[k]).abs() < 1e-9);
        assert!((g.as_slice()[k] - gd[k]).abs() < 1e-9);
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = agree, n3, n8, n32, n128
}
criterion_main!(benches);
