//! Compile-fail tests for `#[jacobian]` and `#[hessian]`: each case under `tests/ui/jac_*.rs` and
//! `tests/ui/hess_*.rs` must fail to compile with the committed `.stderr`. The first (and only)
//! error says what is wrong in words at the offending span; uses of `NAME_jacobian` /
//! `NAME_hessian` elsewhere still type-check, so errors never cascade from generated code.
//! Regenerate with `TRYBUILD=overwrite cargo test --test jacobian_ui`, then READ the files.

#[test]
fn jacobian_and_hessian_errors_are_worded_and_alone() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/jac_*.rs");
    t.compile_fail("tests/ui/hess_*.rs");
}
