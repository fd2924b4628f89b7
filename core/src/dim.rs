//! Matrix dimensions: typenum unsigned integers (sizes known at compile time) and [`Dyn`] (a
//! size carried at run time), and the type-level choice between inline and heap storage that a
//! dimension implies.
//!
//! A matrix stores one value of each of its dimension types. For a typenum number that value
//! is a zero-sized type, so a static matrix is exactly its entries; for `Dyn` it is the size.

use core::fmt::Debug;

use generic_array::ArrayLength;
use typenum::consts::U16;
use typenum::{IsLessOrEqual, LeEq, Unsigned};

use crate::storage::Flag;

/// The largest dimension stored inline: a matrix whose rows and columns are both at most this
/// is a plain array (on the stack, `Copy`, never allocating); any larger one lives on the heap.
pub type InlineMax = U16;

/// A matrix dimension: `U3`, `typenum::U<17>`, a generic parameter, or [`Dyn`].
///
/// Implemented for every typenum unsigned integer and for `Dyn`; `Matrix<R, C, T>` is
/// well-formed for any `R: Dim, C: Dim` with no further bounds, so generic code only ever needs
/// `Dim`. A value of the type is the size itself ([`value`](Self::value)): zero-sized for a
/// typenum number, a `usize` for `Dyn`.
pub trait Dim: Copy + Debug + Eq + Send + Sync + 'static {
    /// `B1` when this dimension is at most [`InlineMax`] (16), else `B0` (always `B0` for
    /// `Dyn`). A matrix is stored inline exactly when both of its dimensions are small.
    #[doc(hidden)]
    type Small: Flag;
    /// The `GenericArray` length of inline storage: the dimension itself when static (`U0`
    /// for `Dyn`, whose matrices are never stored inline).
    #[doc(hidden)]
    type Len: ArrayLength;

    /// The size when known at compile time, `None` for [`Dyn`].
    const STATIC: Option<usize>;

    /// The size known at compile time. Using it where the dimension is `Dyn` is a compile
    /// error (at monomorphisation): code that must also run at `Dyn` asks a matrix for its size
    /// (`m.nrows()`) instead.
    const USIZE: usize;

    /// The size this value stands for.
    fn value(self) -> usize;

    /// The dimension of size `n`, or `None` when this is a static dimension of another size.
    fn try_from_usize(n: usize) -> Option<Self>;

    /// The dimension of size `n`.
    ///
    /// # Panics
    /// When this is a static dimension of another size.
    #[inline]
    #[track_caller]
    fn from_usize(n: usize) -> Self {
        match Self::try_from_usize(n) {
            Some(d) => d,
            None => static_size_mismatch(Self::STATIC.unwrap_or(n), n),
        }
    }

    /// The static dimension, for constructors that take no size.
    ///
    /// # Panics
    /// When this is `Dyn`: `what` names the constructor in the message.
    #[inline]
    #[track_caller]
    fn from_static(what: &str) -> Self {
        match Self::STATIC {
            Some(n) => Self::from_usize(n),
            None => no_static_size(what),
        }
    }
}

#[cold]
#[track_caller]
fn static_size_mismatch(expected: usize, got: usize) -> ! {
    panic!("matcalc: a static dimension of size {expected} cannot hold size {got}")
}

#[cold]
#[track_caller]
fn no_static_size(what: &str) -> ! {
    panic!(
        "matcalc: `{what}` needs every dimension known at compile time, but one is `Dyn`; \
         give the size at run time (`from_fn_dyn`, `zeros_generic`, or the `_generic` variant \
         of the call)"
    )
}

impl<D> Dim for D
where
    D: Unsigned + ArrayLength + Copy + Default + Debug + Eq + Send + Sync + 'static,
    D: IsLessOrEqual<InlineMax>,
    LeEq<D, InlineMax>: Flag,
{
    type Small = LeEq<D, InlineMax>;
    type Len = D;
    const STATIC: Option<usize> = Some(D::USIZE);
    const USIZE: usize = <D as Unsigned>::USIZE;

    #[inline(always)]
    fn value(self) -> usize {
        <D as Unsigned>::USIZE
    }

    #[inline(always)]
    fn try_from_usize(n: usize) -> Option<Self> {
        (n == <D as Unsigned>::USIZE).then(D::default)
    }
}

/// A dimension known at compile time: every typenum number, never [`Dyn`]. The Dyn-aware
/// shape rules of [`crate::shape_errors`] use it to keep their cases apart.
pub trait StaticDim: Dim {}

impl<D> StaticDim for D where
    D: Dim + Unsigned + ArrayLength + Copy + Default + Debug + Eq + Send + Sync + 'static
{
}

#[cfg(feature = "alloc")]
pub use dynamic::Dyn;

/// `Dyn`: only with an allocator, since its matrices live on the heap.
#[cfg(feature = "alloc")]
mod dynamic {
    use core::ops::Mul;

    use typenum::consts::U0;
    use typenum::{Bit, UInt, UTerm, Unsigned, B0};

    use super::Dim;

    /// A dimension whose size is known only at run time and carried by the matrix, as in
    /// nalgebra: `Matrix<Dyn, U3>` has any number of rows and 3 columns; `Vector<Dyn>` any length.
    ///
    /// Matrices with a `Dyn` dimension live on the heap (feature `alloc`). Shape agreement the
    /// compiler cannot prove (`Dyn` against `Dyn`, or `Dyn` against `U3`) is checked at run time,
    /// with a panic naming both shapes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct Dyn(pub usize);

    impl Dim for Dyn {
        type Small = B0;
        type Len = U0;
        const STATIC: Option<usize> = None;
        const USIZE: usize = panic!(
            "matcalc: `Dim::USIZE` used with a `Dyn` dimension; ask the matrix for its size \
             (`nrows()`, `ncols()`) instead"
        );

        #[inline(always)]
        fn value(self) -> usize {
            self.0
        }

        #[inline(always)]
        fn try_from_usize(n: usize) -> Option<Self> {
            Some(Dyn(n))
        }
    }

    // Products of dimensions (`Prod<R, C>` for `vec` and `kron`): a product with a `Dyn` factor is
    // `Dyn`. typenum implements the static products.
    impl<D: Dim> Mul<D> for Dyn {
        type Output = Dyn;
        #[inline]
        fn mul(self, rhs: D) -> Dyn {
            Dyn(self.0 * rhs.value())
        }
    }

    impl<U: Unsigned, B: Bit> Mul<Dyn> for UInt<U, B> {
        type Output = Dyn;
        #[inline]
        fn mul(self, rhs: Dyn) -> Dyn {
            Dyn(<Self as Unsigned>::USIZE * rhs.0)
        }
    }

    impl Mul<Dyn> for UTerm {
        type Output = Dyn;
        #[inline]
        fn mul(self, _: Dyn) -> Dyn {
            Dyn(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typenum::consts::*;
    use typenum::Prod;

    fn size<D: Dim>() -> usize {
        D::USIZE
    }

    #[test]
    fn typenum_constants_are_dims() {
        assert_eq!(size::<U0>(), 0);
        assert_eq!(size::<U3>(), 3);
        assert_eq!(size::<typenum::U<17>>(), 17);
        assert_eq!(size::<typenum::U<1024>>(), 1024);
        assert_eq!(U3::STATIC, Some(3));
        assert_eq!(U3::from_usize(3).value(), 3);
        assert_eq!(U3::try_from_usize(4), None);
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
        assert!(!small::<Dyn>());
    }

    #[test]
    fn dyn_carries_its_size_and_products_with_it_are_dyn() {
        assert_eq!(Dyn::STATIC, None);
        assert_eq!(Dyn::from_usize(7).value(), 7);
        let _: Prod<Dyn, U3> = Dyn(2) * U3::new();
        let _: Prod<U3, Dyn> = U3::new() * Dyn(2);
        let _: Prod<U0, Dyn> = U0::new() * Dyn(2);
        assert_eq!((U3::new() * Dyn(2)).value(), 6);
        assert_eq!((Dyn(4) * Dyn(2)).value(), 8);
    }

    #[test]
    #[should_panic(expected = "a static dimension of size 3 cannot hold size 4")]
    fn static_dimension_refuses_another_size() {
        let _ = U3::from_usize(4);
    }

    #[test]
    #[should_panic(expected = "`from_fn` needs every dimension known at compile time")]
    fn dyn_has_no_static_size() {
        let _ = Dyn::from_static("from_fn");
    }
}
