//! Compile-fail tests for DSL functions over nalgebra types (feature `nalgebra`): shape errors
//! read as they do for matcalc's own types, and nalgebra types the DSL does not read are
//! refused at the type. Regenerate with
//! `TRYBUILD=overwrite cargo test -p matcalc --features nalgebra --test nalgebra_ui`, then READ
//! the files.

#[test]
fn nalgebra_signature_errors_are_worded() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui_nalgebra/*.rs");
}
