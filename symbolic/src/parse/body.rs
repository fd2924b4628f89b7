//! The body half of `parse`: `let` bindings and the final expression, turned into `ast::Expr`
//! trees with resolved names and DSL functions. Anything outside the DSL is reported at its span
//! with what is supported; parsing continues past errors so that all of them are reported.

use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{BinOp, Pat, Stmt, UnOp};

use super::constants::Constant;
use super::dsl::{builtin, did_you_mean, Builtin, Form, FUNCTIONS, METHODS};
use super::signature::{dsl_type, Signature};
use super::text::{abbreviate, first_span, last_span, Texts};
use super::{float_name, tokens_text};
use crate::ast::{Assembly, BinaryOp, Expr, ExprKind, Let, Outside, TypeDecl};
use crate::ctxt::Ctxt;
use crate::ir::ScalarType;

pub(super) use calls::Calls;
pub use calls::{is_call_path, path_text, CalleeDef};

mod calls;
mod hints;
mod loops;
mod outside;
mod views;

const SUPPORTED: &str = "a matcalc body is `let` bindings followed by a final expression built \
     from the parameters, number literals, `+ - * /`, unary `-`, parentheses and the functions tr, \
     sum, det, logdet, inv, dot, norm, norm_sq, hadamard, elem_div, kron, vec, diag, diagonal, \
     exp, log, sin, cos, tan, tanh, sqrt, abs, sigmoid, softplus, relu, powi, powf, matpow, \
     softmax, logsumexp, eye, ones, zeros (also as methods: `A.t()`, `A.dot(&B)`)";

/// The deepest nesting of operations a body may have, counting through `let` bindings (`let
/// y = exp(y);` makes `y` one level deeper than the `y` it reads). Every later stage recurses at
/// most about this deep (a small multiple for derivatives), which keeps the macro far from the
/// compiler's stack limit; README "Known limitations" states it.
pub const MAX_DEPTH: usize = 256;

/// A chain `a + b - c + ..` or `a * b * ..` of more terms than this is grouped into a balanced
/// tree, so that its depth grows with the logarithm of its length (long sums stay far below
/// `MAX_DEPTH`). Shorter chains keep Rust's left-to-right grouping.
const BALANCE_ABOVE: usize = 32;

/// Parses the body. `None` only after an error was pushed.
pub(super) fn body(
    block: &syn::Block,
    sig: &Signature,
    calls: &mut Calls<'_>,
    errors: &mut Ctxt,
) -> Option<(Vec<Let>, Expr, Vec<Outside>)> {
    let mut scope = Scope {
        sig,
        calls: Calls::new(calls.table, calls.in_method),
        outside: Vec::new(),
        lets: Vec::new(),
        let_depths: Vec::new(),
        bindings: Vec::new(),
        loops: loops::Loops::default(),
        depth: 0,
        deepest: 0,
        texts: Texts::default(),
        errors,
    };
    let mut last = None;
    // A stray `;` is an empty statement in Rust; it changes nothing here either.
    let stmts: Vec<&Stmt> = block
        .stmts
        .iter()
        .filter(|stmt| !matches!(stmt, Stmt::Expr(syn::Expr::Verbatim(v), Some(_)) if v.is_empty()))
        .collect();
    let count = stmts.len();
    for (i, stmt) in stmts.into_iter().enumerate() {
        let is_last = i + 1 == count;
        scope.reject_attributes(stmt_attrs(stmt));
        scope.deepest = 0;
        match stmt {
            Stmt::Local(local) => {
                scope.let_statement(local);
                if is_last {
                    scope.error(local, "the body ends with a `let`: a final expression is needed, the value of the function");
                }
            }
            Stmt::Expr(syn::Expr::Return(ret), _) if is_last => match &ret.expr {
                Some(value) => last = scope.expr(value),
                None => scope.error(ret, "`return` needs a value"),
            },
            Stmt::Expr(syn::Expr::Return(ret), _) => scope.error(
                ret,
                "`return` is only supported as the last statement of the body",
            ),
            // Loops and assignments (reference §4b), unrolled into `let`s by `loops`.
            Stmt::Expr(value, _) if loops::is_loop_statement(value) => {
                scope.loop_statement(value, is_last)
            }
            Stmt::Expr(value, None) if is_last => last = scope.expr(value),
            Stmt::Expr(value, Some(semi)) if is_last && unsupported_kind(value).is_none() => {
                scope.expr(value);
                scope.error(semi, "the final expression ends with `;`: remove it so that the body returns the value");
            }
            Stmt::Expr(value, _) => {
                let what = unsupported_kind(value).unwrap_or("an expression statement");
                scope.error(value, format!("{what} is not supported here: {SUPPORTED}"));
            }
            Stmt::Item(item) => scope.error(
                item,
                format!("items inside the body are not supported: {SUPPORTED}"),
            ),
            // `matrix![..]` as the final expression is a macro statement to syn.
            Stmt::Macro(mac)
                if is_last && mac.semi_token.is_none() && views::is_matrix_macro(&mac.mac) =>
            {
                let e = syn::Expr::Macro(syn::ExprMacro {
                    attrs: Vec::new(),
                    mac: mac.mac.clone(),
                });
                last = scope.expr(&e);
            }
            Stmt::Macro(mac) => scope.error(
                mac,
                format!(
                    "macro `{}!` is not supported: {SUPPORTED}",
                    tokens_text(&mac.mac.path)
                ),
            ),
        }
    }
    if count == 0 {
        scope.error(
            block,
            "the body is empty: it needs a final expression, the value of the function",
        );
    }
    calls.pending = std::mem::take(&mut scope.calls.pending);
    calls.invoked = std::mem::take(&mut scope.calls.invoked);
    let body = last?;
    let lets: Option<Vec<Let>> = std::mem::take(&mut scope.bindings).into_iter().collect();
    Some((lets?, body, scope.outside))
}

/// The attributes written on a statement.
fn stmt_attrs(stmt: &Stmt) -> &[syn::Attribute] {
    match stmt {
        Stmt::Local(local) => &local.attrs,
        Stmt::Macro(mac) => &mac.attrs,
        Stmt::Expr(e, _) => expr_attrs(e),
        Stmt::Item(_) => &[],
    }
}

/// The outer attributes of the expressions the DSL reads (others are rejected as a whole).
fn expr_attrs(e: &syn::Expr) -> &[syn::Attribute] {
    match e {
        syn::Expr::Binary(x) => &x.attrs,
        syn::Expr::Unary(x) => &x.attrs,
        syn::Expr::Call(x) => &x.attrs,
        syn::Expr::MethodCall(x) => &x.attrs,
        syn::Expr::Lit(x) => &x.attrs,
        syn::Expr::Path(x) => &x.attrs,
        syn::Expr::Paren(x) => &x.attrs,
        syn::Expr::Reference(x) => &x.attrs,
        syn::Expr::Group(x) => &x.attrs,
        syn::Expr::Return(x) => &x.attrs,
        _ => &[],
    }
}

/// Name resolution state: the signature and the `let` names bound so far (a later `let` of
/// the same name shadows an earlier one, as in Rust), with the nesting depth of each.
struct Scope<'a, 'e> {
    sig: &'a Signature,
    /// Calls of other matcalc functions: the definitions known, and those still to fetch.
    calls: Calls<'e>,
    /// Outside data bound so far (`let X: Matrix<..> = self.X;`).
    outside: Vec<Outside>,
    lets: Vec<String>,
    /// The operation depth of each `let` value, counted through the `let`s it reads.
    let_depths: Vec<usize>,
    /// The binding of each name in `lets` (`None` where its `let` failed).
    bindings: Vec<Option<Let>>,
    /// `let mut` bindings and the loops being unrolled (`loops`).
    loops: loops::Loops,
    /// Syntactic nesting of the expression being parsed (bounds this parser's recursion).
    depth: usize,
    /// The deepest level reached in the current statement, through `let`s included.
    deepest: usize,
    texts: Texts,
    errors: &'e mut Ctxt,
}

/// An operator a chain of the same precedence associates over: `+`/`-`, or `*`.
fn chain_op(op: &BinOp) -> Option<BinaryOp> {
    match op {
        BinOp::Add(_) => Some(BinaryOp::Add),
        BinOp::Sub(_) => Some(BinaryOp::Sub),
        BinOp::Mul(_) => Some(BinaryOp::Mul),
        _ => None,
    }
}

fn is_additive(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Add | BinaryOp::Sub)
}

fn op_text(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
    }
}

/// `left op right` as one node, spanning both.
fn binary_node(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let text = abbreviate(format!("{} {} {}", left.text, op_text(op), right.text));
    Expr {
        span: left.span,
        span_end: right.span_end,
        text,
        kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
    }
}

/// Σ or Π of `terms` (each with the operator before it; the first one's is ignored) as a
/// balanced tree. A subtraction in front of a group flips the signs inside it:
/// a − b + c − d is grouped as (a − b) − (c − d).
fn balanced(mut terms: Vec<(BinaryOp, Expr)>) -> Expr {
    if terms.len() == 1 {
        return terms.pop().map(|(_, e)| e).expect("one term");
    }
    let right = terms.split_off(terms.len() / 2);
    let op = right[0].0;
    let right: Vec<(BinaryOp, Expr)> = if op == BinaryOp::Sub {
        right
            .into_iter()
            .map(|(o, e)| {
                let flipped = match o {
                    BinaryOp::Add => BinaryOp::Sub,
                    BinaryOp::Sub => BinaryOp::Add,
                    other => other,
                };
                (flipped, e)
            })
            .collect()
    } else {
        right
    };
    binary_node(op, balanced(terms), balanced(right))
}

/// Tree height of a chain of `n` terms as built by `Scope::chain`.
fn chain_height(n: usize) -> usize {
    if n > BALANCE_ABOVE {
        (usize::BITS - (n - 1).leading_zeros()) as usize
    } else {
        n - 1
    }
}

impl Scope<'_, '_> {
    fn error(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Attributes on statements are rejected: `#[cfg(..)]` cannot be evaluated by a macro, and
    /// ignoring one would compute something other than what the user wrote.
    fn reject_attributes(&mut self, attrs: &[syn::Attribute]) {
        for attr in attrs {
            self.error(
                attr,
                format!(
                    "attributes inside a matcalc body are not supported: `{}` cannot be honoured \
                     by the macro (a `#[cfg]` cannot be evaluated at expansion); remove it, or \
                     put the `#[cfg]` on the whole function",
                    tokens_text(attr)
                ),
            );
        }
    }

    /// An error at `span` for an expression nested `depth` levels deep, above `MAX_DEPTH`.
    fn too_deep(&mut self, span: proc_macro2::Span, depth: usize) {
        self.errors.push(syn::Error::new(
            span,
            format!(
                "this expression is nested {depth} operations deep (counting through the `let` \
                 bindings it reads), above matcalc's limit of {MAX_DEPTH}: split it into \
                 smaller functions or shallower expressions{}",
                self.loops.depth_note()
            ),
        ));
    }

    /// A `let` statement: its names are bound, after the value is read.
    fn let_statement(&mut self, local: &syn::Local) {
        let mutable = loops::is_let_mut(local);
        for (name, binding) in self.local(local) {
            let index = self.lets.len();
            self.bind(name, binding, mutable.then_some(index));
        }
    }

    /// Binds `name` to `binding` (`None` after an error), as deep as the statement just read;
    /// `origin` is the `let mut` binding it is a value of, if any.
    fn bind(&mut self, name: String, binding: Option<Let>, origin: Option<usize>) {
        self.lets.push(name);
        self.let_depths.push(self.deepest);
        self.bindings.push(binding);
        self.loops.origins.push(origin);
    }

    /// The names a `let` binds, with the binding if it is valid. Names are returned even when
    /// the `let` failed, so later uses of them resolve instead of adding follow-up errors.
    fn local(&mut self, local: &syn::Local) -> Vec<(String, Option<Let>)> {
        let (pat, ty) = match &local.pat {
            Pat::Type(typed) => (&*typed.pat, Some(&*typed.ty)),
            pat => (pat, None),
        };
        let ident = match pat {
            Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => &ident.ident,
            _ => {
                self.error(
                    pat,
                    format!(
                        "unsupported pattern `{}`: a `let` binds a plain name (`let h = ..;`)",
                        tokens_text(pat)
                    ),
                );
                if let Some(init) = &local.init {
                    self.expr(&init.expr);
                }
                let mut names = Vec::new();
                bound_names(pat, &mut names);
                return names.into_iter().map(|name| (name, None)).collect();
            }
        };
        let declared = match ty {
            None | Some(syn::Type::Infer(_)) => None,
            Some(ty) => self.let_type(ty),
        };
        if let (Some(decl), Some(ty), Some(init)) = (&declared, ty, &local.init) {
            if self.is_outside(&init.expr) {
                let binding = self.outside_data(ident, decl, ty, &init.expr);
                return vec![(ident.unraw().to_string(), binding)];
            }
        }
        let value = match &local.init {
            None => {
                self.error(
                    local,
                    format!("`let {ident}` needs a value: `let {ident} = ..;`"),
                );
                None
            }
            Some(init) => {
                if let Some((else_token, _)) = &init.diverge {
                    self.error(else_token, "`let .. else` is not supported");
                }
                self.expr(&init.expr)
            }
        };
        let binding = value.map(|value| Let {
            name: ident.unraw().to_string(),
            span: ident.span(),
            value,
            declared,
            assigns: None,
            repeats: None,
        });
        vec![(ident.unraw().to_string(), binding)]
    }

    fn let_type(&mut self, ty: &syn::Type) -> Option<TypeDecl> {
        match dsl_type(ty, &self.sig.dims) {
            Ok(found) if found.float != self.sig.scalar => {
                self.error(
                    ty,
                    format!(
                        "this type uses {} but the function computes in {}",
                        float_name(found.float),
                        float_name(self.sig.scalar)
                    ),
                );
                None
            }
            Ok(found) => Some(TypeDecl {
                shape: found.shape,
                span: found.span,
            }),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    fn expr(&mut self, e: &syn::Expr) -> Option<Expr> {
        // `(x)`, `&x` (references are how Rust passes matrices: `A.dot(&B)`) and invisible
        // groups are `x` itself: no operation of their own, unwrapped without recursion.
        let mut e = e;
        loop {
            self.reject_attributes(expr_attrs(e));
            e = match e {
                syn::Expr::Paren(inner) => &inner.expr,
                syn::Expr::Group(inner) => &inner.expr,
                syn::Expr::Reference(inner) => &inner.expr,
                _ => break,
            };
        }
        // `depth` operations enclose this one; a leaf at that level makes the whole
        // expression `depth` operations deep.
        if self.depth > MAX_DEPTH {
            // Only the first token: quoting the whole expression would walk all of it.
            self.too_deep(first_span(e), self.depth);
            return None;
        }
        self.deepest = self.deepest.max(self.depth);
        self.depth += 1;
        let parsed = self.expr_at_depth(e);
        self.depth -= 1;
        if let Some(parsed) = &parsed {
            self.texts.remember(e, &parsed.text);
        }
        parsed
    }

    /// A chain `t₀ op t₁ op ..` of one precedence level, read along its left spine without
    /// recursion; a long one is grouped into a balanced tree.
    fn chain(&mut self, e: &syn::Expr) -> Option<Expr> {
        let mut spine = Vec::new();
        let mut first = e;
        let mut additive = None;
        while let syn::Expr::Binary(b) = first {
            let Some(op) = chain_op(&b.op) else { break };
            if *additive.get_or_insert(is_additive(op)) != is_additive(op) || !b.attrs.is_empty() {
                break;
            }
            spine.push((op, &*b.right));
            first = &b.left;
        }
        spine.reverse();
        let height = chain_height(spine.len() + 1);
        // Terms sit `height` levels below this node.
        let saved = self.depth;
        self.depth += height.saturating_sub(1);
        let first = self.expr(first);
        let rest: Vec<(BinaryOp, Option<Expr>)> = spine
            .iter()
            .map(|&(op, term)| (op, self.expr(term)))
            .collect();
        self.depth = saved;
        let mut terms = vec![(BinaryOp::Add, first?)];
        for (op, term) in rest {
            terms.push((op, term?));
        }
        let mut node = if terms.len() > BALANCE_ABOVE {
            balanced(terms)
        } else {
            let mut terms = terms.into_iter();
            let (_, mut node) = terms.next().expect("a chain has a first term");
            for (op, term) in terms {
                node = binary_node(op, node, term);
            }
            node
        };
        // The whole chain quotes as written (with the user's grouping).
        node.text = self.texts.of(e);
        Some(node)
    }

    fn expr_at_depth(&mut self, e: &syn::Expr) -> Option<Expr> {
        let kind = match e {
            syn::Expr::Binary(binary) if chain_op(&binary.op).is_some() => return self.chain(e),
            syn::Expr::Lit(lit) => ExprKind::Literal(self.literal(&lit.lit)?),
            syn::Expr::Path(path) => self.variable(path)?,
            syn::Expr::Unary(unary) => match unary.op {
                UnOp::Neg(_) => ExprKind::Neg(Box::new(self.expr(&unary.expr)?)),
                _ => {
                    self.error(
                        e,
                        format!(
                            "the operator `{}` is not supported: {SUPPORTED}",
                            unary.op.to_token_stream()
                        ),
                    );
                    return None;
                }
            },
            syn::Expr::Binary(binary) => {
                let op = match binary.op {
                    BinOp::Add(_) => Some(BinaryOp::Add),
                    BinOp::Sub(_) => Some(BinaryOp::Sub),
                    BinOp::Mul(_) => Some(BinaryOp::Mul),
                    BinOp::Div(_) => Some(BinaryOp::Div),
                    _ => None,
                };
                if op.is_none() {
                    self.error(
                        binary.op,
                        format!(
                            "the operator `{}` is not supported: {SUPPORTED}",
                            binary.op.to_token_stream()
                        ),
                    );
                }
                // Both sides are parsed even when the operator is unsupported, to report their
                // errors too.
                let left = self.expr(&binary.left);
                let right = self.expr(&binary.right);
                ExprKind::Binary(op?, Box::new(left?), Box::new(right?))
            }
            syn::Expr::Call(call) => self.call(e, call)?,
            syn::Expr::Index(idx) => self.indexing(idx)?,
            syn::Expr::Macro(m) if views::is_matrix_macro(&m.mac) => self.matrix_macro(&m.mac)?,
            syn::Expr::MethodCall(call)
                if views::VIEW_METHODS.contains(&call.method.unraw().to_string().as_str()) =>
            {
                self.view_method(call, &call.method.unraw().to_string())?
            }
            syn::Expr::MethodCall(call) => {
                if let Some(turbofish) = &call.turbofish {
                    self.error(turbofish, "type arguments are not supported on DSL methods");
                }
                let operands: Vec<&syn::Expr> =
                    std::iter::once(&*call.receiver).chain(&call.args).collect();
                let name = call.method.unraw().to_string();
                match builtin(&name, Form::Method) {
                    Some(found) => self.apply(e, &name, found, Form::Method, &operands)?,
                    None if hints::function(&name).is_some() => {
                        let message = hints::function(&name).unwrap_or_default();
                        self.error(&call.method, message);
                        for operand in operands {
                            self.expr(operand);
                        }
                        return None;
                    }
                    None => {
                        let hint = hint(did_you_mean(&name, Form::Method));
                        self.error(&call.method, format!("unknown method `.{name}()`{hint}: the matcalc DSL supports the methods {METHODS}"));
                        for operand in operands {
                            self.expr(operand);
                        }
                        return None;
                    }
                }
            }
            other => {
                if let Some(message) = hints::expression(other) {
                    self.error(other, message);
                    return None;
                }
                let what = unsupported_kind(other).unwrap_or("this expression");
                self.error(other, format!("{what} is not supported: {SUPPORTED}"));
                return None;
            }
        };
        // The first and last token, so that `Expr::error` covers the whole expression also on
        // stable Rust, where spans cannot be joined.
        Some(Expr {
            kind,
            span: first_span(e),
            span_end: last_span(e),
            text: self.texts.of(e),
        })
    }

    fn call(&mut self, e: &syn::Expr, call: &syn::ExprCall) -> Option<ExprKind> {
        let operands: Vec<&syn::Expr> = call.args.iter().collect();
        let function = match &*call.func {
            syn::Expr::Path(path) if path.qself.is_none() => path.path.segments.last(),
            _ => None,
        };
        let Some(segment) = function else {
            self.error(
                &call.func,
                format!("only DSL functions can be called: {SUPPORTED}"),
            );
            return None;
        };
        if !segment.arguments.is_empty() {
            self.error(&segment.arguments, "type arguments are not supported on DSL functions; the shapes of `eye()`, `ones()` and `zeros()` come from context");
        }
        let name = segment.ident.unraw().to_string();
        match name.as_str() {
            "vstack" => return self.stack(call, Assembly::VStack, "vstack"),
            "hstack" => return self.stack(call, Assembly::HStack, "hstack"),
            _ => {}
        }
        if let Some(message) = hints::function(&name) {
            // The operands are not read: a constructor's closure or slice is no DSL.
            self.error(&segment.ident, message);
            return None;
        }
        match builtin(&name, Form::Function) {
            Some(found) => self.apply(e, &name, found, Form::Function, &operands),
            None => {
                if let Some(kind) = self.invoke(e, call) {
                    return kind;
                }
                let hint = hint(did_you_mean(&name, Form::Function));
                self.error(
                    &segment.ident,
                    format!(
                        "unknown function `{name}`{hint}: the matcalc DSL supports {FUNCTIONS}"
                    ),
                );
                for operand in operands {
                    self.expr(operand);
                }
                None
            }
        }
    }

    /// A DSL function or method applied to `operands` (for methods, the receiver first).
    fn apply(
        &mut self,
        e: &syn::Expr,
        name: &str,
        found: Builtin,
        form: Form,
        operands: &[&syn::Expr],
    ) -> Option<ExprKind> {
        let names: &[&str] = match found {
            Builtin::Op(_, names) => names,
            Builtin::IntPower(_) => &["A", "k"],
            Builtin::Constant(_) => &[],
        };
        if operands.len() != names.len() {
            let (usage, expected) = match form {
                Form::Function => (format!("{name}({})", names.join(", ")), names.len()),
                Form::Method => {
                    let rest = names.get(1..).unwrap_or_default().join(", ");
                    (
                        format!("{}.{name}({rest})", names.first().unwrap_or(&"A")),
                        names.len().saturating_sub(1),
                    )
                }
            };
            let given = match form {
                Form::Function => operands.len(),
                Form::Method => operands.len() - 1,
            };
            let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
            let was = if given == 1 { "was" } else { "were" };
            self.error(
                e,
                format!(
                    "`{usage}` takes {expected} {}, but {given} {was} given",
                    plural(expected)
                ),
            );
            for operand in operands {
                self.expr(operand);
            }
            return None;
        }
        match found {
            Builtin::Constant(kind) => Some(ExprKind::Constant(kind)),
            Builtin::Op(call, _) => {
                let args: Vec<Option<Expr>> = operands.iter().map(|a| self.expr(a)).collect();
                Some(ExprKind::Call(
                    call,
                    args.into_iter().collect::<Option<_>>()?,
                ))
            }
            Builtin::IntPower(call) => {
                let base = self.expr(operands[0]);
                let exponent = match int_literal(operands[1]) {
                    Ok(k) => Some(k),
                    Err(()) => {
                        let real = if name == "powi" {
                            "; for a real exponent use `powf(A, p)`"
                        } else {
                            ""
                        };
                        self.error(operands[1], format!(
                            "the exponent of `{name}` must be an integer literal such as `2` or `-1`{real}"
                        ));
                        None
                    }
                };
                Some(ExprKind::Call(call(exponent?), vec![base?]))
            }
        }
    }

    fn variable(&mut self, path: &syn::ExprPath) -> Option<ExprKind> {
        if let (None, Some(ident)) = (&path.qself, path.path.get_ident()) {
            // `r#x` and `x` are the same name.
            let name = ident.unraw().to_string();
            if let Some(t) = self.loop_value(&name) {
                // A loop variable read as a number (`0.9 * t`), like an integer literal.
                return Some(ExprKind::Literal(t as f64));
            }
            if let Some(i) = self.lets.iter().rposition(|bound| *bound == name) {
                // `expr` has counted this leaf's level already.
                let level = self.depth.saturating_sub(1);
                let depth = level + self.let_depths.get(i).copied().unwrap_or(0);
                if depth > MAX_DEPTH {
                    self.too_deep(ident.span(), depth);
                    return None;
                }
                self.deepest = self.deepest.max(depth);
                return Some(ExprKind::Local(i));
            }
            if let Some(i) = self.sig.params.iter().position(|p| p.name == name) {
                return Some(ExprKind::Param(i));
            }
            if builtin(&name, Form::Function).is_some() {
                self.error(
                    path,
                    format!("`{name}` is a function: call it, e.g. `{name}(..)`"),
                );
                return None;
            }
        }
        if path.qself.is_none() {
            if let Some(Constant { path, value }) =
                super::constants::resolve(&path.path, &self.sig.dims)
            {
                return Some(ExprKind::NamedConst(path, value));
            }
        }
        let params: Vec<&str> = self.sig.params.iter().map(|p| p.name.as_str()).collect();
        let mut known = format!("the parameters ({})", params.join(", "));
        if !self.lets.is_empty() {
            known += &format!(
                " and the `let` bindings before it ({})",
                self.lets.join(", ")
            );
        }
        self.error(
            path,
            format!(
                "unknown variable `{}`: an expression can use {known}",
                tokens_text(path)
            ),
        );
        None
    }

    fn literal(&mut self, lit: &syn::Lit) -> Option<f64> {
        let (digits, suffix) = match lit {
            syn::Lit::Float(float) => (float.base10_digits(), float.suffix()),
            syn::Lit::Int(int) => (int.base10_digits(), int.suffix()),
            _ => {
                self.error(
                    lit,
                    format!(
                        "`{}` is not a number: the DSL supports float and integer literals",
                        tokens_text(lit)
                    ),
                );
                return None;
            }
        };
        let float = match suffix {
            "" => None,
            "f64" => Some(ScalarType::F64),
            "f32" => Some(ScalarType::F32),
            _ => {
                self.error(
                    lit,
                    format!(
                        "literal `{}`: numbers in the DSL are {}; write it without a suffix",
                        tokens_text(lit),
                        float_name(self.sig.scalar)
                    ),
                );
                return None;
            }
        };
        if let Some(float) = float.filter(|f| *f != self.sig.scalar) {
            self.error(
                lit,
                format!(
                    "literal `{}` is {} but the function computes in {}",
                    tokens_text(lit),
                    float_name(float),
                    float_name(self.sig.scalar)
                ),
            );
            return None;
        }
        match digits.parse::<f64>() {
            Ok(value)
                if value.is_finite()
                    && (self.sig.scalar == ScalarType::F64 || (value as f32).is_finite()) =>
            {
                Some(value)
            }
            _ => {
                self.error(
                    lit,
                    format!("literal `{}` is out of range", tokens_text(lit)),
                );
                None
            }
        }
    }
}

/// The names bound anywhere in a pattern.
fn bound_names(pat: &Pat, names: &mut Vec<String>) {
    match pat {
        Pat::Ident(ident) => names.push(ident.ident.unraw().to_string()),
        Pat::Tuple(tuple) => tuple.elems.iter().for_each(|p| bound_names(p, names)),
        Pat::TupleStruct(tuple) => tuple.elems.iter().for_each(|p| bound_names(p, names)),
        Pat::Slice(slice) => slice.elems.iter().for_each(|p| bound_names(p, names)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| bound_names(&f.pat, names)),
        Pat::Reference(r) => bound_names(&r.pat, names),
        Pat::Paren(p) => bound_names(&p.pat, names),
        Pat::Type(t) => bound_names(&t.pat, names),
        _ => {}
    }
}

fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// `2`, `-1`, `(3)`, `2_i32`: the integer exponent of `powi` and `matpow`.
fn int_literal(e: &syn::Expr) -> Result<i32, ()> {
    match e {
        syn::Expr::Paren(inner) => int_literal(&inner.expr),
        syn::Expr::Group(inner) => int_literal(&inner.expr),
        syn::Expr::Unary(syn::ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => int_literal(expr)?.checked_neg().ok_or(()),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) if int.suffix().is_empty() || int.suffix() == "i32" => {
            int.base10_parse::<i32>().map_err(|_| ())
        }
        _ => Err(()),
    }
}

/// What an unsupported expression is, for "`if` expressions are not supported".
fn unsupported_kind(e: &syn::Expr) -> Option<&'static str> {
    use syn::Expr::*;
    Some(match e {
        If(_) => "an `if` expression",
        Match(_) => "a `match` expression",
        ForLoop(_) | While(_) | Loop(_) => "a loop",
        Closure(_) => "a closure",
        Macro(_) => "a macro",
        Index(_) => "indexing",
        Cast(_) => "a cast (`as`)",
        Field(_) => "field access",
        Block(_) | Unsafe(_) | Const(_) => "a block",
        Array(_) | Repeat(_) => "an array",
        Tuple(_) => "a tuple",
        Range(_) => "a range",
        Struct(_) => "a struct literal",
        Try(_) | TryBlock(_) => "the `?` operator",
        Assign(_) => "an assignment",
        Async(_) | Await(_) => "async code",
        Break(_) | Continue(_) | Return(_) => "control flow",
        Let(_) => "a `let` expression",
        _ => return None,
    })
}
