//! One input through the engine, the way the attribute macro runs it (macros/src/entry.rs):
//! parse the item, take its matcalc attributes as `Request`s, call `generate`, and on an error
//! call `fallback`. Panics are caught here and classified; crashes and hangs are caught by the
//! worker process around this (main.rs).

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use matcalc_symbolic::ctxt::Ctxt;
use matcalc_symbolic::generate::{self, Request};
use matcalc_symbolic::parse::nesting;
use proc_macro2::TokenStream;

/// What the engine did with one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not a function item: rustc or the macro's first parse rejects it; the engine never runs.
    NotAFunction,
    /// A function without a matcalc attribute: no macro runs.
    NoAttribute,
    /// Items generated; `bytes` is the length of their text.
    Accepted { bytes: usize },
    /// A compile error: how many messages, the first one, and the messages whose span is the
    /// call site, not a token of the input.
    Rejected {
        errors: usize,
        first: String,
        unlocated: Vec<String>,
    },
    /// A panic in `stage` ("parse", "engine" or "fallback") at `location`.
    Panic {
        stage: String,
        location: String,
        message: String,
    },
    /// Tokens that are not Rust items: `stage` produced something rustc cannot even parse.
    InvalidOutput { stage: String, message: String },
}

impl Outcome {
    /// True for outcomes that are defects in themselves (panics, unparseable output).
    pub fn is_defect(&self) -> bool {
        matches!(self, Outcome::Panic { .. } | Outcome::InvalidOutput { .. })
    }

    /// One line, tab-separated, for the pipe from a worker.
    pub fn encode(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        match self {
            Outcome::NotAFunction => "not-a-function".into(),
            Outcome::NoAttribute => "no-attribute".into(),
            Outcome::Accepted { bytes } => format!("accepted\t{bytes}"),
            Outcome::Rejected {
                errors,
                first,
                unlocated,
            } => {
                let mut line = format!("rejected\t{errors}\t{}", clean(first));
                for message in unlocated {
                    line.push('\t');
                    line.push_str(&clean(message));
                }
                line
            }
            Outcome::Panic {
                stage,
                location,
                message,
            } => format!(
                "panic\t{}\t{}\t{}",
                clean(stage),
                clean(location),
                clean(message)
            ),
            Outcome::InvalidOutput { stage, message } => {
                format!("invalid-output\t{}\t{}", clean(stage), clean(message))
            }
        }
    }

    pub fn decode(line: &str) -> Option<Self> {
        let mut fields = line.split('\t');
        let code = fields.next()?;
        let mut next = || fields.next().map(str::to_string);
        Some(match code {
            "not-a-function" => Outcome::NotAFunction,
            "no-attribute" => Outcome::NoAttribute,
            "accepted" => Outcome::Accepted {
                bytes: next()?.parse().ok()?,
            },
            "rejected" => {
                let errors = next()?.parse().ok()?;
                let first = next()?;
                let unlocated = std::iter::from_fn(next).collect();
                Outcome::Rejected {
                    errors,
                    first,
                    unlocated,
                }
            }
            "panic" => Outcome::Panic {
                stage: next()?,
                location: next()?,
                message: next()?,
            },
            "invalid-output" => Outcome::InvalidOutput {
                stage: next()?,
                message: next()?,
            },
            _ => return None,
        })
    }
}

thread_local! {
    static PANIC_LOCATION: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Installs a panic hook that records where a panic happened instead of printing it (the
/// worker catches every panic and reports it itself): the file and line, shortened to the
/// crate, and the innermost engine function on the stack, which names the cause when the
/// panic is raised inside a dependency (proc-macro2, quote).
pub fn silence_panics() {
    panic::set_hook(Box::new(|info| {
        let mut location = info
            .location()
            .map(|l| {
                let file = l.file();
                let short = file.rfind("/src/").map_or(file, |at| {
                    let crate_start = file[..at].rfind('/').map_or(0, |s| s + 1);
                    &file[crate_start..]
                });
                format!("{short}:{}", l.line())
            })
            .unwrap_or_default();
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        let engine_frame = trace.lines().map(str::trim).find_map(|line| {
            let name = line.split_once(": ")?.1;
            (name.starts_with("matcalc_symbolic::") && !name.contains("generate::generate"))
                .then(|| name.split("::h").next().unwrap_or(name).to_string())
        });
        if let Some(frame) = engine_frame {
            location = format!("{location} in {frame}");
        }
        PANIC_LOCATION.with(|cell| *cell.borrow_mut() = location);
    }));
}

/// Runs `source` as the macro would. Call `silence_panics` once first for quiet output.
pub fn run(source: &str) -> Outcome {
    let stage = RefCell::new("parse");
    let result = panic::catch_unwind(AssertUnwindSafe(|| run_stages(source, &stage)));
    match result {
        Ok(outcome) => outcome,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_string());
            Outcome::Panic {
                stage: stage.borrow().to_string(),
                location: PANIC_LOCATION.with(|cell| cell.borrow().clone()),
                message,
            }
        }
    }
}

fn run_stages(source: &str, stage: &RefCell<&'static str>) -> Outcome {
    // As the macro does: refuse absurd bracket nesting before syn's recursive descent sees it.
    let Ok(tokens) = source.parse::<TokenStream>() else {
        return Outcome::NotAFunction;
    };
    if let Some(error) = nesting::too_deep(&tokens) {
        let errors = error.clone().into_iter().count();
        let unlocated = error
            .clone()
            .into_iter()
            .filter(|m| m.span().source_text().is_none())
            .map(|m| m.to_string().chars().take(120).collect())
            .collect();
        return Outcome::Rejected {
            errors,
            first: error.to_string().chars().take(200).collect(),
            unlocated,
        };
    }
    let Ok(mut item) = syn::parse2::<syn::ItemFn>(tokens) else {
        return Outcome::NotAFunction;
    };
    let (requests, request_errors) = take_requests(&mut item);
    if requests.is_empty() && request_errors.is_none() {
        return Outcome::NoAttribute;
    }
    *stage.borrow_mut() = "engine";
    let error = match request_errors {
        Some(error) => error,
        None => match generate::generate(&item, &requests) {
            Ok(tokens) => {
                let bytes = tokens.to_string().len();
                return match syn::parse2::<syn::File>(tokens) {
                    Ok(_) => Outcome::Accepted { bytes },
                    Err(e) => Outcome::InvalidOutput {
                        stage: "engine".into(),
                        message: e.to_string(),
                    },
                };
            }
            Err(error) => error,
        },
    };
    *stage.borrow_mut() = "fallback";
    let mut tokens: TokenStream = error.to_compile_error();
    tokens.extend(generate::fallback(&item, &requests));
    if let Err(e) = syn::parse2::<syn::File>(tokens) {
        return Outcome::InvalidOutput {
            stage: "fallback".into(),
            message: e.to_string(),
        };
    }
    let mut errors = 0;
    let mut unlocated = Vec::new();
    let first = error.to_string().chars().take(200).collect();
    for message in error {
        errors += 1;
        if message.span().source_text().is_none() {
            unlocated.push(message.to_string().chars().take(120).collect());
        }
    }
    Outcome::Rejected {
        errors,
        first,
        unlocated,
    }
}

/// `source` with the function's matcalc attributes removed: the plain Rust function (the DSL
/// functions exist at run time too), whose compile errors are the user's, not the macro's.
pub fn without_matcalc_attributes(source: &str) -> Option<String> {
    let mut item = syn::parse_str::<syn::ItemFn>(source).ok()?;
    take_requests(&mut item);
    Some(quote::ToTokens::to_token_stream(&item).to_string())
}

/// The matcalc attributes of `item`, removed from it, as requests (the macro gets the first
/// one from rustc and the others from `item.attrs`; the requests are the same), read by the
/// engine's own `take_sibling_requests`, as the macro reads them.
fn take_requests(item: &mut syn::ItemFn) -> (Vec<Request>, Option<syn::Error>) {
    let mut cx = Ctxt::new();
    let requests = generate::take_sibling_requests(item, &mut cx);
    (requests, cx.check().err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_function_is_accepted_and_a_bad_one_rejected_with_a_location() {
        let good = "#[grad(X)] fn f(X: &Matrix<U2, U2>) -> f64 { tr(X * X) }";
        assert!(matches!(run(good), Outcome::Accepted { bytes } if bytes > 0));
        let bad = "#[grad(X)] fn f(X: &Matrix<U2, U3>) -> f64 { tr(X * X) }";
        match run(bad) {
            Outcome::Rejected {
                errors, unlocated, ..
            } => {
                assert!(errors >= 1);
                assert!(unlocated.is_empty(), "{unlocated:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inputs_the_macro_never_sees_are_told_apart() {
        assert_eq!(run("struct S;"), Outcome::NotAFunction);
        assert_eq!(run("fn f() -> f64 { 1.0 }"), Outcome::NoAttribute);
        assert_eq!(
            run("#[other::grad(X)] fn f() -> f64 { 1.0 }"),
            Outcome::NoAttribute
        );
    }

    #[test]
    fn outcomes_survive_the_pipe() {
        let outcomes = [
            Outcome::NotAFunction,
            Outcome::NoAttribute,
            Outcome::Accepted { bytes: 12 },
            Outcome::Rejected {
                errors: 2,
                first: "shapes".into(),
                unlocated: vec!["no\tspan".into()],
            },
            Outcome::Panic {
                stage: "engine".into(),
                location: "a.rs:3".into(),
                message: "index out of bounds".into(),
            },
            Outcome::InvalidOutput {
                stage: "fallback".into(),
                message: "expected item".into(),
            },
        ];
        for outcome in outcomes {
            let decoded = Outcome::decode(&outcome.encode()).unwrap();
            let expected = match outcome {
                Outcome::Rejected { errors, first, .. } => Outcome::Rejected {
                    errors,
                    first,
                    unlocated: vec!["no span".into()],
                },
                other => other,
            };
            assert_eq!(decoded, expected);
        }
    }
}
