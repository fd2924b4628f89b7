//! (stub) eval stage.
