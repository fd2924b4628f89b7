//! Run-time benchmarks of the second-order workloads of issue 5, which need `#[hessian]` and
//! `#[jacobian]` (reference §5): `NAME_hessian(..) -> (value, gradient, H)` and
//! `NAME_jacobian(..) -> (value, J)`.
//!
//! - logreg-hess: Σ softplus(−b ⊙ X w), Hessian in w: Xᵀ diag(s(1−s)) X, s = σ(b ⊙ X w)
//! - seed-jac: X Y with Y n×2, Jacobian in X: Yᵀ ⊗ I_n, dense (2n)×n²
//!
//! matcalc against nalgebra (`SMatrix` for n ≤ 32; `DMatrix` at 128, where a static
//! 256×16384 Jacobian would not fit any stack) and num-dual at n ∈ {3, 8}.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nalgebra::{Const, DMatrix, DVector, SMatrix, SVector};
use num_dual::{hessian, jacobian, Dual2SVec64, DualNum, DualSVec64};

mod common;
use common::{config, entry, label, sigmoid, softplus};

macro_rules! matcalc_second_order {
    ($m:ident, $n:ident) => {
        #[allow(non_snake_case, dead_code)]
        mod $m {
            use matcalc::prelude::*;
            pub type N = $n;

            #[hessian(w)]
            pub fn logreg(X: &Matrix<$n, $n>, w: &Vector<$n>, b: &Vector<$n>) -> f64 {
                sum(softplus(-hadamard(b, X * w)))
            }

            #[jacobian(X)]
            pub fn seedjac(X: &Matrix<$n, $n>, Y: &Matrix<$n, U2>) -> Matrix<$n, U2> {
                X * Y
            }
        }
    };
}

matcalc_second_order!(s3, U3);
matcalc_second_order!(s8, U8);
matcalc_second_order!(s32, U32);
matcalc_second_order!(s128, U128);

type SM<const N: usize> = SMatrix<f64, N, N>;
type SV<const N: usize> = SVector<f64, N>;

/// Value, gradient −Xᵀ(b ⊙ (1 − s)) and Hessian Xᵀ diag(s(1−s)) X.
fn logreg_s<const N: usize>(x: &SM<N>, w: &SV<N>, b: &SV<N>) -> (f64, SV<N>, SM<N>) {
    let m = (x * w).component_mul(b);
    let value = m.iter().map(|&t| softplus(-t)).sum();
    let s = m.map(sigmoid);
    let g = -x.tr_mul(&b.component_mul(&s.map(|t| 1.0 - t)));
    let d = s.map(|t| t * (1.0 - t));
    let dx = SM::<N>::from_fn(|i, j| d[i] * x[(i, j)]);
    (value, g, x.tr_mul(&dx))
}

fn logreg_d(
    x: &DMatrix<f64>,
    w: &DVector<f64>,
    b: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let m = (x * w).component_mul(b);
    let value = m.iter().map(|&t| softplus(-t)).sum();
    let s = m.map(sigmoid);
    let g = -x.tr_mul(&b.component_mul(&s.map(|t| 1.0 - t)));
    let d = s.map(|t| t * (1.0 - t));
    let dx = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| d[i] * x[(i, j)]);
    (value, g, x.tr_mul(&dx))
}

/// X Y and Yᵀ ⊗ I_n entry by entry (`R = 2N`, `Q = N²`).
fn seedjac_s<const N: usize, const R: usize, const Q: usize>(
    x: &SM<N>,
    y: &SMatrix<f64, N, 2>,
) -> (SMatrix<f64, N, 2>, SMatrix<f64, R, Q>) {
    let j = SMatrix::<f64, R, Q>::from_fn(|r, q| {
        let (i, c, k, l) = (r % N, r / N, q % N, q / N);
        if i == k {
            y[(l, c)]
        } else {
            0.0
        }
    });
    (x * y, j)
}

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
        let a = |seed: u64| move |i: usize, j: usize| entry(seed, i, j);
        let dynamic = $n == 128;
        {
            let mut g = $c.benchmark_group("logreg-hess");
            let (x, w, b) = (
                M::from_fn(a(11)),
                V::from_fn(|i, _| entry(12, i, 0)),
                V::from_fn(|i, _| label(i)),
            );
            g.bench_function(BenchmarkId::new("matcalc", $n), |bch| {
                bch.iter(|| $m::logreg_hessian(black_box(&x), black_box(&w), black_box(&b)))
            });
            let (x, w, b) = (
                SM::<$n>::from_fn(a(11)),
                SV::<$n>::from_fn(|i, _| entry(12, i, 0)),
                SV::<$n>::from_fn(|i, _| label(i)),
            );
            g.bench_function(BenchmarkId::new("nalgebra-static", $n), |bch| {
                bch.iter(|| logreg_s(black_box(&x), black_box(&w), black_box(&b)))
            });
            if dynamic {
                let (x, w, b) = (
                    DMatrix::from_fn($n, $n, a(11)),
                    DVector::from_fn($n, |i, _| entry(12, i, 0)),
                    DVector::from_fn($n, |i, _| label(i)),
                );
                g.bench_function(BenchmarkId::new("nalgebra-dynamic", $n), |bch| {
                    bch.iter(|| logreg_d(black_box(&x), black_box(&w), black_box(&b)))
                });
            }
            with!($dual, {
                g.bench_function(BenchmarkId::new("num-dual", $n), |bch| {
                    bch.iter(|| logreg_dual(black_box(&x), black_box(&w), black_box(&b)))
                });
            });
        }
        {
            let mut g = $c.benchmark_group("seed-jac");
            type Y = matcalc::Matrix<$m::N, matcalc::typenum::consts::U2>;
            let (x, y) = (M::from_fn(a(13)), Y::from_fn(a(14)));
            g.bench_function(BenchmarkId::new("matcalc", $n), |bch| {
                bch.iter(|| $m::seedjac_jacobian(black_box(&x), black_box(&y)))
            });
            with!($static, {
                let (x, y) = (
                    SM::<$n>::from_fn(a(13)),
                    SMatrix::<f64, $n, 2>::from_fn(a(14)),
                );
                g.bench_function(BenchmarkId::new("nalgebra-static", $n), |bch| {
                    bch.iter(|| {
                        seedjac_s::<$n, { 2 * $n }, { $n * $n }>(black_box(&x), black_box(&y))
                    })
                });
            });
            if dynamic {
                let (x, y) = (
                    DMatrix::from_fn($n, $n, a(13)),
                    DMatrix::from_fn($n, 2, a(14)),
                );
                g.bench_function(BenchmarkId::new("nalgebra-dynamic", $n), |bch| {
                    bch.iter(|| seedjac_d(black_box(&x), black_box(&y)))
                });
            }
            with!($dual, {
                let (x, y) = (
                    SM::<$n>::from_fn(a(13)),
                    SMatrix::<f64, $n, 2>::from_fn(a(14)),
                );
                g.bench_function(BenchmarkId::new("num-dual", $n), |bch| {
                    bch.iter(|| {
                        seedjac_dual::<$n, { 2 * $n }, { $n * $n }>(black_box(&x), black_box(&y))
                    })
                });
            });
        }
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
