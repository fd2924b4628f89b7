//! Where a matrix keeps its entries, chosen at the type level from its dimensions.
//!
//! A matrix whose rows and columns are both at most [`InlineMax`](crate::dim::InlineMax) (16)
//! stores its entries inline, as a `GenericArray` of columns: on the stack, `Copy` for concrete
//! sizes, never allocating. A larger one stores them on the heap in a `Box<[T]>` of exactly
//! `R·C` entries, so that a 256×256 matrix (512 KiB of `f64`) — and straight-line generated code
//! holding dozens of such temporaries — runs in a thread with the default 2 MiB stack.
//!
//! The choice is made by [`Dim::Small`](crate::Dim) (`B1` for a dimension ≤ 16) and the
//! [`Flag`] trait below. [`Flag::And`] and [`Flag::Store`] are generic associated types whose
//! bounds hold for every flag, so `Matrix<R, C, T>` stays well-formed under `R: Dim, C: Dim`
//! alone: generic code needs no extra bounds.
//!
//! A matrix with a [`Dyn`](crate::Dyn) dimension is always on the heap; its size comes from
//! the dimension values the matrix carries, not from its type.
//!
//! Heap storage needs the `alloc` feature (on with the default `std` feature). Without it every
//! matrix is stored inline, as in a `no_std` build without an allocator (and `Dyn` does not
//! exist).

#[cfg(feature = "alloc")]
use alloc::boxed::Box;

use core::mem::MaybeUninit;

use generic_array::GenericArray;
use typenum::{Bit, Unsigned, B0, B1};

use crate::dim::Dim;

/// A type-level boolean that selects a storage.
#[doc(hidden)]
pub trait Flag: Bit {
    /// Logical and with another flag.
    type And<Other: Flag>: Flag;
    /// The storage of an `R × C` matrix of `T` when this flag says whether it is small.
    type Store<T, R: Dim, C: Dim>: Storage<T, R, C>;
}

impl Flag for B1 {
    type And<Other: Flag> = Other;
    type Store<T, R: Dim, C: Dim> = Inline<T, R, C>;
}

impl Flag for B0 {
    type And<Other: Flag> = B0;
    #[cfg(feature = "alloc")]
    type Store<T, R: Dim, C: Dim> = Heap<T>;
    #[cfg(not(feature = "alloc"))]
    type Store<T, R: Dim, C: Dim> = Inline<T, R, C>;
}

/// Inline storage: `C` columns of length `R`, contiguous.
#[doc(hidden)]
pub type Inline<T, R, C> = GenericArray<GenericArray<T, <R as Dim>::Len>, <C as Dim>::Len>;

/// Heap storage: exactly `R·C` entries in column-major order, owned (a `Box<[T]>` taken
/// apart), or borrowed from another library's buffer (a nalgebra `DMatrix` argument of a
/// generated function: see [`Storage::borrow_or_copy`]), so a large argument is read in place
/// instead of copied. Still one pointer and one length: whether the entries are borrowed is
/// the length's top bit, free because no allocation exceeds `isize::MAX` bytes.
#[cfg(feature = "alloc")]
#[doc(hidden)]
pub struct Heap<T> {
    ptr: core::ptr::NonNull<T>,
    /// The entry count, with [`BORROWED`] set for borrowed entries. Borrowed entries are valid
    /// and unchanged while the storage exists: only `nalgebra_boundary::Borrowed` makes such a
    /// matrix, and it hands out nothing but a shared reference to it, for no longer than its
    /// borrow of the buffer.
    len: usize,
    owns: core::marker::PhantomData<Box<[T]>>,
}

/// The flag bit of [`Heap::len`].
#[cfg(feature = "alloc")]
const BORROWED: usize = 1 << (usize::BITS - 1);

#[cfg(feature = "alloc")]
impl<T> Heap<T> {
    /// Takes over the entries of `entries`.
    fn owned(entries: Box<[T]>) -> Self {
        let len = entries.len();
        Heap {
            // SAFETY: a box's pointer is never null.
            ptr: unsafe { core::ptr::NonNull::new_unchecked(Box::into_raw(entries).cast::<T>()) },
            len,
            owns: core::marker::PhantomData,
        }
    }

    fn is_borrowed(&self) -> bool {
        self.len & BORROWED != 0
    }

    /// The owned entries as the box they came from; the storage is left to be forgotten.
    ///
    /// # Safety
    /// `self` owns its entries, and is not used or dropped afterwards.
    unsafe fn take_box(&mut self) -> Box<[T]> {
        let slice = core::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len);
        // SAFETY: `ptr` and `len` came from `Box::into_raw` of a `Box<[T]>` in `owned`.
        unsafe { Box::from_raw(slice) }
    }
}

#[cfg(feature = "alloc")]
impl<T> Drop for Heap<T> {
    fn drop(&mut self) {
        if !self.is_borrowed() {
            // SAFETY: owned, and being dropped.
            drop(unsafe { self.take_box() });
        }
    }
}

// SAFETY: owned entries are a `Box<[T]>`, borrowed ones a `&[T]` in effect; `Send` needs
// what both need (`Box<[T]>: Send` for `T: Send`, `&[T]: Send` for `T: Sync`).
#[cfg(feature = "alloc")]
unsafe impl<T: Send + Sync> Send for Heap<T> {}
// SAFETY: `Box<[T]>` and `&[T]` are both `Sync` for `T: Sync`.
#[cfg(feature = "alloc")]
unsafe impl<T: Sync> Sync for Heap<T> {}

/// What a storage must do: be built entry by entry and be seen as one column-major slice.
#[doc(hidden)]
pub trait Storage<T, R: Dim, C: Dim>: Sized {
    /// Whether the entries live in the value itself (so moving the matrix copies them) rather
    /// than behind a pointer.
    const INLINE: bool;
    /// Builds the storage of a `rows × cols` matrix from `f(i, j)`, called in column-major
    /// order. (Inline storage has its sizes in its type and ignores the values.)
    fn build(rows: usize, cols: usize, f: impl FnMut(usize, usize) -> T) -> Self;
    /// Builds the storage of a `rows × cols` matrix whose column-major entries `fill` writes
    /// into uninitialised memory: for kernels that write each entry once (an outer product),
    /// so the result is neither zero-filled first nor built entry by entry through a closure.
    ///
    /// # Safety
    /// `fill` writes every one of the `rows · cols` entries.
    unsafe fn build_by(rows: usize, cols: usize, fill: impl FnOnce(&mut [MaybeUninit<T>])) -> Self;
    /// The storage of a `rows × cols` matrix of zeros.
    fn zeroed(rows: usize, cols: usize, zero: T) -> Self
    where
        T: Clone;
    /// The entries, column-major.
    fn entries(&self) -> &[T];
    /// The entries, column-major, mutable.
    fn entries_mut(&mut self) -> &mut [T];
    /// The storage of a `rows × cols` matrix with the entries `s`: a copy for inline storage,
    /// for heap storage the slice itself, not copied.
    ///
    /// # Safety
    /// The result must not outlive the borrow of `s`, and must be reached only through shared
    /// references (never `entries_mut`, never moved out of a shared borrow).
    unsafe fn borrow_or_copy(rows: usize, cols: usize, s: &[T]) -> Self
    where
        T: Copy;
    /// The entries as a `Vec`, column-major: owned heap entries are moved, not copied.
    #[cfg(feature = "alloc")]
    fn into_vec(self) -> alloc::vec::Vec<T>
    where
        T: Copy,
    {
        Storage::<T, R, C>::entries(&self).to_vec()
    }
}

impl<T, R: Dim, C: Dim> Storage<T, R, C> for Inline<T, R, C> {
    const INLINE: bool = true;
    #[inline(always)]
    fn build(_rows: usize, _cols: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        // Two plain loops rather than `GenericArray::generate` twice: every closure passed here
        // is its own instance, compiled in the crate that calls it, and `generate` brings some
        // ten iterator and builder functions per instance (a quarter of the LLVM IR of a crate
        // using matcalc in a debug build; issue 13). Optimised, both are the same unrolled code.
        let rows = <R::Len as typenum::Unsigned>::USIZE;
        let cols = <C::Len as typenum::Unsigned>::USIZE;
        let mut out = core::mem::MaybeUninit::<Self>::uninit();
        let first = out.as_mut_ptr().cast::<T>();
        let mut j = 0;
        while j < cols {
            let mut i = 0;
            while i < rows {
                // SAFETY: the storage is `cols` arrays of `rows` entries, contiguous (as
                // `entries` reads it), so `i + rows · j` is in bounds.
                unsafe { first.add(i + rows * j).write(f(i, j)) };
                i += 1;
            }
            j += 1;
        }
        // SAFETY: the loops wrote each of the `rows · cols` entries once. (If `f` panics, the
        // entries written so far are not dropped: a leak, not undefined behaviour.)
        unsafe { out.assume_init() }
    }

    #[inline(always)]
    unsafe fn build_by(rows: usize, cols: usize, fill: impl FnOnce(&mut [MaybeUninit<T>])) -> Self {
        debug_assert_eq!(
            rows * cols,
            <R::Len as Unsigned>::USIZE * <C::Len as Unsigned>::USIZE
        );
        let mut store = MaybeUninit::<Self>::uninit();
        // SAFETY: inline storage is `C` arrays of `R` entries, contiguous with no padding: a
        // run of `R·C` possibly uninitialised `T`s.
        let entries = unsafe {
            core::slice::from_raw_parts_mut(
                store.as_mut_ptr().cast::<MaybeUninit<T>>(),
                <R::Len as Unsigned>::USIZE * <C::Len as Unsigned>::USIZE,
            )
        };
        fill(entries);
        // SAFETY: the caller's `fill` wrote every entry.
        unsafe { store.assume_init() }
    }

    #[inline(always)]
    fn zeroed(rows: usize, cols: usize, zero: T) -> Self
    where
        T: Clone,
    {
        <Self as Storage<T, R, C>>::build(rows, cols, |_, _| zero.clone())
    }

    #[inline(always)]
    fn entries(&self) -> &[T] {
        GenericArray::slice_from_chunks(GenericArray::as_slice(self))
    }

    #[inline(always)]
    fn entries_mut(&mut self) -> &mut [T] {
        GenericArray::slice_from_chunks_mut(GenericArray::as_mut_slice(self))
    }

    #[inline(always)]
    unsafe fn borrow_or_copy(rows: usize, cols: usize, s: &[T]) -> Self
    where
        T: Copy,
    {
        <Self as Storage<T, R, C>>::build(rows, cols, |i, j| s[i + rows * j])
    }
}

#[cfg(feature = "alloc")]
impl<T, R: Dim, C: Dim> Storage<T, R, C> for Heap<T> {
    const INLINE: bool = false;
    #[inline]
    fn build(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        // Built in place on the heap: never a stack temporary of the whole matrix. Written
        // through an uninitialised slice rather than `Vec::push`, which re-checks capacity per
        // entry and keeps the loop from vectorising.
        let mut entries = Box::<[T]>::new_uninit_slice(rows * cols);
        for j in 0..cols {
            let column = &mut entries[rows * j..rows * (j + 1)];
            for (i, slot) in column.iter_mut().enumerate() {
                slot.write(f(i, j));
            }
        }
        // SAFETY: the loops above wrote every one of the `rows · cols` entries. (If `f`
        // panics, the partly written box is freed without dropping entries: a leak, not UB.)
        Heap::owned(unsafe { entries.assume_init() })
    }

    #[inline]
    unsafe fn build_by(rows: usize, cols: usize, fill: impl FnOnce(&mut [MaybeUninit<T>])) -> Self {
        let mut entries = Box::<[T]>::new_uninit_slice(rows * cols);
        fill(&mut entries);
        // SAFETY: the caller's `fill` wrote every entry.
        Heap::owned(unsafe { entries.assume_init() })
    }

    #[inline]
    fn zeroed(rows: usize, cols: usize, zero: T) -> Self
    where
        T: Clone,
    {
        // `vec![0.0; n]` is a zeroed allocation (the standard library's specialisation for
        // floats whose bits are all zero): a large one is fresh pages from the OS, zero
        // without a pass over them, so a mostly-zero result costs only its nonzeros.
        Heap::owned(alloc::vec![zero; rows * cols].into_boxed_slice())
    }

    #[inline(always)]
    fn entries(&self) -> &[T] {
        // SAFETY: owned entries are the box's; borrowed ones come from a slice that outlives
        // this storage and is not written meanwhile (see `Heap::len`).
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len & !BORROWED) }
    }

    #[inline(always)]
    fn entries_mut(&mut self) -> &mut [T] {
        // Unreachable: a borrowing matrix is only ever reached through `&`.
        assert!(
            !self.is_borrowed(),
            "matcalc: a matrix borrowing its entries is never mutated"
        );
        // SAFETY: owned entries, borrowed mutably through `self`.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    #[inline]
    fn into_vec(self) -> alloc::vec::Vec<T>
    where
        T: Copy,
    {
        if self.is_borrowed() {
            return Storage::<T, R, C>::entries(&self).to_vec();
        }
        let mut this = core::mem::ManuallyDrop::new(self);
        // SAFETY: owned, and `this` is never dropped.
        unsafe { this.take_box() }.into_vec()
    }

    #[inline(always)]
    unsafe fn borrow_or_copy(rows: usize, cols: usize, s: &[T]) -> Self
    where
        T: Copy,
    {
        debug_assert_eq!(s.len(), rows * cols);
        Heap {
            ptr: core::ptr::NonNull::from(s).cast(),
            len: s.len() | BORROWED,
            owns: core::marker::PhantomData,
        }
    }
}

/// The storage of `Matrix<R, C, T>`.
pub(crate) type StoreOf<R, C, T> =
    <<<R as crate::Dim>::Small as Flag>::And<<C as crate::Dim>::Small> as Flag>::Store<T, R, C>;
