//! Shape inference for variables whose shape nobody declared. Each such variable starts as a
//! matrix with two fresh dimensions (`X_rows × X_cols`); a walk over the parsed expression
//! unifies dimensions wherever an operation constrains them (`X * Y` makes `X_cols = Y_rows`,
//! `tr(X)` makes `X_rows = X_cols`, a scalar result makes a 1×1 matrix).
//!
//! This is best effort and never reports anything: a constraint it cannot satisfy is skipped,
//! and `shape::lower`, which checks the resolved shapes for real, reports the mismatch in words.

use std::collections::{HashMap, HashSet};

use crate::ast::{BinaryOp, Call, Expr, ExprKind, Function};
use crate::ir::{Dim, Shape};

/// What the walk knows about an expression's shape.
#[derive(Clone, Debug)]
enum S {
    Scalar,
    Mat(Dim, Dim),
    /// `eye()`, `ones()`, `zeros()`: shaped by their context, which the walk does not track.
    Unknown,
}

/// Fresh dimensions and what they have been unified with.
pub(super) struct Unifier {
    flex: HashSet<String>,
    subst: HashMap<String, Dim>,
}

const ONE: Dim = Dim::Known(1);

impl Unifier {
    /// Runs inference over `f`, where the dimensions named in `flex` may be bound. With
    /// `want_scalar`, a matrix-valued result is taken to be 1×1.
    pub(super) fn infer(f: &Function, flex: HashSet<String>, want_scalar: bool) -> Unifier {
        let mut u = Unifier {
            flex,
            subst: HashMap::new(),
        };
        let params: Vec<S> = f
            .params
            .iter()
            .map(|p| match &p.shape {
                Shape::Scalar => S::Scalar,
                Shape::Matrix(rows, cols) => S::Mat(rows.clone(), cols.clone()),
            })
            .collect();
        let mut locals = Vec::new();
        for binding in &f.lets {
            let s = u.expr(&binding.value, &params, &locals);
            if let Some(declared) = &binding.declared {
                if let Shape::Matrix(rows, cols) = &declared.shape {
                    u.same(&s, &S::Mat(rows.clone(), cols.clone()));
                }
            }
            locals.push(s);
        }
        let result = u.expr(&f.body, &params, &locals);
        if want_scalar {
            u.scalar(&result);
        }
        u
    }

    /// `d` with every bound fresh dimension replaced by what it is bound to.
    pub(super) fn resolve(&self, d: &Dim) -> Dim {
        match d {
            Dim::Named(n) => match self.subst.get(n) {
                Some(bound) => self.resolve(bound),
                None => d.clone(),
            },
            Dim::Prod(a, b) => Dim::product(&self.resolve(a), &self.resolve(b)),
            Dim::Known(_) => d.clone(),
        }
    }

    fn unify(&mut self, a: &Dim, b: &Dim) {
        let (a, b) = (self.resolve(a), self.resolve(b));
        if a == b {
            return;
        }
        // Bind the second to the first when both are fresh, so `tr(X)` keeps `X_rows` and
        // `X * Y` makes Y `X_cols × Y_cols`.
        match (&a, &b) {
            (other, Dim::Named(n)) | (Dim::Named(n), other)
                if self.flex.contains(n) && bindable(other, n) =>
            {
                self.subst.insert(n.clone(), other.clone());
            }
            (Dim::Prod(a1, a2), Dim::Prod(b1, b2)) => {
                self.unify(a1, b1);
                self.unify(a2, b2);
            }
            _ => {}
        }
    }

    fn same(&mut self, a: &S, b: &S) {
        match (a, b) {
            (S::Mat(r1, c1), S::Mat(r2, c2)) => {
                self.unify(r1, r2);
                self.unify(c1, c2);
            }
            (S::Mat(..), S::Scalar) => self.scalar(a),
            (S::Scalar, S::Mat(..)) => self.scalar(b),
            _ => {}
        }
    }

    fn scalar(&mut self, s: &S) {
        if let S::Mat(r, c) = s {
            self.unify(r, &ONE);
            self.unify(c, &ONE);
        }
    }

    fn square(&mut self, s: &S) {
        if let S::Mat(r, c) = s {
            self.unify(r, c);
        }
    }

    fn column(&mut self, s: &S) {
        if let S::Mat(_, c) = s {
            self.unify(c, &ONE);
        }
    }

    fn expr(&mut self, e: &Expr, params: &[S], locals: &[S]) -> S {
        let sub = |u: &mut Unifier, e: &Expr| u.expr(e, params, locals);
        match &e.kind {
            ExprKind::Param(i) => params.get(*i).cloned().unwrap_or(S::Unknown),
            ExprKind::Local(i) => locals.get(*i).cloned().unwrap_or(S::Unknown),
            ExprKind::Literal(_) | ExprKind::NamedConst(..) => S::Scalar,
            ExprKind::Constant(_) => S::Unknown,
            ExprKind::Neg(a) => sub(self, a),
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (sub(self, a), sub(self, b));
                match op {
                    // A scalar operand adds to every entry (`x + 1.0`): no constraint.
                    BinaryOp::Add | BinaryOp::Sub => {
                        match (&a, &b) {
                            (S::Scalar, S::Mat(..)) => return b,
                            (S::Mat(..), S::Scalar) => return a,
                            _ => self.same(&a, &b),
                        }
                        if matches!(a, S::Unknown) {
                            b
                        } else {
                            a
                        }
                    }
                    BinaryOp::Mul => match (a, b) {
                        (S::Scalar, other) | (other, S::Scalar) => other,
                        (S::Mat(r, k1), S::Mat(k2, c)) => {
                            self.unify(&k1, &k2);
                            S::Mat(r, c)
                        }
                        _ => S::Unknown,
                    },
                    BinaryOp::Div => {
                        self.scalar(&b);
                        a
                    }
                }
            }
            ExprKind::Call(call, args) => {
                let shapes: Vec<S> = args.iter().map(|a| sub(self, a)).collect();
                let a = shapes.first().cloned().unwrap_or(S::Unknown);
                self.call(*call, a, shapes.get(1))
            }
        }
    }

    fn call(&mut self, call: Call, a: S, b: Option<&S>) -> S {
        match call {
            Call::Transpose => match a {
                S::Mat(r, c) => S::Mat(c, r),
                other => other,
            },
            Call::Trace | Call::Det | Call::Logdet => {
                self.square(&a);
                S::Scalar
            }
            Call::Sum | Call::Mean | Call::Norm | Call::NormSq | Call::Logsumexp => S::Scalar,
            Call::Inv | Call::MatPow(_) => {
                self.square(&a);
                a
            }
            Call::Dot => {
                if let Some(b) = b {
                    self.same(&a, b);
                }
                S::Scalar
            }
            Call::Hadamard | Call::ElemDiv | Call::Atan2 => {
                if let Some(b) = b {
                    self.same(&a, b);
                }
                a
            }
            Call::Kron => match (a, b) {
                (S::Mat(ra, ca), Some(S::Mat(rb, cb))) => S::Mat(
                    Dim::product(&self.resolve(&ra), &self.resolve(rb)),
                    Dim::product(&self.resolve(&ca), &self.resolve(cb)),
                ),
                _ => S::Unknown,
            },
            Call::Vec => match a {
                S::Mat(r, c) => S::Mat(Dim::product(&self.resolve(&r), &self.resolve(&c)), ONE),
                other => other,
            },
            Call::Diag => {
                self.column(&a);
                match a {
                    S::Mat(r, _) => S::Mat(r.clone(), r),
                    other => other,
                }
            }
            Call::Diagonal => {
                self.square(&a);
                match a {
                    S::Mat(r, _) => S::Mat(r, ONE),
                    other => other,
                }
            }
            // `shape::rules::softmax_operand`: a vector. A row stays a row; anything not yet
            // known to be one becomes a column.
            Call::Softmax => {
                if let S::Mat(r, c) = &a {
                    if !self.resolve(r).is_one() && !self.resolve(c).is_one() {
                        self.column(&a);
                    }
                }
                a
            }
            Call::Map(_) | Call::SoftmaxCols | Call::SoftmaxRows => a,
            Call::LogsumexpCols => match a {
                S::Mat(_, c) => S::Mat(ONE, c),
                other => other,
            },
            Call::LogsumexpRows => match a {
                S::Mat(r, _) => S::Mat(r, ONE),
                other => other,
            },
            Call::Cholesky => {
                self.square(&a);
                a
            }
            Call::Solve => {
                self.square(&a);
                match (&a, b) {
                    (S::Mat(r, _), Some(S::Mat(rb, _))) => {
                        self.unify(r, rb);
                        b.cloned().unwrap_or(S::Unknown)
                    }
                    _ => b.cloned().unwrap_or(S::Unknown),
                }
            }
            Call::Powf => {
                if let Some(p) = b {
                    self.scalar(p);
                }
                a
            }
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
