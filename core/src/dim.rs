//! Matrix dimensions: typenum unsigned integers that can size a `GenericArray`.

use core::fmt::Debug;

use generic_array::ArrayLength;
use typenum::Unsigned;

/// A compile-time matrix dimension: `U3`, `typenum::U<17>`, or a generic parameter.
///
/// Implemented for every typenum unsigned integer; `Matrix<R, C, T>` is well-formed for any
/// `R: Dim, C: Dim` with no further bounds, so generic code only ever needs `Dim`.
pub trait Dim: Unsigned + ArrayLength + Copy + Default + Debug + Eq + 'static {}

impl<D> Dim for D where D: Unsigned + ArrayLength + Copy + Default + Debug + Eq + 'static {}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::consts::*;

    fn size<D: Dim>() -> usize {
        D::USIZE
    }

    #[test]
    fn typenum_constants_are_dims() {
        assert_eq!(size::<U0>(), 0);
        assert_eq!(size::<U3>(), 3);
        assert_eq!(size::<typenum::U<17>>(), 17);
        assert_eq!(size::<typenum::U<1024>>(), 1024);
    }
}
