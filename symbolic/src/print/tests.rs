//! Precedence and notation of the printer, on hand-built graphs.

use proc_macro2::Span;

use super::{latex, unicode};
use crate::ir::{Dim, Func, Graph, NodeId, Op, Param, ScalarType, Shape};

fn sp() -> Span {
    Span::call_site()
}

/// A, B: 3×3; v: 3×1; s: scalar; x_hat: 3×1.
fn setup() -> (Graph, [NodeId; 5]) {
    let m = |r, c| Shape::matrix(Dim::Known(r), Dim::Known(c));
    let params = [
        ("A", m(3, 3)),
        ("B", m(3, 3)),
        ("v", m(3, 1)),
        ("s", Shape::Scalar),
        ("x_hat", m(3, 1)),
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

fn both(g: &Graph, id: NodeId) -> (String, String) {
    (unicode(g, id), latex(g, id))
}

#[test]
fn sums_products_and_parentheses() {
    let (mut g, [a, b, v, s, _]) = setup();
    let ab = g.add(a, b, sp());
    let abv = g.matmul(ab, v, sp());
    assert_eq!(both(&g, abv), ("(A + B) v".into(), "(A + B) v".into()));
    let amb = g.sub(a, ab, sp());
    assert_eq!(unicode(&g, amb), "A − (A + B)");
    let h = g.hadamard(a, b, sp());
    let hb = g.matmul(h, b, sp());
    assert_eq!(both(&g, hb), ("(A ⊙ B) B".into(), r"(A \odot B) B".into()));
    let bv = g.matmul(b, v, sp());
    let hv = g.hadamard(v, bv, sp());
    // Products beside ⊙ are parenthesized for the reader, though they bind tighter.
    assert_eq!(unicode(&g, hv), "v ⊙ (B v)");
    let k = g.make(Op::Kron(a, b), sp());
    assert_eq!(latex(&g, k), r"A \otimes B");
    let q = g.elem_div(a, ab, sp());
    assert_eq!(unicode(&g, q), "A ⊘ (A + B)");
    let half = g.literal(0.5, sp());
    let hs = g.scale(half, a, sp());
    let neg = g.neg(hs, sp());
    assert_eq!(both(&g, neg), ("−0.5 A".into(), "-0.5 A".into()));
    let sv = g.scale(s, v, sp());
    let d = g.sub(v, sv, sp());
    assert_eq!(unicode(&g, d), "(1 − s) v");
}

#[test]
fn postfix_operators() {
    let (mut g, [a, b, v, s, _]) = setup();
    let ab = g.matmul(a, b, sp());
    let abt = g.transpose(ab, sp());
    assert_eq!(both(&g, abt), ("(A B)ᵀ".into(), r"(A B)^\top".into()));
    let inv = g.inv(a, sp());
    assert_eq!(both(&g, inv), ("A⁻¹".into(), "A^{-1}".into()));
    let p3 = g.make(Op::MatPow(a, 3), sp());
    assert_eq!(both(&g, p3), ("A³".into(), "A^{3}".into()));
    let at = g.transpose(a, sp());
    let atp = g.make(Op::MatPow(at, 12), sp());
    assert_eq!(both(&g, atp), ("(Aᵀ)¹²".into(), r"(A^\top)^{12}".into()));
    let sq = g.map(Func::Powi(2), a, sp());
    assert_eq!(both(&g, sq), ("A∘²".into(), r"A^{\circ 2}".into()));
    let ssq = g.map(Func::Powi(-2), s, sp());
    assert_eq!(unicode(&g, ssq), "s⁻²");
    let vvt = g.transpose(v, sp());
    let outer = g.matmul(v, vvt, sp());
    assert_eq!(both(&g, outer), ("v vᵀ".into(), r"v v^\top".into()));
    let pf = g.make(Op::Powf(a, s), sp());
    assert_eq!(both(&g, pf), ("A^∘s".into(), r"A^{\circ s}".into()));
}

#[test]
fn functions_and_atoms() {
    let (mut g, [a, b, v, s, x_hat]) = setup();
    let e = g.map(Func::Exp, a, sp());
    let sig = g.map(Func::Sigmoid, v, sp());
    assert_eq!(both(&g, e), ("exp(A)".into(), r"\exp(A)".into()));
    assert_eq!(both(&g, sig), ("σ(v)".into(), r"\sigma(v)".into()));
    let tr = g.make(Op::Trace(a), sp());
    assert_eq!(latex(&g, tr), r"\operatorname{tr}(A)");
    let d = g.dot(a, b, sp());
    assert_eq!(
        both(&g, d),
        ("⟨A, B⟩".into(), r"\langle A, B \rangle".into())
    );
    let n = g.make(Op::NormSq(v), sp());
    assert_eq!(both(&g, n), ("‖v‖²".into(), r"\lVert v \rVert^2".into()));
    let abs = g.map(Func::Abs, s, sp());
    assert_eq!(unicode(&g, abs), "|s|");
    let diag = g.make(Op::Diag(x_hat), sp());
    assert_eq!(
        both(&g, diag),
        ("diag(x_hat)".into(), r"\operatorname{diag}(x\_hat)".into())
    );
    let one = g.ones(&Shape::matrix(Dim::Known(3), Dim::Known(3)), sp());
    let i = g.identity(Dim::Known(3), sp());
    let oi = g.add(one, i, sp());
    assert_eq!(both(&g, oi), ("𝟙 + I".into(), r"\mathbf{1} + I".into()));
    let three = g.literal(3.0, sp());
    let q = g.div(s, three, sp());
    assert_eq!(both(&g, q), ("s / 3".into(), r"\frac{s}{3}".into()));
    let neg = g.literal(-2.5, sp());
    let nv = g.scale(neg, v, sp());
    let sum = g.add(v, nv, sp());
    assert_eq!(unicode(&g, sum), "−1.5 v", "like terms combine");
    assert_eq!(unicode(&g, nv), "−2.5 v");
}

/// `y = σ(W y) + y`, `steps` times over a 3-vector: each step is used twice by the next.
fn chain(steps: usize) -> (Graph, NodeId) {
    let m = |r, c| Shape::matrix(Dim::Known(r), Dim::Known(c));
    let params = [("W", m(3, 3)), ("y", m(3, 1))]
        .into_iter()
        .map(|(name, shape)| Param {
            name: name.into(),
            shape,
            span: sp(),
        })
        .collect();
    let mut g = Graph::new(params, ScalarType::F64);
    let w = g.make(Op::Param(0), sp());
    let mut y = g.make(Op::Param(1), sp());
    for _ in 0..steps {
        let wy = g.matmul(w, y, sp());
        let s = g.map(Func::Sigmoid, wy, sp());
        y = g.add(s, y, sp());
    }
    (g, y)
}

#[test]
fn short_formulas_stay_inline_though_shared() {
    let (g, y) = chain(2);
    assert_eq!(unicode(&g, y), "σ(W (σ(W y) + y)) + (σ(W y) + y)");
}

#[test]
fn long_formulas_name_shared_subterms_once_in_both_notations() {
    let (g, y) = chain(6);
    assert_eq!(
        unicode(&g, y),
        "σ(W t₅) + t₅ where t₁ = σ(W y) + y, t₂ = σ(W t₁) + t₁, t₃ = σ(W t₂) + t₂, \
         t₄ = σ(W t₃) + t₃, t₅ = σ(W t₄) + t₄"
    );
    assert_eq!(
        latex(&g, y),
        r"\sigma(W t_{5}) + t_{5} \quad \text{where } t_{1} = \sigma(W y) + y,\; t_{2} = \sigma(W t_{1}) + t_{1},\; t_{3} = \sigma(W t_{2}) + t_{2},\; t_{4} = \sigma(W t_{3}) + t_{3},\; t_{5} = \sigma(W t_{4}) + t_{4}"
    );
}

#[test]
fn formulas_past_the_cap_are_not_shown() {
    // 2¹⁵⁰⁰ characters inline; about 20 per step named, which passes MAX_CHARS.
    let (g, y) = chain(1_500);
    let text = unicode(&g, y);
    assert!(
        text.starts_with("(the formula is too long to show: "),
        "{text}"
    );
    assert!(text.len() < 200);
    let (g, y) = chain(300);
    assert!(unicode(&g, y).contains("t₂₉₉ = "));
}
