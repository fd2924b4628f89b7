//! Sizes known only at run time (issue 12): matcalc's generated code instantiated with `Dyn`,
//! side by side in one run with the same closed forms hand-written with nalgebra `DMatrix` and
//! with faer `Mat` (single-threaded: faer's `std` feature only).
//!
//! - `logreg-grad/IMPL/N`, `logreg-hess/IMPL/N`: logistic regression with N ∈ {10³, 10⁴, 10⁵}
//!   samples (`Matrix<Dyn, U10>`) and 10 features: value + gradient, and value + gradient +
//!   Hessian `Xᵀ diag(σ(1 − σ)) X + I`.
//! - `gp-dyn/IMPL/n`: the GP negative log marginal likelihood of `benches/gp.rs` (through
//!   `cholesky`/`solve`) and its gradient at n ∈ {100, 300, 1000}, `Dyn`.
//! - `WORKLOAD-large/IMPL/n` for the workloads of `benches/workloads.rs` (seed, lstsq, gauss,
//!   mlp) at n ∈ {128, 256, 512}: matcalc static (`U128`, …) and `Dyn`, nalgebra, faer.
//!
//! Criterion ids are `GROUP/IMPL/SIZE`; `scripts/bench-report` reads them.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::Mat;
use nalgebra::{DMatrix, DVector};

mod common;
use common::workloads::hand;
use common::{config, entry, sigmoid, softplus, spd_entry};

#[allow(non_snake_case)]
mod generated {
    use matcalc::prelude::*;

    /// ½-regularised logistic negative log-likelihood, labels y ∈ {0, 1}.
    #[grad(w)]
    #[hessian(w)]
    pub fn logreg<N: Dim>(w: &Vector<U10>, X: &Matrix<N, U10>, y: &Vector<N>) -> f64 {
        sum(softplus(X * w)) - dot(y, X * w) + 0.5 * norm_sq(w)
    }

    /// The model of `benches/gp.rs`.
    #[grad(theta, noise)]
    pub fn gp<N: Dim>(X: &Matrix<N, U3>, y: &Vector<N>, theta: &Vector<U3>, noise: f64) -> f64 {
        let K: Matrix<N, N> = X * diag(theta) * X.t() + noise * eye();
        let L = cholesky(K);
        let alpha = solve(L.t(), solve(L, y));
        0.5 * (y.t() * alpha) + sum(log(diagonal(L)))
    }

    #[grad(X)]
    pub fn seed<N: Dim>(X: &Matrix<N, N>, Y: &Matrix<N, N>) -> f64 {
        sum(X * Y)
    }

    #[grad(W)]
    pub fn lstsq<N: Dim>(W: &Matrix<N, N>, x: &Vector<N>, y: &Vector<N>) -> f64 {
        0.5 * norm_sq(W * x - y)
    }

    #[grad(S)]
    pub fn gauss<N: Dim>(S: &Matrix<N, N>, A: &Matrix<N, N>) -> f64 {
        logdet(S) + tr(inv(S) * A)
    }

    #[grad(W1, W2)]
    pub fn mlp<N: Dim>(W1: &Matrix<N, N>, W2: &Matrix<N, N>, x: &Vector<N>, y: &Vector<N>) -> f64 {
        0.5 * norm_sq(W2 * tanh(W1 * x) - y)
    }
}

// ---- logistic regression, by hand ----

fn logreg_na(w: &DVector<f64>, x: &DMatrix<f64>, y: &DVector<f64>) -> (f64, DVector<f64>) {
    let z = x * w;
    let value = z.iter().map(|&z| softplus(z)).sum::<f64>() - y.dot(&z) + 0.5 * w.norm_squared();
    let r = z.map(sigmoid) - y;
    (value, x.tr_mul(&r) + w)
}

fn logreg_hess_na(
    w: &DVector<f64>,
    x: &DMatrix<f64>,
    y: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let z = x * w;
    let value = z.iter().map(|&z| softplus(z)).sum::<f64>() - y.dot(&z) + 0.5 * w.norm_squared();
    let s = z.map(sigmoid);
    let g = x.tr_mul(&(&s - y)) + w;
    let mut scaled = x.clone();
    for (i, mut row) in scaled.row_iter_mut().enumerate() {
        row *= s[i] * (1.0 - s[i]);
    }
    let h = x.tr_mul(&scaled) + DMatrix::identity(w.len(), w.len());
    (value, g, h)
}

fn logreg_faer(w: &Mat<f64>, x: &Mat<f64>, y: &Mat<f64>) -> (f64, Mat<f64>) {
    let z = x * w;
    let n = x.nrows();
    let mut value = 0.5 * w.squared_norm_l2();
    let r = Mat::from_fn(n, 1, |i, _| {
        value += softplus(z[(i, 0)]) - y[(i, 0)] * z[(i, 0)];
        sigmoid(z[(i, 0)]) - y[(i, 0)]
    });
    (value, x.transpose() * &r + w)
}

fn logreg_hess_faer(w: &Mat<f64>, x: &Mat<f64>, y: &Mat<f64>) -> (f64, Mat<f64>, Mat<f64>) {
    let z = x * w;
    let (n, d) = (x.nrows(), x.ncols());
    let mut value = 0.5 * w.squared_norm_l2();
    let s: Vec<f64> = (0..n).map(|i| sigmoid(z[(i, 0)])).collect();
    let r = Mat::from_fn(n, 1, |i, _| {
        value += softplus(z[(i, 0)]) - y[(i, 0)] * z[(i, 0)];
        s[i] - y[(i, 0)]
    });
    let scaled = Mat::from_fn(n, d, |i, j| x[(i, j)] * s[i] * (1.0 - s[i]));
    let h = x.transpose() * &scaled + Mat::<f64>::identity(d, d);
    (value, x.transpose() * &r + w, h)
}

// ---- GP evidence, by hand (the closed form of `benches/gp.rs`) ----

fn gp_na(x: &DMatrix<f64>, y: &DVector<f64>, theta: &DVector<f64>, noise: f64) -> (f64, f64) {
    let n = x.nrows();
    let k = x * DMatrix::from_diagonal(theta) * x.transpose() + DMatrix::identity(n, n) * noise;
    let chol = k.cholesky().expect("SPD");
    let l = chol.l();
    let alpha = chol.solve(y);
    let value = 0.5 * y.dot(&alpha) + l.diagonal().iter().map(|d| d.ln()).sum::<f64>();
    let w = l.solve_lower_triangular(x).expect("regular");
    let xa = x.transpose() * &alpha;
    let g_theta: f64 = (0..3)
        .map(|k| 0.5 * (w.column(k).norm_squared() - xa[k] * xa[k]))
        .sum();
    let l_inv = l
        .solve_lower_triangular(&DMatrix::identity(n, n))
        .expect("regular");
    (
        value + g_theta,
        0.5 * (l_inv.norm_squared() - alpha.norm_squared()),
    )
}

fn gp_faer(x: &Mat<f64>, y: &Mat<f64>, theta: &[f64; 3], noise: f64) -> (f64, f64) {
    let n = x.nrows();
    let xt = Mat::from_fn(n, 3, |i, j| x[(i, j)] * theta[j]);
    let k = &xt * x.transpose() + Mat::<f64>::identity(n, n) * faer::Scale(noise);
    let llt = k.llt(faer::Side::Lower).expect("SPD");
    let l = llt.L();
    let alpha = llt.solve(y);
    let value = 0.5 * (0..n).map(|i| y[(i, 0)] * alpha[(i, 0)]).sum::<f64>()
        + (0..n).map(|i| l[(i, i)].ln()).sum::<f64>();
    let mut w = x.to_owned();
    l.solve_lower_triangular_in_place(&mut w);
    let xa = x.transpose() * &alpha;
    let g_theta: f64 = (0..3)
        .map(|k| {
            let col: f64 = (0..n).map(|i| w[(i, k)] * w[(i, k)]).sum();
            0.5 * (col - xa[(k, 0)] * xa[(k, 0)])
        })
        .sum();
    let mut l_inv = Mat::<f64>::identity(n, n);
    l.solve_lower_triangular_in_place(&mut l_inv);
    (
        value + g_theta,
        0.5 * (l_inv.squared_norm_l2() - alpha.squared_norm_l2()),
    )
}

// ---- the workloads, by hand (nalgebra's are in `common/workloads.rs`) ----

fn seed_faer(x: &Mat<f64>, y: &Mat<f64>) -> (f64, Mat<f64>) {
    let n = x.nrows();
    let p = x * y;
    let sum: f64 = (0..n)
        .flat_map(|j| (0..n).map(move |i| (i, j)))
        .map(|(i, j)| p[(i, j)])
        .sum();
    (sum, Mat::<f64>::ones(n, n) * y.transpose())
}

fn lstsq_faer(w: &Mat<f64>, x: &Mat<f64>, y: &Mat<f64>) -> (f64, Mat<f64>) {
    let r = w * x - y;
    (0.5 * r.squared_norm_l2(), &r * x.transpose())
}

fn gauss_faer(s: &Mat<f64>, a: &Mat<f64>) -> (f64, Mat<f64>) {
    let n = s.nrows();
    let lu = s.partial_piv_lu();
    let u = lu.U();
    let logdet: f64 = (0..n).map(|i| u[(i, i)].abs().ln()).sum();
    let si = lu.inverse();
    let sit = si.transpose().to_owned();
    let g = &sit - &sit * a.transpose() * &sit;
    let trace: f64 = (0..n)
        .flat_map(|i| (0..n).map(move |k| (i, k)))
        .map(|(i, k)| si[(i, k)] * a[(k, i)])
        .sum();
    (logdet + trace, g)
}

fn mlp_faer(w1: &Mat<f64>, w2: &Mat<f64>, x: &Mat<f64>, y: &Mat<f64>) -> (f64, Mat<f64>, Mat<f64>) {
    let n = x.nrows();
    let z = w1 * x;
    let h = Mat::from_fn(n, 1, |i, _| z[(i, 0)].tanh());
    let r = w2 * &h - y;
    let back = w2.transpose() * &r;
    let d = Mat::from_fn(n, 1, |i, _| back[(i, 0)] * (1.0 - h[(i, 0)] * h[(i, 0)]));
    (
        0.5 * r.squared_norm_l2(),
        &d * x.transpose(),
        &r * h.transpose(),
    )
}

// ---- the benchmarks ----

fn logistic(c: &mut Criterion) {
    use matcalc::prelude::*;
    for n in [1_000usize, 10_000, 100_000] {
        let label = |i: usize| if entry(7, i, 0) >= 0.0 { 1.0 } else { 0.0 };
        let x = Matrix::<Dyn, U10>::from_fn_dyn(n, 10, |i, j| entry(1, i, j));
        let y = Vector::<Dyn>::from_fn_dyn(n, 1, |i, _| label(i));
        let w = Vector::<U10>::from_fn(|i, _| 0.1 * entry(2, i, 0));
        let xn = DMatrix::from_fn(n, 10, |i, j| entry(1, i, j));
        let yn = DVector::from_fn(n, |i, _| label(i));
        let wn = DVector::from_fn(10, |i, _| 0.1 * entry(2, i, 0));
        let xf = Mat::from_fn(n, 10, |i, j| entry(1, i, j));
        let yf = Mat::from_fn(n, 1, |i, _| label(i));
        let wf = Mat::from_fn(10, 1, |i, _| 0.1 * entry(2, i, 0));
        // The three compute the same numbers.
        let (v, g, h) = generated::logreg_hessian(&w, &x, &y);
        let (vn, gn, hn) = logreg_hess_na(&wn, &xn, &yn);
        let (vf, _, hf) = logreg_hess_faer(&wf, &xf, &yf);
        assert!((v - vn).abs() < 1e-9 * vn.abs() && (v - vf).abs() < 1e-9 * vn.abs());
        for i in 0..10 {
            assert!((g[(i, 0)] - gn[i]).abs() < 1e-8 * (1.0 + gn[i].abs()));
            for j in 0..10 {
                assert!((h[(i, j)] - hn[(i, j)]).abs() < 1e-8 * (1.0 + hn[(i, j)].abs()));
                assert!((h[(i, j)] - hf[(i, j)]).abs() < 1e-8 * (1.0 + hn[(i, j)].abs()));
            }
        }
        let mut group = c.benchmark_group("logreg-grad");
        group.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
            b.iter(|| generated::logreg_grad(black_box(&w), black_box(&x), black_box(&y)))
        });
        group.bench_function(BenchmarkId::new("nalgebra", n), |b| {
            b.iter(|| logreg_na(black_box(&wn), black_box(&xn), black_box(&yn)))
        });
        group.bench_function(BenchmarkId::new("faer", n), |b| {
            b.iter(|| logreg_faer(black_box(&wf), black_box(&xf), black_box(&yf)))
        });
        group.finish();
        let mut group = c.benchmark_group("logreg-hess");
        group.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
            b.iter(|| generated::logreg_hessian(black_box(&w), black_box(&x), black_box(&y)))
        });
        group.bench_function(BenchmarkId::new("nalgebra", n), |b| {
            b.iter(|| logreg_hess_na(black_box(&wn), black_box(&xn), black_box(&yn)))
        });
        group.bench_function(BenchmarkId::new("faer", n), |b| {
            b.iter(|| logreg_hess_faer(black_box(&wf), black_box(&xf), black_box(&yf)))
        });
        group.finish();
    }
}

fn gp(c: &mut Criterion) {
    use matcalc::prelude::*;
    for n in [100usize, 300, 1000] {
        let x = Matrix::<Dyn, U3>::from_fn_dyn(n, 3, |i, j| entry(1, i, j));
        let y = Vector::<Dyn>::from_fn_dyn(n, 1, |i, _| entry(2, i, 0));
        let theta = Vector::<U3>::from_fn(|i, _| 0.5 + 0.25 * i as f64);
        let noise = 0.3;
        let xn = DMatrix::from_fn(n, 3, |i, j| entry(1, i, j));
        let yn = DVector::from_fn(n, |i, _| entry(2, i, 0));
        let tn = DVector::from_fn(3, |i, _| 0.5 + 0.25 * i as f64);
        let xf = Mat::from_fn(n, 3, |i, j| entry(1, i, j));
        let yf = Mat::from_fn(n, 1, |i, _| entry(2, i, 0));
        let tf = [0.5, 0.75, 1.0];
        let (v, gt, gs) = generated::gp_grad(&x, &y, &theta, noise);
        let (vn, gsn) = gp_na(&xn, &yn, &tn, noise);
        let (vf, gsf) = gp_faer(&xf, &yf, &tf, noise);
        let folded = v + gt.sum();
        assert!(
            (folded - vn).abs() < 1e-7 * vn.abs().max(1.0),
            "{folded} vs {vn}"
        );
        assert!((vf - vn).abs() < 1e-7 * vn.abs().max(1.0), "{vf} vs {vn}");
        assert!(
            (gs - gsn).abs() < 1e-7 * gsn.abs().max(1.0)
                && (gsf - gsn).abs() < 1e-7 * gsn.abs().max(1.0)
        );
        let mut group = c.benchmark_group("gp-dyn");
        group.sample_size(10);
        group.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
            b.iter(|| generated::gp_grad(black_box(&x), black_box(&y), black_box(&theta), noise))
        });
        group.bench_function(BenchmarkId::new("nalgebra", n), |b| {
            b.iter(|| gp_na(black_box(&xn), black_box(&yn), black_box(&tn), noise))
        });
        group.bench_function(BenchmarkId::new("faer", n), |b| {
            b.iter(|| gp_faer(black_box(&xf), black_box(&yf), black_box(&tf), noise))
        });
        group.finish();
    }
}

/// The four workloads at one size: matcalc at the static dimension `$d` and at `Dyn`,
/// nalgebra `DMatrix`, faer.
macro_rules! workloads_at {
    ($c:ident, $n:literal, $d:ty) => {{
        use matcalc::prelude::*;
        let n = $n;
        let a = |seed: u64| move |i: usize, j: usize| entry(seed, i, j);
        let spd = |i: usize, j: usize| spd_entry(n, i, j);
        let v = |seed: u64| move |i: usize, _: usize| entry(seed, i, 0);
        let sm = |f: &dyn Fn(usize, usize) -> f64| Matrix::<$d, $d>::from_fn(f);
        let sv = |seed: u64| Vector::<$d>::from_fn(v(seed));
        let dm = |f: &dyn Fn(usize, usize) -> f64| Matrix::<Dyn, Dyn>::from_fn_dyn(n, n, f);
        let dv = |seed: u64| Vector::<Dyn>::from_fn_dyn(n, 1, v(seed));
        let nm = |f: &dyn Fn(usize, usize) -> f64| DMatrix::from_fn(n, n, f);
        let nv = |seed: u64| DVector::from_fn(n, v(seed));
        let fm = |f: &dyn Fn(usize, usize) -> f64| Mat::from_fn(n, n, f);
        let fv = |seed: u64| Mat::from_fn(n, 1, v(seed));
        {
            let mut g = $c.benchmark_group("seed-large");
            let (x, y) = (sm(&a(1)), sm(&a(2)));
            let (xd, yd) = (dm(&a(1)), dm(&a(2)));
            let (xn, yn) = (nm(&a(1)), nm(&a(2)));
            let (xf, yf) = (fm(&a(1)), fm(&a(2)));
            g.bench_function(BenchmarkId::new("matcalc-static", n), |b| {
                b.iter(|| generated::seed_grad(black_box(&x), black_box(&y)))
            });
            g.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
                b.iter(|| generated::seed_grad(black_box(&xd), black_box(&yd)))
            });
            g.bench_function(BenchmarkId::new("nalgebra", n), |b| {
                b.iter(|| hand::seed(black_box(&xn), black_box(&yn)))
            });
            g.bench_function(BenchmarkId::new("faer", n), |b| {
                b.iter(|| seed_faer(black_box(&xf), black_box(&yf)))
            });
            g.finish();
        }
        {
            let mut g = $c.benchmark_group("lstsq-large");
            let (w, x, y) = (sm(&a(3)), sv(4), sv(5));
            let (wd, xd, yd) = (dm(&a(3)), dv(4), dv(5));
            let (wn, xn, yn) = (nm(&a(3)), nv(4), nv(5));
            let (wf, xf, yf) = (fm(&a(3)), fv(4), fv(5));
            g.bench_function(BenchmarkId::new("matcalc-static", n), |b| {
                b.iter(|| generated::lstsq_grad(black_box(&w), black_box(&x), black_box(&y)))
            });
            g.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
                b.iter(|| generated::lstsq_grad(black_box(&wd), black_box(&xd), black_box(&yd)))
            });
            g.bench_function(BenchmarkId::new("nalgebra", n), |b| {
                b.iter(|| hand::lstsq(black_box(&wn), black_box(&xn), black_box(&yn)))
            });
            g.bench_function(BenchmarkId::new("faer", n), |b| {
                b.iter(|| lstsq_faer(black_box(&wf), black_box(&xf), black_box(&yf)))
            });
            g.finish();
        }
        {
            let mut g = $c.benchmark_group("gauss-large");
            g.sample_size(10);
            let (s, am) = (sm(&spd), sm(&a(6)));
            let (sd, ad) = (dm(&spd), dm(&a(6)));
            let (sn, an) = (nm(&spd), nm(&a(6)));
            let (sf, af) = (fm(&spd), fm(&a(6)));
            let (v, _) = generated::gauss_grad(&sd, &ad);
            let (vn, _) = hand::gauss(&sn, &an);
            let (vf, _) = gauss_faer(&sf, &af);
            assert!(
                (v - vn).abs() < 1e-8 * vn.abs().max(1.0)
                    && (vf - vn).abs() < 1e-8 * vn.abs().max(1.0)
            );
            g.bench_function(BenchmarkId::new("matcalc-static", n), |b| {
                b.iter(|| generated::gauss_grad(black_box(&s), black_box(&am)))
            });
            g.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
                b.iter(|| generated::gauss_grad(black_box(&sd), black_box(&ad)))
            });
            g.bench_function(BenchmarkId::new("nalgebra", n), |b| {
                b.iter(|| hand::gauss(black_box(&sn), black_box(&an)))
            });
            g.bench_function(BenchmarkId::new("faer", n), |b| {
                b.iter(|| gauss_faer(black_box(&sf), black_box(&af)))
            });
            g.finish();
        }
        {
            let mut g = $c.benchmark_group("mlp-large");
            let (w1, w2, x, y) = (sm(&a(7)), sm(&a(8)), sv(9), sv(10));
            let (w1d, w2d, xd, yd) = (dm(&a(7)), dm(&a(8)), dv(9), dv(10));
            let (w1n, w2n, xn, yn) = (nm(&a(7)), nm(&a(8)), nv(9), nv(10));
            let (w1f, w2f, xf, yf) = (fm(&a(7)), fm(&a(8)), fv(9), fv(10));
            g.bench_function(BenchmarkId::new("matcalc-static", n), |b| {
                b.iter(|| {
                    generated::mlp_grad(
                        black_box(&w1),
                        black_box(&w2),
                        black_box(&x),
                        black_box(&y),
                    )
                })
            });
            g.bench_function(BenchmarkId::new("matcalc-dyn", n), |b| {
                b.iter(|| {
                    generated::mlp_grad(
                        black_box(&w1d),
                        black_box(&w2d),
                        black_box(&xd),
                        black_box(&yd),
                    )
                })
            });
            g.bench_function(BenchmarkId::new("nalgebra", n), |b| {
                b.iter(|| {
                    hand::mlp(
                        black_box(&w1n),
                        black_box(&w2n),
                        black_box(&xn),
                        black_box(&yn),
                    )
                })
            });
            g.bench_function(BenchmarkId::new("faer", n), |b| {
                b.iter(|| {
                    mlp_faer(
                        black_box(&w1f),
                        black_box(&w2f),
                        black_box(&xf),
                        black_box(&yf),
                    )
                })
            });
            g.finish();
        }
    }};
}

fn workloads(c: &mut Criterion) {
    workloads_at!(c, 128, U128);
    workloads_at!(c, 256, U256);
    workloads_at!(c, 512, U512);
}

criterion_group! {
    name = benches;
    config = config();
    targets = logistic, gp, workloads
}
criterion_main!(benches);
