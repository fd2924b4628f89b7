//! Loops in the command-line tool's bodies (reference §4b): unrolled like in the macros, with
//! `--check` comparing the derivative with finite differences, and shapes inferred through the
//! assignments.

use assert_cmd::Command;
use predicates::str::contains;

fn matcalc() -> Command {
    Command::cargo_bin("matcalc").expect("the matcalc binary is built for integration tests")
}

#[test]
fn a_loop_body_is_derived_and_checked() {
    matcalc()
        .args([
            "grad",
            "let mut s = x; for t in 0..3 { s = tanh(A * s) + x[t]; } sum(s)",
            "--wrt",
            "A",
            "--shape",
            "A=3x3",
            "--shape",
            "x=3",
            "--check",
        ])
        .assert()
        .success()
        .stdout(contains("check passed"));
}

#[test]
fn an_assignment_keeps_the_shape_it_infers() {
    // `s = A * s` makes A square; nothing else fixes the sizes.
    matcalc()
        .args([
            "grad",
            "let mut s = x; for t in 0..3 { s = A * s; } sum(s)",
            "--wrt",
            "x",
        ])
        .assert()
        .success()
        .stdout(contains("A is A_rows×A_rows"));
}

#[test]
fn a_loop_error_points_into_the_expression() {
    matcalc()
        .args([
            "grad",
            "let s = x; for t in 0..3 { s = s * x; } s",
            "--wrt",
            "x",
            "--shape",
            "x=scalar",
        ])
        .assert()
        .code(1)
        .stderr(contains("it is not declared `let mut`"));
}
