//! nalgebra types in a DSL signature: `SMatrix<f64, 3, 4>`, `SVector<f32, N>` with literal or
//! const-generic sizes, and `DMatrix<f64>` / `DVector<f64>`, bare or behind a path
//! (`nalgebra::`, `na::`). They read as the same shapes as matcalc's own types; each run-time
//! size of a `DMatrix` or `DVector` becomes a dimension of its own, named after its owner
//! (`X_rows`, `X_cols`), which `generate::nalgebra` unifies with what the body needs.

use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

use super::signature::DslType;
use super::tokens_text;
use crate::ir::{Dim, ScalarType, Shape};

/// Which nalgebra type a parameter or return type is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `SMatrix<T, R, C>` or `SVector<T, N>`: sizes known at compile time (literals or const
    /// generic parameters).
    Static,
    /// `DMatrix<T>`: both sizes known at run time.
    DynMatrix,
    /// `DVector<T>`: the length known at run time, one column.
    DynVector,
}

/// The nalgebra type `ty` is written with (through `&` and parentheses), if it is one.
pub fn kind(ty: &Type) -> Option<Kind> {
    let segment = last_segment(ty)?;
    match segment.ident.to_string().as_str() {
        "SMatrix" | "SVector" => Some(Kind::Static),
        "DMatrix" => Some(Kind::DynMatrix),
        "DVector" => Some(Kind::DynVector),
        _ => None,
    }
}

/// Whether any parameter or the return type of `sig` is a nalgebra type.
pub fn uses_nalgebra(sig: &syn::Signature) -> bool {
    let in_inputs = sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(typed) => kind(&typed.ty).is_some(),
        syn::FnArg::Receiver(_) => false,
    });
    let in_output = matches!(&sig.output, syn::ReturnType::Type(_, ty) if kind(ty).is_some());
    in_inputs || in_output
}

/// The owner of the run-time dimensions of a `DMatrix` return type: they are resolved from the
/// parameters', so the name never reaches generated code.
pub const VALUE: &str = "__value";

/// The names of the run-time dimensions of a `DMatrix` or `DVector` owned by `owner` (a
/// parameter's name).
pub fn dyn_dims(owner: &str) -> (String, String) {
    (format!("{owner}_rows"), format!("{owner}_cols"))
}

/// Reads `ty` when it is a nalgebra type (`None` otherwise); `dims` are the generic dimensions
/// (const generic parameters among them), `owner` names the run-time dimensions of a `DMatrix`.
pub(super) fn read(ty: &Type, dims: &[String], owner: &str) -> Option<Result<DslType, syn::Error>> {
    let kind = kind(ty)?;
    Some(read_kind(ty, kind, dims, owner))
}

fn read_kind(ty: &Type, kind: Kind, dims: &[String], owner: &str) -> Result<DslType, syn::Error> {
    let mut inner = ty;
    let mut by_ref = false;
    loop {
        match inner {
            Type::Reference(r) if !by_ref => {
                by_ref = true;
                inner = &r.elem;
            }
            Type::Paren(p) => inner = &p.elem,
            Type::Group(g) => inner = &g.elem,
            _ => break,
        }
    }
    let segment = last_segment(inner).expect("`kind` found a path");
    let name = segment.ident.to_string();
    let args: Vec<&GenericArgument> = match &segment.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().collect(),
        _ => Vec::new(),
    };
    let expected = match name.as_str() {
        "SMatrix" => 3,
        "SVector" => 2,
        _ => 1,
    };
    if args.len() != expected {
        let form = match name.as_str() {
            "SMatrix" => "SMatrix<f64, R, C>",
            "SVector" => "SVector<f64, N>",
            "DMatrix" => "DMatrix<f64>",
            _ => "DVector<f64>",
        };
        return Err(syn::Error::new_spanned(
            ty,
            format!(
                "`{}` is not a nalgebra type the DSL reads: write `{form}` (the element type \
                 `f64` or `f32`, then the sizes)",
                tokens_text(ty)
            ),
        ));
    }
    let float = match float_argument(args[0]) {
        Some(float) => float,
        None => {
            return Err(syn::Error::new_spanned(
                args[0],
                format!("the element type of `{name}` must be `f64` or `f32`"),
            ))
        }
    };
    let shape = match kind {
        Kind::Static => {
            let rows = size_argument(args[1], dims)?;
            let cols = match args.get(2) {
                Some(arg) => size_argument(arg, dims)?,
                None => Dim::Known(1),
            };
            Shape::Matrix(rows, cols)
        }
        Kind::DynMatrix => {
            let (rows, cols) = dyn_dims(owner);
            Shape::Matrix(Dim::Named(rows), Dim::Named(cols))
        }
        Kind::DynVector => Shape::Matrix(Dim::Named(dyn_dims(owner).0), Dim::Known(1)),
    };
    Ok(DslType {
        shape,
        by_ref,
        float,
        span: ty.span(),
    })
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Reference(r) => last_segment(&r.elem),
        Type::Paren(p) => last_segment(&p.elem),
        Type::Group(g) => last_segment(&g.elem),
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        _ => None,
    }
}

fn float_argument(arg: &GenericArgument) -> Option<ScalarType> {
    let GenericArgument::Type(Type::Path(path)) = arg else {
        return None;
    };
    match path.path.get_ident()?.to_string().as_str() {
        "f64" => Some(ScalarType::F64),
        "f32" => Some(ScalarType::F32),
        _ => None,
    }
}

/// A size of an `SMatrix`: an integer literal (`3`, `{ 3 }`) or a const generic parameter.
fn size_argument(arg: &GenericArgument, dims: &[String]) -> Result<Dim, syn::Error> {
    let not_a_size = || {
        syn::Error::new_spanned(
            arg,
            format!(
                "`{}` is not a size: an `SMatrix` size is an integer literal (`3`) or a const \
                 generic parameter of the function (`fn f<const N: usize>(..)`)",
                tokens_text(arg)
            ),
        )
    };
    let expr = match arg {
        GenericArgument::Const(expr) => expr,
        // `SMatrix<f64, N, 3>`: syn reads a bare `N` as a type.
        GenericArgument::Type(Type::Path(path)) if path.qself.is_none() => {
            let ident = path.path.get_ident().ok_or_else(not_a_size)?;
            let name = ident.to_string();
            return if dims.contains(&name) {
                Ok(Dim::Named(name))
            } else {
                Err(not_a_size())
            };
        }
        _ => return Err(not_a_size()),
    };
    match literal_size(expr) {
        Some(0) => Err(syn::Error::new_spanned(arg, "sizes must be at least 1")),
        Some(n) => Ok(Dim::Known(n)),
        None => Err(not_a_size()),
    }
}

fn literal_size(expr: &syn::Expr) -> Option<usize> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) if int.suffix().is_empty() || int.suffix() == "usize" => int.base10_parse().ok(),
        syn::Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            syn::Stmt::Expr(inner, None) => literal_size(inner),
            _ => None,
        },
        syn::Expr::Group(group) => literal_size(&group.expr),
        syn::Expr::Paren(paren) => literal_size(&paren.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(ty: &str, dims: &[&str]) -> Result<(Shape, bool, ScalarType), String> {
        let ty: Type = syn::parse_str(ty).unwrap();
        let dims: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
        match read(&ty, &dims, "X") {
            None => Err("not nalgebra".into()),
            Some(Ok(t)) => Ok((t.shape, t.by_ref, t.float)),
            Some(Err(e)) => Err(e.to_string()),
        }
    }

    fn m(r: Dim, c: Dim) -> Shape {
        Shape::Matrix(r, c)
    }

    #[test]
    fn static_types_read_as_their_shapes() {
        let k = Dim::Known;
        assert_eq!(
            shape_of("&SMatrix<f64, 3, 4>", &[]),
            Ok((m(k(3), k(4)), true, ScalarType::F64))
        );
        assert_eq!(
            shape_of("nalgebra::SVector<f32, 5>", &[]),
            Ok((m(k(5), k(1)), false, ScalarType::F32))
        );
        assert_eq!(
            shape_of("&na::SMatrix<f64, R, { 2 }>", &["R"]),
            Ok((m(Dim::Named("R".into()), k(2)), true, ScalarType::F64))
        );
    }

    #[test]
    fn dynamic_types_get_dimensions_named_after_their_owner() {
        let n = |s: &str| Dim::Named(s.into());
        assert_eq!(
            shape_of("&DMatrix<f64>", &[]),
            Ok((m(n("X_rows"), n("X_cols")), true, ScalarType::F64))
        );
        assert_eq!(
            shape_of("&nalgebra::DVector<f64>", &[]),
            Ok((m(n("X_rows"), Dim::Known(1)), true, ScalarType::F64))
        );
    }

    #[test]
    fn bad_nalgebra_types_say_what_is_read() {
        assert!(shape_of("&SMatrix<f64, N, 3>", &[])
            .unwrap_err()
            .contains("is not a size"));
        assert!(shape_of("&SMatrix<i32, 3, 3>", &[])
            .unwrap_err()
            .contains("must be `f64` or `f32`"));
        assert!(shape_of("&SMatrix<f64, 3>", &[])
            .unwrap_err()
            .contains("write `SMatrix<f64, R, C>`"));
        assert!(shape_of("&SMatrix<f64, 0, 3>", &[])
            .unwrap_err()
            .contains("at least 1"));
        assert_eq!(shape_of("&Matrix<U3, U3>", &[]), Err("not nalgebra".into()));
    }
}
