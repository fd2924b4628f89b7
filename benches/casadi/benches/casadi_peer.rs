//! matcalc's generated code against CasADi's generated C (issue 13, n ≤ 32), side by side in
//! one run: the first-order workloads of `benches/workloads.rs` (seed, lstsq, gauss, mlp; value
//! and gradient) and the seed Jacobian of `benches/second_order.rs`, on the same inputs.
//!
//! CasADi's functions come from `generate.py` (SX, densified outputs, gcc -O3 via `build.rs`).
//! Each is checked against matcalc's numbers before timing, so the two compute the same thing.
//! CasADi writes into buffers the caller allocated once; matcalc returns its results by value.
//! Criterion ids: `casadi-peer/WORKLOAD/{matcalc,casadi}/n`.
#![allow(non_snake_case)]

#[path = "../../common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};

// The workloads of `benches/workloads.rs` and `benches/second_order.rs`, from the same
// declarations (`benches/common/workloads.rs`).
common::workloads::dsl_modules!([first_order_dsl, second_order_dsl] s3: U3, s8: U8, s32: U32);

#[cfg(casadi)]
mod peer {
    use std::hint::black_box;

    use criterion::{BenchmarkId, Criterion};
    use matcalc::typenum::consts::U2;
    use matcalc::Matrix;

    use crate::common::{entry, spd_entry};

    use matcalc_bench_casadi::*;

    /// `got` (CasADi) equals `want` (matcalc) within 1e-9 relative to the largest entry.
    fn agree(what: &str, got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        let scale = want.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-9 * scale,
                "{what}[{k}]: CasADi {g}, matcalc {w}"
            );
        }
    }

    macro_rules! bench_size {
        ($c:ident, $m:ident, $n:literal, $seed:tt, $lstsq:tt, $gauss:tt, $mlp:tt, $seedjac:tt) => {{
            type M = Matrix<crate::$m::N, crate::$m::N>;
            type V = Matrix<crate::$m::N, matcalc::typenum::consts::U1>;
            let a = |seed: u64| move |i: usize, j: usize| entry(seed, i, j);
            let vec = |seed: u64| V::from_fn(|i, _| entry(seed, i, 0));
            let nn = $n * $n;
            let id = |who: &str| BenchmarkId::new(who, $n);

            {
                let (x, y) = (M::from_fn(a(1)), M::from_fn(a(2)));
                let (v, g) = crate::$m::seed_grad(&x, &y);
                let mut call = Call::new(eval_of!($seed), work_of!($seed), &[1, nn]);
                let out = call.run(&[x.as_slice(), y.as_slice()]);
                agree("seed value", &out[0], &[v]);
                agree("seed gradient", &out[1], g.as_slice());
                let mut grp = $c.benchmark_group("casadi-peer/seed");
                grp.bench_function(id("matcalc"), |b| {
                    b.iter(|| crate::$m::seed_grad(black_box(&x), black_box(&y)))
                });
                grp.bench_function(id("casadi"), |b| {
                    b.iter(|| {
                        call.run(&[black_box(x.as_slice()), black_box(y.as_slice())]);
                    })
                });
                grp.finish();
            }
            {
                let (w, x, y) = (M::from_fn(a(3)), vec(4), vec(5));
                let (v, g) = crate::$m::lstsq_grad(&w, &x, &y);
                let mut call = Call::new(eval_of!($lstsq), work_of!($lstsq), &[1, nn]);
                let out = call.run(&[w.as_slice(), x.as_slice(), y.as_slice()]);
                agree("lstsq value", &out[0], &[v]);
                agree("lstsq gradient", &out[1], g.as_slice());
                let mut grp = $c.benchmark_group("casadi-peer/lstsq");
                grp.bench_function(id("matcalc"), |b| {
                    b.iter(|| crate::$m::lstsq_grad(black_box(&w), black_box(&x), black_box(&y)))
                });
                grp.bench_function(id("casadi"), |b| {
                    b.iter(|| {
                        call.run(&[
                            black_box(w.as_slice()),
                            black_box(x.as_slice()),
                            black_box(y.as_slice()),
                        ]);
                    })
                });
                grp.finish();
            }
            {
                let (s, am) = (M::from_fn(|i, j| spd_entry($n, i, j)), M::from_fn(a(6)));
                let (v, g) = crate::$m::gauss_grad(&s, &am);
                let mut call = Call::new(eval_of!($gauss), work_of!($gauss), &[1, nn]);
                let out = call.run(&[s.as_slice(), am.as_slice()]);
                agree("gauss value", &out[0], &[v]);
                agree("gauss gradient", &out[1], g.as_slice());
                let mut grp = $c.benchmark_group("casadi-peer/gauss");
                grp.bench_function(id("matcalc"), |b| {
                    b.iter(|| crate::$m::gauss_grad(black_box(&s), black_box(&am)))
                });
                grp.bench_function(id("casadi"), |b| {
                    b.iter(|| {
                        call.run(&[black_box(s.as_slice()), black_box(am.as_slice())]);
                    })
                });
                grp.finish();
            }
            {
                let scale = 1.0 / ($n as f64).sqrt();
                let w = |seed: u64| move |i: usize, j: usize| scale * entry(seed, i, j);
                let (w1, w2, x, y) = (M::from_fn(w(7)), M::from_fn(w(8)), vec(9), vec(10));
                let (v, g1, g2) = crate::$m::mlp_grad(&w1, &w2, &x, &y);
                let mut call = Call::new(eval_of!($mlp), work_of!($mlp), &[1, nn, nn]);
                let out = call.run(&[w1.as_slice(), w2.as_slice(), x.as_slice(), y.as_slice()]);
                agree("mlp value", &out[0], &[v]);
                agree("mlp ∂W1", &out[1], g1.as_slice());
                agree("mlp ∂W2", &out[2], g2.as_slice());
                let mut grp = $c.benchmark_group("casadi-peer/mlp");
                grp.bench_function(id("matcalc"), |b| {
                    b.iter(|| {
                        crate::$m::mlp_grad(
                            black_box(&w1),
                            black_box(&w2),
                            black_box(&x),
                            black_box(&y),
                        )
                    })
                });
                grp.bench_function(id("casadi"), |b| {
                    b.iter(|| {
                        call.run(&[
                            black_box(w1.as_slice()),
                            black_box(w2.as_slice()),
                            black_box(x.as_slice()),
                            black_box(y.as_slice()),
                        ]);
                    })
                });
                grp.finish();
            }
            {
                type Y = Matrix<crate::$m::N, U2>;
                let (x, y) = (M::from_fn(a(13)), Y::from_fn(a(14)));
                let (v, j) = crate::$m::seedjac_jacobian(&x, &y);
                let mut call = Call::new(
                    eval_of!($seedjac),
                    work_of!($seedjac),
                    &[2 * $n, 2 * $n * nn],
                );
                let out = call.run(&[x.as_slice(), y.as_slice()]);
                agree("seed-jac value", &out[0], v.as_slice());
                agree("seed-jac Jacobian", &out[1], j.as_slice());
                let mut grp = $c.benchmark_group("casadi-peer/seed-jac");
                grp.bench_function(id("matcalc"), |b| {
                    b.iter(|| crate::$m::seedjac_jacobian(black_box(&x), black_box(&y)))
                });
                grp.bench_function(id("casadi"), |b| {
                    b.iter(|| {
                        call.run(&[black_box(x.as_slice()), black_box(y.as_slice())]);
                    })
                });
                grp.finish();
            }
        }};
    }

    /// The entry point and work-size function of a generated CasADi function.
    macro_rules! eval_of {
        (($f:ident, $w:ident)) => {
            $f as Eval
        };
    }
    macro_rules! work_of {
        (($f:ident, $w:ident)) => {
            $w as Work
        };
    }

    pub fn all(c: &mut Criterion) {
        #[cfg(casadi_n3)]
        bench_size!(
            c,
            s3,
            3,
            (seed_3, seed_3_work),
            (lstsq_3, lstsq_3_work),
            (gauss_3, gauss_3_work),
            (mlp_3, mlp_3_work),
            (seedjac_3, seedjac_3_work)
        );
        #[cfg(casadi_n8)]
        bench_size!(
            c,
            s8,
            8,
            (seed_8, seed_8_work),
            (lstsq_8, lstsq_8_work),
            (gauss_8, gauss_8_work),
            (mlp_8, mlp_8_work),
            (seedjac_8, seedjac_8_work)
        );
        #[cfg(casadi_n32)]
        bench_size!(
            c,
            s32,
            32,
            (seed_32, seed_32_work),
            (lstsq_32, lstsq_32_work),
            (gauss_32, gauss_32_work),
            (mlp_32, mlp_32_work),
            (seedjac_32, seedjac_32_work)
        );
    }
}

fn casadi_peer(c: &mut Criterion) {
    #[cfg(casadi)]
    peer::all(c);
    #[cfg(not(casadi))]
    {
        let _ = c;
        eprintln!(
            "CasADi peer skipped: no generated C was compiled (pip install casadi; python3 \
             benches/casadi/generate.py; then rebuild this bench)"
        );
    }
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = casadi_peer
}
criterion_main!(benches);
