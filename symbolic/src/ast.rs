//! What `parse` makes of a function in the DSL: its signature (parameters with their shapes,
//! generic dimensions, float type) and its body as a small expression tree with spans and
//! resolved names. `shape` turns the tree into the shaped `ir::Graph`.

use std::fmt::Display;

use proc_macro2::{Punct, Spacing, Span, TokenStream, TokenTree};

use crate::ir::{Dim, Func, ScalarType, Shape};

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
    /// The declared return type; `None` when there is none (or it is `()`).
    pub returns: Option<TypeDecl>,
    /// Outside data bound by typed `let`s (`ExprKind::Outside(i)` refers to `outside[i]`).
    pub outside: Vec<Outside>,
    /// The functions the body calls (reference §4b "Calls"), each parsed once
    /// (`ExprKind::Invoke(i, ..)` refers to `callees[i]`).
    pub callees: Vec<Callee>,
}

/// A function called from a DSL body, parsed from the definition its macro carried. Its body is
/// inlined at every call (`shape::lower`), so derivatives and simplification see through it.
#[derive(Clone, Debug)]
pub struct Callee {
    /// The name as called (the last segment of the path).
    pub name: String,
    pub function: Function,
}

/// A type written in the source (a return type, a `let` annotation): a scalar or a matrix with
/// its dimensions. The float type is checked by `parse` and lives in `Function::scalar`.
#[derive(Clone, Debug)]
pub struct TypeDecl {
    pub shape: Shape,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub span: Span,
    pub shape: Shape,
    /// `X: &Matrix<..>` rather than `X: Matrix<..>`.
    pub by_ref: bool,
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: String,
    pub span: Span,
    pub value: Expr,
    /// `let name: Type = ..`: checked against the value's shape by `shape`.
    pub declared: Option<TypeDecl>,
    /// An assignment `name = ..` (in an unrolled loop, reference §4b) to the `let mut` binding
    /// `lets[i]`: a new value of that binding, which must keep its shape (checked by `shape`).
    pub assigns: Option<usize>,
    /// The same statement unrolled in an earlier iteration of a loop made `lets[i]`: a shape
    /// error is reported for the first iteration that has it, not again for each later one.
    pub repeats: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    /// The whole sub-expression, for error messages (on stable Rust only its first token, so
    /// errors use `span`..`span_end` via `Expr::error`).
    pub span: Span,
    /// The span of the sub-expression's last token.
    pub span_end: Span,
    /// The source text of the sub-expression with normalised spacing (`X * Y`, `A.t()`), quoted
    /// in error messages.
    pub text: String,
}

impl Expr {
    /// An error covering the whole sub-expression (first to last token, also on stable Rust,
    /// where spans cannot be joined).
    pub fn error(&self, message: impl Display) -> syn::Error {
        let mut first = Punct::new('*', Spacing::Alone);
        first.set_span(self.span);
        let mut last = Punct::new('*', Spacing::Alone);
        last.set_span(self.span_end);
        let tokens: TokenStream = [TokenTree::Punct(first), TokenTree::Punct(last)]
            .into_iter()
            .collect();
        syn::Error::new_spanned(tokens, message)
    }
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
    /// A named float constant by its Rust path as written, with its value where it is the
    /// standard library's (`PI`, `f64::consts::E`); the user's (`SIGMA`, `crate::SCALE`) have
    /// none (see `parse::constants`).
    NamedConst(String, Option<f64>),
    /// A part of a matrix at literal offsets: `x[i]`, `A[(i, j)]`, `A.row(i)`, `A.fixed_view::<R,
    /// C>(i, j)`, ...
    Part(Box<Expr>, Part),
    /// `vstack(A, B, ..)` (one column of blocks), `hstack(A, B, ..)` (one row) and
    /// `matrix![a, b; c, d]` (rows of scalars): the blocks, row by row.
    Assemble(Assembly, Vec<Vec<Expr>>),
    /// Outside data: the value of `let NAME: TYPE = EXPR;` where EXPR is any Rust expression
    /// (`self.X`, a call). Index into `Function::outside`; a constant input, never
    /// differentiated.
    Outside(usize),
    /// A call of another matcalc function: index into `Function::callees`, and the arguments.
    Invoke(usize, Vec<Expr>),
}

/// A row or column offset as written: an integer expression of literals (`2`, `1 + 2`) folded
/// to its value, with its span for errors.
#[derive(Clone, Debug)]
pub struct Index {
    pub value: usize,
    pub span: Span,
}

/// Which part of a matrix an `ExprKind::Part` reads.
#[derive(Clone, Debug)]
pub enum Part {
    /// `x[i]`: entry i of a vector (a column or a row).
    Entry(Index),
    /// `A[(i, j)]`.
    EntryAt(Index, Index),
    /// The rows×cols block at (row, col); a size of `None` means all rows (columns) of the
    /// operand, whose offset is then 0. `name` is the method, for messages.
    Block {
        name: &'static str,
        row: Index,
        col: Index,
        rows: Option<Dim>,
        cols: Option<Dim>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assembly {
    VStack,
    HStack,
    /// `matrix![..]` of scalar expressions.
    Grid,
}

/// A constant input from the rest of the program: `let NAME: TYPE = EXPR;` with an EXPR outside
/// the DSL. Generated code evaluates `tokens` once, as written, into a binding of `ty`.
#[derive(Clone, Debug)]
pub struct Outside {
    pub name: String,
    pub span: Span,
    pub shape: Shape,
    /// The type as written.
    pub ty: TokenStream,
    /// The expression as written.
    pub tokens: TokenStream,
    /// The parameters the expression names, where it names them.
    pub params: Vec<(usize, Span)>,
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
    /// `atan2(y, x)`, elementwise.
    Atan2,
    /// `mean(A)`: sum(A) over the number of entries.
    Mean,
    SoftmaxCols,
    SoftmaxRows,
    LogsumexpCols,
    LogsumexpRows,
    /// `solve(A, B)` = A⁻¹B.
    Solve,
    Cholesky,
}
