//! What `parse` makes of a function in the DSL: its signature (parameters with their shapes,
//! generic dimensions, float type) and its body as a small expression tree with spans and
//! resolved names. `shape` turns the tree into the shaped `ir::Graph`.

use proc_macro2::Span;

use crate::ir::{Dim, Func, ScalarType};

/// A parsed DSL function.
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub name_span: Span,
    /// Generic dimension parameters (`M`, `N`), in declaration order.
    pub dims: Vec<String>,
    pub params: Vec<Param>,
    pub scalar: ScalarType,
    /// `let` bindings in order; `ExprKind::Local(i)` refers to `lets[i]`.
    pub lets: Vec<Let>,
    /// The final expression.
    pub body: Expr,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub span: Span,
    pub kind: ParamKind,
    /// `X: &Matrix<..>` rather than `X: Matrix<..>`.
    pub by_ref: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Scalar,
    Matrix { rows: Dim, cols: Dim },
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: String,
    pub span: Span,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    /// The whole sub-expression, for error messages.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Param(usize),
    Local(usize),
    Literal(f64),
    /// `eye()`, `ones()`, `zeros()`: shape taken from context by `shape`.
    Constant(ConstantKind),
    Neg(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call(Call, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstantKind {
    Eye,
    Ones,
    Zeros,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A DSL function or method, with its non-expression arguments (integer powers) resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Transpose,
    Trace,
    Sum,
    Det,
    Logdet,
    Inv,
    Dot,
    Norm,
    NormSq,
    Hadamard,
    ElemDiv,
    Kron,
    Vec,
    Diag,
    Diagonal,
    /// An elementwise function (`exp`, ..., `powi(A, k)`).
    Map(Func),
    /// `powf(A, p)`: the exponent is the second argument expression.
    Powf,
    MatPow(i32),
    Softmax,
    Logsumexp,
}
