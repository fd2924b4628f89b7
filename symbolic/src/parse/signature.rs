//! The signature half of `parse`: generic dimensions, parameters with their shapes, the float
//! type shared by all of them, and the declared return type. Types written on `let` bindings
//! are read with the same `dsl_type`.

use proc_macro2::Span;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, GenericParam, Pat, PathArguments, ReturnType, Type};

use super::{float_name, tokens_text};
use crate::ast::{Param, TypeDecl};
use crate::ctxt::Ctxt;
use crate::ir::{Dim, ScalarType, Shape};

const SUPPORTED_TYPES: &str = "the matcalc DSL supports `&Matrix<R, C>`, `&Vector<N>` (also by \
     value, optionally with `f32` as the last type argument) and the scalars `f64` and `f32`";

const SUPPORTED_DIMS: &str = "a dimension is a typenum constant (`U3`, `typenum::U3`, `U<17>`) \
     or a generic parameter bounded by `Dim` (`fn f<M: Dim>(..)`); the macro reads dimensions \
     from the signature, so a type alias (`type N = U20;`) cannot stand for one: write `U<20>`";

/// What `parse` needs from the signature. `params` has an entry for every parameter, also for
/// ones whose type was rejected (as a scalar), so the body can still resolve their names
/// without follow-up errors.
pub(super) struct Signature {
    pub dims: Vec<String>,
    pub params: Vec<Param>,
    pub scalar: ScalarType,
    pub returns: Option<TypeDecl>,
}

/// A DSL type as written: its shape, whether it was behind `&`, and its float type
/// (a matrix without a third type argument is `f64`).
pub(super) struct DslType {
    pub shape: Shape,
    pub by_ref: bool,
    pub float: ScalarType,
    pub span: Span,
}

pub(super) fn signature(sig: &syn::Signature, errors: &mut Ctxt) -> Signature {
    if let Some(token) = &sig.asyncness {
        errors.push(syn::Error::new(
            token.span,
            "`async fn` is not supported by matcalc",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "variadic parameters are not supported",
        ));
    }
    // A signature with nalgebra types may also be generic over const sizes (`SMatrix<f64, R, C>`).
    let nalgebra = super::nalgebra::uses_nalgebra(sig);
    let mut dims = generic_dims(&sig.generics, nalgebra, errors);
    if sig.receiver().is_some() {
        impl_dims(sig, &mut dims);
    }

    // The first float type seen, with a description of where, so a disagreement can name both.
    let mut float: Option<(ScalarType, String)> = None;
    // The error covers the whole type as written (`&Matrix<U3, U3>`), not just its first token.
    let mut agree =
        |found: ScalarType, what: String, written: &Type, errors: &mut Ctxt| match &float {
            None => float = Some((found, what)),
            Some((first, first_what)) if *first != found => errors.push(syn::Error::new_spanned(
                written,
                format!(
                    "{what} is {} but {first_what} is {}: all parameters and the return type must \
                 use the same float type",
                    float_name(found),
                    float_name(*first)
                ),
            )),
            Some(_) => {}
        };

    let mut params = Vec::new();
    for input in &sig.inputs {
        let typed = match input {
            FnArg::Typed(typed) => typed,
            // A method's receiver (`&self`, `&mut self`) is no DSL parameter: the body reaches
            // it only through outside data (`let X: Matrix<..> = self.X;`), and generated
            // methods keep it as written.
            FnArg::Receiver(_) => continue,
        };
        let Some((name, span)) = param_name(&typed.pat, errors) else {
            continue;
        };
        let read = nalgebra
            .then(|| super::nalgebra::read(&typed.ty, &dims, &name))
            .flatten()
            .unwrap_or_else(|| dsl_type(&typed.ty, &dims));
        let shape = match read {
            Ok(ty) if ty.by_ref && ty.shape == Shape::Scalar => {
                errors.push(syn::Error::new(
                    ty.span,
                    format!(
                        "scalar parameters are taken by value: write `{name}: {}`",
                        float_name(ty.float)
                    ),
                ));
                Shape::Scalar
            }
            Ok(ty) => {
                agree(ty.float, format!("`{name}`"), &typed.ty, errors);
                params.push(Param {
                    name,
                    span,
                    shape: ty.shape,
                    by_ref: ty.by_ref,
                });
                continue;
            }
            Err(error) => {
                errors.push(error);
                Shape::Scalar
            }
        };
        params.push(Param {
            name,
            span,
            shape,
            by_ref: false,
        });
    }

    let returns = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) if matches!(&**ty, Type::Tuple(t) if t.elems.is_empty()) => None,
        ReturnType::Type(_, written) => match nalgebra
            .then(|| super::nalgebra::read(written, &dims, super::nalgebra::VALUE))
            .flatten()
            .unwrap_or_else(|| dsl_type(written, &dims))
        {
            Ok(ty) if ty.by_ref => {
                errors.push(syn::Error::new(
                    ty.span,
                    "the return type must be a value, not a reference",
                ));
                None
            }
            Ok(ty) => {
                agree(ty.float, "the return type".to_string(), written, errors);
                Some(TypeDecl {
                    shape: ty.shape,
                    span: ty.span,
                })
            }
            Err(error) => {
                errors.push(error);
                None
            }
        },
    };

    Signature {
        dims,
        params,
        scalar: float.map(|(found, _)| found).unwrap_or_default(),
        returns,
    }
}

/// The generic dimensions, in declaration order. A type parameter counts as a dimension when it
/// is bounded by a path ending in `Dim`, inline or in the where clause; with `const_sizes` (a
/// signature with nalgebra types), so does a `const N: usize`.
fn generic_dims(generics: &syn::Generics, const_sizes: bool, errors: &mut Ctxt) -> Vec<String> {
    let is_dim_bound = |bound: &syn::TypeParamBound| {
        matches!(bound, syn::TypeParamBound::Trait(t)
            if t.path.segments.last().is_some_and(|s| s.ident == "Dim"))
    };
    let mut candidates: Vec<(&syn::Ident, bool)> = Vec::new();
    for param in &generics.params {
        match param {
            GenericParam::Type(ty) => {
                candidates.push((&ty.ident, ty.bounds.iter().any(is_dim_bound)))
            }
            // Lifetimes only matter to references, which the DSL reads through.
            GenericParam::Lifetime(_) => {}
            GenericParam::Const(c)
                if const_sizes && matches!(&c.ty, Type::Path(p) if p.path.is_ident("usize")) =>
            {
                candidates.push((&c.ident, true))
            }
            GenericParam::Const(c) => errors.push(syn::Error::new(
                c.ident.span(),
                format!(
                    "const generic parameter `{}` is not supported: dimensions are typenum types; \
                     declare `{}: Dim` instead",
                    c.ident, c.ident
                ),
            )),
        }
    }
    if let Some(clause) = &generics.where_clause {
        for predicate in &clause.predicates {
            let syn::WherePredicate::Type(predicate) = predicate else {
                continue;
            };
            let Type::Path(bounded) = &predicate.bounded_ty else {
                continue;
            };
            if !predicate.bounds.iter().any(is_dim_bound) {
                continue;
            }
            for (ident, bounded_by_dim) in &mut candidates {
                if bounded.qself.is_none() && bounded.path.is_ident(*ident) {
                    *bounded_by_dim = true;
                }
            }
        }
    }
    let mut dims = Vec::new();
    for (ident, is_dim) in candidates {
        if is_dim {
            dims.push(ident.unraw().to_string());
        } else {
            errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "generic parameter `{ident}` is not a dimension: matcalc functions may only be \
                     generic over dimensions bounded by `Dim` (`{ident}: Dim`)"
                ),
            ));
        }
    }
    dims
}

fn param_name(pat: &Pat, errors: &mut Ctxt) -> Option<(String, Span)> {
    match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
            Some((ident.ident.unraw().to_string(), ident.ident.span()))
        }
        _ => {
            errors.push(syn::Error::new_spanned(
                pat,
                format!(
                    "unsupported parameter pattern `{}`: a parameter must be a plain name (`X` or \
                     `mut X`)",
                    tokens_text(pat)
                ),
            ));
            None
        }
    }
}

/// Reads a parameter, return or `let` type: `&Matrix<R, C>`, `Matrix<R, C, f32>`,
/// `matcalc::Vector<N>`, `f64`, ...
pub(super) fn dsl_type(ty: &Type, dims: &[String]) -> Result<DslType, syn::Error> {
    read_type(ty, ty, dims)
}

/// `dsl_type` of `ty`, a part of `whole`, which messages quote.
fn read_type(ty: &Type, whole: &Type, dims: &[String]) -> Result<DslType, syn::Error> {
    let unsupported = || {
        syn::Error::new_spanned(
            whole,
            format!(
                "unsupported type `{}`: {SUPPORTED_TYPES}",
                tokens_text(whole)
            ),
        )
    };
    match ty {
        Type::Reference(reference) => {
            let inner = read_type(&reference.elem, whole, dims)?;
            if inner.by_ref {
                return Err(unsupported());
            }
            Ok(DslType {
                by_ref: true,
                span: ty.span(),
                ..inner
            })
        }
        Type::Paren(paren) => read_type(&paren.elem, whole, dims),
        Type::Group(group) => read_type(&group.elem, whole, dims),
        Type::Path(path) if path.qself.is_none() => {
            let segment = path.path.segments.last().ok_or_else(unsupported)?;
            let args: Vec<&GenericArgument> = match &segment.arguments {
                PathArguments::None => Vec::new(),
                PathArguments::AngleBracketed(args) => args.args.iter().collect(),
                PathArguments::Parenthesized(_) => return Err(unsupported()),
            };
            let name = segment.ident.unraw().to_string();
            let (dim_count, float_arg) = match (name.as_str(), args.len()) {
                ("f64", 0) => return Ok(scalar(ScalarType::F64, ty)),
                ("f32", 0) => return Ok(scalar(ScalarType::F32, ty)),
                ("Matrix", 2 | 3) => (2, args.get(2)),
                ("Vector", 1 | 2) => (1, args.get(1)),
                _ => return Err(unsupported()),
            };
            let mut errors = Ctxt::new();
            let mut shape = Vec::new();
            for arg in &args[..dim_count] {
                match dim_argument(arg, dims) {
                    Ok(d) => shape.push(d),
                    Err(error) => errors.push(error),
                }
            }
            let float = match float_arg.map(|arg| float_type(arg)) {
                None => ScalarType::F64,
                Some(Some(float)) => float,
                Some(None) => {
                    errors.push(syn::Error::new_spanned(
                        float_arg,
                        format!("the element type of `{name}` must be `f64` or `f32`"),
                    ));
                    ScalarType::F64
                }
            };
            errors.check()?;
            let mut shape = shape.into_iter();
            let rows = shape.next().ok_or_else(unsupported)?;
            let cols = shape.next().unwrap_or(Dim::Known(1));
            Ok(DslType {
                shape: Shape::Matrix(rows, cols),
                by_ref: false,
                float,
                span: ty.span(),
            })
        }
        _ => Err(unsupported()),
    }
}

fn scalar(float: ScalarType, ty: &Type) -> DslType {
    DslType {
        shape: Shape::Scalar,
        by_ref: false,
        float,
        span: ty.span(),
    }
}

fn float_type(arg: &GenericArgument) -> Option<ScalarType> {
    let GenericArgument::Type(Type::Path(path)) = arg else {
        return None;
    };
    if path.path.is_ident("f64") {
        Some(ScalarType::F64)
    } else if path.path.is_ident("f32") {
        Some(ScalarType::F32)
    } else {
        None
    }
}

/// One dimension: `U3`, `typenum::consts::U3`, `U<17>`, or a declared generic dimension.
pub(super) fn dim_argument(arg: &GenericArgument, dims: &[String]) -> Result<Dim, syn::Error> {
    let not_a_dim = || {
        syn::Error::new_spanned(
            arg,
            format!(
                "`{}` is not a dimension: {SUPPORTED_DIMS}",
                tokens_text(arg)
            ),
        )
    };
    let GenericArgument::Type(ty) = arg else {
        return Err(not_a_dim());
    };
    let mut ty = ty;
    while let Type::Group(group) = ty {
        ty = &group.elem;
    }
    let Type::Path(path) = ty else {
        return Err(not_a_dim());
    };
    if path.qself.is_some() {
        return Err(not_a_dim());
    }
    if let Some(ident) = path.path.get_ident() {
        if dims.iter().any(|d| ident.unraw() == d) {
            return Ok(Dim::Named(ident.unraw().to_string()));
        }
    }
    let segment = path.path.segments.last().ok_or_else(not_a_dim)?;
    let name = segment.ident.unraw().to_string();
    let size = match (&segment.arguments, name.strip_prefix('U')) {
        // `U<17>`: typenum's const-generic alias.
        (PathArguments::AngleBracketed(args), Some("")) if args.args.len() == 1 => {
            match args.args.first() {
                Some(GenericArgument::Const(expr)) => const_size(expr),
                _ => None,
            }
        }
        (PathArguments::None, Some(digits))
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            digits.parse::<usize>().ok()
        }
        _ => None,
    };
    match size {
        Some(0) => Err(syn::Error::new_spanned(
            arg,
            "dimensions must be at least 1",
        )),
        Some(n) => Ok(Dim::Known(n)),
        None => Err(not_a_dim()),
    }
}

/// A method's impl may declare generic dimensions the attribute cannot see (`impl<N: Dim>
/// Model<N>`): in a method, a bare name like `N` in a type's generic arguments that is no
/// typenum constant (`U3`) or float type is taken to be one. Its `Dim` bound is the impl's.
fn impl_dims(sig: &syn::Signature, dims: &mut Vec<String>) {
    fn walk(tokens: proc_macro2::TokenStream, in_args: bool, dims: &mut Vec<String>) {
        let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        let mut depth = 0usize;
        for (k, tt) in tokens.iter().enumerate() {
            match tt {
                proc_macro2::TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
                proc_macro2::TokenTree::Punct(p) if p.as_char() == '>' => {
                    depth = depth.saturating_sub(1)
                }
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), in_args, dims),
                proc_macro2::TokenTree::Ident(i) if depth > 0 || in_args => {
                    let name = i.unraw().to_string();
                    let is_path_segment = matches!(tokens.get(k + 1), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ':' || p.as_char() == '<')
                        || matches!(k.checked_sub(1).and_then(|b| tokens.get(b)), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == ':');
                    let typenum = name
                        .strip_prefix('U')
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
                    if !is_path_segment
                        && !typenum
                        && !matches!(name.as_str(), "f32" | "f64" | "U" | "Dyn")
                        && name.chars().next().is_some_and(char::is_uppercase)
                        && !dims.contains(&name)
                    {
                        dims.push(name);
                    }
                }
                _ => {}
            }
        }
    }
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input {
            walk(typed.ty.to_token_stream(), false, dims);
        }
    }
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        walk(ty.to_token_stream(), false, dims);
    }
}

/// The number in `U<17>` or `U<{ 17 }>`.
fn const_size(expr: &syn::Expr) -> Option<usize> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) if int.suffix().is_empty() || int.suffix() == "usize" => int.base10_parse().ok(),
        syn::Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            syn::Stmt::Expr(inner, None) => const_size(inner),
            _ => None,
        },
        syn::Expr::Group(group) => const_size(&group.expr),
        _ => None,
    }
}
