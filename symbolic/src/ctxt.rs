//! The one error accumulator of the engine and the macro crate, in the style of serde_derive's
//! `Ctxt`: a stage reports every problem it finds and goes on, so one compile run shows all of
//! a function's errors; `check` turns them into one combined `syn::Error`. A `Ctxt` that is
//! dropped unchecked would lose errors silently, so dropping one is a bug caught in tests by a
//! panic (never while already panicking).

use std::fmt::Display;

use quote::ToTokens;

/// Collects errors; must be consumed with [`Ctxt::check`].
#[must_use = "a Ctxt holds errors: call `check` to report them"]
pub struct Ctxt {
    /// `None` once checked.
    errors: Option<Vec<syn::Error>>,
}

impl Default for Ctxt {
    fn default() -> Self {
        Ctxt::new()
    }
}

impl Ctxt {
    /// A context with no errors recorded.
    pub fn new() -> Self {
        Ctxt {
            errors: Some(Vec::new()),
        }
    }

    /// Records an error (a combined `syn::Error` keeps all of its parts).
    pub fn push(&mut self, error: syn::Error) {
        if let Some(errors) = &mut self.errors {
            errors.push(error);
        }
    }

    /// Records an error covering `tokens`.
    pub fn error_spanned_by(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// The value of `result`, or `None` after recording its error.
    pub fn absorb<T>(&mut self, result: Result<T, syn::Error>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// How many errors have been recorded (a combined error counts once).
    pub fn count(&self) -> usize {
        self.errors.as_ref().map_or(0, Vec::len)
    }

    /// Forgets the errors recorded after the first `count` (a repeat of one already reported).
    pub fn truncate(&mut self, count: usize) {
        if let Some(errors) = &mut self.errors {
            errors.truncate(count);
        }
    }

    /// Whether any error has been recorded.
    pub fn has_errors(&self) -> bool {
        self.errors.as_ref().is_some_and(|e| !e.is_empty())
    }

    /// `Err` with every recorded error combined, if there were any.
    pub fn check(mut self) -> Result<(), syn::Error> {
        let mut errors = self.errors.take().unwrap_or_default().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if self.errors.is_some() && !std::thread::panicking() {
            panic!("matcalc: an error accumulator (Ctxt) was dropped without `check`");
        }
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::Span;

    use super::Ctxt;

    #[test]
    fn check_combines_every_error() {
        let mut cx = Ctxt::new();
        cx.push(syn::Error::new(Span::call_site(), "first"));
        cx.push(syn::Error::new(Span::call_site(), "second"));
        assert!(cx.has_errors());
        let messages: Vec<String> = cx
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages, ["first", "second"]);
    }

    #[test]
    fn check_without_errors_is_ok() {
        assert!(Ctxt::new().check().is_ok());
    }

    #[test]
    #[should_panic(expected = "without `check`")]
    fn dropping_unchecked_panics() {
        let cx = Ctxt::new();
        drop(cx);
    }
}
