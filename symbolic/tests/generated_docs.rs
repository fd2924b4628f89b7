//! The doc comment of every kind of generated function shows each derived formula in Unicode
//! and in LaTeX with the derivative's shape (reference §5), read from the items `generate`
//! emits, as rustdoc will see them.

use matcalc_symbolic::generate::{generate, Derivative, Request};
use proc_macro2::Span;

/// The doc comment of the generated function `name` in the items for `src` under `kind`
/// with respect to `wrt`.
fn generated_doc(src: &str, kind: Derivative, wrt: &str, name: &str) -> String {
    let item: syn::ItemFn = syn::parse_str(src).expect("valid Rust");
    let request = Request {
        kind,
        wrt: vec![syn::Ident::new(wrt, Span::call_site())],
        span: Span::call_site(),
    };
    let tokens = generate(&item, &[request]).expect("derivable");
    let file: syn::File = syn::parse2(tokens).expect("items");
    let function = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Fn(f) if f.sig.ident == name => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no generated `{name}`"));
    function
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => s.value(),
                _ => panic!("non-literal doc"),
            },
            _ => panic!("doc without a value"),
        })
        .collect()
}

/// `doc` has a bullet `- LABEL = <formula>  (SHAPE)` followed by a `LaTeX:` line with `latex`.
fn assert_formula(doc: &str, label: &str, shape: &str, latex: &str) {
    let bullet = doc
        .lines()
        .find(|l| l.starts_with(&format!("- {label} = ")))
        .unwrap_or_else(|| panic!("no formula for {label} in:\n{doc}"));
    assert!(
        bullet.ends_with(&format!("  ({shape})")),
        "shape {shape} missing: {bullet}"
    );
    let formula = &bullet[label.len() + 5..bullet.len() - shape.len() - 4];
    assert!(!formula.trim().is_empty(), "empty formula: {bullet}");
    let rest = &doc[doc.find(bullet).unwrap() + bullet.len()..];
    let latex_line = rest
        .lines()
        .find(|l| !l.trim().is_empty())
        .expect("a line after the formula");
    assert!(
        latex_line.trim_start().starts_with("LaTeX: `") && latex_line.contains(latex),
        "LaTeX missing or unexpected after {bullet}: {latex_line}"
    );
}

const PRODUCT: &str = "fn f(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> Matrix<U3, U2> { X * Y }";
const QUADRATIC: &str = "fn q(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 { x.t() * A * x }";

#[test]
fn gradient_doc() {
    let src = "fn phi(X: &Matrix<U3, U3>, Y: &Matrix<U3, U2>) -> f64 { sum(X * Y) }";
    let doc = generated_doc(src, Derivative::Grad, "X", "phi_grad");
    assert_formula(&doc, "∂phi/∂X", "3×3", "Y^\\top");
}

#[test]
fn jacobian_doc() {
    let doc = generated_doc(PRODUCT, Derivative::Jacobian, "X", "f_jacobian");
    assert_formula(&doc, "∂vec(f)/∂(vec X)ᵀ", "6×9", "\\otimes");
}

#[test]
fn hessian_doc() {
    let doc = generated_doc(QUADRATIC, Derivative::Hessian, "x", "q_hessian");
    assert_formula(&doc, "∂q/∂x", "3×1", "A");
    assert_formula(&doc, "∂²q/∂(vec x) ∂(vec x)ᵀ", "3×3", "A");
}

#[test]
fn product_docs() {
    let vjp = generated_doc(PRODUCT, Derivative::Vjp, "X", "f_vjp");
    assert_formula(&vjp, "∂⟨cotangent, f⟩/∂X", "3×3", "cotangent Y^\\top");
    let jvp = generated_doc(PRODUCT, Derivative::Jvp, "X", "f_jvp");
    assert_formula(&jvp, "df[dX = tangent]", "3×2", "tangent Y");
    let hvp = generated_doc(QUADRATIC, Derivative::Hvp, "x", "q_hvp");
    assert_formula(&hvp, "(∂²q/∂(vec x) ∂(vec x)ᵀ) v", "3×1", "v");
}
