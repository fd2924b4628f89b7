//! The `where` predicates generated code needs when its dimensions are generic: a product of
//! dimensions (`kron`, `vec`, Jacobian and Hessian shapes) must exist (`M: Mul<N>`) and be a
//! dimension (`Prod<M, N>: Dim`). Both the emitter and the fallback signatures (written when the
//! engine failed) collect them here, so the two agree.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::dim_type;
use super::dims::is_generic;
use crate::ir::{Dim, Shape};

/// Deduplicated `where` predicates, kept as strings so that equal predicates compare equal.
#[derive(Default)]
pub struct Bounds(BTreeSet<String>);

impl Bounds {
    /// Records that `a · b` must be a dimension, if it involves generics (products of known
    /// sizes are folded and need nothing).
    pub fn need_product(&mut self, a: &Dim, b: &Dim) {
        let product = Dim::product(a, b);
        if is_generic(&product) {
            let (ta, tb, tp) = (dim_type(a), dim_type(b), dim_type(&product));
            self.0
                .insert(quote!(#ta: ::core::ops::Mul<#tb>).to_string());
            self.0.insert(quote!(#tp: ::matcalc::Dim).to_string());
        }
    }

    /// Records the bounds every product dimension in `shape` needs (Jacobians have shapes like
    /// (r·c)×(m·n) whatever their ops are).
    pub fn need_shape(&mut self, shape: &Shape) {
        fn walk(bounds: &mut Bounds, d: &Dim) {
            if let Dim::Prod(a, b) = d {
                walk(bounds, a);
                walk(bounds, b);
                bounds.need_product(a, b);
            }
        }
        if let Shape::Matrix(r, c) = shape {
            walk(self, r);
            walk(self, c);
        }
    }

    /// The predicates as tokens.
    pub fn into_tokens(self) -> Vec<TokenStream> {
        self.0
            .into_iter()
            .map(|b| b.parse().expect("bounds are built from valid tokens"))
            .collect()
    }
}
