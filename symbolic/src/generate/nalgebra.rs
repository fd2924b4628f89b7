//! Functions written over nalgebra types (`&SMatrix<f64, 3, 4>`, `SVector<f32, N>` with
//! const-generic sizes, `&DMatrix<f64>`, `&DVector<f64>`): the derivation is the ordinary one,
//! and only the boundary differs. The function is restated over matcalc types (a "native"
//! function, generic over every dimension that is not a number), run through the ordinary
//! pipeline, and each item it yields is wrapped in a function with the user's signature that
//! reads the arguments into matcalc matrices, checks the run-time sizes the body needs to agree,
//! calls the native code nested inside it and returns nalgebra types (the conversions are
//! `matcalc::nalgebra_boundary`).
//!
//! Dimensions: a literal size is a typenum number; a `const N: usize` becomes the native
//! function's type parameter `N`, called at `typenum::U<N>`; each run-time size of a `DMatrix`
//! or `DVector` starts as its own dimension (`X_rows`, `X_cols`), and inference over the body
//! (`request::infer`, the command-line tool's) merges those the body needs equal, or binds them
//! to a static size. The merged ones are one type parameter, called at `Dyn`, and are checked
//! equal at entry, with a panic naming the parameters and sizes before any arithmetic.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::{param_type, valid, Derivative, Request};
use crate::ast;
use crate::emit;
use crate::ir::{Dim, Shape};
use crate::parse::{self, nalgebra as na};
use crate::request::infer::Unifier;

/// One parameter of the user's function, as the boundary sees it.
struct Boundary {
    ident: syn::Ident,
    /// The nalgebra type it is written with; `None` for a float or matcalc's own type.
    kind: Option<na::Kind>,
    by_ref: bool,
    /// Its shape with run-time sizes resolved.
    shape: Shape,
}

/// The items for a function with nalgebra types in its signature.
pub(super) fn generate(
    item: &syn::ItemFn,
    requests: &[Request],
) -> Result<TokenStream, syn::Error> {
    if let Some(receiver) = item.sig.receiver() {
        return Err(syn::Error::new_spanned(
            receiver,
            "nalgebra types in the signature of a method are not supported yet: write a free \
             function, or use matcalc's `Matrix` in the method",
        ));
    }
    let function = parse::function(item)?;
    let wrts = valid::resolve_wrt(&function, requests)?;

    // Run-time sizes first get a dimension each; inference merges or binds them.
    let mut flex = HashSet::new();
    let mut add_flex = |kind: Option<na::Kind>, owner: &str| {
        let (rows, cols) = na::dyn_dims(owner);
        match kind {
            Some(na::Kind::DynMatrix) => flex.extend([rows, cols]),
            Some(na::Kind::DynVector) => {
                flex.insert(rows);
            }
            _ => {}
        }
    };
    let typed = typed_inputs(item);
    for (p, ty) in function.params.iter().zip(&typed) {
        add_flex(na::kind(ty), &p.name);
    }
    let value_written = match &item.sig.output {
        syn::ReturnType::Type(_, ty) => Some(&**ty),
        syn::ReturnType::Default => None,
    };
    add_flex(value_written.and_then(na::kind), na::VALUE);
    let declared = function.returns.as_ref().map(|r| r.shape.clone());
    let unifier = Unifier::infer_returning(&function, flex, declared.as_ref());
    let resolve = |s: &Shape| match s {
        Shape::Scalar => Shape::Scalar,
        Shape::Matrix(r, c) => Shape::Matrix(unifier.resolve(r), unifier.resolve(c)),
    };

    let params: Vec<Boundary> = function
        .params
        .iter()
        .zip(&typed)
        .map(|(p, ty)| Boundary {
            ident: emit::user_ident(&p.name, p.span),
            kind: na::kind(ty),
            by_ref: p.by_ref,
            shape: resolve(&p.shape),
        })
        .collect();
    let value_shape = declared.as_ref().map(resolve);
    if let (Some(shape), Some(written)) = (&value_shape, value_written) {
        if mentions(shape, &|n| n.starts_with(na::VALUE)) {
            return Err(syn::Error::new_spanned(
                written,
                "the size of this result cannot be told from the parameters' sizes: return a \
                 type whose sizes the body determines",
            ));
        }
    }

    // The native function's dimensions: the declared ones, then the run-time ones left.
    let const_sizes: Vec<String> = item
        .sig
        .generics
        .params
        .iter()
        .filter_map(|g| match g {
            syn::GenericParam::Const(c) => Some(c.ident.unraw().to_string()),
            _ => None,
        })
        .collect();
    let mut dims = function.dims.clone();
    for p in &params {
        if let Shape::Matrix(r, c) = &p.shape {
            for d in [r, c] {
                if let Dim::Named(n) = d {
                    if !dims.contains(n) {
                        dims.push(n.clone());
                    }
                }
            }
        }
    }
    let spelling: HashMap<String, TokenStream> = dims
        .iter()
        .map(|d| {
            let ident = emit::user_ident(d, Span::call_site());
            let spelled = if const_sizes.contains(d) {
                quote!(::matcalc::typenum::U<#ident>)
            } else if function.dims.contains(d) {
                quote!(#ident)
            } else {
                quote!(::matcalc::Dyn)
            };
            (d.clone(), spelled)
        })
        .collect();

    let native = native_item(item, &function, &params, value_shape.as_ref(), &dims)?;
    let generated = super::generate(&native, requests)?;
    let file: syn::File = syn::parse2(generated).map_err(|e| {
        syn::Error::new(
            item.sig.ident.span(),
            format!("matcalc: internal error reading the generated code back: {e}"),
        )
    })?;

    let context = Context {
        item,
        function: &function,
        params: &params,
        value_shape: value_shape.as_ref(),
        value_written,
        dims: &dims,
        spelling: &spelling,
        const_sizes: &const_sizes,
    };
    let mut items = TokenStream::new();
    for generated in file.items {
        match generated {
            syn::Item::Fn(native_fn) => {
                let role = if native_fn.sig.ident == item.sig.ident {
                    None
                } else {
                    let found = requests.iter().zip(&wrts).find(|(r, _)| {
                        native_fn.sig.ident
                            == format!("{}_{}", item.sig.ident.unraw(), r.kind.attribute())
                    });
                    found.map(|(r, w)| (r.kind, w.as_slice()))
                };
                items.extend(context.wrapper(native_fn, role));
            }
            other => items.extend(other.into_token_stream()),
        }
    }
    Ok(items)
}

/// Everything a wrapper is built from.
struct Context<'a> {
    item: &'a syn::ItemFn,
    function: &'a ast::Function,
    params: &'a [Boundary],
    value_shape: Option<&'a Shape>,
    value_written: Option<&'a syn::Type>,
    dims: &'a [String],
    spelling: &'a HashMap<String, TokenStream>,
    const_sizes: &'a [String],
}

impl Context<'_> {
    /// The user-facing function around `native`: the original when `role` is `None`, else the
    /// generated function of that kind with respect to those parameters.
    fn wrapper(&self, native: syn::ItemFn, role: Option<(Derivative, &[usize])>) -> TokenStream {
        let item = self.item;
        let t = emit::scalar_type(self.function.scalar);
        let mut sig = item.sig.clone();
        sig.ident = native.sig.ident.clone();

        // A product's direction: the native function's last parameter, typed as the user's value
        // (vjp) or parameter (jvp, hvp).
        let mut direction: Option<(syn::Ident, syn::Type, Shape)> = None;
        if let Some((kind, wrt)) = role {
            if kind.direction_name().is_some() {
                let ident = match native.sig.inputs.last() {
                    Some(syn::FnArg::Typed(t)) => match &*t.pat {
                        syn::Pat::Ident(p) => Some(p.ident.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                let (ty, shape) = match kind {
                    Derivative::Vjp => (
                        self.value_written.map(|t| t.to_token_stream()),
                        self.value_shape.cloned(),
                    ),
                    _ => (
                        param_type(item, &self.function.params[wrt[0]].name),
                        Some(self.params[wrt[0]].shape.clone()),
                    ),
                };
                if let (Some(ident), Some(ty), Some(shape)) = (ident, ty, shape) {
                    if let Ok(ty) = syn::parse2::<syn::Type>(ty) {
                        let arg: syn::FnArg = if shape.is_scalar() {
                            syn::parse_quote!(#ident: #ty)
                        } else {
                            syn::parse_quote!(#ident: &#ty)
                        };
                        sig.inputs.push(arg);
                        direction = Some((ident, ty, shape));
                    }
                }
            }
        }

        if let Some((kind, wrt)) = role {
            let value = self
                .value_written
                .map_or_else(|| t.clone(), |ty| ty.to_token_stream());
            let written = |i: usize| {
                param_type(item, &self.function.params[i].name).unwrap_or_else(|| t.clone())
            };
            let derived = |rows: Dim, cols: Dim| derived_matrix_type(&rows, &cols, &t);
            let value_len = self.value_shape.map_or(Dim::Known(1), Shape::len);
            let mut outputs = vec![value.clone()];
            for &i in wrt {
                let len = self.params[i].shape.len();
                match kind {
                    Derivative::Grad | Derivative::Vjp => outputs.push(written(i)),
                    Derivative::Jacobian => outputs.push(derived(value_len.clone(), len)),
                    Derivative::Hessian => {
                        outputs.push(written(i));
                        outputs.push(derived(len.clone(), len));
                    }
                    Derivative::Jvp => outputs.push(value.clone()),
                    Derivative::Hvp => outputs.extend([written(i), written(i)]),
                }
            }
            sig.output = syn::parse_quote!(-> (#(#outputs),*));
        }

        // Bounds: typenum's `U<N>` for each const size, and the native function's bounds with
        // its dimensions spelled as they are called (those about run-time sizes alone are
        // checked at the call).
        {
            let where_clause = sig.generics.make_where_clause();
            for n in self.const_sizes {
                let n = emit::user_ident(n, Span::call_site());
                where_clause.predicates.push(syn::parse_quote!(
                    ::matcalc::typenum::Const<#n>: ::matcalc::typenum::ToUInt
                ));
                where_clause
                    .predicates
                    .push(syn::parse_quote!(::matcalc::typenum::U<#n>: ::matcalc::Dim));
            }
            if let Some(native_where) = &native.sig.generics.where_clause {
                for predicate in &native_where.predicates {
                    let tokens = predicate.to_token_stream();
                    if !mentions_tokens(&tokens, &|n| self.is_generic(n)) {
                        continue;
                    }
                    if let Ok(p) = syn::parse2(substitute(tokens, self.spelling)) {
                        where_clause.predicates.push(p);
                    }
                }
            }
        }

        let checks = self.checks(direction.as_ref().map(|(i, ty, s)| (i, na::kind(ty), s)));
        let mut args: Vec<TokenStream> = self
            .params
            .iter()
            .map(|p| argument(&p.ident, p.kind, p.by_ref, p.shape.is_scalar()))
            .collect();
        if let Some((ident, ty, shape)) = &direction {
            args.push(argument(ident, na::kind(ty), true, shape.is_scalar()));
        }
        let turbofish: Vec<&TokenStream> = self.dims.iter().map(|d| &self.spelling[d]).collect();
        let turbofish = (!turbofish.is_empty()).then(|| quote!(::<#(#turbofish),*>));

        let mut nested = native;
        nested.sig.ident = format_ident!("__matcalc_native", span = Span::mixed_site());
        nested.vis = syn::Visibility::Inherited;
        // The generated function keeps the native one's documentation (its formulas) and lint
        // allowances; the nested copy needs neither the documentation nor its `cfg`s.
        let native_attrs: Vec<syn::Attribute> = nested.attrs.clone();
        nested
            .attrs
            .retain(|a| !a.path().is_ident("doc") && !a.path().is_ident("cfg"));
        nested.attrs.push(syn::parse_quote!(#[allow(
            non_camel_case_types,
            non_snake_case,
            unused_variables,
            clippy::all
        )]));
        let native_ident = &nested.sig.ident;
        let result = format_ident!("__matcalc_result", span = Span::mixed_site());
        let call = quote!(#native_ident #turbofish (#(#args),*));
        let (attrs, returned) = match role {
            None => (
                // The user's attributes, on the function they wrote.
                item.attrs
                    .iter()
                    .map(|a| a.to_token_stream())
                    .chain([quote!(#[allow(non_snake_case)])])
                    .collect::<Vec<_>>(),
                quote!(::matcalc::nalgebra_boundary::write(#result)),
            ),
            Some(_) => {
                let count = match &sig.output {
                    syn::ReturnType::Type(_, ty) => match &**ty {
                        syn::Type::Tuple(t) => t.elems.len(),
                        _ => 1,
                    },
                    syn::ReturnType::Default => 0,
                };
                let fields = (0..count).map(syn::Index::from);
                (
                    native_attrs.iter().map(|a| a.to_token_stream()).collect(),
                    quote!((#(::matcalc::nalgebra_boundary::write(#result.#fields)),*)),
                )
            }
        };
        let vis = &item.vis;
        quote! {
            #(#attrs)*
            #vis #sig {
                #nested
                #checks
                let #result = #call;
                #returned
            }
        }
    }

    /// Whether `name` is a dimension generic in the user's signature (a const size or a type
    /// parameter), as opposed to one that only stands for a run-time size.
    fn is_generic(&self, name: &str) -> bool {
        self.function.dims.iter().any(|d| d == name)
    }

    /// The entry checks: the run-time sizes (of the parameters and a product's direction) that
    /// inference found must equal each other or a static size.
    fn checks(&self, direction: Option<(&syn::Ident, Option<na::Kind>, &Shape)>) -> TokenStream {
        let mut groups: Vec<(Dim, Vec<(String, TokenStream)>)> = Vec::new();
        let mut add = |dim: &Dim, what: String, size: TokenStream| match groups
            .iter_mut()
            .find(|(d, _)| d == dim)
        {
            Some((_, entries)) => entries.push((what, size)),
            None => {
                let mut entries = Vec::new();
                match dim {
                    Dim::Known(n) => {
                        entries.push(("the size fixed at compile time".to_string(), quote!(#n)))
                    }
                    Dim::Named(n) if self.const_sizes.contains(n) => {
                        let ident = emit::user_ident(n, Span::call_site());
                        entries.push((format!("the const size `{n}`"), quote!(#ident)));
                    }
                    _ => {}
                }
                entries.push((what, size));
                groups.push((dim.clone(), entries));
            }
        };
        let sides = self
            .params
            .iter()
            .map(|p| (&p.ident, p.kind, &p.shape))
            .chain(direction);
        for (ident, kind, shape) in sides {
            let (Shape::Matrix(rows, cols), Some(kind)) = (shape, kind) else {
                continue;
            };
            if kind == na::Kind::Static {
                continue;
            }
            let name = ident.unraw();
            add(
                rows,
                format!("the row count of `{name}`"),
                quote!(#ident.nrows()),
            );
            if kind == na::Kind::DynMatrix {
                add(
                    cols,
                    format!("the column count of `{name}`"),
                    quote!(#ident.ncols()),
                );
            }
        }
        let function = self.item.sig.ident.unraw().to_string();
        groups
            .into_iter()
            .filter(|(_, entries)| entries.len() > 1)
            .map(|(_, entries)| {
                let (what, size): (Vec<String>, Vec<TokenStream>) = entries.into_iter().unzip();
                quote!(::matcalc::nalgebra_boundary::agree(#function, &[#((#what, #size)),*]);)
            })
            .collect()
    }
}

/// How a parameter is passed to the native function: floats as they are, nalgebra matrices
/// borrowed as matcalc ones (in place where heap-stored; the borrow lives to the end of the
/// call's statement), matcalc matrices by reference.
fn argument(ident: &syn::Ident, kind: Option<na::Kind>, by_ref: bool, scalar: bool) -> TokenStream {
    match (kind, by_ref) {
        _ if scalar => quote!(#ident),
        (Some(_), true) => quote!(&*::matcalc::nalgebra_boundary::borrow(#ident)),
        (Some(_), false) => quote!(&*::matcalc::nalgebra_boundary::borrow(&#ident)),
        (None, true) => quote!(#ident),
        (None, false) => quote!(&#ident),
    }
}

/// The nalgebra type of a Jacobian or Hessian of `rows × cols`: an `SMatrix` when both sizes are
/// numbers, else a `DMatrix` (stable Rust cannot spell `R·C` as a const-generic size).
pub fn derived_matrix_type(rows: &Dim, cols: &Dim, t: &TokenStream) -> TokenStream {
    match (rows.known(), cols.known()) {
        (Some(r), Some(c)) => quote!(::matcalc::nalgebra_boundary::SMatrix<#t, #r, #c>),
        _ => quote!(::matcalc::nalgebra_boundary::DMatrix<#t>),
    }
}

/// The native function: the user's body under a signature over matcalc types, generic over
/// `dims`, every matrix by reference.
fn native_item(
    item: &syn::ItemFn,
    function: &ast::Function,
    params: &[Boundary],
    value_shape: Option<&Shape>,
    dims: &[String],
) -> Result<syn::ItemFn, syn::Error> {
    let scalar = function.scalar;
    let typed = typed_inputs(item);
    let inputs = params.iter().zip(&typed).map(|(p, written)| {
        let ident = &p.ident;
        let ty = respan(emit::shape_type(&p.shape, scalar), written.span());
        if p.shape.is_scalar() {
            quote!(#ident: #ty)
        } else {
            quote_spanned!(written.span()=> #ident: &#ty)
        }
    });
    let output = match (&item.sig.output, value_shape) {
        (syn::ReturnType::Type(arrow, written), Some(shape)) => {
            let ty = respan(emit::shape_type(shape, scalar), written.span());
            quote!(#arrow #ty)
        }
        (output, _) => output.to_token_stream(),
    };
    let generics = dims.iter().map(|d| emit::user_ident(d, Span::call_site()));
    let ident = &item.sig.ident;
    let cfgs = item.attrs.iter().filter(|a| a.path().is_ident("cfg"));
    let block = &item.block;
    syn::parse2(quote! {
        #(#cfgs)*
        fn #ident<#(#generics: ::matcalc::Dim),*>(#(#inputs),*) #output #block
    })
}

/// The declared types of the parameters, in order.
fn typed_inputs(item: &syn::ItemFn) -> Vec<&syn::Type> {
    item.sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(t) => Some(&*t.ty),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// `tokens` with every span set to `span`, so errors about a synthesised type point at the type
/// the user wrote.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(g) = &tree {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tree = TokenTree::Group(group);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// `tokens` with each dimension name (an identifier that is not a path segment after `::`)
/// replaced by its spelling.
fn substitute(tokens: TokenStream, spelling: &HashMap<String, TokenStream>) -> TokenStream {
    let mut out = TokenStream::new();
    let mut after_colons = false;
    for tree in tokens {
        match &tree {
            TokenTree::Ident(ident) if !after_colons => {
                match spelling.get(&ident.unraw().to_string()) {
                    Some(spelled) => out.extend(spelled.clone()),
                    None => out.extend([tree.clone()]),
                }
                after_colons = false;
            }
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), substitute(g.stream(), spelling));
                group.set_span(g.span());
                out.extend([TokenTree::Group(group)]);
                after_colons = false;
            }
            TokenTree::Punct(p) => {
                after_colons = p.as_char() == ':';
                out.extend([tree.clone()]);
            }
            _ => {
                after_colons = false;
                out.extend([tree.clone()]);
            }
        }
    }
    out
}

/// Whether `tokens` name an identifier `pred` accepts.
fn mentions_tokens(tokens: &TokenStream, pred: &dyn Fn(&str) -> bool) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(i) => pred(&i.unraw().to_string()),
        TokenTree::Group(g) => mentions_tokens(&g.stream(), pred),
        _ => false,
    })
}

/// Whether a dimension of `shape` is a name `pred` accepts.
fn mentions(shape: &Shape, pred: &dyn Fn(&str) -> bool) -> bool {
    fn dim(d: &Dim, pred: &dyn Fn(&str) -> bool) -> bool {
        match d {
            Dim::Known(_) => false,
            Dim::Named(n) => pred(n),
            Dim::Prod(a, b) => dim(a, pred) || dim(b, pred),
        }
    }
    match shape {
        Shape::Scalar => false,
        Shape::Matrix(r, c) => dim(r, pred) || dim(c, pred),
    }
}
