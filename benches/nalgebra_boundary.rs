//! What the nalgebra boundary costs (feature `nalgebra`): the least-squares gradient
//! ½‖W x − y‖² → (W x − y) xᵀ written over nalgebra types, against the same function over
//! matcalc types called with matcalc matrices. The nalgebra version reads each argument into a
//! matcalc matrix (one copy) and writes the gradient back (one copy); the difference is that.
//! `cargo bench -p matcalc --features nalgebra --bench nalgebra_boundary`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use nalgebra::{DMatrix, DVector, SMatrix, SVector};

mod common;
use common::{config, entry};

#[allow(non_snake_case)]
mod functions {
    use matcalc::prelude::*;
    use nalgebra::{DMatrix, DVector, SMatrix, SVector};

    #[grad(W)]
    pub fn static_nalgebra(
        W: &SMatrix<f64, 3, 4>,
        x: &SVector<f64, 4>,
        y: &SVector<f64, 3>,
    ) -> f64 {
        0.5 * norm_sq(W * x - y)
    }

    #[grad(W)]
    pub fn static_matcalc(W: &Matrix<U3, U4>, x: &Vector<U4>, y: &Vector<U3>) -> f64 {
        0.5 * norm_sq(W * x - y)
    }

    #[grad(W)]
    pub fn dyn_nalgebra(W: &DMatrix<f64>, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        0.5 * norm_sq(W * x - y)
    }

    #[grad(W)]
    pub fn dyn_matcalc<M: Dim, N: Dim>(W: &Matrix<M, N>, x: &Vector<N>, y: &Vector<M>) -> f64 {
        0.5 * norm_sq(W * x - y)
    }
}

fn bench(c: &mut Criterion) {
    use matcalc::prelude::*;
    let mut group = c.benchmark_group("least_squares_grad");

    let w = SMatrix::<f64, 3, 4>::from_fn(|i, j| entry(1, i, j));
    let x = SVector::<f64, 4>::from_fn(|i, _| entry(2, i, 0));
    let y = SVector::<f64, 3>::from_fn(|i, _| entry(3, i, 0));
    let (mw, mx, my): (Matrix<U3, U4>, Vector<U4>, Vector<U3>) = (w.into(), x.into(), y.into());
    group.bench_function("3x4 SMatrix", |b| {
        b.iter(|| functions::static_nalgebra_grad(black_box(&w), black_box(&x), black_box(&y)))
    });
    group.bench_function("3x4 matcalc", |b| {
        b.iter(|| functions::static_matcalc_grad(black_box(&mw), black_box(&mx), black_box(&my)))
    });

    for n in [16usize, 128, 512] {
        let w = DMatrix::<f64>::from_fn(n, n, |i, j| entry(1, i, j));
        let x = DVector::<f64>::from_fn(n, |i, _| entry(2, i, 0));
        let y = DVector::<f64>::from_fn(n, |i, _| entry(3, i, 0));
        let mw = Matrix::<Dyn, Dyn>::from_column_slice_dyn(n, n, w.as_slice());
        let mx = Vector::<Dyn>::from_column_slice_dyn(n, 1, x.as_slice());
        let my = Vector::<Dyn>::from_column_slice_dyn(n, 1, y.as_slice());
        group.bench_with_input(BenchmarkId::new("DMatrix", n), &n, |b, _| {
            b.iter(|| functions::dyn_nalgebra_grad(black_box(&w), black_box(&x), black_box(&y)))
        });
        group.bench_with_input(BenchmarkId::new("matcalc Dyn", n), &n, |b, _| {
            b.iter(|| functions::dyn_matcalc_grad(black_box(&mw), black_box(&mx), black_box(&my)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
