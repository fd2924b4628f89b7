//! (stub) diff stage.
