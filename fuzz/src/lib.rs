//! matcalc-fuzz: the robustness harness of the macro engine. It mutates the DSL functions of
//! `corpus/seeds.rs` token by token, feeds each mutant to `matcalc_symbolic::generate` exactly as
//! the attribute macro would, and classifies what happens. `main.rs` runs the inputs in worker
//! processes so that stack overflows, aborts and hangs are caught and pinned to one input.

pub mod corpus;
pub mod driver;
pub mod engine;
pub mod mutate;
pub mod report;
pub mod rng;
pub mod tokens;
