//! Shape inference for variables whose shape nobody declared. Each such variable starts as a
//! matrix with two fresh dimensions (`X_rows × X_cols`); a walk over the parsed expression runs
//! each operation's shape rule (`shape::rules`, the one the checker uses) with dimensions that
//! unify, so `X * Y` makes `X_cols = Y_rows`, `tr(X)` makes `X_rows = X_cols`, and a scalar
//! result makes a 1×1 matrix. What the walk adds is only the DSL's own reading before lowering:
//! a scalar operand of `+`, `-`, `*` broadcasts, the transpose of a scalar is the scalar, and
//! `eye()`, `ones()`, `zeros()` take fresh dimensions that their context binds.
//!
//! This is best effort and never reports anything: a rule that fails is skipped, and
//! `shape::lower`, which checks the resolved shapes for real, reports the mismatch in words.

use std::collections::{HashMap, HashSet};

use crate::ast::{Assembly, BinaryOp, Call, ConstantKind, Expr, ExprKind, Function, Part};
use crate::ir::{Dim, NodeId, Op, Shape};
use crate::shape::rules::{self, call_op, Dims};

/// Fresh dimensions and what they have been unified with.
pub(crate) struct Unifier {
    flex: HashSet<String>,
    subst: HashMap<String, Dim>,
    /// Dimensions made up for constants (`?0`, `?1`, ..: no user can spell them). They are bound
    /// before a variable's, so that a variable never ends up with one.
    anonymous: usize,
}

const ONE: Dim = Dim::Known(1);

impl Unifier {
    /// Runs inference over `f`, where the dimensions named in `flex` may be bound. With
    /// `want_scalar`, a matrix-valued result is taken to be 1×1.
    pub(super) fn infer(f: &Function, flex: HashSet<String>, want_scalar: bool) -> Unifier {
        Self::infer_returning(f, flex, want_scalar.then_some(&Shape::Scalar))
    }

    /// [`infer`](Self::infer) where the result must have the shape `returns` (the declared
    /// return type of a function whose run-time sizes are being resolved).
    pub(crate) fn infer_returning(
        f: &Function,
        flex: HashSet<String>,
        returns: Option<&Shape>,
    ) -> Unifier {
        let mut u = Unifier {
            flex,
            subst: HashMap::new(),
            anonymous: 0,
        };
        let params: Vec<Shape> = f.params.iter().map(|p| p.shape.clone()).collect();
        let mut locals = Vec::new();
        for binding in &f.lets {
            let mut s = u.expr(&binding.value, &params, &locals);
            if let Some(declared) = &binding.declared {
                u.conform(&s, &declared.shape);
                // Outside data has only its declared shape.
                if matches!(binding.value.kind, ExprKind::Outside(_)) {
                    s = declared.shape.clone();
                }
            }
            // An assignment in a loop keeps its `let mut` binding's shape.
            if let Some(origin) = binding.assigns.and_then(|i| locals.get(i).cloned()) {
                u.conform(&s, &origin);
            }
            locals.push(s);
        }
        let result = u.expr(&f.body, &params, &locals);
        if let Some(returns) = returns {
            u.conform(&result, returns);
        }
        u
    }

    /// `d` with every bound fresh dimension replaced by what it is bound to.
    pub(crate) fn resolve(&self, d: &Dim) -> Dim {
        match d {
            Dim::Named(n) => match self.subst.get(n) {
                Some(bound) => self.resolve(bound),
                None => d.clone(),
            },
            Dim::Prod(a, b) => Dim::product(&self.resolve(a), &self.resolve(b)),
            Dim::Known(_) => d.clone(),
        }
    }

    /// Makes `a` and `b` equal where fresh dimensions allow; whether they are.
    fn unify(&mut self, a: &Dim, b: &Dim) -> bool {
        let (a, b) = (self.resolve(a), self.resolve(b));
        if a.equiv(&b) {
            return true;
        }
        let is_anonymous = |d: &Dim| matches!(d, Dim::Named(n) if n.starts_with('?'));
        // A constant's dimension first; then bind the second to the first when both are fresh,
        // so `tr(X)` keeps `X_rows` and `X * Y` makes Y `X_cols × Y_cols`.
        let (a, b) = if is_anonymous(&a) { (b, a) } else { (a, b) };
        match (&a, &b) {
            (other, Dim::Named(n)) | (Dim::Named(n), other)
                if self.flex.contains(n) && bindable(other, n) =>
            {
                self.subst.insert(n.clone(), other.clone());
                true
            }
            (Dim::Prod(a1, a2), Dim::Prod(b1, b2)) => {
                let (a1, a2, b1, b2) = (a1.clone(), a2.clone(), b1.clone(), b2.clone());
                self.unify(&a1, &b1) & self.unify(&a2, &b2)
            }
            _ => false,
        }
    }

    /// Makes `shape` what a place declared as `want` accepts (a 1×1 matrix where a scalar is
    /// wanted).
    fn conform(&mut self, shape: &Shape, want: &Shape) {
        match (shape, want) {
            (Shape::Matrix(r1, c1), Shape::Matrix(r2, c2)) => {
                self.unify(r1, r2);
                self.unify(c1, c2);
            }
            (Shape::Matrix(r, c), Shape::Scalar) => {
                self.unify(r, &ONE);
                self.unify(c, &ONE);
            }
            _ => {}
        }
    }

    /// A dimension nothing is known about yet.
    fn fresh(&mut self) -> Dim {
        let name = format!("?{}", self.anonymous);
        self.anonymous += 1;
        self.flex.insert(name.clone());
        Dim::Named(name)
    }

    /// A matrix nothing is known about: a constant's shape, or what a failed rule leaves.
    fn unknown(&mut self) -> Shape {
        Shape::Matrix(self.fresh(), self.fresh())
    }

    /// The shape rule of `op`, whose operand `NodeId(i)` has shape `operands[i]`.
    fn rule(&mut self, op: &Op, operands: &[Shape], params: &[Shape]) -> Option<Shape> {
        rules::rule(
            op,
            &mut Inference {
                u: self,
                operands,
                params,
            },
        )
        .ok()
    }

    fn expr(&mut self, e: &Expr, params: &[Shape], locals: &[Shape]) -> Shape {
        let sub = |u: &mut Unifier, e: &Expr| u.expr(e, params, locals);
        let (x, y) = (NodeId(0), NodeId(1));
        let shape = match &e.kind {
            ExprKind::Param(i) => params.get(*i).cloned(),
            ExprKind::Local(i) => locals.get(*i).cloned(),
            ExprKind::Literal(_) | ExprKind::NamedConst(..) => Some(Shape::Scalar),
            ExprKind::Constant(ConstantKind::Eye) => {
                let n = self.fresh();
                Some(Shape::Matrix(n.clone(), n))
            }
            ExprKind::Constant(ConstantKind::Ones | ConstantKind::Zeros) => None,
            ExprKind::Neg(a) => Some(sub(self, a)),
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (sub(self, a), sub(self, b));
                match (op, &a, &b) {
                    // A scalar operand broadcasts (`x + 1.0`, `2.0 * X`).
                    (BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul, Shape::Scalar, _) => Some(b),
                    (BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul, _, Shape::Scalar) => Some(a),
                    (BinaryOp::Add | BinaryOp::Sub, ..) => self
                        .rule(&Op::Add(x, y), &[a.clone(), b], params)
                        .or(Some(a)),
                    (BinaryOp::Mul, ..) => self.rule(&Op::MatMul(x, y), &[a, b], params),
                    (BinaryOp::Div, ..) => self
                        .rule(&Op::Div(x, y), &[a.clone(), b], params)
                        .or(Some(a)),
                }
            }
            ExprKind::Call(call, args) => {
                let shapes: Vec<Shape> = args.iter().map(|a| sub(self, a)).collect();
                match (call, shapes.as_slice()) {
                    (Call::Transpose, [Shape::Scalar]) => Some(Shape::Scalar),
                    (Call::Softmax, [s]) => {
                        let _ = rules::softmax_operand(
                            s,
                            &mut Inference {
                                u: self,
                                operands: &shapes,
                                params,
                            },
                        );
                        Some(s.clone())
                    }
                    _ => {
                        let ids: Vec<NodeId> = (0..shapes.len() as u32).map(NodeId).collect();
                        call_op(*call, &ids).and_then(|op| self.rule(&op, &shapes, params))
                    }
                }
            }
            // Calls of other functions are resolved by the macro only (no table here).
            ExprKind::Outside(_) | ExprKind::Invoke(..) => None,
            ExprKind::Part(a, part) => {
                let a = sub(self, a);
                Some(self.part(a, part))
            }
            ExprKind::Assemble(kind, rows) => {
                let shapes: Vec<Vec<Shape>> = rows
                    .iter()
                    .map(|row| row.iter().map(|e| sub(self, e)).collect())
                    .collect();
                self.assemble(*kind, &shapes)
            }
        };
        shape.unwrap_or_else(|| self.unknown())
    }

    /// `x[i]` makes x a column unless it is known to be a row; a view has its sizes, all of
    /// the operand's where a size is not given.
    fn part(&mut self, a: Shape, part: &Part) -> Shape {
        match part {
            Part::Entry(_) => {
                if let Shape::Matrix(r, c) = &a {
                    if !self.resolve(r).is_one() {
                        self.unify(c, &ONE);
                    }
                }
                Shape::Scalar
            }
            Part::EntryAt(..) => Shape::Scalar,
            Part::Block { rows, cols, .. } => match a {
                Shape::Matrix(r, c) => {
                    Shape::Matrix(rows.clone().unwrap_or(r), cols.clone().unwrap_or(c))
                }
                other => other,
            },
        }
    }

    /// Blocks of one block row share their height, of one block column their width; the
    /// total is known where every block's size along the stacking direction is.
    fn assemble(&mut self, kind: Assembly, rows: &[Vec<Shape>]) -> Option<Shape> {
        if kind == Assembly::Grid {
            for s in rows.iter().flatten() {
                self.conform(s, &Shape::Scalar);
            }
            let width = rows.first().map_or(0, Vec::len);
            return Some(Shape::Matrix(Dim::Known(rows.len()), Dim::Known(width)));
        }
        let blocks: Vec<(Dim, Dim)> = rows
            .iter()
            .flatten()
            .map(|s| match s {
                Shape::Matrix(r, c) => (self.resolve(r), self.resolve(c)),
                Shape::Scalar => (ONE, ONE),
            })
            .collect();
        let (r0, c0) = blocks.first().cloned()?;
        let vertical = kind == Assembly::VStack;
        for (r, c) in &blocks[1..] {
            if vertical {
                self.unify(&c0, c);
            } else {
                self.unify(&r0, r);
            }
        }
        let along: Option<usize> = blocks
            .iter()
            .map(|(r, c)| if vertical { r.known() } else { c.known() })
            .sum();
        match (along?, vertical) {
            (n, true) => Some(Shape::Matrix(Dim::Known(n), self.resolve(&c0))),
            (n, false) => Some(Shape::Matrix(self.resolve(&r0), Dim::Known(n))),
        }
    }
}

/// The rules' view of the walk: operands by position, dimensions that unify.
struct Inference<'a> {
    u: &'a mut Unifier,
    operands: &'a [Shape],
    params: &'a [Shape],
}

impl Dims for Inference<'_> {
    fn shape(&self, id: NodeId) -> Shape {
        self.operands
            .get(id.0 as usize)
            .cloned()
            .unwrap_or(Shape::Scalar)
    }
    fn param(&self, i: usize) -> Shape {
        self.params.get(i).cloned().unwrap_or(Shape::Scalar)
    }
    fn same(&mut self, a: &Dim, b: &Dim) -> bool {
        self.u.unify(a, b)
    }
    fn resolve(&self, d: &Dim) -> Dim {
        self.u.resolve(d)
    }
    fn scalar(&mut self, shape: &Shape) -> bool {
        match shape {
            Shape::Scalar => true,
            Shape::Matrix(r, c) => self.u.unify(r, &ONE) & self.u.unify(c, &ONE),
        }
    }
}

/// Whether fresh dimension `n` may be bound to `d`: not to itself (occurs check), and not to a
/// product of generic dimensions, which a parameter type cannot spell.
fn bindable(d: &Dim, n: &str) -> bool {
    match d {
        Dim::Known(_) => true,
        Dim::Named(m) => m != n,
        Dim::Prod(..) => false,
    }
}
