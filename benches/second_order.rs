//! Run-time benchmarks of the second-order workloads of issue 5, which need `#[hessian]` and
//! `#[jacobian]` (reference §5): `NAME_hessian(..) -> (value, gradient, H)` and
//! `NAME_jacobian(..) -> (value, J)`.
//!
//! - logreg-hess: Σ softplus(−b ⊙ X w), Hessian in w: Xᵀ diag(s(1−s)) X, s = σ(b ⊙ X w)
//! - seed-jac: X Y with Y n×2, Jacobian in X: Yᵀ ⊗ I_n, dense (2n)×n²
//!
//! matcalc against nalgebra (`SMatrix` for n ≤ 32; `DMatrix` at 128, where a static
//! 256×16384 Jacobian would not fit any stack) and num-dual at n ∈ {3, 8}, each checked to
//! agree with matcalc before it is timed. The workloads are in `common/workloads.rs`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::{Const, DMatrix, Dyn, SMatrix, SVector, U1, U2};
use num_dual::{hessian, jacobian, Dual2SVec64, DualNum, DualSVec64};

mod common;
use common::workloads::{dsl_modules, hand};
use common::{check_and_time, compare, config, label, na, seeded};

dsl_modules!([second_order_dsl] s3: U3, s8: U8, s32: U32, s128: U128);

type SM<const N: usize> = SMatrix<f64, N, N>;
type SV<const N: usize> = SVector<f64, N>;

fn seedjac_d(x: &DMatrix<f64>, y: &DMatrix<f64>) -> (DMatrix<f64>, DMatrix<f64>) {
    let n = x.nrows();
    (x * y, y.transpose().kronecker(&DMatrix::identity(n, n)))
}

fn logreg_dual<const N: usize>(x: &SM<N>, w: &SV<N>, b: &SV<N>) -> (f64, SV<N>, SM<N>) {
    let (xd, bd) = (
        x.map(Dual2SVec64::<N>::from_re),
        b.map(Dual2SVec64::<N>::from_re),
    );
    hessian::<_, f64, Const<N>, _>(
        |w: SVector<Dual2SVec64<N>, N>| {
            (xd * w)
                .component_mul(&bd)
                .iter()
                .map(|&t| {
                    let t = -t;
                    // softplus, stable for large |t|
                    if t.re > 0.0 {
                        t + (-t).exp().ln_1p()
                    } else {
                        t.exp().ln_1p()
                    }
                })
                .fold(Dual2SVec64::<N>::from_re(0.0), |a, t| a + t)
        },
        w,
    )
}

fn seedjac_dual<const N: usize, const R: usize, const Q: usize>(
    x: &SM<N>,
    y: &SMatrix<f64, N, 2>,
) -> (SVector<f64, R>, SMatrix<f64, R, Q>) {
    let yd = y.map(DualSVec64::<Q>::from_re);
    let xv = SVector::<f64, Q>::from_column_slice(x.as_slice());
    jacobian::<_, f64, Const<R>, Const<Q>, _>(
        |v: SVector<DualSVec64<Q>, Q>| {
            let xm = SMatrix::<DualSVec64<Q>, N, N>::from_fn(|i, j| v[i + N * j]);
            SVector::<DualSVec64<Q>, R>::from_iterator((xm * yd).iter().copied())
        },
        &xv,
    )
}

/// Runs `$body` only where the implementation exists at this size (`yes`/`no`).
macro_rules! with {
    (yes, $body:block) => {
        $body
    };
    (no, $body:block) => {};
}

/// One size: `$dual` num-dual at this size, `$static` the `SMatrix` Jacobian fits the stack.
macro_rules! bench_size {
    ($c:ident, $m:ident, $n:literal, dual: $dual:ident, static: $static:ident) => {{
        type M = matcalc::Matrix<$m::N, $m::N>;
        type V = matcalc::Vector<$m::N>;
        type Y = matcalc::Matrix<$m::N, matcalc::typenum::consts::U2>;
        let n: usize = $n;
        let dynamic = n == 128;
        let (s, d) = (Const::<$n>, Dyn(n));
        let labels = |i: usize, _: usize| label(i);

        let (x, w, b) = (M::from_fn(seeded(11)), V::from_fn(seeded(12)), V::from_fn(labels));
        let (xs, ws, bs) = (na(s, s, seeded(11)), na(s, U1, seeded(12)), na(s, U1, labels));
        let (xd, wd, bd) = (na(d, d, seeded(11)), na(d, U1, seeded(12)), na(d, U1, labels));
        let _want = compare!($c, "logreg-hess", n,
            "matcalc" => || $m::logreg_hessian(black_box(&x), black_box(&w), black_box(&b)),
            "nalgebra-static" => || {
                hand::logreg_hessian(black_box(&xs), black_box(&ws), black_box(&bs))
            },
            "nalgebra-dynamic" if dynamic => || {
                hand::logreg_hessian(black_box(&xd), black_box(&wd), black_box(&bd))
            },
        );
        with!($dual, {
            check_and_time!($c, "logreg-hess", "num-dual", n, &_want, || {
                logreg_dual(black_box(&xs), black_box(&ws), black_box(&bs))
            });
        });

        let (x, y) = (M::from_fn(seeded(13)), Y::from_fn(seeded(14)));
        let (xd, yd) = (na(d, d, seeded(13)), na(d, Dyn(2), seeded(14)));
        let _want = compare!($c, "seed-jac", n,
            "matcalc" => || $m::seedjac_jacobian(black_box(&x), black_box(&y)),
            "nalgebra-dynamic" if dynamic => || seedjac_d(black_box(&xd), black_box(&yd)),
        );
        with!($static, {
            let (xs, ys) = (na(s, s, seeded(13)), na(s, U2, seeded(14)));
            check_and_time!($c, "seed-jac", "nalgebra-static", n, &_want, || {
                hand::seedjac::<$n, { 2 * $n }, { $n * $n }>(black_box(&xs), black_box(&ys))
            });
            with!($dual, {
                check_and_time!($c, "seed-jac", "num-dual", n, &_want, || {
                    seedjac_dual::<$n, { 2 * $n }, { $n * $n }>(black_box(&xs), black_box(&ys))
                });
            });
        });
    }};
}

fn n3(c: &mut Criterion) {
    bench_size!(c, s3, 3, dual: yes, static: yes);
}

fn n8(c: &mut Criterion) {
    bench_size!(c, s8, 8, dual: yes, static: yes);
}

fn n32(c: &mut Criterion) {
    bench_size!(c, s32, 32, dual: no, static: yes);
}

fn n128(c: &mut Criterion) {
    bench_size!(c, s128, 128, dual: no, static: no);
}

criterion_group! {
    name = benches;
    config = config();
    targets = n3, n8, n32, n128
}
criterion_main!(benches);
