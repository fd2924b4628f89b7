//! matcalc-core: statically sized matrices whose dimensions are typenum numbers, and every
//! run-time operation the matcalc DSL uses (see `docs/reference.md` §3–4).
//!
//! Dimensions are typenum numbers (`U3`) or [`Dyn`] (a size known only at run time, as in
//! nalgebra; needs `alloc`). Static shapes are checked by the type system. A mismatched product, sum, trace or inverse does not
//! compile, and the first line of the error says what is wrong in words (see [`shape_errors`]).
//!
//! ```
//! use matcalc_core::prelude::*;
//! let a: Matrix<U2, U2> = matrix![2.0, 1.0; 1.0, 3.0];
//! let x: Vector<U2> = matrix![1.0; -1.0];
//! let q: f64 = (x.t() * a * x).to_scalar();
//! assert_eq!(q, 3.0);
//! assert!((det(&a) - 5.0).abs() < 1e-12);
//! ```
//!
//! `no_std` when the default `std` feature is off (float functions then come from `libm`).
//! Matrices larger than 16×16 live on the heap, which needs the `alloc` feature (implied by
//! `std`); with neither, every matrix is stored inline (see the `storage` module).
#![no_std]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub use generic_array;
pub use typenum;

mod adjugate;
mod arg;
mod batch;
mod check;
mod cholesky;
mod closed_form;
mod constant;
mod dim;
mod display;
mod dot;
pub mod dsl;
mod elementwise;
mod entry;
#[cfg(any(feature = "faer", all(feature = "std", target_arch = "x86_64")))]
mod float_dispatch;
mod fused;
mod jacobian_kernels;
mod kernels;
#[cfg(feature = "faer")]
mod large;
mod linalg;
mod literal;
mod matrix;
#[cfg(feature = "nalgebra")]
mod nalgebra;
#[cfg(feature = "nalgebra")]
pub mod nalgebra_boundary;
mod ops;
mod product;
mod reduce;
mod scalar;
pub mod shape_errors;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod simd;
mod spd;
mod storage;
mod structure;
#[cfg(test)]
mod testutil;
mod triangle;
mod views;

pub use adjugate::ADJUGATE_COFACTOR_MAX;
pub use constant::{float_constant, FloatConstant};
#[cfg(feature = "alloc")]
pub use dim::Dyn;
pub use dim::{Dim, StaticDim};
#[doc(hidden)]
pub use entry::{check_dimension, DimSite};
pub use linalg::Lu;
pub use matrix::{Matrix, Vector};
pub use scalar::Scalar;

/// `use matcalc_core::prelude::*;` brings the types, typenum's constants (`U1`, `U2`, …, and
/// `U<N>`), the `matrix!` literal and the DSL functions.
pub mod prelude {
    pub use crate::dsl::*;
    pub use crate::matrix;
    #[cfg(feature = "alloc")]
    pub use crate::Dyn;
    pub use crate::{Dim, Lu, Matrix, Scalar, Vector};
    pub use typenum::consts::*;
    pub use typenum::{Prod, U};
}
