//! Each op of the interpreter against small hand-computed examples, plus the finite-difference
//! helpers of `check` against known derivatives (reference §2 and §6).

use proc_macro2::Span;

use super::*;
use crate::check::{compare, fd_gradient, fd_hessian, fd_jacobian};
use crate::ir::{Param, ScalarType};
use crate::shape::rules::infer;

fn m(r: usize, c: usize) -> Shape {
    Shape::matrix(Dim::Known(r), Dim::Known(c))
}

fn graph(shapes: &[Shape]) -> Graph {
    let params = shapes
        .iter()
        .enumerate()
        .map(|(i, s)| Param {
            name: format!("p{i}"),
            shape: s.clone(),
            span: Span::call_site(),
        })
        .collect();
    Graph::new(params, ScalarType::F64)
}

fn node(g: &mut Graph, op: Op) -> NodeId {
    let shape = infer(g, &op).expect("well-shaped test op");
    g.intern(op, shape, Span::call_site())
}

fn eval1(g: &Graph, id: NodeId, params: &[Value]) -> Value {
    evaluate(g, &[id], params, &Bindings::new())
        .unwrap()
        .remove(0)
}

/// Builds `op(p0, p1, ..)` over parameters of the given values' shapes and evaluates it.
fn run(values: &[Value], op: impl FnOnce(&mut Graph, &[NodeId]) -> Op) -> Value {
    let shapes: Vec<Shape> = values
        .iter()
        .map(|v| {
            if v.scalar {
                Shape::Scalar
            } else {
                m(v.rows, v.cols)
            }
        })
        .collect();
    let mut g = graph(&shapes);
    let ids: Vec<NodeId> = (0..values.len())
        .map(|i| node(&mut g, Op::Param(i)))
        .collect();
    let op = op(&mut g, &ids);
    let id = node(&mut g, op);
    eval1(&g, id, values)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

fn assert_value(got: &Value, want: &Value) {
    assert_eq!((got.rows, got.cols), (want.rows, want.cols), "{got:?}");
    assert!(
        got.data.iter().zip(&want.data).all(|(a, b)| close(*a, *b)),
        "got {got:?}\nwant {want:?}"
    );
}

fn a23() -> Value {
    Value::from_rows(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
}

fn a33() -> Value {
    Value::from_rows(3, 3, &[2.0, -3.0, 1.0, 2.0, 0.0, -1.0, 1.0, 4.0, 5.0])
}

#[test]
fn storage_is_column_major() {
    let a = a23();
    assert_eq!(a.data, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    assert_eq!(a.get(1, 2), 6.0);
}

#[test]
fn constants() {
    let mut g = graph(&[]);
    let z = node(&mut g, Op::Zeros(Dim::Known(2), Dim::Known(3)));
    let o = node(&mut g, Op::Ones(Dim::Known(3), Dim::Known(1)));
    let i = node(&mut g, Op::Identity(Dim::Known(2)));
    let l = node(&mut g, Op::literal(2.5));
    let out = evaluate(&g, &[z, o, i, l], &[], &Bindings::new()).unwrap();
    assert_value(&out[0], &Value::zeros(2, 3));
    assert_value(&out[1], &Value::filled(3, 1, 1.0));
    assert_value(&out[2], &Value::from_rows(2, 2, &[1.0, 0.0, 0.0, 1.0]));
    assert_eq!(out[3], Value::scalar(2.5));
}

#[test]
fn arithmetic() {
    let a = a23();
    let b = Value::from_rows(2, 3, &[1.0, -1.0, 2.0, 0.5, 0.0, 3.0]);
    let s = Value::scalar(2.0);
    let t = Value::scalar(-3.0);
    let sum = run(&[a.clone(), b.clone()], |_, p| Op::Add(p[0], p[1]));
    assert_value(
        &sum,
        &Value::from_rows(2, 3, &[2.0, 1.0, 5.0, 4.5, 5.0, 9.0]),
    );
    let diff = run(&[a.clone(), b.clone()], |_, p| Op::Sub(p[0], p[1]));
    assert_value(
        &diff,
        &Value::from_rows(2, 3, &[0.0, 3.0, 1.0, 3.5, 5.0, 3.0]),
    );
    let neg = run(std::slice::from_ref(&a), |_, p| Op::Neg(p[0]));
    assert_value(
        &neg,
        &Value::from_rows(2, 3, &[-1.0, -2.0, -3.0, -4.0, -5.0, -6.0]),
    );
    assert_eq!(
        run(&[s.clone(), t.clone()], |_, p| Op::Mul(p[0], p[1])),
        Value::scalar(-6.0)
    );
    let scaled = run(&[s.clone(), a.clone()], |_, p| Op::Scale(p[0], p[1]));
    assert_value(
        &scaled,
        &Value::from_rows(2, 3, &[2.0, 4.0, 6.0, 8.0, 10.0, 12.0]),
    );
    let divided = run(&[a.clone(), s.clone()], |_, p| Op::Div(p[0], p[1]));
    assert_value(
        &divided,
        &Value::from_rows(2, 3, &[0.5, 1.0, 1.5, 2.0, 2.5, 3.0]),
    );
    assert_eq!(
        run(&[t, s], |_, p| Op::Div(p[0], p[1])),
        Value::scalar(-1.5)
    );
    let had = run(&[a.clone(), b.clone()], |_, p| Op::Hadamard(p[0], p[1]));
    assert_value(
        &had,
        &Value::from_rows(2, 3, &[1.0, -2.0, 6.0, 2.0, 0.0, 18.0]),
    );
    let b2 = Value::from_rows(2, 3, &[1.0, -1.0, 2.0, 0.5, 4.0, 3.0]);
    let ed = run(&[a, b2], |_, p| Op::ElemDiv(p[0], p[1]));
    assert_value(
        &ed,
        &Value::from_rows(2, 3, &[1.0, -2.0, 1.5, 8.0, 1.25, 2.0]),
    );
}

#[test]
fn matmul_and_transpose_non_square() {
    let b = Value::from_rows(3, 2, &[1.0, 0.0, -1.0, 2.0, 0.5, 1.0]);
    let p = run(&[a23(), b], |_, p| Op::MatMul(p[0], p[1]));
    // Row 1: 1·1 + 2·(−1) + 3·0.5 = 0.5, 1·0 + 2·2 + 3·1 = 7; row 2: 4 − 5 + 3 = 2, 0 + 10 + 6 = 16.
    assert_value(&p, &Value::from_rows(2, 2, &[0.5, 7.0, 2.0, 16.0]));
    let t = run(&[a23()], |_, p| Op::Transpose(p[0]));
    assert_value(&t, &Value::from_rows(3, 2, &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]));
}

#[test]
fn reductions() {
    assert_eq!(run(&[a33()], |_, p| Op::Trace(p[0])), Value::scalar(7.0));
    assert_eq!(run(&[a23()], |_, p| Op::Sum(p[0])), Value::scalar(21.0));
    assert_eq!(run(&[a23()], |_, p| Op::NormSq(p[0])), Value::scalar(91.0));
    let n = run(&[a23()], |_, p| Op::Norm(p[0])).as_scalar();
    assert!(close(n, 91f64.sqrt()));
    let b = Value::from_rows(2, 3, &[1.0, -1.0, 2.0, 0.5, 0.0, 3.0]);
    // 1 − 2 + 6 + 2 + 0 + 18.
    assert_eq!(
        run(&[a23(), b], |_, p| Op::Dot(p[0], p[1])),
        Value::scalar(25.0)
    );
}

#[test]
fn det_of_known_3x3() {
    // 2·(0 + 4) + 3·(10 + 1) + 1·(8 − 0) = 49.
    assert!(close(run(&[a33()], |_, p| Op::Det(p[0])).as_scalar(), 49.0));
    // A zero leading entry forces a row swap, which flips the sign.
    let swap = Value::from_rows(2, 2, &[0.0, 1.0, 1.0, 0.0]);
    assert!(close(run(&[swap], |_, p| Op::Det(p[0])).as_scalar(), -1.0));
    let singular = Value::from_rows(2, 2, &[1.0, 2.0, 2.0, 4.0]);
    assert_eq!(run(&[singular], |_, p| Op::Det(p[0])).as_scalar(), 0.0);
}

#[test]
fn logdet_is_log_of_absolute_det() {
    let neg = Value::from_rows(2, 2, &[1.0, 3.0, 2.0, 1.0]); // det = −5
    assert!(close(
        run(&[neg], |_, p| Op::Logdet(p[0])).as_scalar(),
        5f64.ln()
    ));
    assert!(close(
        run(&[a33()], |_, p| Op::Logdet(p[0])).as_scalar(),
        49f64.ln()
    ));
}

#[test]
fn inverse_times_matrix_is_identity() {
    let inv = run(&[a33()], |_, p| Op::Inv(p[0]));
    let prod = linalg::matmul(&inv, &a33());
    assert_value(&prod, &linalg::identity(3));
    let prod = linalg::matmul(&a33(), &inv);
    assert_value(&prod, &linalg::identity(3));
}

#[test]
fn matpow_positive_zero_negative() {
    let a = Value::from_rows(2, 2, &[1.0, 1.0, 0.0, 2.0]);
    let cube = run(std::slice::from_ref(&a), |_, p| Op::MatPow(p[0], 3));
    assert_value(&cube, &Value::from_rows(2, 2, &[1.0, 7.0, 0.0, 8.0]));
    let zero = run(std::slice::from_ref(&a), |_, p| Op::MatPow(p[0], 0));
    assert_value(&zero, &linalg::identity(2));
    // A⁻¹ = [[1, −1/2], [0, 1/2]], A⁻² = [[1, −3/4], [0, 1/4]].
    let inv2 = run(&[a], |_, p| Op::MatPow(p[0], -2));
    assert_value(&inv2, &Value::from_rows(2, 2, &[1.0, -0.75, 0.0, 0.25]));
}

#[test]
fn kron_of_2x2_with_2x3() {
    let a = Value::from_rows(2, 2, &[1.0, 2.0, 3.0, 4.0]);
    let b = Value::from_rows(2, 3, &[0.0, 5.0, -1.0, 6.0, 7.0, 2.0]);
    let k = run(&[a.clone(), b.clone()], |_, p| Op::Kron(p[0], p[1]));
    assert_eq!((k.rows, k.cols), (4, 6));
    for i in 0..2 {
        for j in 0..2 {
            for r in 0..2 {
                for c in 0..3 {
                    assert_eq!(k.get(2 * i + r, 3 * j + c), a.get(i, j) * b.get(r, c));
                }
            }
        }
    }
    // Spot check against the written-out block matrix: row 3 is [3·b₂, 4·b₂].
    assert_eq!(k.get(3, 1), 21.0);
    assert_eq!(k.get(3, 5), 8.0);
}

#[test]
fn vec_unvec_round_trip() {
    let mut g = graph(&[m(2, 3)]);
    let x = node(&mut g, Op::Param(0));
    let v = node(&mut g, Op::Vec(x));
    let back = node(&mut g, Op::Unvec(v, Dim::Known(2), Dim::Known(3)));
    let out = evaluate(&g, &[v, back], &[a23()], &Bindings::new()).unwrap();
    assert_value(
        &out[0],
        &Value::from_columns(6, 1, &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]),
    );
    assert_value(&out[1], &a23());
}

#[test]
fn diag_and_diagonal() {
    let v = Value::from_columns(3, 1, &[1.0, -2.0, 3.0]);
    let d = run(&[v], |_, p| Op::Diag(p[0]));
    assert_value(
        &d,
        &Value::from_rows(3, 3, &[1.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 3.0]),
    );
    let dg = run(&[a33()], |_, p| Op::Diagonal(p[0]));
    assert_value(&dg, &Value::from_columns(3, 1, &[2.0, 0.0, 5.0]));
}

#[test]
fn commutation_matrix_transposes_vec() {
    let mut g = graph(&[m(2, 3)]);
    let x = node(&mut g, Op::Param(0));
    let k = node(&mut g, Op::Commutation(Dim::Known(2), Dim::Known(3)));
    let v = node(&mut g, Op::Vec(x));
    let kv = node(&mut g, Op::MatMul(k, v));
    let xt = node(&mut g, Op::Transpose(x));
    let vt = node(&mut g, Op::Vec(xt));
    let out = evaluate(&g, &[kv, vt, k], &[a23()], &Bindings::new()).unwrap();
    assert_value(&out[0], &out[1]);
    // A permutation: every row and column holds exactly one 1.
    let k = &out[2];
    for i in 0..6 {
        assert_eq!((0..6).map(|j| k.get(i, j)).sum::<f64>(), 1.0);
        assert_eq!((0..6).map(|j| k.get(j, i)).sum::<f64>(), 1.0);
    }
}

#[test]
fn elementwise_functions() {
    let cases: &[(Func, f64, f64)] = &[
        (Func::Exp, 1.0, std::f64::consts::E),
        (Func::Log, std::f64::consts::E, 1.0),
        (Func::Sin, std::f64::consts::FRAC_PI_2, 1.0),
        (Func::Cos, 0.0, 1.0),
        (Func::Tan, std::f64::consts::FRAC_PI_4, 1.0),
        (Func::Tanh, 0.0, 0.0),
        (Func::Sqrt, 9.0, 3.0),
        (Func::Abs, -2.5, 2.5),
        (Func::Sigmoid, 0.0, 0.5),
        (Func::Softplus, 0.0, std::f64::consts::LN_2),
        (Func::Relu, -1.0, 0.0),
        (Func::Relu, 1.5, 1.5),
        (Func::Powi(3), -2.0, -8.0),
        (Func::Powi(-2), 2.0, 0.25),
        (Func::Recip, 4.0, 0.25),
        (Func::Sign, -3.0, -1.0),
        (Func::Sign, 0.0, 0.0),
        (Func::Step, 0.0, 0.0),
        (Func::Step, 2.0, 1.0),
    ];
    for &(f, x, want) in cases {
        let got = run(&[Value::scalar(x)], |_, p| Op::Map(f, p[0])).as_scalar();
        assert!(close(got, want), "{f:?}({x}) = {got}, want {want}");
    }
    // On a matrix, entry by entry.
    let got = run(&[a23()], |_, p| Op::Map(Func::Powi(2), p[0]));
    assert_value(
        &got,
        &Value::from_rows(2, 3, &[1.0, 4.0, 9.0, 16.0, 25.0, 36.0]),
    );
}

#[test]
fn sigmoid_and_softplus_are_stable() {
    for &(f, x, want) in &[
        (Func::Sigmoid, 1000.0, 1.0),
        (Func::Sigmoid, -1000.0, 0.0),
        (Func::Softplus, 1000.0, 1000.0),
        (Func::Softplus, -1000.0, 0.0),
    ] {
        let got = apply(f, x);
        assert!(got.is_finite() && close(got, want), "{f:?}({x}) = {got}");
    }
}

#[test]
fn powf_elementwise() {
    let a = Value::from_rows(1, 3, &[1.0, 4.0, 9.0]);
    let got = run(&[a, Value::scalar(0.5)], |_, p| Op::Powf(p[0], p[1]));
    assert_value(&got, &Value::from_rows(1, 3, &[1.0, 2.0, 3.0]));
}

#[test]
fn softmax_and_logsumexp_at_extremes() {
    let big = Value::from_columns(3, 1, &[1000.0, -1000.0, 1000.0]);
    let s = run(std::slice::from_ref(&big), |_, p| Op::Softmax(p[0]));
    assert!(s.is_finite());
    assert_value(&s, &Value::from_columns(3, 1, &[0.5, 0.0, 0.5]));
    let l = run(&[big], |_, p| Op::Logsumexp(p[0])).as_scalar();
    assert!(close(l, 1000.0 + std::f64::consts::LN_2));
    let small = Value::from_columns(2, 1, &[-1000.0, -1000.0]);
    let l = run(&[small], |_, p| Op::Logsumexp(p[0])).as_scalar();
    assert!(close(l, -1000.0 + std::f64::consts::LN_2));
    // Softmax over all entries of a matrix sums to one.
    let s = run(&[a23()], |_, p| Op::Softmax(p[0]));
    assert!(close(s.data.iter().sum(), 1.0));
}

#[test]
fn scalar_conversions() {
    let one = Value::from_rows(1, 1, &[4.0]);
    let s = run(&[one], |_, p| Op::ToScalar(p[0]));
    assert_eq!(s, Value::scalar(4.0));
    let back = run(&[Value::scalar(4.0)], |_, p| Op::FromScalar(p[0]));
    assert_eq!(back, Value::from_rows(1, 1, &[4.0]));
}

#[test]
fn ones_products() {
    // 𝟙_{3×2}·B: every row is B's column sums (5, 7, 9).
    let got = run(&[a23()], |_, p| Op::OnesMul(Dim::Known(3), p[0]));
    assert_value(
        &got,
        &Value::from_rows(3, 3, &[5.0, 7.0, 9.0, 5.0, 7.0, 9.0, 5.0, 7.0, 9.0]),
    );
    // B·𝟙_{3×2}: every column is B's row sums (6, 15).
    let got = run(&[a23()], |_, p| Op::MulOnes(p[0], Dim::Known(2)));
    assert_value(&got, &Value::from_rows(2, 2, &[6.0, 6.0, 15.0, 15.0]));
}

#[test]
fn kron_adjoints_are_adjoint() {
    // ⟨G, kron(A, B)⟩ = ⟨KronAdjointLeft(G, B), A⟩ = ⟨KronAdjointRight(G, A), B⟩.
    let a = Value::from_rows(2, 2, &[1.0, -2.0, 0.5, 3.0]);
    let b = a23();
    let gr = Value::from_fn(4, 6, |i, j| (i as f64 + 1.0) * 0.3 - j as f64 * 0.7);
    let k = linalg::kron(&a, &b);
    let dot = |x: &Value, y: &Value| x.data.iter().zip(&y.data).map(|(p, q)| p * q).sum::<f64>();
    let left = run(&[gr.clone(), b.clone()], |_, p| {
        Op::KronAdjointLeft(p[0], p[1])
    });
    let right = run(&[gr.clone(), a.clone()], |_, p| {
        Op::KronAdjointRight(p[0], p[1])
    });
    assert_eq!((left.rows, left.cols), (2, 2));
    assert_eq!((right.rows, right.cols), (2, 3));
    assert!(close(dot(&left, &a), dot(&gr, &k)));
    assert!(close(dot(&right, &b), dot(&gr, &k)));
}

#[test]
fn generic_dims_need_bindings() {
    let mm = Shape::matrix(Dim::Named("M".into()), Dim::Named("M".into()));
    let mut g = graph(&[mm]);
    let x = node(&mut g, Op::Param(0));
    let t = node(&mut g, Op::Trace(x));
    let err = evaluate(&g, &[t], &[linalg::identity(2)], &Bindings::new()).unwrap_err();
    assert_eq!(err, EvalError::UnboundDim("M".into()));
    let dims: Bindings = [("M".to_string(), 4)].into_iter().collect();
    let got = evaluate(&g, &[t], &[linalg::identity(4)], &dims).unwrap();
    assert_eq!(got[0], Value::scalar(4.0));
    // A value of the wrong size is reported, not used.
    let err = evaluate(&g, &[t], &[linalg::identity(3)], &dims).unwrap_err();
    assert!(
        matches!(err, EvalError::ParamShape { index: 0, .. }),
        "{err}"
    );
    let err = evaluate(&g, &[t], &[], &dims).unwrap_err();
    assert!(
        matches!(err, EvalError::MissingParam { index: 0, .. }),
        "{err}"
    );
}

#[test]
fn fd_jacobian_of_product_is_kron() {
    // reference §2: ∂vec(XY)/∂(vec X)ᵀ = Yᵀ ⊗ I₃ for X 3×3, Y 3×2.
    let mut g = graph(&[m(3, 3), m(3, 2)]);
    let x = node(&mut g, Op::Param(0));
    let y = node(&mut g, Op::Param(1));
    let xy = node(&mut g, Op::MatMul(x, y));
    let yv = Value::from_rows(3, 2, &[1.0, 2.0, -1.0, 0.5, 3.0, 4.0]);
    let params = [a33(), yv.clone()];
    let jac = fd_jacobian(&g, xy, 0, &params, &Bindings::new(), 1e-6).unwrap();
    let want = linalg::kron(&linalg::transpose(&yv), &linalg::identity(3));
    assert_eq!((jac.rows, jac.cols), (6, 9));
    compare(&jac, &want, 1e-8).unwrap();
}

#[test]
fn fd_gradient_of_sum_of_product() {
    // reference §6: ∂ sum(XY)/∂X = J Yᵀ.
    let mut g = graph(&[m(3, 3), m(3, 2)]);
    let x = node(&mut g, Op::Param(0));
    let y = node(&mut g, Op::Param(1));
    let xy = node(&mut g, Op::MatMul(x, y));
    let phi = node(&mut g, Op::Sum(xy));
    let yv = Value::from_rows(3, 2, &[1.0, 2.0, -1.0, 0.5, 3.0, 4.0]);
    let params = [a33(), yv.clone()];
    let grad = fd_gradient(&g, phi, 0, &params, &Bindings::new(), 1e-6).unwrap();
    let want = linalg::matmul(&Value::filled(3, 2, 1.0), &linalg::transpose(&yv));
    compare(&grad, &want, 1e-8).unwrap();
    assert_eq!(
        fd_gradient(&g, xy, 0, &params, &Bindings::new(), 1e-6).unwrap_err(),
        EvalError::NotScalar(xy)
    );
}

#[test]
fn fd_hessian_of_quadratic_form() {
    // ∂²(xᵀAx)/∂x∂xᵀ = A + Aᵀ.
    let mut g = graph(&[m(3, 1), m(3, 3)]);
    let x = node(&mut g, Op::Param(0));
    let a = node(&mut g, Op::Param(1));
    let xt = node(&mut g, Op::Transpose(x));
    let xta = node(&mut g, Op::MatMul(xt, a));
    let q = node(&mut g, Op::MatMul(xta, x));
    let phi = node(&mut g, Op::ToScalar(q));
    let xv = Value::from_columns(3, 1, &[0.3, -1.2, 2.0]);
    let hess = fd_hessian(&g, phi, 0, &[xv, a33()], &Bindings::new(), 1e-4).unwrap();
    let want = a33().zip(&linalg::transpose(&a33()), |p, q| p + q);
    compare(&hess, &want, 1e-6).unwrap();
}
