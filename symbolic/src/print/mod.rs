//! Formulas for humans: the last stage, beside `emit`. Turns a node of the readable graph (the
//! one `diff` and `simplify` build, before `lower` rewrites it for speed) into matrix notation —
//! `(W x − y) xᵀ`, `det(X) X⁻ᵀ`, `𝟙 Yᵀ` — for the doc comments of generated functions and the
//! command-line tool, in Unicode ([`unicode`]) or LaTeX ([`latex`]).
//!
//! One precedence walk (this module) decides structure and parentheses; the two notations
//! (`unicode`, `latex` submodules) only supply tokens, so the two outputs always agree. A short
//! formula is printed inline. A long one names its shared subterms once (`… where t₁ = W y,
//! t₂ = σ(t₁) + y`, see the `shared` submodule), so its length grows with the graph, never
//! with the number of paths through it; past [`MAX_CHARS`] it is not shown at all.

mod latex;
mod shared;
#[cfg(test)]
mod tests;
mod unicode;
mod views;

use crate::ast::Call;
use crate::ir::{Dim, Func, Graph, NodeId, Op};
use crate::table::call_name;

pub use shared::{INLINE_MAX, MAX_CHARS};

/// `id` in Unicode matrix notation, e.g. `(W x − y) xᵀ`.
pub fn unicode(g: &Graph, id: NodeId) -> String {
    formula(g, id, &unicode::Unicode)
}

/// `id` in LaTeX, e.g. `(W x - y) x^\top`.
pub fn latex(g: &Graph, id: NodeId) -> String {
    formula(g, id, &latex::Latex)
}

fn formula(g: &Graph, id: NodeId, n: &dyn Notation) -> String {
    if let Op::Identity(d) = g.op(id) {
        return n.sized_identity(d);
    }
    shared::Plan::new(g, id).render(g, n)
}

/// How tightly a printed form binds, loosest first. An operand printed at a lower level than its
/// position requires is parenthesized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    /// `a + b`, `a − b`.
    Sum,
    /// Starts with a minus sign: `−a`, `−2 A`, `−A B`.
    Neg,
    /// `A ⊙ B`, `A ⊘ B`, `A ⊗ B`, `a / b`.
    Infix,
    /// Juxtaposition: `A B`, `s A`.
    Product,
    /// `Aᵀ`, `A⁻¹`, `A∘²`, `‖A‖²`.
    Postfix,
    /// Names, numbers, constants, `f(A)`, `‖A‖`, `⟨A, B⟩`.
    Atom,
}

/// The tokens of one notation.
trait Notation {
    fn minus(&self) -> &'static str;
    fn transpose(&self) -> &'static str;
    fn inverse(&self) -> &'static str;
    fn inverse_transpose(&self) -> &'static str;
    fn ones(&self) -> &'static str;
    fn identity(&self) -> &'static str;
    fn zero(&self) -> &'static str;
    fn hadamard(&self) -> &'static str;
    fn elem_div(&self) -> &'static str;
    fn kron(&self) -> &'static str;
    fn squared(&self) -> &'static str;
    /// A parameter's name.
    fn name(&self, name: &str) -> String;
    /// A non-negative number, without a trailing `.0`.
    fn number(&self, v: f64) -> String {
        format!("{v}")
    }
    /// The suffix for the k-th power (matrix power, or elementwise `∘`).
    fn power(&self, k: i32, elementwise: bool) -> String;
    /// The suffix for a real power whose exponent printed as `exp` at precedence `prec`.
    fn real_power(&self, exp: &str, prec: Prec, elementwise: bool) -> String;
    /// A named function applied to already-printed arguments: `tr(A)`, `σ(x)`.
    fn call(&self, func: &str, args: &str) -> String;
    fn abs(&self, inner: &str) -> String;
    fn norm(&self, inner: &str) -> String;
    fn inner(&self, a: &str, b: &str) -> String;
    /// A stacked fraction, if the notation has one (then it is an atom).
    fn frac(&self, num: &str, den: &str) -> Option<String>;
    fn commutation(&self, m: &Dim, n: &Dim) -> String;
    /// The identity with its dimension shown (`I₃`, `I_M`), where the size is not implied.
    fn sized_identity(&self, n: &Dim) -> String;
    /// The name of the k-th shared subterm (from 1): `t₁`, `t_{1}`.
    fn subterm(&self, k: usize) -> String;
    /// `formula where t₁ = …, t₂ = …` for the named subterms `(name, definition)`.
    fn where_clause(&self, formula: &str, definitions: &[(String, String)]) -> String;
    /// What is shown instead of a formula of `chars` characters with `names` named subterms.
    /// Block notation: `[a b; c d]`.
    fn block_matrix(&self, rows: &[Vec<String>]) -> String {
        let rows: Vec<String> = rows.iter().map(|r| r.join(" ")).collect();
        format!("[{}]", rows.join("; "))
    }

    fn too_long(&self, chars: usize, names: usize) -> String {
        format!("(the formula is too long to show: {chars} characters with {names} named subterms)")
    }
}

/// The precedence walk over one node at a time: a node's operands have been printed before it
/// (`printed`, indexed by node id), as their text or as their name.
struct Printer<'a> {
    g: &'a Graph,
    n: &'a dyn Notation,
    printed: Vec<Option<(String, Prec)>>,
}

impl Printer<'_> {
    /// Operand `id` as printed (its text, or its name).
    fn expr(&self, id: NodeId) -> (String, Prec) {
        self.printed[id.index()]
            .clone()
            .expect("operands are printed before their users")
    }

    /// Node `id`, its operands read from `printed`.
    fn node(&self, id: NodeId) -> (String, Prec) {
        let (g, n) = (self.g, self.n);
        let elementwise = |x: NodeId| !g.shape(x).is_scalar();
        match *g.op(id) {
            Op::Param(i) => (n.name(&g.params[i].name), Prec::Atom),
            Op::Literal(bits) => {
                let v = f64::from_bits(bits);
                if v < 0.0 {
                    (format!("{}{}", n.minus(), n.number(-v)), Prec::Neg)
                } else {
                    (n.number(v), Prec::Atom)
                }
            }
            Op::Zeros(..) => (n.zero().to_owned(), Prec::Atom),
            Op::Ones(..) => (n.ones().to_owned(), Prec::Atom),
            Op::Identity(_) => (n.identity().to_owned(), Prec::Atom),
            Op::Commutation(ref a, ref b) => (n.commutation(a, b), Prec::Atom),
            Op::Add(a, b) => (
                format!(
                    "{} + {}",
                    self.wrap(a, Prec::Sum),
                    self.wrap(b, Prec::Infix)
                ),
                Prec::Sum,
            ),
            Op::Sub(a, b) => (
                format!(
                    "{} {} {}",
                    self.wrap(a, Prec::Sum),
                    n.minus(),
                    self.wrap(b, Prec::Infix)
                ),
                Prec::Sum,
            ),
            Op::Neg(a) => (
                format!("{}{}", n.minus(), self.wrap(a, Prec::Product)),
                Prec::Neg,
            ),
            // s I: the identity's size is not implied by a neighbour.
            Op::Scale(a, b) if matches!(g.op(b), Op::Identity(_)) => {
                let Op::Identity(d) = g.op(b) else {
                    unreachable!("checked by the guard")
                };
                product(self.expr(a), (n.sized_identity(d), Prec::Atom))
            }
            Op::Mul(a, b) | Op::Scale(a, b) | Op::MatMul(a, b) => {
                product(self.expr(a), self.expr(b))
            }
            Op::OnesMul(_, b) => product((n.ones().to_owned(), Prec::Atom), self.expr(b)),
            Op::MulOnes(b, _) => product(self.expr(b), (n.ones().to_owned(), Prec::Atom)),
            Op::Div(a, k) => match n.frac(&self.expr(a).0, &self.expr(k).0) {
                Some(f) => (f, Prec::Atom),
                None => (
                    format!(
                        "{} / {}",
                        self.wrap(a, Prec::Infix),
                        self.wrap(k, Prec::Postfix)
                    ),
                    Prec::Infix,
                ),
            },
            Op::Hadamard(a, b) => self.infix(a, n.hadamard(), b),
            Op::ElemDiv(a, b) => self.infix(a, n.elem_div(), b),
            Op::Kron(a, b) => self.kron(a, b),
            Op::KronPerm(ref m, ref cols, ref p, ref q) => (
                format!(
                    "{} {k} {} {k} {}",
                    n.sized_identity(cols),
                    n.commutation(q, m),
                    n.sized_identity(p),
                    k = n.kron()
                ),
                Prec::Infix,
            ),
            Op::KronRearrange(a, ..) => self.call("rearrange", &[a]),
            // Exactly symmetric in floating point; on paper the same matrix.
            Op::Symmetrize(a) => self.expr(a),
            // The inverse transpose is one symbol, X⁻ᵀ.
            Op::Transpose(a) => match *g.op(a) {
                Op::Inv(x) => self.postfix(x, n.inverse_transpose()),
                _ => self.postfix(a, n.transpose()),
            },
            Op::Inv(a) => self.postfix(a, n.inverse()),
            Op::MatPow(a, k) => self.postfix(a, &n.power(k, false)),
            Op::Map(Func::Powi(k), a) => self.postfix(a, &n.power(k, elementwise(a))),
            // The `_or_zero` forms differ from 1/x and ln x only at 0 (documented there).
            Op::Map(Func::Recip | Func::RecipOrZero, a) => {
                self.postfix(a, &n.power(-1, elementwise(a)))
            }
            Op::Map(Func::LogOrZero, a) => self.call(Func::Log.name(), &[a]),
            Op::Map(Func::Abs, a) if !elementwise(a) => (n.abs(&self.expr(a).0), Prec::Atom),
            Op::Map(f, a) => self.call(f.name(), &[a]),
            Op::Powf(a, p) => {
                let (exp, prec) = self.expr(p);
                self.postfix(a, &n.real_power(&exp, prec, elementwise(a)))
            }
            Op::Trace(a) => self.call(call_name(Call::Trace), &[a]),
            Op::Sum(a) => self.call(call_name(Call::Sum), &[a]),
            Op::Det(a) => self.call(call_name(Call::Det), &[a]),
            Op::Logdet(a) => self.call(call_name(Call::Logdet), &[a]),
            Op::Atan2(y, x) => self.call(call_name(Call::Atan2), &[y, x]),
            Op::Softmax(a) => self.call(call_name(Call::Softmax), &[a]),
            Op::Logsumexp(a) => self.call(call_name(Call::Logsumexp), &[a]),
            Op::SoftmaxCols(a) => self.call(call_name(Call::SoftmaxCols), &[a]),
            Op::SoftmaxRows(a) => self.call(call_name(Call::SoftmaxRows), &[a]),
            Op::LogsumexpCols(a) => self.call(call_name(Call::LogsumexpCols), &[a]),
            Op::LogsumexpRows(a) => self.call(call_name(Call::LogsumexpRows), &[a]),
            Op::Solve(a, b) => self.call(call_name(Call::Solve), &[a, b]),
            Op::Cholesky(a) => self.call("chol", &[a]),
            Op::Tril(a) => self.call("tril", &[a]),
            Op::Phi(a) => self.call("Φ", &[a]),
            // A standard constant by its name (`PI`), a user's by its path as written.
            Op::Const(ref path, value) => {
                let short = path.rsplit("::").next().unwrap_or(path);
                let shown = if value.is_some() { short } else { path };
                (n.name(shown), Prec::Atom)
            }
            Op::Vec(a) => self.call(call_name(Call::Vec), &[a]),
            Op::Unvec(a, ..) => self.call("unvec", &[a]),
            Op::Entry(a, i, j) => self.entry(a, i, j),
            Op::View(a, i, j, ref r, ref c) => self.view(a, i, j, r, c),
            Op::Blocks(ref r, ref c, ref blocks) => self.blocks(r, c, blocks),
            Op::Diag(a) => self.call(call_name(Call::Diag), &[a]),
            Op::Diagonal(a) => self.call(call_name(Call::Diagonal), &[a]),
            Op::KronAdjointLeft(a, b) => self.call("kron_adj_left", &[a, b]),
            Op::KronAdjointRight(a, b) => self.call("kron_adj_right", &[a, b]),
            Op::Dot(a, b) => (n.inner(&self.expr(a).0, &self.expr(b).0), Prec::Atom),
            Op::Norm(a) => (n.norm(&self.expr(a).0), Prec::Atom),
            Op::NormSq(a) => (
                format!("{}{}", n.norm(&self.expr(a).0), n.squared()),
                Prec::Postfix,
            ),
            // A 1×1 matrix and a scalar read the same on paper.
            Op::ToScalar(a) | Op::FromScalar(a) => self.expr(a),
        }
    }

    /// `id` printed, parenthesized if it binds looser than `min`.
    fn wrap(&self, id: NodeId, min: Prec) -> String {
        let (s, p) = self.expr(id);
        if p < min {
            format!("({s})")
        } else {
            s
        }
    }

    fn infix(&self, a: NodeId, op: &str, b: NodeId) -> (String, Prec) {
        // A product beside ⊙ ⊘ ⊗ / is parenthesized although it binds tighter: `(Aᵀ r) ⊙ s`
        // reads unambiguously where `Aᵀ r ⊙ s` invites the reading `Aᵀ (r ⊙ s)`.
        let operand = |id: NodeId, min: Prec| {
            let (s, p) = self.expr(id);
            if p < min || p == Prec::Product {
                format!("({s})")
            } else {
                s
            }
        };
        (
            format!(
                "{} {op} {}",
                operand(a, Prec::Infix),
                operand(b, Prec::Product)
            ),
            Prec::Infix,
        )
    }

    /// `A ⊗ B`, with an identity operand's size shown (`yᵀ ⊗ I₃`): in a Kronecker product it is
    /// not implied by the neighbours.
    fn kron(&self, a: NodeId, b: NodeId) -> (String, Prec) {
        let side = |x: NodeId, min: Prec| match self.g.op(x) {
            Op::Identity(d) => self.n.sized_identity(d),
            _ => self.wrap(x, min),
        };
        (
            format!(
                "{} {} {}",
                side(a, Prec::Infix),
                self.n.kron(),
                side(b, Prec::Product)
            ),
            Prec::Infix,
        )
    }

    fn postfix(&self, a: NodeId, suffix: &str) -> (String, Prec) {
        (
            format!("{}{suffix}", self.wrap(a, Prec::Atom)),
            Prec::Postfix,
        )
    }

    fn call(&self, func: &str, args: &[NodeId]) -> (String, Prec) {
        let args: Vec<String> = args.iter().map(|&a| self.expr(a).0).collect();
        (self.n.call(func, &args.join(", ")), Prec::Atom)
    }
}

/// Juxtaposition. A leading minus may stay in front (`−2 A`, `−X⁻ᵀ Aᵀ X⁻ᵀ`), which makes the
/// whole product a `Neg` for whatever contains it.
fn product((l, lp): (String, Prec), (r, rp): (String, Prec)) -> (String, Prec) {
    let l = if lp >= Prec::Product || lp == Prec::Neg {
        l
    } else {
        format!("({l})")
    };
    let r = if rp >= Prec::Product {
        r
    } else {
        format!("({r})")
    };
    let prec = if lp == Prec::Neg {
        Prec::Neg
    } else {
        Prec::Product
    };
    (format!("{l} {r}"), prec)
}
