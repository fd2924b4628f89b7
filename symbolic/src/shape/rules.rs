//! The shape rule of every operation, in one place. `shape::lower` uses it to check what the user
//! wrote (turning a `Mismatch` into an error in words at the sub-expression's span); the
//! `simplify` constructors use it for every derivative node they create; the command line's
//! inference of undeclared shapes (`request::infer`) runs the same rules over dimensions that may
//! still be unknown. The rules compare dimensions through `Dims`: checking asks whether two are
//! equal, inference makes them equal where a fresh dimension allows it.

use std::fmt;

use crate::ast::Call;
use crate::ir::{Dim, Graph, NodeId, Op, Shape};

/// What the rules need to know about operands and dimensions.
pub trait Dims {
    /// The shape of operand `id`.
    fn shape(&self, id: NodeId) -> Shape;
    /// The shape of parameter `i`.
    fn param(&self, i: usize) -> Shape;
    /// Whether `a` and `b` are the same dimension (inference: after binding what it may).
    fn same(&mut self, a: &Dim, b: &Dim) -> bool;
    /// `d` with what is known about it substituted (the identity when checking).
    fn resolve(&self, d: &Dim) -> Dim;
    /// Whether `shape` is a scalar where an operation needs one. Checking wants `Shape::Scalar`
    /// (`shape::lower` inserts `Op::ToScalar` for a 1×1 matrix); inference, which sees the
    /// DSL before that conversion, accepts a matrix it can make 1×1.
    fn scalar(&mut self, shape: &Shape) -> bool;
}

/// Checking: the shapes of a graph's nodes, compared with `Dim::equiv`.
struct Check<'a>(&'a Graph);

impl Dims for Check<'_> {
    fn shape(&self, id: NodeId) -> Shape {
        self.0.shape(id).clone()
    }
    fn param(&self, i: usize) -> Shape {
        self.0.params[i].shape.clone()
    }
    fn same(&mut self, a: &Dim, b: &Dim) -> bool {
        a.equiv(b)
    }
    fn resolve(&self, d: &Dim) -> Dim {
        d.clone()
    }
    fn scalar(&mut self, shape: &Shape) -> bool {
        shape.is_scalar()
    }
}

/// Why an operation's operands do not fit. `Display` gives the explanation in words, e.g.
/// "left is 3×3, right is 2×3; inner dimensions 3 and 2 differ".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// Matrix product with inner dimensions that differ.
    Inner { left: Shape, right: Shape },
    /// An elementwise binary operation (`+`, `-`, `hadamard`, `elem_div`, `dot`) on different shapes.
    Elementwise { left: Shape, right: Shape },
    /// An operation that needs a square matrix.
    NotSquare { shape: Shape },
    /// An operation that needs a scalar (or 1×1) operand.
    NotScalar { shape: Shape },
    /// An operation that needs a matrix operand (not a scalar).
    NotMatrix { shape: Shape },
    /// An operation that needs a column vector.
    NotVector { shape: Shape },
    /// `softmax` of a matrix that is not a vector (which normalisation was meant is ambiguous).
    NotSoftmaxVector { shape: Shape },
    /// `solve(A, B)` with B's row count different from A's size.
    SolveRows { left: Shape, right: Shape },
    /// `unvec` to a shape whose size differs from the vector's length.
    Reshape { from: Shape, rows: Dim, cols: Dim },
    /// An entry, view or assembled block that does not lie inside its matrix: the rows×cols
    /// block at (row, col) of `shape`.
    OutOfBounds {
        shape: Shape,
        row: usize,
        col: usize,
        rows: Dim,
        cols: Dim,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Inner { left, right } => write!(
                f,
                "left is {left}, right is {right}; inner dimensions {} and {} differ",
                left.cols(),
                right.rows()
            ),
            Mismatch::Elementwise { left, right } => {
                write!(
                    f,
                    "left is {left}, right is {right}; the shapes must be equal"
                )
            }
            Mismatch::NotSquare { shape } => {
                write!(f, "the operand is {shape}, but a square matrix is needed")
            }
            Mismatch::NotScalar { shape } => {
                write!(f, "the operand is {shape}, but a scalar is needed")
            }
            Mismatch::NotMatrix { shape } => {
                write!(f, "the operand is a {shape}, but a matrix is needed")
            }
            Mismatch::NotVector { shape } => {
                write!(
                    f,
                    "the operand is {shape}, but a column vector (n×1) is needed"
                )
            }
            Mismatch::NotSoftmaxVector { shape } => write!(
                f,
                "`softmax` takes a vector, but the operand is {shape}; for a batch use \
                 `softmax_cols` (each column) or `softmax_rows` (each row)"
            ),
            Mismatch::SolveRows { left, right } => write!(
                f,
                "A is {left}, B is {right}; B needs as many rows as A ({} and {} differ)",
                left.rows(),
                right.rows()
            ),
            Mismatch::Reshape { from, rows, cols } => write!(
                f,
                "a vector of shape {from} cannot be reshaped to {rows}×{cols}"
            ),
            Mismatch::OutOfBounds {
                shape,
                row,
                col,
                rows,
                cols,
            } => write!(
                f,
                "the {rows}×{cols} block at ({row}, {col}) does not fit in a {shape} matrix"
            ),
        }
    }
}

/// The shape of `op`'s result given its operands' shapes in `graph`.
pub fn infer(graph: &Graph, op: &Op) -> Result<Shape, Mismatch> {
    rule(op, &mut Check(graph))
}

/// The DSL operation a call lowers to, over its operands: what states its shape. `mean(A)`
/// lowers to sum(A) / count, so its shape is `sum`'s. `None` for a wrong number of operands.
pub fn call_op(call: Call, args: &[NodeId]) -> Option<Op> {
    Some(match (call, args) {
        (Call::Transpose, &[x]) => Op::Transpose(x),
        (Call::Trace, &[x]) => Op::Trace(x),
        (Call::Sum | Call::Mean, &[x]) => Op::Sum(x),
        (Call::Det, &[x]) => Op::Det(x),
        (Call::Logdet, &[x]) => Op::Logdet(x),
        (Call::Inv, &[x]) => Op::Inv(x),
        (Call::Norm, &[x]) => Op::Norm(x),
        (Call::NormSq, &[x]) => Op::NormSq(x),
        (Call::Vec, &[x]) => Op::Vec(x),
        (Call::Diag, &[x]) => Op::Diag(x),
        (Call::Diagonal, &[x]) => Op::Diagonal(x),
        (Call::Map(func), &[x]) => Op::Map(func, x),
        (Call::MatPow(k), &[x]) => Op::MatPow(x, k),
        (Call::Softmax, &[x]) => Op::Softmax(x),
        (Call::Logsumexp, &[x]) => Op::Logsumexp(x),
        (Call::SoftmaxCols, &[x]) => Op::SoftmaxCols(x),
        (Call::SoftmaxRows, &[x]) => Op::SoftmaxRows(x),
        (Call::LogsumexpCols, &[x]) => Op::LogsumexpCols(x),
        (Call::LogsumexpRows, &[x]) => Op::LogsumexpRows(x),
        (Call::Cholesky, &[x]) => Op::Cholesky(x),
        (Call::Dot, &[a, b]) => Op::Dot(a, b),
        (Call::Hadamard, &[a, b]) => Op::Hadamard(a, b),
        (Call::ElemDiv, &[a, b]) => Op::ElemDiv(a, b),
        (Call::Atan2, &[y, x]) => Op::Atan2(y, x),
        (Call::Kron, &[a, b]) => Op::Kron(a, b),
        (Call::Powf, &[a, p]) => Op::Powf(a, p),
        (Call::Solve, &[a, b]) => Op::Solve(a, b),
        _ => return None,
    })
}

/// The shape of `op`'s result, with operand shapes and dimension comparison from `d`.
pub fn rule(op: &Op, d: &mut impl Dims) -> Result<Shape, Mismatch> {
    match op {
        Op::Param(i) => Ok(d.param(*i)),
        Op::Literal(_) | Op::Const(..) => Ok(Shape::Scalar),
        Op::Zeros(r, c) | Op::Ones(r, c) => Ok(Shape::matrix(r.clone(), c.clone())),
        Op::Identity(n) => Ok(Shape::matrix(n.clone(), n.clone())),
        Op::Commutation(m, n) => {
            let len = Dim::product(m, n);
            Ok(Shape::matrix(len.clone(), len))
        }
        Op::Add(a, b)
        | Op::Sub(a, b)
        | Op::Hadamard(a, b)
        | Op::ElemDiv(a, b)
        | Op::Atan2(a, b) => same_shape(d, d.shape(*a), d.shape(*b)),
        Op::Dot(a, b) => same_shape(d, d.shape(*a), d.shape(*b)).map(|_| Shape::Scalar),
        Op::Neg(a) | Op::Map(_, a) => Ok(d.shape(*a)),
        Op::Mul(a, b) => {
            scalar(d, d.shape(*a))?;
            scalar(d, d.shape(*b))?;
            Ok(Shape::Scalar)
        }
        Op::Scale(k, a) => {
            scalar(d, d.shape(*k))?;
            Ok(d.shape(*a))
        }
        Op::Div(a, k) | Op::Powf(a, k) => {
            scalar(d, d.shape(*k))?;
            Ok(d.shape(*a))
        }
        Op::MatMul(a, b) => {
            let (left, right) = (matrix(d.shape(*a))?, matrix(d.shape(*b))?);
            if !d.same(&left.cols(), &right.rows()) {
                return Err(Mismatch::Inner { left, right });
            }
            Ok(Shape::matrix(left.rows(), right.cols()))
        }
        Op::Transpose(a) => {
            let (r, c) = matrix(d.shape(*a))?.dims();
            Ok(Shape::matrix(c, r))
        }
        Op::Trace(a) | Op::Det(a) | Op::Logdet(a) => {
            square(d, d.shape(*a))?;
            Ok(Shape::Scalar)
        }
        Op::Inv(a) | Op::MatPow(a, _) => square(d, d.shape(*a)),
        Op::Sum(a) | Op::Norm(a) | Op::NormSq(a) | Op::Logsumexp(a) => Ok({
            let _ = d.shape(*a);
            Shape::Scalar
        }),
        Op::Softmax(a) | Op::SoftmaxCols(a) | Op::SoftmaxRows(a) => matrix(d.shape(*a)),
        Op::LogsumexpCols(a) => Ok(Shape::matrix(Dim::Known(1), matrix(d.shape(*a))?.cols())),
        Op::LogsumexpRows(a) => Ok(Shape::matrix(matrix(d.shape(*a))?.rows(), Dim::Known(1))),
        Op::Cholesky(a) | Op::Tril(a) | Op::Phi(a) => square(d, d.shape(*a)),
        Op::Solve(a, b) => {
            let (left, right) = (square(d, d.shape(*a))?, matrix(d.shape(*b))?);
            if !d.same(&left.rows(), &right.rows()) {
                return Err(Mismatch::SolveRows { left, right });
            }
            Ok(right)
        }
        Op::Kron(a, b) => {
            let (ar, ac) = matrix(d.shape(*a))?.dims();
            let (br, bc) = matrix(d.shape(*b))?.dims();
            Ok(Shape::matrix(
                Dim::product(&d.resolve(&ar), &d.resolve(&br)),
                Dim::product(&d.resolve(&ac), &d.resolve(&bc)),
            ))
        }
        Op::Vec(a) => {
            let (r, c) = matrix(d.shape(*a))?.dims();
            Ok(Shape::matrix(
                Dim::product(&d.resolve(&r), &d.resolve(&c)),
                Dim::Known(1),
            ))
        }
        Op::Unvec(a, rows, cols) => {
            let from = vector(d, d.shape(*a))?;
            if !d.same(&from.rows(), &Dim::product(rows, cols)) {
                return Err(Mismatch::Reshape {
                    from,
                    rows: rows.clone(),
                    cols: cols.clone(),
                });
            }
            Ok(Shape::matrix(rows.clone(), cols.clone()))
        }
        Op::Diag(a) => {
            let n = vector(d, d.shape(*a))?.rows();
            Ok(Shape::matrix(n.clone(), n))
        }
        Op::Diagonal(a) => Ok(Shape::matrix(square(d, d.shape(*a))?.rows(), Dim::Known(1))),
        Op::ToScalar(a) => {
            let shape = d.shape(*a);
            if shape.is_scalar() || (shape.rows().is_one() && shape.cols().is_one()) {
                Ok(Shape::Scalar)
            } else {
                Err(Mismatch::NotScalar { shape })
            }
        }
        Op::FromScalar(a) => {
            scalar(d, d.shape(*a))?;
            Ok(Shape::matrix(Dim::Known(1), Dim::Known(1)))
        }
        Op::OnesMul(rows, b) => Ok(Shape::matrix(rows.clone(), matrix(d.shape(*b))?.cols())),
        Op::MulOnes(b, cols) => Ok(Shape::matrix(matrix(d.shape(*b))?.rows(), cols.clone())),
        Op::KronAdjointLeft(g, b) => {
            let (gr, gc) = matrix(d.shape(*g))?.dims();
            let (br, bc) = matrix(d.shape(*b))?.dims();
            Ok(Shape::matrix(quotient(&gr, &br)?, quotient(&gc, &bc)?))
        }
        Op::KronAdjointRight(g, a) => {
            let (gr, gc) = matrix(d.shape(*g))?.dims();
            let (ar, ac) = matrix(d.shape(*a))?.dims();
            Ok(Shape::matrix(quotient(&gr, &ar)?, quotient(&gc, &ac)?))
        }
        Op::KronPerm(m, n, p, q) => {
            let len = Dim::product(&Dim::product(m, n), &Dim::product(p, q));
            Ok(Shape::matrix(len.clone(), len))
        }
        Op::KronRearrange(g, m, n) => {
            let (gr, gc) = matrix(d.shape(*g))?.dims();
            let (p, q) = (quotient(&gr, m)?, quotient(&gc, n)?);
            Ok(Shape::matrix(Dim::product(m, n), Dim::product(&p, &q)))
        }
        Op::Symmetrize(h) => square(d, d.shape(*h)),
        Op::Entry(a, i, j) => {
            let shape = matrix(d.shape(*a))?;
            fits(&shape, *i, *j, &Dim::Known(1), &Dim::Known(1))?;
            Ok(Shape::Scalar)
        }
        Op::View(a, i, j, rows, cols) => {
            let shape = matrix(d.shape(*a))?;
            fits(&shape, *i, *j, rows, cols)?;
            Ok(Shape::matrix(rows.clone(), cols.clone()))
        }
        Op::Blocks(rows, cols, blocks) => {
            let shape = Shape::matrix(rows.clone(), cols.clone());
            for &(i, j, b) in blocks {
                let (r, c) = d.shape(b).dims();
                fits(&shape, i, j, &r, &c)?;
            }
            Ok(shape)
        }
    }
}

/// Whether the rows×cols block at (row, col) lies inside `outer`, for every binding of the
/// generic dimensions where the answer depends on them only through a generic extent (a view
/// of a generic matrix is checked at run time by core, which panics naming the sizes).
pub fn fits(outer: &Shape, row: usize, col: usize, rows: &Dim, cols: &Dim) -> Result<(), Mismatch> {
    let (r, c) = outer.dims();
    let axis = |offset: usize, size: &Dim, extent: &Dim| match (size.known(), extent.known()) {
        (Some(size), Some(extent)) => offset.checked_add(size).is_some_and(|end| end <= extent),
        _ if size.equiv(extent) => offset == 0,
        (_, None) => true,
        (None, Some(_)) => false,
    };
    if axis(row, rows, &r) && axis(col, cols, &c) {
        Ok(())
    } else {
        Err(Mismatch::OutOfBounds {
            shape: outer.clone(),
            row,
            col,
            rows: rows.clone(),
            cols: cols.clone(),
        })
    }
}

/// The DSL's `softmax(v)`: v is a vector, a column (n×1) or a row (1×n). `Op::Softmax` itself
/// normalises over all entries (the gradient of `logsumexp` uses it on any matrix), so this rule
/// is the DSL's, checked by `shape::lower` and followed by the command line's inference.
/// Inference makes a matrix not yet known to be a row a column.
pub fn softmax_operand(shape: &Shape, d: &mut impl Dims) -> Result<(), Mismatch> {
    match shape {
        Shape::Matrix(r, c) if !d.resolve(r).is_one() && !d.same(c, &Dim::Known(1)) => {
            Err(Mismatch::NotSoftmaxVector {
                shape: shape.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// `softmax_operand` for a node of `graph`.
pub fn check_softmax_operand(graph: &Graph, shape: &Shape) -> Result<(), Mismatch> {
    softmax_operand(shape, &mut Check(graph))
}

fn same_shape(d: &mut impl Dims, left: Shape, right: Shape) -> Result<Shape, Mismatch> {
    let same = match (&left, &right) {
        (Shape::Scalar, Shape::Scalar) => true,
        (Shape::Matrix(r1, c1), Shape::Matrix(r2, c2)) => d.same(r1, r2) & d.same(c1, c2),
        _ => false,
    };
    if same {
        Ok(left)
    } else {
        Err(Mismatch::Elementwise { left, right })
    }
}

fn scalar(d: &mut impl Dims, shape: Shape) -> Result<(), Mismatch> {
    if d.scalar(&shape) {
        Ok(())
    } else {
        Err(Mismatch::NotScalar { shape })
    }
}

fn matrix(shape: Shape) -> Result<Shape, Mismatch> {
    match shape {
        Shape::Scalar => Err(Mismatch::NotMatrix { shape }),
        m => Ok(m),
    }
}

fn square(d: &mut impl Dims, shape: Shape) -> Result<Shape, Mismatch> {
    let shape = matrix(shape)?;
    let (r, c) = shape.dims();
    if d.same(&r, &c) {
        Ok(shape)
    } else {
        Err(Mismatch::NotSquare { shape })
    }
}

fn vector(d: &mut impl Dims, shape: Shape) -> Result<Shape, Mismatch> {
    let shape = matrix(shape)?;
    if d.same(&shape.cols(), &Dim::Known(1)) {
        Ok(shape)
    } else {
        Err(Mismatch::NotVector { shape })
    }
}

/// `whole / part` for the dimensions of a Kronecker adjoint: exact for numbers, structural for
/// products built by `Dim::product`.
fn quotient(whole: &Dim, part: &Dim) -> Result<Dim, Mismatch> {
    let fail = || Mismatch::Reshape {
        from: Shape::matrix(whole.clone(), Dim::Known(1)),
        rows: part.clone(),
        cols: Dim::Known(1),
    };
    match (whole, part) {
        (w, p) if w.equiv(p) => Ok(Dim::Known(1)),
        (_, Dim::Known(1)) => Ok(whole.clone()),
        (Dim::Known(w), Dim::Known(p)) if *p != 0 && w % p == 0 => Ok(Dim::Known(w / p)),
        (Dim::Prod(a, b), p) if **b == *p => Ok((**a).clone()),
        (Dim::Prod(a, b), p) if **a == *p => Ok((**b).clone()),
        _ => Err(fail()),
    }
}
