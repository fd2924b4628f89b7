//! matcalc: write a scalar or matrix function of matrices once, get its gradient, Jacobian or
//! Hessian derived symbolically at compile time, emitted as statically sized code whose shapes
//! the compiler checks. This facade re-exports the run-time library (`matcalc-core`) and the
//! attribute macros (`matcalc-macros`). The full language reference is the [`reference`](mod@reference)
//! module (the repository's `docs/reference.md`); this page teaches it by example.
//!
//! # A first gradient
//!
//! Put an attribute on a function written in the matcalc DSL (a subset of Rust over matrices)
//! and a function computing its value and derivative appears beside it:
//!
//! ```
//! use matcalc::prelude::*;
//!
//! #[grad(W)]
//! fn loss(W: &Matrix<U3, U4>, x: &Vector<U4>, y: &Vector<U3>) -> f64 {
//!     0.5 * norm_sq(W * x - y)
//! }
//! // Generated beside it, derived at compile time:
//! // fn loss_grad(W: &Matrix<U3, U4>, x: &Vector<U4>, y: &Vector<U3>) -> (f64, Matrix<U3, U4>)
//!
//! let w = Matrix::<U3, U4>::from_fn(|i, j| (i as f64) - 0.5 * (j as f64));
//! let x: Vector<U4> = matrix![1.0; -2.0; 0.5; 3.0];
//! let y: Vector<U3> = matrix![0.5; 1.0; -1.0];
//! let (value, gradient) = loss_grad(&w, &x, &y);
//!
//! // The closed form ∂/∂W ½‖W x − y‖² = (W x − y) xᵀ, computed independently:
//! let residual = &w * &x - &y;
//! assert!((value - 0.5 * residual.norm_sq()).abs() < 1e-12);
//! assert!(gradient.max_abs_diff(&(&residual * x.t())) < 1e-12);
//! // What was derived, as text (also in `loss_grad`'s doc comment, with LaTeX and shapes):
//! println!("{LOSS_GRAD_FORMULA}");
//! ```
//!
//! There is no tape and no run-time graph: `loss_grad` is ordinary straight-line Rust over
//! [`Matrix`] values, and a shape mismatch in the body is a compile error at the offending
//! sub-expression, with both shapes in words.
//!
//! # Conventions
//!
//! - Dimensions are typenum numbers (`U3`, `U<17>`) or generic parameters bounded by [`Dim`]
//!   (`fn f<M: Dim, N: Dim>(..)`). `Matrix<R, C, T = f64>`; `Vector<N, T>` is
//!   `Matrix<N, U1, T>`; `T` is `f64` or `f32`. Storage is column-major.
//! - The **gradient** of a scalar φ with respect to X (m×n) has X's shape:
//!   `G[(i, j)] = ∂φ/∂X[(i, j)]`.
//! - The **Jacobian** of F (p×q) with respect to X (m×n) is ∂vec F/∂(vec X)ᵀ, (p·q)×(m·n):
//!   `J[(i + p·j, k + m·l)] = ∂F[(i, j)]/∂X[(k, l)]` (Magnus–Neudecker).
//! - The **Hessian** of a scalar φ with respect to X is (m·n)×(m·n), over vec X.
//! - A 1×1 matrix counts as a scalar wherever a scalar is expected (`x.t() * A * x` is `f64`).
//!
//! # The DSL
//!
//! The body is `let` bindings followed by one expression. Parameters are matrices, vectors
//! and scalars (`X: &Matrix<U3, U3>`, `x: &Vector<N>`, `s: f64`).
//!
//! ```text
//! operators    A + B   A - B   -A   A * B (matrix, scalar·matrix, scalar·scalar)   A / s   A.t()
//! reductions   tr(A) sum(A) mean(A) det(A) logdet(A) dot(A, B) norm(A) norm_sq(A) logsumexp(A)
//! matrices     inv(A) solve(A, B) cholesky(A) hadamard(A, B) elem_div(A, B) kron(A, B) vec(A)
//!              diag(v) diagonal(A) matpow(A, k) softmax(v) vstack(..) hstack(..) matrix![..]
//! elementwise  exp log sin cos tan tanh sqrt abs sigmoid softplus relu powi(A, k) powf(A, p) ..
//! constants    eye() ones() zeros()   (shape inferred from context), PI, E, `const` items
//! ```
//!
//! Entries and views (`x[i]`, `A.row(i)`, `A.fixed_view::<R, C>(i, j)`), unrolled `for` loops,
//! inputs from the rest of the program (`let K: Matrix<U3, U3> = self.k;`), methods in `impl`
//! blocks and calls to other annotated functions are in [`reference`](mod@reference) §4. Every DSL function is
//! also an ordinary Rust function in [`prelude`], so an annotated body is plain Rust too.
//!
//! # The six attributes
//!
//! Each generated function has the original's parameters (names, order, types, generics) and
//! visibility, returns the value first, and carries a doc comment with the derived formula in
//! Unicode and LaTeX and the shape of each derivative. A constant `NAME_KIND_FORMULA` holds the
//! same formulas as text. Several attributes may sit on one function.
//!
//! ## `#[grad(X, ..)]`: gradients of a scalar
//!
//! `NAME_grad(..) -> (value, ∂φ/∂X, ∂φ/∂Y, ..)`, one gradient per listed parameter, each
//! shaped like its parameter. Generic dimensions work; the macro adds the bounds it needs.
//!
//! ```
//! use matcalc::prelude::*;
//!
//! #[grad(X, Y)]
//! fn phi<M: Dim, K: Dim, N: Dim>(X: &Matrix<M, K>, Y: &Matrix<K, N>) -> f64 {
//!     sum(X * Y)
//! }
//!
//! let x = Matrix::<U3, U3>::from_fn(|i, j| 1.0 + (i * 3 + j) as f64);
//! let y = Matrix::<U3, U2>::from_fn(|i, j| (i as f64) - (j as f64));
//! let (value, dx, dy) = phi_grad(&x, &y);
//! assert_eq!(value, (&x * &y).sum());
//! // ∂ sum(X Y)/∂X = 𝟙 Yᵀ and ∂ sum(X Y)/∂Y = Xᵀ 𝟙 (𝟙 all ones):
//! assert!(dx.max_abs_diff(&(Matrix::<U3, U2>::ones() * y.t())) < 1e-12);
//! assert!(dy.max_abs_diff(&(x.t() * Matrix::<U3, U2>::ones())) < 1e-12);
//! ```
//!
//! ## `#[jacobian(X, ..)]`: Jacobians of a matrix function
//!
//! `NAME_jacobian(..) -> (value, J_X, ..)` with J_X = ∂vec F/∂(vec X)ᵀ, derived in Kronecker
//! form and evaluated through its structure (no identity or commutation matrix is formed).
//!
//! ```
//! use matcalc::prelude::*;
//!
//! #[jacobian(X)]
//! fn product(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
//!     X * Y
//! }
//!
//! let x = Matrix::<U3, U3>::from_fn(|i, j| (i + 2 * j) as f64);
//! let y: Matrix<U3, U2> = matrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0];
//! let (value, jacobian): (Matrix<U3, U2>, Matrix<U6, U9>) = product_jacobian(&x, &y);
//! assert_eq!(value, &x * &y);
//! // ∂vec(X Y)/∂(vec X)ᵀ = Yᵀ ⊗ I₃:
//! let expected = kron(&y.t(), &Matrix::<U3, U3>::identity());
//! assert!(jacobian.max_abs_diff(&expected) < 1e-12);
//! ```
//!
//! ## `#[hessian(x)]`: second derivatives of a scalar
//!
//! `NAME_hessian(..) -> (value, gradient, H)`, H over vec x, exactly symmetric.
//!
//! ```
//! use matcalc::prelude::*;
//!
//! #[hessian(x)]
//! fn quadratic(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
//!     x.t() * A * x
//! }
//!
//! let a: Matrix<U3, U3> = matrix![2.0, 1.0, 0.0; -1.0, 3.0, 4.0; 0.5, 0.0, 1.0];
//! let x: Vector<U3> = matrix![1.0; -1.0; 2.0];
//! let (value, gradient, hessian) = quadratic_hessian(&x, &a);
//! assert!((value - (x.t() * &a * &x).to_scalar()).abs() < 1e-12);
//! // ∇ xᵀAx = (A + Aᵀ) x and ∇² xᵀAx = A + Aᵀ:
//! assert!(gradient.max_abs_diff(&((&a + a.t()) * &x)) < 1e-12);
//! assert!(hessian.max_abs_diff(&(&a + a.t())) < 1e-12);
//! ```
//!
//! ## `#[vjp(X)]`, `#[jvp(X)]`: Jacobian products without the Jacobian
//!
//! One parameter each; the direction is an extra last parameter (`cotangent`, shaped like the
//! value, or `tangent`, shaped like X). `NAME_vjp(.., cotangent) -> (value, X̄)` with X̄ the
//! gradient of ⟨cotangent, F⟩ with respect to X (reverse mode);
//! `NAME_jvp(.., tangent) -> (value, dF)`, the derivative of F in the direction `tangent`
//! (forward mode). Both are closed-form matrix expressions; J is never formed.
//!
//! ```
//! use matcalc::prelude::*;
//!
//! #[vjp(W)]
//! #[jvp(W)]
//! fn layer(W: &Matrix<U2, U3>, x: &Vector<U3>) -> Vector<U2> {
//!     tanh(W * x)
//! }
//!
//! let w: Matrix<U2, U3> = matrix![0.1, -0.2, 0.3; 0.4, 0.0, -0.5];
//! let x: Vector<U3> = matrix![1.0; 2.0; -1.0];
//! let cotangent: Vector<U2> = matrix![1.0; -2.0];
//! let tangent: Matrix<U2, U3> = matrix![1.0, 0.0, 2.0; -1.0, 0.5, 0.0];
//!
//! let (value, w_bar) = layer_vjp(&w, &x, &cotangent);
//! let (_, d_value) = layer_jvp(&w, &x, &tangent);
//! assert!(value.max_abs_diff(&tanh(&w * &x)) < 1e-12);
//!
//! // Closed forms with s = 𝟙 − tanh(W x)∘²: W̄ = (cotangent ⊙ s) xᵀ, dF = s ⊙ (tangent x).
//! let s = Vector::<U2>::ones() - hadamard(&value, &value);
//! assert!(w_bar.max_abs_diff(&(hadamard(&cotangent, &s) * x.t())) < 1e-12);
//! assert!(d_value.max_abs_diff(&hadamard(&s, &(&tangent * &x))) < 1e-12);
//! ```
//!
//! ## `#[hvp(x)]`: Hessian–vector products
//!
//! For a scalar body, `NAME_hvp(.., v) -> (value, gradient, H v)`, H v shaped like x and derived
//! forward over reverse; H is never formed (truncated Newton, Newton–CG).
//!
//! ```
//! use matcalc::prelude::*;
//!
//! #[hvp(w)]
//! fn logistic(w: &Vector<U2>, A: &Matrix<U3, U2>, y: &Vector<U3>) -> f64 {
//!     sum(softplus(A * w)) - dot(y, A * w)
//! }
//!
//! let a: Matrix<U3, U2> = matrix![1.0, 0.5; -1.0, 2.0; 0.0, 1.0];
//! let y: Vector<U3> = matrix![1.0; 0.0; 1.0];
//! let w: Vector<U2> = matrix![0.3; -0.2];
//! let v: Vector<U2> = matrix![1.0; 2.0];
//! let (_, gradient, hv) = logistic_hvp(&w, &a, &y, &v);
//!
//! // ∇ = Aᵀ (σ(A w) − y) and H v = Aᵀ (σ(A w) ⊙ (𝟙 − σ(A w)) ⊙ (A v)):
//! let p = sigmoid(&a * &w);
//! assert!(gradient.max_abs_diff(&(a.t() * (&p - &y))) < 1e-12);
//! let weights = hadamard(&p, &(Vector::<U3>::ones() - &p));
//! assert!(hv.max_abs_diff(&(a.t() * hadamard(&weights, &(&a * &v)))) < 1e-12);
//! ```
//!
//! # Errors
//!
//! Bad input is a compile error with a span at the offending token, never a macro panic:
//!
//! ```compile_fail
//! use matcalc::prelude::*;
//!
//! #[grad(X)]
//! fn bad(X: &Matrix<U3, U3>, Y: &Matrix<U2, U3>) -> f64 {
//!     sum(X * Y) // error: `X * Y` multiplies a 3×3 matrix by a 2×3 matrix
//! }
//! ```
//!
//! # Features
//!
//! - `std` (default): the standard library's float functions; without it, `no_std` with `libm`.
//! - `nalgebra`: `From`/`Into` conversions between [`Matrix`] and `nalgebra::SMatrix`.
#![warn(missing_docs)]

pub use matcalc_core as core;
pub use matcalc_core::*;
#[doc(hidden)]
pub use matcalc_macros::__with_callees;
pub use matcalc_macros::{function, grad, hessian, hvp, jacobian, jvp, vjp};

/// Everything a user of the DSL needs: `Matrix`, `Vector`, `Dim`, typenum's constants, the
/// attributes and the DSL functions.
pub mod prelude {
    pub use matcalc_core::prelude::*;
    pub use matcalc_macros::{function, grad, hessian, hvp, jacobian, jvp, vjp};
}

#[doc = include_str!("../docs/reference.md")]
pub mod reference {}
