//! Kernels written for `f64` and `f32` (faer's, the SIMD product kernels) called from code
//! generic over `T: Scalar`: `Scalar` does not name those libraries' traits (so a `no_std`
//! build needs neither), so the dispatch is a `TypeId` check that folds away once `T` is known.

use core::any::TypeId;

/// `s` as a slice of `U` when `T` is `U`.
pub(crate) fn cast<T: 'static, U: 'static>(s: &[T]) -> Option<&[U]> {
    // SAFETY: `T` and `U` are the same type.
    (TypeId::of::<T>() == TypeId::of::<U>())
        .then(|| unsafe { core::slice::from_raw_parts(s.as_ptr().cast::<U>(), s.len()) })
}

/// `s` as a mutable slice of `U` when `T` is `U`.
pub(crate) fn cast_mut<T: 'static, U: 'static>(s: &mut [T]) -> Option<&mut [U]> {
    // SAFETY: `T` and `U` are the same type; the borrow is moved into the result.
    (TypeId::of::<T>() == TypeId::of::<U>())
        .then(|| unsafe { core::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<U>(), s.len()) })
}

/// Runs `$body` with `$F` the concrete float type `T` is, binding each `$s` (a slice of `T`) to
/// the same slice at that type; evaluates to `true` if `T` was `f64` or `f32`.
macro_rules! with_float {
    ($T:ty; $F:ident; [$($s:ident),*], [$($m:ident),*] => $body:block) => {{
        macro_rules! run {
            ($ty:ty) => {
                if let ($(Some($s),)* $(Some($m),)*) =
                    ($($crate::float_dispatch::cast::<$T, $ty>($s),)* $($crate::float_dispatch::cast_mut::<$T, $ty>($m),)*)
                {
                    #[allow(dead_code)]
                    type $F = $ty;
                    $body
                    return true;
                }
            };
        }
        run!(f64);
        run!(f32);
        false
    }};
}
pub(crate) use with_float;
