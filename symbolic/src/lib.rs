//! matcalc-symbolic: the compile-time engine behind matcalc's attribute macros and command-line
//! tool. A plain library, so every stage is unit-testable on its own:
//!
//! `parse` (syn → `ast`) → `shape` (`ast` → shaped `ir::Graph`, mismatches reported with spans)
//! → `diff` (adjoints and Jacobians, built with the rewriting constructors of `simplify`)
//! → `print` (Unicode and LaTeX formulas of that readable graph), and `lower` (the rewrites made
//! for speed) → `emit` (Rust code over matcalc-core).
//! `eval` evaluates a graph numerically and `check` takes finite-difference derivatives with it,
//! for tests and the command-line tool's `--check`. `request` turns a bare expression with
//! declared shapes into a DSL function, for the command-line tool.
#![warn(missing_docs)]

// `allow(missing_docs)`: modules whose node, variant and field types are not all documented yet.
#[allow(missing_docs)]
pub mod ast;
pub mod check;
pub mod cost;
pub mod ctxt;
pub mod diff;
pub mod emit;
pub mod eval;
pub mod generate;
#[allow(missing_docs)]
pub mod ir;
pub mod lower;
pub mod parse;
pub mod print;
pub mod request;
#[allow(missing_docs)]
pub mod shape;
#[allow(missing_docs)]
pub mod simplify;
#[allow(missing_docs)]
pub mod table;
#[cfg(test)]
mod testing;
