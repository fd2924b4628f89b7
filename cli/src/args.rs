//! The command line: subcommands, flags, help texts with examples, and the `--shape` syntax.

use clap::{Args, Parser, Subcommand};
use matcalc_symbolic::ir::{Dim, Shape};
use matcalc_symbolic::table;

const EXAMPLES: &str = "\
Examples:
  # The gradient of a scalar: ∂/∂X sum(X Y) = 𝟙 Yᵀ
  matcalc grad 'sum(X * Y)' --wrt X --shape X=3x3 --shape Y=3x2

  # The Jacobian of a matrix-valued expression: ∂vec(X y)/∂(vec X)ᵀ
  matcalc jacobian 'X * y' --wrt X --shape X=3x3 --shape y=3x2

  # Symbolic shapes, or none at all (shapes are inferred where the expression fixes them)
  matcalc grad 'norm_sq(W * x - y)' --wrt W --shape W='m x n'
  matcalc grad 'logdet(X)' --wrt X

  # LaTeX, the Rust code #[grad] would generate, a numeric check, the derivation
  matcalc grad 'x.t() * A * x' --wrt x --shape A=3x3 --latex
  matcalc grad 'sum(X * Y)' --wrt X --shape X=3x3 --shape Y=3x2 --rust
  matcalc grad 'sum(exp(X * Y))' --wrt X --shape X=3x3 --shape Y=3x2 --check
  matcalc grad 'tr(inv(X) * A)' --wrt X --shape X=3x3 --shape A=3x3 --steps

Exit status: 0 success, 1 an error in the expression (shape mismatch, unknown function,
failed --check), 2 a usage error (bad flag, bad --shape).";

/// The DSL summary every subcommand's help ends with; the operation names come from the
/// operation table, so the help lists exactly what the parser accepts.
struct DslHelp;

const SUBCOMMAND_EXAMPLES: DslHelp = DslHelp;

impl std::fmt::Display for DslHelp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut functions = Vec::new();
        let mut constants = Vec::new();
        for entry in table::entries().filter(|e| e.has_form(table::Form::Function)) {
            match entry.lowers {
                table::Lowers::Constant(_) => constants.push(format!("{}()", entry.name)),
                _ => functions.push(entry.name.to_string()),
            }
        }
        let text = format!(
            "Expressions use the matcalc DSL, the body of a #[grad] function: + - * / and unary \
             -, A.t(), the functions {} (each also a method: A.exp()), {}, number literals and \
             `let` bindings (`let r = W * x - y; norm_sq(r)`). `*` is the matrix product (or a \
             scaling when one side is a scalar).",
            functions.join(" "),
            constants.join(" ")
        );
        writeln!(f, "{}", wrap(&text, 96))?;
        write!(
            f,
            "
Shapes: 3x3 or 3×3 (a matrix), 3 (a column vector), scalar or 1x1 (a scalar), 'm x n', mxn or
M×N (generic dimensions). A variable without --shape gets generic dimensions (X_rows×X_cols),
narrowed by the expression where it can."
        )
    }
}

/// `text` broken into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}

#[derive(Parser, Debug)]
#[command(
    name = "matcalc",
    version,
    about = "Matrix calculus in the terminal: gradients, Jacobians, Hessians and their \
             products of matrix expressions in closed form, with shapes checked",
    long_about = None,
    after_help = EXAMPLES,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// The gradient ∂φ/∂X of a scalar expression φ (shaped like X)
    #[command(after_help = grad_help())]
    Grad(Options),
    /// The Jacobian ∂vec F/∂(vec X)ᵀ of an expression F ((p·q)×(m·n) for F p×q, X m×n)
    #[command(after_help = jacobian_help())]
    Jacobian(Options),
    /// The Hessian ∂²φ/∂(vec X)∂(vec X)ᵀ of a scalar expression φ ((m·n)×(m·n)), with the gradient
    #[command(after_help = hessian_help())]
    Hessian(Options),
    /// The vector–Jacobian product ∂⟨U, F⟩/∂X for a symbolic cotangent U shaped like F (shaped
    /// like X; the Jacobian is never formed)
    #[command(after_help = vjp_help())]
    Vjp(Options),
    /// The Jacobian–vector product dF along a symbolic tangent T shaped like X (shaped like F;
    /// the Jacobian is never formed)
    #[command(after_help = jvp_help())]
    Jvp(Options),
    /// The Hessian–vector product H v of a scalar φ for a symbolic v shaped like X (shaped like
    /// X; the Hessian is never formed), with the gradient
    #[command(after_help = hvp_help())]
    Hvp(Options),
}

fn vjp_help() -> String {
    format!(
        "Examples:\n  matcalc vjp 'tanh(W * x + b)' --wrt W --shape W=4x3\n  \
         matcalc vjp 'inv(X) * Y' --wrt X --shape X=3x3 --shape Y=3x2 --check\n\n\
         {SUBCOMMAND_EXAMPLES}"
    )
}

fn jvp_help() -> String {
    format!(
        "Examples:\n  matcalc jvp 'X * X.t()' --wrt X --shape X='m x n'\n  \
         matcalc jvp 'softmax(W * x)' --wrt W --shape W=4x3 --check\n\n\
         {SUBCOMMAND_EXAMPLES}"
    )
}

fn hvp_help() -> String {
    format!(
        "Examples:\n  matcalc hvp 'sum(softplus(A * w)) - dot(y, A * w)' --wrt w --shape A=10x3\n  \
         matcalc hvp 'logdet(X)' --wrt X --shape X=3x3 --check\n\n\
         {SUBCOMMAND_EXAMPLES}"
    )
}

fn grad_help() -> String {
    format!(
        "Examples:\n  matcalc grad 'sum(X * Y)' --wrt X --shape X=3x3 --shape Y=3x2\n  \
         matcalc grad 'norm_sq(W * x - y)' --wrt W --wrt x --shape W='m x n'\n  \
         matcalc grad 'logdet(X)' --wrt X --latex\n  \
         matcalc grad 'tr(inv(X) * A)' --wrt X --shape X=3x3 --shape A=3x3 --steps --check\n\n\
         {SUBCOMMAND_EXAMPLES}"
    )
}

fn jacobian_help() -> String {
    format!(
        "Examples:\n  matcalc jacobian 'X * y' --wrt X --shape X=3x3 --shape y=3x2\n  \
         matcalc jacobian 'softmax(W * x)' --wrt x --shape W=4x3 --check\n\n\
         {SUBCOMMAND_EXAMPLES}"
    )
}

fn hessian_help() -> String {
    format!(
        "Examples:\n  matcalc hessian 'x.t() * A * x' --wrt x --shape A=3x3\n  \
         matcalc hessian 'logsumexp(x)' --wrt x --shape x=4 --check\n\n\
         {SUBCOMMAND_EXAMPLES}"
    )
}

#[derive(Args, Debug)]
pub struct Options {
    /// The expression, in the matcalc DSL (quote it for the shell), e.g. 'sum(X * Y)'
    #[arg(value_name = "EXPRESSION", allow_hyphen_values = true)]
    pub expr: String,

    /// A variable to differentiate with respect to; repeat for several
    #[arg(long, short = 'w', value_name = "VAR", required = true)]
    pub wrt: Vec<String>,

    /// The shape of a variable: X=3x3, y=3, s=scalar, W='m x n'; repeat for each variable
    #[arg(long, short = 's', value_name = "VAR=SHAPE", value_parser = parse_shape_arg)]
    pub shape: Vec<(String, Shape)>,

    /// Print the formulas in LaTeX instead of Unicode
    #[arg(long)]
    pub latex: bool,

    /// Print only the Rust code the attribute macro would generate (formatted)
    #[arg(long, conflicts_with_all = ["latex", "steps", "check"])]
    pub rust: bool,

    /// Evaluate at random inputs and compare the derivative with central finite differences
    #[arg(long)]
    pub check: bool,

    /// Print the derivation: the adjoint of every subexpression, from the output back
    #[arg(long)]
    pub steps: bool,

    /// --check: the size used for generic dimensions
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub dim_size: u16,

    /// --check: the seed of the random inputs
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub seed: u64,

    /// --check: the largest accepted |derived − numeric| / (1 + |numeric|) [default: 1e-6, or
    /// 1e-4 for Hessians]
    #[arg(long, value_name = "TOL")]
    pub tolerance: Option<f64>,

    /// --rust: the name of the generated function
    #[arg(long, value_name = "NAME", default_value = "f", value_parser = parse_ident)]
    pub name: String,
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}

fn parse_ident(s: &str) -> Result<String, String> {
    if is_ident(s) {
        Ok(s.to_string())
    } else {
        Err(format!("`{s}` is not a Rust identifier"))
    }
}

/// `X=3x3` → (`X`, its shape).
pub fn parse_shape_arg(arg: &str) -> Result<(String, Shape), String> {
    let (name, shape) = arg
        .split_once('=')
        .ok_or_else(|| "expected VAR=SHAPE, e.g. X=3x3, y=3, s=scalar or W='m x n'".to_string())?;
    let name = name.trim();
    if !is_ident(name) {
        return Err(format!("`{name}` is not a variable name"));
    }
    Ok((name.to_string(), parse_shape(shape)?))
}

const SHAPE_FORMS: &str =
    "a shape is 3x3 or 3×3 (a matrix), 3 (a vector), scalar or 1x1, or generic: 'm x n', mxn, M×N";

/// `3x3`, `3×3`, `3`, `scalar`, `1x1`, `m x n`, `mxn`, `M×N`.
pub fn parse_shape(shape: &str) -> Result<Shape, String> {
    let s = shape.trim();
    if s == "scalar" {
        return Ok(Shape::Scalar);
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    let parts: Vec<&str> = if s.contains('×') {
        s.split('×').map(str::trim).collect()
    } else if words.len() == 3 && words[1] == "x" {
        vec![words[0], words[2]]
    } else if words.len() == 1 {
        match s.split_once('x') {
            Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.contains('x') => vec![a, b],
            Some((a, b)) if !a.is_empty() && !b.is_empty() => {
                return Err(format!(
                    "`{s}` is ambiguous: write the dimensions with spaces ('{a} x {b}') or with ×"
                ))
            }
            // `nx`, `xs`: one generic dimension whose name contains an x.
            _ => vec![s],
        }
    } else {
        return Err(format!("cannot read `{s}` as a shape: {SHAPE_FORMS}"));
    };
    if parts.is_empty() || parts.len() > 2 {
        return Err(format!("cannot read `{s}` as a shape: {SHAPE_FORMS}"));
    }
    let dims = parts
        .iter()
        .map(|p| dim(p, s))
        .collect::<Result<Vec<Dim>, String>>()?;
    let rows = dims[0].clone();
    let cols = dims.get(1).cloned().unwrap_or(Dim::Known(1));
    if rows.is_one() && cols.is_one() {
        return Ok(Shape::Scalar);
    }
    Ok(Shape::Matrix(rows, cols))
}

fn dim(part: &str, whole: &str) -> Result<Dim, String> {
    if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
        return match part.parse::<usize>() {
            Ok(0) => Err(format!("in `{whole}`: dimensions must be at least 1")),
            Ok(n) if n <= 100_000 => Ok(Dim::Known(n)),
            _ => Err(format!("in `{whole}`: dimension {part} is too large")),
        };
    }
    if !is_ident(part) {
        return Err(if part == whole {
            format!("cannot read `{whole}` as a shape: {SHAPE_FORMS}")
        } else {
            format!("cannot read `{part}` in `{whole}` as a dimension: {SHAPE_FORMS}")
        });
    }
    let reserved = ["Dim", "Matrix", "Vector", "f64", "f32", "Self", "Prod"];
    let typenum_like = part
        .strip_prefix('U')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    if reserved.contains(&part) || typenum_like {
        return Err(format!(
            "`{part}` cannot name a generic dimension; use another name (e.g. `n`)"
        ));
    }
    Ok(Dim::Named(part.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(r: Dim, c: Dim) -> Shape {
        Shape::Matrix(r, c)
    }
    fn k(n: usize) -> Dim {
        Dim::Known(n)
    }
    fn n(s: &str) -> Dim {
        Dim::Named(s.into())
    }

    #[test]
    fn shapes() {
        assert_eq!(parse_shape("3x3"), Ok(m(k(3), k(3))));
        assert_eq!(parse_shape("3×2"), Ok(m(k(3), k(2))));
        assert_eq!(parse_shape("3"), Ok(m(k(3), k(1))));
        assert_eq!(parse_shape("scalar"), Ok(Shape::Scalar));
        assert_eq!(parse_shape("1x1"), Ok(Shape::Scalar));
        assert_eq!(parse_shape("m x n"), Ok(m(n("m"), n("n"))));
        assert_eq!(parse_shape("mxn"), Ok(m(n("m"), n("n"))));
        assert_eq!(parse_shape("M×N"), Ok(m(n("M"), n("N"))));
        assert_eq!(parse_shape("M × 3"), Ok(m(n("M"), k(3))));
        assert_eq!(parse_shape("nx"), Ok(m(n("nx"), k(1))));
        assert!(parse_shape("3y3").is_err());
        assert!(parse_shape("0x3").is_err());
        assert!(parse_shape("3x3x3").is_err());
        assert!(parse_shape("U3").is_err());
        assert!(parse_shape("").is_err());
        assert!(parse_shape_arg("X3x3").is_err());
        assert_eq!(
            parse_shape_arg("X=3x3"),
            Ok(("X".to_string(), m(k(3), k(3))))
        );
    }
}
