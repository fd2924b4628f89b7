//! Run-time benchmarks of the first-order workloads of issue 5 (seed, lstsq, gauss, mlp):
//! matcalc-generated `NAME_grad` against the same closed form hand-written with nalgebra
//! (`SMatrix` at every n, `DMatrix` too at n = 128) and, at n ∈ {3, 8}, against forward-mode
//! autodiff with num-dual. Value and derivative are computed in every call, in f64; every
//! implementation is checked to agree with matcalc before it is timed.
//!
//! The workloads (DSL and hand-written) are in `common/workloads.rs`. Criterion ids are
//! `WORKLOAD/IMPL/n`; `scripts/bench-report` turns them into a table and plot. The second-order
//! workloads (logreg-hess, seed-jac) are in `second_order.rs`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::{Const, DimMin, Dyn, SMatrix, SVector, U1};
use num_dual::{gradient, DualNum, DualSVec64};

mod common;
use common::workloads::{dsl_modules, hand};
use common::{check_and_time, compare, config, na, scaled, seeded, spd_entry};

dsl_modules!([first_order_dsl] s3: U3, s8: U8, s32: U32, s128: U128);

type SM<const N: usize> = SMatrix<f64, N, N>;
type SV<const N: usize> = SVector<f64, N>;

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

/// Runs `$body` only where the implementation exists at this size (`yes`/`no`): num-dual's
/// types are instantiated at n ∈ {3, 8} only, and nalgebra's static LU (`Const<N>: DimMin`)
/// only up to n = 127, so gauss has no `SMatrix` version at n = 128.
macro_rules! with {
    (yes, $body:block) => {
        $body
    };
    (no, $body:block) => {};
}

/// One size of every workload: matcalc, nalgebra `SMatrix`, `DMatrix` at 128, num-dual.
macro_rules! bench_size {
    ($c:ident, $m:ident, $n:literal, dual: $dual:ident, static_lu: $lu:ident) => {{
        type M = matcalc::Matrix<$m::N, $m::N>;
        type V = matcalc::Vector<$m::N>;
        let n: usize = $n;
        let dynamic = n == 128;
        let (s, d) = (Const::<$n>, Dyn(n));

        // seed: sum(X Y)
        let (x, y) = (M::from_fn(seeded(1)), M::from_fn(seeded(2)));
        let (xs, ys) = (na(s, s, seeded(1)), na(s, s, seeded(2)));
        let (xd, yd) = (na(d, d, seeded(1)), na(d, d, seeded(2)));
        let _want = compare!($c, "seed", n,
            "matcalc" => || $m::seed_grad(black_box(&x), black_box(&y)),
            "nalgebra-static" => || hand::seed(black_box(&xs), black_box(&ys)),
            "nalgebra-dynamic" if dynamic => || hand::seed(black_box(&xd), black_box(&yd)),
        );
        with!($dual, {
            check_and_time!($c, "seed", "num-dual", n, &_want, || {
                seed_dual::<$n, { $n * $n }>(black_box(&xs), black_box(&ys))
            });
        });

        // lstsq: ½‖W x − y‖²
        let (w, x, y) = (M::from_fn(seeded(3)), V::from_fn(seeded(4)), V::from_fn(seeded(5)));
        let (ws, xs, ys) = (na(s, s, seeded(3)), na(s, U1, seeded(4)), na(s, U1, seeded(5)));
        let (wd, xd, yd) = (na(d, d, seeded(3)), na(d, U1, seeded(4)), na(d, U1, seeded(5)));
        let _want = compare!($c, "lstsq", n,
            "matcalc" => || $m::lstsq_grad(black_box(&w), black_box(&x), black_box(&y)),
            "nalgebra-static" => || hand::lstsq(black_box(&ws), black_box(&xs), black_box(&ys)),
            "nalgebra-dynamic" if dynamic => || {
                hand::lstsq(black_box(&wd), black_box(&xd), black_box(&yd))
            },
        );
        with!($dual, {
            check_and_time!($c, "lstsq", "num-dual", n, &_want, || {
                lstsq_dual::<$n, { $n * $n }>(black_box(&ws), black_box(&xs), black_box(&ys))
            });
        });

        // gauss: logdet(S) + tr(S⁻¹ A)
        let spd = |i: usize, j: usize| spd_entry(n, i, j);
        let (sm, am) = (M::from_fn(spd), M::from_fn(seeded(6)));
        let (sd, ad) = (na(d, d, spd), na(d, d, seeded(6)));
        let _want = compare!($c, "gauss", n,
            "matcalc" => || $m::gauss_grad(black_box(&sm), black_box(&am)),
            "nalgebra-dynamic" if dynamic => || hand::gauss(black_box(&sd), black_box(&ad)),
        );
        with!($lu, {
            let (ss, as_) = (na(s, s, spd), na(s, s, seeded(6)));
            check_and_time!($c, "gauss", "nalgebra-static", n, &_want, || {
                hand::gauss(black_box(&ss), black_box(&as_))
            });
        });
        with!($dual, {
            let (ss, as_) = (na(s, s, spd), na(s, s, seeded(6)));
            check_and_time!($c, "gauss", "num-dual", n, &_want, || {
                gauss_dual::<$n, { $n * $n }>(black_box(&ss), black_box(&as_))
            });
        });

        // mlp: ½‖W₂ tanh(W₁ x) − y‖², gradients with respect to W₁ and W₂ (weights scaled into
        // tanh's active range)
        let w = |seed: u64| scaled(seed, 1.0 / (n as f64).sqrt());
        let (w1, w2) = (M::from_fn(w(7)), M::from_fn(w(8)));
        let (x, y) = (V::from_fn(seeded(9)), V::from_fn(seeded(10)));
        let (w1s, w2s) = (na(s, s, w(7)), na(s, s, w(8)));
        let (xs, ys) = (na(s, U1, seeded(9)), na(s, U1, seeded(10)));
        let (w1d, w2d) = (na(d, d, w(7)), na(d, d, w(8)));
        let (xd, yd) = (na(d, U1, seeded(9)), na(d, U1, seeded(10)));
        let _want = compare!($c, "mlp", n,
            "matcalc" => || {
                $m::mlp_grad(black_box(&w1), black_box(&w2), black_box(&x), black_box(&y))
            },
            "nalgebra-static" => || {
                hand::mlp(black_box(&w1s), black_box(&w2s), black_box(&xs), black_box(&ys))
            },
            "nalgebra-dynamic" if dynamic => || {
                hand::mlp(black_box(&w1d), black_box(&w2d), black_box(&xd), black_box(&yd))
            },
        );
        with!($dual, {
            check_and_time!($c, "mlp", "num-dual", n, &_want, || {
                mlp_dual::<$n, { 2 * $n * $n }>(
                    black_box(&w1s),
                    black_box(&w2s),
                    black_box(&xs),
                    black_box(&ys),
                )
            });
        });
    }};
}

fn n3(c: &mut Criterion) {
    bench_size!(c, s3, 3, dual: yes, static_lu: yes);
}

fn n8(c: &mut Criterion) {
    bench_size!(c, s8, 8, dual: yes, static_lu: yes);
}

fn n32(c: &mut Criterion) {
    bench_size!(c, s32, 32, dual: no, static_lu: yes);
}

fn n128(c: &mut Criterion) {
    bench_size!(c, s128, 128, dual: no, static_lu: no);
}

criterion_group! {
    name = benches;
    config = config();
    targets = n3, n8, n32, n128
}
criterion_main!(benches);
