//! (stub) emit stage.
