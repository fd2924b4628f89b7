//! The body half of `parse`: `let` bindings and the final expression, turned into `ast::Expr`
//! trees with resolved names and DSL functions. Anything outside the DSL is reported at its span
//! with what is supported; parsing continues past errors so that all of them are reported.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{BinOp, Pat, Stmt, UnOp};

use super::constants::Constant;
use super::dsl::{builtin, did_you_mean, Builtin, Form, FUNCTIONS, METHODS};
use super::signature::{dsl_type, Signature};
use super::{float_name, span_range, tokens_text, Errors};
use crate::ast::{BinaryOp, Expr, ExprKind, Let, TypeDecl};
use crate::ir::ScalarType;

const SUPPORTED: &str = "a matcalc body is `let` bindings followed by a final expression built \
     from the parameters, number literals, `+ - * /`, unary `-`, parentheses and the functions tr, \
     sum, det, logdet, inv, dot, norm, norm_sq, hadamard, elem_div, kron, vec, diag, diagonal, \
     exp, log, sin, cos, tan, tanh, sqrt, abs, sigmoid, softplus, relu, powi, powf, matpow, \
     softmax, logsumexp, eye, ones, zeros (also as methods: `A.t()`, `A.dot(&B)`)";

/// Parses the body. `None` only after an error was pushed.
pub(super) fn body(
    block: &syn::Block,
    sig: &Signature,
    errors: &mut Errors,
) -> Option<(Vec<Let>, Expr)> {
    let mut scope = Scope {
        sig,
        lets: Vec::new(),
        errors,
    };
    let mut lets = Vec::new();
    let mut last = None;
    let count = block.stmts.len();
    for (i, stmt) in block.stmts.iter().enumerate() {
        let is_last = i + 1 == count;
        match stmt {
            Stmt::Local(local) => {
                for (name, binding) in scope.local(local) {
                    scope.lets.push(name);
                    lets.push(binding);
                }
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
    let body = last?;
    let lets: Option<Vec<Let>> = lets.into_iter().collect();
    Some((lets?, body))
}

/// Name resolution state: the signature and the `let` names bound so far (a later `let` of
/// the same name shadows an earlier one, as in Rust).
struct Scope<'a, 'e> {
    sig: &'a Signature,
    lets: Vec<String>,
    errors: &'e mut Errors,
}

impl Scope<'_, '_> {
    fn error(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
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
            name: ident.to_string(),
            span: ident.span(),
            value,
            declared,
        });
        vec![(ident.to_string(), binding)]
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
                kind: found.kind,
                span: found.span,
            }),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    fn expr(&mut self, e: &syn::Expr) -> Option<Expr> {
        let kind = match e {
            syn::Expr::Paren(inner) => return self.expr(&inner.expr),
            syn::Expr::Group(inner) => return self.expr(&inner.expr),
            // `&B` in `A.dot(&B)`: references are how Rust passes matrices; the value is the same.
            syn::Expr::Reference(inner) => return self.expr(&inner.expr),
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
            syn::Expr::MethodCall(call) => {
                if let Some(turbofish) = &call.turbofish {
                    self.error(turbofish, "type arguments are not supported on DSL methods");
                }
                let operands: Vec<&syn::Expr> =
                    std::iter::once(&*call.receiver).chain(&call.args).collect();
                let name = call.method.to_string();
                match builtin(&name, Form::Method) {
                    Some(found) => self.apply(e, &name, found, Form::Method, &operands)?,
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
                let what = unsupported_kind(other).unwrap_or("this expression");
                self.error(other, format!("{what} is not supported: {SUPPORTED}"));
                return None;
            }
        };
        // `Spanned::span` joins the tokens where the compiler can (nightly); `span_end` lets
        // `Expr::error` cover the whole expression on stable too.
        let (span, span_end) = (e.span(), span_range(e).1);
        Some(Expr {
            kind,
            span,
            span_end,
            text: source(e),
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
        let name = segment.ident.to_string();
        match builtin(&name, Form::Function) {
            Some(found) => self.apply(e, &name, found, Form::Function, &operands),
            None => {
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
            if let Some(i) = self.lets.iter().rposition(|name| ident == name) {
                return Some(ExprKind::Local(i));
            }
            if let Some(i) = self.sig.params.iter().position(|p| ident == &p.name) {
                return Some(ExprKind::Param(i));
            }
            let name = ident.to_string();
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
            Ok(value) if value.is_finite() => Some(value),
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
        Pat::Ident(ident) => names.push(ident.ident.to_string()),
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

/// The source text of a DSL expression with normalised spacing (`X * Y`, `A.t()`, `tr(A)`),
/// keeping the parentheses and `&` the user wrote.
pub(crate) fn source(e: &syn::Expr) -> String {
    let list = |args: &mut dyn Iterator<Item = &syn::Expr>| {
        args.map(source).collect::<Vec<_>>().join(", ")
    };
    match e {
        syn::Expr::Binary(b) => format!(
            "{} {} {}",
            source(&b.left),
            b.op.to_token_stream(),
            source(&b.right)
        ),
        syn::Expr::Unary(u) => format!("{}{}", u.op.to_token_stream(), source(&u.expr)),
        syn::Expr::Paren(p) => format!("({})", source(&p.expr)),
        syn::Expr::Group(g) => source(&g.expr),
        syn::Expr::Reference(r) => {
            let mutability = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{mutability}{}", source(&r.expr))
        }
        syn::Expr::Call(c) => format!("{}({})", source(&c.func), list(&mut c.args.iter())),
        syn::Expr::MethodCall(m) => {
            let turbofish = m.turbofish.as_ref().map(tokens_text).unwrap_or_default();
            format!(
                "{}.{}{turbofish}({})",
                source(&m.receiver),
                m.method,
                list(&mut m.args.iter())
            )
        }
        other => tokens_text(other),
    }
}
