//! (stub) print stage.
