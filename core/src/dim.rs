//! Matrix dimensions: typenum unsigned integers that can size a `GenericArray`, and the
//! type-level choice between inline and heap storage that a dimension implies.

use core::fmt::Debug;

use generic_array::ArrayLength;
use typenum::consts::U16;
use typenum::{IsLessOrEqual, LeEq, Unsigned};

use crate::storage::Flag;

/// The largest dimension stored inline: a matrix whose rows and columns are both at most this
/// is a plain array (on the stack, `Copy`, never allocating); any larger one lives on the heap.
pub type InlineMax = U16;

/// A compile-time matrix dimension: `U3`, `typenum::U<17>`, or a generic parameter.
///
/// Implemented for every typenum unsigned integer; `Matrix<R, C, T>` is well-formed for any
/// `R: Dim, C: Dim` with no further bounds, so generic code only ever needs `Dim`.
pub trait Dim: Unsigned + ArrayLength + Copy + Default + Debug + Eq + 'static {
    /// `B1` when this dimension is at most [`InlineMax`] (16), else `B0`. A matrix is stored
    /// inline exactly when both of its dimensions are small.
    #[doc(hidden)]
    type Small: Flag;
}

impl<D> Dim for D
where
    D: Unsigned + ArrayLength + Copy + Default + Debug + Eq + 'static + IsLessOrEqual<InlineMax>,
    LeEq<D, InlineMax>: Flag,
{
    type Small = LeEq<D, InlineMax>;
}

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

    fn small<D: Dim>() -> bool {
        <D::Small as typenum::Bit>::to_bool()
    }

    #[test]
    fn small_flag_is_a_threshold_at_16() {
        assert!(small::<U0>());
        assert!(small::<U16>());
        assert!(!small::<U17>());
        assert!(!small::<typenum::U<256>>());
    }
}
