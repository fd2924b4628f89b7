//! Unit tests of the rewrite rules, one or two per rule, read back through the printer.

use proc_macro2::Span;

use crate::ir::{Dim, Func, Graph, NodeId, Op, Param, ScalarType, Shape};
use crate::print::unicode;

fn sp() -> Span {
    Span::call_site()
}

fn m(r: usize, c: usize) -> Shape {
    Shape::matrix(Dim::Known(r), Dim::Known(c))
}

/// A graph with parameters A, B (3×3), x (3×1), s, t (scalars), and their nodes.
fn setup() -> (Graph, [NodeId; 5]) {
    let params = [
        ("A", m(3, 3)),
        ("B", m(3, 3)),
        ("x", m(3, 1)),
        ("s", Shape::Scalar),
        ("t", Shape::Scalar),
    ]
    .into_iter()
    .map(|(name, shape)| Param {
        name: name.into(),
        shape,
        span: sp(),
    })
    .collect();
    let mut g = Graph::new(params, ScalarType::F64);
    let ids = [0, 1, 2, 3, 4].map(|i| g.make(Op::Param(i), sp()));
    (g, ids)
}

#[test]
fn transpose_rules() {
    let (mut g, [a, b, x, _, _]) = setup();
    let at = g.transpose(a, sp());
    assert_eq!(g.transpose(at, sp()), a, "(Aᵀ)ᵀ = A");
    let i = g.identity(Dim::Known(3), sp());
    assert_eq!(g.transpose(i, sp()), i, "Iᵀ = I");
    let ones = g.ones(&m(3, 2), sp());
    let ot = g.transpose(ones, sp());
    assert_eq!(*g.op(ot), Op::Ones(Dim::Known(2), Dim::Known(3)));
    let z = g.zeros(&m(3, 2), sp());
    let zt = g.transpose(z, sp());
    assert!(g.is_zero(zt) && *g.shape(zt) == m(2, 3));
    // (xᵀ A)ᵀ = Aᵀ x: one transpose cancels, so the transpose moves in.
    let xt = g.transpose(x, sp());
    let xta = g.matmul(xt, a, sp());
    let t = g.transpose(xta, sp());
    assert_eq!(unicode(&g, t), "Aᵀ x");
    // (A B)ᵀ stays: pushing would create two transposes.
    let ab = g.matmul(a, b, sp());
    let abt = g.transpose(ab, sp());
    assert_eq!(unicode(&g, abt), "(A B)ᵀ");
    // inv(Aᵀ) is canonicalized to inv(A)ᵀ, one shared node.
    let inv_at = g.inv(at, sp());
    let inv = g.inv(a, sp());
    assert_eq!(inv_at, g.transpose(inv, sp()));
    assert_eq!(unicode(&g, inv_at), "A⁻ᵀ");
    // The transpose of a scalar or a 1×1 is itself.
    let xtx = g.matmul(xt, x, sp());
    assert_eq!(g.transpose(xtx, sp()), xtx);
}

#[test]
fn additive_rules() {
    let (mut g, [a, b, _, _, _]) = setup();
    let z = g.zeros(&m(3, 3), sp());
    assert_eq!(g.add(a, z, sp()), a);
    assert_eq!(g.add(z, a, sp()), a);
    assert_eq!(g.sub(a, z, sp()), a);
    let zm = g.sub(z, a, sp());
    assert_eq!(*g.op(zm), Op::Neg(a));
    assert_eq!(g.neg(zm, sp()), a, "−(−A) = A");
    let na = g.neg(a, sp());
    assert_eq!(
        {
            let t = g.add(b, na, sp());
            unicode(&g, t)
        },
        "B − A"
    );
    assert_eq!(
        {
            let t = g.sub(b, na, sp());
            unicode(&g, t)
        },
        "B + A"
    );
    assert_eq!(
        {
            let t = g.add(a, a, sp());
            unicode(&g, t)
        },
        "2 A"
    );
    assert!({
        let t = g.sub(a, a, sp());
        g.is_zero(t)
    });
    let m2 = g.scale_by(-2.0, b, sp());
    assert_eq!(
        {
            let t = g.add(a, m2, sp());
            unicode(&g, t)
        },
        "A − 2 B"
    );
}

#[test]
fn factoring_saves_a_product() {
    let (mut g, [a, b, x, _, _]) = setup();
    let ax = g.matmul(a, x, sp());
    let bx = g.matmul(b, x, sp());
    assert_eq!(
        {
            let t = g.add(ax, bx, sp());
            unicode(&g, t)
        },
        "(A + B) x"
    );
    assert_eq!(
        {
            let t = g.sub(ax, bx, sp());
            unicode(&g, t)
        },
        "(A − B) x"
    );
}

#[test]
fn scalar_and_literal_rules() {
    let (mut g, [a, _, _, s, t]) = setup();
    let two = g.literal(2.0, sp());
    let three = g.literal(3.0, sp());
    assert_eq!(
        {
            let t = g.mul(two, three, sp());
            g.literal_of(t)
        },
        Some(6.0)
    );
    assert_eq!(
        {
            let t = g.add(two, three, sp());
            g.literal_of(t)
        },
        Some(5.0)
    );
    assert_eq!(
        {
            let t = g.sub(two, three, sp());
            g.literal_of(t)
        },
        Some(-1.0)
    );
    assert_eq!(
        {
            let t = g.div(three, two, sp());
            g.literal_of(t)
        },
        Some(1.5)
    );
    assert_eq!(
        {
            let t = g.neg(two, sp());
            g.literal_of(t)
        },
        Some(-2.0)
    );
    let one = g.literal(1.0, sp());
    let zero = g.literal(0.0, sp());
    assert_eq!(g.scale(one, a, sp()), a, "1·A = A");
    assert!(
        {
            let t = g.scale(zero, a, sp());
            g.is_zero(t)
        },
        "0·A = 0"
    );
    assert_eq!(g.mul(one, s, sp()), s);
    // s (2 A) → 2 s A; 2 (3 A) → 6 A; literals come first in products.
    let two_a = g.scale(two, a, sp());
    let s_two_a = g.scale(s, two_a, sp());
    assert_eq!(unicode(&g, s_two_a), "2 s A");
    assert_eq!(
        {
            let t = g.scale(three, two_a, sp());
            unicode(&g, t)
        },
        "6 A"
    );
    assert_eq!(
        {
            let t = g.mul(s, two, sp());
            unicode(&g, t)
        },
        "2 s"
    );
    let st = g.mul(s, t, sp());
    assert_eq!(
        {
            let t = g.mul(st, three, sp());
            unicode(&g, t)
        },
        "3 s t"
    );
    // −(2 A) → −2 A, and a scalar "Scale" is a Mul.
    let neg = g.neg(two_a, sp());
    assert_eq!(unicode(&g, neg), "−2 A");
    assert!(matches!(
        {
            let t = g.scale(s, t, sp());
            g.op(t)
        },
        Op::Mul(..)
    ));
}

#[test]
fn product_rules() {
    let (mut g, [a, b, x, s, _]) = setup();
    let i = g.identity(Dim::Known(3), sp());
    assert_eq!(g.matmul(i, a, sp()), a);
    assert_eq!(g.matmul(a, i, sp()), a);
    let z = g.zeros(&m(3, 3), sp());
    assert!({
        let t = g.matmul(z, b, sp());
        g.is_zero(t)
    });
    // Products with ones stay products (`lower` makes them sums); a 1×1 𝟙 is the identity.
    let ones = g.ones(&m(2, 3), sp());
    let ob = g.matmul(ones, b, sp());
    assert_eq!(*g.op(ob), Op::MatMul(ones, b));
    assert_eq!(unicode(&g, ob), "𝟙 B");
    let s11 = g.make(Op::FromScalar(s), sp());
    let one = g.ones(&m(1, 1), sp());
    assert_eq!(g.matmul(one, s11, sp()), s11);
    // Scalar factors and negation come out of products.
    let sa = g.scale(s, a, sp());
    assert_eq!(
        {
            let t = g.matmul(sa, x, sp());
            unicode(&g, t)
        },
        "s A x"
    );
    let nb = g.neg(b, sp());
    assert_eq!(
        {
            let t = g.matmul(a, nb, sp());
            unicode(&g, t)
        },
        "−A B"
    );
    // Hadamard with ones is the identity op; a square is a power.
    let ones3 = g.ones(&m(3, 3), sp());
    assert_eq!(g.hadamard(a, ones3, sp()), a);
    assert_eq!(
        {
            let t = g.hadamard(a, a, sp());
            unicode(&g, t)
        },
        "A∘²"
    );
}

#[test]
fn reduction_rules() {
    let (mut g, [a, b, _, s, _]) = setup();
    let sa = g.scale(s, a, sp());
    let sum = g.make(Op::Sum(sa), sp());
    assert_eq!(
        unicode(&g, sum),
        "s sum(A)",
        "sum of a Scale is a scale of the sum"
    );
    let i = g.identity(Dim::Known(3), sp());
    assert_eq!(
        {
            let t = g.make(Op::Trace(i), sp());
            g.literal_of(t)
        },
        Some(3.0)
    );
    let at = g.transpose(a, sp());
    assert_eq!(g.make(Op::Trace(at), sp()), g.make(Op::Trace(a), sp()));
    let ones = g.ones(&m(3, 3), sp());
    assert_eq!(g.dot(a, ones, sp()), g.make(Op::Sum(a), sp()));
    assert_eq!(g.dot(i, b, sp()), g.make(Op::Trace(b), sp()));
    let s1 = g.make(Op::FromScalar(s), sp());
    assert_eq!(
        g.make(Op::ToScalar(s1), sp()),
        s,
        "ToScalar(FromScalar(s)) = s"
    );
    let inv = g.inv(a, sp());
    assert_eq!(g.inv(inv, sp()), a);
    let ld = g.make(Op::Logdet(inv), sp());
    assert_eq!(unicode(&g, ld), "−logdet(A)");
}

#[test]
fn elementwise_rules() {
    let (mut g, [a, _, _, _, _]) = setup();
    let two = g.literal(2.0, sp());
    let p = g.make(Op::Powf(a, two), sp());
    assert_eq!(
        *g.op(p),
        Op::Map(Func::Powi(2), a),
        "an integer real power is powi"
    );
    assert_eq!(g.map(Func::Powi(1), a, sp()), a);
    assert!({
        let t = g.map(Func::Powi(0), a, sp());
        g.is_ones(t)
    });
    let z = g.zeros(&m(3, 3), sp());
    assert!({
        let t = g.map(Func::Sin, z, sp());
        g.is_zero(t)
    });
    let zero = g.literal(0.0, sp());
    let e = g.map(Func::Exp, zero, sp());
    assert_eq!(g.literal_of(e), Some(1.0));
    let ones = g.ones(&m(3, 3), sp());
    assert_eq!(
        *{
            let t = g.elem_div(ones, a, sp());
            g.op(t)
        },
        Op::Map(Func::Recip, a)
    );
}

#[test]
#[should_panic(expected = "matcalc engine bug")]
fn ill_shaped_node_is_a_clear_panic() {
    let (mut g, [a, _, x, _, _]) = setup();
    g.matmul(x, a, sp());
}

#[test]
fn scalar_multiples_of_one_matrix_combine() {
    let (mut g, [a, _, _, s, t]) = setup();
    let sa = g.scale(s, a, sp());
    let ta = g.scale(t, a, sp());
    let sum = g.add(sa, ta, sp());
    assert_eq!(unicode(&g, sum), "(s + t) A");
    let diff = g.sub(sa, a, sp());
    assert_eq!(unicode(&g, diff), "(s − 1) A");
}

#[test]
fn powers_of_one_matrix_merge() {
    let (mut g, [a, _, _, _, _]) = setup();
    let aa = g.matmul(a, a, sp());
    assert_eq!(*g.op(aa), Op::MatPow(a, 2));
    let a3 = g.matmul(aa, a, sp());
    assert_eq!(unicode(&g, a3), "A³");
    let i = g.make(Op::MatPow(a, 0), sp());
    assert!(g.is_identity(i));
    assert_eq!(g.make(Op::MatPow(a, 1), sp()), a);
}

#[test]
fn division_by_a_literal_folds_with_other_coefficients() {
    // 2 (s / 2) x → s x
    let (mut g, [_, _, x, s_, _]) = setup();
    let two = g.literal(2.0, sp());
    let half_s = g.div(s_, two, sp());
    let inner = g.scale(half_s, x, sp());
    let outer = g.scale(two, inner, sp());
    assert_eq!(unicode(&g, outer), "s x");
}
