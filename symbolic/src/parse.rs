//! (stub) parse stage.
