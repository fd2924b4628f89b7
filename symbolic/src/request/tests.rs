use super::*;
use crate::print;

fn matrix(r: usize, c: usize) -> Shape {
    Shape::Matrix(Dim::Known(r), Dim::Known(c))
}

fn shape_of(p: &Prepared, name: &str) -> Shape {
    p.variables
        .iter()
        .find(|v| v.name == name)
        .unwrap()
        .shape
        .clone()
}

#[test]
fn declared_shapes_give_the_seed_function() {
    let declared = [
        ("X".to_string(), matrix(3, 3)),
        ("Y".to_string(), matrix(3, 2)),
    ];
    let p = prepare("sum(X * Y)", &declared, "f", true).unwrap();
    assert_eq!(p.graph.shape(p.value), &Shape::Scalar);
    assert_eq!(print::unicode(&p.graph, p.value), "sum(X Y)");
    let item = quote::ToTokens::to_token_stream(&p.item).to_string();
    assert!(item.contains("X : & Matrix < U3 , U3 >"), "{item}");
    assert!(item.contains("-> f64"), "{item}");
}

#[test]
fn undeclared_shapes_are_inferred_from_the_expression() {
    let declared = [("X".to_string(), matrix(3, 3))];
    let p = prepare("sum(X * Y)", &declared, "f", true).unwrap();
    assert_eq!(
        shape_of(&p, "Y"),
        Shape::Matrix(Dim::Known(3), Dim::Named("Y_cols".into()))
    );
    assert_eq!(p.dims, vec!["Y_cols".to_string()]);
    assert!(!p.variables[1].declared);
}

#[test]
fn a_scalar_result_makes_a_quadratic_form_vector() {
    let declared = [("A".to_string(), matrix(3, 3))];
    let p = prepare("x.t() * A * x", &declared, "q", true).unwrap();
    assert_eq!(shape_of(&p, "x"), matrix(3, 1));
    assert_eq!(p.graph.shape(p.value), &Shape::Scalar);
}

#[test]
fn nothing_declared_leaves_generic_dimensions() {
    let p = prepare("tr(X * Y)", &[], "f", true).unwrap();
    assert_eq!(p.dims.len(), 2, "{:?}", p.dims);
    assert_eq!(p.graph.shape(p.value), &Shape::Scalar);
}

#[test]
fn let_bindings_are_not_variables() {
    let p = prepare("let r = W * x - y; norm_sq(r)", &[], "f", true).unwrap();
    let names: Vec<&str> = p.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["W", "x", "y"]);
}

#[test]
fn mismatches_point_into_the_expression() {
    let declared = [
        ("X".to_string(), matrix(3, 3)),
        ("Y".to_string(), matrix(2, 3)),
    ];
    let errors = prepare("sum(X * Y)", &declared, "f", true).err().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].range, Some(4..9), "{:?}", errors[0]);
    assert!(errors[0].message.contains("3×3"), "{}", errors[0].message);
}

#[test]
fn unknown_functions_and_syntax_errors_point_into_the_expression() {
    let errors = prepare("2 * frob(X)", &[], "f", true).err().unwrap();
    assert_eq!(errors[0].range, Some(4..8), "{:?}", errors[0]);
    assert!(errors[0].message.contains("unknown function"));
    let errors = prepare("X * * Y", &[], "f", true).err().unwrap();
    assert_eq!(errors[0].range.as_ref().map(|r| r.start), Some(4));
}

#[test]
fn unicode_in_the_expression_keeps_byte_ranges() {
    let errors = prepare("/* é */ foo(X)", &[], "f", true).err().unwrap();
    assert_eq!(errors[0].range, Some(9..12), "{:?}", errors[0]);
}

#[test]
fn the_adjoint_chain_of_the_seed_ends_at_the_gradient() {
    let declared = [
        ("X".to_string(), matrix(3, 3)),
        ("Y".to_string(), matrix(3, 2)),
    ];
    let mut p = prepare("sum(X * Y)", &declared, "f", true).unwrap();
    let chain = crate::diff::adjoint_chain(&mut p.graph, p.value, &[0]);
    let printed: Vec<(String, String)> = chain
        .iter()
        .map(|&(n, a)| (print::unicode(&p.graph, n), print::unicode(&p.graph, a)))
        .collect();
    let gradient = crate::diff::gradient(&mut p.graph, p.value, &[0])[0];
    assert_eq!(chain.last().unwrap().1, gradient);
    assert_eq!(
        printed.last().unwrap(),
        &("X".to_string(), "𝟙 Yᵀ".to_string())
    );
    assert_eq!(printed[0].1, "1");
}

#[test]
fn softmax_inference_follows_the_checkers_vector_rule() {
    // Undeclared: inferred a column, as the checker's rule allows.
    let p = prepare("sum(softmax(x))", &[], "f", true).unwrap();
    assert_eq!(
        shape_of(&p, "x"),
        Shape::Matrix(Dim::Named("x_rows".into()), Dim::Known(1))
    );
    // A declared row stays a row; a declared matrix is the checker's error.
    let p = prepare(
        "sum(softmax(w))",
        &[("w".to_string(), matrix(1, 3))],
        "f",
        true,
    )
    .unwrap();
    assert_eq!(shape_of(&p, "w"), matrix(1, 3));
    let errors = prepare(
        "sum(softmax(X))",
        &[("X".to_string(), matrix(3, 2))],
        "f",
        true,
    )
    .err()
    .unwrap();
    assert!(errors[0].message.contains("softmax_cols"), "{errors:?}");
}

#[test]
fn inference_runs_the_checkers_rules_so_solve_and_constants_shape_their_operands() {
    // solve(A, b): the rule makes A square with b's row count.
    let declared = [("b".to_string(), matrix(4, 1))];
    let p = prepare("sum(solve(A, b))", &declared, "f", true).unwrap();
    assert_eq!(shape_of(&p, "A"), matrix(4, 4));
    // `eye()` is square, so an undeclared matrix multiplied entrywise by it is square too.
    let p = prepare("sum(hadamard(X, eye()))", &[], "f", true).unwrap();
    let (rows, cols) = shape_of(&p, "X").dims();
    assert_eq!(rows, cols);
    assert_eq!(p.dims.len(), 1, "{:?}", p.dims);
}
