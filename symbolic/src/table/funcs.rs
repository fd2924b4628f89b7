//! The elementwise functions, one row each: the `Func` variant, its DSL / core name, the
//! `Scalar` method that evaluates one entry in generated code, its LaTeX command, whether it
//! maps 0 to 0, its cost class, the domain the property tests draw its operand from, its value
//! at one point (the reference `eval`), its adjoint and the derivative `--steps` prints.
//!
//! Adding a function is one row here plus its core kernel (`core/src/scalar.rs` and the list in
//! `core/src/elementwise.rs`); the `funcs!` macro derives the enum, `Func::ALL` and the lookup.

use super::{Adj, Cost, Domain, FuncInfo};
use crate::ir::{Graph, NodeId};

/// Declares `Func` (the rows plus the parameterised `Powi`) and `Func::info`.
macro_rules! funcs {
    ($( $(#[$doc:meta])* $variant:ident { $($field:ident: $value:expr),* $(,)? } )*) => {
        /// Elementwise functions: the DSL's, plus the ones derivatives need (`Recip`, `Sign`,
        /// `Step`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Func {
            $( $(#[$doc])* $variant, )*
            /// x^k for an integer k.
            Powi(i32),
        }

        impl Func {
            /// Every function, in table order; `Powi` appears once, as `Powi(2)`.
            pub const ALL: &'static [Func] = &[$(Func::$variant,)* Func::Powi(2)];

            /// The function's row of the table.
            pub fn info(self) -> &'static FuncInfo {
                match self {
                    $(Func::$variant => {
                        const ROW: FuncInfo = FuncInfo { $($field: $value,)* };
                        &ROW
                    })*
                    Func::Powi(_) => &POWI,
                }
            }
        }
    };
}

/// Ḡ ⊙ d.
fn times(g: &mut Graph, x: &Adj, d: NodeId) -> NodeId {
    g.hadamard(x.bar, d, x.sp)
}

/// 𝟙 − A∘², the radicand of the inverse sine and cosine.
fn one_minus_square(g: &mut Graph, x: &Adj) -> NodeId {
    let ones = g.ones_like(x.a, x.sp);
    let sq = g.map(Func::Powi(2), x.a, x.sp);
    g.sub(ones, sq, x.sp)
}

/// 𝟙 ± n∘², the derivative of tan (+) and tanh (−) through their value n.
fn one_and_square(g: &mut Graph, x: &Adj, plus: bool) -> NodeId {
    let ones = g.ones_like(x.a, x.sp);
    let sq = g.map(Func::Powi(2), x.n, x.sp);
    let d = if plus {
        g.add(ones, sq, x.sp)
    } else {
        g.sub(ones, sq, x.sp)
    };
    times(g, x, d)
}

/// Both branches of sigmoid only ever exponentiate a non-positive number, so neither overflows.
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// `Powi(k)`: the row used for every k; `Func::eval` and `Func::adjoint` supply the exponent.
const POWI: FuncInfo = FuncInfo {
    name: "powi",
    scalar: "powi",
    dsl: true,
    latex: None,
    keeps_zero: false,
    cost: Cost::Power,
    domain: Domain::Any,
    eval: |x| x,
    adjoint: |g, x| g.zeros_like(x.a, x.sp),
    derivative: "k A∘(k−1)",
};

funcs! {
    Exp {
        name: "exp", scalar: "exp", dsl: true, latex: Some(r"\exp"), keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Bounded,
        eval: f64::exp,
        adjoint: |g, x| times(g, &x, x.n),
        derivative: "exp(A)",
    }
    Log {
        name: "log", scalar: "ln", dsl: true, latex: Some(r"\log"), keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Positive,
        eval: f64::ln,
        adjoint: |g, x| g.elem_div(x.bar, x.a, x.sp),
        derivative: "A∘⁻¹",
    }
    Sin {
        name: "sin", scalar: "sin", dsl: true, latex: Some(r"\sin"), keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Any,
        eval: f64::sin,
        adjoint: |g, x| {
            let d = g.map(Func::Cos, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "cos(A)",
    }
    Cos {
        name: "cos", scalar: "cos", dsl: true, latex: Some(r"\cos"), keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Any,
        eval: f64::cos,
        adjoint: |g, x| {
            let d = g.map(Func::Sin, x.a, x.sp);
            let h = times(g, &x, d);
            g.neg(h, x.sp)
        },
        derivative: "−sin(A)",
    }
    /// Operands are kept inside (−1, 1), away from the poles at ±π/2.
    Tan {
        name: "tan", scalar: "tan", dsl: true, latex: Some(r"\tan"), keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Bounded,
        eval: f64::tan,
        adjoint: |g, x| one_and_square(g, &x, true),
        derivative: "𝟙 + tan(A)∘²",
    }
    Tanh {
        name: "tanh", scalar: "tanh", dsl: true, latex: Some(r"\tanh"), keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Any,
        eval: f64::tanh,
        adjoint: |g, x| one_and_square(g, &x, false),
        derivative: "𝟙 − tanh(A)∘²",
    }
    Sqrt {
        name: "sqrt", scalar: "sqrt", dsl: true, latex: None, keeps_zero: true,
        cost: Cost::Sqrt, domain: Domain::Positive,
        eval: f64::sqrt,
        adjoint: |g, x| {
            let twice = g.scale_by(2.0, x.n, x.sp);
            g.elem_div(x.bar, twice, x.sp)
        },
        derivative: "A∘⁻¹ᐟ² / 2",
    }
    Abs {
        name: "abs", scalar: "abs", dsl: true, latex: None, keeps_zero: true,
        cost: Cost::Cheap, domain: Domain::AwayFromZero,
        eval: f64::abs,
        adjoint: |g, x| {
            let d = g.map(Func::Sign, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "sign(A)",
    }
    Sigmoid {
        name: "sigmoid", scalar: "sigmoid", dsl: true, latex: Some(r"\sigma"), keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Any,
        eval: sigmoid,
        adjoint: |g, x| {
            let ones = g.ones_like(x.a, x.sp);
            let rest = g.sub(ones, x.n, x.sp);
            let d = g.hadamard(x.n, rest, x.sp);
            times(g, &x, d)
        },
        derivative: "σ(A) ⊙ (𝟙 − σ(A))",
    }
    Softplus {
        name: "softplus", scalar: "softplus", dsl: true, latex: None, keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Any,
        // ln(1 + eˣ) = max(x, 0) + ln(1 + e^−|x|).
        eval: |x| x.max(0.0) + (-x.abs()).exp().ln_1p(),
        adjoint: |g, x| {
            let d = g.map(Func::Sigmoid, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "σ(A)",
    }
    Relu {
        name: "relu", scalar: "relu", dsl: true, latex: None, keeps_zero: true,
        cost: Cost::Cheap, domain: Domain::AwayFromZero,
        eval: |x| if x > 0.0 { x } else { 0.0 },
        adjoint: |g, x| {
            let d = g.map(Func::Step, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "step(A)",
    }
    /// ln(1 + x), accurate for small x.
    Log1p {
        name: "log1p", scalar: "ln_1p", dsl: true, latex: None, keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Positive,
        eval: f64::ln_1p,
        adjoint: |g, x| {
            let ones = g.ones_like(x.a, x.sp);
            let d = g.add(ones, x.a, x.sp);
            g.elem_div(x.bar, d, x.sp)
        },
        derivative: "(𝟙 + A)∘⁻¹",
    }
    /// eˣ − 1, accurate for small x.
    Expm1 {
        name: "expm1", scalar: "exp_m1", dsl: true, latex: None, keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Bounded,
        eval: f64::exp_m1,
        adjoint: |g, x| {
            let d = g.map(Func::Exp, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "exp(A)",
    }
    Sinh {
        name: "sinh", scalar: "sinh", dsl: true, latex: Some(r"\sinh"), keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Bounded,
        eval: f64::sinh,
        adjoint: |g, x| {
            let d = g.map(Func::Cosh, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "cosh(A)",
    }
    Cosh {
        name: "cosh", scalar: "cosh", dsl: true, latex: Some(r"\cosh"), keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Bounded,
        eval: f64::cosh,
        adjoint: |g, x| {
            let d = g.map(Func::Sinh, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "sinh(A)",
    }
    /// Operands are kept inside [−½, ½], away from the singular derivative at ±1.
    Asin {
        name: "asin", scalar: "asin", dsl: true, latex: Some(r"\arcsin"), keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Interior,
        eval: f64::asin,
        adjoint: |g, x| {
            let r = one_minus_square(g, &x);
            let d = g.map(Func::Sqrt, r, x.sp);
            g.elem_div(x.bar, d, x.sp)
        },
        derivative: "(𝟙 − A∘²)∘⁻¹ᐟ²",
    }
    Acos {
        name: "acos", scalar: "acos", dsl: true, latex: Some(r"\arccos"), keeps_zero: false,
        cost: Cost::Transcendental, domain: Domain::Interior,
        eval: f64::acos,
        adjoint: |g, x| {
            let r = one_minus_square(g, &x);
            let d = g.map(Func::Sqrt, r, x.sp);
            let q = g.elem_div(x.bar, d, x.sp);
            g.neg(q, x.sp)
        },
        derivative: "−(𝟙 − A∘²)∘⁻¹ᐟ²",
    }
    Atan {
        name: "atan", scalar: "atan", dsl: true, latex: Some(r"\arctan"), keeps_zero: true,
        cost: Cost::Transcendental, domain: Domain::Any,
        eval: f64::atan,
        adjoint: |g, x| {
            let ones = g.ones_like(x.a, x.sp);
            let sq = g.map(Func::Powi(2), x.a, x.sp);
            let d = g.add(ones, sq, x.sp);
            g.elem_div(x.bar, d, x.sp)
        },
        derivative: "(𝟙 + A∘²)∘⁻¹",
    }
    /// 1/x.
    Recip {
        name: "recip", scalar: "recip", dsl: false, latex: None, keeps_zero: false,
        cost: Cost::Cheap, domain: Domain::Positive,
        eval: |x| 1.0 / x,
        adjoint: |g, x| {
            let d = g.map(Func::Powi(2), x.n, x.sp);
            let h = times(g, &x, d);
            g.neg(h, x.sp)
        },
        derivative: "−A∘⁻²",
    }
    /// −1, 0 or 1: the derivative of |x| (subgradient 0 at 0).
    Sign {
        name: "sign", scalar: "sign", dsl: false, latex: None, keeps_zero: true,
        cost: Cost::Cheap, domain: Domain::AwayFromZero,
        eval: sign,
        adjoint: |g, x| g.zeros_like(x.a, x.sp),
        derivative: "0",
    }
    /// 1 where x > 0, else 0: the derivative of relu (subgradient 0 at 0).
    Step {
        name: "step", scalar: "step", dsl: false, latex: None, keeps_zero: true,
        cost: Cost::Cheap, domain: Domain::AwayFromZero,
        eval: |x| if x > 0.0 { 1.0 } else { 0.0 },
        adjoint: |g, x| g.zeros_like(x.a, x.sp),
        derivative: "0",
    }
    /// 1/x, and 0 at x = 0: the factor 1/‖A‖ of the gradient of `norm`, so that the gradient
    /// at A = 0 is the subgradient 0 (as for abs and relu).
    RecipOrZero {
        name: "recip_or_zero", scalar: "recip_or_zero", dsl: false, latex: None,
        keeps_zero: true, cost: Cost::Cheap, domain: Domain::Positive,
        eval: |x| if x == 0.0 { 0.0 } else { 1.0 / x },
        adjoint: |g, x| {
            let d = g.map(Func::Powi(2), x.n, x.sp);
            let h = times(g, &x, d);
            g.neg(h, x.sp)
        },
        derivative: "−A∘⁻² (0 where A is 0)",
    }
    /// ln x, and 0 at x = 0: the factor ln a of ∂(aᵖ)/∂p = aᵖ ln a, so that an entry a = 0
    /// contributes 0 (0 · ln 0 = 0) instead of NaN.
    LogOrZero {
        name: "log_or_zero", scalar: "log_or_zero", dsl: false, latex: None,
        keeps_zero: true, cost: Cost::Transcendental, domain: Domain::Positive,
        eval: |x| if x == 0.0 { 0.0 } else { x.ln() },
        // 1/x where x ≠ 0; 0 at 0, like the function itself.
        adjoint: |g, x| {
            let d = g.map(Func::RecipOrZero, x.a, x.sp);
            times(g, &x, d)
        },
        derivative: "A∘⁻¹ (0 where A is 0)",
    }
}

impl Func {
    /// The DSL / core method name of the function.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The function at one point: the reference every other evaluation is tested against.
    pub fn eval(self, x: f64) -> f64 {
        match self {
            Func::Powi(k) => x.powi(k),
            f => (f.info().eval)(x),
        }
    }

    /// Whether f(0) = 0, so the function of a zero matrix is that zero matrix.
    pub fn keeps_zero(self) -> bool {
        match self {
            Func::Powi(k) => k > 0,
            f => f.info().keeps_zero,
        }
    }

    /// The adjoint of `n = f(a)` elementwise: Ḡ ⊙ f′(a), written through `n` where that is
    /// cheaper (exp, tan, tanh, sqrt, sigmoid, recip). The Jacobian rule calls it with a unit
    /// seed, so the two modes cannot disagree.
    pub fn adjoint(self, g: &mut Graph, x: Adj) -> NodeId {
        match self {
            Func::Powi(0) => g.zeros_like(x.a, x.sp),
            Func::Powi(k) => {
                let d = g.map(Func::Powi(k - 1), x.a, x.sp);
                let h = times(g, &x, d);
                g.scale_by(f64::from(k), h, x.sp)
            }
            f => (f.info().adjoint)(g, x),
        }
    }

    /// f′(A) in words, for `--steps`.
    pub fn derivative_text(self) -> String {
        match self {
            Func::Powi(k) => format!("{k} A∘{}", k - 1),
            f => f.info().derivative.to_string(),
        }
    }
}
