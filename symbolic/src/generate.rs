//! The pipeline behind the attribute macros: for a DSL function and the derivatives asked of it,
//! run parse → shape → diff → emit and assemble the Rust items SPEC §5 promises (the original
//! function, re-emitted from the IR, and `NAME_grad` beside it), each with its formula as a doc
//! comment. The macro crate only turns tokens into a `Request` list and back.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

use crate::ast;
use crate::diff;
use crate::emit::{self, ParamAccess};
use crate::ir::{Graph, NodeId};
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
        items.extend(match request.kind {
            Derivative::Grad => grad_function(item, &function, &mut graph, value, request, wrt)?,
            Derivative::Jacobian | Derivative::Hessian => {
                return Err(syn::Error::new(
                    request.span,
                    format!(
                        "`#[{}]` is not available yet in this version of matcalc; `#[grad]` is",
                        request.kind.attribute()
                    ),
                ))
            }
        });
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
    for request in requests {
        if request.kind != Derivative::Grad {
            continue;
        }
        let Some(outputs) = grad_output_types(item, &request.wrt) else {
            continue;
        };
        let signature = generated_signature(item, request, &outputs, &[]);
        let attrs = generated_attrs(item, "");
        items.extend(quote! {
            #attrs
            #signature {
                ::core::panic!("matcalc could not derive this function; see the compile error")
            }
        });
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
    let code = emit::emit(graph, &[value], &param_access(function));
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

fn grad_function(
    item: &syn::ItemFn,
    function: &ast::Function,
    graph: &mut Graph,
    value: NodeId,
    request: &Request,
    wrt: &[usize],
) -> Result<TokenStream, syn::Error> {
    if !graph.shape(value).is_scalar() {
        return Err(function.body.error(format!(
            "`#[grad]` needs a scalar body, but this body is {}; use `#[jacobian]` for a matrix-valued function",
            graph.shape(value)
        )));
    }
    if matches!(item.sig.output, syn::ReturnType::Default) {
        return Err(syn::Error::new(
            item.sig.ident.span(),
            format!(
                "`#[grad]` needs the return type of `{}`: add `-> {}` (the scalar it computes)",
                function.name,
                parse::float_name(function.scalar)
            ),
        ));
    }
    let gradients = diff::gradient(graph, value, wrt);
    let mut roots = vec![value];
    roots.extend(&gradients);
    let code = emit::emit(graph, &roots, &param_access(function));
    let outputs = grad_output_types(item, &request.wrt).ok_or_else(|| {
        syn::Error::new(request.span, "matcalc could not read the parameter types")
    })?;
    let signature = generated_signature(item, request, &outputs, &code.bounds);

    let mut doc = format!(
        "Value and gradient of [`{}`], derived by matcalc at compile time.\n\n",
        function.name
    );
    for (&param, &gradient) in wrt.iter().zip(&gradients) {
        let name = &function.params[param].name;
        doc.push_str(&format!(
            "- ∂{}/∂{name} = {}\n\n  LaTeX: `{}`\n",
            function.name,
            print::unicode(graph, gradient),
            print::latex(graph, gradient)
        ));
    }
    let attrs = generated_attrs(item, &doc);
    let statements = &code.statements;
    let results = &code.roots;
    Ok(quote! {
        #attrs
        #signature {
            #statements
            (#(#results),*)
        }
    })
}

/// The return types of `NAME_grad`: the value's type, then each parameter's type without `&`.
fn grad_output_types(item: &syn::ItemFn, wrt: &[syn::Ident]) -> Option<Vec<TokenStream>> {
    let mut types = vec![match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.to_token_stream(),
        syn::ReturnType::Default => return None,
    }];
    for ident in wrt {
        let ty = item.sig.inputs.iter().find_map(|arg| match arg {
            syn::FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(pi) if pi.ident == *ident => Some(pt.ty.clone()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })?;
        types.push(match *ty {
            syn::Type::Reference(r) => r.elem.to_token_stream(),
            other => other.to_token_stream(),
        });
    }
    Some(types)
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
