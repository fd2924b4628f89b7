//! The vocabulary of the DSL: which function and method names exist, what they stand for, and
//! the names people often try instead. `body` resolves calls with it.

use crate::ast::{Call, ConstantKind};
use crate::ir::Func;

/// The DSL functions, in the order error messages list them.
pub(super) const FUNCTIONS: &str =
    "tr, sum, det, logdet, inv, dot, norm, norm_sq, hadamard, elem_div, kron, \
     vec, diag, diagonal, exp, log, sin, cos, tan, tanh, sqrt, abs, sigmoid, softplus, relu, powi, \
     powf, matpow, softmax, logsumexp, eye, ones, zeros";

pub(super) const METHODS: &str =
    "t, tr, sum, det, logdet, inv, dot, norm, norm_sq, hadamard, elem_div, \
     kron, vec, diag, diagonal, exp, log, sin, cos, tan, tanh, sqrt, abs, sigmoid, softplus, relu, \
     powi, powf, matpow, softmax, logsumexp";

/// What a DSL name stands for.
#[derive(Clone, Copy)]
pub(super) enum Builtin {
    /// An operation on expressions, with names for its operands (the receiver first for methods)
    /// used in arity messages: `dot(A, B)`, `A.dot(B)`.
    Op(Call, &'static [&'static str]),
    /// `powi(A, k)` / `matpow(A, k)`: one operand and an integer literal.
    IntPower(fn(i32) -> Call),
    Constant(ConstantKind),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Function,
    Method,
}

const UNARY: &[&str] = &["A"];
const BINARY: &[&str] = &["A", "B"];

pub(super) fn builtin(name: &str, form: Form) -> Option<Builtin> {
    let map = |f| Some(Builtin::Op(Call::Map(f), UNARY));
    let unary = |c| Some(Builtin::Op(c, UNARY));
    let binary = |c| Some(Builtin::Op(c, BINARY));
    match (name, form) {
        ("t", Form::Method) => unary(Call::Transpose),
        ("eye", Form::Function) => Some(Builtin::Constant(ConstantKind::Eye)),
        ("ones", Form::Function) => Some(Builtin::Constant(ConstantKind::Ones)),
        ("zeros", Form::Function) => Some(Builtin::Constant(ConstantKind::Zeros)),
        ("tr", _) => unary(Call::Trace),
        ("sum", _) => unary(Call::Sum),
        ("det", _) => unary(Call::Det),
        ("logdet", _) => unary(Call::Logdet),
        ("inv", _) => unary(Call::Inv),
        ("dot", _) => binary(Call::Dot),
        ("norm", _) => unary(Call::Norm),
        ("norm_sq", _) => unary(Call::NormSq),
        ("hadamard", _) => binary(Call::Hadamard),
        ("elem_div", _) => binary(Call::ElemDiv),
        ("kron", _) => binary(Call::Kron),
        ("vec", _) => unary(Call::Vec),
        ("diag", _) => unary(Call::Diag),
        ("diagonal", _) => unary(Call::Diagonal),
        ("exp", _) => map(Func::Exp),
        ("log", _) => map(Func::Log),
        ("sin", _) => map(Func::Sin),
        ("cos", _) => map(Func::Cos),
        ("tan", _) => map(Func::Tan),
        ("tanh", _) => map(Func::Tanh),
        ("sqrt", _) => map(Func::Sqrt),
        ("abs", _) => map(Func::Abs),
        ("sigmoid", _) => map(Func::Sigmoid),
        ("softplus", _) => map(Func::Softplus),
        ("relu", _) => map(Func::Relu),
        ("powi", _) => Some(Builtin::IntPower(|k| Call::Map(Func::Powi(k)))),
        ("powf", _) => Some(Builtin::Op(Call::Powf, &["A", "p"])),
        ("matpow", _) => Some(Builtin::IntPower(Call::MatPow)),
        ("softmax", _) => unary(Call::Softmax),
        ("logsumexp", _) => unary(Call::Logsumexp),
        _ => None,
    }
}

/// The DSL spelling of names people reach for from nalgebra, ndarray or maths.
pub(super) fn did_you_mean(name: &str, form: Form) -> Option<&'static str> {
    Some(match name {
        "ln" => "log",
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
