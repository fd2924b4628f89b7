//! The tokens of the kernels `lower::kernels` chooses for structured and fused products and for
//! Kronecker products with an identity: a structured left factor is applied to the matrix on its
//! right without being formed, a transposed factor is read in place.

use proc_macro2::TokenStream;
use quote::quote;

use super::{dim_type, dims, Emitter};
use crate::ir::{NodeId, Op};
use crate::lower::kernels::{self, Fused, Structure};

impl Emitter<'_> {
    /// `l r` with `l` of structure `s`, applied to `r` directly.
    pub(super) fn structured_product(&mut self, s: Structure, r: NodeId) -> TokenStream {
        let g = self.graph;
        let rhs = self.operand(r);
        match s {
            Structure::KronIdentity { a, identity, left } => {
                let n = dim_type(&g.shape(identity).rows());
                let call = if left {
                    quote!(kron_identity_left_mul::<#n, _, _, _>(#rhs))
                } else {
                    quote!(kron_identity_right_mul::<#n, _, _, _>(#rhs))
                };
                self.method(a, call)
            }
            Structure::RowScale(v) => {
                let v = self.operand(v);
                quote!(#rhs.row_scale(#v))
            }
            Structure::Commute(k) => {
                let Op::Commutation(m, n) = g.op(k) else {
                    unreachable!("the lowering names a commutation node")
                };
                if dims::shape_is_generic(g.shape(k)) {
                    let (m, n) = (self.dim_value(m), self.dim_value(n));
                    return quote!(#rhs.commute_rows_generic::<_, _, _>(#m, #n));
                }
                let (m, n) = (dim_type(m), dim_type(n));
                quote!(#rhs.commute_rows::<#m, #n, _>())
            }
            Structure::KronPerm { perm, inverse } => {
                let Op::KronPerm(m, n, p, q) = g.op(perm) else {
                    unreachable!("the lowering names a Kronecker permutation node")
                };
                if dims::shape_is_generic(g.shape(perm)) {
                    let [m, n, p, q] = [m, n, p, q].map(|d| self.dim_value(d));
                    return quote!(#rhs.kron_perm_rows_generic::<_, _, _, _, _>(
                        #m, #n, #p, #q, #inverse
                    ));
                }
                let [m, n, p, q] = [m, n, p, q].map(dim_type);
                quote!(#rhs.kron_perm_rows::<#m, #n, #p, #q, _>(#inverse))
            }
        }
    }

    /// A product with a transposed factor, the transpose read in place.
    pub(super) fn fused_product(&mut self, f: Fused) -> TokenStream {
        match f {
            Fused::Outer(x, y) => {
                let y = self.operand(y);
                self.method(x, quote!(outer(#y)))
            }
            Fused::TrMul(a, b) => {
                let b = self.operand(b);
                self.method(a, quote!(tr_mul(#b)))
            }
            Fused::MulTr(a, b) => {
                let b = self.operand(b);
                self.method(a, quote!(mul_tr(#b)))
            }
            Fused::TrMulTr(a, b) => {
                let b = self.operand(b);
                self.method(a, quote!(tr_mul_tr(#b)))
            }
        }
    }

    /// `Yᵀ ⊗ I_n` or `I_n ⊗ Yᵀ` (n known), filled reading Y in place.
    pub(super) fn kron_with_identity_transposed(&mut self, a: NodeId, b: NodeId) -> TokenStream {
        let g = self.graph;
        let (y, left) =
            kernels::kron_identity_read(g, a, b).expect("the lowering chose this kernel");
        let identity = if left { a } else { b };
        let n = dim_type(&g.shape(identity).rows());
        if left {
            self.method(y, quote!(tr_kron_identity_left::<#n, _, _>()))
        } else {
            self.method(y, quote!(tr_kron_identity_right::<#n, _, _>()))
        }
    }

    /// `A ⊗ I` or `I ⊗ A` (`a ⊗ b`, one of them an identity), filled directly.
    pub(super) fn kron_with_identity(&mut self, a: NodeId, b: NodeId) -> TokenStream {
        let g = self.graph;
        let (factor, left) =
            kernels::kron_identity(g, a, b).expect("the lowering chose this kernel");
        let identity = if left { a } else { b };
        let rows = g.shape(identity).rows();
        if dims::is_generic(&rows) {
            let n = self.dim_value(&rows);
            return if left {
                self.method(factor, quote!(kron_identity_left_generic::<_, _, _>(#n)))
            } else {
                self.method(factor, quote!(kron_identity_right_generic::<_, _, _>(#n)))
            };
        }
        let n = dim_type(&rows);
        if left {
            self.method(factor, quote!(kron_identity_left::<#n, _, _>()))
        } else {
            self.method(factor, quote!(kron_identity_right::<#n, _, _>()))
        }
    }
}
