//! What to emit beside a compile error: the user's function as written (its body replaced by a
//! diverging one) and, for each request whose signature can be formed, a generated function with
//! the right signature whose body diverges, so the rest of the crate type-checks and only the
//! real error is shown. Built from the signature alone, never from the body, so it cannot fail
//! on the input that made the engine fail.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::ext::IdentExt;

use super::{formula_const, generated_attrs, generated_signature, param_type, Derivative, Request};
use crate::ast;
use crate::emit;
use crate::ir::Shape;
use crate::parse;

/// The fallback items for `item` and `requests`.
pub fn fallback(item: &syn::ItemFn, requests: &[Request]) -> TokenStream {
    let attrs = item
        .attrs
        .iter()
        .filter(|a| matches!(a.style, syn::AttrStyle::Outer));
    let vis = &item.vis;
    let mut original = item.sig.clone();
    // `const` is reported; without it the diverging body is valid whatever it calls.
    original.constness = None;
    let mut items = quote! {
        #(#attrs)*
        #[allow(non_snake_case, unused_variables)]
        #vis #original {
            ::core::panic!("matcalc could not derive this function; see the compile error")
        }
    };
    // Only the signature is parsed again: the body may be what failed.
    let sig = &item.sig;
    let signature_only: Option<syn::ItemFn> = syn::parse2(quote!(#sig { 0.0 })).ok();
    let function = signature_only.and_then(|f| parse::function(&f).ok());
    let mut seen = Vec::new();
    for request in requests {
        // A kind asked twice is an error already; one fallback function per name.
        if seen.contains(&request.kind) {
            continue;
        }
        seen.push(request.kind);
        let Some((outputs, extra, bounds)) = output_types(item, function.as_ref(), request) else {
            continue;
        };
        let signature = generated_signature(item, request, &outputs, &extra, &bounds);
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

/// The output types of a generated function when the engine failed: from the signature alone
/// (and, for Jacobians and Hessians, from the parsed shapes), or `None` if they cannot be known;
/// with a product's direction parameter and the bounds their generic product dimensions
/// (`Prod<M, N>`) need.
fn output_types(
    item: &syn::ItemFn,
    function: Option<&ast::Function>,
    request: &Request,
) -> Option<(Vec<TokenStream>, Vec<TokenStream>, Vec<TokenStream>)> {
    let syn::ReturnType::Type(_, value_type) = &item.sig.output else {
        return None;
    };
    let mut types = vec![value_type.to_token_stream()];
    let scalar = function.map(|f| f.scalar).unwrap_or_default();
    let mut bounds = emit::Bounds::default();
    // Over nalgebra types, a Jacobian or Hessian is an `SMatrix` or `DMatrix` (no bounds).
    let nalgebra = parse::nalgebra::uses_nalgebra(&item.sig);
    let mut shaped = |shape: Shape| match (&shape, nalgebra) {
        (Shape::Matrix(rows, cols), true) => {
            super::derived_matrix_type(rows, cols, &emit::scalar_type(scalar))
        }
        _ => {
            bounds.need_shape(&shape);
            emit::shape_type(&shape, scalar)
        }
    };
    for ident in &request.wrt {
        let name = ident.unraw().to_string();
        let written = param_type(item, &name)?;
        let param_len = || {
            function?
                .params
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.shape.len())
        };
        match request.kind {
            Derivative::Grad => types.push(written),
            Derivative::Hessian => {
                types.push(written);
                let n = param_len()?;
                types.push(shaped(Shape::matrix(n.clone(), n)));
            }
            Derivative::Jacobian => {
                let rows = function?.returns.as_ref()?.shape.len();
                types.push(shaped(Shape::matrix(rows, param_len()?)));
            }
            Derivative::Vjp => types.push(written),
            Derivative::Jvp => types.push(value_type.to_token_stream()),
            Derivative::Hvp => types.extend([written.clone(), written]),
        }
    }
    let mut extra = Vec::new();
    if let (Some(base), [x]) = (request.kind.direction_name(), &request.wrt[..]) {
        let ty = match request.kind {
            Derivative::Vjp => value_type.to_token_stream(),
            _ => param_type(item, &x.unraw().to_string())?,
        };
        let name = crate::diff::fresh_name(base, |n| param_type(item, n).is_some());
        let ident = emit::user_ident(&name, request.span);
        let float = ["f64", "f32"].contains(&ty.to_string().as_str());
        extra.push(if float {
            quote!(#ident: #ty)
        } else {
            quote!(#ident: &#ty)
        });
    }
    Some((types, extra, bounds.into_tokens()))
}
