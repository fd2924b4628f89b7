//! Rewrites that keep a column of vec form as a matrix: what turns a forward-mode
//! directional derivative (a Jacobian seeded with vec(T), `diff::jvp`) into matrix-level
//! differentials instead of Kronecker structure applied to a vector:
//!
//! - `vec(X) ± s vec(Y) → vec(X ± s Y)` (X, Y of one shape), `vec(D) ⊙ vec(X) → vec(D ⊙ X)`;
//! - `K(m,n) vec(C) → vec(Cᵀ)` (C m×n);
//! - `diag(vec D) vec(X) → vec(D ⊙ X)`, and `diag(v) x → v ⊙ x` for columns;
//! - `solve(I ⊗ A, vec(C)) → vec(solve(A, C))`, `solve(A ⊗ I, vec(C)) → vec(solve(Aᵀ, Cᵀ)ᵀ)`.
//!
//! (`(P ⊗ Q) vec(C) → vec(Q C Pᵀ)` is with the other Kronecker rules in `kron`.) A vec
//! never absorbs a scalar factor here, so these cannot undo `rw_vec`'s pulling it out.

use proc_macro2::Span;

use crate::ir::{Graph, NodeId, Op, Shape};

impl Graph {
    pub(super) fn rw_vec_forms(&mut self, op: &Op, sp: Span) -> Option<NodeId> {
        match *op {
            Op::Add(a, b) | Op::Sub(a, b) => {
                let (x, y) = (self.unvec_part(a, sp)?, self.unvec_part(b, sp)?);
                if !self.shape(x).equiv(self.shape(y)) {
                    return None;
                }
                let sum = match op {
                    Op::Add(..) => self.add(x, y, sp),
                    _ => self.sub(x, y, sp),
                };
                Some(self.make(Op::Vec(sum), sp))
            }
            Op::Hadamard(a, b) => {
                let (Op::Vec(d), Op::Vec(x)) = (self.op(a).clone(), self.op(b).clone()) else {
                    return None;
                };
                self.same_matrix_shape(d, x)?;
                let h = self.make(Op::Hadamard(d, x), sp);
                Some(self.make(Op::Vec(h), sp))
            }
            Op::MatMul(l, b) if self.shape(b).cols().is_one() => match self.op(l).clone() {
                Op::Commutation(m, n) => {
                    let c = self.unvec_part(b, sp)?;
                    if !self.shape(c).equiv(&Shape::matrix(m, n)) {
                        return None;
                    }
                    let ct = self.transpose(c, sp);
                    Some(self.make(Op::Vec(ct), sp))
                }
                Op::Diag(v) => {
                    if let (Op::Vec(d), Some(x)) = (self.op(v).clone(), self.unvec_part(b, sp)) {
                        if self.same_matrix_shape(d, x).is_some() {
                            let h = self.make(Op::Hadamard(d, x), sp);
                            return Some(self.make(Op::Vec(h), sp));
                        }
                    }
                    Some(self.make(Op::Hadamard(v, b), sp))
                }
                _ => None,
            },
            Op::Solve(k, b) if self.shape(b).cols().is_one() => {
                let Op::Kron(p, q) = *self.op(k) else {
                    return None;
                };
                let c = self.unvec_part(b, sp)?;
                let (rows, cols) = self.shape(c).dims();
                if self.is_identity(p) && self.shape(q).rows().equiv(&rows) {
                    // (I ⊗ A)⁻¹ vec(C) = vec(A⁻¹ C).
                    let x = self.make(Op::Solve(q, c), sp);
                    Some(self.make(Op::Vec(x), sp))
                } else if self.is_identity(q) && self.shape(p).rows().equiv(&cols) {
                    // (A ⊗ I)⁻¹ vec(C) = vec(C A⁻¹) = vec((A⁻ᵀ Cᵀ)ᵀ).
                    let (pt, ct) = (self.transpose(p, sp), self.transpose(c, sp));
                    let x = self.make(Op::Solve(pt, ct), sp);
                    let xt = self.transpose(x, sp);
                    Some(self.make(Op::Vec(xt), sp))
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// X when `v` is vec(X) of a matrix with more than one column, up to scalar factors and
    /// negation (`s vec(X)` gives `s X`); built only when it is.
    fn unvec_part(&mut self, v: NodeId, sp: Span) -> Option<NodeId> {
        match *self.op(v) {
            Op::Vec(x) if !self.shape(x).cols().is_one() => Some(x),
            Op::Scale(s, w) => {
                let x = self.unvec_part(w, sp)?;
                Some(self.scale(s, x, sp))
            }
            Op::Neg(w) => {
                let x = self.unvec_part(w, sp)?;
                Some(self.neg(x, sp))
            }
            _ => None,
        }
    }

    fn same_matrix_shape(&self, a: NodeId, b: NodeId) -> Option<()> {
        (!self.shape(a).is_scalar() && self.shape(a).equiv(self.shape(b))).then_some(())
    }
}
