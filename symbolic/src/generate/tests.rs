//! Robustness of the engine's entry point on hostile input: no panic, no hang, every error at a
//! token of the input, limits reported in words; and linear parsing.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;

use super::{fallback, generate, Derivative, Request};
use crate::ast::{Expr, ExprKind};
use crate::parse::{self, MAX_DEPTH};

/// The item in `src` with its matcalc attributes taken off as requests (as the macro crate
/// does), parsed from a string so that every span has a line number.
fn item_and_requests(src: &str) -> (syn::ItemFn, Vec<Request>) {
    let mut item: syn::ItemFn = syn::parse_str(src).expect("valid Rust");
    let mut requests = Vec::new();
    item.attrs.retain(|attr| {
        let kind = match attr.path().get_ident().map(|i| i.to_string()).as_deref() {
            Some("grad") => Derivative::Grad,
            Some("jacobian") => Derivative::Jacobian,
            Some("hessian") => Derivative::Hessian,
            _ => return true,
        };
        let wrt = attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
            )
            .map(|names| names.into_iter().collect())
            .unwrap_or_default();
        requests.push(Request {
            kind,
            wrt,
            span: attr.span(),
        });
        false
    });
    (item, requests)
}

/// `generate` on `src`; also checks that the fallback for it can be built.
fn run(src: &str) -> Result<TokenStream, syn::Error> {
    let (item, requests) = item_and_requests(src);
    fallback(&item, &requests);
    generate(&item, &requests)
}

fn ok(src: &str) -> String {
    match run(src) {
        Ok(tokens) => tokens.to_string(),
        Err(e) => panic!("unexpected error {:?} for {src}", messages(e)),
    }
}

fn messages(e: syn::Error) -> Vec<String> {
    e.into_iter().map(|e| e.to_string()).collect()
}

/// The errors of `src`, each checked to point at a token of the input (line ≥ 1; the
/// call-site span has line 0), as (message, line, column).
fn located_errors(src: &str) -> Vec<(String, usize, usize)> {
    let error = run(src).expect_err(src);
    error
        .into_iter()
        .map(|e| {
            let start = e.span().start();
            assert!(
                start.line >= 1,
                "no location for {:?} in {src}",
                e.to_string()
            );
            (e.to_string(), start.line, start.column)
        })
        .collect()
}

/// The single error of `src`: it contains `expected` and starts at `at` in the source.
fn error_at(src: &str, expected: &str, at: &str) {
    let errors = located_errors(src);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (message, line, column) = &errors[0];
    assert!(message.contains(expected), "`{message}` lacks `{expected}`");
    let offset = src.find(at).expect("marker in source");
    let want_line = src[..offset].matches('\n').count() + 1;
    let want_column = offset - src[..offset].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!((*line, *column), (want_line, want_column), "{message}");
}

#[test]
fn attributes_on_statements_are_refused_at_the_attribute() {
    error_at(
        "#[grad(A)] fn f(A: &Matrix<U2, U2>) -> f64 {\n #[cfg(any())] let A = A * 2.0;\n tr(A) }",
        "attributes inside a matcalc body",
        "#[cfg",
    );
    error_at(
        "fn f(s: f64) -> f64 { let t = s;\n #[allow(unused)] t * s }",
        "attributes inside a matcalc body",
        "#[allow",
    );
}

#[test]
fn items_that_used_to_fail_inside_generated_code() {
    error_at(
        "#[grad(s)] fn f(s: f64) -> f64 {\n #![allow(unused)]\n s * s }",
        "inner attributes",
        "#![",
    );
    error_at(
        "#[grad(s)] const fn f(s: f64) -> f64 { s * s }",
        "const fn",
        "const",
    );
    error_at(
        "#[grad(s)] fn f(s: f64) -> () { s * s }",
        "instead of `()`",
        "()",
    );
    error_at(
        "#[grad(s)]\n#[grad(s)] fn f(s: f64) -> f64 { s * s }",
        "given twice",
        "#[grad(s)] fn",
    );
}

#[test]
fn a_stray_semicolon_is_an_empty_statement() {
    ok("#[grad(s)] fn f(s: f64) -> f64 { ; let t = s * s;; t }");
}

#[test]
fn raw_identifiers_as_names() {
    let out = ok("#[grad(r#type)] fn r#loop(r#type: f64, r#in: f64) -> f64 { r#type * r#in }");
    assert!(
        out.contains("r#type") && out.contains("fn loop_grad"),
        "{out}"
    );
    let out = ok(
        "#[jacobian(x)] fn f<r#M: Dim>(x: &Vector<r#M>, r#fn: &Matrix<M, M>) -> Vector<M> { r#fn * x }",
    );
    assert!(out.contains("r#fn"), "{out}");
}

#[test]
fn overflowing_literal_folding_stays_unfolded() {
    for body in [
        "1e308 * 1e308 * norm_sq(x)",
        "1e308 * norm_sq(x) * 10.0",
        "norm_sq(x) / 1e-320",
        "(1e300 * 1e300) / 1e-300 + sum(x)",
    ] {
        let out = ok(&format!(
            "#[hessian(x)] fn f(x: &Vector<U2>) -> f64 {{ {body} }}"
        ));
        assert!(!out.contains("inf"), "{out}");
    }
    // f32: a literal that is out of range for f32 is an error at it.
    error_at("fn f(x: f32) -> f32 { x * 1e300 }", "out of range", "1e300");
}

/// Runs `test` on a thread with the stack rustc gives proc macros (8 MiB): deep input is
/// limited by syn's recursive descent, which in a debug build needs about 4 MiB for 256 levels
/// before the engine runs (a test thread has 2 MiB).
fn on_compiler_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(test)
        .expect("a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn nested(open: &str, close: &str, leaf: &str, depth: usize) -> String {
    format!("{}{leaf}{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn nesting_up_to_the_limit_derives_and_beyond_is_an_error_at_the_expression() {
    on_compiler_stack(nesting_up_to_the_limit);
}

fn nesting_up_to_the_limit() {
    // MAX_DEPTH levels of operations (the `tr` is one more).
    let deep = nested("exp(", ")", "A", MAX_DEPTH - 1);
    ok(&format!(
        "#[grad(A)] #[hessian(A)] fn f(A: &Matrix<U2, U2>) -> f64 {{ sum({deep}) }}"
    ));
    let deep = nested("(A * ", ")", "A", MAX_DEPTH - 2);
    ok(&format!(
        "#[grad(A)] fn f(A: &Matrix<U2, U2>) -> f64 {{ tr({deep}) }}"
    ));
    let deep = nested("-", "", "s", MAX_DEPTH - 1);
    ok(&format!(
        "#[hessian(s)] fn f(s: f64) -> f64 {{ s * {deep} }}"
    ));

    let too_deep = nested("exp(", ")", "A", MAX_DEPTH + 1);
    let errors = located_errors(&format!(
        "#[grad(A)] fn f(A: &Matrix<U2, U2>) -> f64 {{ sum({too_deep}) }}"
    ));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].0.contains(&format!("limit of {MAX_DEPTH}")),
        "{errors:#?}"
    );
}

#[test]
fn let_chains_count_toward_the_depth() {
    on_compiler_stack(let_chains);
}

fn let_chains() {
    let lets = "let y = exp(y);\n".repeat(MAX_DEPTH - 2);
    ok(&format!(
        "#[grad(x)] fn f(x: &Vector<U2>) -> f64 {{ let y = x; {lets} sum(y) }}"
    ));
    let lets = "let y = exp(y);\n".repeat(MAX_DEPTH + 5);
    let errors = located_errors(&format!(
        "#[grad(x)] fn f(x: &Vector<U2>) -> f64 {{ let y = x; {lets} sum(y) }}"
    ));
    assert!(
        errors.iter().all(|(m, ..)| m.contains("limit of")),
        "{errors:#?}"
    );
}

#[test]
fn long_sums_and_products_derive() {
    on_compiler_stack(long_sums_and_products);
}

fn long_sums_and_products() {
    let terms: Vec<String> = (0..10_000)
        .map(|i| format!("{}.0 * A", i % 7 + 1))
        .collect();
    let sum = terms.join(" + ").replacen(" + ", " - ", 100);
    ok(&format!(
        "#[grad(A)] #[hessian(A)] fn f(A: &Matrix<U2, U2>) -> f64 {{ tr({sum}) }}"
    ));
    let product = vec!["A"; 10_000].join(" * ");
    ok(&format!(
        "#[grad(A)] fn f(A: &Matrix<U2, U2>) -> f64 {{ tr({product}) }}"
    ));
    let scalars = vec!["s"; 10_000].join(" * ");
    ok(&format!(
        "#[hessian(s)] fn f(s: f64) -> f64 {{ {scalars} }}"
    ));
}

#[test]
fn long_sums_keep_their_value() {
    // a − b + c − … over 100 terms, balanced: evaluated through the derivative of the sum
    // w.r.t. each term's coefficient, every sign must survive the regrouping.
    let terms: Vec<String> = (0..100).map(|i| format!("{}.0 * s", i + 1)).collect();
    let mut sum = terms[0].clone();
    let mut want = 1.0;
    for (i, term) in terms.iter().enumerate().skip(1) {
        let minus = i % 3 == 1;
        sum += if minus { " - " } else { " + " };
        sum += term;
        want += if minus {
            -(i as f64 + 1.0)
        } else {
            i as f64 + 1.0
        };
    }
    let (item, _) = item_and_requests(&format!("fn f(s: f64) -> f64 {{ {sum} }}"));
    let function = parse::function(&item).unwrap();
    let lowered = crate::shape::lower(&function).unwrap();
    let value = crate::eval::evaluate(
        &lowered.graph,
        &[lowered.value],
        &[crate::eval::Value::scalar(1.0)],
        &crate::eval::Bindings::new(),
    )
    .unwrap();
    assert_eq!(value[0].data, [want]);
}

#[test]
fn literal_exponents_do_not_make_work() {
    let out = ok(
        "#[grad(A)] #[jacobian(A)] fn f(A: &Matrix<U2, U2>) -> f64 { tr(matpow(A, 1000000000)) }",
    );
    assert!(out.len() < 100_000, "{} bytes", out.len());
    let lets = "let y = y * y;\n".repeat(30);
    let out = ok(&format!(
        "#[grad(A)] fn f(A: &Matrix<U2, U2>) -> f64 {{ let y = A; {lets} tr(y) }}"
    ));
    assert!(out.len() < 100_000, "{} bytes", out.len());
}

/// Characters of quoted source text held by the parsed body, walked without recursion.
fn text_chars(body: &Expr) -> usize {
    let mut stack = vec![body];
    let mut total = 0;
    while let Some(e) = stack.pop() {
        total += e.text.len();
        match &e.kind {
            ExprKind::Neg(a) => stack.push(a),
            ExprKind::Binary(_, a, b) => stack.extend([&**a, &**b]),
            ExprKind::Call(_, args) => stack.extend(args),
            _ => {}
        }
    }
    total
}

#[test]
fn parsing_a_sum_is_linear_in_its_length() {
    let size = |n: usize| {
        let sum = vec!["s"; n].join(" + ");
        let (item, _) = item_and_requests(&format!("fn f(s: f64) -> f64 {{ {sum} }}"));
        text_chars(&parse::function(&item).unwrap().body)
    };
    let (small, large) = (size(2_000), size(8_000));
    // Four times the terms: about four times the text (quoting every prefix would be 16×).
    assert!(large <= 5 * small, "{small} → {large}");
}

#[test]
fn the_fallback_of_odd_signatures_does_not_panic() {
    for src in [
        "#[grad(x)] fn r#loop(x: f64) -> f64 { x }",
        "#[hessian(X)] #[jacobian(X)] fn f<M: Dim>(X: &Matrix<M, M>) -> Matrix<M, M> { X }",
        "#[grad(x)] const fn f(x: f64) -> () { #![allow(unused)] x }",
        "#[grad(y)] fn f(x: f64) { x }",
    ] {
        let (item, requests) = item_and_requests(src);
        fallback(&item, &requests);
    }
}

/// Valid DSL functions with their tokens separated by spaces, for mutation.
const CORPUS: &[&str] = &[
    "#[grad(X, Y)] fn phi ( X : & Matrix < U3 , U3 > , Y : & Matrix < U3 , U2 > ) -> f64 { sum ( X * Y ) }",
    "#[hessian(x)] fn q ( x : & Vector < U3 > , A : & Matrix < U3 , U3 > ) -> f64 { let y = A * x ; x . t ( ) * y + 2.0 * norm_sq ( x ) }",
    "#[jacobian(X)] fn f < M : Dim > ( X : & Matrix < M , M > , s : f64 ) -> Matrix < M , M > { let Z = inv ( X ) * s ; Z . t ( ) - exp ( X ) / 3.0 }",
    "#[grad(W)] fn nn ( W : & Matrix < U2 , U3 > , x : & Vector < U3 > ) -> f64 { let h = tanh ( W * x ) ; logsumexp ( h ) + sum ( softmax ( h ) ) }",
    "#[grad(A)] #[hessian(A)] fn g ( A : & Matrix < U2 , U2 > ) -> f64 { logdet ( A ) + tr ( matpow ( A , 3 ) ) - det ( A ) * dot ( A , A ) }",
];

/// Tokens a mutation may insert or substitute.
const PIECES: &[&str] = &[
    ";",
    "*",
    "-",
    "(",
    ")",
    ".",
    ",",
    "r#loop",
    "1e308",
    "1e-320",
    "__t2",
    "#[cfg(x)]",
    "#![x]",
    "const",
    "()",
    "A",
    "x",
    "0",
    "-1",
    "2147483647",
    "matpow",
    "eye ( )",
    "let",
    "&",
];

#[test]
fn mutants_never_panic_and_every_error_has_a_location() {
    on_compiler_stack(|| {
        let (mut accepted, mut rejected) = (0, 0);
        for source in CORPUS {
            let tokens: Vec<&str> = source.split(' ').collect();
            let mut mutants = Vec::new();
            for i in 0..tokens.len() {
                let mut deleted = tokens.clone();
                deleted.remove(i);
                mutants.push(deleted);
                for piece in PIECES {
                    let mut replaced = tokens.clone();
                    replaced[i] = piece;
                    mutants.push(replaced);
                    let mut inserted = tokens.clone();
                    inserted.insert(i, piece);
                    mutants.push(inserted);
                }
            }
            for mutant in mutants {
                let src = mutant.join(" ");
                if syn::parse_str::<syn::ItemFn>(&src).is_err() {
                    continue;
                }
                let (item, requests) = item_and_requests(&src);
                // A panic fails this test (the engine never panics on any input).
                fallback(&item, &requests);
                match generate(&item, &requests) {
                    Ok(_) => accepted += 1,
                    Err(error) => {
                        rejected += 1;
                        for e in error {
                            assert!(
                                e.span().start().line >= 1,
                                "no location for {:?} in {src}",
                                e.to_string()
                            );
                        }
                    }
                }
            }
        }
        // The mutations reach both outcomes in numbers (the count guards against a vacuous run).
        assert!(
            accepted > 300 && rejected > 1000,
            "{accepted} accepted, {rejected} rejected"
        );
    });
}
