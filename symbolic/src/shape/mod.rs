//! Shape inference and checking: `lower` turns the parsed `ast::Function` into the shaped
//! `ir::Graph`, reporting every mismatch with the span of the offending sub-expression; `rules`
//! holds the one shape rule per operation that every stage uses.

pub mod lower;
pub mod rules;

pub use lower::{lower, Lowered};
pub use rules::{infer, Mismatch};
