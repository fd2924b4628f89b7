//! A proptest generator of random, well-shaped matrix expressions over every DSL operation, for
//! the finite-difference property tests. Expressions are generated *by target shape*: to make a
//! value of shape r×c the generator picks an operation that can produce r×c and recurses on the
//! operand shapes that operation needs, so every generated tree is well-shaped by construction
//! (no rejection sampling). Operands are wrapped in guards that keep them inside a smooth,
//! well-conditioned domain (positive before `log`, diagonally dominant before `inv`, ...), so a
//! finite-difference mismatch means a wrong derivative, not a singularity.
//!
//! The parameters are fixed: X 2×3, A 3×3, v 3×1, w 1×3, s scalar (non-square on purpose).

#[allow(dead_code)] // only `loops_fd` renders source
pub mod source;

use std::fmt;

use matcalc_symbolic::ir::{Dim, Func, Graph, NodeId, Op, Param, ScalarType, Shape};
use matcalc_symbolic::shape::rules::infer;
use matcalc_symbolic::table::Domain;
use proc_macro2::Span;
use proptest::prelude::*;

/// A shape of the generator's world: dims 1..=3, plus 6×1 and 1×6 so that `vec` of a 2×3 and
/// Kronecker products of vectors occur.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sh {
    S,
    M(usize, usize),
}

const DIMS: [usize; 3] = [1, 2, 3];

pub fn in_world(r: usize, c: usize) -> bool {
    (DIMS.contains(&r) && DIMS.contains(&c)) || (r, c) == (6, 1) || (r, c) == (1, 6)
}

pub fn all_shapes() -> Vec<Sh> {
    let mut v = vec![Sh::S, Sh::M(6, 1), Sh::M(1, 6)];
    for r in DIMS {
        for c in DIMS {
            v.push(Sh::M(r, c));
        }
    }
    v
}

/// The parameters: (name, shape).
pub const PARAMS: [(&str, Sh); 5] = [
    ("X", Sh::M(2, 3)),
    ("A", Sh::M(3, 3)),
    ("v", Sh::M(3, 1)),
    ("w", Sh::M(1, 3)),
    ("s", Sh::S),
];

pub fn param_len(i: usize) -> usize {
    match PARAMS[i].1 {
        Sh::S => 1,
        Sh::M(r, c) => r * c,
    }
}

/// The parameters' values from one flat vector (as proptest draws them), in `PARAMS` order.
#[allow(dead_code)] // not every property test draws flat values
pub fn values_from(flat: &[f64]) -> Vec<matcalc_symbolic::eval::Value> {
    use matcalc_symbolic::eval::Value;
    let mut rest = flat;
    PARAMS
        .iter()
        .enumerate()
        .map(|(i, (_, sh))| {
            let (now, later) = rest.split_at(param_len(i));
            rest = later;
            match *sh {
                Sh::S => Value::scalar(now[0]),
                Sh::M(r, c) => Value::from_columns(r, c, now),
            }
        })
        .collect()
}

/// Flat parameter values in [-1, 1], as many as `values_from` reads.
#[allow(dead_code)]
pub fn inputs() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1.0..1.0f64, total_len())
}

/// How many numbers `values_from` reads.
#[allow(dead_code)]
pub fn total_len() -> usize {
    (0..PARAMS.len()).map(param_len).sum()
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum U {
    Neg,
    T,
    Trace,
    Sum,
    Det,
    Logdet,
    Inv,
    Norm,
    NormSq,
    Vec,
    Diag,
    Diagonal,
    Map(Func),
    MatPow(i32),
    Softmax,
    Logsumexp,
    SoftmaxCols,
    SoftmaxRows,
    LogsumexpCols,
    LogsumexpRows,
    Cholesky,
    ToScalar,
    /// Entry (i, j).
    Entry(usize, usize),
    /// The p×q view at (i, j).
    View(usize, usize, usize, usize),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum B {
    Add,
    Sub,
    Mul,
    Scale,
    MatMul,
    Div,
    Dot,
    Hadamard,
    ElemDiv,
    Kron,
    Powf,
    Atan2,
    Solve,
    VStack,
    HStack,
}

/// A generated expression. Built into a graph by [`build`].
#[derive(Clone, PartialEq)]
pub enum E {
    Param(usize),
    Lit(f64),
    Eye(usize),
    Ones(usize, usize),
    Un(U, Box<E>),
    Bin(B, Box<E>, Box<E>),
    /// `matrix![..]`: r×c scalars, row by row.
    Grid(usize, usize, Vec<E>),
}

fn un(u: U, a: E) -> E {
    E::Un(u, Box::new(a))
}

fn bin(b: B, x: E, y: E) -> E {
    E::Bin(b, Box::new(x), Box::new(y))
}

/// Infix, DSL-like rendering, so a shrunk failure reads as a formula.
impl fmt::Display for E {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            E::Param(i) => write!(f, "{}", PARAMS[*i].0),
            E::Lit(x) => write!(f, "{x}"),
            E::Eye(n) => write!(f, "I{n}"),
            E::Ones(r, c) => write!(f, "ones{r}x{c}"),
            E::Un(u, a) => match u {
                U::Neg => write!(f, "-({a})"),
                U::T => write!(f, "({a}).t()"),
                U::Map(Func::Powi(k)) => write!(f, "powi({a}, {k})"),
                U::Map(func) => write!(f, "{}({a})", func.name()),
                U::MatPow(k) => write!(f, "matpow({a}, {k})"),
                U::ToScalar => write!(f, "scalar({a})"),
                U::Entry(i, j) => write!(f, "({a})[({i}, {j})]"),
                U::View(i, j, p, q) => write!(f, "({a}).fixed_view::<{p}, {q}>({i}, {j})"),
                other => write!(f, "{}({a})", format!("{other:?}").to_lowercase()),
            },
            E::Bin(b, x, y) => match b {
                B::Add => write!(f, "({x} + {y})"),
                B::Sub => write!(f, "({x} - {y})"),
                B::Mul | B::Scale | B::MatMul => write!(f, "({x} * {y})"),
                B::Div => write!(f, "({x} / {y})"),
                B::ElemDiv => write!(f, "elem_div({x}, {y})"),
                other => write!(f, "{}({x}, {y})", format!("{other:?}").to_lowercase()),
            },
            E::Grid(_, c, entries) => {
                let rows: Vec<String> = entries
                    .chunks(*c)
                    .map(|r| {
                        r.iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .collect();
                write!(f, "matrix![{}]", rows.join("; "))
            }
        }
    }
}

impl fmt::Debug for E {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

// ---- guards: keep operands where the function is smooth and well-conditioned ----

fn ones_of(sh: Sh) -> E {
    match sh {
        Sh::S => E::Lit(1.0),
        Sh::M(r, c) => E::Ones(r, c),
    }
}

/// e ⊙ e + 1 ≥ 1: safe under log, sqrt, powf, negative powers and division.
fn pos(e: E, sh: Sh) -> E {
    let sq = match sh {
        Sh::S => bin(B::Mul, e.clone(), e),
        Sh::M(..) => bin(B::Hadamard, e.clone(), e),
    };
    bin(B::Add, sq, ones_of(sh))
}

/// e + 0.37: moves a structurally zero operand (`X − X`) off the kink of abs, relu and norm.
fn shift(e: E, sh: Sh) -> E {
    match sh {
        Sh::S => bin(B::Add, e, E::Lit(0.37)),
        Sh::M(..) => bin(B::Add, e, bin(B::Scale, E::Lit(0.37), ones_of(sh))),
    }
}

/// A well-conditioned n×n matrix built from e: (n+1)·I + tanh(e) is strictly diagonally
/// dominant with a positive diagonal; e eᵀ + I has every eigenvalue ≥ 1.
fn well_conditioned(e: E, n: usize, gram: bool) -> E {
    if gram {
        bin(B::Add, bin(B::MatMul, e.clone(), un(U::T, e)), E::Eye(n))
    } else {
        let diag = bin(B::Scale, E::Lit((n + 1) as f64), E::Eye(n));
        bin(B::Add, diag, un(U::Map(Func::Tanh), e))
    }
}

// ---- the strategy ----

/// Expressions of shape `sh` whose operands nest at most `depth` operations deep.
/// Operands the factorization cases need, built from parameter 1 (A, 3×3): A Aᵀ + I (symmetric
/// positive definite), 4I + tanh(A) (diagonally dominant, so regular) and cholesky(A Aᵀ + I).
pub struct FactorOperands {
    pub spd: E,
    pub dominant: E,
    pub chol: E,
}

pub fn factor_operands() -> FactorOperands {
    let a = E::Param(1);
    let spd = bin(
        B::Add,
        bin(B::MatMul, a.clone(), un(U::T, a.clone())),
        E::Eye(3),
    );
    let dominant = bin(
        B::Add,
        bin(B::Scale, E::Lit(4.0), E::Eye(3)),
        un(U::Map(Func::Tanh), a),
    );
    let chol = un(U::Cholesky, spd.clone());
    FactorOperands {
        spd,
        dominant,
        chol,
    }
}

pub fn expr(sh: Sh, depth: u32) -> BoxedStrategy<E> {
    if depth == 0 {
        return leaf(sh);
    }
    let choices = choices(sh);
    // Index 0..LEAF is a leaf, so shrinking the index (towards 0) shrinks towards leaves.
    const LEAF: usize = 4;
    (0..choices.len() + LEAF)
        .prop_flat_map(move |i| {
            if i < LEAF {
                leaf(sh)
            } else {
                choices[i - LEAF].strategy(depth - 1)
            }
        })
        .boxed()
}

/// Leaves: parameters (or small products of them) that have the shape, and now and then a
/// constant, which exercises the simplifier's constant rules.
fn leaf(sh: Sh) -> BoxedStrategy<E> {
    let p = E::Param;
    let mm = |a, b| bin(B::MatMul, a, b);
    let t = |a| un(U::T, a);
    let vars: Vec<E> = match sh {
        Sh::S => vec![p(4)],
        Sh::M(2, 3) => vec![p(0)],
        Sh::M(3, 2) => vec![t(p(0))],
        Sh::M(3, 3) => vec![p(1), t(p(1)), mm(p(2), p(3))],
        Sh::M(3, 1) => vec![p(2), t(p(3))],
        Sh::M(1, 3) => vec![p(3), t(p(2))],
        Sh::M(1, 1) => vec![mm(p(3), p(2))],
        Sh::M(2, 2) => vec![mm(p(0), t(p(0))), mm(mm(p(0), p(1)), t(p(0)))],
        Sh::M(2, 1) => vec![mm(p(0), p(2))],
        Sh::M(1, 2) => vec![mm(p(3), t(p(0)))],
        Sh::M(6, 1) => vec![un(U::Vec, p(0))],
        Sh::M(1, 6) => vec![t(un(U::Vec, p(0)))],
        Sh::M(r, c) => panic!("no leaf for {r}×{c}"),
    };
    let consts: Vec<E> = match sh {
        Sh::S => vec![E::Lit(0.5), E::Lit(-1.5)],
        Sh::M(r, c) if r == c => vec![E::Eye(r), E::Ones(r, c)],
        Sh::M(r, c) => vec![E::Ones(r, c)],
    };
    prop_oneof![
        4 => proptest::sample::select(vars),
        1 => proptest::sample::select(consts),
    ]
    .boxed()
}

/// How to guard an operand.
#[derive(Clone, Copy, Debug)]
enum G {
    No,
    Pos,
    Shift,
    Tanh,
    /// ½ tanh(e), inside [−½, ½].
    HalfTanh,
    Wc(usize, bool),
}

fn guard(g: G, e: E, sh: Sh) -> E {
    match g {
        G::No => e,
        G::Pos => pos(e, sh),
        G::Shift => shift(e, sh),
        G::Tanh => un(U::Map(Func::Tanh), e),
        G::HalfTanh => bin(B::Scale, E::Lit(0.5), un(U::Map(Func::Tanh), e)),
        G::Wc(n, gram) => well_conditioned(e, n, gram),
    }
}

/// The generator's name for the operation a DSL call becomes: an exhaustive match, so a new
/// entry of the operation table does not compile until the generator produces it (the coverage
/// test then checks that it does).
#[allow(dead_code)] // only `gradient_fd` checks coverage
pub fn generated_name(call: matcalc_symbolic::ast::Call) -> String {
    use matcalc_symbolic::ast::Call;
    let u = |u: U| format!("{u:?}");
    let b = |b: B| format!("{b:?}");
    match call {
        Call::Transpose => u(U::T),
        Call::Trace => u(U::Trace),
        Call::Sum => u(U::Sum),
        // mean(A) = sum(A) / count.
        Call::Mean => b(B::Div),
        Call::Det => u(U::Det),
        Call::Logdet => u(U::Logdet),
        Call::Inv => u(U::Inv),
        Call::Dot => b(B::Dot),
        Call::Norm => u(U::Norm),
        Call::NormSq => u(U::NormSq),
        Call::Hadamard => b(B::Hadamard),
        Call::ElemDiv => b(B::ElemDiv),
        Call::Kron => b(B::Kron),
        Call::Vec => u(U::Vec),
        Call::Diag => u(U::Diag),
        Call::Diagonal => u(U::Diagonal),
        Call::Map(Func::Powi(_)) => "Map(powi)".to_string(),
        Call::Map(f) => u(U::Map(f)),
        Call::Powf => b(B::Powf),
        Call::MatPow(_) => "MatPow".to_string(),
        Call::Softmax => u(U::Softmax),
        Call::Logsumexp => u(U::Logsumexp),
        Call::Atan2 => b(B::Atan2),
        Call::SoftmaxCols => u(U::SoftmaxCols),
        Call::SoftmaxRows => u(U::SoftmaxRows),
        Call::LogsumexpCols => u(U::LogsumexpCols),
        Call::LogsumexpRows => u(U::LogsumexpRows),
        Call::Solve => b(B::Solve),
        Call::Cholesky => u(U::Cholesky),
    }
}

/// The generator's name for each form of reference §4b that is not a call (entries, views,
/// assembly): exhaustive matches, so a new form does not compile until it is named here, and
/// the coverage test checks that the generator produces it.
#[allow(dead_code)] // only `gradient_fd` checks coverage
pub fn generated_part(part: &matcalc_symbolic::ast::Part) -> &'static str {
    use matcalc_symbolic::ast::Part;
    match part {
        Part::Entry(_) | Part::EntryAt(..) => "Entry",
        Part::Block { .. } => "View",
    }
}

#[allow(dead_code)] // only `gradient_fd` checks coverage
pub fn generated_assembly(kind: matcalc_symbolic::ast::Assembly) -> &'static str {
    use matcalc_symbolic::ast::Assembly;
    match kind {
        Assembly::VStack => "VStack",
        Assembly::HStack => "HStack",
        Assembly::Grid => "Grid",
    }
}

/// One way of producing a target shape: an operation and its guarded operand shapes.
#[derive(Clone, Debug)]
enum Choice {
    Un(U, Sh, G),
    Bin(B, Sh, G, Sh, G),
    /// powf(pos(e), p) with p a literal or the scalar parameter.
    Powf(Sh),
    /// `matrix![..]` of r×c scalar expressions.
    Grid(usize, usize),
}

impl Choice {
    fn strategy(&self, depth: u32) -> BoxedStrategy<E> {
        match *self {
            Choice::Un(u, sh, g) => expr(sh, depth)
                .prop_map(move |e| un(u, guard(g, e, sh)))
                .boxed(),
            Choice::Bin(b, s1, g1, s2, g2) => (expr(s1, depth), expr(s2, depth))
                .prop_map(move |(x, y)| bin(b, guard(g1, x, s1), guard(g2, y, s2)))
                .boxed(),
            Choice::Grid(r, c) => proptest::collection::vec(expr(Sh::S, depth), r * c)
                .prop_map(move |entries| E::Grid(r, c, entries))
                .boxed(),
            Choice::Powf(sh) => {
                let p = proptest::sample::select(vec![
                    E::Lit(0.5),
                    E::Lit(2.5),
                    E::Lit(-1.5),
                    E::Param(4),
                ]);
                (expr(sh, depth), p)
                    .prop_map(move |(e, p)| bin(B::Powf, pos(e, sh), p))
                    .boxed()
            }
        }
    }
}

/// Every elementwise function of the operation table with the guard its domain needs; `powi`
/// with several exponents (negative ones on positive operands).
fn maps() -> Vec<(Func, G)> {
    let mut v = Vec::new();
    for &f in Func::ALL {
        if let Func::Powi(_) = f {
            for k in [0, 1, 2, 3] {
                v.push((Func::Powi(k), G::No));
            }
            for k in [-1, -2] {
                v.push((Func::Powi(k), G::Pos));
            }
            continue;
        }
        let guard = match f.info().domain {
            Domain::Any => G::No,
            // |tanh| < 1 < π/2 keeps tan away from its poles and exponentials moderate.
            Domain::Bounded => G::Tanh,
            Domain::Interior => G::HalfTanh,
            Domain::Positive => G::Pos,
            Domain::AwayFromZero => G::Shift,
        };
        v.push((f, guard));
    }
    v
}

fn choices(sh: Sh) -> Vec<Choice> {
    use Choice as C;
    let mut v = Vec::new();
    let s = Sh::S;
    // Elementwise, for scalars and matrices alike.
    v.push(C::Bin(B::Add, sh, G::No, sh, G::No));
    v.push(C::Bin(B::Sub, sh, G::No, sh, G::No));
    v.push(C::Un(U::Neg, sh, G::No));
    v.push(C::Bin(B::Div, sh, G::No, s, G::Pos));
    for (f, g) in maps() {
        v.push(C::Un(U::Map(f), sh, g));
    }
    v.push(C::Powf(sh));
    // atan2(y, x) with x ≥ 1: away from the origin, where it is not differentiable.
    v.push(C::Bin(B::Atan2, sh, G::No, sh, G::Pos));
    match sh {
        Sh::S => {
            v.push(C::Bin(B::Mul, s, G::No, s, G::No));
            v.push(C::Un(U::ToScalar, Sh::M(1, 1), G::No));
            // An entry of every matrix shape, the last one and one in the first row.
            for m in all_shapes() {
                if let Sh::M(r, c) = m {
                    v.push(C::Un(U::Entry(r - 1, c - 1), m, G::No));
                    v.push(C::Un(U::Entry(0, c / 2), m, G::No));
                }
            }
            for m in all_shapes().into_iter().filter(|m| *m != Sh::S) {
                v.push(C::Un(U::Sum, m, G::No));
                v.push(C::Un(U::NormSq, m, G::No));
                v.push(C::Un(U::Norm, m, G::Shift));
                v.push(C::Un(U::Logsumexp, m, G::No));
                v.push(C::Bin(B::Dot, m, G::No, m, G::No));
            }
            for n in DIMS {
                let m = Sh::M(n, n);
                v.push(C::Un(U::Trace, m, G::No));
                // Not just any matrix: at a singular one the rule det(A)·A⁻ᵀ is 0·∞ (see
                // DIFF_BUGS.md), and elementwise maps of a rank-deficient operand (𝟙·A) stay
                // singular.
                v.push(C::Un(U::Det, m, G::Wc(n, false)));
                v.push(C::Un(U::Det, m, G::Wc(n, true)));
                v.push(C::Un(U::Logdet, m, G::Wc(n, false)));
                v.push(C::Un(U::Logdet, m, G::Wc(n, true)));
            }
        }
        Sh::M(r, c) => {
            v.push(C::Bin(B::Hadamard, sh, G::No, sh, G::No));
            v.push(C::Bin(B::ElemDiv, sh, G::No, sh, G::Pos));
            v.push(C::Bin(B::Scale, s, G::No, sh, G::No));
            v.push(C::Un(U::Softmax, sh, G::No));
            for k in [1, 2, 3, 6] {
                if in_world(r, k) && in_world(k, c) {
                    v.push(C::Bin(B::MatMul, Sh::M(r, k), G::No, Sh::M(k, c), G::No));
                }
            }
            if in_world(c, r) {
                v.push(C::Un(U::T, Sh::M(c, r), G::No));
            }
            // kron(r1×c1, r2×c2) with r1·r2 = r, c1·c2 = c.
            for r1 in divisors(r) {
                for c1 in divisors(c) {
                    let (a, b) = (Sh::M(r1, c1), Sh::M(r / r1, c / c1));
                    if in_world(r1, c1) && in_world(r / r1, c / c1) {
                        v.push(C::Bin(B::Kron, a, G::No, b, G::No));
                    }
                }
            }
            if c == 1 {
                for (a, b) in [(1, r), (r, 1), (2, 3), (3, 2)] {
                    if a * b == r && in_world(a, b) {
                        v.push(C::Un(U::Vec, Sh::M(a, b), G::No));
                    }
                }
                if r <= 3 {
                    v.push(C::Un(U::Diagonal, Sh::M(r, r), G::No));
                }
            }
            // Views of larger matrices (at the far corner, so offsets are nonzero), stacks of
            // two smaller ones, small grids of scalars.
            for m in all_shapes() {
                if let Sh::M(br, bc) = m {
                    if br >= r && bc >= c && (br, bc) != (r, c) {
                        v.push(C::Un(U::View(br - r, bc - c, r, c), m, G::No));
                    }
                }
            }
            for k in 1..r {
                if in_world(k, c) && in_world(r - k, c) {
                    v.push(C::Bin(
                        B::VStack,
                        Sh::M(k, c),
                        G::No,
                        Sh::M(r - k, c),
                        G::No,
                    ));
                }
            }
            for k in 1..c {
                if in_world(r, k) && in_world(r, c - k) {
                    v.push(C::Bin(
                        B::HStack,
                        Sh::M(r, k),
                        G::No,
                        Sh::M(r, c - k),
                        G::No,
                    ));
                }
            }
            if r * c <= 4 {
                v.push(C::Grid(r, c));
            }
            v.push(C::Un(U::SoftmaxCols, sh, G::No));
            v.push(C::Un(U::SoftmaxRows, sh, G::No));
            for k in DIMS {
                if r == 1 && in_world(k, c) {
                    v.push(C::Un(U::LogsumexpCols, Sh::M(k, c), G::No));
                }
                if c == 1 && in_world(r, k) {
                    v.push(C::Un(U::LogsumexpRows, Sh::M(r, k), G::No));
                }
            }
            if r <= 3 {
                v.push(C::Bin(B::Solve, Sh::M(r, r), G::Wc(r, false), sh, G::No));
                v.push(C::Bin(B::Solve, Sh::M(r, r), G::Wc(r, true), sh, G::No));
            }
            if r == c {
                // Only symmetric positive definite operands: e eᵀ + I (see the Cholesky
                // adjoint's convention in `diff::factor_rules`).
                v.push(C::Un(U::Cholesky, sh, G::Wc(r, true)));
                v.push(C::Un(U::Diag, Sh::M(r, 1), G::No));
                v.push(C::Un(U::Inv, sh, G::Wc(r, false)));
                v.push(C::Un(U::Inv, sh, G::Wc(r, true)));
                for k in [0, 1, 2, 3] {
                    v.push(C::Un(U::MatPow(k), sh, G::Tanh));
                }
                for k in [-1, -2] {
                    v.push(C::Un(U::MatPow(k), sh, G::Wc(r, false)));
                }
            }
        }
    }
    v
}

fn divisors(n: usize) -> Vec<usize> {
    (1..=n).filter(|d| n.is_multiple_of(*d)).collect()
}

// ---- building graphs ----

pub fn new_graph() -> Graph {
    let params = PARAMS
        .iter()
        .map(|(name, sh)| Param {
            name: name.to_string(),
            shape: match sh {
                Sh::S => Shape::Scalar,
                Sh::M(r, c) => Shape::matrix(Dim::Known(*r), Dim::Known(*c)),
            },
            span: Span::call_site(),
        })
        .collect();
    Graph::new(params, ScalarType::F64)
}

/// Adds `e` to `g`: through the rewriting constructor `Graph::make` when `simplify` is set,
/// else verbatim (`intern` with the shape rule), which is the reference the finite
/// differences are taken on.
pub fn build(e: &E, g: &mut Graph, simplify: bool) -> NodeId {
    let op = match e {
        E::Param(i) => Op::Param(*i),
        E::Lit(x) => Op::literal(*x),
        E::Eye(n) => Op::Identity(Dim::Known(*n)),
        E::Ones(r, c) => Op::Ones(Dim::Known(*r), Dim::Known(*c)),
        E::Un(u, a) => {
            let a = build(a, g, simplify);
            match *u {
                U::Neg => Op::Neg(a),
                U::T => Op::Transpose(a),
                U::Trace => Op::Trace(a),
                U::Sum => Op::Sum(a),
                U::Det => Op::Det(a),
                U::Logdet => Op::Logdet(a),
                U::Inv => Op::Inv(a),
                U::Norm => Op::Norm(a),
                U::NormSq => Op::NormSq(a),
                U::Vec => Op::Vec(a),
                U::Diag => Op::Diag(a),
                U::Diagonal => Op::Diagonal(a),
                U::Map(f) => Op::Map(f, a),
                U::MatPow(k) => Op::MatPow(a, k),
                U::Softmax => Op::Softmax(a),
                U::Logsumexp => Op::Logsumexp(a),
                U::SoftmaxCols => Op::SoftmaxCols(a),
                U::SoftmaxRows => Op::SoftmaxRows(a),
                U::LogsumexpCols => Op::LogsumexpCols(a),
                U::LogsumexpRows => Op::LogsumexpRows(a),
                U::Cholesky => Op::Cholesky(a),
                U::ToScalar => Op::ToScalar(a),
                U::Entry(i, j) => Op::Entry(a, i, j),
                U::View(i, j, p, q) => Op::View(a, i, j, Dim::Known(p), Dim::Known(q)),
            }
        }
        E::Bin(b, x, y) => {
            let (x, y) = (build(x, g, simplify), build(y, g, simplify));
            match b {
                B::Add => Op::Add(x, y),
                B::Sub => Op::Sub(x, y),
                B::Mul => Op::Mul(x, y),
                B::Scale => Op::Scale(x, y),
                B::MatMul => Op::MatMul(x, y),
                B::Div => Op::Div(x, y),
                B::Dot => Op::Dot(x, y),
                B::Hadamard => Op::Hadamard(x, y),
                B::ElemDiv => Op::ElemDiv(x, y),
                B::Kron => Op::Kron(x, y),
                B::Powf => Op::Powf(x, y),
                B::Atan2 => Op::Atan2(x, y),
                B::Solve => Op::Solve(x, y),
                B::VStack | B::HStack => {
                    let (xs, ys) = (g.shape(x).clone(), g.shape(y).clone());
                    let vertical = *b == B::VStack;
                    let (r, c) = if vertical {
                        (Dim::Known(dim(&xs.rows()) + dim(&ys.rows())), xs.cols())
                    } else {
                        (xs.rows(), Dim::Known(dim(&xs.cols()) + dim(&ys.cols())))
                    };
                    let at = if vertical {
                        (dim(&xs.rows()), 0)
                    } else {
                        (0, dim(&xs.cols()))
                    };
                    Op::Blocks(r, c, vec![(0, 0, x), (at.0, at.1, y)])
                }
            }
        }
        E::Grid(r, c, entries) => {
            let blocks = entries
                .iter()
                .enumerate()
                .map(|(k, e)| (k / c, k % c, build(e, g, simplify)))
                .collect();
            Op::Blocks(Dim::Known(*r), Dim::Known(*c), blocks)
        }
    };
    if simplify {
        g.make(op, Span::call_site())
    } else {
        let shape = infer(g, &op).unwrap_or_else(|m| panic!("generator made {e}: {m}"));
        g.intern(op, shape, Span::call_site())
    }
}

fn dim(d: &Dim) -> usize {
    d.known().expect("the generator's shapes are numbers")
}
