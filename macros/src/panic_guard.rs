//! Panics of the engine become compile errors that say where they happened (as bon's panic
//! context does). The panic hook is installed once per process, not swapped per expansion
//! (which raced with other threads' panics); it records the message and location of a panic
//! inside `run` on this thread and leaves every other panic to the previous hook.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside `run`.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The description of the last panic caught on this thread.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

fn install_hook() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                return previous(info);
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let location = info
                .location()
                .map(|l| format!(" (at {}:{}:{})", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message}{location}")));
        }));
    });
}

/// Runs `f`; a panic comes back as `Err` with its message and location.
pub fn run<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was_guarded));
    outcome.map_err(|_| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::run;

    #[test]
    fn a_panic_is_caught_with_its_location() {
        let error = run(|| -> u32 { panic!("boom") }).unwrap_err();
        assert!(error.starts_with("boom (at "), "{error}");
        assert!(error.contains("panic_guard.rs"), "{error}");
        assert_eq!(run(|| 7), Ok(7));
    }
}
