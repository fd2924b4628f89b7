//! Loops unrolled by the parser: each program is compared, value and gradient, with the same
//! program written out by hand without a loop (evaluated by the independent interpreter), and
//! every error says what is wrong at the user's token.

use syn::parse_quote;

use crate::diff;
use crate::eval::{evaluate, Bindings, Value};
use crate::parse::function;
use crate::shape;

fn messages(item: &syn::ItemFn) -> Vec<String> {
    match function(item).and_then(|f| shape::lower(&f).map(|_| ())) {
        Ok(()) => panic!("expected errors"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// The only error of `item`, which must contain every part of `expected`.
fn error(item: syn::ItemFn, expected: &[&str]) {
    let all = messages(&item);
    assert_eq!(all.len(), 1, "{all:#?}");
    for part in expected {
        assert!(
            all[0].contains(part),
            "`{}` does not contain `{part}`",
            all[0]
        );
    }
}

/// Value and gradient (every parameter) of `item` at `params`.
fn value_and_gradient(item: &syn::ItemFn, params: &[Value]) -> (f64, Vec<Value>) {
    let f = function(item).unwrap_or_else(|e| panic!("{e}"));
    let lowered = shape::lower(&f).unwrap_or_else(|e| panic!("{e}"));
    let mut g = lowered.graph;
    let wrt: Vec<usize> = (0..f.params.len()).collect();
    let grads = diff::gradient(&mut g, lowered.value, &wrt);
    let dims = Bindings::new();
    let value = evaluate(&g, &[lowered.value], params, &dims).expect("evaluates")[0].as_scalar();
    (
        value,
        evaluate(&g, &grads, params, &dims).expect("evaluates"),
    )
}

fn assert_same(looped: syn::ItemFn, by_hand: syn::ItemFn, params: &[Value]) {
    let (v1, g1) = value_and_gradient(&looped, params);
    let (v2, g2) = value_and_gradient(&by_hand, params);
    assert!((v1 - v2).abs() <= 1e-12 * (1.0 + v2.abs()), "{v1} vs {v2}");
    for (a, b) in g1.iter().zip(&g2) {
        for (x, y) in a.data.iter().zip(&b.data) {
            assert!((x - y).abs() <= 1e-12 * (1.0 + y.abs()), "{a:?} vs {b:?}");
        }
    }
}

fn column(xs: &[f64]) -> Value {
    Value::from_columns(xs.len(), 1, xs)
}

#[test]
fn a_recurrence_equals_the_chain_written_out() {
    let looped = parse_quote! {
        fn f(A: &Matrix<U2, U2>, x: &Vector<U2>, u: &Vector<U3>) -> f64 {
            let mut s = x;
            let mut cost = 0.0;
            for t in 0..3 {
                let next = tanh(A * s) + u[t];
                cost = cost + norm_sq(next) * (t + 1);
                s = next;
            }
            cost + sum(s)
        }
    };
    let by_hand = parse_quote! {
        fn f(A: &Matrix<U2, U2>, x: &Vector<U2>, u: &Vector<U3>) -> f64 {
            let s1 = tanh(A * x) + u[0];
            let c1 = norm_sq(s1) * 1;
            let s2 = tanh(A * s1) + u[1];
            let c2 = c1 + norm_sq(s2) * 2;
            let s3 = tanh(A * s2) + u[2];
            let c3 = c2 + norm_sq(s3) * 3;
            c3 + sum(s3)
        }
    };
    let params = [
        Value::from_columns(2, 2, &[0.3, -0.2, 0.5, 0.1]),
        column(&[0.4, -0.7]),
        column(&[0.2, -0.1, 0.6]),
    ];
    assert_same(looped, by_hand, &params);
}

#[test]
fn views_nested_loops_compound_assignment_and_typenum_bounds() {
    let looped = parse_quote! {
        fn f(U: &Matrix<U2, U4>, X: &Matrix<U4, U1>, A: &Matrix<U3, U3>) -> f64 {
            let mut acc: f64 = 0.0;
            for t in 0..U4 {
                acc += dot(U.column(t), X.fixed_view::<2, 1>(2 * (t / 2), 0).t().t());
            }
            for i in 0..2 {
                for j in 0..i + 1 {
                    acc -= A[(i, j + 1)] * U[(j, i)];
                }
            }
            acc
        }
    };
    // `t / 2` is not an index operation: check that it is refused, then use the supported form.
    assert!(messages(&looped)[0].contains("an index combines integers with `+`, `-` and `*`"));
    let looped = parse_quote! {
        fn f(U: &Matrix<U2, U4>, X: &Matrix<U4, U1>, A: &Matrix<U3, U3>) -> f64 {
            let mut acc: f64 = 0.0;
            for t in 0..U4 {
                acc += dot(U.column(t), X.fixed_view::<2, 1>(2 * t - 2 * t, 0));
            }
            for i in 0..2 {
                for j in 0..i + 1 {
                    acc -= A[(i, j + 1)] * U[(j, i)];
                }
            }
            acc
        }
    };
    let by_hand = parse_quote! {
        fn f(U: &Matrix<U2, U4>, X: &Matrix<U4, U1>, A: &Matrix<U3, U3>) -> f64 {
            let x = X.fixed_view::<2, 1>(0, 0);
            let a = dot(U.column(0), x) + dot(U.column(1), x) + dot(U.column(2), x)
                + dot(U.column(3), x);
            a - A[(0, 1)] * U[(0, 0)] - A[(1, 1)] * U[(0, 1)] - A[(1, 2)] * U[(1, 1)]
        }
    };
    let params = [
        Value::from_columns(2, 4, &[0.3, -0.2, 0.5, 0.1, 0.9, -0.4, 0.25, 0.6]),
        column(&[0.4, -0.7, 1.5, 2.0]),
        Value::from_columns(3, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]),
    ];
    assert_same(looped, by_hand, &params);
}

#[test]
fn bindings_in_the_body_are_scoped_to_the_iteration() {
    let looped = parse_quote! {
        fn f(x: f64) -> f64 {
            let mut s = x;
            let y = 2.0;
            for _ in 0..2 {
                let y = s * y;
                s = y + 1.0;
            }
            s * y
        }
    };
    let by_hand = parse_quote! {
        fn f(x: f64) -> f64 { ((x * 2.0 + 1.0) * 2.0 + 1.0) * 2.0 }
    };
    assert_same(looped, by_hand, &[Value::scalar(0.7)]);
    // A body's binding is gone after the loop.
    let leaked = parse_quote! {
        fn f(x: f64) -> f64 {
            let mut s = x;
            for _ in 0..2 { let z = s * s; s = z; }
            z
        }
    };
    error(leaked, &["unknown variable `z`"]);
}

#[test]
fn an_assignment_keeps_the_shape_of_its_binding() {
    error(
        parse_quote! {
            fn f(x: &Vector<U3>, A: &Matrix<U2, U3>) -> f64 {
                let mut s = x;
                for _ in 0..2 { s = A * s; }
                sum(s)
            }
        },
        &["the value assigned to `s` is 2×1 but `let mut s` is Matrix 3×1"],
    );
    // 1×1 and scalar are the same, as everywhere.
    let ok: syn::ItemFn = parse_quote! {
        fn f(x: &Vector<U3>) -> f64 {
            let mut c = 0.0;
            for _ in 0..2 { c = c + x.t() * x; }
            c
        }
    };
    let (v, _) = value_and_gradient(&ok, &[column(&[1.0, 2.0, 3.0])]);
    assert_eq!(v, 28.0);
}

#[test]
fn loop_errors_say_what_is_supported() {
    error(
        parse_quote! { fn f(x: f64, n: f64) -> f64 { let mut s = x; for _ in 0..n { s = s * x; } s } },
        &["the loop bound `n` is not a constant known at expansion"],
    );
    error(
        parse_quote! { fn f<N: Dim>(x: &Vector<N>) -> f64 { let mut s = 0.0; for t in 0..N { s = s + x[t]; } s } },
        &["the loop bound `N` is a generic dimension"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let s = x; for _ in 0..3 { s = s * x; } s } },
        &["cannot assign to `s`: it is not declared `let mut`"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { for _ in 0..3 { x = x * x; } x } },
        &["cannot assign to `x`: it is a parameter"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for _ in 0..3 { let y = s * x; } s } },
        &["this loop assigns no `let mut` binding"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for t in 1..3 { s = s * x; } s } },
        &["does not start at 0"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for t in 0..=3 { s = s * x; } s } },
        &["inclusive ranges are not supported"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; while true { s = s * x; } s } },
        &["`while` loops are not supported", "for t in 0..K"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; loop { s = s * x; } s } },
        &["`loop` is not supported"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for _ in 0..3 { s = s * x; break; } s } },
        &["`break` is not supported"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for t in 0..3 { t = s; s = s * x; } s } },
        &["it is the loop variable"],
    );
    error(
        parse_quote! { fn f(x: &Vector<U3>) -> f64 { let mut s = x; for t in 0..3 { s[t] = 1.0; } sum(s) } },
        &["entries and views cannot be assigned"],
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for _ in 0..3 { s = s * x; } } },
        &["the body ends with a loop"],
    );
}

#[test]
fn an_error_in_the_body_is_reported_once() {
    let all = messages(&parse_quote! {
        fn f(x: &Vector<U3>) -> f64 { let mut s = 0.0; for t in 0..5 { s = s + x[t]; } s }
    });
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0].contains("out of range") || all[0].contains("3"),
        "{all:?}"
    );
}

#[test]
fn the_unrolled_size_is_capped_with_the_numbers() {
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for _ in 0..1000000000 { s = x * x; } s } },
        &[
            "1000000000 iterations",
            "above matcalc's limit of 10000 unrolled nodes",
        ],
    );
    // Nested loops multiply.
    error(
        parse_quote! { fn f(x: f64) -> f64 {
            let mut s = x;
            for _ in 0..300 { for _ in 0..300 { s = x * x; } }
            s
        } },
        &["300 iterations of", "above matcalc's limit"],
    );
}

#[test]
fn deep_recurrences_hit_the_depth_limit_with_a_note() {
    error(
        parse_quote! { fn f(x: f64) -> f64 { let mut s = x; for _ in 0..1000 { s = sin(s); } s } },
        &[
            "above matcalc's limit of 256",
            "of a loop of 1000 iterations",
        ],
    );
}
