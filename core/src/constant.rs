//! Named float constants in generated code: a DSL body may use the user's `const` items of type
//! `f32` or `f64`, and the code derived from it computes in the function's float type, which
//! may be the other one. [`float_constant`] converts without an `as` cast (which lints flag as
//! unnecessary when the types already agree).

use crate::scalar::Scalar;

/// A float type a named constant may have.
pub trait FloatConstant: Copy {
    /// The value as an `f64` (exact for both float types).
    fn to_f64(self) -> f64;
}

impl FloatConstant for f64 {
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
}

impl FloatConstant for f32 {
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

/// `c` in the float type `T`: exact when `c` already has type `T` or is an `f32`, rounded to
/// nearest for an `f64` constant in `f32` code.
#[inline]
pub fn float_constant<T: Scalar, C: FloatConstant>(c: C) -> T {
    T::from_f64(c.to_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        assert_eq!(
            float_constant::<f64, _>(core::f32::consts::PI),
            f64::from(core::f32::consts::PI)
        );
        assert_eq!(
            float_constant::<f32, _>(core::f64::consts::PI),
            core::f32::consts::PI
        );
        assert_eq!(float_constant::<f64, _>(2.5f64), 2.5);
    }
}
