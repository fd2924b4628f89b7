//! Entry-by-entry functions (`exp`, `sigmoid`, `powi`, `hadamard`, ...) and the two
//! whole-matrix normalisations built from them, `softmax` and `logsumexp`.

use crate::arg::MatrixArg;
use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::{SameShapeForElemDiv, SameShapeForHadamard};

/// The one list of elementwise DSL functions: `name => Scalar method; doc`. It is passed to a
/// macro that declares one item per function, so the `Matrix` methods here and the free
/// functions of `dsl` come from the same rows (`for_each_elementwise!(declare)`).
macro_rules! for_each_elementwise {
    ($declare:ident) => {
        $declare! {
            /// `eˣ`
            exp => exp;
            /// Natural logarithm
            log => ln;
            /// Sine
            sin => sin;
            /// Cosine
            cos => cos;
            /// Tangent
            tan => tan;
            /// Hyperbolic tangent
            tanh => tanh;
            /// Square root
            sqrt => sqrt;
            /// Absolute value
            abs => abs;
            /// Logistic `1 / (1 + e⁻ˣ)` (stable for any magnitude)
            sigmoid => sigmoid;
            /// `ln(1 + eˣ)` (stable for any magnitude)
            softplus => softplus;
            /// `max(x, 0)`
            relu => relu;
            /// `ln(1 + x)`, accurate for small `x`
            log1p => ln_1p;
            /// `eˣ − 1`, accurate for small `x`
            expm1 => exp_m1;
            /// Hyperbolic sine
            sinh => sinh;
            /// Hyperbolic cosine
            cosh => cosh;
            /// Inverse sine
            asin => asin;
            /// Inverse cosine
            acos => acos;
            /// Inverse tangent
            atan => atan;
        }
    };
}
pub(crate) use for_each_elementwise;

/// Declares methods that apply the `Scalar` method of the same meaning to every entry.
macro_rules! elementwise_methods {
    ($($(#[$doc:meta])* $name:ident => $scalar_fn:ident;)*) => {
        impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
            $(
                $(#[$doc])*
                #[doc = ", of every entry."]
                #[inline]
                pub fn $name(&self) -> Self {
                    self.map(T::$scalar_fn)
                }
            )*
        }
    };
}

for_each_elementwise!(elementwise_methods);

/// Functions only derivatives use.
impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `(sin A, cos A)` entry by entry, one [`Scalar::sin_cos`] per entry: generated code
    /// calls it where both of the same matrix are needed.
    #[inline]
    pub fn sin_cos(&self) -> (Self, Self) {
        self.map_pair(T::sin_cos)
    }
    /// `(softplus A, sigmoid A)` entry by entry, one [`Scalar::softplus_sigmoid`] (one
    /// exponential) per entry: generated code calls it where both of the same matrix are
    /// needed.
    #[inline]
    pub fn softplus_sigmoid(&self) -> (Self, Self) {
        self.map_pair(T::softplus_sigmoid)
    }
    /// Two matrices from one function returning a pair per entry.
    #[inline(always)]
    fn map_pair(&self, f: impl Fn(T) -> (T, T)) -> (Self, Self) {
        let (mut first, mut second) = (self.clone(), self.clone());
        for ((x, a), b) in self
            .as_slice()
            .iter()
            .zip(first.as_mut_slice())
            .zip(second.as_mut_slice())
        {
            (*a, *b) = f(*x);
        }
        (first, second)
    }
    /// Sign (`-1`, `0`, `1`) of every entry.
    #[inline]
    pub fn sign(&self) -> Self {
        self.map(T::sign)
    }
    /// Heaviside step (`1` where positive, else `0`) of every entry.
    #[inline]
    pub fn step(&self) -> Self {
        self.map(T::step)
    }
    /// `1 / x` of every entry.
    #[inline]
    pub fn recip(&self) -> Self {
        self.map(T::recip)
    }
    /// `1 / x` of every entry, `0` where `x = 0` (see [`Scalar::recip_or_zero`]).
    #[inline]
    pub fn recip_or_zero(&self) -> Self {
        self.map(T::recip_or_zero)
    }
    /// `ln x` of every entry, `0` where `x = 0` (see [`Scalar::log_or_zero`]).
    #[inline]
    pub fn log_or_zero(&self) -> Self {
        self.map(T::log_or_zero)
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// Every entry to the integer power `k`.
    ///
    /// Squares and cubes (`1 − tanh²`, `σ(1 − σ)` ... in derivatives) are multiplied out: where
    /// `k` does not fold to a constant inside the map, `powi` is a call per entry
    /// (`__powidf2`). The products are the ones that call computes, so results are identical.
    #[inline]
    pub fn powi(&self, k: i32) -> Self {
        match k {
            2 => self.map(|x| x * x),
            3 => self.map(|x| x * x * x),
            _ => self.map(|x| x.powi(k)),
        }
    }

    /// Every entry to the real power `p`.
    #[inline]
    pub fn powf(&self, p: T) -> Self {
        self.map(|x| x.powf(p))
    }

    /// Elementwise (Hadamard) product `A ∘ B` of two same-shaped matrices (`B` owned or borrowed).
    #[inline]
    pub fn hadamard<B: MatrixArg<T = T>>(&self, other: B) -> Self
    where
        B::Shape: SameShapeForHadamard<(R, C)>,
    {
        self.zip_map_checked("`hadamard`", other.as_matrix(), |a, b| a * b)
    }

    /// Elementwise quotient `A ⊘ B` of two same-shaped matrices (`B` owned or borrowed).
    #[inline]
    pub fn elem_div<B: MatrixArg<T = T>>(&self, other: B) -> Self
    where
        B::Shape: SameShapeForElemDiv<(R, C)>,
    {
        self.zip_map_checked("`elem_div`", other.as_matrix(), |a, b| a / b)
    }

    /// `atan2(y, x)` entry by entry, with `self` as y: the angle of each point `(x, y)`.
    #[inline]
    pub fn atan2<B: MatrixArg<T = T>>(&self, x: B) -> Self
    where
        B::Shape: SameShapeForHadamard<(R, C)>,
    {
        self.zip_map_checked("`atan2`", x.as_matrix(), |y, x| y.atan2(x))
    }

    /// The mean of all entries, `sum / (rows · cols)` (NaN for an empty matrix).
    #[inline]
    pub fn mean(&self) -> T {
        let count = T::from_f64((self.nrows() * self.ncols()) as f64);
        self.iter().copied().sum::<T>() / count
    }

    /// `ln Σ exp(a_ij)` over all entries.
    ///
    /// Computed as `m + ln Σ exp(a_ij - m)` with `m` the largest entry, so entries of ±1000 do
    /// not overflow. An empty matrix or all entries `-∞` give `-∞`; any `+∞` gives `+∞`.
    pub fn logsumexp(&self) -> T {
        let m = self.max_entry();
        if !m.is_finite() {
            // -inf: every term is zero; +inf: dominates; NaN: propagates.
            return m;
        }
        let s: T = self.iter().map(|&a| (a - m).exp()).sum();
        m + s.ln()
    }

    /// `exp(a_ij) / Σ exp(a_kl)` over all entries (any shape; for a vector the usual softmax).
    ///
    /// The largest entry is subtracted first so no exponential overflows; the result sums to 1.
    pub fn softmax(&self) -> Self {
        let m = self.max_entry();
        let e = self.map(|a| (a - m).exp());
        let s = e.sum();
        e.map(|x| x / s)
    }

    /// Largest entry (NaN if any entry is NaN; `-∞` for an empty matrix).
    fn max_entry(&self) -> T {
        self.iter().fold(-T::INFINITY, |m, &a| {
            if a.is_nan() || m.is_nan() {
                T::NAN
            } else if a > m {
                a
            } else {
                m
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    #[test]
    fn unary_functions_apply_entrywise() {
        let mut rng = Rng::new(11);
        let a = Matrix::<U3, U2>::from_fn(|_, _| rng.range(0.1, 2.0));
        type Check = (Matrix<U3, U2>, fn(f64) -> f64);
        let checks: [Check; 9] = [
            (a.exp(), f64::exp),
            (a.log(), f64::ln),
            (a.sin(), f64::sin),
            (a.cos(), f64::cos),
            (a.tan(), f64::tan),
            (a.tanh(), f64::tanh),
            (a.sqrt(), f64::sqrt),
            (a.abs(), f64::abs),
            (a.recip(), f64::recip),
        ];
        // Within an ulp or so rather than exact: without `std` the entries come from `libm`.
        for (got, f) in checks {
            assert!(got.approx_eq(&Matrix::from_fn(|i, j| f(a[(i, j)])), 1e-15, 0.0));
        }
        let (sin, cos) = a.sin_cos();
        assert!(sin.approx_eq(&a.sin(), 1e-15, 0.0) && cos.approx_eq(&a.cos(), 1e-15, 0.0));
        assert!(a
            .powi(3)
            .approx_eq(&a.hadamard(&a).hadamard(&a), 1e-14, 0.0));
        assert!(a.powf(0.5).approx_eq(&a.sqrt(), 1e-15, 0.0));
        assert!(a.elem_div(&a).approx_eq(&Matrix::ones(), 1e-15, 0.0));
        let signs = Matrix::<U1, U3>::from_row_slice(&[-2.0, 0.0, 3.0]);
        assert_eq!(signs.sign().as_slice(), &[-1.0, 0.0, 1.0]);
        assert_eq!(signs.step().as_slice(), &[0.0, 0.0, 1.0]);
        assert_eq!(signs.recip_or_zero().as_slice(), &[-0.5, 0.0, 1.0 / 3.0]);
        let logs = Matrix::<U1, U2>::from_row_slice(&[0.0, 2.0]).log_or_zero();
        assert_eq!(logs.as_slice(), &[0.0, 2f64.ln()]);
        assert_eq!(signs.relu().as_slice(), &[0.0, 0.0, 3.0]);
        assert!((signs.sigmoid()[(0, 1)] - 0.5).abs() < 1e-16);
        assert!((signs.softplus()[(0, 1)] - 2f64.ln()).abs() < 1e-16);
    }

    /// The multiplied-out squares and cubes are the scalar `powi` to the last bit, and every
    /// other exponent still goes to it (f64 and f32, a `Dyn` matrix of awkward values).
    #[test]
    fn powi_matches_the_scalar_power_exactly() {
        let mut rng = Rng::new(13);
        let a = Matrix::<crate::Dyn, U3>::from_fn_dyn(7, 3, |_, _| rng.range(-3.0, 3.0) * 1e3);
        let a32 = a.map(|x| x as f32 * 1.1);
        for k in [-2, -1, 0, 1, 2, 3, 4, 7] {
            let got = a.powi(k);
            let got32 = a32.powi(k);
            for ((g, g32), (x, x32)) in got.iter().zip(got32.iter()).zip(a.iter().zip(a32.iter())) {
                assert_eq!(g.to_bits(), x.powi(k).to_bits(), "{x}^{k}");
                assert_eq!(g32.to_bits(), x32.powi(k).to_bits(), "{x32}^{k} (f32)");
            }
        }
    }

    #[test]
    fn softmax_and_logsumexp_match_naive_formulas() {
        let mut rng = Rng::new(12);
        for _ in 0..20 {
            let a = Matrix::<U2, U3>::from_fn(|_, _| 5.0 * rng.uniform());
            let z: f64 = a.iter().map(|x| x.exp()).sum();
            assert!((a.logsumexp() - z.ln()).abs() < 1e-13);
            let want = a.map(|x| x.exp() / z);
            assert!(a.softmax().approx_eq(&want, 1e-13, 1e-16));
            assert!((a.softmax().sum() - 1.0).abs() < 1e-14);
        }
    }

    #[test]
    fn softmax_and_logsumexp_are_stable_at_1000() {
        let big = Matrix::<U3, U1>::from_column_slice(&[1000.0, 1000.0, -1000.0]);
        assert!((big.logsumexp() - (1000.0 + 2f64.ln())).abs() < 1e-12);
        let p = big.softmax();
        assert!(p.iter().all(|x| x.is_finite()));
        assert!((p[(0, 0)] - 0.5).abs() < 1e-15 && p[(2, 0)] == 0.0);
        let low = Matrix::<U2, U1>::from_element(-1000.0);
        assert!((low.logsumexp() - (-1000.0 + 2f64.ln())).abs() < 1e-12);
        assert_eq!(low.softmax().as_slice(), &[0.5, 0.5]);
        assert_eq!(
            Matrix::<U2, U1>::from_element(f64::NEG_INFINITY).logsumexp(),
            f64::NEG_INFINITY
        );
        assert_eq!(Matrix::<U0, U1>::zeros().logsumexp(), f64::NEG_INFINITY);
        let s = Matrix::<U2, U2>::from_element(1000.0).sigmoid();
        assert!(s.iter().all(|&x| x == 1.0));
        let sp = Matrix::<U2, U2>::from_element(-1000.0).softplus();
        assert!(sp.iter().all(|&x| x == 0.0));
    }
}
