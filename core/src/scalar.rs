//! The `Scalar` trait: the float types (`f32`, `f64`) a matrix can hold, with the elementary
//! functions the DSL needs. With `std` these call the inherent float methods, without it `libm`.

use core::fmt::{Debug, Display};
use core::iter::Sum;
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

/// σ(x) from `z = e^{-|x|}` (see [`Scalar::sigmoid`]).
#[inline(always)]
fn sigmoid_from<T: Scalar>(x: T, z: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + z)
    } else {
        z / (T::one() + z)
    }
}

/// softplus(x) from `z = e^{-|x|}` (see [`Scalar::softplus`]); NaN stays NaN.
#[inline(always)]
fn softplus_from<T: Scalar>(x: T, z: T) -> T {
    if x.is_nan() {
        return x;
    }
    x.max(T::zero()) + z.ln_1p()
}

/// A real floating-point number: `f32` or `f64`.
///
/// The nonlinear functions the DSL differentiates (`sigmoid`, `softplus`, `relu`, ...) are
/// provided methods built from the primitive ones, written to be numerically stable: none of
/// them overflows for arguments as large as ±1000.
pub trait Scalar:
    Copy
    + PartialOrd
    + Debug
    + Display
    + Default
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Rem<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + RemAssign
    + Sum
{
    /// Machine epsilon: the gap between 1 and the next representable number.
    const EPSILON: Self;
    /// Positive infinity.
    const INFINITY: Self;
    /// Not a number.
    const NAN: Self;

    /// `0`.
    fn zero() -> Self;
    /// `1`.
    fn one() -> Self;
    /// Converts from `f64`, rounding to the nearest representable value.
    fn from_f64(v: f64) -> Self;
    /// Converts to `f64` (exact for `f32` and `f64`).
    fn to_f64(self) -> f64;

    /// `eˣ`.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// `ln(1 + x)`, accurate for small `x`.
    fn ln_1p(self) -> Self;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// `(sin x, cos x)` in one call: generated code calls it where both functions of one angle
    /// are needed (a rotation and its derivative). Without `std` it is libm's `sincos` (one
    /// argument reduction); with `std`, the standard library's `sin_cos`.
    fn sin_cos(self) -> (Self, Self);
    /// Tangent.
    fn tan(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// `eˣ − 1`, accurate for small `x`.
    fn exp_m1(self) -> Self;
    /// Hyperbolic sine.
    fn sinh(self) -> Self;
    /// Hyperbolic cosine.
    fn cosh(self) -> Self;
    /// Inverse sine (NaN outside [−1, 1]).
    fn asin(self) -> Self;
    /// Inverse cosine (NaN outside [−1, 1]).
    fn acos(self) -> Self;
    /// Inverse tangent.
    fn atan(self) -> Self;
    /// The angle of the point `(x, y)`: `atan2(y, x)` with `self` as y, in (−π, π].
    fn atan2(self, x: Self) -> Self;
    /// Square root (NaN for negative input).
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// Integer power.
    fn powi(self, n: i32) -> Self;
    /// Real power.
    fn powf(self, p: Self) -> Self;
    /// `1 / x`.
    fn recip(self) -> Self;
    /// Neither infinite nor NaN.
    fn is_finite(self) -> bool;
    /// Larger of the two; if one is NaN, the other.
    fn max(self, other: Self) -> Self;
    /// Smaller of the two; if one is NaN, the other.
    fn min(self, other: Self) -> Self;

    /// Is this NaN?
    #[inline]
    fn is_nan(self) -> bool {
        // NaN is the only value not equal to itself.
        #[allow(clippy::eq_op)]
        let nan = self != self;
        nan
    }

    /// The logistic function `1 / (1 + e⁻ˣ)`.
    ///
    /// Evaluated through `e^{-|x|}`, which never overflows, so it is exact to rounding at ±1000.
    #[inline]
    fn sigmoid(self) -> Self {
        sigmoid_from(self, (-self.abs()).exp())
    }

    /// `ln(1 + eˣ)`, computed as `max(x, 0) + ln(1 + e^{-|x|})` so it neither overflows for
    /// large `x` nor loses the tiny result for very negative `x`.
    #[inline]
    fn softplus(self) -> Self {
        softplus_from(self, (-self.abs()).exp())
    }

    /// `(softplus x, sigmoid x)` in one call, both from one `e^{-|x|}`: generated code calls it
    /// where both of one operand are needed (softplus and its derivative, as in the logistic
    /// loss). Equal bit for bit to the two calls.
    #[inline]
    fn softplus_sigmoid(self) -> (Self, Self) {
        let z = (-self.abs()).exp();
        (softplus_from(self, z), sigmoid_from(self, z))
    }

    /// `max(x, 0)`; NaN stays NaN so bad values are not silently hidden.
    #[inline]
    fn relu(self) -> Self {
        if self < Self::zero() {
            Self::zero()
        } else {
            self
        }
    }

    /// `-1`, `0` or `1` by the sign of `x` (`0` for both zeros, NaN for NaN).
    #[inline]
    fn sign(self) -> Self {
        if self > Self::zero() {
            Self::one()
        } else if self < Self::zero() {
            -Self::one()
        } else if self.is_nan() {
            self
        } else {
            Self::zero()
        }
    }

    /// `1 / x`, but `0` at `x = 0` (the pseudo-inverse of a scalar). Derivatives use it where
    /// a factor that is 0 at the same point multiplies it: the gradient `A / ‖A‖` of `norm` is
    /// the subgradient 0 at `A = 0`.
    #[inline]
    fn recip_or_zero(self) -> Self {
        if self == Self::zero() {
            Self::zero()
        } else {
            self.recip()
        }
    }

    /// `ln x`, but `0` at `x = 0`: the convention `0 · ln 0 = 0`, for derivatives where it is
    /// multiplied by something that vanishes there (`∂(aᵖ)/∂p = aᵖ ln a` is 0 at `a = 0`, p > 0).
    #[inline]
    fn log_or_zero(self) -> Self {
        if self == Self::zero() {
            Self::zero()
        } else {
            self.ln()
        }
    }

    /// Heaviside step: `1` if `x > 0`, else `0` (the derivative of `relu`).
    #[inline]
    fn step(self) -> Self {
        if self > Self::zero() {
            Self::one()
        } else {
            Self::zero()
        }
    }

    /// `c = a · b` for column-major `a` (`m × k`), `b` (`k × n`) and `c` (`m × n`) with a
    /// blocked, vectorised kernel; `false` when this type or build has none (the caller then
    /// uses its own loops). Used for large products only.
    #[doc(hidden)]
    #[inline]
    fn gemm(m: usize, k: usize, n: usize, a: &[Self], b: &[Self], c: &mut [Self]) -> bool {
        let _ = (m, k, n, a, b, c);
        false
    }

    /// Like [`Scalar::gemm`], but `a` (`a_t`) and/or `b` (`b_t`) may be stored transposed:
    /// `a` then holds the `k × m` matrix whose transpose is multiplied (and `b` the `n × k` one),
    /// read through swapped strides without copying.
    #[doc(hidden)]
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn gemm_t(
        m: usize,
        k: usize,
        n: usize,
        a: &[Self],
        a_t: bool,
        b: &[Self],
        b_t: bool,
        c: &mut [Self],
    ) -> bool {
        let _ = (m, k, n, a, a_t, b, b_t, c);
        false
    }
}

/// The `matrixmultiply` kernel `$gemm` behind [`Scalar::gemm`] for `$t`.
#[cfg(feature = "alloc")]
macro_rules! gemm_with {
    ($t:ty, $gemm:ident) => {
        #[inline]
        fn gemm(m: usize, k: usize, n: usize, a: &[$t], b: &[$t], c: &mut [$t]) -> bool {
            assert!(
                a.len() == m * k && b.len() == k * n && c.len() == m * n,
                "gemm operands have the stated sizes"
            );
            // SAFETY: the slices hold exactly m·k, k·n and m·n entries (checked above), and
            // the strides (1 down a column, the column length across) address a column-major
            // matrix of that size inside each; `c` is exclusively borrowed.
            unsafe {
                matrixmultiply::$gemm(
                    m,
                    k,
                    n,
                    1.0,
                    a.as_ptr(),
                    1,
                    m as isize,
                    b.as_ptr(),
                    1,
                    k as isize,
                    0.0,
                    c.as_mut_ptr(),
                    1,
                    m as isize,
                );
            }
            true
        }

        #[inline]
        #[allow(clippy::too_many_arguments)]
        fn gemm_t(
            m: usize,
            k: usize,
            n: usize,
            a: &[$t],
            a_t: bool,
            b: &[$t],
            b_t: bool,
            c: &mut [$t],
        ) -> bool {
            assert!(
                a.len() == m * k && b.len() == k * n && c.len() == m * n,
                "gemm operands have the stated sizes"
            );
            // (row stride, column stride) of the logical m×k and k×n operands.
            let (rsa, csa) = if a_t { (k, 1) } else { (1, m) };
            let (rsb, csb) = if b_t { (n, 1) } else { (1, k) };
            // SAFETY: the slices hold exactly m·k, k·n and m·n entries (checked above); the
            // strides address, inside each, a column-major matrix of the stored shape (k×m for
            // a transposed `a`, n×k for a transposed `b`), read as its transpose when flagged;
            // `c` is exclusively borrowed.
            unsafe {
                matrixmultiply::$gemm(
                    m,
                    k,
                    n,
                    1.0,
                    a.as_ptr(),
                    rsa as isize,
                    csa as isize,
                    b.as_ptr(),
                    rsb as isize,
                    csb as isize,
                    0.0,
                    c.as_mut_ptr(),
                    1,
                    m as isize,
                );
            }
            true
        }
    };
}

/// Calls the `std` float method when `std` is on, else the `libm` function of the same meaning.
#[cfg(feature = "std")]
macro_rules! math {
    ($t:ty, $std:ident / $libm:ident ($($arg:expr),*)) => {
        <$t>::$std($($arg),*)
    };
}

#[cfg(not(feature = "std"))]
macro_rules! math {
    ($t:ty, $std:ident / $libm:ident ($($arg:expr),*)) => {
        libm::Libm::<$t>::$libm($($arg),*)
    };
}

macro_rules! impl_scalar {
    ($t:ident, $gemm:ident) => {
        impl Scalar for $t {
            #[cfg(feature = "alloc")]
            gemm_with!($t, $gemm);

            const EPSILON: Self = $t::EPSILON;
            const INFINITY: Self = $t::INFINITY;
            const NAN: Self = $t::NAN;

            #[inline]
            fn zero() -> Self {
                0.0
            }
            #[inline]
            fn one() -> Self {
                1.0
            }
            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn exp(self) -> Self {
                math!($t, exp / exp(self))
            }
            #[inline]
            fn ln(self) -> Self {
                math!($t, ln / log(self))
            }
            #[inline]
            fn ln_1p(self) -> Self {
                math!($t, ln_1p / log1p(self))
            }
            #[inline]
            fn sin(self) -> Self {
                math!($t, sin / sin(self))
            }
            #[inline]
            fn cos(self) -> Self {
                math!($t, cos / cos(self))
            }
            #[inline]
            fn sin_cos(self) -> (Self, Self) {
                math!($t, sin_cos / sincos(self))
            }
            #[inline]
            fn tan(self) -> Self {
                math!($t, tan / tan(self))
            }
            #[inline]
            fn tanh(self) -> Self {
                math!($t, tanh / tanh(self))
            }
            #[inline]
            fn exp_m1(self) -> Self {
                math!($t, exp_m1 / expm1(self))
            }
            #[inline]
            fn sinh(self) -> Self {
                math!($t, sinh / sinh(self))
            }
            #[inline]
            fn cosh(self) -> Self {
                math!($t, cosh / cosh(self))
            }
            #[inline]
            fn asin(self) -> Self {
                math!($t, asin / asin(self))
            }
            #[inline]
            fn acos(self) -> Self {
                math!($t, acos / acos(self))
            }
            #[inline]
            fn atan(self) -> Self {
                math!($t, atan / atan(self))
            }
            #[inline]
            fn atan2(self, x: Self) -> Self {
                math!($t, atan2 / atan2(self, x))
            }
            #[inline]
            fn sqrt(self) -> Self {
                math!($t, sqrt / sqrt(self))
            }
            #[inline]
            fn abs(self) -> Self {
                math!($t, abs / fabs(self))
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                #[cfg(feature = "std")]
                let p = <$t>::powi(self, n);
                // libm has no integer power; `pow` with an integral exponent is exact enough.
                #[cfg(not(feature = "std"))]
                let p = libm::Libm::<$t>::pow(self, n as $t);
                p
            }
            #[inline]
            fn powf(self, p: Self) -> Self {
                math!($t, powf / pow(self, p))
            }
            #[inline]
            fn recip(self) -> Self {
                1.0 / self
            }
            #[inline]
            fn is_finite(self) -> bool {
                // `core` has this method with or without `std`.
                <$t>::is_finite(self)
            }
            #[inline]
            fn max(self, other: Self) -> Self {
                math!($t, max / fmax(self, other))
            }
            #[inline]
            fn min(self, other: Self) -> Self {
                math!($t, min / fmin(self, other))
            }
        }
    };
}

impl_scalar!(f32, sgemm);
impl_scalar!(f64, dgemm);

#[cfg(test)]
mod tests {
    use super::Scalar;

    /// Reference formulas, naive but exact where they do not overflow.
    fn sigmoid_ref(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }
    fn softplus_ref(x: f64) -> f64 {
        (1.0 + x.exp()).ln()
    }

    #[test]
    fn sigmoid_and_softplus_match_naive_formulas_in_range() {
        for i in -300..=300 {
            let x = f64::from(i) / 10.0;
            assert!(
                (Scalar::sigmoid(x) - sigmoid_ref(x)).abs() < 1e-15,
                "sigmoid({x})"
            );
            let sp = Scalar::softplus(x);
            assert!(
                (sp - softplus_ref(x)).abs() <= 1e-14 * sp.abs().max(1.0),
                "softplus({x})"
            );
        }
    }

    /// The paired call generated code uses is the two calls, bit for bit (NaN stays NaN).
    #[test]
    fn softplus_sigmoid_is_the_two_calls() {
        fn check<T: Scalar>(x: T) {
            let (sp, s) = x.softplus_sigmoid();
            assert_eq!(
                sp.to_f64().to_bits(),
                x.softplus().to_f64().to_bits(),
                "{x:?}"
            );
            assert_eq!(
                s.to_f64().to_bits(),
                x.sigmoid().to_f64().to_bits(),
                "{x:?}"
            );
        }
        for i in -400..=400 {
            check(f64::from(i) / 7.0);
            check(i as f32 / 7.0);
        }
        for x in [
            0.0,
            -0.0,
            1000.0,
            -1000.0,
            f64::INFINITY,
            -f64::INFINITY,
            f64::NAN,
        ] {
            check(x);
            check(x as f32);
        }
        let m =
            crate::Matrix::<typenum::U2, typenum::U3>::from_fn(|i, j| i as f64 - 2.0 * j as f64);
        let (sp, s) = m.softplus_sigmoid();
        assert_eq!((sp, s), (m.softplus(), m.sigmoid()));
    }

    #[test]
    fn nonlinearities_are_stable_at_1000() {
        assert_eq!(Scalar::sigmoid(1000.0_f64), 1.0);
        assert_eq!(Scalar::sigmoid(-1000.0_f64), 0.0);
        assert_eq!(Scalar::softplus(1000.0_f64), 1000.0);
        assert_eq!(Scalar::softplus(-1000.0_f64), 0.0);
        assert_eq!(Scalar::sigmoid(1000.0_f32), 1.0);
        assert_eq!(Scalar::softplus(1000.0_f32), 1000.0);
        assert_eq!(Scalar::softplus(-1000.0_f32), 0.0);
        // Tiny but not lost to cancellation.
        let tiny = Scalar::softplus(-40.0_f64);
        assert!((tiny - (-40.0_f64).exp()).abs() < 1e-30);
        assert!(Scalar::sigmoid(f64::NAN).is_nan());
        assert!(Scalar::softplus(f64::NAN).is_nan());
    }

    #[test]
    fn piecewise_functions() {
        assert_eq!(Scalar::relu(-2.0_f64), 0.0);
        assert_eq!(Scalar::relu(2.5_f64), 2.5);
        assert!(Scalar::relu(f64::NAN).is_nan());
        assert_eq!(Scalar::sign(-3.0_f64), -1.0);
        assert_eq!(Scalar::sign(0.0_f64), 0.0);
        assert_eq!(Scalar::sign(7.0_f32), 1.0);
        assert_eq!(Scalar::step(0.0_f64), 0.0);
        assert_eq!(Scalar::step(1e-300_f64), 1.0);
    }

    #[test]
    fn primitives_agree_with_std() {
        // Within an ulp or so: without `std` these come from `libm`.
        let close = |a: f64, b: f64| (a - b).abs() <= 2.0 * f64::EPSILON * b.abs();
        let x = 0.7_f64;
        assert!(close(Scalar::exp(x), x.exp()));
        assert!(close(Scalar::ln(x), x.ln()));
        assert!(close(Scalar::powi(x, 3), x.powi(3)));
        assert!(close(Scalar::powf(x, 2.5), x.powf(2.5)));
        assert!(close(Scalar::tanh(x), x.tanh()));
        for angle in [x, -x, 1e-9, 3.0, 1e6] {
            let (s, c) = Scalar::sin_cos(angle);
            assert!(close(s, angle.sin()) && close(c, angle.cos()), "{angle}");
            let (s32, c32) = Scalar::sin_cos(angle as f32);
            assert!((s32 - (angle as f32).sin()).abs() < 1e-6, "{angle}");
            assert!((c32 - (angle as f32).cos()).abs() < 1e-6, "{angle}");
        }
        assert_eq!(Scalar::max(x, f64::NAN), x);
        assert_eq!(f32::from_f64(0.5), 0.5_f32);
        assert_eq!(Scalar::to_f64(0.25_f32), 0.25);
        assert!(!Scalar::is_finite(f64::INFINITY));
    }
}
