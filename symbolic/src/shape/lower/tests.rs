//! Tests of `lower`: shapes of lowered graphs, the scalar/matrix conventions, constants whose
//! shape comes from context, and the exact wording of every kind of shape error.

use syn::parse_quote;

use super::{lower, Lowered};
use crate::ir::{Dim, Graph, NodeId, Op, Shape};
use crate::parse;

fn lowered(item: syn::ItemFn) -> Lowered {
    let f = parse::function(&item).unwrap_or_else(|e| panic!("parse failed: {e}"));
    match lower(&f) {
        Ok(lowered) => lowered,
        Err(e) => panic!(
            "unexpected errors: {:#?}",
            e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>()
        ),
    }
}

fn errors(item: syn::ItemFn) -> Vec<String> {
    let f = parse::function(&item).unwrap_or_else(|e| panic!("parse failed: {e}"));
    match lower(&f) {
        Ok(_) => panic!("expected shape errors"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// The only error of `item`, exactly.
fn error(item: syn::ItemFn, expected: &str) {
    assert_eq!(errors(item), [expected]);
}

/// The value as an s-expression with its shape: `(MatMul X Y):3×2`.
fn show(item: syn::ItemFn) -> String {
    let l = lowered(item);
    format!("{}:{}", sexp(&l.graph, l.value), l.graph.shape(l.value))
}

fn sexp(g: &Graph, id: NodeId) -> String {
    let op = g.op(id);
    match op {
        Op::Param(i) => return g.params[*i].name.clone(),
        Op::Literal(_) => return format!("{:?}", op.literal_value().unwrap_or(f64::NAN)),
        Op::Identity(n) => return format!("I{n}"),
        Op::Ones(r, c) => return format!("Ones{r}×{c}"),
        Op::Zeros(r, c) => return format!("Zeros{r}×{c}"),
        _ => {}
    }
    let debug = format!("{op:?}");
    let head = debug.split('(').next().unwrap_or_default().to_string();
    let head = match op {
        Op::Map(func, _) => format!("{func:?}"),
        Op::MatPow(_, k) => format!("MatPow{k}"),
        _ => head,
    };
    let args: Vec<String> = op.args().into_iter().map(|a| sexp(g, a)).collect();
    format!("({head} {})", args.join(" "))
}

#[test]
fn least_squares_loss() {
    let item = parse_quote! {
        fn loss(W: &Matrix<U3, U4>, x: &Vector<U4>, y: &Vector<U3>) -> f64 { 0.5 * norm_sq(W * x - y) }
    };
    assert_eq!(show(item), "(Mul 0.5 (NormSq (Sub (MatMul W x) y))):scalar");
}

#[test]
fn parameters_come_first_in_the_graph() {
    let l = lowered(parse_quote! { fn f(s: f64, X: &Matrix<U2, U3>) -> Matrix<U2, U3> { X * s } });
    assert_eq!(l.graph.op(NodeId(0)), &Op::Param(0));
    assert_eq!(l.graph.op(NodeId(1)), &Op::Param(1));
    assert_eq!(
        l.graph.params[1].shape,
        Shape::matrix(Dim::Known(2), Dim::Known(3))
    );
    assert_eq!(sexp(&l.graph, l.value), "(Scale s X)");
}

#[test]
fn generic_shapes() {
    let item = parse_quote! {
        fn f<M: Dim, K: Dim, N: Dim>(X: &Matrix<M, K>, Y: &Matrix<K, N>) -> Matrix<N, M> { (X * Y).t() }
    };
    assert_eq!(show(item), "(Transpose (MatMul X Y)):N×M");
    let item = parse_quote! {
        fn f<M: Dim, N: Dim>(A: &Matrix<M, N>, B: &Matrix<U2, U3>) -> Matrix<M, N> { A }
    };
    assert_eq!(show(item), "A:M×N");
    let l = lowered(parse_quote! {
        fn f<M: Dim, N: Dim>(A: &Matrix<M, N>, B: &Matrix<U2, U3>) { vec(kron(A, B)) }
    });
    let m = Dim::Named("M".into());
    let n = Dim::Named("N".into());
    let rows = Dim::product(
        &Dim::product(&m, &Dim::Known(2)),
        &Dim::product(&n, &Dim::Known(3)),
    );
    assert_eq!(l.graph.shape(l.value), &Shape::matrix(rows, Dim::Known(1)));
}

#[test]
fn quadratic_form_is_a_scalar() {
    let item = parse_quote! { fn q(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 { x.t() * A * x } };
    assert_eq!(
        show(item),
        "(ToScalar (MatMul (MatMul (Transpose x) A) x)):scalar"
    );
    // Without a declared scalar return type the 1×1 matrix stays a matrix.
    let item = parse_quote! { fn q(x: &Vector<U3>, A: &Matrix<U3, U3>) { x.t() * A * x } };
    assert_eq!(show(item), "(MatMul (MatMul (Transpose x) A) x):1×1");
}

#[test]
fn one_by_one_factor_scales() {
    let item = parse_quote! { fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> Matrix<U3, U3> { (x.t() * x) * A } };
    assert_eq!(
        show(item),
        "(Scale (ToScalar (MatMul (Transpose x) x)) A):3×3"
    );
    let item = parse_quote! { fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> Matrix<U3, U3> { A * (x.t() * x) } };
    assert_eq!(
        show(item),
        "(Scale (ToScalar (MatMul (Transpose x) x)) A):3×3"
    );
    // A 1×1 factor that fits the product stays a product.
    let item = parse_quote! { fn f(x: &Vector<U3>) -> Vector<U3> { x * (x.t() * x) } };
    assert_eq!(show(item), "(MatMul x (MatMul (Transpose x) x)):3×1");
}

#[test]
fn scalar_products_and_scaling() {
    let item = parse_quote! { fn f(s: f64, t: f64) -> f64 { s * t } };
    assert_eq!(show(item), "(Mul s t):scalar");
    // Scalar first, whatever the order written; hash-consing makes both one node.
    let l = lowered(
        parse_quote! { fn f(s: f64, A: &Matrix<U2, U2>) -> Matrix<U2, U2> { s * A - A * s } },
    );
    // Lowering simplifies like `diff` does, so the two equal terms cancel.
    assert_eq!(sexp(&l.graph, l.value), "Zeros2×2");
}

#[test]
fn a_scalar_operand_of_plus_and_minus_adds_to_every_entry() {
    let cases: Vec<(syn::ItemFn, &str)> = vec![
        (
            parse_quote! { fn f(s: f64, A: &Matrix<U3, U2>) -> Matrix<U3, U2> { s - A } },
            "(Sub (Scale s Ones3×2) A):3×2",
        ),
        (
            parse_quote! { fn f(s: f64, A: &Matrix<U3, U2>) -> Matrix<U3, U2> { A - s } },
            "(Sub A (Scale s Ones3×2)):3×2",
        ),
        (
            parse_quote! { fn f(x: &Vector<U3>) -> Vector<U3> { x + 1.0 } },
            "(Add x Ones3×1):3×1",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U2>) -> Matrix<U2, U2> { 1.0 - A } },
            "(Sub Ones2×2 A):2×2",
        ),
    ];
    for (item, expected) in cases {
        assert_eq!(show(item), expected);
    }
}

#[test]
fn scalars_and_one_by_one_matrices_mix() {
    let item = parse_quote! { fn f(x: &Vector<U3>, s: f64) -> f64 { x.t() * x + s } };
    assert_eq!(
        show(item),
        "(Add (ToScalar (MatMul (Transpose x) x)) s):scalar"
    );
    let item = parse_quote! { fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> Matrix<U3, U3> { A / (x.t() * x) } };
    assert_eq!(
        show(item),
        "(Div A (ToScalar (MatMul (Transpose x) x))):3×3"
    );
    let item = parse_quote! { fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> Matrix<U3, U3> { powf(A, x.t() * x) } };
    assert_eq!(
        show(item),
        "(Powf A (ToScalar (MatMul (Transpose x) x))):3×3"
    );
    let item = parse_quote! { fn f(s: f64) -> Matrix<U1, U1> { s } };
    assert_eq!(show(item), "(FromScalar s):1×1");
    let item = parse_quote! { fn f(s: f64) -> f64 { s.t() / 2 } };
    assert_eq!(show(item), "(Div s 2.0):scalar");
}

#[test]
fn functions_and_their_shapes() {
    let cases: Vec<(syn::ItemFn, &str)> = vec![
        (
            parse_quote! { fn f(A: &Matrix<U3, U3>) -> f64 { tr(A) + det(A) + logdet(A) } },
            "(Add (Add (Trace A) (Det A)) (Logdet A)):scalar",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U3, U2>) { diagonal(A.t() * A) } },
            "(Diagonal (MatMul (Transpose A) A)):2×1",
        ),
        (
            parse_quote! { fn f(v: &Vector<U4>) { diag(softmax(v)) } },
            "(Diag (Softmax v)):4×4",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>, B: &Matrix<U4, U5>) { kron(A, B) } },
            "(Kron A B):8×15",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>) { vec(A) } },
            "(Vec A):6×1",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U2>) { matpow(inv(A), -2) } },
            "(MatPow-2 (Inv A)):2×2",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>) { exp(A).powi(2) } },
            "(Powi(2) (Exp A)):2×3",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>, B: &Matrix<U2, U3>) -> f64 { dot(A, B) + logsumexp(A) } },
            "(Add (Dot A B) (Logsumexp A)):scalar",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>, B: &Matrix<U2, U3>) { elem_div(hadamard(A, B), B) } },
            "(ElemDiv (Hadamard A B) B):2×3",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { sigmoid(-s) } },
            "(Sigmoid (Neg s)):scalar",
        ),
    ];
    for (item, expected) in cases {
        assert_eq!(show(item), expected);
    }
}

#[test]
fn lets_are_lowered_once() {
    let l = lowered(parse_quote! {
        fn f(W: &Matrix<U3, U4>, x: &Vector<U4>) -> f64 { let h = W * x; let h2: Vector<U3> = h; dot(h, h2) + sum(W * x) }
    });
    let products = (0..l.graph.len())
        .filter(|&i| matches!(l.graph.op(NodeId(i as u32)), Op::MatMul(..)))
        .count();
    assert_eq!(products, 1);
    assert_eq!(
        sexp(&l.graph, l.value),
        "(Add (NormSq (MatMul W x)) (Sum (MatMul W x)))"
    );
}

#[test]
fn constants_take_their_shape_from_context() {
    // Lowering builds through the rewriting constructor, so a constant often shows only in the
    // simplified form it leaves (`eye() * X → X`, `ones() * X → 𝟙 X` with 𝟙 of the right shape).
    let cases: Vec<(syn::ItemFn, &str)> = vec![
        (
            parse_quote! { fn f(A: &Matrix<U3, U3>) -> Matrix<U3, U3> { A + eye() } },
            "(Add A I3):3×3",
        ),
        (
            parse_quote! { fn f(X: &Matrix<U3, U2>) -> Matrix<U3, U2> { eye() * X } },
            "X:3×2",
        ),
        (
            parse_quote! { fn f(X: &Matrix<U3, U2>) -> Matrix<U3, U2> { X * eye() } },
            "X:3×2",
        ),
        (
            parse_quote! { fn f(X: &Matrix<U3, U2>) -> Matrix<U4, U2> { ones() * X } },
            "(MatMul Ones4×3 X):4×2",
        ),
        (
            parse_quote! { fn f(s: f64) -> Matrix<U2, U3> { s * ones() } },
            "(Scale s Ones2×3):2×3",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>) -> f64 { dot(ones(), A) } },
            "(Sum A):scalar",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>) { hadamard(A, zeros()) } },
            "Zeros2×3:2×3",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U2>) { 2.0 * eye() - A } },
            "(Sub (Scale 2.0 I2) A):2×2",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U2>) { -eye() + exp(zeros()) + A } },
            "(Add (Sub (Exp Zeros2×2) I2) A):2×2",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U3>) { A + ones().t() * 2 } },
            "(Add A (Scale 2.0 Ones2×3)):2×3",
        ),
        (
            parse_quote! { fn f(x: &Vector<U3>) -> f64 { x.t() * ones() } },
            "(ToScalar (MatMul (Transpose x) Ones3×1)):scalar",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s + ones() - zeros() } },
            "(Add s 1.0):scalar",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U2>) { let I: Matrix<U2, U2> = eye(); A * I } },
            "A:2×2",
        ),
        (
            parse_quote! { fn f<N: Dim>(A: &Matrix<N, N>) { inv(A + eye()) } },
            "(Inv (Add A IN)):N×N",
        ),
        (
            parse_quote! { fn f(v: &Vector<U3>) -> Matrix<U3, U3> { diag(ones()) } },
            "I3:3×3",
        ),
    ];
    for (item, expected) in cases {
        assert_eq!(show(item), expected);
    }
}

#[test]
fn constants_without_context() {
    let message = "cannot infer the shape of `ones()` here; its shape comes from context: use it as an \
                   operand of `+`, `-`, `hadamard`, `elem_div` or `dot` with a matrix of known shape, as \
                   a factor of a product (`eye() * X`), or as the value of a function or `let` with a \
                   declared type";
    error(
        parse_quote! { fn f(s: f64) -> f64 { sum(ones()) } },
        message,
    );
    error(
        parse_quote! { fn f(X: &Matrix<U2, U3>) { ones() * X } },
        message,
    );
    error(parse_quote! { fn f(s: f64) { let o = ones(); s } }, message);
    assert!(
        errors(parse_quote! { fn f(s: f64) -> f64 { tr(eye()) } })[0]
            .starts_with("cannot infer the shape of `eye()` here")
    );
    error(
        parse_quote! { fn f(s: f64) -> Matrix<U2, U3> { eye() } },
        "`eye()` would have to be 2×3 here, but an identity matrix is square",
    );
}

#[test]
fn shape_mismatch_messages() {
    let cases: Vec<(syn::ItemFn, &str)> = vec![
        (
            parse_quote! { fn f(X: &Matrix<U3, U3>, Y: &Matrix<U2, U3>) { X * Y } },
            "shape mismatch in `X * Y`: left is 3×3, right is 2×3; inner dimensions 3 and 2 differ",
        ),
        (
            parse_quote! { fn f<M: Dim, N: Dim, K: Dim>(X: &Matrix<M, K>, Y: &Matrix<N, K>) { X * Y } },
            "shape mismatch in `X * Y`: left is M×K, right is N×K; inner dimensions K and N differ",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U3, U2>, B: &Matrix<U2, U3>) { (A + B) * 2 } },
            "shape mismatch in `A + B`: left is 3×2, right is 2×3; the shapes must be equal",
        ),
        (
            parse_quote! { fn f(s: f64, A: &Matrix<U3, U3>) { hadamard(s, A) } },
            "shape mismatch in `hadamard(s, A)`: left is scalar, right is 3×3; the shapes must be equal",
        ),
        (parse_quote! { fn f(A: &Matrix<U3, U2>) -> f64 { tr(A) } }, "`tr` needs a square matrix: the operand `A` is 3×2"),
        (parse_quote! { fn f(A: &Matrix<U3, U2>) -> f64 { A.det() } }, "`det` needs a square matrix: the operand `A` is 3×2"),
        (parse_quote! { fn f(s: f64) -> f64 { inv(s) } }, "`inv` needs a matrix: the operand `s` is a scalar"),
        (parse_quote! { fn f(A: &Matrix<U3, U3>, B: &Matrix<U3, U3>) { A / B } }, "`/` needs a scalar (or a 1×1 matrix): the operand `B` is 3×3"),
        (parse_quote! { fn f(A: &Matrix<U2, U2>, B: &Matrix<U2, U2>) { powf(A, B) } }, "`powf` needs a scalar (or a 1×1 matrix): the operand `B` is 2×2"),
        (parse_quote! { fn f(A: &Matrix<U3, U2>) { diag(A) } }, "`diag` needs a column vector (n×1): the operand `A` is 3×2"),
        (parse_quote! { fn f(A: &Matrix<U3, U2>, s: f64) { kron(A, s) } }, "`kron` needs a matrix: the operand `s` is a scalar"),
        (
            parse_quote! { fn f(A: &Matrix<U3, U2>, B: &Matrix<U2, U2>) -> f64 { A.dot(&B) } },
            "shape mismatch in `A.dot(&B)`: left is 3×2, right is 2×2; the shapes must be equal",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U3, U2>, B: &Matrix<U2, U2>) { hadamard((A), B.t()) } },
            "shape mismatch in `hadamard((A), B.t())`: left is 3×2, right is 2×2; the shapes must be equal",
        ),
        (parse_quote! { fn f(A: &Matrix<U3, U2>) -> f64 { A * 2 } }, "the body is 3×2 but the function returns f64"),
        (parse_quote! { fn f(x: &Vector<U3>) -> Matrix<U3, U3> { x } }, "the body is 3×1 but the function returns Matrix 3×3"),
        (parse_quote! { fn f(x: &Vector<U3>) -> Matrix<U3, U3> { x.t() * x } }, "the body is 1×1 but the function returns Matrix 3×3"),
        (parse_quote! { fn f(s: f32) -> Matrix<U3, U3, f32> { s } }, "the body is a scalar but the function returns Matrix 3×3"),
        (parse_quote! { fn f(x: &Vector<U3>) -> f64 { let h: Matrix<U3, U3> = x; 1.0 } }, "`h` is 3×1 but its declared type is Matrix 3×3"),
    ];
    for (item, expected) in cases {
        error(item, expected);
    }
}

#[test]
fn only_root_causes_are_reported() {
    // `tr` of the failed product and the uses of the failed `let` fail silently.
    let item = parse_quote! {
        fn f(X: &Matrix<U3, U3>, Y: &Matrix<U2, U3>) -> f64 { let p = X * Y; tr(p) + sum(p) + tr(X * Y) }
    };
    assert_eq!(
        errors(item),
        [
            "shape mismatch in `X * Y`: left is 3×3, right is 2×3; inner dimensions 3 and 2 differ",
            "shape mismatch in `X * Y`: left is 3×3, right is 2×3; inner dimensions 3 and 2 differ",
        ]
    );
}

#[test]
fn independent_errors_are_all_reported() {
    let item = parse_quote! {
        fn f(A: &Matrix<U3, U2>, B: &Matrix<U2, U2>, s: f64) -> Matrix<U3, U3> {
            let a = tr(A);
            let b = A + B;
            let c = dot(A * B, B) + sum(ones());
            s * A
        }
    };
    assert_eq!(
        errors(item),
        [
            "`tr` needs a square matrix: the operand `A` is 3×2",
            "shape mismatch in `A + B`: left is 3×2, right is 2×2; the shapes must be equal",
            "shape mismatch in `dot(A * B, B)`: left is 3×2, right is 2×2; the shapes must be equal",
            "cannot infer the shape of `ones()` here; its shape comes from context: use it as an operand of \
             `+`, `-`, `hadamard`, `elem_div` or `dot` with a matrix of known shape, as a factor of a \
             product (`eye() * X`), or as the value of a function or `let` with a declared type",
            "the body is 3×2 but the function returns Matrix 3×3",
        ]
    );
}

#[test]
fn a_constant_beside_a_failed_operand_adds_no_error() {
    let item = parse_quote! {
        fn f(X: &Matrix<U3, U3>, Y: &Matrix<U2, U3>) { X * Y + ones() }
    };
    assert_eq!(errors(item).len(), 1);
}

#[test]
fn softmax_takes_a_vector_and_names_the_batch_forms_otherwise() {
    let column = parse_quote! { fn f(v: &Vector<U3>) -> Vector<U3> { softmax(v) } };
    assert_eq!(show(column), "(Softmax v):3×1");
    let row = parse_quote! { fn f(w: &Matrix<U1, U3>) -> Matrix<U1, U3> { softmax(w) } };
    assert_eq!(show(row), "(Softmax w):1×3");
    error(
        parse_quote! { fn f(X: &Matrix<U3, U2>) -> Matrix<U3, U2> { softmax(X) } },
        "`softmax` takes a vector, but the operand is 3×2; for a batch use `softmax_cols` (each \
         column) or `softmax_rows` (each row): `X` is 3×2",
    );
    let generic = parse_quote! { fn f<M: Dim, N: Dim>(X: &Matrix<M, N>) { softmax(X) } };
    assert!(errors(generic)[0].contains("softmax_cols"));
}

#[test]
fn new_elementwise_functions_atan2_and_mean() {
    for name in ["log1p", "expm1", "sinh", "cosh", "asin", "acos", "atan"] {
        let f: syn::Ident = syn::parse_str(name).unwrap();
        let item = parse_quote! { fn g(X: &Matrix<U2, U3>) -> Matrix<U2, U3> { #f(X) } };
        assert_eq!(
            show(item),
            format!("({} X):2×3", {
                let mut c = name.chars();
                c.next()
                    .unwrap()
                    .to_uppercase()
                    .chain(c)
                    .collect::<String>()
            })
        );
    }
    let item = parse_quote! { fn g(Y: &Matrix<U2, U3>, X: &Matrix<U2, U3>) -> Matrix<U2, U3> { atan2(Y, X) } };
    assert_eq!(show(item), "(Atan2 Y X):2×3");
    error(
        parse_quote! { fn g(Y: &Matrix<U2, U3>, X: &Matrix<U3, U2>) { atan2(Y, X) } },
        "shape mismatch in `atan2(Y, X)`: left is 2×3, right is 3×2; the shapes must be equal",
    );
    let item = parse_quote! { fn g(X: &Matrix<U2, U3>) -> f64 { mean(X) } };
    assert_eq!(show(item), "(Div (Sum X) 6.0):scalar");
}
