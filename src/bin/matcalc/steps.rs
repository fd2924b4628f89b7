//! `--steps`: the derivation of a gradient in reverse mode, for a learner. Every subexpression
//! on a path from the output to the variable gets its adjoint Ḡ = ∂φ/∂(subexpression), listed
//! from the output back, each with the rule that produced it from the lines above.

use matcalc_symbolic::diff;
use matcalc_symbolic::ir::{Func, Graph, NodeId, Op};
use matcalc_symbolic::request::Prepared;

use matcalc_symbolic::generate::Derivative;

use crate::derive::{group, Notation};

pub fn print(p: &mut Prepared, kind: Derivative, wrt: &[usize], n: Notation) {
    if !kind.needs_scalar() {
        println!(
            "(--steps shows the reverse-mode derivation of gradients; a Jacobian stacks one \
             such vector–Jacobian product per output entry)\n"
        );
        return;
    }
    let chain = diff::adjoint_chain(&mut p.graph, p.value, wrt);
    let g = &p.graph;
    let phi = n.formula(g, p.value);
    let names: Vec<&str> = wrt.iter().map(|&i| p.variables[i].name.as_str()).collect();
    println!(
        "Derivation (reverse mode) of φ = {phi} with respect to {}:",
        names.join(", ")
    );
    println!(
        "each line is the adjoint ∂φ/∂(subexpression), computed from the lines above by the rule \
         on the right (Ḡ is the adjoint of the expression the rule is about)."
    );
    let rows: Vec<[String; 4]> = chain
        .iter()
        .filter(|(node, _)| !matches!(g.op(*node), Op::ToScalar(_) | Op::FromScalar(_)))
        .map(|&(node, adjoint)| {
            let rule = if node == p.value {
                "start: ∂φ/∂φ = 1".to_string()
            } else {
                rules_into(g, &chain, node)
            };
            [
                format!("∂φ/∂{}", group(&n.formula(g, node))),
                n.formula(g, adjoint),
                g.shape(node).to_string(),
                rule,
            ]
        })
        .collect();
    let width = |k: usize| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [lhs, rhs, shape, rule] in &rows {
        println!(
            "  {lhs:<w0$} = {rhs:<w1$}  {shape:<w2$}  {rule}",
            w0 = w0,
            w1 = w1,
            w2 = w2
        );
    }
    println!();
}

/// The rules by which the users of `node` (on the chain) passed their adjoints to it.
fn rules_into(g: &Graph, chain: &[(NodeId, NodeId)], node: NodeId) -> String {
    let mut rules: Vec<String> = Vec::new();
    for &(user, _) in chain {
        let args = g.op(user).args();
        for (position, &arg) in args.iter().enumerate() {
            if arg == node {
                let rule = rule(g.op(user), position);
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
            }
        }
    }
    rules.join("; ")
}

/// The adjoint rule of `op` for its operand number `position`, in words.
fn rule(op: &Op, position: usize) -> String {
    let second = position == 1;
    let text = match op {
        Op::Add(..) => "A + B: Ā = B̄ = Ḡ",
        Op::Sub(..) if second => "A − B: B̄ = −Ḡ",
        Op::Sub(..) => "A − B: Ā = Ḡ",
        Op::Neg(_) => "−A: Ā = −Ḡ",
        Op::Mul(..) => "a b: ā = ḡ b, b̄ = ḡ a",
        Op::Scale(..) if second => "s A: Ā = s Ḡ",
        Op::Scale(..) => "s A: s̄ = ⟨Ḡ, A⟩",
        Op::MatMul(..) if second => "A B: B̄ = Aᵀ Ḡ",
        Op::MatMul(..) => "A B: Ā = Ḡ Bᵀ",
        Op::OnesMul(..) | Op::MulOnes(..) => "product with 𝟙: the adjoint is summed or broadcast",
        Op::Div(..) if second => "A / k: k̄ = −⟨Ḡ, A / k⟩ / k",
        Op::Div(..) => "A / k: Ā = Ḡ / k",
        Op::Hadamard(..) => "A ⊙ B: Ā = Ḡ ⊙ B, B̄ = Ḡ ⊙ A",
        Op::ElemDiv(..) if second => "A ⊘ B: B̄ = −Ḡ ⊙ A ⊘ B∘²",
        Op::ElemDiv(..) => "A ⊘ B: Ā = Ḡ ⊘ B",
        Op::Kron(..) => "A ⊗ B: Ā, B̄ are partial traces of Ḡ against the other factor",
        Op::Transpose(_) => "Aᵀ: Ā = Ḡᵀ",
        Op::Inv(_) => "A⁻¹: Ā = −A⁻ᵀ Ḡ A⁻ᵀ",
        Op::MatPow(..) => "Aᵏ: Ā = Σᵢ (Aⁱ)ᵀ Ḡ (Aᵏ⁻¹⁻ⁱ)ᵀ",
        Op::Map(f, _) => return map_rule(*f),
        Op::Powf(..) if second => "A^∘p: p̄ = ⟨Ḡ, A^∘p ⊙ log(A)⟩",
        Op::Powf(..) => "A^∘p: Ā = p Ḡ ⊙ A^∘(p − 1)",
        Op::Trace(_) => "tr(A): Ā = ḡ I",
        Op::Sum(_) => "sum(A): Ā = ḡ 𝟙",
        Op::Det(_) => "det(A): Ā = ḡ det(A) A⁻ᵀ",
        Op::Logdet(_) => "logdet(A): Ā = ḡ A⁻ᵀ",
        Op::Softmax(_) => "s = softmax(x): x̄ = s ⊙ (Ḡ − ⟨Ḡ, s⟩ 𝟙)",
        Op::Logsumexp(_) => "logsumexp(A): Ā = ḡ softmax(A)",
        Op::Vec(_) => "vec(A): Ā = Ḡ reshaped like A",
        Op::Unvec(..) => "unvec(a): ā = vec(Ḡ)",
        Op::Diag(_) => "diag(v): v̄ = diagonal(Ḡ)",
        Op::Diagonal(_) => "diagonal(A): Ā = diag(Ḡ)",
        Op::Dot(..) => "⟨A, B⟩: Ā = ḡ B, B̄ = ḡ A",
        Op::Norm(_) => "‖A‖: Ā = ḡ A / ‖A‖ (0 at A = 0)",
        Op::NormSq(_) => "‖A‖²: Ā = 2 ḡ A",
        Op::ToScalar(_) | Op::FromScalar(_) => "a 1×1 matrix is a scalar: the same adjoint",
        Op::Atan2(..) if second => "atan2(Y, X): X̄ = −Ḡ ⊙ Y ⊘ (X∘² + Y∘²)",
        Op::Atan2(..) => "atan2(Y, X): Ȳ = Ḡ ⊙ X ⊘ (X∘² + Y∘²)",
        Op::Param(_)
        | Op::Literal(_)
        | Op::Zeros(..)
        | Op::Ones(..)
        | Op::Identity(_)
        | Op::Commutation(..)
        | Op::KronPerm(..) => "a leaf: no operands",
        Op::KronAdjointLeft(..) | Op::KronAdjointRight(..) => {
            "Kronecker adjoint: bilinear, its adjoint is a Kronecker product or the other adjoint"
        }
        Op::KronRearrange(..) => "rearrangement: linear, its adjoint rearranges back",
        Op::Symmetrize(_) => "½(H + Hᵀ): Ā = ½(Ḡ + Ḡᵀ)",
        Op::SoftmaxCols(_) | Op::SoftmaxRows(_) => {
            "S = softmax of each column (row): Ā = S ⊙ Ḡ − S ⊙ (column (row) sums of S ⊙ Ḡ)"
        }
        Op::LogsumexpCols(_) | Op::LogsumexpRows(_) => {
            "logsumexp of each column (row): Ā = softmax of each column (row) ⊙ Ḡ broadcast"
        }
        Op::Solve(..) if second => "X = solve(A, B): B̄ = solve(Aᵀ, Ḡ)",
        Op::Solve(..) => "X = solve(A, B): Ā = −solve(Aᵀ, Ḡ) Xᵀ",
        Op::Cholesky(_) => "L = chol(A): Ā = sym(L⁻ᵀ Φ(Lᵀ tril(L̄)) L⁻¹)",
        Op::Tril(_) => "tril(A): Ā = tril(Ḡ)",
        Op::Phi(_) => "Φ(A): Ā = Φ(Ḡ)",
        Op::Const(..) => "a named constant: no operands",
    };
    text.to_string()
}

/// The elementwise rule, with the derivative f′ from the operation table (the text of the
/// rule the engine applies).
fn map_rule(f: Func) -> String {
    format!(
        "{}(A) elementwise: Ā = Ḡ ⊙ {}",
        f.name(),
        f.derivative_text()
    )
}
