//! The derivative rules of the operations that are more than a linear one-liner, one file per
//! family: each operation's adjoint rule (reverse mode, dispatched from `adjoint`), its forward
//! Jacobian rule (dispatched from `jacobian_rules`) and its adjoint rule in words (for
//! `--steps`) sit next to each other and share the helper that computes their common factor.

pub(super) mod elementwise;
pub(super) mod factor;
pub(super) mod inverse;
pub(super) mod spd;
#[cfg(test)]
mod tests;
