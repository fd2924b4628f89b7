//! The benchmark workloads, written once: their matcalc DSL functions (expanded at one size by
//! `first_order_dsl!` / `second_order_dsl!`) and the same closed forms hand-written with
//! nalgebra, once over nalgebra's dimension `D` (`Const<N>` gives the `SMatrix` peer, `Dyn` the
//! `DMatrix` one). `workloads.rs`, `second_order.rs`, `scalarised.rs`, `dyn_large.rs` and the
//! CasADi peer all read them from here, so a workload cannot drift between two benches.

/// The first-order workloads (`NAME_grad`) at size `$n`, as items of the calling module
/// (which imports `matcalc::prelude::*`):
///
/// - seed: sum(X Y), gradient in X;
/// - lstsq: ½‖W x − y‖², gradient in W;
/// - gauss: logdet(S) + tr(S⁻¹ A), gradient in S;
/// - mlp: ½‖W₂ tanh(W₁ x) − y‖², gradients in W₁ and W₂.
#[allow(unused_macros)]
macro_rules! first_order_dsl {
    ($n:ty) => {
        #[grad(X)]
        pub fn seed(X: &Matrix<$n, $n>, Y: &Matrix<$n, $n>) -> f64 {
            sum(X * Y)
        }

        #[grad(W)]
        pub fn lstsq(W: &Matrix<$n, $n>, x: &Vector<$n>, y: &Vector<$n>) -> f64 {
            0.5 * norm_sq(W * x - y)
        }

        #[grad(S)]
        pub fn gauss(S: &Matrix<$n, $n>, A: &Matrix<$n, $n>) -> f64 {
            logdet(S) + tr(inv(S) * A)
        }

        #[grad(W1, W2)]
        pub fn mlp(
            W1: &Matrix<$n, $n>,
            W2: &Matrix<$n, $n>,
            x: &Vector<$n>,
            y: &Vector<$n>,
        ) -> f64 {
            0.5 * norm_sq(W2 * tanh(W1 * x) - y)
        }
    };
}
#[allow(unused_imports)]
pub(crate) use first_order_dsl;

/// The second-order workloads at size `$n`:
///
/// - logreg: Σ softplus(−b ⊙ X w) with labels b = ±1, `logreg_hessian` in w;
/// - seedjac: X Y with Y n×2, `seedjac_jacobian` in X (Yᵀ ⊗ Iₙ, dense 2n × n²).
#[allow(unused_macros)]
macro_rules! second_order_dsl {
    ($n:ty) => {
        #[hessian(w)]
        pub fn logreg(X: &Matrix<$n, $n>, w: &Vector<$n>, b: &Vector<$n>) -> f64 {
            sum(softplus(-hadamard(b, X * w)))
        }

        #[jacobian(X)]
        pub fn seedjac(X: &Matrix<$n, $n>, Y: &Matrix<$n, U2>) -> Matrix<$n, U2> {
            X * Y
        }
    };
}
#[allow(unused_imports)]
pub(crate) use second_order_dsl;

/// For each `MODULE: SIZE`, `mod MODULE { pub type N = SIZE; … }` holding the workloads of
/// every listed DSL macro at that size: `dsl_modules!([first_order_dsl] s3: U3, s8: U8);`.
#[allow(unused_macros)]
macro_rules! dsl_modules {
    ([$($dsl:ident),+] $m:ident: $n:ident $(, $rest_m:ident: $rest_n:ident)* $(,)?) => {
        // The plain functions are generated too; only their derivative companions are timed.
        #[allow(non_snake_case, dead_code)]
        mod $m {
            use matcalc::prelude::*;
            pub type N = $n;
            $(crate::common::workloads::$dsl!($n);)+
        }
        crate::common::workloads::dsl_modules!([$($dsl),+] $($rest_m: $rest_n),*);
    };
    ([$($dsl:ident),+]) => {};
}
#[allow(unused_imports)]
pub(crate) use dsl_modules;

/// The closed forms of the workloads, hand-written with nalgebra as a careful person would.
pub mod hand {
    use nalgebra::allocator::Allocator;
    use nalgebra::{DefaultAllocator, Dim, DimMin, OMatrix, OVector, SMatrix, U1};

    use super::super::{sigmoid, softplus};

    pub type M<D> = OMatrix<f64, D, D>;
    pub type V<D> = OVector<f64, D>;

    /// sum(X Y) and ∇X = 𝟙 Yᵀ, as the formula reads.
    pub fn seed<D: Dim>(x: &M<D>, y: &M<D>) -> (f64, M<D>)
    where
        DefaultAllocator: Allocator<D, D>,
    {
        let (rows, cols) = x.shape_generic();
        (
            (x * y).sum(),
            M::<D>::repeat_generic(rows, cols, 1.0) * y.transpose(),
        )
    }

    /// ½‖W x − y‖² and ∇W = r xᵀ.
    pub fn lstsq<D: Dim>(w: &M<D>, x: &V<D>, y: &V<D>) -> (f64, M<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D> + Allocator<U1, D>,
    {
        let r = w * x - y;
        (0.5 * r.norm_squared(), &r * x.transpose())
    }

    /// logdet(S) + tr(S⁻¹ A) and ∇S = S⁻ᵀ − S⁻ᵀ Aᵀ S⁻ᵀ, through one LU.
    pub fn gauss<D: DimMin<D, Output = D>>(s: &M<D>, a: &M<D>) -> (f64, M<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        let lu = s.clone().lu();
        let logdet = lu.determinant().abs().ln();
        let si = lu.try_inverse().expect("S is SPD");
        let sit = si.transpose();
        let g = &sit - &sit * a.transpose() * &sit;
        // tr(S⁻¹ A) as Σ (S⁻¹)ᵢₖ Aₖᵢ: n² work, no product formed.
        (logdet + si.tr_dot(a), g)
    }

    /// ½‖W₂ h − y‖² with h = tanh(W₁ x), ∇W₁ = (W₂ᵀ r ⊙ (1 − h²)) xᵀ and ∇W₂ = r hᵀ.
    pub fn mlp<D: Dim>(w1: &M<D>, w2: &M<D>, x: &V<D>, y: &V<D>) -> (f64, M<D>, M<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D> + Allocator<U1, D>,
    {
        let h = (w1 * x).map(f64::tanh);
        let r = w2 * &h - y;
        let d = w2.tr_mul(&r).component_mul(&h.map(|t| 1.0 - t * t));
        (
            0.5 * r.norm_squared(),
            d * x.transpose(),
            &r * h.transpose(),
        )
    }

    /// Σ softplus(−b ⊙ X w): value, gradient −Xᵀ(b ⊙ (1 − s)) and Hessian Xᵀ diag(s(1 − s)) X
    /// with s = σ(b ⊙ X w).
    pub fn logreg_hessian<D: Dim>(x: &M<D>, w: &V<D>, b: &V<D>) -> (f64, V<D>, M<D>)
    where
        DefaultAllocator: Allocator<D, D> + Allocator<D>,
    {
        let m = (x * w).component_mul(b);
        let value = m.iter().map(|&t| softplus(-t)).sum();
        let s = m.map(sigmoid);
        let g = -x.tr_mul(&b.component_mul(&s.map(|t| 1.0 - t)));
        let d = s.map(|t| t * (1.0 - t));
        let (rows, cols) = x.shape_generic();
        let dx = M::<D>::from_fn_generic(rows, cols, |i, j| d[i] * x[(i, j)]);
        (value, g, x.tr_mul(&dx))
    }

    /// X Y with Y n×2 and its Jacobian in X, Yᵀ ⊗ Iₙ, dense and entry by entry (`R = 2N`,
    /// `Q = N²`).
    pub fn seedjac<const N: usize, const R: usize, const Q: usize>(
        x: &SMatrix<f64, N, N>,
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
}
