//! vjp, jvp and hvp against the full Jacobian / Hessian (vᵀJ, J t, H v evaluated independently
//! by `eval`), the printed matrix-level formulas, and the cost bounds of issue 11 (vjp and jvp
//! ≤ 3×, hvp ≤ 5× the value) on an MLP layer, least squares and the logistic loss.

use super::{add_direction, gradient, hessian, hvp, jacobian, jvp, vjp};
use crate::cost::cost;
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Func, Graph, NodeId, Op, Shape};
use crate::print::unicode;
use crate::testing::{graph, m, op, sp};

/// F = tanh(W x + b): one dense layer, W n×n.
fn mlp_layer(n: usize) -> (Graph, NodeId) {
    let (mut g, p) = graph(&[("W", m(n, n)), ("x", m(n, 1)), ("b", m(n, 1))]);
    let wx = g.matmul(p[0], p[1], sp());
    let z = g.add(wx, p[2], sp());
    let f = op(&mut g, Op::Map(Func::Tanh, z));
    (g, f)
}

/// φ = ½‖W x − y‖², W r×c.
fn least_squares(r: usize, c: usize) -> (Graph, NodeId) {
    let (mut g, p) = graph(&[("W", m(r, c)), ("x", m(c, 1)), ("y", m(r, 1))]);
    let wx = g.matmul(p[0], p[1], sp());
    let res = g.sub(wx, p[2], sp());
    let n = op(&mut g, Op::NormSq(res));
    let half = g.literal(0.5, sp());
    let phi = g.mul(half, n, sp());
    (g, phi)
}

/// φ = sum(softplus(A w)) − ⟨y, A w⟩: the logistic loss of weights w (parameter 0), A m×n.
fn logistic(rows: usize, n: usize) -> (Graph, NodeId) {
    let (mut g, p) = graph(&[("w", m(n, 1)), ("A", m(rows, n)), ("y", m(rows, 1))]);
    let z = g.matmul(p[1], p[0], sp());
    let sp_z = op(&mut g, Op::Map(Func::Softplus, z));
    let s = op(&mut g, Op::Sum(sp_z));
    let yz = g.dot(p[2], z, sp());
    let phi = g.sub(s, yz, sp());
    (g, phi)
}

/// Deterministic, well-scaled values for every parameter of `g`.
fn values(g: &Graph) -> Vec<Value> {
    g.params
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (r, c, scalar) = crate::eval::resolve_shape(&p.shape, &Bindings::new()).unwrap();
            // Square matrices diagonally dominant, so inverses are well conditioned.
            let f = |i: usize, j: usize| {
                let diagonal = if i == j && r == c { 2.0 } else { 0.0 };
                ((1 + i + 3 * j + 7 * k) as f64 * 0.731).sin() * 0.6 + diagonal
            };
            if scalar {
                Value::scalar(f(0, 0))
            } else {
                Value::from_fn(r, c, f)
            }
        })
        .collect()
}

fn eval(g: &Graph, roots: &[NodeId]) -> Vec<Value> {
    evaluate(g, roots, &values(g), &Bindings::new()).expect("evaluates")
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (k, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-10 * (1.0 + b.abs()),
            "{what}: entry {k}: product {a}, from the full matrix {b}"
        );
    }
}

/// M·vec(d) for a (p×len d) matrix M.
fn times(mat: &Value, d: &Value) -> Vec<f64> {
    (0..mat.rows)
        .map(|i| (0..mat.cols).map(|k| mat.get(i, k) * d.data[k]).sum())
        .collect()
}

/// vec(u)ᵀ M.
fn times_left(u: &Value, mat: &Value) -> Vec<f64> {
    (0..mat.cols)
        .map(|k| (0..mat.rows).map(|i| u.data[i] * mat.get(i, k)).sum())
        .collect()
}

/// vjp and jvp of `f` with respect to every parameter, against the full Jacobian.
fn check_vjp_jvp(name: &str, mut g: Graph, f: NodeId) {
    let user = g.params.len();
    let out_shape = g.shape(f).clone();
    let (_, u) = add_direction(&mut g, "cotangent", out_shape, sp());
    for wrt in 0..user {
        let shape = g.params[wrt].shape.clone();
        let (_, t) = add_direction(&mut g, &format!("tangent{wrt}"), shape, sp());
        let bar = vjp(&mut g, f, u, &[wrt])[0];
        let df = jvp(&mut g, f, wrt, t);
        let j = jacobian(&mut g, f, wrt);
        let v = eval(&g, &[bar, df, j, u, t]);
        assert_eq!(
            (v[0].rows, v[0].cols),
            (v[4].rows, v[4].cols),
            "{name}: X̄'s shape"
        );
        assert_close(
            &format!("{name}: vjp wrt {wrt}"),
            &v[0].data,
            &times_left(&v[3], &v[2]),
        );
        assert_close(
            &format!("{name}: jvp wrt {wrt}"),
            &v[1].data,
            &times(&v[2], &v[4]),
        );
    }
}

#[test]
fn vjp_and_jvp_agree_with_the_jacobian() {
    let (g, f) = mlp_layer(4);
    check_vjp_jvp("tanh(W x + b)", g, f);
    let (g, f) = least_squares(3, 2);
    check_vjp_jvp("½‖W x − y‖²", g, f);
    let (mut g, p) = graph(&[("X", m(3, 3)), ("Y", m(3, 2)), ("s", Shape::Scalar)]);
    let inv = g.inv(p[0], sp());
    let xy = g.matmul(inv, p[1], sp());
    let e = op(&mut g, Op::Map(Func::Exp, xy));
    let f = g.scale(p[2], e, sp());
    check_vjp_jvp("s exp(X⁻¹ Y)", g, f);
}

#[test]
fn hvp_agrees_with_the_hessian() {
    for (name, (mut g, phi)) in [
        ("½‖W x − y‖²", least_squares(3, 2)),
        ("logistic", logistic(5, 3)),
    ] {
        for wrt in 0..2 {
            let shape = g.params[wrt].shape.clone();
            let (_, v) = add_direction(&mut g, "v", shape, sp());
            let (grad, hv) = hvp(&mut g, phi, wrt, v);
            let (grad2, h) = hessian(&mut g, phi, wrt);
            let x = eval(&g, &[grad, hv, grad2, h, v]);
            assert_close(
                &format!("{name}: gradient wrt {wrt}"),
                &x[0].data,
                &x[2].data,
            );
            assert_close(
                &format!("{name}: H v wrt {wrt}"),
                &x[1].data,
                &times(&x[3], &x[4]),
            );
        }
    }
}

#[test]
fn products_read_as_matrix_expressions() {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("Y", m(3, 2))]);
    let f = g.matmul(p[0], p[1], sp());
    let (_, u) = add_direction(&mut g, "U", m(3, 2), sp());
    let (_, t) = add_direction(&mut g, "T", m(3, 3), sp());
    let bar = vjp(&mut g, f, u, &[0])[0];
    assert_eq!(unicode(&g, bar), "U Yᵀ");
    let df = jvp(&mut g, f, 0, t);
    assert_eq!(unicode(&g, df), "T Y");
    let (mut g, phi) = least_squares(3, 2);
    let (_, v) = add_direction(&mut g, "v", m(2, 1), sp());
    let (_, hv) = hvp(&mut g, phi, 1, v);
    assert_eq!(unicode(&g, hv), "Wᵀ W v");
}

#[test]
fn a_direction_never_takes_a_user_name() {
    let (mut g, _) = graph(&[("v", m(2, 1)), ("v_1", m(2, 1))]);
    let (i, _) = add_direction(&mut g, "v", m(2, 1), sp());
    assert_eq!((i, g.params[i].name.as_str()), (2, "v_2"));
}

/// cost(value + products) / cost(value).
fn ratio(g: &Graph, value: NodeId, products: &[NodeId]) -> f64 {
    let mut roots = vec![value];
    roots.extend_from_slice(products);
    cost(g, &roots) as f64 / cost(g, &[value]) as f64
}

/// The vjp and jvp ratios for parameter `wrt`, and the hvp ratio if the output is scalar.
fn product_ratios(mut g: Graph, f: NodeId, wrt: usize) -> (f64, f64, Option<f64>) {
    let out_shape = g.shape(f).clone();
    let (_, u) = add_direction(&mut g, "cotangent", out_shape, sp());
    let shape = g.params[wrt].shape.clone();
    let (_, t) = add_direction(&mut g, "tangent", shape, sp());
    let bar = vjp(&mut g, f, u, &[wrt])[0];
    let df = jvp(&mut g, f, wrt, t);
    let hv = g.shape(f).is_scalar().then(|| {
        let (grad, hv) = hvp(&mut g, f, wrt, t);
        ratio(&g, f, &[grad, hv])
    });
    (ratio(&g, f, &[bar]), ratio(&g, f, &[df]), hv)
}

#[test]
fn products_are_cheap() {
    for (name, (g, f), wrt) in [
        ("MLP layer, n = 64, wrt W", mlp_layer(64), 0),
        ("MLP layer, n = 64, wrt x", mlp_layer(64), 1),
        ("least squares 50×20, wrt W", least_squares(50, 20), 0),
        ("least squares 50×20, wrt x", least_squares(50, 20), 1),
        ("logistic 100×10, wrt w", logistic(100, 10), 0),
    ] {
        let (v, j, h) = product_ratios(g, f, wrt);
        eprintln!("{name}: vjp {v:.2}×, jvp {j:.2}×, hvp {h:?}×");
        assert!(v <= 3.0, "{name}: vjp costs {v:.2}× the value");
        assert!(j <= 3.0, "{name}: jvp costs {j:.2}× the value");
        if let Some(h) = h {
            assert!(h <= 5.0, "{name}: hvp costs {h:.2}× the value");
        }
    }
}

#[test]
fn gradient_is_the_vjp_with_a_unit_cotangent() {
    let (mut g, phi) = least_squares(3, 2);
    let one = g.literal(1.0, sp());
    assert_eq!(vjp(&mut g, phi, one, &[0]), gradient(&mut g, phi, &[0]));
}

/// With generic dimensions nothing folds away, so only the `vecs` rewrites keep the jvp at
/// matrix level (no Kronecker product, commutation or diag·vec survives).
#[test]
fn generic_jvps_are_matrix_differentials() {
    use crate::ir::Dim;
    let d = |s: &str| Dim::Named(s.into());
    let (mut g, p) = graph(&[
        ("A", Shape::matrix(d("M"), d("N"))),
        ("B", Shape::matrix(d("N"), d("K"))),
    ]);
    let ab = g.matmul(p[0], p[1], sp());
    let s = op(&mut g, Op::Map(Func::Sigmoid, ab));
    let at = g.transpose(p[0], sp());
    let aat = g.matmul(p[0], at, sp());
    let (_, t) = add_direction(&mut g, "T", Shape::matrix(d("M"), d("N")), sp());
    let mut texts = Vec::new();
    for f in [ab, s, aat] {
        let df = jvp(&mut g, f, 0, t);
        texts.push(unicode(&g, df));
    }
    assert_eq!(
        texts,
        ["T B", "σ(A B) ⊙ (𝟙 − σ(A B)) ⊙ (T B)", "T Aᵀ + A Tᵀ"]
    );
}
