#[test]
fn scratch() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/call_*.rs");
    t.compile_fail("tests/ui/grad_unknown_function.rs");
}
