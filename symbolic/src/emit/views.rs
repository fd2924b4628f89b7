//! The tokens of entries, views and assembled blocks: an entry is an index, a view a copy into
//! a small matrix (`fixed_view`), an assembly one zero matrix with each block added in place.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{dim_type, dims, generated_ident, shape_type, Emitter};
use crate::ir::{Dim, NodeId};

impl Emitter<'_> {
    pub(super) fn entry(&self, a: NodeId, i: usize, j: usize) -> TokenStream {
        let a = self.operand(a);
        let (i, j) = (Literal::usize_unsuffixed(i), Literal::usize_unsuffixed(j));
        quote!(#a[(#i, #j)])
    }

    pub(super) fn view(
        &mut self,
        a: NodeId,
        i: usize,
        j: usize,
        rows: &Dim,
        cols: &Dim,
    ) -> TokenStream {
        let (i, j) = (Literal::usize_unsuffixed(i), Literal::usize_unsuffixed(j));
        if dims::is_generic(rows) || dims::is_generic(cols) {
            let (r, c) = (self.dim_value(rows), self.dim_value(cols));
            return self.method(a, quote!(view_generic(#i, #j, #r, #c)));
        }
        let (r, c) = (dim_type(rows), dim_type(cols));
        self.method(a, quote!(fixed_view::<#r, #c>(#i, #j)))
    }

    pub(super) fn blocks(&mut self, id: NodeId, blocks: &[(usize, usize, NodeId)]) -> TokenStream {
        let ty = shape_type(self.graph.shape(id), self.graph.scalar);
        let zeros = if self.generic(id) {
            let (r, c) = self.graph.shape(id).dims();
            let (r, c) = (self.dim_value(&r), self.dim_value(&c));
            quote!(zeros_generic(#r, #c))
        } else {
            quote!(zeros())
        };
        let out = generated_ident("__blocks");
        let writes = blocks.iter().map(|&(i, j, b)| {
            let (i, j) = (Literal::usize_unsuffixed(i), Literal::usize_unsuffixed(j));
            let value = self.operand(b);
            if self.is_scalar(b) {
                quote!(#out[(#i, #j)] += #value;)
            } else {
                quote!(#out.add_block(#i, #j, #value);)
            }
        });
        quote!({
            let mut #out = <#ty>::#zeros;
            #(#writes)*
            #out
        })
    }
}
