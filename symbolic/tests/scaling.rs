//! Expansion grows linearly with the program (issue 15.6): for let chains, tanh networks with
//! their Hessians, and matrix powers at doubling sizes, the generated code, the derived formula
//! text and the lowered graph grow like the input, never exponentially. Growth is asserted
//! through sizes and node counts (a log–log slope fitted over the sizes), never wall time.
//!
//! `cargo test -p matcalc-symbolic --test scaling -- --nocapture` prints the measurements.

use matcalc_symbolic::generate::{self, Derivative, Request};
use matcalc_symbolic::ir::NodeId;
use matcalc_symbolic::{diff, lower, parse, print, shape};
use proc_macro2::Span;

/// What one expansion produced.
#[derive(Debug)]
struct Sizes {
    /// Characters of the generated items (code, doc comments and `*_FORMULA` constants).
    code: usize,
    /// Characters of the derived formulas (Unicode and LaTeX, every output).
    formula: usize,
    /// Nodes of the lowered graph that the generated functions compute.
    ops: usize,
}

fn request(kind: Derivative, wrt: &str) -> Request {
    Request {
        kind,
        wrt: vec![syn::Ident::new(wrt, Span::call_site())],
        span: Span::call_site(),
    }
}

fn expand(source: &str, kind: Derivative, wrt: &str) -> Sizes {
    let item: syn::ItemFn = syn::parse_str(source).expect("the function parses");
    let code = generate::generate(&item, &[request(kind, wrt)])
        .unwrap_or_else(|e| panic!("{source}: {e}"))
        .to_string()
        .len();
    // The same derivation through the stages, for the formula and the operation count.
    let function = parse::function(&item).expect("parses");
    let lowered = shape::lower(&function).expect("is well shaped");
    let mut g = lowered.graph;
    let value = lowered.value;
    let i = function
        .params
        .iter()
        .position(|p| p.name == wrt)
        .expect("wrt is a parameter");
    let outputs: Vec<NodeId> = generate::derive(&mut g, value, kind, &[i])
        .expect("the request suits the body")
        .outputs
        .iter()
        .map(|o| o.node)
        .collect();
    let formula = outputs
        .iter()
        .map(|&o| print::unicode(&g, o).len() + print::latex(&g, o).len())
        .sum();
    let mut roots = vec![value];
    roots.extend(&outputs);
    let l = lower::lower(&g, &roots);
    let ops = l.graph.reachable(&l.roots).len();
    Sizes { code, formula, ops }
}

/// The least-squares slope of log(y) against log(x): the exponent of the growth.
fn exponent(xs: &[usize], ys: &[usize]) -> f64 {
    let pts: Vec<(f64, f64)> = xs
        .iter()
        .zip(ys)
        .map(|(&x, &y)| ((x as f64).ln(), (y as f64).ln()))
        .collect();
    let n = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let var: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    cov / var
}

/// Expands `source(k)` for each k and asserts that code, formula and operation count grow at
/// most linearly in k: fitted exponent ≤ 1.15 and no doubling of k more than 2.3 times the size.
fn assert_linear(what: &str, ks: &[usize], source: impl Fn(usize) -> String, kind: Derivative) {
    let sizes: Vec<Sizes> = ks.iter().map(|&k| expand(&source(k), kind, "x")).collect();
    let measures: [(&str, Vec<usize>); 3] = [
        ("code", sizes.iter().map(|s| s.code).collect()),
        ("formula", sizes.iter().map(|s| s.formula).collect()),
        ("ops", sizes.iter().map(|s| s.ops).collect()),
    ];
    for (name, ys) in &measures {
        let e = exponent(ks, ys);
        println!("{what}: {name} at k = {ks:?}: {ys:?}, exponent {e:.3}");
        assert!(
            e <= 1.15,
            "{what}: {name} grows like k^{e:.2}: {ys:?} at k = {ks:?}"
        );
        for w in ys.windows(2) {
            assert!(
                w[1] as f64 <= 2.3 * w[0] as f64,
                "{what}: {name} more than doubles when k doubles: {ys:?} at k = {ks:?}"
            );
        }
    }
}

/// `y = σ(W y) + y`, k times: every step uses the previous one twice.
fn let_chain(k: usize) -> String {
    let mut body = String::from("let y0 = x;");
    for i in 1..=k {
        body.push_str(&format!("let y{i} = sigmoid(W * y{}) + y{};", i - 1, i - 1));
    }
    format!("fn f(W: &Matrix<U3, U3>, x: &Vector<U3>) -> f64 {{ {body} sum(y{k}) }}")
}

/// A k-layer tanh network with one weight matrix per layer.
fn tanh_network(k: usize) -> String {
    let params: String = (1..=k)
        .map(|i| format!("W{i}: &Matrix<U3, U3>, "))
        .collect();
    let mut body = String::from("let h0 = x;");
    for i in 1..=k {
        body.push_str(&format!("let h{i} = tanh(W{i} * h{});", i - 1));
    }
    format!("fn f({params}x: &Vector<U3>) -> f64 {{ {body} sum(h{k}) }}")
}

#[test]
fn let_chains_grow_linearly() {
    assert_linear(
        "let chain (grad)",
        &[8, 16, 32, 64],
        let_chain,
        Derivative::Grad,
    );
}

#[test]
fn tanh_network_hessians_grow_linearly() {
    assert_linear(
        "tanh network (hessian)",
        &[4, 8, 16, 32],
        tanh_network,
        Derivative::Hessian,
    );
}

#[test]
fn matpow_hessians_grow_linearly() {
    assert_linear(
        "matpow (hessian)",
        &[16, 32, 64, 128],
        |k| format!("fn f(x: &Matrix<U3, U3>) -> f64 {{ tr(matpow(x, {k})) }}"),
        Derivative::Hessian,
    );
}

/// The formula of a let chain names its shared steps instead of repeating them: at 12 steps
/// (269 MB of text before) it is a few kilobytes, and short formulas are still inline.
#[test]
fn shared_steps_are_named_once() {
    let item: syn::ItemFn = syn::parse_str(&let_chain(12)).expect("parses");
    let function = parse::function(&item).expect("parses");
    let lowered = shape::lower(&function).expect("is well shaped");
    let mut g = lowered.graph;
    let grad = diff::gradient(&mut g, lowered.value, &[1])[0];
    let text = print::unicode(&g, grad);
    assert!(text.len() < 20_000, "{} characters", text.len());
    assert!(text.contains(" where t₁ = "), "{text}");
    let latex = print::latex(&g, grad);
    assert!(latex.contains(r"\text{where } t_{1} = "), "{latex}");
    // The value's formula prints each step once (before: 2¹² copies of the first step).
    let value_text = print::unicode(&g, lowered.value);
    assert_eq!(value_text.matches("σ(").count(), 12, "{value_text}");
}
