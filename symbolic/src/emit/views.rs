//! The tokens of entries, views and assembled blocks: an entry is an index, a view a copy into
//! a small matrix (`fixed_view`), an assembly one zero matrix with each block written in place:
//! assigned where it shares no entry with another block, added where blocks overlap (scatters).

use std::ops::Range;

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
        let alone = self.blocks_alone(blocks);
        let writes = blocks.iter().zip(alone).map(|(&(i, j, b), alone)| {
            let (i, j) = (Literal::usize_unsuffixed(i), Literal::usize_unsuffixed(j));
            let value = self.operand(b);
            match (self.is_scalar(b), alone) {
                (true, true) => quote!(#out[(#i, #j)] = #value;),
                (true, false) => quote!(#out[(#i, #j)] += #value;),
                (false, true) => quote!(#out.set_block(#i, #j, #value);),
                (false, false) => quote!(#out.add_block(#i, #j, #value);),
            }
        });
        quote!({
            let mut #out = <#ty>::#zeros;
            #(#writes)*
            #out
        })
    }

    /// For each block, whether it shares no entry with any other, so it can be assigned rather
    /// than added into the zeros (which the compiler cannot fold: `0 + x` is not `x` for
    /// `x = −0`). A block of symbolic size is never known to be alone.
    fn blocks_alone(&self, blocks: &[(usize, usize, NodeId)]) -> Vec<bool> {
        let extent = |&(i, j, b): &(usize, usize, NodeId)| match self.graph.shape(b).dims() {
            (Dim::Known(r), Dim::Known(c)) => Some((i..i + r, j..j + c)),
            _ => None,
        };
        let extents: Vec<_> = blocks.iter().map(extent).collect();
        let overlap = |a: &Option<(Range<usize>, Range<usize>)>,
                       b: &Option<(Range<usize>, Range<usize>)>| match (a, b)
        {
            (Some((ar, ac)), Some((br, bc))) => {
                ar.start < br.end && br.start < ar.end && ac.start < bc.end && bc.start < ac.end
            }
            _ => true,
        };
        (0..extents.len())
            .map(|k| {
                extents[k].is_some()
                    && (0..extents.len()).all(|l| l == k || !overlap(&extents[k], &extents[l]))
            })
            .collect()
    }
}
