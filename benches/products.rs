//! Run-time benchmarks of the products of issue 11 (`#[vjp]`, `#[jvp]`, `#[hvp]`) at n ∈ {3, 8,
//! 32, 128}, each against the same value and product hand-written with nalgebra in the same run
//! (`SMatrix` at every n, `DMatrix` too at n = 128), after checking that both agree:
//!
//! - `layer-vjp-W`, `layer-vjp-x`: a dense layer F = tanh(W x + b), (F, W̄ = δ xᵀ) and
//!   (F, x̄ = Wᵀ δ) with δ = u ⊙ (1 − F ⊙ F): backpropagation through one layer;
//! - `layer-jvp-x`: (F, dF = (1 − F ⊙ F) ⊙ (W t)): forward sensitivity to the input;
//! - `lstsq-hvp`: ½‖W x − y‖² in x, (value, Wᵀ r, Wᵀ (W v)): a Gauss–Newton step's product;
//! - `logreg-hvp`: Σ softplus(−b ⊙ X w) in w, (value, gradient, Xᵀ (s(1 − s) ⊙ X v)) with
//!   labels b = ±1: truncated Newton on the logistic loss of `second_order.rs`.
//!
//! Criterion ids are `GROUP/IMPL/n`, read by `scripts/bench-report`. The full Jacobian of the
//! layer in W would have n³ entries (2.1·10⁶ at n = 128): none is formed.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::allocator::Allocator;
use nalgebra::{Const, DefaultAllocator, Dim, Dyn, OMatrix, OVector, U1};

mod common;
use common::{compare, config, label, na, scaled, seeded, sigmoid, softplus};

/// The products as matcalc DSL functions at one concrete size.
macro_rules! matcalc_products {
    ($m:ident, $n:ident) => {
        #[allow(non_snake_case, dead_code)]
        mod $m {
            use matcalc::prelude::*;
            pub type N = $n;

            #[vjp(W)]
            #[jvp(x)]
            pub fn layer(W: &Matrix<$n, $n>, x: &Vector<$n>, b: &Vector<$n>) -> Vector<$n> {
                tanh(W * x + b)
            }

            #[vjp(x)]
            pub fn layer_x(W: &Matrix<$n, $n>, x: &Vector<$n>, b: &Vector<$n>) -> Vector<$n> {
                tanh(W * x + b)
            }

            #[hvp(x)]
            pub fn lstsq(W: &Matrix<$n, $n>, x: &Vector<$n>, y: &Vector<$n>) -> f64 {
                0.5 * norm_sq(W * x - y)
            }

            #[hvp(w)]
            pub fn logreg(X: &Matrix<$n, $n>, w: &Vector<$n>, b: &Vector<$n>) -> f64 {
                sum(softplus(-hadamard(b, X * w)))
            }
        }
    };
}

matcalc_products!(s3, U3);
matcalc_products!(s8, U8);
matcalc_products!(s32, U32);
matcalc_products!(s128, U128);

/// The same products hand-written once over nalgebra's dimension `D`: `Const<N>` makes them
/// `SMatrix` code, `Dyn` `DMatrix` code.
mod hand {
    use super::*;

    pub type M<D> = OMatrix<f64, D, D>;
    pub type V<D> = OVector<f64, D>;

    /// F = tanh(W x + b).
    fn layer<D: Dim>(w: &M<D>, x: &V<D>, b: &V<D>) -> V<D>
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        (w * x + b).map(f64::tanh)
    }

    /// δ = u ⊙ (1 − F ⊙ F), the cotangent before the activation.
    fn delta<D: Dim>(u: &V<D>, f: &V<D>) -> V<D>
    where
        DefaultAllocator: Allocator<D>,
    {
        u.zip_map(f, |u, f| u * (1.0 - f * f))
    }

    pub fn layer_vjp_w<D: Dim>(w: &M<D>, x: &V<D>, b: &V<D>, u: &V<D>) -> (V<D>, M<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D> + Allocator<U1, D>,
    {
        let f = layer(w, x, b);
        let bar = delta(u, &f) * x.transpose();
        (f, bar)
    }

    pub fn layer_vjp_x<D: Dim>(w: &M<D>, x: &V<D>, b: &V<D>, u: &V<D>) -> (V<D>, V<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        let f = layer(w, x, b);
        let bar = w.tr_mul(&delta(u, &f));
        (f, bar)
    }

    pub fn layer_jvp_x<D: Dim>(w: &M<D>, x: &V<D>, b: &V<D>, t: &V<D>) -> (V<D>, V<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        let f = layer(w, x, b);
        let df = (w * t).zip_map(&f, |wt, f| wt * (1.0 - f * f));
        (f, df)
    }

    pub fn lstsq_hvp<D: Dim>(w: &M<D>, x: &V<D>, y: &V<D>, v: &V<D>) -> (f64, V<D>, V<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        let r = w * x - y;
        (0.5 * r.norm_squared(), w.tr_mul(&r), w.tr_mul(&(w * v)))
    }

    /// With labels ±1, b ⊙ b = 1 drops out of the Hessian.
    pub fn logreg_hvp<D: Dim>(x: &M<D>, w: &V<D>, b: &V<D>, v: &V<D>) -> (f64, V<D>, V<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        let m = (x * w).component_mul(b);
        let value = m.iter().map(|&t| softplus(-t)).sum();
        let s = m.map(sigmoid);
        let g = -x.tr_mul(&b.zip_map(&s, |b, s| b * (1.0 - s)));
        let hv = x.tr_mul(&(x * v).zip_map(&s, |xv, s| s * (1.0 - s) * xv));
        (value, g, hv)
    }
}

/// Every input at nalgebra dimension `d`, from the entry functions matcalc's inputs use.
struct Inputs<D: Dim>
where
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    /// The layer's weights (entries scaled by 1/√n to keep tanh off its flat tails), also X.
    w: hand::M<D>,
    x: hand::V<D>,
    b: hand::V<D>,
    y: hand::V<D>,
    /// The direction: cotangent, tangent or v.
    u: hand::V<D>,
    labels: hand::V<D>,
}

/// Entry functions of the inputs, shared by matcalc and nalgebra.
fn weights(n: usize) -> impl Fn(usize, usize) -> f64 + Copy {
    scaled(1, 1.0 / (n as f64).sqrt())
}
const X: u64 = 2;
const B: u64 = 3;
const Y: u64 = 4;
const U: u64 = 5;
fn labels(i: usize, _: usize) -> f64 {
    label(i)
}

impl<D: Dim> Inputs<D>
where
    DefaultAllocator: Allocator<D, D> + Allocator<D>,
{
    fn new(d: D) -> Self {
        let n = d.value();
        Inputs {
            w: na(d, d, weights(n)),
            x: na(d, U1, seeded(X)),
            b: na(d, U1, seeded(B)),
            y: na(d, U1, seeded(Y)),
            u: na(d, U1, seeded(U)),
            labels: na(d, U1, labels),
        }
    }
}

/// One product at one size: `generated(args)` against `hand` on the same-named fields of the
/// nalgebra inputs `$s` (`SMatrix`) and `$d` (`DMatrix`, timed at n = 128), each checked before
/// it is timed. One `black_box` over all arguments of a call: nothing is hoisted out of the loop.
macro_rules! case {
    ($c:ident, $n:literal, $group:literal, $generated:path, $hand:path, ($($a:ident),*), $s:ident, $d:ident) => {
        compare!(
            $c,
            $group,
            $n,
            "matcalc" => || {
                let ($($a),*) = black_box(($(&$a),*));
                $generated($($a),*)
            },
            "nalgebra-static" => || {
                let s = black_box(&$s);
                $hand($(&s.$a),*)
            },
            "nalgebra-dynamic" if $n == 128 => || {
                let d = black_box(&$d);
                $hand($(&d.$a),*)
            },
        )
    };
}

/// One size of every product.
macro_rules! bench_size {
    ($c:ident, $m:ident, $n:literal) => {{
        type M = matcalc::Matrix<$m::N, $m::N>;
        type V = matcalc::Vector<$m::N>;
        let (w, x, b) = (
            M::from_fn(weights($n)),
            V::from_fn(seeded(X)),
            V::from_fn(seeded(B)),
        );
        let (y, u, labels) = (
            V::from_fn(seeded(Y)),
            V::from_fn(seeded(U)),
            V::from_fn(labels),
        );
        let (s, d) = (Inputs::new(Const::<$n>), Inputs::new(Dyn($n)));
        case!(
            $c,
            $n,
            "layer-vjp-W",
            $m::layer_vjp,
            hand::layer_vjp_w,
            (w, x, b, u),
            s,
            d
        );
        case!(
            $c,
            $n,
            "layer-vjp-x",
            $m::layer_x_vjp,
            hand::layer_vjp_x,
            (w, x, b, u),
            s,
            d
        );
        case!(
            $c,
            $n,
            "layer-jvp-x",
            $m::layer_jvp,
            hand::layer_jvp_x,
            (w, x, b, u),
            s,
            d
        );
        case!(
            $c,
            $n,
            "lstsq-hvp",
            $m::lstsq_hvp,
            hand::lstsq_hvp,
            (w, x, y, u),
            s,
            d
        );
        case!(
            $c,
            $n,
            "logreg-hvp",
            $m::logreg_hvp,
            hand::logreg_hvp,
            (w, x, labels, u),
            s,
            d
        );
    }};
}

fn n3(c: &mut Criterion) {
    bench_size!(c, s3, 3);
}

fn n8(c: &mut Criterion) {
    bench_size!(c, s8, 8);
}

fn n32(c: &mut Criterion) {
    bench_size!(c, s32, 32);
}

fn n128(c: &mut Criterion) {
    bench_size!(c, s128, 128);
}

criterion_group! {
    name = benches;
    config = config();
    targets = n3, n8, n32, n128
}
criterion_main!(benches);
