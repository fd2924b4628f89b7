//! ast → shaped `ir::Graph`: the second stage of the pipeline. Every node's shape comes from
//! `rules::infer`; a `Mismatch` becomes an error in words at the offending sub-expression.
//!
//! This is also where the DSL's scalar/matrix conventions are decided (reference §2, §4): `*` is a
//! matrix product, a scalar product or a scaling depending on its operands; a 1×1 matrix is read
//! as a scalar (`Op::ToScalar`) wherever a scalar is expected; `eye()`, `ones()` and `zeros()` get
//! their shape from context (a `Hint`) before their node is created.
//!
//! Errors are collected: independent `let`s and operands each report theirs, while an
//! expression whose operand failed fails silently, so only root causes are reported.

mod calls;
#[cfg(test)]
mod tests;
mod views;

use calls::Frame;

use crate::ast::{BinaryOp, Call, ConstantKind, Expr, ExprKind, Function, TypeDecl};
use crate::ctxt::Ctxt;
use crate::ir::{self, Dim, Graph, NodeId, Op, Shape};
use crate::parse::float_name;
use crate::shape::rules::{call_op, check_softmax_operand, infer, Mismatch};
use crate::table::call_name;

/// A lowered function: its graph and the node of its value.
pub struct Lowered {
    pub graph: Graph,
    pub value: NodeId,
}

/// Builds the graph of `f`, checking every shape. All errors are combined into the one returned.
pub fn lower(f: &Function) -> Result<Lowered, syn::Error> {
    let params = f
        .params
        .iter()
        .map(|p| ir::Param {
            name: p.name.clone(),
            shape: p.shape.clone(),
            span: p.span,
        })
        // Outside data are constant inputs after the parameters (never differentiated: the
        // attributes name parameters only).
        .chain(f.outside.iter().map(|o| ir::Param {
            name: o.name.clone(),
            shape: o.shape.clone(),
            span: o.span,
        }))
        .collect();
    let mut cx = Lowering {
        f,
        graph: Graph::new(params, f.scalar),
        locals: Vec::new(),
        errors: Ctxt::new(),
        frame: Frame::default(),
    };
    // Parameters first, so that node i is parameter i whatever the body uses.
    for (i, p) in f.params.iter().enumerate() {
        cx.graph.intern(Op::Param(i), p.shape.clone(), p.span);
    }
    for (i, o) in f.outside.iter().enumerate() {
        cx.graph
            .intern(Op::Param(f.params.len() + i), o.shape.clone(), o.span);
    }
    let value = cx.function_body();
    cx.errors.check()?;
    // Every failure above pushed an error, so `value` is set here; still no panic if not.
    let value = value.ok_or_else(|| f.body.error("matcalc: could not lower the function body"))?;
    Ok(Lowered {
        graph: cx.graph,
        value,
    })
}

fn is_one_by_one(shape: &Shape) -> bool {
    matches!(shape, Shape::Matrix(r, c) if r.is_one() && c.is_one())
}

/// `a scalar` or `3×2`, for "the operand `A` is 3×2".
fn shape_words(shape: &Shape) -> String {
    match shape {
        Shape::Scalar => "a scalar".to_string(),
        m => m.to_string(),
    }
}

/// For a vector added to a matrix: how to write the broadcast (matcalc does not broadcast
/// implicitly, so that a shape slip is an error, not a silent outer sum).
fn broadcast_hint(left: &Shape, right: &Shape, operands: &[&Expr]) -> String {
    let text = |k: usize| operands.get(k).map_or("b", |e| e.text.as_str()).to_string();
    for (k, (v, m)) in [(1, (right, left)), (0, (left, right))] {
        let (Shape::Matrix(vr, vc), Shape::Matrix(mr, mc)) = (v, m) else {
            continue;
        };
        if vc.is_one() && vr.equiv(mr) && !mc.is_one() {
            return format!(
                "; to add the column vector to every column write `{} * ones().t()`",
                text(k)
            );
        }
        if vr.is_one() && vc.equiv(mc) && !mr.is_one() {
            return format!(
                "; to add the row vector to every row write `ones() * {}`",
                text(k)
            );
        }
    }
    String::new()
}

/// What the context says about the shape of an expression, for `eye()`, `ones()`, `zeros()`.
#[derive(Clone, Debug, PartialEq)]
enum Hint {
    /// Nothing is known.
    None,
    /// The context itself failed to lower: a constant here fails without its own error.
    Failed,
    Scalar,
    /// A matrix, with the dimensions that are known.
    Matrix(Option<Dim>, Option<Dim>),
}

impl Hint {
    fn of(shape: &Shape) -> Hint {
        match shape {
            Shape::Scalar => Hint::Scalar,
            Shape::Matrix(r, c) => Hint::Matrix(Some(r.clone()), Some(c.clone())),
        }
    }

    fn transpose(&self) -> Hint {
        match self {
            Hint::Matrix(r, c) => Hint::Matrix(c.clone(), r.clone()),
            other => other.clone(),
        }
    }

    /// The known dimensions when the expression must be a matrix (a scalar context is 1×1).
    fn dims(&self) -> (Option<Dim>, Option<Dim>) {
        match self {
            Hint::Matrix(r, c) => (r.clone(), c.clone()),
            Hint::Scalar => (Some(Dim::Known(1)), Some(Dim::Known(1))),
            Hint::None | Hint::Failed => (None, None),
        }
    }

    fn is_full_matrix(&self) -> bool {
        matches!(self, Hint::Matrix(Some(_), Some(_)))
    }
}

/// Whether `e` may take its shape from context: a constant, possibly under shape-preserving
/// operations. Such an operand is lowered after its sibling so it can use the sibling's shape.
fn may_need_context(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Constant(_) => true,
        ExprKind::Neg(a) => may_need_context(a),
        ExprKind::Binary(_, a, b) => may_need_context(a) || may_need_context(b),
        ExprKind::Call(_, args) => args.iter().any(may_need_context),
        ExprKind::Part(..)
        | ExprKind::Assemble(..)
        | ExprKind::Outside(_)
        | ExprKind::Invoke(..) => false,
        ExprKind::Param(_)
        | ExprKind::Local(_)
        | ExprKind::Literal(_)
        | ExprKind::NamedConst(..) => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

struct Lowering<'a> {
    /// The function whose body is being lowered: the one derived, or a callee being inlined.
    f: &'a Function,
    graph: Graph,
    /// The node of each `let`, or `None` if it failed (uses of it then fail silently).
    locals: Vec<Option<NodeId>>,
    errors: Ctxt,
    /// Where `f` is a callee: its arguments and generic dimensions at this call.
    frame: Frame,
}

impl Lowering<'_> {
    /// The `let`s and the final expression of `f`, each checked against its declared type.
    fn function_body(&mut self) -> Option<NodeId> {
        let f = self.f;
        // The first bindings (see `Let::repeats`) whose statement failed in some iteration.
        let mut failed_statements = std::collections::HashSet::new();
        for (index, binding) in f.lets.iter().enumerate() {
            let errors_before = self.errors.count();
            let statement = binding.repeats.unwrap_or(index);
            // An assignment in a loop keeps the shape of its `let mut` binding.
            let assigned = binding.assigns.map(|origin| {
                self.locals
                    .get(origin)
                    .copied()
                    .flatten()
                    .map(|id| TypeDecl {
                        shape: self.graph.shape(id).clone(),
                        span: f.lets[origin].span,
                    })
            });
            let declared = match assigned {
                Some(Some(decl)) => Some(decl),
                // The `let mut` failed and reported why.
                Some(None) => {
                    self.locals.push(None);
                    continue;
                }
                None => binding.declared.as_ref().map(|d| self.frame.declared(d)),
            };
            let hint = declared.as_ref().map_or(Hint::None, |d| Hint::of(&d.shape));
            let (subject, declared_as) = match binding.assigns {
                Some(_) => (
                    format!("the value assigned to `{}`", binding.name),
                    format!("`let mut {}` is", binding.name),
                ),
                None => (
                    format!("`{}`", binding.name),
                    "its declared type is".to_string(),
                ),
            };
            let value = self
                .expr(&binding.value, &hint)
                .and_then(|id| match &declared {
                    Some(declared) => {
                        self.conform(id, &binding.value, declared, &subject, &declared_as)
                    }
                    None => Some(id),
                });
            if self.errors.count() > errors_before && !failed_statements.insert(statement) {
                self.errors.truncate(errors_before);
            }
            self.locals.push(value);
        }
        let returns = f.returns.as_ref().map(|d| self.frame.declared(d));
        let hint = returns.as_ref().map_or(Hint::None, |d| Hint::of(&d.shape));
        self.expr(&f.body, &hint).and_then(|id| match &returns {
            Some(declared) => {
                self.conform(id, &f.body, declared, "the body", "the function returns")
            }
            None => Some(id),
        })
    }

    fn expr(&mut self, e: &Expr, hint: &Hint) -> Option<NodeId> {
        match &e.kind {
            ExprKind::Param(i) if self.frame.args.is_some() => self.frame.arg(*i),
            ExprKind::Invoke(i, args) => self.invoke(e, *i, args),
            ExprKind::Param(i) => {
                let shape = self.f.params.get(*i)?.shape.clone();
                Some(self.graph.intern(Op::Param(*i), shape, e.span))
            }
            ExprKind::Local(i) => self.locals.get(*i).copied().flatten(),
            ExprKind::Literal(value) => Some(self.graph.intern(
                Op::literal(*value),
                Shape::Scalar,
                e.span,
            )),
            ExprKind::Constant(kind) => self.constant(e, *kind, hint),
            ExprKind::Neg(a) => {
                let a = self.expr(a, hint)?;
                self.node(e, Op::Neg(a), "-", &[])
            }
            ExprKind::Binary(op, a, b) => self.binary(e, *op, a, b, hint),
            ExprKind::Call(call, args) => self.call(e, *call, args, hint),
            ExprKind::Part(a, part) => self.part(e, a, part),
            ExprKind::Assemble(kind, rows) => self.assemble(e, *kind, rows),
            ExprKind::Outside(i) => {
                let o = self.f.outside.get(*i)?;
                let id = Op::Param(self.f.params.len() + i);
                Some(self.graph.intern(id, o.shape.clone(), e.span))
            }
            ExprKind::NamedConst(path, value) => Some(self.graph.intern(
                Op::Const(path.clone(), value.map(f64::to_bits)),
                Shape::Scalar,
                e.span,
            )),
        }
    }

    /// Interns `op` at `e` if its shape rule accepts the operands; otherwise reports why.
    /// `what` names the operation and `operands` are the expressions of `op.args()` in order,
    /// for messages like "`tr` needs a square matrix: the operand `A` is 3×2".
    fn node(&mut self, e: &Expr, op: Op, what: &str, operands: &[&Expr]) -> Option<NodeId> {
        match infer(&self.graph, &op) {
            // The shape check passed, so the rewriting constructor only ever sees well-shaped
            // ops: the value is simplified like the derivatives (`sum(A B) → (𝟙ᵀA)(B𝟙)`).
            Ok(_) => Some(self.graph.make(op, e.span)),
            Err(mismatch) => {
                let message = self.mismatch_message(e, &op, what, operands, &mismatch);
                self.errors.push(e.error(message));
                None
            }
        }
    }

    fn mismatch_message(
        &self,
        e: &Expr,
        op: &Op,
        what: &str,
        operands: &[&Expr],
        mismatch: &Mismatch,
    ) -> String {
        let (need, shape) = match mismatch {
            Mismatch::NotSquare { shape } => ("a square matrix", shape),
            Mismatch::NotScalar { shape } => ("a scalar (or a 1×1 matrix)", shape),
            Mismatch::NotMatrix { shape } => ("a matrix", shape),
            Mismatch::NotVector { shape } => ("a column vector (n×1)", shape),
            Mismatch::Elementwise { left, right } if matches!(op, Op::Add(..) | Op::Sub(..)) => {
                return format!(
                    "shape mismatch in `{}`: {mismatch}{}",
                    e.text,
                    broadcast_hint(left, right, operands)
                );
            }
            Mismatch::Inner { .. }
            | Mismatch::Elementwise { .. }
            | Mismatch::Reshape { .. }
            | Mismatch::OutOfBounds { .. }
            | Mismatch::SolveRows { .. }
            | Mismatch::NotSoftmaxVector { .. } => {
                return format!("shape mismatch in `{}`: {mismatch}", e.text);
            }
        };
        // The rules report the failing operand's shape; the scalar operands of `/` and `powf`
        // come last, so search from the end.
        let operand = op
            .args()
            .into_iter()
            .zip(operands)
            .rev()
            .find(|(id, _)| self.graph.shape(*id) == shape)
            .map(|(_, operand)| operand.text.as_str());
        match operand {
            Some(text) => format!(
                "`{what}` needs {need}: the operand `{text}` is {}",
                shape_words(shape)
            ),
            None => format!(
                "`{what}` needs {need}, but the operand is {}",
                shape_words(shape)
            ),
        }
    }

    /// Reads a 1×1 matrix as a scalar; anything else is returned unchanged for the rules to judge.
    fn scalar_like(&mut self, id: NodeId, e: &Expr) -> NodeId {
        if is_one_by_one(self.graph.shape(id)) {
            self.graph.make(Op::ToScalar(id), e.span)
        } else {
            id
        }
    }

    /// Where one operand is a scalar and the other 1×1, reads the 1×1 one as a scalar.
    fn coerce_pair(
        &mut self,
        (x, a): (NodeId, &Expr),
        (y, b): (NodeId, &Expr),
    ) -> (NodeId, NodeId) {
        match (
            self.graph.shape(x).is_scalar(),
            self.graph.shape(y).is_scalar(),
        ) {
            (true, false) => (x, self.scalar_like(y, b)),
            (false, true) => (self.scalar_like(x, a), y),
            _ => (x, y),
        }
    }

    /// Lowers two operands. If only one of them may take its shape from context it goes second,
    /// with the hint `then(shape of the other, side of the other)`; `first` holds the hints for
    /// `a` and `b` when they go first.
    fn pair(
        &mut self,
        (a, b): (&Expr, &Expr),
        first: [Hint; 2],
        then: impl Fn(&Shape, Side) -> Hint,
    ) -> (Option<NodeId>, Option<NodeId>) {
        let [first_a, first_b] = first;
        if may_need_context(a) && !may_need_context(b) {
            let y = self.expr(b, &first_b);
            let hint = y.map_or(Hint::Failed, |y| then(self.graph.shape(y), Side::Right));
            (self.expr(a, &hint), y)
        } else {
            let x = self.expr(a, &first_a);
            let hint = x.map_or(Hint::Failed, |x| then(self.graph.shape(x), Side::Left));
            (x, self.expr(b, &hint))
        }
    }

    /// `+`, `-`, `hadamard`, `elem_div`, `dot`: equal shapes, a scalar pairs with a 1×1 matrix.
    fn elementwise(
        &mut self,
        e: &Expr,
        (a, b): (&Expr, &Expr),
        hint: &Hint,
        what: &str,
        op: fn(NodeId, NodeId) -> Op,
        broadcast: bool,
    ) -> Option<NodeId> {
        let (x, y) = self.pair((a, b), [hint.clone(), hint.clone()], |other, _| {
            Hint::of(other)
        });
        let (x, y) = self.coerce_pair((x?, a), (y?, b));
        let (x, y) = if broadcast {
            (self.broadcast(x, y, e), self.broadcast(y, x, e))
        } else {
            (x, y)
        };
        self.node(e, op(x, y), what, &[a, b])
    }

    /// `s` as s·𝟙 in the shape of `other` when `s` is a scalar and `other` a matrix: a scalar
    /// operand of `+` or `-` adds to every entry (`x + 1.0`, `1.0 - A`, `A - s`).
    fn broadcast(&mut self, s: NodeId, other: NodeId, e: &Expr) -> NodeId {
        match (self.graph.shape(s), self.graph.shape(other)) {
            (Shape::Scalar, Shape::Matrix(..)) => {
                let ones = self.graph.ones_like(other, e.span);
                self.graph.make(Op::Scale(s, ones), e.span)
            }
            _ => s,
        }
    }

    fn binary(
        &mut self,
        e: &Expr,
        op: BinaryOp,
        a: &Expr,
        b: &Expr,
        hint: &Hint,
    ) -> Option<NodeId> {
        match op {
            BinaryOp::Add => self.elementwise(e, (a, b), hint, "+", Op::Add, true),
            BinaryOp::Sub => self.elementwise(e, (a, b), hint, "-", Op::Sub, true),
            BinaryOp::Div => {
                let x = self.expr(a, hint);
                let y = self.expr(b, &Hint::Scalar);
                let y = self.scalar_like(y?, b);
                self.node(e, Op::Div(x?, y), "/", &[a, b])
            }
            BinaryOp::Mul => self.product(e, a, b, hint),
        }
    }

    /// `a * b`: scalar·scalar, scalar·matrix (either order) or the matrix product; a 1×1 factor
    /// whose product does not fit is read as a scalar (`(x.t() * x) * A`).
    fn product(&mut self, e: &Expr, a: &Expr, b: &Expr, hint: &Hint) -> Option<NodeId> {
        let (rows, cols) = hint.dims();
        let then = |other: &Shape, side: Side| match other {
            Shape::Scalar => hint.clone(),
            // Scaling or product, a 1×1 factor leaves the shape to the parent's context.
            m if is_one_by_one(m) && hint.is_full_matrix() => hint.clone(),
            Shape::Matrix(r, c) => match side {
                Side::Right => Hint::Matrix(rows.clone(), Some(r.clone())),
                Side::Left => Hint::Matrix(Some(c.clone()), cols.clone()),
            },
        };
        let first = [
            Hint::Matrix(rows.clone(), None),
            Hint::Matrix(None, cols.clone()),
        ];
        let (x, y) = self.pair((a, b), first, then);
        let (x, y) = (x?, y?);
        let (sx, sy) = (self.graph.shape(x).clone(), self.graph.shape(y).clone());
        let op = match (&sx, &sy) {
            (Shape::Scalar, Shape::Scalar) => Op::Mul(x, y),
            (Shape::Scalar, _) => Op::Scale(x, y),
            (_, Shape::Scalar) => Op::Scale(y, x),
            _ if sx.cols() == sy.rows() => Op::MatMul(x, y),
            _ if is_one_by_one(&sx) => Op::Scale(self.scalar_like(x, a), y),
            _ if is_one_by_one(&sy) => Op::Scale(self.scalar_like(y, b), x),
            _ => Op::MatMul(x, y),
        };
        self.node(e, op, "*", &[a, b])
    }

    fn call(&mut self, e: &Expr, call: Call, args: &[Expr], hint: &Hint) -> Option<NodeId> {
        let name = call_name(call);
        match (call, args) {
            (Call::Dot, [a, b]) => {
                // The value is a scalar, so the parent's hint says nothing about the operands.
                let (x, y) =
                    self.pair((a, b), [Hint::None, Hint::None], |other, _| Hint::of(other));
                let (x, y) = self.coerce_pair((x?, a), (y?, b));
                self.node(e, Op::Dot(x, y), name, &[a, b])
            }
            (Call::Hadamard, [a, b]) => {
                self.elementwise(e, (a, b), hint, name, Op::Hadamard, false)
            }
            (Call::ElemDiv, [a, b]) => self.elementwise(e, (a, b), hint, name, Op::ElemDiv, false),
            (Call::Atan2, [y, x]) => self.elementwise(e, (y, x), hint, name, Op::Atan2, false),
            (Call::Solve, [a, b]) => {
                let (rows, _) = hint.dims();
                let x = self.expr(a, &Hint::Matrix(rows.clone(), rows));
                let y = self.expr(b, hint);
                self.node(e, Op::Solve(x?, y?), name, &[a, b])
            }
            (Call::Kron, [a, b]) => {
                let x = self.expr(a, &Hint::None);
                let y = self.expr(b, &Hint::None);
                self.node(e, Op::Kron(x?, y?), name, &[a, b])
            }
            (Call::Powf, [a, p]) => {
                let x = self.expr(a, hint);
                let y = self.expr(p, &Hint::Scalar);
                let y = self.scalar_like(y?, p);
                self.node(e, Op::Powf(x?, y), name, &[a, p])
            }
            (_, [a]) => {
                let (rows, cols) = hint.dims();
                let arg_hint = match call {
                    Call::Transpose => hint.transpose(),
                    Call::Map(_)
                    | Call::Inv
                    | Call::MatPow(_)
                    | Call::Softmax
                    | Call::SoftmaxCols
                    | Call::SoftmaxRows
                    | Call::Cholesky => hint.clone(),
                    Call::Diag => Hint::Matrix(rows.or(cols), Some(Dim::Known(1))),
                    Call::Diagonal => Hint::Matrix(rows.clone(), rows),
                    _ => Hint::None,
                };
                let x = self.expr(a, &arg_hint)?;
                if call == Call::Softmax {
                    if let Err(mismatch) = check_softmax_operand(&self.graph, self.graph.shape(x)) {
                        let message =
                            format!("{mismatch}: `{}` is {}", a.text, self.graph.shape(x));
                        self.errors.push(e.error(message));
                        return None;
                    }
                }
                let op = match call {
                    // The transpose of a scalar is the scalar.
                    Call::Transpose if self.graph.shape(x).is_scalar() => return Some(x),
                    // mean(A) = sum(A) / sum(𝟙): the count folds to a number for known shapes.
                    Call::Mean => {
                        let sum = self.node(e, Op::Sum(x), name, &[a])?;
                        let ones = self.graph.ones_like(x, e.span);
                        let count = self.graph.make(Op::Sum(ones), e.span);
                        Op::Div(sum, count)
                    }
                    _ => match call_op(call, &[x]) {
                        Some(op) => op,
                        None => return self.arity_error(e, name),
                    },
                };
                self.node(e, op, name, &[a])
            }
            _ => self.arity_error(e, name),
        }
    }

    /// `parse` checks arities, so this only guards against hand-built ASTs.
    fn arity_error(&mut self, e: &Expr, name: &str) -> Option<NodeId> {
        self.errors
            .push(e.error(format!("wrong number of arguments to `{name}`")));
        None
    }

    fn constant(&mut self, e: &Expr, kind: ConstantKind, hint: &Hint) -> Option<NodeId> {
        let op = match (hint, kind) {
            (Hint::Failed, _) => return None,
            // A constant in a scalar context is the 1×1 constant, read as a scalar.
            (Hint::Scalar, ConstantKind::Eye | ConstantKind::Ones) => Op::literal(1.0),
            (Hint::Scalar, ConstantKind::Zeros) => Op::literal(0.0),
            (Hint::Matrix(Some(r), Some(c)), ConstantKind::Eye) if r != c => {
                self.errors.push(e.error(format!(
                    "`{}` would have to be {r}×{c} here, but an identity matrix is square",
                    e.text
                )));
                return None;
            }
            (Hint::Matrix(Some(n), _) | Hint::Matrix(_, Some(n)), ConstantKind::Eye) => {
                Op::Identity(n.clone())
            }
            (Hint::Matrix(Some(r), Some(c)), ConstantKind::Ones) => Op::Ones(r.clone(), c.clone()),
            (Hint::Matrix(Some(r), Some(c)), ConstantKind::Zeros) => {
                Op::Zeros(r.clone(), c.clone())
            }
            _ => {
                self.errors.push(e.error(format!(
                    "cannot infer the shape of `{}` here; its shape comes from context: use it as \
                     an operand of `+`, `-`, `hadamard`, `elem_div` or `dot` with a matrix of \
                     known shape, as a factor of a product (`eye() * X`), or as the value of a \
                     function or `let` with a declared type",
                    e.text
                )));
                return None;
            }
        };
        infer(&self.graph, &op).ok()?;
        Some(self.graph.make(op, e.span))
    }

    /// Checks a value against a declared type (`let h: Vector<N> = ..`, `-> f64`), reading a 1×1
    /// value as a declared scalar and a scalar as a declared 1×1 matrix.
    fn conform(
        &mut self,
        id: NodeId,
        e: &Expr,
        declared: &TypeDecl,
        subject: &str,
        declared_as: &str,
    ) -> Option<NodeId> {
        let want = declared.shape.clone();
        let have = self.graph.shape(id).clone();
        if have == want {
            return Some(id);
        }
        if want.is_scalar() && is_one_by_one(&have) {
            return Some(self.graph.make(Op::ToScalar(id), e.span));
        }
        if have.is_scalar() && is_one_by_one(&want) {
            return Some(self.graph.make(Op::FromScalar(id), e.span));
        }
        let want_words = match &want {
            Shape::Scalar => float_name(self.f.scalar).to_string(),
            m => format!("Matrix {m}"),
        };
        self.errors.push(e.error(format!(
            "{subject} is {} but {declared_as} {want_words}",
            shape_words(&have)
        )));
        None
    }
}
