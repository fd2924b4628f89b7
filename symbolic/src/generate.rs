//! The pipeline behind the attribute macros: for a DSL function and the derivatives asked of it,
//! run parse → shape → diff → emit and assemble the Rust items reference §5 promises (the original
//! function, re-emitted from the IR, and `NAME_grad` beside it), each with its formula as a doc
//! comment. The macro crate only turns tokens into a `Request` list and back. Checks of the
//! attributes and the item live in `valid`; what to emit beside an error, in `fallback`.

mod attributes;
pub mod calls;
#[cfg(test)]
mod calls_tests;
mod derive;
mod fallback;
mod nalgebra;
#[cfg(test)]
mod tests;
mod valid;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::ext::IdentExt;

pub use attributes::{is_marker, matcalc_attribute, parse_wrt, take_sibling_requests};
pub use derive::{derive, Derivation, Misuse, Output, Role};
pub use fallback::fallback;
pub use nalgebra::derived_matrix_type;
use valid::{missing_return_type, misuse};

use crate::ast;
use crate::emit::{self, ParamAccess};
use crate::ir::{Graph, NodeId};
use crate::lower;
use crate::parse;
use crate::print;
use crate::shape;

/// Which derivative an attribute asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derivative {
    /// Gradient of a scalar.
    Grad,
    /// ∂vec F/∂(vec X)ᵀ.
    Jacobian,
    /// Gradient and Hessian of a scalar.
    Hessian,
    /// Vector–Jacobian product.
    Vjp,
    /// Jacobian–vector product.
    Jvp,
    /// Hessian–vector product.
    Hvp,
}

impl Derivative {
    /// The attribute's name, which is also the generated function's suffix.
    pub fn attribute(self) -> &'static str {
        match self {
            Derivative::Grad => "grad",
            Derivative::Jacobian => "jacobian",
            Derivative::Hessian => "hessian",
            Derivative::Vjp => "vjp",
            Derivative::Jvp => "jvp",
            Derivative::Hvp => "hvp",
        }
    }
}

/// One attribute on the function: `#[grad(X, Y)]`.
#[derive(Clone, Debug)]
pub struct Request {
    /// What the attribute asks for.
    pub kind: Derivative,
    /// The parameters to differentiate with respect to, as written.
    pub wrt: Vec<syn::Ident>,
    /// The attribute, for errors about it as a whole.
    pub span: Span,
}

/// The items for `item` and `requests`: the original function (body re-emitted from the IR so
/// a 1×1 result reads as a scalar) and one generated function per request.
pub fn generate(item: &syn::ItemFn, requests: &[Request]) -> Result<TokenStream, syn::Error> {
    generate_with(item, requests, None)
}

/// `generate` for a function whose body may call other functions, with their definitions
/// (reference §4b "Calls"; `calls` fetches them). `None`: calls are unknown functions.
pub fn generate_with(
    item: &syn::ItemFn,
    requests: &[Request],
    callees: Option<&[parse::CalleeDef]>,
) -> Result<TokenStream, syn::Error> {
    valid::item(item, requests)?;
    if parse::nalgebra::uses_nalgebra(&item.sig) {
        return nalgebra::generate(item, requests);
    }
    let function = parse::function_with(item, callees)?;
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
        by_ref: !o.shape.is_scalar(),
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
            if o.shape.is_scalar() {
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

/// The text naming output `o` in the doc comment: `∂f/∂X`, `∂⟨cotangent, f⟩/∂X`, ...
fn label(o: &Output, name: &str, x: &str, direction: &str) -> String {
    match o.role {
        Role::Gradient => format!("∂{name}/∂{x}"),
        Role::Jacobian => format!("∂vec({name})/∂(vec {x})ᵀ"),
        Role::Hessian => format!("∂²{name}/∂(vec {x}) ∂(vec {x})ᵀ"),
        Role::Vjp => format!("∂⟨{direction}, {name}⟩/∂{x}"),
        Role::Jvp => format!("d{name}[d{x} = {direction}]"),
        Role::HessianVector => format!("(∂²{name}/∂(vec {x}) ∂(vec {x})ᵀ) {direction}"),
    }
}

/// `NAME_grad`, `NAME_jacobian`, `NAME_hessian`, `NAME_vjp`, `NAME_jvp` or `NAME_hvp` for one
/// request.
fn derived_function(
    item: &syn::ItemFn,
    function: &ast::Function,
    graph: &mut Graph,
    value: NodeId,
    request: &Request,
    wrt: &[usize],
) -> Result<TokenStream, syn::Error> {
    let name = &function.name;
    let value_type = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => ty.to_token_stream(),
        syn::ReturnType::Default => return Err(missing_return_type(function, item, request.kind)),
    };
    let derivation =
        derive(graph, value, request.kind, wrt).map_err(|m| misuse(function, request, m))?;
    let written = |i: usize| param_type(item, &function.params[i].name);
    // The direction parameter of a product: its name, its type as written where there is
    // one, and whether it is passed by reference (matrices) or by value (scalars).
    let direction = derivation.direction.map(|d| {
        let param = &graph.params[d];
        let ty = match request.kind {
            Derivative::Vjp => Some(value_type.clone()),
            _ => written(wrt[0]),
        }
        .unwrap_or_else(|| emit::shape_type(&param.shape, graph.scalar));
        let ident = emit::user_ident(&param.name, request.span);
        let scalar = param.shape.is_scalar();
        let input = if scalar {
            quote!(#ident: #ty)
        } else {
            quote!(#ident: &#ty)
        };
        (
            param.name.clone(),
            input,
            ParamAccess {
                name: ident,
                by_ref: !scalar,
            },
        )
    });
    let direction_name = direction.as_ref().map_or("", |d| d.0.as_str()).to_string();

    let mut roots = vec![value];
    roots.extend(derivation.outputs.iter().map(|o| o.node));
    let lowered = lower::lower(graph, &roots);
    // Every graph parameter has an access: the user's, then the directions that requests
    // before this one added to the shared graph (unused here), then this request's.
    let mut access = param_access(function);
    for (i, param) in graph.params.iter().enumerate().skip(access.len()) {
        access.push(match &direction {
            Some((_, _, own)) if derivation.direction == Some(i) => own.clone(),
            _ => ParamAccess {
                name: emit::user_ident(&param.name, request.span),
                by_ref: !param.shape.is_scalar(),
            },
        });
    }
    // The generated function's parameters: the user's and outside data, then its direction.
    let signature: Vec<usize> = (0..param_access(function).len())
        .chain(derivation.direction)
        .collect();
    let code = emit::emit_in(&lowered, &access, &signature);
    let mut types = vec![value_type.clone()];
    types.extend(derivation.outputs.iter().map(|o| {
        let as_written = match o.role {
            Role::Gradient | Role::Vjp | Role::HessianVector => written(o.param),
            Role::Jvp => Some(value_type.clone()),
            Role::Jacobian | Role::Hessian => None,
        };
        as_written.unwrap_or_else(|| emit::shape_type(graph.shape(o.node), graph.scalar))
    }));
    let extra: Vec<TokenStream> = direction.iter().map(|d| d.1.clone()).collect();
    let signature = generated_signature(item, request, &types, &extra, &code.bounds);

    let what = match request.kind {
        Derivative::Grad => "gradient".to_string(),
        Derivative::Jacobian => "Jacobian (∂vec F/∂(vec X)ᵀ, Magnus–Neudecker layout)".to_string(),
        Derivative::Hessian => "gradient and Hessian (over column-major vec X)".to_string(),
        Derivative::Vjp => format!(
            "vector–Jacobian product (the gradient of ⟨{direction_name}, F⟩, derived in reverse \
             mode; the Jacobian is never formed)"
        ),
        Derivative::Jvp => format!(
            "Jacobian–vector product (the derivative of F in the direction \
             `{direction_name}`, derived in forward mode; the Jacobian is never formed)"
        ),
        Derivative::Hvp => format!(
            "gradient and Hessian–vector product (H vec({direction_name}) reshaped like the \
             parameter, forward over reverse; the Hessian is never formed)"
        ),
    };
    let mut doc =
        format!("Value and {what} of [`{name}`], derived by matcalc at compile time.\n\n");
    if derivation.direction.is_some() {
        doc.push_str(&format!(
            "The direction is the last parameter, `{direction_name}` (named so unless a \
             parameter of [`{name}`] already is; then `{direction_name}` carries a suffix).\n\n"
        ));
    }
    let labels: Vec<String> = derivation
        .outputs
        .iter()
        .map(|o| label(o, name, &function.params[o.param].name, &direction_name))
        .collect();
    // `print` names shared subterms and caps the length, so every formula can be printed.
    let unicode: Vec<String> = derivation
        .outputs
        .iter()
        .map(|o| print::unicode(graph, o.node))
        .collect();
    for ((output, formula), label) in derivation.outputs.iter().zip(&unicode).zip(&labels) {
        let shape = graph.shape(output.node);
        doc.push_str(&format!(
            "- {label} = {formula}  ({shape})\n\n  LaTeX: `{}`\n",
            print::latex(graph, output.node)
        ));
    }
    let attrs = generated_attrs(item, &doc);
    let outside = outside_data(function);
    let statements = &code.statements;
    let results = &code.roots;
    let formulas: Vec<String> = derivation
        .outputs
        .iter()
        .zip(&unicode)
        .zip(&labels)
        .map(|((o, formula), label)| format!("{label} = {formula}  ({})", graph.shape(o.node)))
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

/// `fn NAME_kind(<same parameters>, <extra>) -> (outputs..)` with the same generics plus
/// `bounds`; `extra` is a product's direction parameter (`cotangent: &Matrix<..>`).
pub(super) fn generated_signature(
    item: &syn::ItemFn,
    request: &Request,
    outputs: &[TokenStream],
    extra: &[TokenStream],
    bounds: &[TokenStream],
) -> TokenStream {
    let mut sig = item.sig.clone();
    for input in extra {
        if let Ok(arg) = syn::parse2::<syn::FnArg>(input.clone()) {
            sig.inputs.push(arg);
        }
    }
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
