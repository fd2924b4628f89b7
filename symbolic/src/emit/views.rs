//! The tokens of entries, views and assembled blocks: an entry is an index, a view a copy into
//! a small matrix (`fixed_view`), an assembly one zero matrix with each block written in place:
//! assigned where it shares no entry with another block, added where blocks overlap (scatters).

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
        let alone = self.blocks_alone(id, blocks);
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

    /// For each block of the assembly `id`, whether it shares no entry with any other, so it
    /// can be assigned rather than added into the zeros (which the compiler cannot fold:
    /// `0 + x` is not `x` for `x = −0`). Found by counting the blocks over each entry, so a
    /// scatter of many entries (an unrolled loop's) costs its size, not the square of its block
    /// count. With a symbolic size anywhere, or above `MAX_COUNTED` entries, every block adds.
    fn blocks_alone(&self, id: NodeId, blocks: &[(usize, usize, NodeId)]) -> Vec<bool> {
        const MAX_COUNTED: usize = 1 << 20;
        let known = |(r, c): (Dim, Dim)| match (r, c) {
            (Dim::Known(r), Dim::Known(c)) => Some((r, c)),
            _ => None,
        };
        let extents: Option<Vec<_>> = blocks
            .iter()
            .map(|&(i, j, b)| known(self.graph.shape(b).dims()).map(|(r, c)| (i, j, r, c)))
            .collect();
        let (Some((rows, cols)), Some(extents)) = (known(self.graph.shape(id).dims()), extents)
        else {
            return vec![false; blocks.len()];
        };
        let inside = |&(i, j, r, c): &(usize, usize, usize, usize)| i + r <= rows && j + c <= cols;
        if rows.saturating_mul(cols) > MAX_COUNTED || !extents.iter().all(inside) {
            return vec![false; blocks.len()];
        }
        let entries = |&(i, j, r, c): &(usize, usize, usize, usize)| {
            (j..j + c).flat_map(move |l| (i..i + r).map(move |k| k + rows * l))
        };
        let mut cover = vec![0u8; rows * cols];
        for e in &extents {
            entries(e).for_each(|at| cover[at] = cover[at].saturating_add(1));
        }
        extents
            .iter()
            .map(|e| entries(e).all(|at| cover[at] == 1))
            .collect()
    }
}
