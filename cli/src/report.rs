//! Diagnostics in the style of rustc: the message, the expression echoed with the offending part
//! underlined, and notes (the variables' shapes in words), via codespan-reporting.

use std::io::IsTerminal;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use codespan_reporting::term::{self, Chars, Config};

/// A user error to show: a message, optionally a range of the expression, and notes.
pub struct Problem {
    pub message: String,
    pub range: Option<Range<usize>>,
    pub label: String,
    pub notes: Vec<String>,
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            range: None,
            label: String::new(),
            notes: Vec::new(),
        }
    }

    pub fn at(mut self, range: Option<Range<usize>>, label: impl Into<String>) -> Problem {
        self.range = range;
        self.label = label.into();
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Problem {
        self.notes.push(note.into());
        self
    }
}

/// Writes each problem to stderr, pointing into `expr`.
pub fn emit(expr: &str, problems: &[Problem]) {
    let file = SimpleFile::new("expression", expr);
    let color = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let writer = StandardStream::stderr(color);
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    for problem in problems {
        let mut diagnostic = Diagnostic::error()
            .with_message(&problem.message)
            .with_notes(problem.notes.clone());
        if let Some(range) = &problem.range {
            diagnostic = diagnostic.with_labels(vec![
                Label::primary((), range.clone()).with_message(&problem.label)
            ]);
        }
        if term::emit_to_write_style(&mut writer.lock(), &config, &file, &diagnostic).is_err() {
            // The renderer could not place the label (never expected): the message alone.
            eprintln!("error: {}", problem.message);
        }
    }
}
