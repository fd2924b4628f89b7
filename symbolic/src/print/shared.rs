//! Which subterms of a formula are printed once, by name. Printing the graph as a tree repeats a
//! shared subterm at every use, so a let chain `y = σ(W y) + y` of k steps prints 2ᵏ copies of its
//! first step. A formula whose inline text stays under [`INLINE_MAX`] characters is printed inline,
//! as it always was; a longer one names each subterm that is used more than once and is not
//! trivially small, and each subterm whose own text would pass [`SPLIT_MIN`], as MatrixCalculus.org
//! does: `t₂ ⊙ t₂ where t₁ = W y, t₂ = σ(t₁) + y`.
//!
//! Everything here is linear in the number of nodes the formula reads: one walk numbers the uses,
//! one pass in topological order prints each node once from its operands' text (which is bounded,
//! since long operands are named) and carries the inline length as a saturating count.

use super::{Notation, Prec, Printer};
use crate::ir::{Graph, NodeId, Op};

/// A formula whose inline text has at most this many characters is printed inline.
pub const INLINE_MAX: usize = 160;

/// A subterm used once is named when its text passes this many characters.
const SPLIT_MIN: usize = 120;

/// A formula (with its named subterms) longer than this is not shown; the doc says so instead.
pub const MAX_CHARS: usize = 20_000;

/// The operands whose text the printer reads for `id` (`Xᵀ` of `X⁻¹` reads X directly: `X⁻ᵀ`).
fn printed_operands(g: &Graph, id: NodeId) -> Vec<NodeId> {
    match *g.op(id) {
        Op::Transpose(a) => match *g.op(a) {
            Op::Inv(x) => vec![x],
            _ => vec![a],
        },
        ref op => op.args(),
    }
}

/// The nodes one formula prints, and which of them are named.
pub(super) struct Plan {
    root: NodeId,
    /// The nodes the formula reads, in topological (id) order.
    nodes: Vec<NodeId>,
    /// The name number (from 1) of each named node, by node id; empty when printed inline.
    names: Vec<Option<usize>>,
}

impl Plan {
    /// Decides, for the formula of `root`, whether it is printed inline and otherwise which
    /// subterms are named. The decisions are made once (on the Unicode text) and used for both
    /// notations, so they name the same subterms.
    pub(super) fn new(g: &Graph, root: NodeId) -> Plan {
        let mut uses = vec![0usize; g.len()];
        let mut seen = vec![false; g.len()];
        let mut stack = vec![root];
        seen[root.index()] = true;
        while let Some(id) = stack.pop() {
            for a in printed_operands(g, id) {
                uses[a.index()] += 1;
                if !std::mem::replace(&mut seen[a.index()], true) {
                    stack.push(a);
                }
            }
        }
        let nodes: Vec<NodeId> = (0..g.len())
            .filter(|&i| seen[i])
            .map(|i| NodeId(i as u32))
            .collect();

        let mut printer = Printer {
            g,
            n: &super::unicode::Unicode,
            printed: vec![None; g.len()],
        };
        let mut names = vec![None; g.len()];
        // The length of each node's text with every name expanded (saturating: it may be
        // exponential in the depth), and the length of the text it is printed as.
        let mut inline_len = vec![0u64; g.len()];
        let mut shown_len = vec![0u64; g.len()];
        let mut count = 0;
        for &id in &nodes {
            let (text, prec) = printer.node(id);
            let chars = text.chars().count();
            let mut full = chars as u64;
            for a in printed_operands(g, id) {
                full = full
                    .saturating_add(inline_len[a.index()])
                    .saturating_sub(shown_len[a.index()]);
            }
            inline_len[id.index()] = full;
            let leaf = g.op(id).args().is_empty();
            let shared = uses[id.index()] > 1 && chars >= 3 && (chars > 6 || prec < Prec::Postfix);
            let long = chars > SPLIT_MIN;
            if id != root && !leaf && (shared || long) {
                count += 1;
                names[id.index()] = Some(count);
                let name = printer.n.subterm(count);
                shown_len[id.index()] = name.chars().count() as u64;
                printer.printed[id.index()] = Some((name, Prec::Atom));
            } else {
                shown_len[id.index()] = chars as u64;
                printer.printed[id.index()] = Some((text, prec));
            }
        }
        if inline_len[root.index()] <= INLINE_MAX as u64 {
            names.clear();
        }
        Plan { root, nodes, names }
    }

    /// The formula in notation `n`: inline, or with its named subterms defined after it, or a
    /// note that it is too long to show.
    pub(super) fn render(&self, g: &Graph, n: &dyn Notation) -> String {
        let mut printer = Printer {
            g,
            n,
            printed: vec![None; g.len()],
        };
        let mut definitions = Vec::new();
        let mut chars = 0usize;
        for &id in &self.nodes {
            let (text, prec) = printer.node(id);
            match self.names.get(id.index()).copied().flatten() {
                Some(k) => {
                    let name = n.subterm(k);
                    chars = chars.saturating_add(text.chars().count());
                    definitions.push((name.clone(), text));
                    printer.printed[id.index()] = Some((name, Prec::Atom));
                }
                None => printer.printed[id.index()] = Some((text, prec)),
            }
        }
        let (formula, _) = printer.expr(self.root);
        chars = chars.saturating_add(formula.chars().count());
        if chars > MAX_CHARS {
            return n.too_long(chars, definitions.len());
        }
        if definitions.is_empty() {
            formula
        } else {
            n.where_clause(&formula, &definitions)
        }
    }
}
