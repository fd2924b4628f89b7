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

/// The generated code of the seed gradient (examples/expanded/seed.rs).
fn seed(c: &mut Criterion) {
    let x: Matrix<U3, U3> = sample(0.1);
    let y: Matrix<U3, U2> = sample(0.2);
    c.bench_function("seed_grad", |bch| {
        bch.iter(|| {
            let (x, y) = (black_box(&x), black_box(&y));
            let t3: Matrix<U1, U3> = x.ones_mul::<U1>();
            let t4: Matrix<U3, U1> = y.mul_ones::<U1>();
            // Written as the generated code writes it.
            #[allow(clippy::op_ref)]
            let t5: Matrix<U1, U1> = (&t3) * (&t4);
            let t6 = t5.to_scalar();
            let t9: Matrix<U1, U3> = t4.t();
            let t10: Matrix<U3, U3> = t9.ones_mul::<U3>();
            (t6, t10)
        })
    });
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
    targets = seed, small
}
criterion_main!(benches);
