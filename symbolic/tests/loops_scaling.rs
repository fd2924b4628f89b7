//! Loops grow expansion linearly in their iteration count K (issue 11): the MPC cost of
//! `examples/mpc.rs` at K = 5, 10, 20, 40, 100 and an RNN loss, each with its gradient and
//! Hessian, expand into code whose size and statement count fit a slope ≤ 1.15 in log–log.
//! Sharing across iterations is what keeps it linear: iteration t's state is one node that
//! iteration t + 1 reads, and its adjoint is one node, never a re-derived subtree.
//!
//! `cargo test --release -p matcalc-symbolic --test loops_scaling -- --nocapture` prints the
//! table in the README (expansion time, emitted statements); time is printed, never asserted.

use std::time::Instant;

use matcalc_symbolic::generate::{self, Derivative, Request};
use proc_macro2::{Span, TokenStream, TokenTree};

fn request(kind: Derivative, wrt: &str) -> Request {
    Request {
        kind,
        wrt: vec![syn::Ident::new(wrt, Span::call_site())],
        span: Span::call_site(),
    }
}

/// The MPC cost of `examples/mpc.rs` over a horizon of `k` steps.
fn mpc(k: usize) -> String {
    format!(
        "fn cost(U: &Matrix<U1, U{k}>, x0: &Vector<U2>, A: &Matrix<U2, U2>, B: &Vector<U2>, \
                 Q: &Matrix<U2, U2>, r: f64) -> f64 {{
            let mut x = x0;
            let mut J = 0.0;
            for t in 0..{k} {{
                x = A * x + B * U.column(t);
                J = J + x.t() * Q * x + r * U.column(t).t() * U.column(t);
            }}
            J
        }}"
    )
}

/// An Elman RNN's loss over `k` steps (as in `examples/rnn.rs`).
fn rnn(k: usize) -> String {
    format!(
        "fn loss(W: &Matrix<U4, U4>, u: &Vector<U4>, b: &Vector<U4>, v: &Vector<U4>, \
                 xs: &Matrix<U1, U{k}>, target: f64) -> f64 {{
            let mut h: Vector<U4> = zeros();
            for t in 0..{k} {{
                h = tanh(W * h + u * xs[(0, t)] + b);
            }}
            0.5 * powi(v.t() * h - target, 2)
        }}"
    )
}

/// Statements (`;`) at any depth of the generated items.
fn statements(tokens: TokenStream) -> usize {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Punct(p) if p.as_char() == ';' => 1,
            TokenTree::Group(g) => statements(g.stream()),
            _ => 0,
        })
        .sum()
}

struct Expansion {
    micros: f64,
    statements: usize,
    chars: usize,
}

/// Expands `source` with the requests, best of three timings.
fn expand(source: &str, requests: &[Request]) -> Expansion {
    let item: syn::ItemFn = syn::parse_str(source).expect("parses");
    let mut best = f64::INFINITY;
    let mut out = TokenStream::new();
    for _ in 0..3 {
        let start = Instant::now();
        out = generate::generate(&item, requests).unwrap_or_else(|e| panic!("{source}: {e}"));
        best = best.min(start.elapsed().as_secs_f64() * 1e6);
    }
    Expansion {
        micros: best,
        chars: out.to_string().len(),
        statements: statements(out),
    }
}

/// The least-squares slope of log(y) against log(x).
fn exponent(xs: &[usize], ys: &[f64]) -> f64 {
    let pts: Vec<(f64, f64)> = xs
        .iter()
        .zip(ys)
        .map(|(&x, &y)| ((x as f64).ln(), y.ln()))
        .collect();
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let cov: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let var: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    cov / var
}

fn assert_linear(what: &str, ks: &[usize], source: impl Fn(usize) -> String, requests: &[Request]) {
    let runs: Vec<Expansion> = ks.iter().map(|&k| expand(&source(k), requests)).collect();
    println!("{what}:");
    println!("| K | expansion | emitted statements | generated characters |");
    println!("|---:|---:|---:|---:|");
    for (k, r) in ks.iter().zip(&runs) {
        println!(
            "| {k} | {:.1} ms | {} | {} |",
            r.micros / 1000.0,
            r.statements,
            r.chars
        );
    }
    let time: Vec<f64> = runs.iter().map(|r| r.micros).collect();
    let stmts: Vec<f64> = runs.iter().map(|r| r.statements as f64).collect();
    let chars: Vec<f64> = runs.iter().map(|r| r.chars as f64).collect();
    let (e_time, e_stmts, e_chars) = (
        exponent(ks, &time),
        exponent(ks, &stmts),
        exponent(ks, &chars),
    );
    println!(
        "fitted exponents: time {e_time:.3}, statements {e_stmts:.3}, characters {e_chars:.3}\n"
    );
    assert!(
        e_stmts <= 1.15,
        "{what}: statements grow like K^{e_stmts:.2}"
    );
    assert!(
        e_chars <= 1.15,
        "{what}: generated code grows like K^{e_chars:.2}"
    );
}

#[test]
fn mpc_expansion_is_linear_in_the_horizon() {
    assert_linear(
        "MPC cost, #[grad(U)] and #[hessian(U)]",
        &[5, 10, 20, 40, 100],
        mpc,
        &[
            request(Derivative::Grad, "U"),
            request(Derivative::Hessian, "U"),
        ],
    );
}

#[test]
fn rnn_expansion_is_linear_in_the_sequence_length() {
    assert_linear(
        "RNN loss, #[grad(W)] and #[hvp(W)]",
        &[4, 8, 16, 32, 48],
        rnn,
        &[
            request(Derivative::Grad, "W"),
            request(Derivative::Hvp, "W"),
        ],
    );
}

/// A function just under the unroll cap (60 steps of a recurrence whose body has ~160
/// expression nodes): it expands, and the time is printed (README "Programs with loops").
#[test]
fn a_program_at_the_unroll_cap_expands() {
    let terms: Vec<String> = (0..8)
        .map(|i| format!("sin(s[{i}]) * cos(s[{}]) * x[{i}]", (i + 1) % 8))
        .collect();
    let source = format!(
        "fn f(x: &Vector<U8>, A: &Matrix<U8, U8>) -> f64 {{
            let mut s = x;
            let mut acc = 0.0;
            for t in 0..60 {{
                s = tanh(A * s);
                acc = acc + ({});
            }}
            acc
        }}",
        terms.join(" + ")
    );
    for requests in [
        vec![request(Derivative::Grad, "A")],
        vec![request(Derivative::Hvp, "A")],
    ] {
        let run = expand(&source, &requests);
        println!(
            "at the cap, {:?}: {:.1} ms, {} statements",
            requests[0].kind,
            run.micros / 1000.0,
            run.statements
        );
    }
}
