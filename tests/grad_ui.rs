//! Compile-fail tests for the `#[grad]` macro: each case under `tests/ui/grad_*.rs` must fail to
//! compile with the committed `.stderr`. The first (and only) error says what is wrong in words
//! at the offending sub-expression; errors never cascade from generated code.
//! Regenerate with `TRYBUILD=overwrite cargo test --test grad_ui`, then READ the files.

#[test]
fn grad_errors_are_worded_and_alone() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/grad_*.rs");
    // Calls between DSL functions (reference §4b "Calls").
    t.compile_fail("tests/ui/call_*.rs");
}
