//! matcalc-macros: the thin proc-macro shim. Tokens in, `matcalc_symbolic::generate`, tokens out.
//!
//! The first matcalc attribute on a function handles every matcalc attribute on it (the later
//! ones are still in the item's attribute list when the first expands), so `#[grad(X)]
//! #[hessian(X)]` derives both from the function as the user wrote it.
#![warn(missing_docs)]

use proc_macro::TokenStream;

mod entry;
mod panic_guard;

/// Derives `NAME_grad(<same parameters>) -> (value, ∂/∂X, ..)` for a scalar function in the
/// matcalc DSL, with the closed-form gradient computed at compile time. See reference §5.
#[proc_macro_attribute]
pub fn grad(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Some(entry::Derivative::Grad), args.into(), item.into()).into()
}

/// Derives `NAME_jacobian(<same parameters>) -> (value, J_X, ..)`, J = ∂vec F/∂(vec X)ᵀ.
#[proc_macro_attribute]
pub fn jacobian(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Some(entry::Derivative::Jacobian), args.into(), item.into()).into()
}

/// Derives `NAME_hessian(<same parameters>) -> (value, gradient, H)` over vec(X).
#[proc_macro_attribute]
pub fn hessian(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Some(entry::Derivative::Hessian), args.into(), item.into()).into()
}

/// Derives `NAME_vjp(<same parameters>, cotangent: &<output type>) -> (value, X̄)`, the
/// vector–Jacobian product X̄ = ∂⟨cotangent, F⟩/∂X in closed form (reverse mode; the Jacobian
/// is never formed). If a parameter is already called `cotangent`, the direction is
/// `cotangent_1` (then `_2`, ..).
#[proc_macro_attribute]
pub fn vjp(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Some(entry::Derivative::Vjp), args.into(), item.into()).into()
}

/// Derives `NAME_jvp(<same parameters>, tangent: &<X's type>) -> (value, dF)`, the derivative
/// of F at X in the direction `tangent` in closed form (forward mode; the Jacobian is never
/// formed). If a parameter is already called `tangent`, the direction is `tangent_1` (..).
#[proc_macro_attribute]
pub fn jvp(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Some(entry::Derivative::Jvp), args.into(), item.into()).into()
}

/// Derives `NAME_hvp(<same parameters>, v: &<x's type>) -> (value, ∇φ, H v)` for a scalar
/// body, H v reshaped like x (forward over reverse; the Hessian is never formed). If a
/// parameter is already called `v`, the direction is `v_1` (then `v_2`, ..).
#[proc_macro_attribute]
pub fn hvp(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(Some(entry::Derivative::Hvp), args.into(), item.into()).into()
}

/// Marks a function that other matcalc functions may call (reference §4b "Calls"): it derives
/// nothing, re-emits the function (its body checked as DSL) and the hidden module callers fetch
/// its definition through, so that derivatives flow through calls of it.
#[proc_macro_attribute]
pub fn function(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(None, args.into(), item.into()).into()
}

/// Internal to the attribute macros: one step of fetching the definitions of the functions a
/// DSL body calls. Not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __with_callees(input: TokenStream) -> TokenStream {
    entry::with_callees(input.into()).into()
}
