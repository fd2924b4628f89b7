//! Lowering of calls between DSL functions (reference §4b "Calls"): the callee's body is
//! inlined at the call, its parameters bound to the argument nodes, so derivatives and
//! simplification see through the call. The callee's generic dimensions are unified with the
//! arguments' shapes at each call (a generic callee is used at several shapes), and an argument
//! that does not fit is reported at the call, naming the callee's parameter and both shapes.

use super::{shape_words, Hint, Lowering};
use crate::ast::{Expr, Function, TypeDecl};
use crate::ir::{Dim, NodeId, Op, Shape};

/// Where the body being lowered is a callee: its argument nodes (`None` for the derived
/// function itself, whose parameters are graph parameters) and the values of its generic
/// dimensions at this call.
#[derive(Default)]
pub(super) struct Frame {
    pub args: Option<Vec<NodeId>>,
    dims: Vec<(String, Dim)>,
}

impl Frame {
    pub fn arg(&self, i: usize) -> Option<NodeId> {
        self.args.as_ref()?.get(i).copied()
    }

    /// `d` with the callee's generic dimensions replaced by their values at this call.
    pub fn dim(&self, d: &Dim) -> Dim {
        match d {
            Dim::Named(name) => self
                .dims
                .iter()
                .find(|(n, _)| n == name)
                .map_or_else(|| d.clone(), |(_, v)| v.clone()),
            Dim::Prod(a, b) => Dim::product(&self.dim(a), &self.dim(b)),
            Dim::Known(_) => d.clone(),
        }
    }

    pub fn shape(&self, s: &Shape) -> Shape {
        match s {
            Shape::Scalar => Shape::Scalar,
            Shape::Matrix(r, c) => Shape::Matrix(self.dim(r), self.dim(c)),
        }
    }

    pub fn declared(&self, d: &TypeDecl) -> TypeDecl {
        TypeDecl {
            shape: self.shape(&d.shape),
            span: d.span,
        }
    }
}

/// The values of a callee's generic dimensions, found from its arguments one by one.
struct Bindings<'f> {
    callee: &'f Function,
    values: Vec<(String, Dim)>,
}

impl Bindings<'_> {
    fn value(&self, name: &str) -> Option<&Dim> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Unifies the parameter's dimension `want` with the argument's `have`.
    fn unify(&mut self, want: &Dim, have: &Dim) -> bool {
        match want {
            Dim::Named(name) if self.callee.dims.contains(name) => match self.value(name) {
                Some(bound) => bound.equiv(have),
                None => {
                    self.values.push((name.clone(), have.clone()));
                    true
                }
            },
            _ => self.resolve(want).equiv(have),
        }
    }

    fn resolve(&self, d: &Dim) -> Dim {
        Frame {
            args: None,
            dims: self.values.clone(),
        }
        .dim(d)
    }

    /// What the context knows of an argument's shape before it is lowered (for `eye()`, ..).
    fn hint(&self, want: &Shape) -> Hint {
        match want {
            Shape::Scalar => Hint::Scalar,
            Shape::Matrix(r, c) => {
                let known = |d: &Dim| {
                    let d = self.resolve(d);
                    let generic = matches!(&d, Dim::Named(n) if self.callee.dims.contains(n));
                    (!generic).then_some(d)
                };
                Hint::Matrix(known(r), known(c))
            }
        }
    }

    /// `N = 3, M = 2`: the values found so far of the dimensions `want` names.
    fn explain(&self, want: &Shape) -> String {
        let mut names = Vec::new();
        if let Shape::Matrix(r, c) = want {
            for d in [r, c] {
                if let Dim::Named(n) = d {
                    if let Some(v) = self.value(n) {
                        let pair = format!("{n} = {v}");
                        if !names.contains(&pair) {
                            names.push(pair);
                        }
                    }
                }
            }
        }
        if names.is_empty() {
            String::new()
        } else {
            format!(" with {} from the arguments before it", names.join(", "))
        }
    }
}

impl<'a> Lowering<'a> {
    /// A call of `f.callees[index]` with `args`: the callee's body, inlined.
    pub(super) fn invoke(&mut self, e: &Expr, index: usize, args: &[Expr]) -> Option<NodeId> {
        let f: &'a Function = self.f;
        let callee = f.callees.get(index)?;
        let cf = &callee.function;
        let mut bindings = Bindings {
            callee: cf,
            values: Vec::new(),
        };
        let mut nodes = Vec::new();
        let mut failed = false;
        for (param, arg) in cf.params.iter().zip(args) {
            let hint = bindings.hint(&param.shape);
            let Some(id) = self.expr(arg, &hint) else {
                failed = true;
                continue;
            };
            let have = self.graph.shape(id).clone();
            let fitted = match (&param.shape, &have) {
                (Shape::Scalar, Shape::Scalar) => Some(id),
                (Shape::Scalar, Shape::Matrix(r, c)) if r.is_one() && c.is_one() => {
                    Some(self.graph.make(Op::ToScalar(id), arg.span))
                }
                (Shape::Matrix(r, c), Shape::Scalar)
                    if bindings.unify(r, &Dim::Known(1)) && bindings.unify(c, &Dim::Known(1)) =>
                {
                    Some(self.graph.make(Op::FromScalar(id), arg.span))
                }
                (Shape::Matrix(r, c), Shape::Matrix(hr, hc)) => {
                    let before = bindings.explain(&param.shape);
                    if bindings.unify(r, hr) && bindings.unify(c, hc) {
                        Some(id)
                    } else {
                        self.errors.push(arg.error(format!(
                            "shape mismatch in the call of `{}`: its parameter `{}` is {}{before}, \
                             but the argument `{}` is {}",
                            callee.name,
                            param.name,
                            shape_words(&param.shape),
                            arg.text,
                            shape_words(&have)
                        )));
                        None
                    }
                }
                _ => {
                    self.errors.push(arg.error(format!(
                        "shape mismatch in the call of `{}`: its parameter `{}` is {}, but the \
                         argument `{}` is {}",
                        callee.name,
                        param.name,
                        shape_words(&param.shape),
                        arg.text,
                        shape_words(&have)
                    )));
                    None
                }
            };
            match fitted {
                Some(id) => nodes.push(id),
                None => failed = true,
            }
        }
        if failed {
            return None;
        }
        if let Some(free) = cf.dims.iter().find(|d| bindings.value(d).is_none()) {
            self.errors.push(e.error(format!(
                "the call of `{}` leaves its dimension `{free}` undetermined: no parameter's type \
                 names it, so the arguments cannot fix it",
                callee.name
            )));
            return None;
        }
        // The callee's body, lowered in its own scope on the same graph.
        let frame = Frame {
            args: Some(nodes),
            dims: bindings.values,
        };
        let saved_frame = std::mem::replace(&mut self.frame, frame);
        let saved_locals = std::mem::take(&mut self.locals);
        let saved_errors = std::mem::take(&mut self.errors);
        self.f = cf;
        let value = self.function_body();
        self.f = f;
        self.locals = saved_locals;
        self.frame = saved_frame;
        let inside = std::mem::replace(&mut self.errors, saved_errors).check();
        // An error inside the callee's body is reported at the call: the callee's own expansion
        // reports it at its definition where it holds for every call, and one that holds only
        // for these arguments (a view out of range at this size) belongs to the call.
        if let Err(error) = inside {
            self.errors.push(e.error(format!(
                "in this call of `{}`, its body fails: {error}",
                callee.name
            )));
            return None;
        }
        value
    }
}
