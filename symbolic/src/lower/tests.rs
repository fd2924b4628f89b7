//! The lowering pass: products with 𝟙 and `sum(A B)` become sums (and share them between the
//! value and its gradient), nothing of the readable graph changes, and the lowered graph
//! computes the same values as the readable one (checked with `eval`, which knows nothing of
//! either form's rewrites).

use super::lower;
use crate::diff::gradient;
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Dim, Graph, NodeId, Op};
use crate::testing::{graph, m, op, sp};

/// Whether some node `roots` need is a product with a matrix of ones.
fn has_ones_product(g: &Graph, roots: &[NodeId]) -> bool {
    g.reachable(roots)
        .into_iter()
        .any(|id| matches!(*g.op(id), Op::MatMul(a, b) if g.is_ones(a) || g.is_ones(b)))
}

/// Whether some node `roots` need is one of the speed-oriented forms.
fn has_sum_form(g: &Graph, roots: &[NodeId]) -> bool {
    g.reachable(roots)
        .into_iter()
        .any(|id| matches!(g.op(id), Op::OnesMul(..) | Op::MulOnes(..)))
}

fn values(shapes: &[(usize, usize)]) -> Vec<Value> {
    shapes
        .iter()
        .enumerate()
        .map(|(k, &(r, c))| {
            let entries: Vec<f64> = (0..r * c)
                .map(|i| ((i * 7 + k * 3) % 11) as f64 / 5.0 - 0.9)
                .collect();
            Value::from_rows(r, c, &entries)
        })
        .collect()
}

/// The readable and the lowered graph agree on every root.
fn assert_same_values(g: &Graph, roots: &[NodeId], vals: &[Value]) {
    let l = lower(g, roots);
    let dims = Bindings::new();
    let readable = evaluate(g, roots, vals, &dims).expect("the readable graph evaluates");
    let lowered = evaluate(&l.graph, &l.roots, vals, &dims).expect("the lowered graph evaluates");
    for (k, (a, b)) in readable.iter().zip(&lowered).enumerate() {
        crate::check::compare(a, b, 1e-12)
            .unwrap_or_else(|(at, x, y)| panic!("root {k}, entry {at}: readable {x}, lowered {y}"));
    }
}

#[test]
fn sum_of_product_shares_the_row_sums_with_its_gradient() {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("y", m(3, 2))]);
    let xy = g.matmul(p[0], p[1], sp());
    let phi = op(&mut g, Op::Sum(xy));
    let d = gradient(&mut g, phi, &[0])[0];
    // The readable graph keeps what was written: sum(X y) and the product 𝟙 yᵀ.
    assert!(matches!(*g.op(phi), Op::Sum(_)));
    assert!(has_ones_product(&g, &[d]));
    assert!(!has_sum_form(&g, &[phi, d]));

    let l = lower(&g, &[phi, d]);
    let lg = &l.graph;
    assert!(!has_ones_product(lg, &l.roots));
    // value: (𝟙ᵀX)(y𝟙), gradient: 𝟙₃ₓ₁ (y𝟙)ᵀ — the same y𝟙.
    let Op::ToScalar(prod) = *lg.op(l.roots[0]) else {
        panic!(
            "sum(X y) lowers to a 1×1 product, got {:?}",
            lg.op(l.roots[0])
        )
    };
    let Op::MatMul(col_sums, row_sums) = *lg.op(prod) else {
        panic!("a product of sums")
    };
    assert!(matches!(lg.op(col_sums), Op::OnesMul(r, _) if r.is_one()));
    assert!(matches!(lg.op(row_sums), Op::MulOnes(_, c) if c.is_one()));
    let Op::OnesMul(ref r, t) = *lg.op(l.roots[1]) else {
        panic!("the gradient broadcasts a row, got {:?}", lg.op(l.roots[1]))
    };
    assert_eq!(*r, Dim::Known(3));
    assert_eq!(*lg.op(t), Op::Transpose(row_sums));
    assert_same_values(&g, &[phi, d], &values(&[(3, 3), (3, 2)]));
}

#[test]
fn ones_products_become_sums_on_either_side() {
    let (mut g, p) = graph(&[("A", m(4, 3)), ("B", m(3, 2))]);
    let (a, b) = (p[0], p[1]);
    // 𝟙 B, B 𝟙, Aᵀ 𝟙 (column sums of A), 𝟙 Aᵀ, and a vector-valued product's sum.
    let ones_23 = g.ones(&m(2, 3), sp());
    let ob = g.matmul(ones_23, b, sp());
    let ones_25 = g.ones(&m(2, 5), sp());
    let bo = g.matmul(b, ones_25, sp());
    let at = g.transpose(a, sp());
    let ones_42 = g.ones(&m(4, 2), sp());
    let ato = g.matmul(at, ones_42, sp());
    let ones_53 = g.ones(&m(5, 3), sp());
    let oat = g.matmul(ones_53, at, sp());
    let ones_21 = g.ones(&m(2, 1), sp());
    let bv = g.matmul(b, ones_21, sp());
    let abv = g.matmul(a, bv, sp());
    let s = op(&mut g, Op::Sum(abv));
    let roots = [ob, bo, ato, oat, s];
    assert!(has_ones_product(&g, &roots));
    let l = lower(&g, &roots);
    assert!(!has_ones_product(&l.graph, &l.roots));
    assert!(
        matches!(l.graph.op(l.roots[4]), Op::Sum(_)),
        "A (B 𝟙) is a vector: no rewrite"
    );
    assert_same_values(&g, &roots, &values(&[(4, 3), (3, 2)]));
}

#[test]
fn lowering_copies_only_what_the_roots_need() {
    let (mut g, p) = graph(&[("A", m(3, 3)), ("B", m(3, 3))]);
    let unused = g.matmul(p[0], p[1], sp());
    let root = g.add(p[0], p[1], sp());
    let l = lower(&g, &[root]);
    assert!(l.graph.len() < g.len());
    assert!(l
        .graph
        .reachable(&l.roots)
        .iter()
        .all(|&id| !matches!(l.graph.op(id), Op::MatMul(..))));
    let _ = unused;
}

#[test]
fn kernels_are_chosen_by_the_lowering() {
    use super::kernels::{product, Fused, Product};
    let (mut g, p) = graph(&[("X", m(3, 3)), ("A", m(3, 3)), ("v", m(3, 1))]);
    let (x, a, v) = (p[0], p[1], p[2]);
    // logdet(X) + tr(X⁻¹ A) + ⟨Xᵀ A, A⟩: X is factored once; Xᵀ A is fused, Xᵀ never formed.
    let ld = op(&mut g, Op::Logdet(x));
    let inv = g.inv(x, sp());
    let ia = g.matmul(inv, a, sp());
    let tr = op(&mut g, Op::Trace(ia));
    let xt = g.transpose(x, sp());
    let xta = g.matmul(xt, a, sp());
    let d = g.dot(xta, a, sp());
    let s = g.add(ld, tr, sp());
    let phi = g.add(s, d, sp());
    let vt = g.transpose(v, sp());
    let outer = g.matmul(v, vt, sp());
    let l = lower(&g, &[phi, outer]);
    let lg = &l.graph;
    let lowered_x = lg
        .reachable(&l.roots)
        .into_iter()
        .find(|&id| *lg.op(id) == Op::Param(0))
        .expect("X is read");
    assert_eq!(l.shared_lu.iter().copied().collect::<Vec<_>>(), [lowered_x]);
    let mut fused = 0;
    for &id in &l.statements {
        match *lg.op(id) {
            Op::Transpose(_) => panic!("a transpose used only as a factor got a statement"),
            Op::MatMul(a, b) => {
                if let Product::Fused(Fused::TrMul(..) | Fused::Outer(..)) = product(lg, a, b) {
                    fused += 1;
                }
            }
            _ => {}
        }
    }
    assert_eq!(fused, 2, "Xᵀ A and v vᵀ are fused");
}

#[test]
fn the_sine_and_cosine_of_one_angle_are_one_pair_and_b_a_is_a_b() {
    use crate::ir::{Func, Shape};
    let (mut g, p) = graph(&[("t", Shape::Scalar), ("d", Shape::Scalar), ("A", m(2, 2))]);
    let (t, d, a) = (p[0], p[1], p[2]);
    // cos(t)·d and d·cos(t) (as derivatives write them), sin(t); sin(A) alone has no pair.
    let cos = g.map(Func::Cos, t, sp());
    let sin = g.map(Func::Sin, t, sp());
    let cd = op(&mut g, Op::Mul(cos, d));
    let dc = op(&mut g, Op::Mul(d, cos));
    let sin_a = g.map(Func::Sin, a, sp());
    let roots = [cd, dc, sin, sin_a];
    let l = lower(&g, &roots);
    assert_eq!(l.roots[0], l.roots[1], "cos(t)·d and d·cos(t) are one node");
    let pairs: Vec<_> = l.paired.values().collect();
    assert_eq!(
        pairs.len(),
        2,
        "sin(t) and cos(t), keyed by both: {pairs:?}"
    );
    let pair = pairs[0];
    assert_eq!(*l.graph.op(pair.first), Op::Map(Func::Sin, pair.operand));
    assert_eq!(*l.graph.op(pair.second), Op::Map(Func::Cos, pair.operand));
    assert_eq!(*l.graph.op(pair.operand), Op::Param(0));
    assert_eq!(pair.method, "sin_cos");
    assert_same_values(&g, &roots, &values(&[(1, 1), (1, 1), (2, 2)]));
}
