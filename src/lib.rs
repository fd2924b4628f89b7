//! matcalc: write a scalar or matrix function of matrices once, get its gradient, Jacobian or
//! Hessian derived symbolically at compile time, emitted as statically sized code whose shapes
//! the compiler checks. This facade re-exports the run-time library (`matcalc-core`) and the
//! attribute macros (`matcalc-macros`); see `docs/reference.md` for the contract.

pub use matcalc_core as core;
pub use matcalc_core::*;
pub use matcalc_macros::{grad, hessian, hvp, jacobian, jvp, vjp};

/// Everything a user of the DSL needs: `Matrix`, `Vector`, `Dim`, typenum's constants, the
/// attributes and the DSL functions.
pub mod prelude {
    pub use matcalc_core::prelude::*;
    pub use matcalc_macros::{grad, hessian, hvp, jacobian, jvp, vjp};
}
