//! Tests of `parse`: every construct of the DSL, and every class of error with its message.

use syn::parse_quote;

use super::function;
use crate::ast::{BinaryOp, Call, ConstantKind, Expr, ExprKind, Function};
use crate::ir::{Dim, Func, ScalarType, Shape};

fn parse(item: syn::ItemFn) -> Function {
    function(&item).unwrap_or_else(|e| panic!("unexpected errors: {:?}", messages_of(e)))
}

fn messages_of(error: syn::Error) -> Vec<String> {
    error.into_iter().map(|e| e.to_string()).collect()
}

fn errors(item: syn::ItemFn) -> Vec<String> {
    match function(&item) {
        Ok(_) => panic!("expected errors"),
        Err(e) => messages_of(e),
    }
}

/// The only error of `item`, which must contain `expected`.
fn error(item: syn::ItemFn, expected: &str) {
    let all = errors(item);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert!(
        all[0].contains(expected),
        "`{}` does not contain `{expected}`",
        all[0]
    );
}

/// An s-expression of `e` with names resolved, for compact assertions.
fn sexp(f: &Function, e: &Expr) -> String {
    let list = |head: String, args: &[&Expr]| {
        let args: Vec<String> = args.iter().map(|a| sexp(f, a)).collect();
        format!("({head} {})", args.join(" "))
    };
    match &e.kind {
        ExprKind::Param(i) => f.params[*i].name.clone(),
        ExprKind::Local(i) => format!("{}#{i}", f.lets[*i].name),
        ExprKind::Literal(v) => format!("{v:?}"),
        ExprKind::Constant(c) => format!("{c:?}"),
        ExprKind::NamedConst(path, None) => format!("const {path}"),
        ExprKind::NamedConst(path, Some(v)) => format!("{path}={v:?}"),
        ExprKind::Neg(a) => list("neg".into(), &[a]),
        ExprKind::Binary(op, a, b) => {
            let op = match op {
                BinaryOp::Add => "+",
                BinaryOp::Sub => "-",
                BinaryOp::Mul => "*",
                BinaryOp::Div => "/",
            };
            list(op.into(), &[a, b])
        }
        ExprKind::Call(call, args) => list(format!("{call:?}"), &args.iter().collect::<Vec<_>>()),
        ExprKind::Part(a, part) => {
            let head = match part {
                crate::ast::Part::Entry(i) => format!("entry {}", i.value),
                crate::ast::Part::EntryAt(i, j) => format!("entry {} {}", i.value, j.value),
                crate::ast::Part::Block { name, row, col, .. } => {
                    format!("{name} {} {}", row.value, col.value)
                }
            };
            list(head, &[a])
        }
        ExprKind::Assemble(kind, rows) => {
            let rows: Vec<String> = rows
                .iter()
                .map(|r| r.iter().map(|e| sexp(f, e)).collect::<Vec<_>>().join(" "))
                .collect();
            format!("({kind:?} {})", rows.join("; "))
        }
        ExprKind::Outside(i) => format!("outside {}", f.outside[*i].name),
        ExprKind::Invoke(i, args) => list(
            format!("call {}", f.callees[*i].name),
            &args.iter().collect::<Vec<_>>(),
        ),
    }
}

#[test]
fn entries_views_and_assembly_parse() {
    let f = parse(parse_quote! {
        fn f(x: &Vector<U4>, A: &Matrix<U3, U3>) -> f64 {
            let v = matrix![x[1 + 2], A[(0, 2 * 1)]; A.row(1)[0], vstack(x, x)[7]];
            sum(A.fixed_view::<2, U2>(1, 0)) + sum(v)
        }
    });
    assert_eq!(
        sexp(&f, &f.lets[0].value),
        "(Grid (entry 3 x) (entry 0 2 A); (entry 0 (row 1 0 A)) (entry 7 (VStack x; x)))"
    );
    assert_eq!(sexp(&f, &f.body), "(+ (Sum (fixed_view 1 0 A)) (Sum v#0))");
}

#[test]
fn a_typed_let_of_a_rust_expression_is_outside_data() {
    let f = parse(parse_quote! {
        fn f(&self, w: &Vector<U3>) -> f64 {
            let X: Matrix<U2, U3> = self.data.X;
            let s: f64 = self.scale();
            sum(X * w) * s
        }
    });
    assert_eq!(f.outside.len(), 2);
    assert_eq!(sexp(&f, &f.lets[0].value), "outside X");
    assert_eq!(f.outside[1].tokens.to_string(), "self . scale ()");
}

fn body(item: syn::ItemFn) -> String {
    let f = parse(item);
    sexp(&f, &f.body)
}

fn matrix(rows: Dim, cols: Dim) -> Shape {
    Shape::Matrix(rows, cols)
}

#[test]
fn signature_with_known_dims() {
    let f = parse(parse_quote! {
        fn loss(W: &Matrix<U3, U4>, x: &Vector<U4>, y: matcalc::Vector<typenum::consts::U3>, s: f64) -> f64 {
            s
        }
    });
    assert_eq!(f.name, "loss");
    assert!(f.dims.is_empty());
    assert_eq!(f.scalar, ScalarType::F64);
    let summary: Vec<_> = f
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.shape.clone(), p.by_ref))
        .collect();
    assert_eq!(
        summary,
        [
            ("W", matrix(Dim::Known(3), Dim::Known(4)), true),
            ("x", matrix(Dim::Known(4), Dim::Known(1)), true),
            ("y", matrix(Dim::Known(3), Dim::Known(1)), false),
            ("s", Shape::Scalar, false),
        ]
    );
    assert_eq!(f.returns.map(|r| r.shape), Some(Shape::Scalar));
}

#[test]
fn signature_with_generic_dims_and_const_generic_typenum() {
    let f = parse(parse_quote! {
        fn f<'a, M: Dim, N: matcalc::Dim + Copy, K>(X: &'a Matrix<M, K>, Y: Matrix<K, U<17>>, mut z: Vector<typenum::U<5>>)
            -> Matrix<M, U<17>>
        where
            K: Dim,
        {
            X * Y
        }
    });
    assert_eq!(f.dims, ["M", "N", "K"]);
    let named = |s: &str| Dim::Named(s.into());
    assert_eq!(f.params[0].shape, matrix(named("M"), named("K")));
    assert_eq!(f.params[1].shape, matrix(named("K"), Dim::Known(17)));
    assert_eq!(f.params[2].shape, matrix(Dim::Known(5), Dim::Known(1)));
    assert_eq!(
        f.returns.map(|r| r.shape),
        Some(matrix(named("M"), Dim::Known(17)))
    );
}

#[test]
fn f32_functions() {
    let f = parse(parse_quote! {
        fn f(X: &Matrix<U2, U2, f32>, v: Vector<U2, f32>, s: f32) -> f32 { s * 2.0_f32 + 1f32 }
    });
    assert_eq!(f.scalar, ScalarType::F32);
    assert_eq!(sexp(&f, &f.body), "(+ (* s 2.0) 1.0)");
}

#[test]
fn no_return_type_or_unit() {
    assert!(parse(parse_quote! { fn f(s: f64) { s } }).returns.is_none());
    assert!(parse(parse_quote! { fn f(s: f64) -> () { s } })
        .returns
        .is_none());
}

#[test]
fn signature_errors() {
    error(
        parse_quote! { fn f<T>(s: f64) -> f64 { s } },
        "generic parameter `T` is not a dimension",
    );
    error(
        parse_quote! { fn f<const N: usize>(s: f64) -> f64 { s } },
        "const generic parameter `N` is not supported",
    );
    error(
        parse_quote! { fn f(X: &Matrix<U3, U3>, s: f32) -> f64 { s } },
        "`s` is f32 but `X` is f64: all parameters and the return type must use the same float type",
    );
    error(
        parse_quote! { fn f(s: f32) -> f64 { s } },
        "the return type is f64 but `s` is f32",
    );
    error(
        parse_quote! { fn f(X: &Vec<f64>) -> f64 { 1.0 } },
        "unsupported type `&Vec<f64>`: the matcalc DSL supports `&Matrix<R, C>`",
    );
    error(
        parse_quote! { fn f(X: &Matrix<U3, 3>) -> f64 { 1.0 } },
        "`3` is not a dimension: a dimension is a typenum constant",
    );
    error(
        parse_quote! { fn f(X: &Matrix<U3, N>) -> f64 { 1.0 } },
        "`N` is not a dimension",
    );
    error(
        parse_quote! { fn f(X: &Matrix<U0, U1>) -> f64 { 1.0 } },
        "dimensions must be at least 1",
    );
    error(
        parse_quote! { fn f(X: &Matrix<U2, U2, i32>) -> f64 { 1.0 } },
        "the element type of `Matrix` must be `f64` or `f32`",
    );
    error(
        parse_quote! { fn f(s: &f64) -> f64 { s } },
        "scalar parameters are taken by value: write `s: f64`",
    );
    error(
        parse_quote! { fn f((a, b): (f64, f64)) -> f64 { 1.0 } },
        "unsupported parameter pattern `(a, b)`",
    );
    error(
        parse_quote! { fn f(s: f64) -> &f64 { s } },
        "the return type must be a value, not a reference",
    );
    error(
        parse_quote! { async fn f(s: f64) -> f64 { s } },
        "`async fn` is not supported",
    );
}

#[test]
fn operators_precedence_and_parentheses() {
    let item = parse_quote! {
        fn f(A: &Matrix<U2, U2>, B: &Matrix<U2, U2>, C: &Matrix<U2, U2>) -> Matrix<U2, U2> {
            -(A + B) * C - A / 2 + -B
        }
    };
    assert_eq!(body(item), "(+ (- (* (neg (+ A B)) C) (/ A 2.0)) (neg B))");
}

#[test]
fn literals() {
    let f = parse(parse_quote! { fn f(s: f64) -> f64 { 2 * s + 0.5 + 2.0_f64 + 1e-3 + 1_000 } });
    assert_eq!(
        sexp(&f, &f.body),
        "(+ (+ (+ (+ (* 2.0 s) 0.5) 2.0) 0.001) 1000.0)"
    );
}

#[test]
fn every_function_by_name() {
    let f = parse(parse_quote! {
        fn f(A: &Matrix<U2, U2>, B: &Matrix<U2, U2>, v: &Vector<U2>, p: f64) -> f64 {
            let a = tr(A) + sum(A) + det(A) + logdet(A) + dot(A, B) + norm(A) + norm_sq(A);
            let b = sum(inv(A)) + sum(hadamard(A, B)) + sum(elem_div(A, B)) + sum(kron(A, B)) + sum(vec(A));
            let c = sum(diag(v)) + sum(diagonal(A)) + sum(softmax(v)) + logsumexp(A);
            let d = exp(p) + log(p) + sin(p) + cos(p) + tan(p) + tanh(p) + sqrt(p) + abs(p);
            let e = sigmoid(p) + softplus(p) + relu(p) + powi(p, 3) + powf(p, p) + sum(matpow(A, -2));
            let g = sum(eye() * A) + sum(ones() * A) + sum(zeros() * A);
            a + b + c + d + e + g
        }
    });
    let lets: Vec<String> = f.lets.iter().map(|l| sexp(&f, &l.value)).collect();
    assert_eq!(
        lets,
        [
            "(+ (+ (+ (+ (+ (+ (Trace A) (Sum A)) (Det A)) (Logdet A)) (Dot A B)) (Norm A)) (NormSq A))",
            "(+ (+ (+ (+ (Sum (Inv A)) (Sum (Hadamard A B))) (Sum (ElemDiv A B))) (Sum (Kron A B))) (Sum (Vec A)))",
            "(+ (+ (+ (Sum (Diag v)) (Sum (Diagonal v))) (Sum (Softmax v))) (Logsumexp A))"
                .replace("(Diagonal v)", "(Diagonal A)")
                .as_str(),
            "(+ (+ (+ (+ (+ (+ (+ (Map(Exp) p) (Map(Log) p)) (Map(Sin) p)) (Map(Cos) p)) (Map(Tan) p)) (Map(Tanh) p)) (Map(Sqrt) p)) (Map(Abs) p))",
            "(+ (+ (+ (+ (+ (Map(Sigmoid) p) (Map(Softplus) p)) (Map(Relu) p)) (Map(Powi(3)) p)) (Powf p p)) (Sum (MatPow(-2) A)))",
            "(+ (+ (Sum (* Eye A)) (Sum (* Ones A))) (Sum (* Zeros A)))",
        ]
    );
    assert_eq!(
        sexp(&f, &f.body),
        "(+ (+ (+ (+ (+ a#0 b#1) c#2) d#3) e#4) g#5)"
    );
}

#[test]
fn method_forms_references_and_paths() {
    let item = parse_quote! {
        fn f(A: &Matrix<U2, U2>, B: &Matrix<U2, U2>) -> f64 {
            A.t().tr() + A.dot(&B) + (&A).hadamard(&mut B).sum() + A.powi(2).sum() + A.abs().norm()
                + matcalc::dsl::tr(A) + A.powf(0.5).sum() + A.matpow(3).det()
        }
    };
    assert_eq!(
        body(item),
        "(+ (+ (+ (+ (+ (+ (+ (Trace (Transpose A)) (Dot A B)) (Sum (Hadamard A B))) (Sum (Map(Powi(2)) A))) \
         (Norm (Map(Abs) A))) (Trace A)) (Sum (Powf A 0.5))) (Det (MatPow(3) A)))"
    );
}

#[test]
fn lets_return_and_shadowing() {
    let f = parse(parse_quote! {
        fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
            let r: Vector<U3> = A * x;
            let mut r = r - x;
            let s: _ = norm_sq(r);
            return 0.5 * s;
        }
    });
    let names: Vec<_> = f.lets.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["r", "r", "s"]);
    assert_eq!(
        f.lets[0].declared.as_ref().map(|d| d.shape.clone()),
        Some(matrix(Dim::Known(3), Dim::Known(1)))
    );
    assert!(f.lets[2].declared.is_none());
    assert_eq!(sexp(&f, &f.lets[1].value), "(- r#0 x)");
    assert_eq!(sexp(&f, &f.body), "(* 0.5 s#2)");
}

#[test]
fn let_shadows_parameter() {
    let item = parse_quote! { fn f(s: f64) -> f64 { let s = s * s; s } };
    assert_eq!(body(item), "s#0");
}

#[test]
fn powi_exponent_forms() {
    let item = parse_quote! { fn f(s: f64) -> f64 { powi(s, -1) + powi(s, (2)) + s.powi(3_i32) } };
    assert_eq!(
        body(item),
        "(+ (+ (Map(Powi(-1)) s) (Map(Powi(2)) s)) (Map(Powi(3)) s))"
    );
}

#[test]
fn expression_text_and_constants() {
    let f = parse(parse_quote! {
        fn f(A: &Matrix<U2, U2>, B: &Matrix<U2, U2>) -> f64 { (A + B).t().dot(&ones()) * -tr(A * B) }
    });
    assert_eq!(f.body.text, "(A + B).t().dot(&ones()) * -tr(A * B)");
    let ExprKind::Binary(_, left, right) = &f.body.kind else {
        panic!("{:?}", f.body.kind)
    };
    assert_eq!(left.text, "(A + B).t().dot(&ones())");
    let ExprKind::Call(Call::Dot, args) = &left.kind else {
        panic!()
    };
    assert_eq!(args[0].text, "(A + B).t()");
    assert!(matches!(
        args[1].kind,
        ExprKind::Constant(ConstantKind::Ones)
    ));
    assert_eq!(args[1].text, "ones()");
    assert_eq!(right.text, "-tr(A * B)");
    assert!(matches!(&right.kind, ExprKind::Neg(inner) if inner.text == "tr(A * B)"));
    assert!(matches!(Call::Map(Func::Exp), Call::Map(_)));
}

#[test]
fn constants_are_literals_or_named() {
    let item = parse_quote! {
        fn f(s: f64) -> f64 { std::f64::consts::PI * s + E - crate::SCALE * SIGMA }
    };
    assert_eq!(
        body(item),
        format!(
            "(- (+ (* std::f64::consts::PI={:?} s) E={:?}) (* const crate::SCALE const SIGMA))",
            std::f64::consts::PI,
            std::f64::consts::E
        )
    );
}

#[test]
fn unknown_names() {
    error(
        parse_quote! { fn f(s: f64) -> f64 { foo(s) } },
        "unknown function `foo`: the matcalc DSL supports tr, sum, mean, det, logdet, inv, dot, norm, norm_sq, hadamard, elem_div, kron, vec, diag, diagonal, exp, log, sin, cos, tan, tanh, sqrt, abs, sigmoid, softplus, relu, log1p, expm1, sinh, cosh, asin, acos, atan, powi, powf, atan2, matpow, softmax, softmax_cols, softmax_rows, logsumexp, logsumexp_cols, logsumexp_rows, solve, cholesky, eye, ones, zeros",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { ln(s) } },
        "unknown function `ln` (did you mean `log`?)",
    );
    error(
        parse_quote! { fn f(A: &Matrix<U2, U2>) -> Matrix<U2, U2> { A.transpose() } },
        "unknown method `.transpose()` (did you mean `t`?): the matcalc DSL supports the methods t, tr,",
    );
    error(
        parse_quote! { fn f(A: &Matrix<U2, U2>) -> Matrix<U2, U2> { t(A) } },
        "unknown function `t` (did you mean `A.t()`?)",
    );
    error(
        parse_quote! { fn f(A: &Matrix<U2, U2>) -> Matrix<U2, U2> { A.ones() } },
        "unknown method `.ones()`",
    );
    error(
        parse_quote! { fn f(s: f64, t: f64) -> f64 { let u = s; s + v } },
        "unknown variable `v`: an expression can use the parameters (s, t) and the `let` bindings before it (u)",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { std::f64::consts::pi * s } },
        "unknown variable `std::f64::consts::pi`",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { s * ones } },
        "`ones` is a function: call it, e.g. `ones(..)`",
    );
}

#[test]
fn unsupported_constructs() {
    let cases: Vec<(syn::ItemFn, &str)> = vec![
        (
            parse_quote! { fn f(s: f64) -> f64 { if s > 0.0 { s } else { -s } } },
            "an `if` expression is not supported: a matcalc body is",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { loop {} } },
            "`loop` is not supported: matcalc unrolls loops of the form `for t in 0..K",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { (|t| t)(s) } },
            "only DSL functions can be called",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { let g = |t: f64| t; s } },
            "a closure is not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { dbg!(s) } },
            "a macro is not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { println!("{}", s); s } },
            "macro `println!` is not supported",
        ),
        (
            parse_quote! { fn f(A: &Matrix<U2, U2>) -> f64 { A[(0, 0, 1)] } },
            "an entry of a matrix is `A[(i, j)]`",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s as f64 } },
            "a cast (`as f64`) is not needed in the DSL",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s.re } },
            "field access is not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s % 2.0 } },
            "the operator `%` is not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { !s } },
            "the operator `!` is not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { "s" } },
            "`\"s\"` is not a number",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s * 2u8 } },
            "literal `2u8`: numbers in the DSL are f64; write it without a suffix",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s * 2.0f32 } },
            "literal `2.0f32` is f32 but the function computes in f64",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { let Some(t) = s else { return 0.0 }; t } },
            "unsupported pattern `Some(t)`",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { let t; s } },
            "`let t` needs a value: `let t = ..;`",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { let t = s else { return 0.0 }; t } },
            "`let .. else` is not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { s; } },
            "the final expression ends with `;`",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { return s; s } },
            "`return` is only supported as the last statement",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { let t = s; } },
            "the body ends with a `let`",
        ),
        (parse_quote! { fn f(s: f64) -> f64 {} }, "the body is empty"),
        (
            parse_quote! { fn f(s: f64) -> f64 { fn g() {} s } },
            "items inside the body are not supported",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { ones::<U2, U2>() } },
            "type arguments are not supported on DSL functions",
        ),
        (
            parse_quote! { fn f(s: f64) -> f64 { let t: Matrix<U2, U2, f32> = s; t } },
            "this type uses f32 but the function computes in f64",
        ),
    ];
    for (item, expected) in cases {
        error(item, expected);
    }
}

#[test]
fn arity_errors() {
    error(
        parse_quote! { fn f(s: f64) -> f64 { tr(s, s) } },
        "`tr(A)` takes 1 argument, but 2 were given",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { dot(s) } },
        "`dot(A, B)` takes 2 arguments, but 1 was given",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { s.dot() } },
        "`A.dot(B)` takes 1 argument, but 0 were given",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { s.t(s) } },
        "`A.t()` takes 0 arguments, but 1 was given",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { ones(s) } },
        "`ones()` takes 0 arguments, but 1 was given",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { powi(s) } },
        "`powi(A, k)` takes 2 arguments, but 1 was given",
    );
}

#[test]
fn integer_exponents_must_be_literals() {
    error(
        parse_quote! { fn f(s: f64, k: f64) -> f64 { powi(s, k) } },
        "the exponent of `powi` must be an integer literal such as `2` or `-1`; for a real exponent use `powf(A, p)`",
    );
    error(
        parse_quote! { fn f(A: &Matrix<U2, U2>) -> Matrix<U2, U2> { matpow(A, 2.0) } },
        "the exponent of `matpow` must be an integer literal such as `2` or `-1`",
    );
    error(
        parse_quote! { fn f(s: f64) -> f64 { s.powi(3000000000) } },
        "the exponent of `powi` must be an integer literal",
    );
}

#[test]
fn all_errors_are_collected() {
    let all = errors(parse_quote! {
        fn f<T>(X: &Matrix<U3, Q>, s: f64) -> f64 {
            let a = foo(X) + bar(s);
            let b = X[s];
            if s { s } else { s }
        }
    });
    assert_eq!(all.len(), 6, "{all:#?}");
    assert!(all[0].starts_with("generic parameter `T`"));
    assert!(all[1].starts_with("`Q` is not a dimension"));
    assert!(all[2].starts_with("unknown function `foo`"));
    assert!(all[3].starts_with("unknown function `bar`"));
    assert!(all[4].starts_with("unsupported index `s`"));
    assert!(all[5].starts_with("an `if` expression is not supported"));
}

#[test]
fn errors_inside_arguments_of_bad_calls_are_reported_too() {
    let all = errors(parse_quote! { fn f(s: f64) -> f64 { foo(bar(s), s.baz()) } });
    assert_eq!(all.len(), 3, "{all:#?}");
}

#[test]
fn bad_parameter_names_still_resolve_in_the_body() {
    // `X` has a bad type; its uses must not add "unknown variable" errors.
    error(
        parse_quote! { fn f(X: &Vec<f64>) -> f64 { sum(X) } },
        "unsupported type `&Vec<f64>`",
    );
}

#[test]
fn hints_say_what_to_write_instead() {
    error(
        parse_quote! { fn f(x: f64, y: f64) -> f64 { max(x, y) } },
        "write `relu(x - y) + y`",
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { x.min(1.0) } },
        "not differentiable",
    );
    error(
        parse_quote! { fn f(x: f64) -> f64 { x * 2 as f64 } },
        "remove the cast",
    );
    error(
        parse_quote! { fn f(x: &Vector<U2>) -> f64 { sum(vec![1.0, 2.0]) } },
        "matrix![a, b; c, d]",
    );
    error(
        parse_quote! { fn f(x: &Vector<U2>) -> f64 { sum(Matrix::from_fn(|i, j| 1.0)) } },
        "matrix![a, b; c, d]",
    );
    error(
        parse_quote! { fn f(x: &Vector<U2>) -> f64 { sum(x.transpose()) } },
        "did you mean `t`",
    );
    error(
        parse_quote! { fn f(x: &Vector<U2>) -> f64 { x[-1] } },
        "indices start at 0",
    );
    error(
        parse_quote! { fn f(x: &Vector<U2>) -> f64 { x[x] } },
        "an index is an integer literal",
    );
}

#[test]
fn which_calls_are_calls_of_other_functions() {
    let path = |s: &str| syn::parse_str::<syn::Path>(s).unwrap();
    for call in [
        "dense",
        "layers::dense",
        "crate::nets::mlp",
        "self::f",
        "super::g",
        "_h",
    ] {
        assert!(super::is_call_path(&path(call)), "{call}");
    }
    // Types, primitives, and the operation table's aliases (which keep their hint).
    for not in [
        "Matrix::from_fn",
        "f64::sqrt",
        "trace",
        "ln",
        "self",
        "Dense",
    ] {
        assert!(!super::is_call_path(&path(not)), "{not}");
    }
}

#[test]
fn the_calls_to_fetch_are_listed_once_in_order_outside_typed_lets() {
    let item: syn::ItemFn = parse_quote! {
        fn f(W: &Matrix<U2, U2>, x: &Vector<U2>) -> f64 {
            let K: Matrix<U2, U2> = load(x);
            let h = layers::dense(W, x);
            let g = dense(W, &layers::dense(W, &h));
            sum(trace(g)) + helper(sum(K * h))
        }
    };
    let calls: Vec<String> = super::calls(&item).iter().map(super::path_text).collect();
    assert_eq!(calls, ["layers::dense", "dense", "helper"]);
}

#[test]
fn a_call_resolves_in_the_table_and_is_inlined_by_lowering() {
    let dense: syn::ItemFn = parse_quote! {
        fn dense<M: Dim, N: Dim>(W: &Matrix<M, N>, x: &Vector<N>) -> Vector<M> { tanh(W * x) }
    };
    let table = [super::CalleeDef {
        name: "dense".into(),
        item: dense,
        callees: Vec::new(),
    }];
    let caller: syn::ItemFn = parse_quote! {
        fn f(W: &Matrix<U3, U2>, V: &Matrix<U2, U3>, x: &Vector<U2>) -> f64 {
            sum(dense(V, &dense(W, x)))
        }
    };
    let f = super::function_with(&caller, Some(&table)).unwrap();
    assert_eq!(f.callees.len(), 1, "one callee, parsed once");
    let lowered = crate::shape::lower(&f).unwrap();
    assert_eq!(
        crate::print::unicode(&lowered.graph, lowered.value),
        "sum(tanh(V tanh(W x)))"
    );
    // Without a table (the command-line tool), `dense` is an unknown function.
    let error = super::function(&caller).unwrap_err().to_string();
    assert!(error.starts_with("unknown function `dense`"), "{error}");
    // A wrong count of arguments names the callee's parameters.
    let caller: syn::ItemFn = parse_quote! {
        fn f(W: &Matrix<U3, U2>) -> f64 { sum(dense(W)) }
    };
    let error = super::function_with(&caller, Some(&table))
        .unwrap_err()
        .to_string();
    assert_eq!(error, "`dense` takes 2 arguments (W, x), but 1 was given");
}
