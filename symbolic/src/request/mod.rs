//! The entry point for tools that differentiate a bare expression instead of an annotated
//! function (the `matcalc` command-line tool): an expression in the DSL plus the shapes the user
//! declared become a synthetic DSL function, which then goes through the same `parse` and
//! `shape` stages as the attribute macros' input.
//!
//! Variables whose shape was not declared get fresh generic dimensions (`X_rows × X_cols`),
//! narrowed by `infer` where the expression determines them. Errors come back as messages with
//! byte ranges into the expression (spans carry positions when parsing outside a proc macro,
//! with proc-macro2's `span-locations` feature), ready for a diagnostics renderer.

pub(crate) mod infer;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::ops::Range;

use syn::visit::Visit;

use crate::ast;
use crate::ir::{Dim, Graph, NodeId, Shape};
use crate::{parse, shape};

/// A variable of the expression, in the order the synthetic function declares them: first
/// appearance in the expression, then declared variables the expression does not use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// Its name in the expression.
    pub name: String,
    /// The shape used: as declared, or as inferred (possibly with generic dimensions left).
    pub shape: Shape,
    /// Its shape was declared (`--shape`) rather than inferred.
    pub declared: bool,
}

/// An expression turned into a shaped graph, with the synthetic function it came from.
pub struct Prepared {
    /// `fn NAME<dims: Dim>(variables..) -> RET { expression }`: what a user would write under
    /// a matcalc attribute, so it can be fed to `generate::generate`. The return type is the
    /// value's type (`f64` for a scalar or, when a scalar was asked for, a 1×1 result).
    pub item: syn::ItemFn,
    /// `item` parsed.
    pub function: ast::Function,
    /// The shaped graph of the function.
    pub graph: Graph,
    /// The node of the expression's value.
    pub value: NodeId,
    /// The variables, in the function's parameter order.
    pub variables: Vec<Variable>,
    /// Generic dimensions, declared ones first, then those left over from inference.
    pub dims: Vec<String>,
}

/// One problem, with the byte range in the expression it points at (`None` when it is about
/// the synthetic signature rather than the expression).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The message, in words.
    pub message: String,
    /// The byte range in the expression it points at.
    pub range: Option<Range<usize>>,
}

/// Parses, infers and shape-checks `expr` (DSL body text: an expression, optionally preceded by
/// `let` bindings) with the shapes in `declared`. `name` names the synthetic function (it
/// appears in some messages and in generated code). `want_scalar` says the caller needs a scalar
/// (a gradient or Hessian): inference then takes a matrix result to be 1×1.
pub fn prepare(
    expr: &str,
    declared: &[(String, Shape)],
    name: &str,
    want_scalar: bool,
) -> Result<Prepared, Vec<Diagnostic>> {
    let block_src = format!("{{\n{expr}\n}}");
    let block: syn::Block =
        syn::parse_str(&block_src).map_err(|e| diagnostics(e, 2, expr.len()))?;
    let mut variables: Vec<Variable> = Vec::new();
    let mut push = |name: &str, shape: Option<&Shape>| {
        if variables.iter().any(|v| v.name == name) {
            return;
        }
        let (shape, declared) = match shape {
            Some(shape) => (shape.clone(), true),
            None => (
                Shape::Matrix(
                    Dim::Named(format!("{name}_rows")),
                    Dim::Named(format!("{name}_cols")),
                ),
                false,
            ),
        };
        variables.push(Variable {
            name: name.to_string(),
            shape,
            declared,
        });
    };
    for free in free_names(&block) {
        push(
            &free,
            declared.iter().find(|(n, _)| *n == free).map(|d| &d.1),
        );
    }
    for (n, shape) in declared {
        push(n, Some(shape));
    }
    let mut declared_dims = Vec::new();
    for v in variables.iter().filter(|v| v.declared) {
        named_dims(&v.shape, &mut declared_dims);
    }
    let fresh: HashSet<String> = variables
        .iter()
        .filter(|v| !v.declared)
        .flat_map(|v| {
            let mut dims = Vec::new();
            named_dims(&v.shape, &mut dims);
            dims
        })
        .collect();

    // Pass 1: parse with fresh dimensions, infer what the expression determines.
    let all_dims = |variables: &[Variable]| {
        let mut dims = declared_dims.clone();
        for v in variables {
            named_dims(&v.shape, &mut dims);
        }
        dims
    };
    let first = build(name, &all_dims(&variables), &variables, None, expr)?;
    let unifier = infer::Unifier::infer(&first.function, fresh, want_scalar);
    for v in variables.iter_mut().filter(|v| !v.declared) {
        if let Shape::Matrix(rows, cols) = &mut v.shape {
            *rows = unifier.resolve(rows);
            *cols = unifier.resolve(cols);
        }
    }
    let dims = all_dims(&variables);

    // Pass 2: shape-check for real, to learn the value's shape.
    let second = build(name, &dims, &variables, None, expr)?;
    let lowered = second.lower(expr)?;
    let returns = match lowered.graph.shape(lowered.value) {
        Shape::Scalar => Some("f64".to_string()),
        Shape::Matrix(r, c) if want_scalar && r.is_one() && c.is_one() => Some("f64".to_string()),
        // A product of generic dimensions (`kron`, `vec`) cannot be spelled in a return type
        // the parser reads: keep pass 2, without one.
        Shape::Matrix(Dim::Prod(..), _) | Shape::Matrix(_, Dim::Prod(..)) => None,
        Shape::Matrix(r, c) if c.is_one() => Some(format!("Vector<{}>", dim_type(r))),
        Shape::Matrix(r, c) => Some(format!("Matrix<{}, {}>", dim_type(r), dim_type(c))),
    };
    let Some(returns) = returns else {
        return Ok(Prepared {
            item: second.item,
            function: second.function,
            graph: lowered.graph,
            value: lowered.value,
            variables,
            dims,
        });
    };

    // Pass 3: the final function, with its return type (a 1×1 result then reads as a scalar).
    let last = build(name, &dims, &variables, Some(&returns), expr)?;
    let lowered = last.lower(expr)?;
    Ok(Prepared {
        item: last.item,
        function: last.function,
        graph: lowered.graph,
        value: lowered.value,
        variables,
        dims,
    })
}

/// The Rust spelling of a dimension in a parameter type: `U3`, `U<2000>`, `M`.
pub fn dim_type(d: &Dim) -> String {
    match d {
        Dim::Known(n) if *n <= 1024 => format!("U{n}"),
        Dim::Known(n) => format!("U<{n}>"),
        Dim::Named(s) => s.clone(),
        Dim::Prod(a, b) => format!("Prod<{}, {}>", dim_type(a), dim_type(b)),
    }
}

/// The Rust spelling of a variable's type: `f64`, `&Vector<U3>`, `&Matrix<M, N>`.
pub fn param_type(shape: &Shape) -> String {
    match shape {
        Shape::Scalar => "f64".to_string(),
        Shape::Matrix(rows, cols) if cols.is_one() => {
            format!("&Vector<{}>", dim_type(rows))
        }
        Shape::Matrix(rows, cols) => {
            format!("&Matrix<{}, {}>", dim_type(rows), dim_type(cols))
        }
    }
}

fn named_dims(shape: &Shape, out: &mut Vec<String>) {
    fn walk(d: &Dim, out: &mut Vec<String>) {
        match d {
            Dim::Named(n) if !out.contains(n) => out.push(n.clone()),
            Dim::Prod(a, b) => {
                walk(a, out);
                walk(b, out);
            }
            _ => {}
        }
    }
    if let Shape::Matrix(rows, cols) = shape {
        walk(rows, out);
        walk(cols, out);
    }
}

/// The synthetic function's source; it ends with the expression, a newline and `}`.
fn source(
    name: &str,
    dims: &[String],
    variables: &[Variable],
    returns: Option<&str>,
    expr: &str,
) -> String {
    let mut s = format!("fn {name}");
    if !dims.is_empty() {
        let bounded: Vec<String> = dims.iter().map(|d| format!("{d}: Dim")).collect();
        let _ = write!(s, "<{}>", bounded.join(", "));
    }
    let params: Vec<String> = variables
        .iter()
        .map(|v| format!("{}: {}", v.name, param_type(&v.shape)))
        .collect();
    let _ = write!(s, "({})", params.join(", "));
    if let Some(ret) = returns {
        let _ = write!(s, " -> {ret}");
    }
    s.push_str(" {\n");
    s.push_str(expr);
    s.push_str("\n}");
    s
}

/// The synthetic function parsed, with a way to map later errors about it to the expression.
struct Built {
    item: syn::ItemFn,
    function: ast::Function,
    prefix: usize,
}

impl Built {
    fn lower(&self, expr: &str) -> Result<shape::Lowered, Vec<Diagnostic>> {
        shape::lower(&self.function).map_err(|e| diagnostics(e, self.prefix, expr.len()))
    }
}

fn build(
    name: &str,
    dims: &[String],
    variables: &[Variable],
    returns: Option<&str>,
    expr: &str,
) -> Result<Built, Vec<Diagnostic>> {
    let src = source(name, dims, variables, returns, expr);
    let prefix = src.len() - expr.len() - 2;
    let map = |e| diagnostics(e, prefix, expr.len());
    let item: syn::ItemFn = syn::parse_str(&src).map_err(map)?;
    let function = parse::function(&item).map_err(map)?;
    Ok(Built {
        item,
        function,
        prefix,
    })
}

/// The engine's errors as messages with byte ranges into the expression, which starts at byte
/// `prefix` of the parsed source and is `len` bytes long.
fn diagnostics(e: syn::Error, prefix: usize, len: usize) -> Vec<Diagnostic> {
    e.into_iter()
        .map(|e| {
            // With `span-locations`, `span()` joins the first and last token of the offending
            // construct, and `byte_range` is relative to the parsed string.
            let range = e.span().byte_range();
            let inside = range.start >= prefix && range.end <= prefix + len;
            Diagnostic {
                range: inside.then(|| range.start - prefix..range.end - prefix),
                message: e.to_string(),
            }
        })
        .collect()
}

/// The variables of a body, in order of first appearance: single-segment paths that are not
/// the function of a call and not bound by a `let`.
fn free_names(block: &syn::Block) -> Vec<String> {
    #[derive(Default)]
    struct Names {
        found: Vec<String>,
        bound: Vec<String>,
    }
    impl<'ast> Visit<'ast> for Names {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            for arg in &call.args {
                self.visit_expr(arg);
            }
        }
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            if let (None, Some(ident)) = (&path.qself, path.path.get_ident()) {
                let name = ident.to_string();
                // `PI`, `E`: constants, unless declared as variables (added after).
                if !self.found.contains(&name)
                    && !self.bound.contains(&name)
                    && !crate::parse::is_standard_constant(&name)
                {
                    self.found.push(name);
                }
            }
        }
        fn visit_local(&mut self, local: &'ast syn::Local) {
            if let Some(init) = &local.init {
                self.visit_expr(&init.expr);
            }
            self.visit_pat(&local.pat);
        }
        fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
            self.bound.push(pat.ident.to_string());
        }
    }
    let mut names = Names::default();
    names.visit_block(block);
    names.found
}
