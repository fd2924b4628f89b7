//! matcalc's generated code against CasADi's generated C (issue 13, n ≤ 32) and hand-written
//! nalgebra, side by side in one run: the first-order workloads of `benches/workloads.rs`
//! (seed, lstsq, gauss, mlp; value and gradient) and the seed Jacobian of
//! `benches/second_order.rs`, on the same inputs.
//!
//! CasADi's functions come from `generate.py` (SX, densified outputs, gcc -O3 via `build.rs`).
//! Every implementation is checked against matcalc's numbers before it is timed, so all compute
//! the same thing. CasADi reads the inputs in place (only their pointers are passed) and writes
//! into buffers allocated once; matcalc and nalgebra return their results by value. seed-jac has
//! a second CasADi line, `casadi-nnz`, which writes only the 2n² nonzeros of the Jacobian
//! instead of the dense (2n)×n² matrix the others write.
//! Criterion ids: `casadi-peer/WORKLOAD/{matcalc,nalgebra,casadi,casadi-nnz}/n`.
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
    use nalgebra::{Const, U1, U2};

    use crate::common::workloads::hand;
    use crate::common::{self, assert_agree, compare, na, scaled, seeded, spd_entry};

    use matcalc_bench_casadi::*;

    /// Checks CasADi's `$f` (outputs of lengths `$lens`, concatenated) against `$want` (the
    /// entries of matcalc's result), then times it as `GROUP/casadi/n` on the inputs `$x`.
    macro_rules! casadi {
        ($c:expr, $group:expr, $n:expr, $want:expr, ($f:ident, $w:ident), $lens:expr,
         [$($x:expr),+ $(,)?]) => {{
            let mut call = Call::new($f as Eval, $w as Work, $lens);
            let got: Vec<f64> = call.run(&[$($x.as_slice()),+]).concat();
            assert_agree(&format!("{}/casadi/{}", $group, $n), &got, &$want);
            let mut g = $c.benchmark_group($group);
            g.bench_function(BenchmarkId::new("casadi", $n), |b| {
                b.iter(|| {
                    call.run(&[$(black_box($x.as_slice())),+]);
                })
            });
            g.finish();
        }};
    }

    /// Position in the dense (2n)×n² Jacobian of seed-jac of CasADi's `t`-th nonzero: column
    /// q = vec index of X(k, l) holds rows k and k + n (the two columns of X Y), in that order.
    fn seedjac_nnz_position(n: usize, t: usize) -> usize {
        let (q, c) = (t / 2, t % 2);
        let k = q % n;
        (k + n * c) + 2 * n * q
    }

    /// One workload at one size: `case!(WORKLOAD, c, MODULE, n, (casadi_fn, casadi_work_fn))`.
    /// matcalc and nalgebra are timed with it; the root benches time them at every size.
    macro_rules! case {
        (seed, $c:ident, $m:ident, $n:literal, $f:tt) => {{
            let (n, s) = ($n, Const::<$n>);
            let (x, y) = (Mat::<crate::$m::N>::from_fn(seeded(1)), Mat::from_fn(seeded(2)));
            let (xs, ys) = (na(s, s, seeded(1)), na(s, s, seeded(2)));
            let want = compare!($c, "casadi-peer/seed", n,
                "matcalc" => || crate::$m::seed_grad(black_box(&x), black_box(&y)),
                "nalgebra" => || hand::seed(black_box(&xs), black_box(&ys)),
            );
            casadi!($c, "casadi-peer/seed", n, want, $f, &[1, n * n], [x, y]);
        }};
        (lstsq, $c:ident, $m:ident, $n:literal, $f:tt) => {{
            let (n, s) = ($n, Const::<$n>);
            let w = Mat::<crate::$m::N>::from_fn(seeded(3));
            let (x, y) = (Col::<crate::$m::N>::from_fn(seeded(4)), Col::from_fn(seeded(5)));
            let (ws, xs, ys) = (na(s, s, seeded(3)), na(s, U1, seeded(4)), na(s, U1, seeded(5)));
            let want = compare!($c, "casadi-peer/lstsq", n,
                "matcalc" => || crate::$m::lstsq_grad(black_box(&w), black_box(&x), black_box(&y)),
                "nalgebra" => || hand::lstsq(black_box(&ws), black_box(&xs), black_box(&ys)),
            );
            casadi!($c, "casadi-peer/lstsq", n, want, $f, &[1, n * n], [w, x, y]);
        }};
        (gauss, $c:ident, $m:ident, $n:literal, $f:tt) => {{
            let (n, s) = ($n, Const::<$n>);
            let spd = |i: usize, j: usize| spd_entry(n, i, j);
            let (sm, am) = (Mat::<crate::$m::N>::from_fn(spd), Mat::from_fn(seeded(6)));
            let (ss, as_) = (na(s, s, spd), na(s, s, seeded(6)));
            let want = compare!($c, "casadi-peer/gauss", n,
                "matcalc" => || crate::$m::gauss_grad(black_box(&sm), black_box(&am)),
                "nalgebra" => || hand::gauss(black_box(&ss), black_box(&as_)),
            );
            casadi!($c, "casadi-peer/gauss", n, want, $f, &[1, n * n], [sm, am]);
        }};
        (mlp, $c:ident, $m:ident, $n:literal, $f:tt) => {{
            let (n, s) = ($n, Const::<$n>);
            let w = |seed: u64| scaled(seed, 1.0 / (n as f64).sqrt());
            let (w1, w2) = (Mat::<crate::$m::N>::from_fn(w(7)), Mat::from_fn(w(8)));
            let (x, y) = (Col::<crate::$m::N>::from_fn(seeded(9)), Col::from_fn(seeded(10)));
            let (w1s, w2s) = (na(s, s, w(7)), na(s, s, w(8)));
            let (xs, ys) = (na(s, U1, seeded(9)), na(s, U1, seeded(10)));
            let want = compare!($c, "casadi-peer/mlp", n,
                "matcalc" => || {
                    crate::$m::mlp_grad(black_box(&w1), black_box(&w2), black_box(&x), black_box(&y))
                },
                "nalgebra" => || {
                    hand::mlp(black_box(&w1s), black_box(&w2s), black_box(&xs), black_box(&ys))
                },
            );
            casadi!($c, "casadi-peer/mlp", n, want, $f, &[1, n * n, n * n], [w1, w2, x, y]);
        }};
        (seedjac, $c:ident, $m:ident, $n:literal, $f:tt) => {{
            let (n, s) = ($n, Const::<$n>);
            let (x, y) = (Mat::<crate::$m::N>::from_fn(seeded(13)), Two::from_fn(seeded(14)));
            let (xs, ys) = (na(s, s, seeded(13)), na(s, U2, seeded(14)));
            let want = compare!($c, "casadi-peer/seed-jac", n,
                "matcalc" => || crate::$m::seedjac_jacobian(black_box(&x), black_box(&y)),
                "nalgebra" => || {
                    hand::seedjac::<$n, { 2 * $n }, { $n * $n }>(black_box(&xs), black_box(&ys))
                },
            );
            casadi!($c, "casadi-peer/seed-jac", n, want, $f, &[2 * n, 2 * n * n * n], [x, y]);
        }};
        // The nonzeros only, checked against matcalc's dense Jacobian at their positions.
        (seedjacnnz, $c:ident, $m:ident, $n:literal, ($f:ident, $w:ident)) => {{
            let n: usize = $n;
            let (x, y) = (Mat::<crate::$m::N>::from_fn(seeded(13)), Two::from_fn(seeded(14)));
            let (v, jac) = crate::$m::seedjac_jacobian(&x, &y);
            let jac = jac.as_slice();
            let mut call = Call::new($f as Eval, $w as Work, &[2 * n, 2 * n * n]);
            let out = call.run(&[x.as_slice(), y.as_slice()]);
            assert_agree("seed-jac/casadi-nnz value", &out[0], &v.as_slice().to_vec());
            let at: Vec<f64> = (0..2 * n * n)
                .map(|t| jac[seedjac_nnz_position(n, t)])
                .collect();
            assert_agree("seed-jac/casadi-nnz Jacobian", &out[1], &at);
            let nonzeros = jac.iter().filter(|v| **v != 0.0).count();
            assert_eq!(nonzeros, 2 * n * n, "seed-jac: the dense Jacobian has 2n² nonzeros");
            let mut g = $c.benchmark_group("casadi-peer/seed-jac");
            g.bench_function(BenchmarkId::new("casadi-nnz", n), |b| {
                b.iter(|| {
                    call.run(&[black_box(x.as_slice()), black_box(y.as_slice())]);
                })
            });
            g.finish();
        }};
    }

    type Mat<N> = matcalc::Matrix<N, N>;
    type Col<N> = matcalc::Vector<N>;
    type Two<N> = matcalc::Matrix<N, matcalc::typenum::consts::U2>;

    /// Every case whose C `build.rs` compiled (`cfg(casadi_WORKLOAD_N)`), in size order.
    #[allow(unused_variables)]
    pub fn all(c: &mut Criterion) {
        macro_rules! cases {
            ($($cfg:ident: $w:ident $m:ident $n:literal $f:ident $wf:ident;)*) => {
                $(
                    #[cfg($cfg)]
                    case!($w, c, $m, $n, ($f, $wf));
                )*
            };
        }
        cases! {
            casadi_seed_3: seed s3 3 seed_3 seed_3_work;
            casadi_lstsq_3: lstsq s3 3 lstsq_3 lstsq_3_work;
            casadi_gauss_3: gauss s3 3 gauss_3 gauss_3_work;
            casadi_mlp_3: mlp s3 3 mlp_3 mlp_3_work;
            casadi_seedjac_3: seedjac s3 3 seedjac_3 seedjac_3_work;
            casadi_seedjacnnz_3: seedjacnnz s3 3 seedjacnnz_3 seedjacnnz_3_work;
            casadi_seed_8: seed s8 8 seed_8 seed_8_work;
            casadi_lstsq_8: lstsq s8 8 lstsq_8 lstsq_8_work;
            casadi_gauss_8: gauss s8 8 gauss_8 gauss_8_work;
            casadi_mlp_8: mlp s8 8 mlp_8 mlp_8_work;
            casadi_seedjac_8: seedjac s8 8 seedjac_8 seedjac_8_work;
            casadi_seedjacnnz_8: seedjacnnz s8 8 seedjacnnz_8 seedjacnnz_8_work;
            casadi_seed_32: seed s32 32 seed_32 seed_32_work;
            casadi_lstsq_32: lstsq s32 32 lstsq_32 lstsq_32_work;
            casadi_gauss_32: gauss s32 32 gauss_32 gauss_32_work;
            casadi_mlp_32: mlp s32 32 mlp_32 mlp_32_work;
            casadi_seedjac_32: seedjac s32 32 seedjac_32 seedjac_32_work;
            casadi_seedjacnnz_32: seedjacnnz s32 32 seedjacnnz_32 seedjacnnz_32_work;
        }
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
