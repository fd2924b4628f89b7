//! Static small matrices (3×3, 8×8): the inline, allocation-free kernels that generated code
//! calls, to check that nothing in them gets slower (compare against an older checkout with
//! `cargo bench -p matcalc-core --bench static_small`; only API that has long existed is used).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use matcalc_core::prelude::*;

fn sample<R: Dim, C: Dim>(seed: f64) -> Matrix<R, C> {
    Matrix::from_fn(|i, j| {
        ((i * 7 + j * 3) as f64 * 0.37 + seed).sin() + if i == j { 3.0 } else { 0.0 }
    })
}

macro_rules! size {
    ($c:expr, $n:ty, $name:literal) => {{
        let a: Matrix<$n, $n> = sample(0.1);
        let b: Matrix<$n, $n> = sample(0.2);
        let x: Vector<$n> = sample(0.3);
        let mut g = $c.benchmark_group($name);
        g.bench_function("product", |bch| bch.iter(|| black_box(a) * black_box(b)));
        g.bench_function("tr_mul", |bch| {
            bch.iter(|| black_box(a).tr_mul(&black_box(b)))
        });
        g.bench_function("mul_tr", |bch| {
            bch.iter(|| black_box(a).mul_tr(&black_box(b)))
        });
        g.bench_function("quadratic_form", |bch| {
            bch.iter(|| (black_box(x).t() * black_box(a) * black_box(x)).to_scalar())
        });
        g.bench_function("add_scale", |bch| {
            bch.iter(|| black_box(a) + black_box(b) * 2.0)
        });
        g.bench_function("inv", |bch| bch.iter(|| black_box(a).inv()));
        g.bench_function("logdet", |bch| bch.iter(|| black_box(a).logdet()));
        g.bench_function("solve", |bch| bch.iter(|| black_box(a).solve(black_box(x))));
        g.bench_function("cholesky", |bch| {
            bch.iter(|| black_box(b.mul_tr(&b)).cholesky())
        });
        g.bench_function("ones_mul", |bch| bch.iter(|| black_box(a).ones_mul::<U1>()));
        g.bench_function("transpose_sum", |bch| {
            bch.iter(|| black_box(a).t().sum() + black_box(a).tr())
        });
        g.finish();
    }};
}

fn small(c: &mut Criterion) {
    size!(c, U3, "n3");
    size!(c, U8, "n8");
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = small
}
criterion_main!(benches);
