//! `--steps` has an adjoint rule in words for every operation and every operand position.

use crate::diff::adjoint_text;
use crate::ir::{Dim, Func, NodeId, Op};

/// The number of `Op` variants: `variant_index` below has no `_` arm, so a new variant does not
/// compile until it gets an index, and then `every_variant_has_a_rule_text` fails until
/// `one_of_each` holds an instance of it.
const VARIANTS: usize = 56;

fn variant_index(op: &Op) -> usize {
    match op {
        Op::Param(_) => 0,
        Op::Literal(_) => 1,
        Op::Zeros(..) => 2,
        Op::Ones(..) => 3,
        Op::Identity(_) => 4,
        Op::Commutation(..) => 5,
        Op::Add(..) => 6,
        Op::Sub(..) => 7,
        Op::Neg(_) => 8,
        Op::Mul(..) => 9,
        Op::Scale(..) => 10,
        Op::MatMul(..) => 11,
        Op::Div(..) => 12,
        Op::Transpose(_) => 13,
        Op::Trace(_) => 14,
        Op::Sum(_) => 15,
        Op::Det(_) => 16,
        Op::Logdet(_) => 17,
        Op::Inv(_) => 18,
        Op::Dot(..) => 19,
        Op::Norm(_) => 20,
        Op::NormSq(_) => 21,
        Op::Hadamard(..) => 22,
        Op::ElemDiv(..) => 23,
        Op::Kron(..) => 24,
        Op::Vec(_) => 25,
        Op::Unvec(..) => 26,
        Op::Diag(_) => 27,
        Op::Diagonal(_) => 28,
        Op::Map(..) => 29,
        Op::Powf(..) => 30,
        Op::Atan2(..) => 31,
        Op::MatPow(..) => 32,
        Op::Softmax(_) => 33,
        Op::Logsumexp(_) => 34,
        Op::SoftmaxCols(_) => 35,
        Op::SoftmaxRows(_) => 36,
        Op::LogsumexpCols(_) => 37,
        Op::LogsumexpRows(_) => 38,
        Op::Solve(..) => 39,
        Op::Cholesky(_) => 40,
        Op::Tril(_) => 41,
        Op::Phi(_) => 42,
        Op::Const(..) => 43,
        Op::ToScalar(_) => 44,
        Op::FromScalar(_) => 45,
        Op::OnesMul(..) => 46,
        Op::MulOnes(..) => 47,
        Op::KronAdjointLeft(..) => 48,
        Op::KronAdjointRight(..) => 49,
        Op::KronPerm(..) => 50,
        Op::KronRearrange(..) => 51,
        Op::Symmetrize(_) => 52,
        Op::Entry(..) => 53,
        Op::View(..) => 54,
        Op::Blocks(..) => 55,
    }
}

fn one_of_each() -> Vec<Op> {
    let (a, b) = (NodeId(0), NodeId(1));
    let d = || Dim::Known(2);
    let mut ops = vec![
        Op::Param(0),
        Op::Literal(1.0f64.to_bits()),
        Op::Zeros(d(), d()),
        Op::Ones(d(), d()),
        Op::Identity(d()),
        Op::Commutation(d(), d()),
        Op::Add(a, b),
        Op::Sub(a, b),
        Op::Neg(a),
        Op::Mul(a, b),
        Op::Scale(a, b),
        Op::MatMul(a, b),
        Op::Div(a, b),
        Op::Transpose(a),
        Op::Trace(a),
        Op::Sum(a),
        Op::Det(a),
        Op::Logdet(a),
        Op::Inv(a),
        Op::Dot(a, b),
        Op::Norm(a),
        Op::NormSq(a),
        Op::Hadamard(a, b),
        Op::ElemDiv(a, b),
        Op::Kron(a, b),
        Op::Vec(a),
        Op::Unvec(a, d(), d()),
        Op::Diag(a),
        Op::Diagonal(a),
        Op::Powf(a, b),
        Op::Atan2(a, b),
        Op::MatPow(a, 3),
        Op::Softmax(a),
        Op::Logsumexp(a),
        Op::SoftmaxCols(a),
        Op::SoftmaxRows(a),
        Op::LogsumexpCols(a),
        Op::LogsumexpRows(a),
        Op::Solve(a, b),
        Op::Cholesky(a),
        Op::Tril(a),
        Op::Phi(a),
        Op::Const("SIGMA".into(), None),
        Op::ToScalar(a),
        Op::FromScalar(a),
        Op::OnesMul(d(), a),
        Op::MulOnes(a, d()),
        Op::KronAdjointLeft(a, b),
        Op::KronAdjointRight(a, b),
        Op::KronPerm(d(), d(), d(), d()),
        Op::KronRearrange(a, d(), d()),
        Op::Symmetrize(a),
        Op::Entry(a, 0, 1),
        Op::View(a, 0, 0, d(), Dim::Known(1)),
        Op::Blocks(d(), d(), vec![(0, 0, a), (1, 1, b)]),
    ];
    ops.extend(Func::ALL.iter().map(|&f| Op::Map(f, a)));
    ops
}

#[test]
fn every_variant_has_a_rule_text() {
    let ops = one_of_each();
    let mut seen = [false; VARIANTS];
    for op in &ops {
        seen[variant_index(op)] = true;
        let operands = op.args().len().max(1);
        for position in 0..operands {
            let text = adjoint_text(op, position);
            assert!(text.contains(':'), "{op:?} operand {position}: {text:?}");
        }
    }
    let missing: Vec<usize> = (0..VARIANTS).filter(|&i| !seen[i]).collect();
    assert!(
        missing.is_empty(),
        "no instance of the variants {missing:?}"
    );
}

#[test]
fn the_two_operands_of_an_asymmetric_rule_get_their_own_text() {
    let (a, b) = (NodeId(0), NodeId(1));
    for op in [
        Op::Sub(a, b),
        Op::MatMul(a, b),
        Op::Div(a, b),
        Op::Powf(a, b),
        Op::Solve(a, b),
        Op::Atan2(a, b),
    ] {
        assert_ne!(adjoint_text(&op, 0), adjoint_text(&op, 1), "{op:?}");
    }
    let map = adjoint_text(&Op::Map(Func::Exp, a), 0);
    assert!(map.starts_with("exp(A) elementwise"), "{map}");
}
