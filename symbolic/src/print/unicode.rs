//! Unicode tokens for the precedence walk in `print`: `Aᵀ`, `X⁻ᵀ`, `A ⊙ B`, `‖A‖²`, `σ(x)`,
//! `−` (U+2212) for minus.

use super::{Notation, Prec};
use crate::ir::Dim;

pub(super) struct Unicode;

/// Decimal digits in subscript: `₃`, `₁₂`.
fn subscript(digits: &str) -> String {
    digits
        .chars()
        .map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
        .collect()
}

/// `k` in superscript digits: `²`, `⁻¹`, `¹²`.
fn superscript(k: i32) -> String {
    k.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

impl Notation for Unicode {
    fn minus(&self) -> &'static str {
        "\u{2212}"
    }
    fn transpose(&self) -> &'static str {
        "ᵀ"
    }
    fn inverse(&self) -> &'static str {
        "⁻¹"
    }
    fn inverse_transpose(&self) -> &'static str {
        "⁻ᵀ"
    }
    fn ones(&self) -> &'static str {
        "𝟙"
    }
    fn identity(&self) -> &'static str {
        "I"
    }
    fn zero(&self) -> &'static str {
        "0"
    }
    fn hadamard(&self) -> &'static str {
        "⊙"
    }
    fn elem_div(&self) -> &'static str {
        "⊘"
    }
    fn kron(&self) -> &'static str {
        "⊗"
    }
    fn squared(&self) -> &'static str {
        "²"
    }
    fn name(&self, name: &str) -> String {
        name.to_owned()
    }
    fn power(&self, k: i32, elementwise: bool) -> String {
        let ring = if elementwise { "∘" } else { "" };
        format!("{ring}{}", superscript(k))
    }
    fn real_power(&self, exp: &str, prec: Prec, elementwise: bool) -> String {
        let ring = if elementwise { "∘" } else { "" };
        if prec == Prec::Atom {
            format!("^{ring}{exp}")
        } else {
            format!("^{ring}({exp})")
        }
    }
    fn call(&self, func: &str, args: &str) -> String {
        let func = if func == "sigmoid" { "σ" } else { func };
        format!("{func}({args})")
    }
    fn abs(&self, inner: &str) -> String {
        format!("|{inner}|")
    }
    fn norm(&self, inner: &str) -> String {
        format!("‖{inner}‖")
    }
    fn inner(&self, a: &str, b: &str) -> String {
        format!("⟨{a}, {b}⟩")
    }
    fn frac(&self, _num: &str, _den: &str) -> Option<String> {
        None
    }
    fn commutation(&self, m: &Dim, n: &Dim) -> String {
        match (m.known(), n.known()) {
            (Some(a), Some(b)) if a < 10 && b < 10 => format!("K{}", subscript(&format!("{a}{b}"))),
            _ => format!("K({m},{n})"),
        }
    }
    fn sized_identity(&self, n: &Dim) -> String {
        match n {
            Dim::Known(k) => format!("I{}", subscript(&k.to_string())),
            Dim::Named(name) => format!("I_{name}"),
            Dim::Prod(..) => format!("I_({n})"),
        }
    }
    /// `t₁`: a subscript cannot be part of a Rust identifier, so no parameter reads the same.
    fn subterm(&self, k: usize) -> String {
        format!("t{}", subscript(&k.to_string()))
    }
    fn where_clause(&self, formula: &str, definitions: &[(String, String)]) -> String {
        let defs: Vec<String> = definitions
            .iter()
            .map(|(name, text)| format!("{name} = {text}"))
            .collect();
        format!("{formula} where {}", defs.join(", "))
    }
}
