//! The shape rule of every operation, in one place. `shape::lower` uses it to check what the user
//! wrote (turning a `Mismatch` into an error in words at the sub-expression's span); the
//! `simplify` constructors use it for every derivative node they create.

use std::fmt;

use crate::ir::{Dim, Graph, Op, Shape};

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
    let s = |id| graph.shape(id).clone();
    match op {
        Op::Param(i) => Ok(graph.params[*i].shape.clone()),
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
        | Op::Atan2(a, b) => same_shape(s(*a), s(*b)),
        Op::Dot(a, b) => same_shape(s(*a), s(*b)).map(|_| Shape::Scalar),
        Op::Neg(a) | Op::Map(_, a) => Ok(s(*a)),
        Op::Mul(a, b) => {
            scalar(s(*a))?;
            scalar(s(*b))?;
            Ok(Shape::Scalar)
        }
        Op::Scale(k, a) => {
            scalar(s(*k))?;
            Ok(s(*a))
        }
        Op::Div(a, k) | Op::Powf(a, k) => {
            scalar(s(*k))?;
            Ok(s(*a))
        }
        Op::MatMul(a, b) => {
            let (left, right) = (matrix(s(*a))?, matrix(s(*b))?);
            if !left.cols().equiv(&right.rows()) {
                return Err(Mismatch::Inner { left, right });
            }
            Ok(Shape::matrix(left.rows(), right.cols()))
        }
        Op::Transpose(a) => {
            let (r, c) = matrix(s(*a))?.dims();
            Ok(Shape::matrix(c, r))
        }
        Op::Trace(a) | Op::Det(a) | Op::Logdet(a) => {
            square(s(*a))?;
            Ok(Shape::Scalar)
        }
        Op::Inv(a) | Op::MatPow(a, _) => square(s(*a)),
        Op::Sum(a) | Op::Norm(a) | Op::NormSq(a) | Op::Logsumexp(a) => Ok({
            let _ = s(*a);
            Shape::Scalar
        }),
        Op::Softmax(a) | Op::SoftmaxCols(a) | Op::SoftmaxRows(a) => matrix(s(*a)),
        Op::LogsumexpCols(a) => Ok(Shape::matrix(Dim::Known(1), matrix(s(*a))?.cols())),
        Op::LogsumexpRows(a) => Ok(Shape::matrix(matrix(s(*a))?.rows(), Dim::Known(1))),
        Op::Cholesky(a) | Op::Tril(a) | Op::Phi(a) => square(s(*a)),
        Op::Solve(a, b) => {
            let (left, right) = (square(s(*a))?, matrix(s(*b))?);
            if !left.rows().equiv(&right.rows()) {
                return Err(Mismatch::SolveRows { left, right });
            }
            Ok(right)
        }
        Op::Kron(a, b) => {
            let (ar, ac) = matrix(s(*a))?.dims();
            let (br, bc) = matrix(s(*b))?.dims();
            Ok(Shape::matrix(
                Dim::product(&ar, &br),
                Dim::product(&ac, &bc),
            ))
        }
        Op::Vec(a) => Ok(Shape::matrix(matrix(s(*a))?.len(), Dim::Known(1))),
        Op::Unvec(a, rows, cols) => {
            let from = vector(s(*a))?;
            if !from.rows().equiv(&Dim::product(rows, cols)) {
                return Err(Mismatch::Reshape {
                    from,
                    rows: rows.clone(),
                    cols: cols.clone(),
                });
            }
            Ok(Shape::matrix(rows.clone(), cols.clone()))
        }
        Op::Diag(a) => {
            let n = vector(s(*a))?.rows();
            Ok(Shape::matrix(n.clone(), n))
        }
        Op::Diagonal(a) => Ok(Shape::matrix(square(s(*a))?.rows(), Dim::Known(1))),
        Op::ToScalar(a) => {
            let shape = s(*a);
            if shape.is_scalar() || (shape.rows().is_one() && shape.cols().is_one()) {
                Ok(Shape::Scalar)
            } else {
                Err(Mismatch::NotScalar { shape })
            }
        }
        Op::FromScalar(a) => {
            scalar(s(*a))?;
            Ok(Shape::matrix(Dim::Known(1), Dim::Known(1)))
        }
        Op::OnesMul(rows, b) => Ok(Shape::matrix(rows.clone(), matrix(s(*b))?.cols())),
        Op::MulOnes(b, cols) => Ok(Shape::matrix(matrix(s(*b))?.rows(), cols.clone())),
        Op::KronAdjointLeft(g, b) => {
            let (gr, gc) = matrix(s(*g))?.dims();
            let (br, bc) = matrix(s(*b))?.dims();
            Ok(Shape::matrix(quotient(&gr, &br)?, quotient(&gc, &bc)?))
        }
        Op::KronAdjointRight(g, a) => {
            let (gr, gc) = matrix(s(*g))?.dims();
            let (ar, ac) = matrix(s(*a))?.dims();
            Ok(Shape::matrix(quotient(&gr, &ar)?, quotient(&gc, &ac)?))
        }
        Op::KronPerm(m, n, p, q) => {
            let len = Dim::product(&Dim::product(m, n), &Dim::product(p, q));
            Ok(Shape::matrix(len.clone(), len))
        }
        Op::KronRearrange(g, m, n) => {
            let (gr, gc) = matrix(s(*g))?.dims();
            let (p, q) = (quotient(&gr, m)?, quotient(&gc, n)?);
            Ok(Shape::matrix(Dim::product(m, n), Dim::product(&p, &q)))
        }
        Op::Symmetrize(h) => square(s(*h)),
        Op::Entry(a, i, j) => {
            let shape = matrix(s(*a))?;
            fits(&shape, *i, *j, &Dim::Known(1), &Dim::Known(1))?;
            Ok(Shape::Scalar)
        }
        Op::View(a, i, j, rows, cols) => {
            let shape = matrix(s(*a))?;
            fits(&shape, *i, *j, rows, cols)?;
            Ok(Shape::matrix(rows.clone(), cols.clone()))
        }
        Op::Blocks(rows, cols, blocks) => {
            let shape = Shape::matrix(rows.clone(), cols.clone());
            for &(i, j, b) in blocks {
                let (r, c) = s(b).dims();
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
pub fn softmax_operand(shape: &Shape) -> Result<(), Mismatch> {
    match shape {
        Shape::Matrix(r, c) if !r.is_one() && !c.is_one() => Err(Mismatch::NotSoftmaxVector {
            shape: shape.clone(),
        }),
        _ => Ok(()),
    }
}

fn same_shape(left: Shape, right: Shape) -> Result<Shape, Mismatch> {
    if left.equiv(&right) {
        Ok(left)
    } else {
        Err(Mismatch::Elementwise { left, right })
    }
}

fn scalar(shape: Shape) -> Result<(), Mismatch> {
    if shape.is_scalar() {
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

fn square(shape: Shape) -> Result<Shape, Mismatch> {
    let shape = matrix(shape)?;
    if shape.is_square() {
        Ok(shape)
    } else {
        Err(Mismatch::NotSquare { shape })
    }
}

fn vector(shape: Shape) -> Result<Shape, Mismatch> {
    let shape = matrix(shape)?;
    if shape.cols().is_one() {
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
