//! Named float constants in a DSL body: the standard library's (`PI`, `E`, `f64::consts::TAU`,
//! `core::f32::consts::LN_2`, …) and the user's own `const` items.
//!
//! How a name is told apart from a variable, after parameters and `let`s have been looked up:
//!
//! - a path ending in one of `std`/`core` `f64::consts`/`f32::consts` (or a bare name from
//!   there, as after `use std::f64::consts::PI;`) is that constant, whose value the engine
//!   knows (from `f32::consts`, the `f32` value). Generated code still names it as written, so
//!   the user's `use` stays used, exactly as in the plain Rust the body also is;
//! - any other path of two or more segments whose last one is SCREAMING_CASE
//!   (`crate::SIGMA`, `config::SCALE`), or a bare SCREAMING_CASE name of at least two
//!   characters (`SIGMA`, `L2`) that is not a generic dimension, is a constant of the user's
//!   program: a scalar the derivative treats as fixed, emitted as that path and converted to
//!   the function's float type (so an `f32` const works in `f64` code and vice versa).
//!
//! A single capital letter (`Z`) stays an unknown variable (most likely a typo of a parameter);
//! a one-letter `const` can be written `self::K`.

/// A named constant: its path as written, and its value if it is a standard one.
pub(super) struct Constant {
    pub path: String,
    pub value: Option<f64>,
}

/// The constants of `core::f64::consts`, by name.
const STD: &[(&str, f64)] = &[
    ("PI", std::f64::consts::PI),
    ("TAU", std::f64::consts::TAU),
    ("E", std::f64::consts::E),
    ("SQRT_2", std::f64::consts::SQRT_2),
    ("FRAC_1_SQRT_2", std::f64::consts::FRAC_1_SQRT_2),
    ("LN_2", std::f64::consts::LN_2),
    ("LN_10", std::f64::consts::LN_10),
    ("LOG2_E", std::f64::consts::LOG2_E),
    ("LOG10_E", std::f64::consts::LOG10_E),
    ("LOG2_10", std::f64::consts::LOG2_10),
    ("LOG10_2", std::f64::consts::LOG10_2),
    ("FRAC_PI_2", std::f64::consts::FRAC_PI_2),
    ("FRAC_PI_3", std::f64::consts::FRAC_PI_3),
    ("FRAC_PI_4", std::f64::consts::FRAC_PI_4),
    ("FRAC_PI_6", std::f64::consts::FRAC_PI_6),
    ("FRAC_PI_8", std::f64::consts::FRAC_PI_8),
    ("FRAC_1_PI", std::f64::consts::FRAC_1_PI),
    ("FRAC_2_PI", std::f64::consts::FRAC_2_PI),
    ("FRAC_2_SQRT_PI", std::f64::consts::FRAC_2_SQRT_PI),
];

/// Whether the bare name `name` is one of the standard constants (`PI`, `E`, …): the command
/// line does not take such a name for an undeclared variable.
pub(crate) fn is_standard(name: &str) -> bool {
    STD.iter().any(|(n, _)| *n == name)
}

/// The constant `path` names, if it names one (see the module docs); `dims` are the
/// function's generic dimensions.
pub(super) fn resolve(path: &syn::Path, dims: &[String]) -> Option<Constant> {
    if path.segments.iter().any(|s| !s.arguments.is_empty()) {
        return None;
    }
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let (last, prefix) = names.split_last()?;
    let lead = if path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    let written = format!("{lead}{}", names.join("::"));
    if let Some(&(_, value)) = STD.iter().find(|(name, _)| name == last) {
        if let Some(f32) = std_prefix(prefix) {
            let value = if f32 { f64::from(value as f32) } else { value };
            return Some(Constant {
                path: written,
                value: Some(value),
            });
        }
    }
    let bare = prefix.is_empty() && path.leading_colon.is_none();
    let named = screaming(last) && (!bare || (last.len() >= 2 && !dims.contains(last)));
    named.then_some(Constant {
        path: written,
        value: None,
    })
}

/// Whether `prefix` is a (possibly shortened) `std::f64::consts`: `Some(true)` for `f32`.
fn std_prefix(prefix: &[String]) -> Option<bool> {
    let p: Vec<&str> = prefix.iter().map(String::as_str).collect();
    match p.as_slice() {
        [] | ["consts"] => Some(false),
        [float, "consts"] | ["std" | "core", float, "consts"] if *float == "f32" => Some(true),
        [float, "consts"] | ["std" | "core", float, "consts"] if *float == "f64" => Some(false),
        _ => None,
    }
}

/// SCREAMING_CASE: an uppercase letter, then uppercase letters, digits and underscores.
fn screaming(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(src: &str) -> Option<f64> {
        resolve(&syn::parse_str(src).unwrap(), &["N".into(), "DIM".into()])?.value
    }

    fn named(src: &str) -> Option<String> {
        let c = resolve(&syn::parse_str(src).unwrap(), &["N".into(), "DIM".into()])?;
        c.value.is_none().then_some(c.path)
    }

    #[test]
    fn standard_constants_are_numbers() {
        assert_eq!(value("PI"), Some(std::f64::consts::PI));
        assert_eq!(value("E"), Some(std::f64::consts::E));
        assert_eq!(value("std::f64::consts::TAU"), Some(std::f64::consts::TAU));
        assert_eq!(
            value("core::f64::consts::LN_2"),
            Some(std::f64::consts::LN_2)
        );
        assert_eq!(
            value("f32::consts::PI"),
            Some(f64::from(std::f32::consts::PI))
        );
        assert_eq!(value("::std::f64::consts::PI"), Some(std::f64::consts::PI));
    }

    #[test]
    fn user_constants_are_screaming_paths() {
        assert_eq!(named("SIGMA").as_deref(), Some("SIGMA"));
        assert_eq!(named("crate::SCALE").as_deref(), Some("crate::SCALE"));
        assert_eq!(named("self::K").as_deref(), Some("self::K"));
        assert_eq!(named("my::PI").as_deref(), Some("my::PI"));
        // Not constants: one capital letter, a generic dimension, lower case.
        assert!(named("Z").is_none());
        assert!(named("DIM").is_none());
        assert!(named("sigma").is_none());
        assert!(named("crate::scale").is_none());
    }
}
