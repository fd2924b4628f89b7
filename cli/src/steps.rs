//! `--steps`: the derivation of a gradient in reverse mode, for a learner. Every subexpression
//! on a path from the output to the variable gets its adjoint Ḡ = ∂φ/∂(subexpression), listed
//! from the output back, each with the rule that produced it from the lines above.

use matcalc_symbolic::diff;
use matcalc_symbolic::ir::{Graph, NodeId, Op};
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
                let rule = diff::adjoint_text(g.op(user), position);
                if !rules.contains(&rule) {
                    rules.push(rule);
                }
            }
        }
    }
    rules.join("; ")
}
