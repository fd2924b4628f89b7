//! Sizes in generated code whose dimensions are generic (`fn f<N: Dim>`), so that it runs with
//! `N = Dyn`: each generic dimension is read once, at entry, from the first parameter that has
//! it (`let __dim_N = X.shape_generic().0;`), every other parameter with that dimension is
//! checked against it before any arithmetic ("`X` has 50 rows but `y` has 49 (both are N)"),
//! and constructors and size-only kernel arguments take dimension values built from these
//! (`zeros_generic(__dim_N, U3)`). A value of a typenum dimension is zero-sized, so for static
//! instantiations all of this is constants that fold away; concrete signatures get none of it.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{dim_type, generated_ident, Bounds, ParamAccess};
use crate::ir::{Dim, Graph, Shape};

/// The generic dimensions of a generated body and the statements that read and check them.
#[derive(Default)]
pub(super) struct EntryDims {
    /// The local holding each generic dimension's value, by dimension name.
    values: BTreeMap<String, Ident>,
    /// The bindings and checks, first in the body.
    pub(super) statements: TokenStream,
}

impl EntryDims {
    /// Reads every generic dimension of the parameters `signature` (indices into the graph's
    /// parameters: those the generated function has) from the first that has it, and checks
    /// the others against it.
    pub(super) fn new(graph: &Graph, params: &[ParamAccess], signature: &[usize]) -> EntryDims {
        let mut entry = EntryDims::default();
        // The first occurrence of each dimension: the local, the parameter name and side.
        let mut first: BTreeMap<String, (Ident, String, bool)> = BTreeMap::new();
        for &i in signature {
            let Shape::Matrix(rows, cols) = &graph.params[i].shape else {
                continue;
            };
            let access = &params[i];
            let name = &access.name;
            let param_text = graph.params[i].name.clone();
            for (dim, is_rows) in [(rows, true), (cols, false)] {
                let Dim::Named(dim_name) = dim else { continue };
                let read = if is_rows {
                    quote!(#name.shape_generic().0)
                } else {
                    quote!(#name.shape_generic().1)
                };
                let size = if is_rows {
                    quote!(#name.nrows())
                } else {
                    quote!(#name.ncols())
                };
                match first.get(dim_name) {
                    None => {
                        let local = generated_ident(&format!("__dim_{dim_name}"));
                        entry.statements.extend(quote!(let #local = #read;));
                        entry.values.insert(dim_name.clone(), local.clone());
                        first.insert(dim_name.clone(), (local, param_text.clone(), is_rows));
                    }
                    Some((local, first_param, first_rows)) => {
                        let site = |param: &str, rows: bool, size: TokenStream| quote!(::matcalc::DimSite { param: #param, rows: #rows, size: #size });
                        let first_site = site(
                            first_param,
                            *first_rows,
                            quote!(::matcalc::Dim::value(#local)),
                        );
                        let other_site = site(&param_text, is_rows, size);
                        entry.statements.extend(quote!(
                            ::matcalc::check_dimension(#dim_name, #first_site, #other_site);
                        ));
                    }
                }
            }
        }
        entry
    }

    /// An expression for the value of `dim`: a typenum constant's (zero-sized) value, a generic
    /// dimension's local, or the product of two values (recording the bounds it needs).
    pub(super) fn value(&self, dim: &Dim, bounds: &mut Bounds) -> TokenStream {
        match dim {
            Dim::Known(_) => {
                let ty = dim_type(dim);
                quote!(<#ty as ::core::default::Default>::default())
            }
            Dim::Named(name) => match self.values.get(name) {
                Some(local) => quote!(#local),
                // No parameter has it (it appears only in the return type): it can only be
                // static.
                None => {
                    let ty = dim_type(dim);
                    quote!(<#ty as ::matcalc::Dim>::from_static(#name))
                }
            },
            Dim::Prod(a, b) => {
                bounds.need_product(a, b);
                let (va, vb) = (self.value(a, bounds), self.value(b, bounds));
                quote!((#va * #vb))
            }
        }
    }
}

/// Whether a dimension involves a generic name (then its size is known only from the
/// arguments, and code must size things from values rather than types).
pub(super) fn is_generic(dim: &Dim) -> bool {
    match dim {
        Dim::Known(_) => false,
        Dim::Named(_) => true,
        Dim::Prod(a, b) => is_generic(a) || is_generic(b),
    }
}

/// Whether a shape has a generic dimension.
pub(super) fn shape_is_generic(shape: &Shape) -> bool {
    match shape {
        Shape::Scalar => false,
        Shape::Matrix(r, c) => is_generic(r) || is_generic(c),
    }
}
