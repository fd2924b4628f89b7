//! The intermediate representation every stage after parsing shares: a hash-consed DAG of
//! shaped matrix operations. `shape` builds it from the parsed `ast`, `diff` adds derivative
//! nodes to it, `simplify` supplies the rewriting constructors, `emit` and `print` read it.
//!
//! Nodes are interned: asking for the same operation on the same operands twice returns the same
//! `NodeId`, which is what makes common-subexpression elimination across a value and its
//! derivatives automatic.

use std::collections::HashMap;
use std::fmt;

use proc_macro2::Span;

pub use crate::table::Func;

/// One dimension of a shape: a number, a generic parameter of the user's function, or a
/// product of two dimensions (the rows of `kron(A, B)`, the length of `vec(A)`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Known(usize),
    Named(String),
    Prod(Box<Dim>, Box<Dim>),
}

impl Dim {
    /// The product `a·b`, folded where both are numbers or one is 1.
    pub fn product(a: &Dim, b: &Dim) -> Dim {
        match (a, b) {
            (Dim::Known(x), Dim::Known(y)) if x.checked_mul(*y).is_some() => Dim::Known(x * y),
            (Dim::Known(1), other) | (other, Dim::Known(1)) => other.clone(),
            _ => Dim::Prod(Box::new(a.clone()), Box::new(b.clone())),
        }
    }

    pub fn known(&self) -> Option<usize> {
        match self {
            Dim::Known(n) => Some(*n),
            _ => None,
        }
    }

    pub fn is_one(&self) -> bool {
        *self == Dim::Known(1)
    }

    /// The dimension as (product of its numbers, its generic names sorted): two dimensions
    /// are equal as numbers for every binding exactly when these agree.
    fn normal_form(&self) -> (usize, Vec<String>) {
        match self {
            Dim::Known(n) => (*n, Vec::new()),
            Dim::Named(s) => (1, vec![s.clone()]),
            Dim::Prod(a, b) => {
                let (x, mut xs) = a.normal_form();
                let (y, ys) = b.normal_form();
                xs.extend(ys);
                xs.sort();
                (x.saturating_mul(y), xs)
            }
        }
    }

    /// Equal for every binding of the generic names: `M·N` and `N·M`, `(2·M)·3` and `6·M`.
    /// Jacobians need this: ∂vec(A B)/∂(vec A)ᵀ = (Bᵀ ⊗ I) has c·r rows where vec(A B) has r·c.
    pub fn equiv(&self, other: &Dim) -> bool {
        self == other || self.normal_form() == other.normal_form()
    }
}

impl Shape {
    /// Equal up to `Dim::equiv` in each dimension.
    pub fn equiv(&self, other: &Shape) -> bool {
        match (self, other) {
            (Shape::Scalar, Shape::Scalar) => true,
            (Shape::Matrix(a, b), Shape::Matrix(c, d)) => a.equiv(c) && b.equiv(d),
            _ => false,
        }
    }
}

impl fmt::Display for Dim {
    /// `3`, `M`, `M·N`: the form used in error messages and printed formulas.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dim::Known(n) => write!(f, "{n}"),
            Dim::Named(s) => write!(f, "{s}"),
            Dim::Prod(a, b) => write!(f, "{a}·{b}"),
        }
    }
}

/// The shape of a value: a scalar, or a rows×cols matrix (vectors are n×1). A 1×1 matrix is a
/// matrix; `shape` inserts `Op::ToScalar` where the DSL lets it stand for a scalar.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    Scalar,
    Matrix(Dim, Dim),
}

impl Shape {
    pub fn matrix(rows: Dim, cols: Dim) -> Shape {
        Shape::Matrix(rows, cols)
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self, Shape::Scalar)
    }

    /// Rows and columns; a scalar counts as 1×1.
    pub fn dims(&self) -> (Dim, Dim) {
        match self {
            Shape::Scalar => (Dim::Known(1), Dim::Known(1)),
            Shape::Matrix(r, c) => (r.clone(), c.clone()),
        }
    }

    pub fn rows(&self) -> Dim {
        self.dims().0
    }

    pub fn cols(&self) -> Dim {
        self.dims().1
    }

    pub fn is_square(&self) -> bool {
        match self {
            Shape::Scalar => true,
            Shape::Matrix(r, c) => r == c,
        }
    }

    /// Number of entries (rows·cols).
    pub fn len(&self) -> Dim {
        let (r, c) = self.dims();
        Dim::product(&r, &c)
    }
}

impl fmt::Display for Shape {
    /// `scalar`, `3×3`, `M×K`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Scalar => write!(f, "scalar"),
            Shape::Matrix(r, c) => write!(f, "{r}×{c}"),
        }
    }
}

/// The float type a function computes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ScalarType {
    F32,
    #[default]
    F64,
}

/// Index of a node in its `Graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One operation. Operands are `NodeId`s of the same graph. Where the result's shape cannot be
/// read off the operands (constants, reshapes), the op carries it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// The function's parameter number `i` (matrix or scalar).
    Param(usize),
    /// A scalar constant, stored as bits so ops can be hashed.
    Literal(u64),
    Zeros(Dim, Dim),
    Ones(Dim, Dim),
    /// The n×n identity.
    Identity(Dim),
    /// The mn×mn commutation matrix K with K·vec(A) = vec(Aᵀ) for A m×n.
    Commutation(Dim, Dim),

    Add(NodeId, NodeId),
    Sub(NodeId, NodeId),
    Neg(NodeId),
    /// Scalar × scalar.
    Mul(NodeId, NodeId),
    /// Scalar × matrix (the scalar first).
    Scale(NodeId, NodeId),
    /// Matrix product.
    MatMul(NodeId, NodeId),
    /// A scalar or matrix divided by a scalar.
    Div(NodeId, NodeId),
    Transpose(NodeId),

    Trace(NodeId),
    Sum(NodeId),
    Det(NodeId),
    Logdet(NodeId),
    Inv(NodeId),
    /// Frobenius inner product A:B.
    Dot(NodeId, NodeId),
    Norm(NodeId),
    NormSq(NodeId),
    Hadamard(NodeId, NodeId),
    ElemDiv(NodeId, NodeId),
    Kron(NodeId, NodeId),
    Vec(NodeId),
    /// Inverse of vec: a vector of length r·c read column-major into r×c.
    Unvec(NodeId, Dim, Dim),
    /// Vector → diagonal matrix.
    Diag(NodeId),
    /// Square matrix → vector of its diagonal.
    Diagonal(NodeId),
    /// Elementwise function, on a scalar or a matrix.
    Map(Func, NodeId),
    /// Elementwise real power A^p, p a scalar node.
    Powf(NodeId, NodeId),
    /// Elementwise atan2(Y, X): the angle of (x, y), on equal shapes.
    Atan2(NodeId, NodeId),
    MatPow(NodeId, i32),
    /// Softmax over all entries.
    Softmax(NodeId),
    /// ln Σ exp over all entries.
    Logsumexp(NodeId),
    /// Softmax of each column (each column sums to 1).
    SoftmaxCols(NodeId),
    /// Softmax of each row.
    SoftmaxRows(NodeId),
    /// ln Σ exp of each column: 1×C.
    LogsumexpCols(NodeId),
    /// ln Σ exp of each row: R×1.
    LogsumexpRows(NodeId),
    /// A⁻¹B for a square A, through one factorization (A⁻¹ is never formed). `lower` picks the
    /// kernel: triangular substitution when A is a Cholesky factor or its transpose, else LU.
    Solve(NodeId, NodeId),
    /// The lower-triangular L with A = L Lᵀ (A symmetric positive definite).
    Cholesky(NodeId),
    /// The lower triangle of a square matrix, diagonal included (the rest zero).
    Tril(NodeId),
    /// Φ(A): the lower triangle with half the diagonal (Murray 2016), for Cholesky derivatives.
    Phi(NodeId),
    /// A named float constant, by its Rust path as written: a scalar leaf, emitted as that
    /// path converted to the function's float type. The standard library's (`PI`,
    /// `f64::consts::E`) carry their value (as bits); the user's `const` items do not.
    Const(String, Option<u64>),
    /// Entry (i, j) of a matrix, a scalar: `x[i]`, `A[(i, j)]`.
    Entry(NodeId, usize, usize),
    /// The rows×cols block of a matrix whose top-left entry is (row, col): `A.row(i)`,
    /// `A.column(j)`, `A.fixed_view::<R, C>(i, j)`. Fields: operand, row, col, rows, cols.
    View(NodeId, usize, usize, Dim, Dim),
    /// A rows×cols matrix that is zero except for the listed blocks, each added at its
    /// (row, col) offset; a scalar block is one entry. The assembly of `vstack`, `hstack` and
    /// `matrix![..]`, and the adjoint of entries and views (a scatter into a structured zero):
    /// `simplify` merges sums of these into one node, so twenty entries read from one vector
    /// give one matrix of adjoints.
    Blocks(Dim, Dim, Vec<(usize, usize, NodeId)>),
    /// A 1×1 matrix read as a scalar.
    ToScalar(NodeId),
    /// A scalar as a 1×1 matrix.
    FromScalar(NodeId),
    /// 𝟙·B with 𝟙 an r×k matrix of ones: every row is B's column sums. Never formed as a product.
    OnesMul(Dim, NodeId),
    /// B·𝟙 with 𝟙 a k×c matrix of ones: every column is B's row sums.
    MulOnes(NodeId, Dim),
    /// Adjoint of `kron(A, B)` with respect to A, given the adjoint G and B:
    /// Ā[i, j] = Σ_{k,l} G[i·p + k, j·q + l] B[k, l] (B is p×q).
    KronAdjointLeft(NodeId, NodeId),
    /// Adjoint of `kron(A, B)` with respect to B, given G and A:
    /// B̄[k, l] = Σ_{i,j} G[i·p + k, j·q + l] A[i, j].
    KronAdjointRight(NodeId, NodeId),

    // ---- structure of Jacobians and Hessians (built by `diff::jacobian`, never by the DSL) ----
    /// The (m·n·p·q)-square permutation `P = I_n ⊗ K(q,m) ⊗ I_p` with
    /// `P (vec A ⊗ vec B) = vec(A ⊗ B)` for A m×n, B p×q (Magnus–Neudecker 3.10). Fields: m, n,
    /// p, q.
    KronPerm(Dim, Dim, Dim, Dim),
    /// The Van Loan–Pitsianis rearrangement of G ((m·p)×(n·q)) into an (m·n)×(p·q) matrix
    /// with `R[i + m·j, k + p·l] = G[i·p + k, j·q + l]`, so that `R vec(B) = vec(Ā)` for the
    /// Kronecker adjoint `Ā = kron_adj_left(G, B)`. Fields: G, m, n.
    KronRearrange(NodeId, Dim, Dim),
    /// ½(H + Hᵀ) for a square H that is symmetric in exact arithmetic: makes a Hessian exactly
    /// symmetric in floating point. Printed as H itself.
    Symmetrize(NodeId),
}

/// Each op's operands, listed once for `Op::args` (through `&Op`) and `Op::map_args` (through
/// `&mut Op`): `$visit` runs with `$x` bound to each operand in order, `$visit_blocks` with
/// `$blocks` bound to the block list of an assembly.
macro_rules! for_each_operand {
    ($op:expr, |$x:ident| $visit:expr, |$blocks:ident| $visit_blocks:expr) => {{
        use Op::*;
        match $op {
            Param(_) | Literal(_) | Zeros(..) | Ones(..) | Identity(_) | Commutation(..)
            | KronPerm(..) | Const(..) => {}
            Blocks(_, _, $blocks) => $visit_blocks,
            Neg(a)
            | Transpose(a)
            | Trace(a)
            | Sum(a)
            | Det(a)
            | Logdet(a)
            | Inv(a)
            | Norm(a)
            | NormSq(a)
            | Vec(a)
            | Unvec(a, ..)
            | Diag(a)
            | Diagonal(a)
            | Map(_, a)
            | MatPow(a, _)
            | Softmax(a)
            | Logsumexp(a)
            | SoftmaxCols(a)
            | SoftmaxRows(a)
            | LogsumexpCols(a)
            | LogsumexpRows(a)
            | Cholesky(a)
            | Tril(a)
            | Phi(a)
            | ToScalar(a)
            | FromScalar(a)
            | Entry(a, ..)
            | View(a, ..)
            | OnesMul(_, a)
            | MulOnes(a, _)
            | KronRearrange(a, ..)
            | Symmetrize(a) => {
                let $x = a;
                $visit
            }
            Add(a, b)
            | Sub(a, b)
            | Mul(a, b)
            | Scale(a, b)
            | MatMul(a, b)
            | Div(a, b)
            | Dot(a, b)
            | Hadamard(a, b)
            | ElemDiv(a, b)
            | Kron(a, b)
            | Powf(a, b)
            | Atan2(a, b)
            | Solve(a, b)
            | KronAdjointLeft(a, b)
            | KronAdjointRight(a, b) => {
                {
                    let $x = a;
                    $visit
                }
                {
                    let $x = b;
                    $visit
                }
            }
        }
    }};
}

impl Op {
    /// The operands, in order.
    pub fn args(&self) -> Vec<NodeId> {
        let mut args = Vec::new();
        for_each_operand!(self, |a| args.push(*a), |blocks| args
            .extend(blocks.iter().map(|b| b.2)));
        args
    }

    /// The same op with every operand replaced by `f(operand)` (the other fields kept): how a
    /// pass copies a node into another graph.
    pub fn map_args(&self, mut f: impl FnMut(NodeId) -> NodeId) -> Op {
        let mut op = self.clone();
        for_each_operand!(&mut op, |a| *a = f(*a), |blocks| blocks
            .iter_mut()
            .for_each(|b| b.2 = f(b.2)));
        op
    }

    pub fn literal(value: f64) -> Op {
        Op::Literal(value.to_bits())
    }

    pub fn literal_value(&self) -> Option<f64> {
        match self {
            Op::Literal(bits) => Some(f64::from_bits(*bits)),
            _ => None,
        }
    }
}

/// A function parameter as the IR sees it.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub shape: Shape,
    pub span: Span,
}

/// One node: its operation, its shape and where in the source it came from (derivative nodes
/// carry the span of the expression they differentiate).
#[derive(Clone, Debug)]
pub struct Node {
    pub op: Op,
    pub shape: Shape,
    pub span: Span,
}

/// The DAG. Append-only: a node's operands always have smaller ids, so index order is a
/// topological order.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub params: Vec<Param>,
    pub scalar: ScalarType,
    nodes: Vec<Node>,
    interned: HashMap<(Op, Shape), NodeId>,
}

impl Graph {
    pub fn new(params: Vec<Param>, scalar: ScalarType) -> Graph {
        Graph {
            params,
            scalar,
            nodes: Vec::new(),
            interned: HashMap::new(),
        }
    }

    /// Adds `op` with an already-inferred `shape`, or returns the existing identical node.
    /// Callers are `shape` (which infers and reports) and the `simplify` constructors (which
    /// call `shape::infer` themselves); nothing else should invent shapes.
    pub fn intern(&mut self, op: Op, shape: Shape, span: Span) -> NodeId {
        let key = (op, shape);
        if let Some(&id) = self.interned.get(&key) {
            return id;
        }
        let id = NodeId(u32::try_from(self.nodes.len()).expect("graph has fewer than 2³² nodes"));
        self.nodes.push(Node {
            op: key.0.clone(),
            shape: key.1.clone(),
            span,
        });
        self.interned.insert(key, id);
        id
    }

    /// The node of `op` with `shape`, if the graph has it (nothing is added).
    pub fn find(&self, op: &Op, shape: &Shape) -> Option<NodeId> {
        self.interned.get(&(op.clone(), shape.clone())).copied()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn op(&self, id: NodeId) -> &Op {
        &self.nodes[id.index()].op
    }

    pub fn shape(&self, id: NodeId) -> &Shape {
        &self.nodes[id.index()].shape
    }

    pub fn span(&self, id: NodeId) -> Span {
        self.nodes[id.index()].span
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All nodes reachable from `roots`, in topological (id) order.
    pub fn reachable(&self, roots: &[NodeId]) -> Vec<NodeId> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<NodeId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.index()], true) {
                continue;
            }
            stack.extend(self.op(id).args());
        }
        (0..self.nodes.len())
            .filter(|&i| seen[i])
            .map(|i| NodeId(i as u32))
            .collect()
    }
}
