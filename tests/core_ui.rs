//! Compile-fail tests for matcalc-core's shape errors: each case under `tests/ui/core_*.rs`
//! must fail to compile with the committed `.stderr`, whose first line says what is wrong in
//! words. Regenerate with `TRYBUILD=overwrite cargo test --test core_ui`, then read the files.

#[test]
fn core_shape_errors_are_worded() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/core_*.rs");
}
