//! The fetch chain of `calls` driven by hand: what a caller expands to, what the callee's macro
//! hands back, recursion, and definitions that differ only in spacing.

use proc_macro2::TokenStream;
use quote::quote;

use super::calls::{begin, definition, step, Step};

fn fetch(step: Step) -> TokenStream {
    match step {
        Step::Fetch(tokens) => tokens,
        Step::Done { .. } => panic!("done too early"),
        Step::Failed { error, .. } => panic!("failed: {error:?}"),
    }
}

/// What a callee's `body!` does: its arguments, then its definition in braces.
fn answer(fetch: TokenStream, definition: TokenStream) -> TokenStream {
    let mut trees: Vec<_> = fetch.into_iter().collect();
    let Some(proc_macro2::TokenTree::Group(args)) = trees.pop() else {
        panic!("a fetch ends with the macro's arguments");
    };
    let args = args.stream();
    quote!(#args { #definition })
}

#[test]
fn the_definition_drops_attributes_and_visibility() {
    let item = quote!(
        #[doc = "x"]
        #[matcalc::function]
        pub(crate) fn g(x: f64) -> f64 {
            x
        }
    );
    assert_eq!(
        definition(item).to_string(),
        quote!(
            fn g(x: f64) -> f64 {
                x
            }
        )
        .to_string()
    );
}

#[test]
fn a_caller_fetches_its_callees_through_their_modules_then_derives() {
    let root = quote!(
        #[grad(x)]
        fn f(x: f64) -> f64 {
            g(x) + layers::h(x)
        }
    );
    let item: syn::ItemFn = syn::parse2(root.clone()).unwrap();
    let first = fetch(begin(root, &item));
    let text = first.to_string();
    assert!(
        text.starts_with("f :: g_needs_the_attribute_matcalc_function :: body !"),
        "{text}"
    );
    let second = fetch(
        step(answer(
            first,
            quote!(
                fn g(y: f64) -> f64 {
                    y * y
                }
            ),
        ))
        .unwrap(),
    );
    assert!(second
        .to_string()
        .starts_with("f :: h_needs_the_attribute_matcalc_function :: body !"));
    let done = step(answer(
        second,
        quote!(
            fn h(z: f64) -> f64 {
                sin(z)
            }
        ),
    ))
    .unwrap();
    let Step::Done { root, callees } = done else {
        panic!("not done");
    };
    assert!(root.to_string().starts_with("# [grad (x)]"), "{root}");
    let names: Vec<&str> = callees.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["g", "h"]);
}

#[test]
fn recursion_is_an_error_at_the_call_that_closes_it() {
    // The root's own definition comes back (spaced differently, as after `macro_rules!`).
    let root = quote!(
        #[grad(x)]
        fn f(x: f64) -> f64 {
            2.0 * f(x)
        }
    );
    let item: syn::ItemFn = syn::parse2(root.clone()).unwrap();
    let first = fetch(begin(root, &item));
    let back: TokenStream = "fn f (x : f64) -> f64 { 2.0 * f (x) }".parse().unwrap();
    match step(answer(first, back)).unwrap() {
        Step::Failed { error: Some(e), .. } => {
            assert!(e.to_string().starts_with("recursion: `f` calls `f`"), "{e}")
        }
        _ => panic!("recursion not found"),
    }
}
