//! Validation of what the attributes ask and of the item they sit on, before and beside the
//! engine's own checks: each problem that would otherwise surface as an error inside the
//! generated code (a duplicate `NAME_grad`, a `const fn` calling run-time numerics, `-> ()`) is
//! reported here at the user's token.

use syn::ext::IdentExt;

use super::{Derivative, Misuse, Request};
use crate::ast;
use crate::ctxt::Ctxt;
use crate::parse;

/// Problems of the item as a whole and of the attribute list.
pub(super) fn item(item: &syn::ItemFn, requests: &[Request]) -> Result<(), syn::Error> {
    let mut cx = Ctxt::new();
    for attr in &item.attrs {
        if matches!(attr.style, syn::AttrStyle::Inner(_)) {
            cx.error_spanned_by(
                attr,
                "inner attributes (`#![..]`) are not supported in a matcalc body: put the \
                 attribute on the function (`#[..]` before `fn`)",
            );
        }
    }
    if let Some(constness) = &item.sig.constness {
        cx.error_spanned_by(
            constness,
            "a matcalc function cannot be a `const fn`: its generated code calls run-time \
             numerics; remove `const`",
        );
    }
    if let syn::ReturnType::Type(_, ty) = &item.sig.output {
        if matches!(&**ty, syn::Type::Tuple(t) if t.elems.is_empty()) {
            cx.error_spanned_by(
                ty,
                "a matcalc function returns the value it computes: write its type (`f64`, \
                 `Matrix<..>`) instead of `()`",
            );
        }
    }
    for (i, request) in requests.iter().enumerate() {
        if requests[..i].iter().any(|r| r.kind == request.kind) {
            let kind = request.kind.attribute();
            cx.push(syn::Error::new(
                request.span,
                format!(
                    "`#[{kind}]` is given twice on `{}`; both would define `{}_{kind}`: list \
                     every parameter in one attribute, e.g. `#[{kind}(X, Y)]`",
                    item.sig.ident.unraw(),
                    item.sig.ident.unraw()
                ),
            ));
        }
    }
    cx.check()
}

/// Maps each request's parameter names to parameter indices, reporting unknown names and
/// names given twice.
pub(super) fn resolve_wrt(
    function: &ast::Function,
    requests: &[Request],
) -> Result<Vec<Vec<usize>>, syn::Error> {
    let mut cx = Ctxt::new();
    let names: Vec<&str> = function.params.iter().map(|p| p.name.as_str()).collect();
    let mut resolved = Vec::new();
    for request in requests {
        if request.wrt.is_empty() {
            cx.push(syn::Error::new(
                request.span,
                format!(
                    "`#[{}]` needs the parameters to differentiate with respect to, e.g. `#[{}({})]`",
                    request.kind.attribute(),
                    request.kind.attribute(),
                    names.first().copied().unwrap_or("X")
                ),
            ));
        }
        let mut indices = Vec::new();
        for ident in &request.wrt {
            let name = ident.unraw().to_string();
            match names.iter().position(|n| *n == name) {
                Some(i) if indices.contains(&i) => cx.push(syn::Error::new(
                    ident.span(),
                    format!(
                        "`{name}` is named twice in `#[{}]`; each parameter gets one derivative",
                        request.kind.attribute()
                    ),
                )),
                Some(i) => indices.push(i),
                None => cx.push(syn::Error::new(
                    ident.span(),
                    format!(
                        "`{name}` is not a parameter of `{}`; its parameters are {}",
                        function.name,
                        list(&names)
                    ),
                )),
            }
        }
        resolved.push(indices);
    }
    outside_reads(function, requests, &resolved, &mut cx);
    cx.check()?;
    Ok(resolved)
}

/// Outside data must not read a differentiated parameter: matcalc cannot see how the data
/// depends on it, so the derivative would silently miss that path.
fn outside_reads(
    function: &ast::Function,
    requests: &[Request],
    wrts: &[Vec<usize>],
    cx: &mut Ctxt,
) {
    for outside in &function.outside {
        for &(param, span) in &outside.params {
            let Some(request) = wrts.iter().position(|w| w.contains(&param)) else {
                continue;
            };
            let name = &function.params[param].name;
            cx.push(syn::Error::new(
                span,
                format!(
                    "`{name}` is differentiated (`#[{}({name})]`), but `let {}: ..` reads it in \
                     an expression outside the DSL, where matcalc cannot follow it: the \
                     derivative would miss that dependence. Compute `{}` from `{name}` in the \
                     DSL (views, `matrix![..]`, DSL functions), or pass it as a parameter that \
                     is not differentiated",
                    requests[request].kind.attribute(),
                    outside.name,
                    outside.name
                ),
            ));
        }
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a request `derive` refused, at the user's token: the body for a scalar
/// requirement, the first parameter too many for a one-parameter kind.
pub(super) fn misuse(function: &ast::Function, request: &Request, misuse: Misuse) -> syn::Error {
    let kind = request.kind.attribute();
    match misuse {
        Misuse::NotScalar(shape) => {
            let instead = match request.kind {
                Derivative::Hvp => "`#[jvp]` or `#[vjp]`",
                _ => "`#[jacobian]`",
            };
            function.body.error(format!(
                "`#[{kind}]` needs a scalar body, but this body is {shape}; use {instead} for a matrix-valued function"
            ))
        }
        Misuse::NotOneParameter(n) => {
            let span = request
                .wrt
                .get(1)
                .map_or(request.span, |extra| extra.span());
            let why = match request.kind {
                Derivative::Hessian => "the Hessian is over vec of it",
                Derivative::Vjp => "the product has its shape",
                Derivative::Jvp => "the tangent has its shape",
                _ => "v has its shape",
            };
            syn::Error::new(
                span,
                format!("`#[{kind}]` takes exactly one parameter ({why}), but {n} were given"),
            )
        }
    }
}

pub(super) fn missing_return_type(
    function: &ast::Function,
    item: &syn::ItemFn,
    kind: Derivative,
) -> syn::Error {
    let float = parse::float_name(function.scalar);
    let what = match kind {
        _ if kind.needs_scalar() => format!("`-> {float}` (the scalar it computes)"),
        _ => format!("`-> {float}` or the matrix type the body computes"),
    };
    syn::Error::new(
        item.sig.ident.span(),
        format!(
            "`#[{}]` needs the return type of `{}`: add {what}",
            kind.attribute(),
            function.name
        ),
    )
}
