//! Dense kernels at the sizes where matcalc switches between its loops, matrixmultiply and
//! faer: matcalc's `*` / `Lu` / `cholesky` on `Dyn` matrices beside matrixmultiply and faer
//! called directly, and nalgebra `DMatrix`, in one run. Used to place the thresholds in
//! `core/src/product.rs` and `core/src/linalg.rs` (`LU_FAER_MIN`).
//!
//! `cargo bench -p matcalc-core --bench kernels -- --measurement-time 1`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::{Accum, MatMut, MatRef, Par};
use matcalc_core::{Dyn, Matrix};

type DMatrix = Matrix<Dyn, Dyn>;

fn entry(i: usize, j: usize) -> f64 {
    (((i * 7919 + j * 104_729) % 1000) as f64) / 500.0 - 1.0
}

fn spd(n: usize) -> DMatrix {
    let b = DMatrix::from_fn_dyn(n, n, entry);
    let mut s = b.mul_tr(&b);
    for i in 0..n {
        s[(i, i)] += n as f64;
    }
    s
}

/// The j-p-i loops of `product::loops`, for the comparison.
fn loops(m: usize, k: usize, n: usize, a: &[f64], b: &[f64], o: &mut [f64]) {
    o.fill(0.0);
    for j in 0..n {
        for p in 0..k {
            let b_pj = b[p + k * j];
            for i in 0..m {
                o[i + m * j] += a[i + m * p] * b_pj;
            }
        }
    }
}

fn products(c: &mut Criterion) {
    let mut g = c.benchmark_group("product");
    for n in [8, 16, 24, 32, 48, 64, 96, 128, 256, 512] {
        let a = DMatrix::from_fn_dyn(n, n, entry);
        let b = DMatrix::from_fn_dyn(n, n, |i, j| entry(j, i));
        let mut out = vec![0.0; n * n];
        g.bench_function(BenchmarkId::new("matcalc", n), |bch| {
            bch.iter(|| black_box(&a) * black_box(&b))
        });
        g.bench_function(BenchmarkId::new("loops", n), |bch| {
            bch.iter(|| loops(n, n, n, a.as_slice(), b.as_slice(), black_box(&mut out)))
        });
        g.bench_function(BenchmarkId::new("matrixmultiply", n), |bch| {
            bch.iter(|| unsafe {
                matrixmultiply::dgemm(
                    n,
                    n,
                    n,
                    1.0,
                    a.as_slice().as_ptr(),
                    1,
                    n as isize,
                    b.as_slice().as_ptr(),
                    1,
                    n as isize,
                    0.0,
                    black_box(&mut out).as_mut_ptr(),
                    1,
                    n as isize,
                )
            })
        });
        g.bench_function(BenchmarkId::new("faer", n), |bch| {
            bch.iter(|| {
                faer::linalg::matmul::matmul(
                    MatMut::from_column_major_slice_mut(black_box(&mut out), n, n),
                    Accum::Replace,
                    MatRef::from_column_major_slice(a.as_slice(), n, n),
                    MatRef::from_column_major_slice(b.as_slice(), n, n),
                    1.0,
                    Par::Seq,
                )
            })
        });
        let (na, nb) = (
            nalgebra::DMatrix::from_column_slice(n, n, a.as_slice()),
            nalgebra::DMatrix::from_column_slice(n, n, b.as_slice()),
        );
        g.bench_function(BenchmarkId::new("nalgebra", n), |bch| {
            bch.iter(|| black_box(&na) * black_box(&nb))
        });
    }
    g.finish();
}

fn matvec(c: &mut Criterion) {
    let mut g = c.benchmark_group("matvec");
    for n in [32, 64, 128, 256, 512] {
        let a = DMatrix::from_fn_dyn(n, n, entry);
        let x = Matrix::<Dyn, typenum::U1>::from_fn_dyn(n, 1, |i, _| entry(i, 3));
        let mut out = vec![0.0; n];
        g.bench_function(BenchmarkId::new("matcalc", n), |bch| {
            bch.iter(|| black_box(&a) * black_box(&x))
        });
        g.bench_function(BenchmarkId::new("loops", n), |bch| {
            bch.iter(|| loops(n, n, 1, a.as_slice(), x.as_slice(), black_box(&mut out)))
        });
        let (na, nx) = (
            nalgebra::DMatrix::from_column_slice(n, n, a.as_slice()),
            nalgebra::DVector::from_column_slice(x.as_slice()),
        );
        g.bench_function(BenchmarkId::new("nalgebra", n), |bch| {
            bch.iter(|| black_box(&na) * black_box(&nx))
        });
    }
    g.finish();
}

fn factorizations(c: &mut Criterion) {
    let mut g = c.benchmark_group("lu");
    for n in [8, 16, 24, 32, 48, 64, 128, 256] {
        let a = spd(n);
        g.bench_function(BenchmarkId::new("matcalc", n), |bch| {
            bch.iter(|| black_box(&a).lu())
        });
        g.bench_function(BenchmarkId::new("faer", n), |bch| {
            let mut work = a.as_slice().to_vec();
            let (mut p, mut q) = (vec![0usize; n], vec![0usize; n]);
            let mut buf = MemBuffer::new(
                faer::linalg::lu::partial_pivoting::factor::lu_in_place_scratch::<usize, f64>(
                    n,
                    n,
                    Par::Seq,
                    Default::default(),
                ),
            );
            bch.iter(|| {
                work.copy_from_slice(a.as_slice());
                faer::linalg::lu::partial_pivoting::factor::lu_in_place(
                    MatMut::from_column_major_slice_mut(&mut work, n, n),
                    &mut p,
                    &mut q,
                    Par::Seq,
                    MemStack::new(&mut buf),
                    Default::default(),
                );
            })
        });
        let na = nalgebra::DMatrix::from_column_slice(n, n, a.as_slice());
        g.bench_function(BenchmarkId::new("nalgebra", n), |bch| {
            bch.iter(|| black_box(&na).clone().lu())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("inverse");
    for n in [16, 32, 64, 128, 256] {
        let a = spd(n);
        g.bench_function(BenchmarkId::new("matcalc", n), |bch| {
            bch.iter(|| black_box(&a).inv())
        });
        let na = nalgebra::DMatrix::from_column_slice(n, n, a.as_slice());
        g.bench_function(BenchmarkId::new("nalgebra", n), |bch| {
            bch.iter(|| black_box(&na).clone().try_inverse())
        });
    }
    g.finish();
    let mut g = c.benchmark_group("cholesky");
    for n in [16, 32, 64, 128, 256] {
        let a = spd(n);
        g.bench_function(BenchmarkId::new("matcalc", n), |bch| {
            bch.iter(|| black_box(&a).cholesky())
        });
        let na = nalgebra::DMatrix::from_column_slice(n, n, a.as_slice());
        g.bench_function(BenchmarkId::new("nalgebra", n), |bch| {
            bch.iter(|| black_box(&na).clone().cholesky())
        });
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(700))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = products, matvec, factorizations
}
criterion_main!(benches);
