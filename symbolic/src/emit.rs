//! The last stage for code: turns a lowered graph (see `lower`, which has rewritten it for speed
//! and chosen each node's kernel) into a straight-line sequence of `let` statements over
//! matcalc-core, one statement per node that needs one, so every shared subexpression is
//! evaluated exactly once. It decides nothing about how to compute: it spells the lowering's
//! choices in tokens, and collects the trait bounds the statements need when dimensions are
//! generic (products of dimensions from `kron` and `vec`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Dim, Func, Graph, NodeId, Op, ScalarType, Shape};
use crate::lower::kernels::{self, Product, SolveKernel, Sum, Symmetrized};
use crate::lower::Lowered;

mod bounds;
mod dims;
mod structured;
mod views;

pub use bounds::Bounds;

/// How a parameter is reachable from the generated body.
#[derive(Clone, Debug)]
pub struct ParamAccess {
    /// The parameter's identifier in the generated function.
    pub name: Ident,
    /// The parameter is a reference (`X: &Matrix<..>`); otherwise the body borrows it.
    pub by_ref: bool,
}

/// Straight-line code computing some roots.
pub struct Emitted {
    /// `let` statements, in dependency order.
    pub statements: TokenStream,
    /// An owned-value expression per root (a cloned parameter where a root is one).
    pub roots: Vec<TokenStream>,
    /// `where` predicates the statements need (for generic dimensions), deduplicated.
    pub bounds: Vec<TokenStream>,
}

/// Emits the code computing the roots of `lowered`, every parameter of the graph being one of
/// the generated function's.
pub fn emit(lowered: &Lowered, params: &[ParamAccess]) -> Emitted {
    let signature: Vec<usize> = (0..params.len()).collect();
    emit_in(lowered, params, &signature)
}

/// Emits the code computing the roots of `lowered` in a function whose parameters are the
/// graph parameters `signature` (a product's direction that an earlier request added to a shared
/// graph is not one). Generic dimensions are read from these parameters, and checked to agree,
/// at entry (see `dims`).
pub fn emit_in(lowered: &Lowered, params: &[ParamAccess], signature: &[usize]) -> Emitted {
    let graph = &lowered.graph;
    let dims = dims::EntryDims::new(graph, params, signature);
    let mut emitter = Emitter {
        graph,
        params,
        statements: dims.statements.clone(),
        bounds: Bounds::default(),
        scalar: scalar_type(graph.scalar),
        shared_lu: &lowered.shared_lu,
        lu_done: BTreeSet::new(),
        reads: kernels::read_counts(graph, &lowered.statements, &lowered.roots),
        by_inverse: &lowered.by_inverse,
        paired: &lowered.paired,
        dims,
    };
    for &id in &lowered.statements {
        emitter.statement(id);
    }
    let roots = lowered.roots.iter().map(|&id| emitter.owned(id)).collect();
    Emitted {
        statements: emitter.statements,
        roots,
        bounds: emitter.bounds.into_tokens(),
    }
}

/// The Rust type of a dimension.
pub fn dim_type(dim: &Dim) -> TokenStream {
    match dim {
        Dim::Known(n) => known_dim_type(*n),
        Dim::Named(name) => {
            let name = user_ident(name, Span::call_site());
            quote!(#name)
        }
        Dim::Prod(a, b) => {
            let (a, b) = (dim_type(a), dim_type(b));
            quote!(::matcalc::typenum::Prod<#a, #b>)
        }
    }
}

/// The identifier for a name the user wrote (a parameter, a generic dimension): raw where the
/// name is a keyword, since parsing reads `r#loop` as `loop`.
pub fn user_ident(name: &str, span: Span) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, span)
    } else {
        Ident::new_raw(name, span)
    }
}

/// A generated local. Its mixed-site span makes it hygienic: it can neither capture nor shadow
/// a user's name, even one spelled the same (a parameter `__t2`).
fn generated_ident(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// A number as a concrete typenum type: `consts::U3` where typenum names it, else the binary
/// `UInt` chain. Never `typenum::U<3>`: that alias is a projection, which rustc does not
/// normalise inside `where` clauses of generic functions.
fn known_dim_type(n: usize) -> TokenStream {
    if n <= 1024 {
        let name = format_ident!("U{}", n);
        return quote!(::matcalc::typenum::consts::#name);
    }
    let mut ty = quote!(::matcalc::typenum::UTerm);
    for bit in (0..usize::BITS - n.leading_zeros()).rev() {
        let b = if (n >> bit) & 1 == 1 {
            quote!(B1)
        } else {
            quote!(B0)
        };
        ty = quote!(::matcalc::typenum::UInt<#ty, ::matcalc::typenum::#b>);
    }
    ty
}

/// The Rust type of a value of `shape`.
pub fn shape_type(shape: &Shape, scalar: ScalarType) -> TokenStream {
    let t = scalar_type(scalar);
    match shape {
        Shape::Scalar => t,
        Shape::Matrix(r, c) => {
            let (r, c) = (dim_type(r), dim_type(c));
            quote!(::matcalc::Matrix<#r, #c, #t>)
        }
    }
}

/// `f32` or `f64`.
pub fn scalar_type(scalar: ScalarType) -> TokenStream {
    match scalar {
        ScalarType::F32 => quote!(f32),
        ScalarType::F64 => quote!(f64),
    }
}

struct Emitter<'a> {
    graph: &'a Graph,
    params: &'a [ParamAccess],
    statements: TokenStream,
    bounds: Bounds,
    scalar: TokenStream,
    /// Matrices factored once for several of `inv`, `det`, `logdet`.
    shared_lu: &'a BTreeSet<NodeId>,
    /// Those whose factorization has been emitted.
    lu_done: BTreeSet<NodeId>,
    /// Solves computed as a product with an inverse, by solve node.
    by_inverse: &'a BTreeMap<NodeId, kernels::ByInverse>,
    /// Pairs of elementwise functions of one operand computed by one call (`sin_cos`,
    /// `softplus_sigmoid`), keyed by both nodes.
    paired: &'a BTreeMap<NodeId, kernels::Paired>,
    /// The values of the generic dimensions, read at entry.
    dims: dims::EntryDims,
    /// How often each node is read (`kernels::read_counts`).
    reads: Vec<usize>,
}

impl Emitter<'_> {
    fn temp(id: NodeId) -> Ident {
        generated_ident(&format!("__t{}", id.0))
    }

    fn is_scalar(&self, id: NodeId) -> bool {
        self.graph.shape(id).is_scalar()
    }

    /// An expression for operand `id`: a scalar by value, a matrix by reference.
    fn operand(&self, id: NodeId) -> TokenStream {
        if let Op::Param(i) = self.graph.op(id) {
            let access = &self.params[*i];
            let name = &access.name;
            return if self.is_scalar(id) || access.by_ref {
                quote!(#name)
            } else {
                quote!((&#name))
            };
        }
        if let Some(value) = self.graph.op(id).literal_value() {
            return self.literal(value);
        }
        let temp = Self::temp(id);
        if self.is_scalar(id) {
            quote!(#temp)
        } else {
            quote!((&#temp))
        }
    }

    /// Temporary `id` by value if this is its only read (a matrix statement read once, not a
    /// root): an entrywise sum or scaling then reuses its buffer. A wrong count could only
    /// make the generated code read a moved value, which does not compile.
    fn handed_over(&self, id: NodeId) -> Option<TokenStream> {
        let temp = !matches!(self.graph.op(id), Op::Param(_))
            && self.graph.op(id).literal_value().is_none()
            && !self.is_scalar(id);
        (temp && self.reads[id.index()] == 1).then(|| {
            let temp = Self::temp(id);
            quote!(#temp)
        })
    }

    /// `a + b` (`a - b` when `subtract`), handing over an operand read only here so that its
    /// buffer holds the result: the left one, or for a sum of operands of one type the right.
    fn sum(&mut self, a: NodeId, b: NodeId, subtract: bool) -> TokenStream {
        let same_type = self.graph.shape(a) == self.graph.shape(b);
        let (l, r) = match (self.handed_over(a), self.handed_over(b)) {
            (Some(l), _) => (l, self.operand_as(b, &self.graph.shape(a).clone())),
            (None, Some(r)) if same_type && !subtract => {
                let l = self.operand(a);
                return quote!(#r + #l);
            }
            _ => self.same_shape_operands(a, b),
        };
        if subtract {
            quote!(#l - #r)
        } else {
            quote!(#l + #r)
        }
    }

    /// The matrix an in-place update starts from: handed over, else a copy.
    fn updated(&self, id: NodeId) -> TokenStream {
        self.handed_over(id).unwrap_or_else(|| {
            let operand = self.operand(id);
            quote!(::core::clone::Clone::clone(#operand))
        })
    }

    /// A scalar node's value, or 1 where there is none.
    fn scale_or_one(&self, scale: Option<NodeId>) -> TokenStream {
        scale.map_or_else(|| self.literal(1.0), |s| self.operand(s))
    }

    /// An owned expression for root `id`.
    fn owned(&self, id: NodeId) -> TokenStream {
        match self.graph.op(id) {
            Op::Param(_) if self.is_scalar(id) => self.operand(id),
            Op::Param(_) => {
                let operand = self.operand(id);
                quote!(::core::clone::Clone::clone(#operand))
            }
            Op::Literal(_) => self.operand(id),
            _ => {
                let temp = Self::temp(id);
                quote!(#temp)
            }
        }
    }

    fn statement(&mut self, id: NodeId) {
        // Parameters are used where they are; literals are written inline.
        if matches!(self.graph.op(id), Op::Param(_) | Op::Literal(_)) {
            return;
        }
        if let Some(&pair) = self.paired.get(&id) {
            // Both nodes are bound where the first of them comes.
            if id == pair.first.min(pair.second) {
                self.paired_statement(pair);
            }
            return;
        }
        let value = self.expression(id);
        let shape = self.graph.shape(id).clone();
        self.bounds.need_shape(&shape);
        let temp = Self::temp(id);
        let ty = shape_type(self.graph.shape(id), self.graph.scalar);
        self.statements.extend(quote!(let #temp: #ty = #value;));
    }

    /// `let (sin, cos) = angle.sin_cos();`: one call for both functions of a pair.
    fn paired_statement(&mut self, pair: kernels::Paired) {
        let shape = self.graph.shape(pair.first).clone();
        self.bounds.need_shape(&shape);
        let method = quote::format_ident!("{}", pair.method);
        let value = if shape.is_scalar() {
            let (t, x) = (&self.scalar, self.operand(pair.operand));
            quote!(<#t as ::matcalc::Scalar>::#method(#x))
        } else {
            self.method(pair.operand, quote!(#method()))
        };
        let (first, second) = (Self::temp(pair.first), Self::temp(pair.second));
        let ty = shape_type(&shape, self.graph.scalar);
        self.statements
            .extend(quote!(let (#first, #second): (#ty, #ty) = #value;));
    }

    fn literal(&self, value: f64) -> TokenStream {
        let narrowed = match self.graph.scalar {
            ScalarType::F32 => f64::from(value as f32),
            ScalarType::F64 => value,
        };
        if !narrowed.is_finite() {
            // Folding keeps non-finite results unfolded, but a product of literals can still
            // overflow f32; proc_macro2 panics on a non-finite literal.
            let t = &self.scalar;
            return match narrowed {
                v if v.is_nan() => quote!(<#t>::NAN),
                v if v > 0.0 => quote!(<#t>::INFINITY),
                _ => quote!((-<#t>::INFINITY)),
            };
        }
        let lit = match self.graph.scalar {
            ScalarType::F32 => Literal::f32_suffixed(value as f32),
            ScalarType::F64 => Literal::f64_suffixed(value),
        };
        if value.is_sign_negative() {
            quote!((#lit))
        } else {
            quote!(#lit)
        }
    }

    fn constant(&self, id: NodeId, constructor: TokenStream) -> TokenStream {
        let ty = shape_type(self.graph.shape(id), self.graph.scalar);
        quote!(<#ty>::#constructor)
    }

    /// Operand `id` as a matrix of exactly the type of `want`. Shapes are compared up to the
    /// order of factors in products of dimensions (`N·3` is `3·N`), but typenum's `Prod<N, U3>`
    /// and `Prod<U3, N>` are different types in generic code: an operand spelled the other way
    /// is re-typed (a copy of its entries; only where a generic Jacobian meets such a pair).
    fn operand_as(&mut self, id: NodeId, want: &Shape) -> TokenStream {
        let shape = self.graph.shape(id);
        if shape.is_scalar() || shape == want {
            return self.operand(id);
        }
        let (r, c) = want.dims();
        let (r, c) = (self.dim_value(&r), self.dim_value(&c));
        let operand = self.operand(id);
        quote!((&#operand.reshape_generic(#r, #c)))
    }

    /// The operands of an entrywise binary operation, the right typed like the left.
    fn same_shape_operands(&mut self, a: NodeId, b: NodeId) -> (TokenStream, TokenStream) {
        let want = self.graph.shape(a).clone();
        (self.operand(a), self.operand_as(b, &want))
    }

    /// The value of a dimension (see `dims`).
    fn dim_value(&mut self, dim: &Dim) -> TokenStream {
        self.dims.value(dim, &mut self.bounds)
    }

    /// Whether node `id` has a generic dimension, so code must size it from values.
    fn generic(&self, id: NodeId) -> bool {
        dims::shape_is_generic(self.graph.shape(id))
    }

    /// Whether node `id` or one of its operands has a generic dimension (a kernel whose output
    /// types are derived from its operands' then needs them as values).
    fn involves_generic(&self, id: NodeId) -> bool {
        self.generic(id)
            || self
                .graph
                .op(id)
                .args()
                .into_iter()
                .any(|a| self.generic(a))
    }

    /// A constant matrix: `<ty>::static_name()` when its shape is concrete, else
    /// `<ty>::generic_name(rows, cols)` sized from the arguments.
    fn sized_constant(&mut self, id: NodeId, static_name: &str, generic_name: &str) -> TokenStream {
        if !self.generic(id) {
            let name = format_ident!("{}", static_name);
            return self.constant(id, quote!(#name()));
        }
        let (r, c) = self.graph.shape(id).dims();
        let (r, c) = (self.dim_value(&r), self.dim_value(&c));
        let name = format_ident!("{}", generic_name);
        self.constant(id, quote!(#name(#r, #c)))
    }

    fn expression(&mut self, id: NodeId) -> TokenStream {
        let t = self.scalar.clone();
        let op = self.graph.op(id).clone();
        let o = |e: &Self, n: NodeId| e.operand(n);
        match op {
            Op::Param(_) => unreachable!("parameters are not statements"),
            Op::Literal(bits) => self.literal(f64::from_bits(bits)),
            Op::Zeros(..) => self.sized_constant(id, "zeros", "zeros_generic"),
            Op::Ones(..) => self.sized_constant(id, "ones", "ones_generic"),
            Op::Identity(_) => self.sized_constant(id, "identity", "identity_generic"),
            Op::Commutation(m, n) if self.generic(id) => {
                let (m, n) = (self.dim_value(&m), self.dim_value(&n));
                self.constant(id, quote!(commutation_generic(#m, #n)))
            }
            Op::Commutation(m, n) => {
                let (m, n) = (dim_type(&m), dim_type(&n));
                let ty = shape_type(self.graph.shape(id), self.graph.scalar);
                quote!(<#ty>::commutation::<#m, #n>())
            }
            Op::Add(a, b) => match kernels::sum(self.graph, a, b) {
                Sum::ScaledIdentity { matrix, scale } => {
                    let (m, s) = (self.updated(matrix), self.scale_or_one(scale));
                    quote!(#m.add_scaled_identity(#s))
                }
                Sum::ScaledOuter {
                    matrix,
                    scale,
                    x,
                    y,
                } => {
                    let (m, s) = (self.updated(matrix), self.scale_or_one(scale));
                    let (x, y) = (o(self, x), o(self, y));
                    quote!(#m.add_scaled_outer(#s, #x, #y))
                }
                Sum::Plain => self.sum(a, b, false),
            },
            Op::Sub(a, b) => self.sum(a, b, true),
            Op::Neg(a) => {
                let a = self.handed_over(a).unwrap_or_else(|| o(self, a));
                quote!(-#a)
            }
            Op::MatMul(a, b) => match kernels::product(self.graph, a, b) {
                Product::Structured(s) => self.structured_product(s, b),
                Product::Fused(f) => self.fused_product(f),
                Product::Plain => {
                    let want =
                        Shape::matrix(self.graph.shape(a).cols(), self.graph.shape(b).cols());
                    let (a, b) = (o(self, a), self.operand_as(b, &want));
                    quote!(#a * #b)
                }
            },
            Op::Mul(a, b) => {
                let (a, b) = (o(self, a), o(self, b));
                quote!(#a * #b)
            }
            Op::Scale(s, a) => {
                let s = o(self, s);
                let a = self.handed_over(a).unwrap_or_else(|| o(self, a));
                quote!(#a * #s)
            }
            Op::Div(a, s) => {
                let s = o(self, s);
                let a = self.handed_over(a).unwrap_or_else(|| o(self, a));
                quote!(#a / #s)
            }
            Op::Transpose(a) => self.method(a, quote!(t())),
            Op::Trace(a) => self.method(a, quote!(tr())),
            Op::Sum(a) => self.reduce(a, quote!(sum())),
            Op::Inv(a) if kernels::cholesky_factor(self.graph, a).is_some() => {
                let l = kernels::cholesky_factor(self.graph, a).expect("matched above");
                self.method(l, quote!(cholesky_inverse_of_factor()))
            }
            Op::Det(a) | Op::Logdet(a) | Op::Inv(a) if self.shared_lu.contains(&a) => {
                let lu = self.shared_factorization(a);
                match op {
                    Op::Det(_) => quote!(#lu.det()),
                    Op::Logdet(_) => quote!(#lu.logdet()),
                    _ => quote!(#lu.inverse()),
                }
            }
            Op::Det(a) => self.method(a, quote!(det())),
            Op::Logdet(a) => self.method(a, quote!(logdet())),
            Op::Inv(a) => self.method(a, quote!(inv())),
            Op::Norm(a) => self.reduce_scalar(a, quote!(abs), quote!(norm())),
            Op::NormSq(a) => {
                if self.is_scalar(a) {
                    let a = o(self, a);
                    quote!(#a * #a)
                } else {
                    self.method(a, quote!(norm_sq()))
                }
            }
            Op::Dot(a, b) => {
                let scalar = self.is_scalar(a);
                let (a, b) = self.same_shape_operands(a, b);
                if scalar {
                    quote!(#a * #b)
                } else {
                    quote!(#a.dot(#b))
                }
            }
            Op::Hadamard(a, b) => {
                let (a, b) = self.same_shape_operands(a, b);
                quote!(#a.hadamard(#b))
            }
            Op::ElemDiv(a, b) => {
                let (a, b) = self.same_shape_operands(a, b);
                quote!(#a.elem_div(#b))
            }
            Op::Atan2(y, x) => {
                let x = o(self, x);
                if self.is_scalar(y) {
                    let y = o(self, y);
                    quote!(<#t as ::matcalc::Scalar>::atan2(#y, #x))
                } else {
                    self.method(y, quote!(atan2(#x)))
                }
            }
            Op::Kron(a, b) if kernels::kron_identity_read(self.graph, a, b).is_some() => {
                self.kron_with_identity_transposed(a, b)
            }
            Op::Kron(a, b) if kernels::kron_identity(self.graph, a, b).is_some() => {
                self.kron_with_identity(a, b)
            }
            Op::Kron(a, b) if self.involves_generic(id) => {
                let (r, c) = self.graph.shape(id).dims();
                let (r, c) = (self.dim_value(&r), self.dim_value(&c));
                let b = o(self, b);
                self.method(a, quote!(kron_generic(#b, #r, #c)))
            }
            Op::Kron(a, b) => {
                let (sa, sb) = (self.graph.shape(a).clone(), self.graph.shape(b).clone());
                self.bounds.need_product(&sa.rows(), &sb.rows());
                self.bounds.need_product(&sa.cols(), &sb.cols());
                // Spelled out: in a generic function, a `where U2: Mul<M>` would otherwise
                // make rustc infer the right factor's dimensions as `M`.
                let (r2, c2) = (dim_type(&sb.rows()), dim_type(&sb.cols()));
                let b = o(self, b);
                self.method(a, quote!(kron::<#r2, #c2>(#b)))
            }
            Op::Vec(a) if self.generic(id) => {
                let len = self.graph.shape(id).rows();
                let len = self.dim_value(&len);
                let one = self.dim_value(&Dim::Known(1));
                self.method(a, quote!(reshape_generic(#len, #one)))
            }
            Op::Vec(a) => {
                let s = self.graph.shape(a).clone();
                self.bounds.need_product(&s.rows(), &s.cols());
                self.method(a, quote!(vec()))
            }
            Op::Unvec(a, r, c) if self.generic(id) => {
                let (r, c) = (self.dim_value(&r), self.dim_value(&c));
                self.method(a, quote!(unvec_generic(#r, #c)))
            }
            Op::Unvec(a, r, c) => {
                // core checks `Prod<R, C>` against the vector's length.
                self.bounds.need_product(&r, &c);
                let (tr, tc) = (dim_type(&r), dim_type(&c));
                self.method(a, quote!(unvec::<#tr, #tc>()))
            }
            Op::Entry(a, i, j) => self.entry(a, i, j),
            Op::View(a, i, j, r, c) => self.view(a, i, j, &r, &c),
            Op::Blocks(_, _, blocks) => self.blocks(id, &blocks),
            Op::Diag(a) => self.method(a, quote!(diag())),
            Op::Diagonal(a) => self.method(a, quote!(diagonal())),
            Op::Map(func, a) => self.map(func, a),
            Op::Powf(a, p) => {
                let p = o(self, p);
                if self.is_scalar(a) {
                    let a = o(self, a);
                    quote!(<#t as ::matcalc::Scalar>::powf(#a, #p))
                } else {
                    self.method(a, quote!(powf(#p)))
                }
            }
            Op::MatPow(a, k) => self.method(a, quote!(matpow(#k))),
            Op::Softmax(a) => self.method(a, quote!(softmax())),
            Op::Logsumexp(a) => self.reduce(a, quote!(logsumexp())),
            Op::ToScalar(a) => {
                if self.is_scalar(a) {
                    o(self, a)
                } else {
                    self.method(a, quote!(to_scalar()))
                }
            }
            Op::FromScalar(s) => {
                let s = o(self, s);
                quote!(::matcalc::Matrix::<::matcalc::typenum::U1, ::matcalc::typenum::U1, #t>::from_scalar(#s))
            }
            Op::OnesMul(rows, b) if dims::is_generic(&rows) => {
                let rows = self.dim_value(&rows);
                self.method(b, quote!(ones_mul_generic(#rows)))
            }
            Op::OnesMul(rows, b) => {
                let rows = dim_type(&rows);
                self.method(b, quote!(ones_mul::<#rows>()))
            }
            Op::MulOnes(b, cols) if dims::is_generic(&cols) => {
                let cols = self.dim_value(&cols);
                self.method(b, quote!(mul_ones_generic(#cols)))
            }
            Op::MulOnes(b, cols) => {
                let cols = dim_type(&cols);
                self.method(b, quote!(mul_ones::<#cols>()))
            }
            Op::KronAdjointLeft(g, b) if self.involves_generic(id) => {
                let (r, c) = self.graph.shape(id).dims();
                let (r, c) = (self.dim_value(&r), self.dim_value(&c));
                let b = o(self, b);
                self.method(g, quote!(kron_adjoint_left_generic(#b, #r, #c)))
            }
            Op::KronAdjointRight(g, a) if self.involves_generic(id) => {
                let (r, c) = self.graph.shape(id).dims();
                let (r, c) = (self.dim_value(&r), self.dim_value(&c));
                let a = o(self, a);
                self.method(g, quote!(kron_adjoint_right_generic(#a, #r, #c)))
            }
            Op::KronAdjointLeft(g, b) => {
                let b = o(self, b);
                self.method(g, quote!(kron_adjoint_left(#b)))
            }
            Op::KronAdjointRight(g, a) => {
                let a = o(self, a);
                self.method(g, quote!(kron_adjoint_right(#a)))
            }
            Op::KronPerm(m, n, p, q) if self.generic(id) => {
                let [m, n, p, q] = [&m, &n, &p, &q].map(|d| self.dim_value(d));
                self.constant(id, quote!(kron_perm_generic(#m, #n, #p, #q)))
            }
            Op::KronPerm(m, n, p, q) => {
                let ty = shape_type(self.graph.shape(id), self.graph.scalar);
                let [m, n, p, q] = [&m, &n, &p, &q].map(dim_type);
                quote!(<#ty>::kron_perm::<#m, #n, #p, #q>())
            }
            Op::KronRearrange(g, m, n) if dims::is_generic(&m) || dims::is_generic(&n) => {
                let (m, n) = (self.dim_value(&m), self.dim_value(&n));
                self.method(g, quote!(kron_rearrange_generic::<_, _, _, _>(#m, #n)))
            }
            Op::KronRearrange(g, m, n) => {
                let (m, n) = (dim_type(&m), dim_type(&n));
                self.method(g, quote!(kron_rearrange::<#m, #n, _, _>()))
            }
            Op::Symmetrize(h) => match kernels::symmetrized(self.graph, h) {
                Symmetrized::TrMul(a, b) => {
                    let b = self.operand(b);
                    self.method(a, quote!(tr_mul_symmetric(#b)))
                }
                Symmetrized::Average => self.method(h, quote!(symmetrize())),
            },
            Op::SoftmaxCols(a) => self.method(a, quote!(softmax_cols())),
            Op::SoftmaxRows(a) => self.method(a, quote!(softmax_rows())),
            Op::LogsumexpCols(a) => self.method(a, quote!(logsumexp_cols())),
            Op::LogsumexpRows(a) => self.method(a, quote!(logsumexp_rows())),
            // A matrix read only here is factored in its own buffer (no n² copy).
            Op::Cholesky(a) => match self.handed_over(a) {
                Some(a) => quote!(#a.into_cholesky()),
                None => self.method(a, quote!(cholesky())),
            },
            Op::Tril(a) => self.method(a, quote!(tril())),
            Op::Phi(a) => self.method(a, quote!(phi())),
            Op::Solve(_, b) if self.by_inverse.contains_key(&id) => {
                let kernels::ByInverse {
                    inverse,
                    transposed,
                } = self.by_inverse[&id];
                let rhs = self.operand(b);
                if transposed {
                    self.method(inverse, quote!(tr_mul(#rhs)))
                } else {
                    let inverse = self.operand(inverse);
                    quote!(#inverse * #rhs)
                }
            }
            Op::Solve(a, b) => self.solve(a, b),
            Op::Const(path, _) => {
                // The parser only accepts paths here, so this parses; a bad one is a compile
                // error at the generated call rather than a macro panic.
                let path: TokenStream = path.parse().unwrap_or_else(|_| quote!(__bad_constant));
                quote!(::matcalc::float_constant::<#t, _>(#path))
            }
        }
    }

    /// The LU factorization of `a`, emitted once and named `__luN`.
    fn shared_factorization(&mut self, a: NodeId) -> Ident {
        let lu = generated_ident(&format!("__lu{}", a.0));
        if self.lu_done.insert(a) {
            let factor = self.method(a, quote!(lu()));
            self.statements.extend(quote!(let #lu = #factor;));
        }
        lu
    }

    /// `solve(a, b)` with the kernel `lower` chose: a triangular substitution reading a
    /// Cholesky factor, or an LU (shared with the matrix's other factored uses).
    fn solve(&mut self, a: NodeId, b: NodeId) -> TokenStream {
        let rhs = self.operand(b);
        match kernels::solve_kernel(self.graph, a) {
            SolveKernel::Lower(l) => self.method(l, quote!(solve_lower_triangular_of_factor(#rhs))),
            SolveKernel::LowerTranspose(l) => {
                self.method(l, quote!(solve_lower_triangular_transpose_of_factor(#rhs)))
            }
            SolveKernel::Cholesky(l) => self.method(l, quote!(cholesky_solve_of_factor(#rhs))),
            SolveKernel::Lu(m) | SolveKernel::LuTranspose(m) => {
                let call = if matches!(kernels::solve_kernel(self.graph, a), SolveKernel::Lu(_)) {
                    quote!(solve(#rhs))
                } else {
                    quote!(solve_transpose(#rhs))
                };
                if self.shared_lu.contains(&m) {
                    let lu = self.shared_factorization(m);
                    quote!(#lu.#call)
                } else {
                    self.method(m, quote!(lu().#call))
                }
            }
        }
    }

    fn method(&self, receiver: NodeId, call: TokenStream) -> TokenStream {
        let receiver = self.operand(receiver);
        quote!(#receiver.#call)
    }

    /// A reduction to a scalar: the identity on a scalar operand.
    fn reduce(&self, a: NodeId, call: TokenStream) -> TokenStream {
        if self.is_scalar(a) {
            self.operand(a)
        } else {
            self.method(a, call)
        }
    }

    /// A reduction that, on a scalar, is the scalar function `scalar_fn`.
    fn reduce_scalar(&self, a: NodeId, scalar_fn: TokenStream, call: TokenStream) -> TokenStream {
        if self.is_scalar(a) {
            let t = &self.scalar;
            let a = self.operand(a);
            quote!(<#t as ::matcalc::Scalar>::#scalar_fn(#a))
        } else {
            self.method(a, call)
        }
    }

    fn map(&self, func: Func, a: NodeId) -> TokenStream {
        let args = match func {
            Func::Powi(k) => quote!(#k),
            _ => quote!(),
        };
        if self.is_scalar(a) {
            // The scalar trait names some functions like the float types do (`ln`, `ln_1p`).
            let name = format_ident!("{}", func.info().scalar);
            let t = &self.scalar;
            let a = self.operand(a);
            let comma = if args.is_empty() { quote!() } else { quote!(,) };
            quote!(<#t as ::matcalc::Scalar>::#name(#a #comma #args))
        } else {
            let name = format_ident!("{}", func.name());
            self.method(a, quote!(#name(#args)))
        }
    }
}
