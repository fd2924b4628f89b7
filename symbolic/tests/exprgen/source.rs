//! Generated expressions as DSL source text, for property tests that go through the parser
//! (loops wrapped around generated bodies): every generator operation in its DSL spelling, and
//! the constants (`I3`, `ones2x3`) bound by typed `let`s of `eye()` / `ones()` first.

use matcalc_symbolic::ir::{Func, Shape};

use super::{build, new_graph, B, E, PARAMS, U};

/// DSL source of expressions, collecting the constant bindings they use.
#[derive(Default)]
pub struct Source {
    /// `let I3: Matrix<U3, U3> = eye();` and the like, one per constant used.
    pub prelude: Vec<String>,
}

impl Source {
    fn constant(&mut self, name: String, r: usize, c: usize, value: &str) -> String {
        let binding = format!("let {name}: Matrix<U{r}, U{c}> = {value}();");
        if !self.prelude.contains(&binding) {
            self.prelude.push(binding);
        }
        name
    }

    /// `e` in the DSL, with parameter `renamed.0` written as `renamed.1`.
    pub fn render(&mut self, e: &E, renamed: (usize, &str)) -> String {
        let mut sub = |x: &E| self.render(x, renamed);
        match e {
            E::Param(i) if *i == renamed.0 => renamed.1.to_string(),
            E::Param(i) => PARAMS[*i].0.to_string(),
            E::Lit(x) => format!("({x:?})"),
            E::Eye(n) => self.constant(format!("I{n}"), *n, *n, "eye"),
            E::Ones(r, c) => self.constant(format!("ones{r}x{c}"), *r, *c, "ones"),
            E::Un(u, arg) => {
                let a = sub(arg);
                let call = |name: &str| format!("{name}({a})");
                match *u {
                    U::Neg => format!("(-{a})"),
                    U::T => format!("({a}).t()"),
                    U::Trace => call("tr"),
                    U::Sum => call("sum"),
                    U::Det => call("det"),
                    U::Logdet => call("logdet"),
                    U::Inv => call("inv"),
                    U::Norm => call("norm"),
                    U::NormSq => call("norm_sq"),
                    U::Vec => call("vec"),
                    U::Diag => call("diag"),
                    U::Diagonal => call("diagonal"),
                    U::Map(Func::Powi(k)) => format!("powi({a}, {k})"),
                    // The functions only derivatives use, in DSL terms (equal where the
                    // operand is not 0).
                    U::Map(Func::Recip | Func::RecipOrZero) => format!("powi({a}, -1)"),
                    U::Map(Func::LogOrZero) => call("log"),
                    U::Map(Func::Sign) => sign(&a, is_scalar(arg)),
                    U::Map(Func::Step) if is_scalar(arg) => format!("(0.5 * ({} + 1.0))", sign(&a, true)),
                    // `+ ones` rather than `+ 1.0`: the DSL reads a 1×1 matrix plus a scalar
                    // as a scalar, the generator's graph as a 1×1 matrix.
                    U::Map(Func::Step) => {
                        let (r, c) = dims(arg);
                        let ones = self.constant(format!("ones{r}x{c}"), r, c, "ones");
                        format!("(0.5 * ({} + {ones}))", sign(&a, false))
                    }
                    U::Map(f) => call(f.name()),
                    U::MatPow(k) => format!("matpow({a}, {k})"),
                    // The DSL's softmax takes a column; the IR's normalises over all entries.
                    U::Softmax if is_column(arg) => call("softmax"),
                    U::Softmax => format!("exp({a} - logsumexp({a}))"),
                    U::Logsumexp => call("logsumexp"),
                    U::SoftmaxCols => call("softmax_cols"),
                    U::SoftmaxRows => call("softmax_rows"),
                    U::LogsumexpCols => call("logsumexp_cols"),
                    U::LogsumexpRows => call("logsumexp_rows"),
                    U::Cholesky => call("cholesky"),
                    U::ToScalar => format!("({a})[(0, 0)]"),
                    U::Entry(i, j) => format!("({a})[({i}, {j})]"),
                    U::View(i, j, p, q) => format!("({a}).fixed_view::<{p}, {q}>({i}, {j})"),
                }
            }
            E::Bin(b, x, y) => {
                let (x, y) = (sub(x), sub(y));
                let call = |name: &str| format!("{name}({x}, {y})");
                match b {
                    B::Add => format!("({x} + {y})"),
                    B::Sub => format!("({x} - {y})"),
                    // The DSL reads a 1×1 matrix product as a scalar (`x.t() * A * x` is an
                    // f64); the generator's graph keeps it a 1×1 matrix, so assemble one.
                    B::MatMul if is_one_by_one(e) => format!("matrix![({x} * {y})]"),
                    B::Mul | B::Scale | B::MatMul => format!("({x} * {y})"),
                    B::Div => format!("({x} / {y})"),
                    B::Dot => call("dot"),
                    B::Hadamard => call("hadamard"),
                    B::ElemDiv => call("elem_div"),
                    B::Kron => call("kron"),
                    B::Powf => call("powf"),
                    B::Atan2 => call("atan2"),
                    B::Solve => call("solve"),
                    B::VStack => call("vstack"),
                    B::HStack => call("hstack"),
                }
            }
            E::Grid(_, c, entries) => {
                let entries: Vec<String> = entries.iter().map(&mut sub).collect();
                let rows: Vec<String> = entries.chunks(*c).map(|r| r.join(", ")).collect();
                format!("matrix![{}]", rows.join("; "))
            }
        }
    }
}

/// Whether `e` is a scalar (its shape from the generator's own graph).
fn is_scalar(e: &E) -> bool {
    let mut g = new_graph();
    let id = build(e, &mut g, false);
    g.shape(id).is_scalar()
}

/// Whether `e` is a column vector.
fn is_column(e: &E) -> bool {
    let mut g = new_graph();
    let id = build(e, &mut g, false);
    matches!(g.shape(id), Shape::Matrix(_, c) if c.is_one())
}

/// Whether `e` is a 1×1 matrix (not a scalar) in the generator's graph.
fn is_one_by_one(e: &E) -> bool {
    let mut g = new_graph();
    let id = build(e, &mut g, false);
    matches!(g.shape(id), Shape::Matrix(r, c) if r.is_one() && c.is_one())
}

/// The numeric rows and columns of a matrix-valued `e`.
fn dims(e: &E) -> (usize, usize) {
    let mut g = new_graph();
    let id = build(e, &mut g, false);
    let (r, c) = g.shape(id).dims();
    (r.known().unwrap_or(1), c.known().unwrap_or(1))
}

/// sign(a) as a / |a|, elementwise.
fn sign(a: &str, scalar: bool) -> String {
    if scalar {
        format!("({a} / abs({a}))")
    } else {
        format!("elem_div({a}, abs({a}))")
    }
}
