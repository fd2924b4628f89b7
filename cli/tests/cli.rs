//! The `matcalc` command-line tool, run as a user would: the seed question, shapes, every output
//! format, and each class of error with its exit status (0 success, 1 user error, 2 usage).

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn matcalc() -> Command {
    Command::cargo_bin("matcalc").expect("the matcalc binary is built for integration tests")
}

const SEED: &[&str] = &[
    "sum(X * Y)",
    "--wrt",
    "X",
    "--shape",
    "X=3x3",
    "--shape",
    "Y=3x2",
];

#[test]
fn seed_question_as_a_gradient() {
    matcalc()
        .arg("grad")
        .args(SEED)
        .assert()
        .success()
        .stdout("∂/∂X sum(X Y) = 𝟙 Yᵀ  (3×3)\n");
}

#[test]
fn seed_question_as_a_jacobian() {
    matcalc()
        .args([
            "jacobian", "X * y", "--wrt", "X", "--shape", "X=3x3", "--shape", "y=3x2",
        ])
        .assert()
        .success()
        .stdout(contains("∂vec(X y)/∂(vec X)ᵀ = yᵀ ⊗ I₃  (6×9)"));
}

#[test]
fn hessian_of_a_quadratic_form_and_of_logdet() {
    matcalc()
        .args(["hessian", "x.t() * A * x", "--wrt", "x", "--shape", "A=3x3"])
        .assert()
        .success()
        .stdout(contains("= Aᵀ + A  (3×3)"));
    matcalc()
        .args([
            "hessian",
            "logdet(X)",
            "--wrt",
            "X",
            "--shape",
            "X=3x3",
            "--check",
        ])
        .assert()
        .success()
        .stdout(contains("−K₃₃ (X⁻ᵀ ⊗ X⁻¹)  (9×9)").and(contains("check passed")));
}

#[test]
fn symbolic_shapes_stay_symbolic() {
    matcalc()
        .args(["grad", "norm_sq(W * x - y)", "--wrt", "W"])
        .args(["--shape", "W=m x n", "--shape", "x=n", "--shape", "y=m"])
        .assert()
        .success()
        .stdout("∂/∂W ‖W x − y‖² = 2 (W x − y) xᵀ  (m×n)\n");
    for spelling in ["mxn", "m×n"] {
        matcalc()
            .args(["grad", "sum(X * y)", "--wrt", "X", "--shape"])
            .arg(format!("X={spelling}"))
            .args(["--shape", "y=n"])
            .assert()
            .success()
            .stdout(contains("(m×n)"));
    }
}

#[test]
fn undeclared_shapes_are_inferred() {
    // Y's rows follow from X * Y; its columns stay generic.
    matcalc()
        .args(["grad", "sum(X * Y)", "--wrt", "X", "--shape", "X=3x3"])
        .assert()
        .success()
        .stdout(contains("∂/∂X sum(X Y) = 𝟙 Yᵀ  (3×3)"))
        .stdout(contains("Y is 3×Y_cols"));
    // A scalar result makes x a vector.
    matcalc()
        .args(["grad", "x.t() * A * x", "--wrt", "x", "--shape", "A=3x3"])
        .assert()
        .success()
        .stdout(contains("(3×1)"))
        .stdout(contains("x is 3×1"));
    // Nothing declared at all.
    matcalc()
        .args(["grad", "logdet(X)", "--wrt", "X"])
        .assert()
        .success()
        .stdout(contains("= X⁻ᵀ  (X_rows×X_rows)"));
}

#[test]
fn latex_output() {
    matcalc()
        .arg("grad")
        .args(SEED)
        .arg("--latex")
        .assert()
        .success()
        .stdout("\\frac{\\partial}{\\partial X} \\operatorname{sum}(X Y) = \\mathbf{1} Y^\\top\n");
}

#[test]
fn check_passes_and_reports_the_difference() {
    matcalc()
        .args(["grad", "sum(exp(X * Y))", "--wrt", "X", "--wrt", "Y"])
        .args(["--shape", "X=3x3", "--shape", "Y=3x2", "--check"])
        .assert()
        .success()
        .stdout(contains("largest |derived − finite difference|"))
        .stdout(contains("check passed"));
    // Generic dimensions are given a size, and the output says so.
    matcalc()
        .args([
            "grad",
            "logdet(X)",
            "--wrt",
            "X",
            "--check",
            "--dim-size",
            "4",
        ])
        .assert()
        .success()
        .stdout(contains("generic dimensions X_rows taken as 4"))
        .stdout(contains("over 16 entries"));
}

#[test]
fn check_fails_with_status_1_when_out_of_tolerance() {
    // A tolerance below rounding error cannot be met by any finite difference.
    matcalc()
        .args(["grad", "sum(exp(X * Y))", "--wrt", "X"])
        .args([
            "--shape",
            "X=3x3",
            "--shape",
            "Y=3x2",
            "--check",
            "--tolerance",
            "0",
        ])
        .assert()
        .code(1)
        .stdout(contains("check FAILED"));
}

#[test]
fn steps_show_the_chain_of_adjoints() {
    matcalc()
        // `A X⁻¹`: with the inverse on the left, `X⁻¹ A` would become `solve(X, A)`.
        .args(["grad", "tr(A * inv(X))", "--wrt", "X"])
        .args(["--shape", "X=3x3", "--shape", "A=3x3", "--steps"])
        .assert()
        .success()
        .stdout(contains("∂φ/∂(A X⁻¹)"))
        .stdout(contains("A⁻¹: Ā = −A⁻ᵀ Ḡ A⁻ᵀ"))
        .stdout(contains("∂/∂X tr(A X⁻¹) = −X⁻ᵀ Aᵀ X⁻ᵀ  (3×3)"));
}

#[test]
fn shape_mismatch_is_underlined_with_status_1() {
    matcalc()
        .args([
            "grad",
            "sum(X * Y)",
            "--wrt",
            "X",
            "--shape",
            "X=3x3",
            "--shape",
            "Y=2x3",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains(
            "error: shape mismatch in `X * Y`: left is 3×3, right is 2×3; inner dimensions 3 and \
             2 differ",
        ))
        .stderr(contains("1 | sum(X * Y)\n  |     ^^^^^"))
        .stderr(contains("declared: X is 3×3, Y is 2×3"));
}

#[test]
fn unknown_function_is_underlined_with_status_1() {
    matcalc()
        .args(["grad", "2 * frob(X)", "--wrt", "X"])
        .assert()
        .code(1)
        .stderr(contains("error: unknown function `frob`"))
        .stderr(contains("1 | 2 * frob(X)\n  |     ^^^^"))
        // Inside a macro `frob` would be a call of another function; the tool cannot see one.
        .stderr(contains("sees only this expression, not other functions"));
}

#[test]
fn a_misspelled_operation_gets_no_note_about_calls() {
    matcalc()
        .args(["grad", "trace(X)", "--wrt", "X", "--shape", "X=3x3"])
        .assert()
        .code(1)
        .stderr(contains("did you mean `tr`"))
        .stderr(contains("not other functions").not());
}

#[test]
fn a_matrix_expression_under_grad_is_a_user_error() {
    matcalc()
        .args([
            "grad", "X * Y", "--wrt", "X", "--shape", "X=3x3", "--shape", "Y=3x2",
        ])
        .assert()
        .code(1)
        .stderr(contains("needs a scalar expression, but `X * Y` is 3×2"))
        .stderr(contains("matcalc jacobian"));
}

#[test]
fn bad_shape_syntax_is_a_usage_error() {
    matcalc()
        .args(["grad", "sum(X)", "--wrt", "X", "--shape", "X=3y3"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'X=3y3' for '--shape <VAR=SHAPE>'"))
        .stderr(contains("cannot read `3y3` as a shape"));
    matcalc()
        .args(["grad", "sum(X)", "--wrt", "X", "--shape", "X3x3"])
        .assert()
        .code(2)
        .stderr(contains("expected VAR=SHAPE"));
}

#[test]
fn other_usage_errors_exit_2() {
    matcalc()
        .args(["grad", "sum(X)", "--wrt", "Z"])
        .assert()
        .code(2)
        .stderr(contains(
            "`Z` is not a variable of the expression; its variables are X",
        ));
    matcalc().args(["grad", "sum(X)"]).assert().code(2);
    matcalc().args(["differentiate", "sum(X)"]).assert().code(2);
}

#[test]
fn help_has_examples() {
    matcalc()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Examples:"))
        .stdout(contains(
            "matcalc grad 'sum(X * Y)' --wrt X --shape X=3x3 --shape Y=3x2",
        ));
    for sub in ["grad", "jacobian", "hessian"] {
        matcalc()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(contains("Examples:"))
            .stdout(contains(format!("matcalc {sub} '")));
    }
}

/// The code `--rust` prints compiles (and runs) against matcalc: written under the target
/// directory with a `main` appended, then built as a trybuild pass case.
#[test]
fn rust_output_compiles() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-rust");
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[&str], &str); 2] = [
        (
            "seed_grad",
            SEED,
            "let x = Matrix::<U3, U3>::identity();\n    let y = Matrix::<U3, U2>::ones();\n    \
             let (v, g) = f_grad(&x, &y);\n    assert_eq!(v, f(&x, &y));\n    \
             assert_eq!(g[(0, 0)], 2.0);",
        ),
        (
            "generic_grad",
            &[
                "norm_sq(W * x - y)",
                "--wrt",
                "W",
                "--shape",
                "W=M x N",
                "--shape",
                "x=N",
                "--shape",
                "y=M",
            ],
            "let w = Matrix::<U2, U3>::ones();\n    let x = Vector::<U3>::ones();\n    \
             let y = Vector::<U2>::zeros();\n    let (v, _g) = f_grad(&w, &x, &y);\n    \
             assert_eq!(v, 18.0);",
        ),
    ];
    let t = trybuild::TestCases::new();
    for (name, args, main) in cases {
        let output = matcalc()
            .arg("grad")
            .args(args)
            .arg("--rust")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let code = String::from_utf8(output.stdout).unwrap();
        assert!(code.contains("fn f_grad"), "{code}");
        let path = dir.join(format!("{name}.rs"));
        std::fs::write(&path, format!("{code}\nfn main() {{\n    {main}\n}}\n")).unwrap();
        t.pass(path);
    }
}

/// Entries and assembly on the command line, also an expression starting with `-`; `--check`
/// compares with finite differences.
#[test]
fn entries_and_assembly() {
    matcalc()
        .args([
            "jacobian",
            "matrix![-p[0] / p[2]; -p[1] / p[2]]",
            "--wrt",
            "p",
        ])
        .args(["--shape", "p=3x1"])
        .assert()
        .success()
        .stdout(contains("(2×3)"));
    matcalc()
        .args([
            "grad",
            "-p[0] / p[2] + sum(vstack(p, p).row(4))",
            "--wrt",
            "p",
        ])
        .args(["--shape", "p=3x1", "--check"])
        .assert()
        .success()
        .stdout(contains("check passed"));
    matcalc()
        .args(["grad", "x[3]", "--wrt", "x", "--shape", "x=3x1"])
        .assert()
        .code(1)
        .stderr(contains("index 3 is out of range"));
}

// ---- products: vjp, jvp, hvp (the Jacobian or Hessian is never formed) ----

#[test]
fn vjp_of_a_layer_is_a_matrix_expression() {
    matcalc()
        .args([
            "vjp",
            "tanh(W * x + b)",
            "--wrt",
            "W",
            "--shape",
            "W=4x3",
            "--shape",
            "x=3",
            "--check",
        ])
        .assert()
        .success()
        .stdout(contains(
            "∂⟨cotangent, tanh(W x + b)⟩/∂W = (cotangent ⊙ (𝟙 − tanh(W x + b)∘²)) xᵀ  (4×3)",
        ))
        .stdout(contains("where cotangent is 4×1, a free direction"))
        .stdout(contains("vjp in W: largest").and(contains("check passed")));
}

#[test]
fn jvp_with_generic_shapes() {
    matcalc()
        .args([
            "jvp",
            "X * X.t()",
            "--wrt",
            "X",
            "--shape",
            "X=m x n",
            "--check",
        ])
        .assert()
        .success()
        .stdout(contains(
            "d(X Xᵀ)[dX = tangent] = tangent Xᵀ + X tangentᵀ  (m×m)",
        ))
        .stdout(contains("jvp in X: largest").and(contains("check passed")));
}

#[test]
fn hvp_of_the_logistic_loss() {
    matcalc()
        .args([
            "hvp",
            "sum(softplus(A * w)) - dot(y, A * w)",
            "--wrt",
            "w",
            "--shape",
            "A=10x3",
            "--shape",
            "w=3",
            "--check",
        ])
        .assert()
        .success()
        .stdout(contains("= Aᵀ (σ(A w) ⊙ (𝟙 − σ(A w)) ⊙ (A v))  (3×1)"))
        .stdout(contains("H v in w: largest").and(contains("check passed")));
}

#[test]
fn product_misuse_is_reported() {
    // H v needs a scalar expression.
    matcalc()
        .args(["hvp", "W * x", "--wrt", "x", "--shape", "W=2x3"])
        .assert()
        .code(1)
        .stderr(contains("`matcalc hvp` needs a scalar expression"));
    // One direction: one --wrt.
    matcalc()
        .args([
            "vjp", "W * x", "--wrt", "x", "--wrt", "W", "--shape", "W=2x3",
        ])
        .assert()
        .code(2)
        .stderr(contains("`matcalc vjp` takes one --wrt variable"));
}

#[test]
fn product_rust_code_has_the_direction_parameter() {
    matcalc()
        .args([
            "jvp",
            "inv(X) * Y",
            "--wrt",
            "X",
            "--shape",
            "X=3x3",
            "--shape",
            "Y=3x2",
            "--rust",
        ])
        .assert()
        .success()
        .stdout(contains("fn f_jvp("))
        .stdout(contains("tangent: &Matrix<U3, U3>"))
        .stdout(contains("const F_JVP_FORMULA"));
}
