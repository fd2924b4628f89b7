//! The pipeline behind the attribute macros: for a DSL function and the derivatives asked of it,
//! run parse → shape → diff → emit and assemble the Rust items reference §5 promises (the original
//! function, re-emitted from the IR, and `NAME_grad` beside it), each with its formula as a doc
//! comment. The macro crate only turns tokens into a `Request` list and back. Checks of the
//! attributes and the item live in `valid`; what to emit beside an error, in `fallback`.

mod fallback;
#[cfg(test)]
mod tests;
mod valid;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;

pub use fallback::fallback;
use valid::{missing_return_type, require_scalar_body};

use crate::ast;
use crate::diff;
use crate::emit::{self, ParamAccess};
use crate::ir::{Graph, NodeId};
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
    valid::item(item, requests)?;
    let function = parse::function(item)?;
    let lowered = shape::lower(&function)?;
    let mut graph = lowered.graph;
    let value = lowered.value;
    let wrts = valid::resolve_wrt(&function, requests)?;

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

fn param_access(function: &ast::Function) -> Vec<ParamAccess> {
    let outside = function.outside.iter().map(|o| ParamAccess {
        name: emit::user_ident(&o.name, o.span),
        // Bound by reference (`outside_data`), except a float.
        by_ref: o.kind != ast::ParamKind::Scalar,
    });
    function
        .params
        .iter()
        .map(|p| ParamAccess {
            name: emit::user_ident(&p.name, p.span),
            by_ref: p.by_ref,
        })
        .chain(outside)
        .collect()
}

/// The bindings of outside data (reference §4b), first in every generated body: each
/// expression as written, evaluated once; a matrix is borrowed (`self.X` is not moved out of
/// `self`, a call's result lives to the end of the body).
fn outside_data(function: &ast::Function) -> TokenStream {
    function
        .outside
        .iter()
        .map(|o| {
            let name = emit::user_ident(&o.name, o.span);
            let (ty, value) = (&o.ty, &o.tokens);
            if o.kind == ast::ParamKind::Scalar {
                quote!(let #name: #ty = #value;)
            } else {
                quote!(let #name: &#ty = &(#value);)
            }
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
    // Not `item.clone()`: the body is re-emitted, and cloning it would walk all of it.
    let mut sig = item.sig.clone();
    add_bounds(&mut sig, &code.bounds);
    let attrs = &item.attrs;
    let vis = &item.vis;
    let outside = outside_data(function);
    let statements = &code.statements;
    let result = &code.roots[0];
    quote! {
        #(#attrs)*
        #[allow(non_snake_case)]
        #vis #sig {
            #outside
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
    // `print` names shared subterms and caps the length, so every formula can be printed.
    let unicode: Vec<String> = outputs
        .iter()
        .map(|o| print::unicode(graph, o.node))
        .collect();
    for (output, formula) in outputs.iter().zip(&unicode) {
        let shape = graph.shape(output.node);
        doc.push_str(&format!(
            "- {} = {formula}  ({shape})\n\n  LaTeX: `{}`\n",
            output.label,
            print::latex(graph, output.node)
        ));
    }
    let attrs = generated_attrs(item, &doc);
    let outside = outside_data(function);
    let statements = &code.statements;
    let results = &code.roots;
    let formulas: Vec<String> = outputs
        .iter()
        .zip(&unicode)
        .map(|(o, formula)| format!("{} = {formula}  ({})", o.label, graph.shape(o.node)))
        .collect();
    let formula_const = formula_const(item, request, &formulas.join("\n"));
    Ok(quote! {
        #attrs
        #signature {
            #outside
            #statements
            (#(#results),*)
        }
        #formula_const
    })
}

/// `const NAME_KIND_FORMULA: &str`: the derived formulas as text, one line per derivative, so a
/// program can show what was derived (`println!("{}", PHI_GRAD_FORMULA)`).
pub(super) fn formula_const(item: &syn::ItemFn, request: &Request, text: &str) -> TokenStream {
    let name = format_ident!(
        "{}_{}_FORMULA",
        item.sig.ident.unraw().to_string().to_uppercase(),
        request.kind.attribute().to_uppercase(),
        span = item.sig.ident.span()
    );
    let doc = format!(
        "The formulas derived for [`{}_{}`], one line per derivative.",
        item.sig.ident.unraw(),
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

/// The type of parameter `name` as written, without a leading `&`.
pub(super) fn param_type(item: &syn::ItemFn, name: &str) -> Option<TokenStream> {
    item.sig.inputs.iter().find_map(|arg| match arg {
        syn::FnArg::Typed(pt) => match &*pt.pat {
            syn::Pat::Ident(pi) if pi.ident.unraw() == name => Some(match &*pt.ty {
                syn::Type::Reference(r) => r.elem.to_token_stream(),
                other => other.to_token_stream(),
            }),
            _ => None,
        },
        syn::FnArg::Receiver(_) => None,
    })
}

/// `fn NAME_kind(<same parameters>) -> (outputs..)` with the same generics plus `bounds`.
pub(super) fn generated_signature(
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
pub(super) fn generated_attrs(item: &syn::ItemFn, doc: &str) -> TokenStream {
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
