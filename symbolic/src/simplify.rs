//! (stub) simplify stage.
