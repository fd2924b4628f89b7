//! A numeric interpreter of the IR: the independent reference that property tests and the
//! command-line tool's `--check` compare derived formulas against. Every `Op` is evaluated by
//! its textbook definition with naive loops (see `linalg`), sharing no code with `diff`,
//! `simplify` or `emit`, so a wrong derivative rule cannot hide behind a matching wrong
//! evaluation. Generic dimensions (`Dim::Named`) are given numbers through `Bindings`.

pub mod linalg;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use crate::ir::{Dim, Func, Graph, NodeId, Op, Shape};

/// A dense column-major matrix of `f64`. A scalar is a 1×1 value with `scalar` set, so code
/// that only cares about the numbers can treat both alike, while `evaluate` can still report
/// which one the graph meant.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Entry (i, j) is at `i + rows·j`.
    pub data: Vec<f64>,
    /// A scalar rather than a 1×1 matrix.
    pub scalar: bool,
}

impl Value {
    /// The scalar x.
    pub fn scalar(x: f64) -> Value {
        Value {
            rows: 1,
            cols: 1,
            data: vec![x],
            scalar: true,
        }
    }

    /// A rows×cols matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Value {
        Value::filled(rows, cols, 0.0)
    }

    /// A rows×cols matrix with every entry x.
    pub fn filled(rows: usize, cols: usize, x: f64) -> Value {
        Value {
            rows,
            cols,
            data: vec![x; rows * cols],
            scalar: false,
        }
    }

    /// The rows×cols matrix with entry (i, j) = f(i, j).
    pub fn from_fn(rows: usize, cols: usize, mut f: impl FnMut(usize, usize) -> f64) -> Value {
        let mut data = Vec::with_capacity(rows * cols);
        for j in 0..cols {
            for i in 0..rows {
                data.push(f(i, j));
            }
        }
        Value {
            rows,
            cols,
            data,
            scalar: false,
        }
    }

    /// Entries listed row by row, as a matrix is written on paper. Panics on a wrong length
    /// (a test-writing mistake, not a runtime condition).
    pub fn from_rows(rows: usize, cols: usize, entries: &[f64]) -> Value {
        assert_eq!(
            entries.len(),
            rows * cols,
            "from_rows: wrong number of entries"
        );
        Value::from_fn(rows, cols, |i, j| entries[i * cols + j])
    }

    /// Entries listed column by column (the storage order). Panics on a wrong length.
    pub fn from_columns(rows: usize, cols: usize, entries: &[f64]) -> Value {
        assert_eq!(
            entries.len(),
            rows * cols,
            "from_columns: wrong number of entries"
        );
        Value {
            rows,
            cols,
            data: entries.to_vec(),
            scalar: false,
        }
    }

    /// Entry (i, j).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i + self.rows * j]
    }

    /// Sets entry (i, j) to x.
    pub fn set(&mut self, i: usize, j: usize, x: f64) {
        self.data[i + self.rows * j] = x;
    }

    /// The first entry: the value of a scalar or a 1×1 matrix.
    pub fn as_scalar(&self) -> f64 {
        self.data[0]
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Whether every entry is finite.
    pub fn is_finite(&self) -> bool {
        self.data.iter().all(|x| x.is_finite())
    }

    /// The largest |entry| (0 for an empty value): a scale for tolerances.
    pub fn max_abs(&self) -> f64 {
        self.data.iter().fold(0.0, |m, x| m.max(x.abs()))
    }

    fn map(&self, f: impl Fn(f64) -> f64) -> Value {
        Value {
            data: self.data.iter().map(|&x| f(x)).collect(),
            ..self.clone()
        }
    }

    fn zip(&self, other: &Value, f: impl Fn(f64, f64) -> f64) -> Value {
        Value {
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(&x, &y)| f(x, y))
                .collect(),
            ..self.clone()
        }
    }

    fn reshaped(&self, rows: usize, cols: usize) -> Value {
        Value {
            rows,
            cols,
            data: self.data.clone(),
            scalar: false,
        }
    }
}

/// Numbers for the generic dimensions of a graph: `"M" → 4`.
pub type Bindings = HashMap<String, usize>;

/// Why a graph could not be evaluated. Shape errors inside a graph are impossible by
/// construction; what can go wrong is the caller's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// A `Dim::Named` with no number in the bindings.
    UnboundDim(String),
    /// Fewer parameter values than the graph's parameters.
    MissingParam {
        /// The first parameter without a value.
        index: usize,
        /// How many values were given.
        count: usize,
    },
    /// A parameter value whose shape differs from the parameter's (after binding dims).
    ParamShape {
        /// The parameter's index.
        index: usize,
        /// Its shape, as `r×c`.
        expected: String,
        /// The value's shape.
        got: String,
    },
    /// A root that is not a node of the graph.
    NoSuchNode(NodeId),
    /// An interpreter result whose size disagrees with its node's shape: a bug in `eval` or
    /// in a shape rule, reported rather than hidden.
    Inconsistent {
        /// The node evaluated.
        node: NodeId,
        /// Its shape in the graph.
        expected: String,
        /// The shape the interpreter produced.
        got: String,
    },
    /// A finite-difference helper was asked for the gradient of a non-scalar output.
    NotScalar(NodeId),
    /// A constant of the user's program, whose value only the compiler knows.
    UnknownConstant(String),
    /// An entry, view or block outside its matrix (possible only with generic dimensions,
    /// which the shape check cannot bound).
    OutOfBounds(NodeId),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::UnboundDim(name) => write!(f, "dimension `{name}` has no value"),
            EvalError::MissingParam { index, count } => write!(
                f,
                "parameter {index} has no value ({count} values were given)"
            ),
            EvalError::ParamShape {
                index,
                expected,
                got,
            } => write!(
                f,
                "parameter {index} should be {expected}, the value is {got}"
            ),
            EvalError::NoSuchNode(id) => write!(f, "node {} is not in the graph", id.0),
            EvalError::Inconsistent {
                node,
                expected,
                got,
            } => write!(
                f,
                "node {} evaluated to {got} but its shape is {expected}",
                node.0
            ),
            EvalError::NotScalar(id) => write!(f, "node {} is not a scalar", id.0),
            EvalError::OutOfBounds(id) => {
                write!(f, "node {} reads or writes outside its matrix", id.0)
            }
            EvalError::UnknownConstant(path) => {
                write!(
                    f,
                    "the constant `{path}` has no value outside the compiled program"
                )
            }
        }
    }
}

impl std::error::Error for EvalError {}

/// The number a dimension stands for under `dims`.
pub fn resolve_dim(d: &Dim, dims: &Bindings) -> Result<usize, EvalError> {
    match d {
        Dim::Known(n) => Ok(*n),
        Dim::Named(name) => dims
            .get(name)
            .copied()
            .ok_or_else(|| EvalError::UnboundDim(name.clone())),
        Dim::Prod(a, b) => Ok(resolve_dim(a, dims)? * resolve_dim(b, dims)?),
    }
}

/// Rows, columns and whether it is a scalar.
pub fn resolve_shape(s: &Shape, dims: &Bindings) -> Result<(usize, usize, bool), EvalError> {
    match s {
        Shape::Scalar => Ok((1, 1, true)),
        Shape::Matrix(r, c) => Ok((resolve_dim(r, dims)?, resolve_dim(c, dims)?, false)),
    }
}

fn describe(rows: usize, cols: usize, scalar: bool) -> String {
    if scalar {
        "scalar".to_string()
    } else {
        format!("{rows}×{cols}")
    }
}

/// Evaluates `roots` with parameter `i` set to `params[i]`. Each node reachable from the roots
/// is computed once, in id (= topological) order. A parameter value may be given as a 1×1
/// matrix where the graph has a scalar and vice versa; otherwise its size must match.
pub fn evaluate(
    g: &Graph,
    roots: &[NodeId],
    params: &[Value],
    dims: &Bindings,
) -> Result<Vec<Value>, EvalError> {
    if let Some(&bad) = roots.iter().find(|r| r.index() >= g.len()) {
        return Err(EvalError::NoSuchNode(bad));
    }
    let mut values: Vec<Option<Value>> = vec![None; g.len()];
    for id in g.reachable(roots) {
        let v = eval_node(g, id, &values, params, dims)?;
        let (rows, cols, scalar) = resolve_shape(g.shape(id), dims)?;
        if v.rows != rows || v.cols != cols {
            return Err(EvalError::Inconsistent {
                node: id,
                expected: describe(rows, cols, scalar),
                got: describe(v.rows, v.cols, v.scalar),
            });
        }
        values[id.index()] = Some(Value { scalar, ..v });
    }
    Ok(roots
        .iter()
        .map(|r| values[r.index()].clone().expect("roots are reachable"))
        .collect())
}

fn eval_node(
    g: &Graph,
    id: NodeId,
    values: &[Option<Value>],
    params: &[Value],
    dims: &Bindings,
) -> Result<Value, EvalError> {
    use linalg::*;
    // Operands have smaller ids and were evaluated first (the graph is append-only).
    let v = |a: &NodeId| {
        values[a.index()]
            .as_ref()
            .expect("operand evaluated before use")
    };
    let d = |x: &Dim| resolve_dim(x, dims);
    Ok(match g.op(id) {
        Op::Param(i) => {
            let value = params.get(*i).ok_or(EvalError::MissingParam {
                index: *i,
                count: params.len(),
            })?;
            let (rows, cols, scalar) = resolve_shape(&g.params[*i].shape, dims)?;
            if value.rows != rows || value.cols != cols {
                return Err(EvalError::ParamShape {
                    index: *i,
                    expected: describe(rows, cols, scalar),
                    got: describe(value.rows, value.cols, value.scalar),
                });
            }
            value.clone()
        }
        Op::Literal(bits) => Value::scalar(f64::from_bits(*bits)),
        Op::Zeros(r, c) => Value::zeros(d(r)?, d(c)?),
        Op::Ones(r, c) => Value::filled(d(r)?, d(c)?, 1.0),
        Op::Identity(n) => identity(d(n)?),
        Op::Commutation(m, n) => commutation(d(m)?, d(n)?),

        Op::Add(a, b) => v(a).zip(v(b), |x, y| x + y),
        Op::Sub(a, b) => v(a).zip(v(b), |x, y| x - y),
        Op::Neg(a) => v(a).map(|x| -x),
        Op::Mul(a, b) => Value::scalar(v(a).as_scalar() * v(b).as_scalar()),
        Op::Scale(k, a) => {
            let k = v(k).as_scalar();
            v(a).map(|x| k * x)
        }
        Op::MatMul(a, b) => matmul(v(a), v(b)),
        Op::Div(a, k) => {
            let k = v(k).as_scalar();
            v(a).map(|x| x / k)
        }
        Op::Transpose(a) => transpose(v(a)),

        Op::Trace(a) => {
            let a = v(a);
            Value::scalar((0..a.rows).map(|i| a.get(i, i)).sum())
        }
        Op::Sum(a) => Value::scalar(v(a).data.iter().sum()),
        Op::Det(a) => Value::scalar(det(v(a))),
        Op::Logdet(a) => Value::scalar(logdet(v(a))),
        Op::Inv(a) => inverse(v(a)),
        Op::Dot(a, b) => Value::scalar(v(a).data.iter().zip(&v(b).data).map(|(x, y)| x * y).sum()),
        Op::Norm(a) => Value::scalar(v(a).data.iter().map(|x| x * x).sum::<f64>().sqrt()),
        Op::NormSq(a) => Value::scalar(v(a).data.iter().map(|x| x * x).sum()),
        Op::Hadamard(a, b) => v(a).zip(v(b), |x, y| x * y),
        Op::ElemDiv(a, b) => v(a).zip(v(b), |x, y| x / y),
        Op::Atan2(y, x) => v(y).zip(v(x), f64::atan2),
        Op::Kron(a, b) => kron(v(a), v(b)),
        Op::Vec(a) => v(a).reshaped(v(a).len(), 1),
        Op::Unvec(a, r, c) => v(a).reshaped(d(r)?, d(c)?),
        Op::Diag(a) => {
            let a = v(a);
            Value::from_fn(
                a.rows,
                a.rows,
                |i, j| if i == j { a.get(i, 0) } else { 0.0 },
            )
        }
        Op::Diagonal(a) => {
            let a = v(a);
            Value::from_fn(a.rows, 1, |i, _| a.get(i, i))
        }
        Op::Entry(a, i, j) => {
            let a = v(a);
            if *i >= a.rows || *j >= a.cols {
                return Err(EvalError::OutOfBounds(id));
            }
            Value::scalar(a.get(*i, *j))
        }
        Op::View(a, i, j, r, c) => {
            let (a, r, c) = (v(a), d(r)?, d(c)?);
            if i + r > a.rows || j + c > a.cols {
                return Err(EvalError::OutOfBounds(id));
            }
            Value::from_fn(r, c, |k, l| a.get(i + k, j + l))
        }
        Op::Blocks(r, c, blocks) => {
            let mut out = Value::zeros(d(r)?, d(c)?);
            for (i, j, b) in blocks {
                let b = v(b);
                if i + b.rows > out.rows || j + b.cols > out.cols {
                    return Err(EvalError::OutOfBounds(id));
                }
                for l in 0..b.cols {
                    for k in 0..b.rows {
                        let x = out.get(i + k, j + l) + b.get(k, l);
                        out.set(i + k, j + l, x);
                    }
                }
            }
            out
        }
        Op::Map(f, a) => v(a).map(|x| apply(*f, x)),
        Op::Powf(a, p) => {
            let p = v(p).as_scalar();
            v(a).map(|x| x.powf(p))
        }
        Op::MatPow(a, k) => matpow(v(a), *k),
        Op::Softmax(a) => softmax(v(a)),
        Op::Logsumexp(a) => Value::scalar(logsumexp(v(a))),
        Op::SoftmaxCols(a) => linalg::softmax_batch(v(a), true),
        Op::SoftmaxRows(a) => linalg::softmax_batch(v(a), false),
        Op::LogsumexpCols(a) => linalg::logsumexp_batch(v(a), true),
        Op::LogsumexpRows(a) => linalg::logsumexp_batch(v(a), false),
        Op::Solve(a, b) => linalg::solve(v(a), v(b)),
        Op::Cholesky(a) => linalg::cholesky(v(a)),
        Op::Tril(a) => linalg::lower_triangle(v(a), 1.0),
        Op::Phi(a) => linalg::lower_triangle(v(a), 0.5),
        Op::Const(_, Some(bits)) => Value::scalar(f64::from_bits(*bits)),
        Op::Const(path, None) => return Err(EvalError::UnknownConstant(path.clone())),
        Op::ToScalar(a) => Value::scalar(v(a).as_scalar()),
        Op::FromScalar(a) => v(a).reshaped(1, 1),
        Op::OnesMul(r, b) => {
            // 𝟙_{r×k}·B: entry (i, j) is the sum of B's column j, for every i.
            let b = v(b);
            let sums: Vec<f64> = (0..b.cols)
                .map(|j| (0..b.rows).map(|i| b.get(i, j)).sum())
                .collect();
            Value::from_fn(d(r)?, b.cols, |_, j| sums[j])
        }
        Op::MulOnes(b, c) => {
            // B·𝟙_{k×c}: entry (i, j) is the sum of B's row i, for every j.
            let b = v(b);
            let sums: Vec<f64> = (0..b.rows)
                .map(|i| (0..b.cols).map(|j| b.get(i, j)).sum())
                .collect();
            Value::from_fn(b.rows, d(c)?, |i, _| sums[i])
        }
        Op::KronAdjointLeft(gr, b) => kron_adjoint_left(v(gr), v(b)),
        Op::KronAdjointRight(gr, a) => kron_adjoint_right(v(gr), v(a)),
        Op::KronPerm(m, n, p, q) => kron_perm(d(m)?, d(n)?, d(p)?, d(q)?),
        Op::KronRearrange(gr, m, n) => kron_rearrange(v(gr), d(m)?, d(n)?),
        Op::Symmetrize(h) => {
            let h = v(h);
            Value::from_fn(h.rows, h.cols, |i, j| 0.5 * (h.get(i, j) + h.get(j, i)))
        }
    })
}

/// One elementwise function at one point (the table's reference evaluation).
pub fn apply(f: Func, x: f64) -> f64 {
    f.eval(x)
}
