//! The operation table: every DSL operation declared once, with its names and forms, operands,
//! what it lowers to, and (for elementwise functions, in `funcs`) its evaluation, derivative,
//! display and cost. The parser's lookup and "did you mean" hints, the lists in error messages,
//! `call_name`, the command-line help and the property-test generators all read it, so an
//! operation cannot be reachable from one of them and missing from another.

mod funcs;

use std::fmt;

use proc_macro2::Span;

pub use funcs::Func;

use crate::ast::{Call, ConstantKind};
use crate::ir::{Graph, NodeId};

/// The flops class of one entry of an elementwise function, for `cost`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// A compare or one arithmetic operation.
    Cheap,
    Sqrt,
    /// Binary exponentiation (`powi`).
    Power,
    /// A libm call.
    Transcendental,
}

/// Where an elementwise function is smooth and well-conditioned; the property tests guard its
/// operand into this set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    Any,
    /// (−1, 1): keeps exponentials moderate and tan off its poles.
    Bounded,
    /// [−½, ½]: inside (−1, 1) with room to spare (asin, acos).
    Interior,
    /// x ≥ 1: logarithms, roots, reciprocals.
    Positive,
    /// Not a structural zero: the kink of abs, relu, sign, step.
    AwayFromZero,
}

/// The operand and value of `n = f(a)` and the adjoint Ḡ of n, for a derivative rule.
#[derive(Clone, Copy, Debug)]
pub struct Adj {
    pub a: NodeId,
    pub n: NodeId,
    pub bar: NodeId,
    pub sp: Span,
}

/// One elementwise function's row.
pub struct FuncInfo {
    /// DSL name and core `Matrix` method / free function.
    pub name: &'static str,
    /// The `Scalar` method that computes one entry in generated code.
    pub scalar: &'static str,
    /// Part of the DSL (`false`: only derivatives create it).
    pub dsl: bool,
    /// The LaTeX command, where there is one (else `\operatorname{name}`).
    pub latex: Option<&'static str>,
    /// f(0) = 0.
    pub keeps_zero: bool,
    pub cost: Cost,
    pub domain: Domain,
    pub eval: fn(f64) -> f64,
    /// Ḡ ⊙ f′(a).
    pub adjoint: fn(&mut Graph, Adj) -> NodeId,
    /// f′(A) in words, for `--steps`.
    pub derivative: &'static str,
}

/// The forms in which a name can be written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Form {
    Function,
    Method,
}

/// What a DSL name stands for.
#[derive(Clone, Copy, Debug)]
pub enum Lowers {
    /// An operation on expressions, with names for its operands (the receiver first for
    /// methods) used in arity messages: `dot(A, B)`, `A.dot(B)`.
    Op(Call, &'static [&'static str]),
    /// `powi(A, k)` / `matpow(A, k)`: one operand and an integer literal.
    IntPower(fn(i32) -> Call),
    Constant(ConstantKind),
}

/// One DSL name.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub name: &'static str,
    /// `None`: both a function and a method.
    pub only: Option<Form>,
    pub lowers: Lowers,
}

impl Entry {
    pub fn has_form(&self, form: Form) -> bool {
        self.only.is_none_or(|only| only == form)
    }
}

const A: &[&str] = &["A"];
const AB: &[&str] = &["A", "B"];

const fn op(name: &'static str, call: Call, operands: &'static [&'static str]) -> Entry {
    Entry {
        name,
        only: None,
        lowers: Lowers::Op(call, operands),
    }
}

const fn constant(name: &'static str, kind: ConstantKind) -> Entry {
    Entry {
        name,
        only: Some(Form::Function),
        lowers: Lowers::Constant(kind),
    }
}

/// The structural operations, listed before the elementwise functions in messages.
const STRUCTURAL: &[Entry] = &[
    Entry {
        name: "t",
        only: Some(Form::Method),
        lowers: Lowers::Op(Call::Transpose, A),
    },
    op("tr", Call::Trace, A),
    op("sum", Call::Sum, A),
    op("mean", Call::Mean, A),
    op("det", Call::Det, A),
    op("logdet", Call::Logdet, A),
    op("inv", Call::Inv, A),
    op("dot", Call::Dot, AB),
    op("norm", Call::Norm, A),
    op("norm_sq", Call::NormSq, A),
    op("hadamard", Call::Hadamard, AB),
    op("elem_div", Call::ElemDiv, AB),
    op("kron", Call::Kron, AB),
    op("vec", Call::Vec, A),
    op("diag", Call::Diag, A),
    op("diagonal", Call::Diagonal, A),
];

/// Listed after the elementwise functions.
const AFTER_FUNCS: &[Entry] = &[
    Entry {
        name: "powi",
        only: None,
        lowers: Lowers::IntPower(|k| Call::Map(Func::Powi(k))),
    },
    op("powf", Call::Powf, &["A", "p"]),
    op("atan2", Call::Atan2, &["y", "x"]),
    Entry {
        name: "matpow",
        only: None,
        lowers: Lowers::IntPower(Call::MatPow),
    },
    op("softmax", Call::Softmax, A),
    op("softmax_cols", Call::SoftmaxCols, A),
    op("softmax_rows", Call::SoftmaxRows, A),
    op("logsumexp", Call::Logsumexp, A),
    op("logsumexp_cols", Call::LogsumexpCols, A),
    op("logsumexp_rows", Call::LogsumexpRows, A),
    op("solve", Call::Solve, AB),
    op("cholesky", Call::Cholesky, A),
    constant("eye", ConstantKind::Eye),
    constant("ones", ConstantKind::Ones),
    constant("zeros", ConstantKind::Zeros),
];

/// Every DSL name, in the order messages list them.
pub fn entries() -> impl Iterator<Item = Entry> {
    let funcs = Func::ALL
        .iter()
        .filter(|f| f.info().dsl && !matches!(f, Func::Powi(_)))
        .map(|&f| Entry {
            name: f.name(),
            only: None,
            lowers: Lowers::Op(Call::Map(f), A),
        });
    STRUCTURAL
        .iter()
        .copied()
        .chain(funcs)
        .chain(AFTER_FUNCS.iter().copied())
}

/// What `name` stands for when written in `form`.
pub fn lookup(name: &str, form: Form) -> Option<Lowers> {
    entries()
        .find(|e| e.name == name && e.has_form(form))
        .map(|e| e.lowers)
}

/// The names that exist in `form`, comma-separated, for "the DSL supports ..." messages.
#[derive(Clone, Copy)]
pub struct Listing(pub Form);

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = entries()
            .filter(|e| e.has_form(self.0))
            .map(|e| e.name)
            .collect();
        f.write_str(&names.join(", "))
    }
}

/// The DSL name of a call, for messages.
pub fn call_name(call: Call) -> &'static str {
    match call {
        Call::Map(f) => f.name(),
        Call::MatPow(_) => "matpow",
        call => entries()
            .find(|e| matches!(e.lowers, Lowers::Op(c, _) if c == call))
            .map_or("?", |e| e.name),
    }
}

/// The LaTeX command of a printed function name, where LaTeX has one: the elementwise
/// functions' from their rows, `det` and `Φ` (the Cholesky mask) here; the printer sets the
/// rest with `\operatorname`.
pub fn latex_command(printed: &str) -> Option<&'static str> {
    match printed {
        "det" => return Some(r"\det"),
        "Φ" => return Some(r"\Phi"),
        _ => {}
    }
    Func::ALL
        .iter()
        .find(|f| f.name() == printed)
        .and_then(|f| f.info().latex)
}

/// The DSL spelling of names people reach for from nalgebra, ndarray or maths.
pub fn did_you_mean(name: &str, form: Form) -> Option<&'static str> {
    Some(match name {
        "ln" => "log",
        "ln_1p" | "log_1p" => "log1p",
        "exp_m1" => "expm1",
        "arcsin" => "asin",
        "arccos" => "acos",
        "arctan" => "atan",
        "arctan2" => "atan2",
        "average" => "mean",
        "transpose" => "t",
        "t" if form == Form::Function => "A.t()",
        "trace" => "tr",
        "determinant" => "det",
        "inverse" | "try_inverse" => "inv",
        "norm_squared" | "squared_norm" => "norm_sq",
        "component_mul" => "hadamard",
        "component_div" => "elem_div",
        "kronecker" => "kron",
        "identity" => "eye",
        "pow" => "powi",
        "exp2" | "powd" => "powf",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_declared_once_per_form() {
        for form in [Form::Function, Form::Method] {
            let names: Vec<&str> = entries()
                .filter(|e| e.has_form(form))
                .map(|e| e.name)
                .collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{names:?}");
        }
    }

    #[test]
    fn every_call_has_a_name_that_looks_it_up() {
        for e in entries() {
            if let Lowers::Op(call, _) = e.lowers {
                assert_eq!(call_name(call), e.name);
            }
        }
        assert_eq!(call_name(Call::MatPow(3)), "matpow");
        assert_eq!(call_name(Call::Map(Func::Powi(3))), "powi");
    }

    #[test]
    fn hints_point_at_names_that_exist() {
        for wrong in [
            "ln", "ln_1p", "exp_m1", "arcsin", "arctan2", "average", "trace",
        ] {
            let right = did_you_mean(wrong, Form::Function).unwrap();
            assert!(lookup(right, Form::Function).is_some(), "{wrong} → {right}");
        }
    }

    #[test]
    fn func_rows_evaluate_like_std() {
        for &f in Func::ALL {
            let x: f64 = 0.3;
            let want = match f {
                Func::Powi(k) => x.powi(k),
                _ => (f.info().eval)(x),
            };
            assert_eq!(f.eval(x), want);
            assert!(f.eval(x).is_finite(), "{f:?}");
            // The zero-keeping flag is a property of the function, checked at 0.
            assert_eq!(f.keeps_zero(), f.eval(0.0) == 0.0, "{f:?}");
        }
    }
}
