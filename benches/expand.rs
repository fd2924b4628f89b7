//! Compile cost of the macro itself: `matcalc_symbolic::generate::generate` (parse → shape →
//! differentiate → simplify → emit, what `#[grad]` runs) on the 20 realistic functions of
//! `bench-crates/grad20`, one benchmark per function (target: < 5 ms each), at n = 3 and at
//! n = 128 to show that expansion does not depend on the matrix size.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use matcalc_symbolic::generate::{generate, Derivative, Request};

mod common;

const SOURCE: &str = include_str!("../bench-crates/grad20/src/lib.rs");

/// The functions of `SOURCE` (with `U3` replaced by `size`) and their `#[grad(..)]` requests.
fn functions(size: &str) -> Vec<(syn::ItemFn, Vec<Request>)> {
    let source = SOURCE.replace("U3", size);
    let file: syn::File = syn::parse_str(&source).expect("grad20 parses");
    file.items
        .into_iter()
        .filter_map(|item| match item {
            syn::Item::Fn(mut f) => {
                let at = f.attrs.iter().position(|a| a.path().is_ident("grad"))?;
                let attr = f.attrs.remove(at);
                let wrt = attr
                    .parse_args_with(
                        syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated,
                    )
                    .expect("grad arguments");
                let request = Request {
                    kind: Derivative::Grad,
                    wrt: wrt.into_iter().collect(),
                    span: proc_macro2::Span::call_site(),
                };
                Some((f, vec![request]))
            }
            _ => None,
        })
        .collect()
}

fn expand(c: &mut Criterion) {
    for (size, n) in [("U3", 3), ("U128", 128)] {
        let fns = functions(size);
        assert_eq!(fns.len(), 20, "grad20 has 20 functions");
        let mut g = c.benchmark_group(format!("expand-n{n}"));
        for (item, requests) in &fns {
            generate(item, requests).expect("every grad20 function expands");
            g.bench_function(
                BenchmarkId::from_parameter(item.sig.ident.to_string()),
                |b| b.iter(|| generate(black_box(item), black_box(requests))),
            );
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = expand
}
criterion_main!(benches);
