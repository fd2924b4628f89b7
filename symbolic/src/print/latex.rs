//! LaTeX tokens for the precedence walk in `print`: `A^\top`, `X^{-\top}`, `A \odot B`,
//! `\lVert A \rVert^2`, `\operatorname{tr}(A)`, `\frac{a}{b}`.

use super::{Notation, Prec};
use crate::ir::Dim;
use crate::table::latex_command as command;

pub(super) struct Latex;

fn dim(d: &Dim) -> String {
    d.to_string().replace('·', r" \cdot ")
}

impl Notation for Latex {
    fn block_matrix(&self, rows: &[Vec<String>]) -> String {
        let rows: Vec<String> = rows.iter().map(|r| r.join(" & ")).collect();
        format!(
            "\\begin{{bmatrix}} {} \\end{{bmatrix}}",
            rows.join(" \\\\ ")
        )
    }

    fn minus(&self) -> &'static str {
        "-"
    }
    fn transpose(&self) -> &'static str {
        r"^\top"
    }
    fn inverse(&self) -> &'static str {
        "^{-1}"
    }
    fn inverse_transpose(&self) -> &'static str {
        r"^{-\top}"
    }
    fn ones(&self) -> &'static str {
        r"\mathbf{1}"
    }
    fn identity(&self) -> &'static str {
        "I"
    }
    fn zero(&self) -> &'static str {
        "0"
    }
    fn hadamard(&self) -> &'static str {
        r"\odot"
    }
    fn elem_div(&self) -> &'static str {
        r"\oslash"
    }
    fn kron(&self) -> &'static str {
        r"\otimes"
    }
    fn squared(&self) -> &'static str {
        "^2"
    }
    fn name(&self, name: &str) -> String {
        name.replace('_', r"\_")
    }
    fn power(&self, k: i32, elementwise: bool) -> String {
        let ring = if elementwise { r"\circ " } else { "" };
        format!("^{{{ring}{k}}}")
    }
    fn real_power(&self, exp: &str, _prec: Prec, elementwise: bool) -> String {
        // Braces group the exponent, so it never needs parentheses.
        let ring = if elementwise { r"\circ " } else { "" };
        format!("^{{{ring}{exp}}}")
    }
    fn call(&self, func: &str, args: &str) -> String {
        let func = if let Some(command) = command(func) {
            command.to_string()
        } else {
            format!(r"\operatorname{{{}}}", func.replace('_', r"\_"))
        };
        format!("{func}({args})")
    }
    fn abs(&self, inner: &str) -> String {
        format!(r"\lvert {inner} \rvert")
    }
    fn norm(&self, inner: &str) -> String {
        format!(r"\lVert {inner} \rVert")
    }
    fn inner(&self, a: &str, b: &str) -> String {
        format!(r"\langle {a}, {b} \rangle")
    }
    fn frac(&self, num: &str, den: &str) -> Option<String> {
        Some(format!(r"\frac{{{num}}}{{{den}}}"))
    }
    fn commutation(&self, m: &Dim, n: &Dim) -> String {
        format!("K_{{{},{}}}", dim(m), dim(n))
    }
    fn sized_identity(&self, n: &Dim) -> String {
        format!("I_{{{}}}", dim(n))
    }
    /// `t_{1}`: a parameter `t_1` prints as `t\_1`, so no parameter reads the same.
    fn subterm(&self, k: usize) -> String {
        format!("t_{{{k}}}")
    }
    fn where_clause(&self, formula: &str, definitions: &[(String, String)]) -> String {
        let defs: Vec<String> = definitions
            .iter()
            .map(|(name, text)| format!("{name} = {text}"))
            .collect();
        format!(r"{formula} \quad \text{{where }} {}", defs.join(r",\; "))
    }
}
