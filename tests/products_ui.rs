//! Compile-fail tests for `#[vjp]`, `#[jvp]` and `#[hvp]`: each case under `tests/ui/prod_*.rs`
//! must fail to compile with the committed `.stderr`: one error, in words, at the user's token;
//! uses of the generated function elsewhere still type-check (direction parameter included).
//! Regenerate with `TRYBUILD=overwrite cargo test --test products_ui`, then READ the files.

#[test]
fn product_errors_are_worded_and_alone() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/prod_*.rs");
}
