//! The pipeline behind the attribute macros: for a DSL function and the derivatives asked of it,
//! run parse → shape → diff → emit and assemble the Rust items reference §5 promises (the original
//! function, re-emitted from the IR, and `NAME_grad` beside it), each with its formula as a doc
//! comment. The macro crate only turns tokens into a `Request` list and back.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

use crate::ast;
use crate::diff;
use crate::emit::{self, ParamAccess};
use crate::ir::{Dim, Graph, NodeId, Shape};
use crate::lower;
use crate::parse;
use crate::print;
use crate::shape;

/// Which derivative an attribute asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derivative {
    Grad,
    Jacobian,
    Hessian,
}

impl Derivative {
    pub fn attribute(self) -> &'static str {
        match self {
            Derivative::Grad => "grad",
            Derivative::Jacobian => "jacobian",
            Derivative::Hessian => "hessian",
        }
    }
}

/// One attribute on the function: `#[grad(X, Y)]`.
#[derive(Clone, Debug)]
pub struct Request {
    pub kind: Derivative,
    /// The parameters to differentiate with respect to, as written.
    pub wrt: Vec<syn::Ident>,
    /// The attribute, for errors about it as a whole.
    pub span: Span,
}

/// The items for `item` and `requests`: the original function (body re-emitted from the IR so
/// a 1×1 result reads as a scalar) and one generated function per request.
pub fn generate(item: &syn::ItemFn, requests: &[Request]) -> Result<TokenStream, syn::Error> {
    let function = parse::function(item)?;
    let lowered = shape::lower(&function)?;
    let mut graph = lowered.graph;
    let value = lowered.value;
    let wrts = resolve_wrt(&function, requests)?;

    let mut items = TokenStream::new();
    let original = assemble_original(item, &function, &graph, value);
    items.extend(original);
    for (request, wrt) in requests.iter().zip(&wrts) {
        items.extend(derived_function(
            item, &function, &mut graph, value, request, wrt,
        )?);
    }
    Ok(items)
}

/// What to emit when `generate` fails: the user's function as written and, for each request
/// whose signature can be formed, a generated function with the right signature whose body
/// diverges. The rest of the crate then type-checks and only the real error is shown.
pub fn fallback(item: &syn::ItemFn, requests: &[Request]) -> TokenStream {
    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    let mut items = quote! {
        #(#attrs)*
        #[allow(non_snake_case, unused_variables)]
        #vis #sig {
            ::core::panic!("matcalc could not derive this function; see the compile error")
        }
    };
    let function = parse::function(item).ok();
    for request in requests {
        let Some((outputs, bounds)) = fallback_output_types(item, function.as_ref(), request)
        else {
            continue;
        };
        let signature = generated_signature(item, request, &outputs, &bounds);
        let attrs = generated_attrs(item, "");
        items.extend(quote! {
            #attrs
            #signature {
                ::core::panic!("matcalc could not derive this function; see the compile error")
            }
        });
        items.extend(formula_const(item, request, ""));
    }
    items
}

/// Maps each request's parameter names to parameter indices, reporting unknown names and
/// non-scalar bodies under `#[grad]`.
fn resolve_wrt(
    function: &ast::Function,
    requests: &[Request],
) -> Result<Vec<Vec<usize>>, syn::Error> {
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    let names: Vec<&str> = function.params.iter().map(|p| p.name.as_str()).collect();
    let mut resolved = Vec::new();
    for request in requests {
        if request.wrt.is_empty() {
            push(syn::Error::new(
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
            let name = ident.to_string();
            match names.iter().position(|n| *n == name) {
                Some(i) if indices.contains(&i) => push(syn::Error::new(
                    ident.span(),
                    format!(
                        "`{name}` is named twice in `#[{}]`; each parameter gets one derivative",
                        request.kind.attribute()
                    ),
                )),
                Some(i) => indices.push(i),
                None => push(syn::Error::new(
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
    match errors {
        Some(e) => Err(e),
        None => Ok(resolved),
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

fn param_access(function: &ast::Function) -> Vec<ParamAccess> {
    function
        .params
        .iter()
        .map(|p| ParamAccess {
            name: syn::Ident::new(&p.name, p.span),
            by_ref: p.by_ref,
        })
        .collect()
}

/// The original function with its body computed from the IR.
fn assemble_original(
    item: &syn::ItemFn,
    function: &ast::Function,
    graph: &Graph,
    value: NodeId,
) -> TokenStream {
    let lowered = lower::lower(graph, &[value]);
    let code = emit::emit(&lowered, &param_access(function));
    let mut item = item.clone();
    add_bounds(&mut item.sig, &code.bounds);
    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    let statements = &code.statements;
    let result = &code.roots[0];
    quote! {
        #(#attrs)*
        #[allow(non_snake_case)]
        #vis #sig {
            #statements
            #result
        }
    }
}

/// One derivative to return, with how the doc comment names it.
struct Output {
    node: NodeId,
    label: String,
    /// The Rust type as the user wrote it, where there is one (a gradient has its
    /// parameter's type); otherwise the type is built from the node's shape.
    written_type: Option<TokenStream>,
}

/// `NAME_grad`, `NAME_jacobian` or `NAME_hessian` for one request.
fn derived_function(
    item: &syn::ItemFn,
    function: &ast::Function,
    graph: &mut Graph,
    value: NodeId,
    request: &Request,
    wrt: &[usize],
) -> Result<TokenStream, syn::Error> {
    let name = &function.name;
    let written = |i: usize| param_type(item, &function.params[i].name);
    let outputs: Vec<Output> = match request.kind {
        Derivative::Grad => {
            require_scalar_body(function, graph, value, request.kind)?;
            let gradients = diff::gradient(graph, value, wrt);
            wrt.iter()
                .zip(gradients)
                .map(|(&i, node)| Output {
                    node,
                    label: format!("∂{name}/∂{}", function.params[i].name),
                    written_type: written(i),
                })
                .collect()
        }
        Derivative::Jacobian => wrt
            .iter()
            .map(|&i| {
                let node = diff::jacobian(graph, value, i);
                Output {
                    node,
                    label: format!("∂vec({name})/∂(vec {})ᵀ", function.params[i].name),
                    written_type: None,
                }
            })
            .collect(),
        Derivative::Hessian => {
            require_scalar_body(function, graph, value, request.kind)?;
            let [i] = wrt[..] else {
                // Point at the first parameter too many.
                let span = request
                    .wrt
                    .get(1)
                    .map_or(request.span, |extra| extra.span());
                return Err(syn::Error::new(
                    span,
                    format!(
                        "`#[hessian]` takes exactly one parameter (the Hessian is over vec of it), but {} were given",
                        wrt.len()
                    ),
                ));
            };
            let (gradient, hessian) = diff::hessian(graph, value, i);
            let x = &function.params[i].name;
            vec![
                Output {
                    node: gradient,
                    label: format!("∂{name}/∂{x}"),
                    written_type: written(i),
                },
                Output {
                    node: hessian,
                    label: format!("∂²{name}/∂(vec {x}) ∂(vec {x})ᵀ"),
                    written_type: None,
                },
            ]
        }
    };

    let mut roots = vec![value];
    roots.extend(outputs.iter().map(|o| o.node));
    let lowered = lower::lower(graph, &roots);
    let code = emit::emit(&lowered, &param_access(function));
    let value_type = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.to_token_stream(),
        syn::ReturnType::Default => return Err(missing_return_type(function, item, request.kind)),
    };
    let mut types = vec![value_type];
    types.extend(outputs.iter().map(|o| {
        o.written_type
            .clone()
            .unwrap_or_else(|| emit::shape_type(graph.shape(o.node), graph.scalar))
    }));
    let signature = generated_signature(item, request, &types, &code.bounds);

    let what = match request.kind {
        Derivative::Grad => "gradient",
        Derivative::Jacobian => "Jacobian (∂vec F/∂(vec X)ᵀ, Magnus–Neudecker layout)",
        Derivative::Hessian => "gradient and Hessian (over column-major vec X)",
    };
    let mut doc =
        format!("Value and {what} of [`{name}`], derived by matcalc at compile time.\n\n");
    for output in &outputs {
        doc.push_str(&format!(
            "- {} = {}  ({})\n\n  LaTeX: `{}`\n",
            output.label,
            print::unicode(graph, output.node),
            graph.shape(output.node),
            print::latex(graph, output.node)
        ));
    }
    let attrs = generated_attrs(item, &doc);
    let statements = &code.statements;
    let results = &code.roots;
    let formulas: Vec<String> = outputs
        .iter()
        .map(|o| {
            let formula = print::unicode(graph, o.node);
            format!("{} = {formula}  ({})", o.label, graph.shape(o.node))
        })
        .collect();
    let formula_const = formula_const(item, request, &formulas.join("\n"));
    Ok(quote! {
        #attrs
        #signature {
            #statements
            (#(#results),*)
        }
        #formula_const
    })
}

/// `const NAME_KIND_FORMULA: &str`: the derived formulas as text, one line per derivative, so a
/// program can show what was derived (`println!("{}", PHI_GRAD_FORMULA)`).
fn formula_const(item: &syn::ItemFn, request: &Request, text: &str) -> TokenStream {
    let name = format_ident!(
        "{}_{}_FORMULA",
        item.sig.ident.to_string().to_uppercase(),
        request.kind.attribute().to_uppercase(),
        span = item.sig.ident.span()
    );
    let doc = format!(
        "The formulas derived for [`{}_{}`], one line per derivative.",
        item.sig.ident,
        request.kind.attribute()
    );
    let vis = &item.vis;
    let cfgs = item.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    quote! {
        #[doc = #doc]
        #(#cfgs)*
        #[allow(dead_code)]
        #vis const #name: &str = #text;
    }
}

fn require_scalar_body(
    function: &ast::Function,
    graph: &Graph,
    value: NodeId,
    kind: Derivative,
) -> Result<(), syn::Error> {
    if graph.shape(value).is_scalar() {
        return Ok(());
    }
    Err(function.body.error(format!(
        "`#[{}]` needs a scalar body, but this body is {}; use `#[jacobian]` for a matrix-valued function",
        kind.attribute(),
        graph.shape(value)
    )))
}

fn missing_return_type(
    function: &ast::Function,
    item: &syn::ItemFn,
    kind: Derivative,
) -> syn::Error {
    let float = parse::float_name(function.scalar);
    let what = match kind {
        Derivative::Jacobian => format!("`-> {float}` or the matrix type the body computes"),
        Derivative::Grad | Derivative::Hessian => format!("`-> {float}` (the scalar it computes)"),
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

/// The type of parameter `name` as written, without a leading `&`.
fn param_type(item: &syn::ItemFn, name: &str) -> Option<TokenStream> {
    item.sig.inputs.iter().find_map(|arg| match arg {
        syn::FnArg::Typed(pt) => match &*pt.pat {
            syn::Pat::Ident(pi) if pi.ident == name => Some(match &*pt.ty {
                syn::Type::Reference(r) => r.elem.to_token_stream(),
                other => other.to_token_stream(),
            }),
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    })
}

/// The output types of a generated function when the engine failed: from the signature alone
/// (and, for Jacobians and Hessians, from the parsed shapes), or `None` if they cannot be known;
/// with the bounds their generic product dimensions (`Prod<M, N>`) need.
fn fallback_output_types(
    item: &syn::ItemFn,
    function: Option<&ast::Function>,
    request: &Request,
) -> Option<(Vec<TokenStream>, Vec<TokenStream>)> {
    let syn::ReturnType::Type(_, value_type) = &item.sig.output else {
        return None;
    };
    let mut types = vec![value_type.to_token_stream()];
    let len = |kind: &ast::ParamKind| match kind {
        ast::ParamKind::Scalar => Dim::Known(1),
        ast::ParamKind::Matrix { rows, cols } => Dim::product(rows, cols),
    };
    let scalar = function.map(|f| f.scalar).unwrap_or_default();
    let mut bounds = Vec::new();
    let mut shaped = |shape: Shape| {
        shape_bounds(&shape, &mut bounds);
        emit::shape_type(&shape, scalar)
    };
    for ident in &request.wrt {
        let written = param_type(item, &ident.to_string())?;
        let kind = || {
            function?
                .params
                .iter()
                .find(|p| *ident == p.name)
                .map(|p| p.kind.clone())
        };
        match request.kind {
            Derivative::Grad => types.push(written),
            Derivative::Hessian => {
                types.push(written);
                let n = len(&kind()?);
                types.push(shaped(Shape::matrix(n.clone(), n)));
            }
            Derivative::Jacobian => {
                let rows = len(&function?.returns.as_ref()?.kind);
                types.push(shaped(Shape::matrix(rows, len(&kind()?))));
            }
        }
    }
    Some((types, bounds))
}

/// Appends the bounds the product dimensions in `shape` need (`M: Mul<N>`, `Prod<M, N>: Dim`),
/// as the emitter does for generated code. Products of known sizes are folded, so only generic
/// products appear.
fn shape_bounds(shape: &Shape, bounds: &mut Vec<TokenStream>) {
    fn walk(d: &Dim, bounds: &mut Vec<TokenStream>) {
        if let Dim::Prod(a, b) = d {
            walk(a, bounds);
            walk(b, bounds);
            let (ta, tb, tp) = (emit::dim_type(a), emit::dim_type(b), emit::dim_type(d));
            for bound in [
                quote!(#ta: ::core::ops::Mul<#tb>),
                quote!(#tp: ::matcalc::Dim),
            ] {
                if !bounds.iter().any(|b| b.to_string() == bound.to_string()) {
                    bounds.push(bound);
                }
            }
        }
    }
    if let Shape::Matrix(r, c) = shape {
        walk(r, bounds);
        walk(c, bounds);
    }
}

/// `fn NAME_kind(<same parameters>) -> (outputs..)` with the same generics plus `bounds`.
fn generated_signature(
    item: &syn::ItemFn,
    request: &Request,
    outputs: &[TokenStream],
    bounds: &[TokenStream],
) -> TokenStream {
    let mut sig = item.sig.clone();
    sig.ident = format_ident!(
        "{}_{}",
        sig.ident,
        request.kind.attribute(),
        span = sig.ident.span()
    );
    sig.output = syn::parse_quote!(-> (#(#outputs),*));
    add_bounds(&mut sig, bounds);
    let vis = &item.vis;
    quote!(#vis #sig)
}

/// The attributes of a generated function: the doc comment, the user's `cfg`s (so it exists
/// exactly when the original does), and lint allowances for mathematical names.
fn generated_attrs(item: &syn::ItemFn, doc: &str) -> TokenStream {
    let cfgs = item.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let doc = (!doc.is_empty()).then(|| quote!(#[doc = #doc]));
    quote! {
        #doc
        #(#cfgs)*
        #[allow(non_snake_case, unused_variables, clippy::all)]
        #[inline]
    }
}

fn add_bounds(sig: &mut syn::Signature, bounds: &[TokenStream]) {
    if bounds.is_empty() {
        return;
    }
    let where_clause = sig.generics.make_where_clause();
    for bound in bounds {
        if let Ok(predicate) = syn::parse2::<syn::WherePredicate>(bound.clone()) {
            where_clause.predicates.push(predicate);
        }
    }
}
