//! Reverse-mode gradients (`diff::gradient`) against central finite differences taken with the
//! independent interpreter (`eval`), on random well-shaped expressions over every DSL operation
//! (see `exprgen`), on one hand-picked expression per operation (so a broken rule is named), and
//! on a graph with generic dimensions.
//!
//! Each expression is built twice: verbatim (the reference the finite differences are taken
//! on) and through the rewriting constructor `Graph::make` (what the engine really produces,
//! and what is differentiated). Comparing the two values also checks that simplification
//! preserves meaning.

mod exprgen;

use std::collections::HashMap;

use exprgen::{build, inputs, new_graph, total_len, values_from, Sh, B, E, PARAMS, U};
use matcalc_symbolic::check::fd_gradient;
use matcalc_symbolic::diff;
use matcalc_symbolic::eval::{evaluate, Bindings, Value};
use matcalc_symbolic::ir::{Dim, Func, Graph, Op, Param, ScalarType, Shape};
use matcalc_symbolic::print;
use matcalc_symbolic::table::Domain;
use proc_macro2::Span;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Central-difference step: balances truncation (~h²) against rounding (~ε/h).
const H: f64 = 1e-6;

/// Checks value preservation under simplification and every parameter's gradient against
/// finite differences. `Ok(false)` means the point was unusable (a non-finite value, or one where
/// the differences do not resolve the function).
fn check(e: &E, params: &[Value]) -> Result<bool, String> {
    let dims = Bindings::new();
    let mut raw = new_graph();
    let raw_root = build(e, &mut raw, false);
    // The largest intermediate magnitude sets the rounding error of the differences.
    let all = raw.reachable(&[raw_root]);
    let vals = evaluate(&raw, &all, params, &dims).map_err(|err| err.to_string())?;
    if !vals.iter().all(Value::is_finite) {
        return Ok(false);
    }
    let scale = vals.iter().map(Value::max_abs).fold(0.0, f64::max);
    if scale > 1e8 {
        return Ok(false);
    }
    let want = evaluate(&raw, &[raw_root], params, &dims).unwrap()[0].as_scalar();

    let mut made = new_graph();
    let root = build(e, &mut made, true);
    let got =
        evaluate(&made, &[root], params, &dims).map_err(|err| err.to_string())?[0].as_scalar();
    let same = (got - want).abs() <= 1e-9 * (1.0 + want.abs() + scale);
    if !same {
        return Err(format!("simplified value {got} ≠ verbatim value {want}"));
    }

    let wrt: Vec<usize> = (0..PARAMS.len()).collect();
    let grads = diff::gradient(&mut made, root, &wrt);
    let derived = evaluate(&made, &grads, params, &dims).map_err(|err| err.to_string())?;
    for (i, d) in derived.iter().enumerate() {
        let fd = fd_gradient(&raw, raw_root, i, params, &dims, H).map_err(|e| e.to_string())?;
        // The same difference at twice the step: central differences err by ~c·h², so the
        // two disagree by ~3c·h², an estimate of the reference's own error. A wrong rule
        // leaves both estimates agreeing with each other and not with the derivative.
        let fd2 =
            fd_gradient(&raw, raw_root, i, params, &dims, 2.0 * H).map_err(|e| e.to_string())?;
        // And at half the step. Where the function turns faster than the step resolves (sin of
        // a value in the millions: the argument moves by radians within h), the differences are
        // noise; two of them can agree by chance, three do not. Such a point says nothing about
        // the rule: unusable, not a failure.
        let fd_half =
            fd_gradient(&raw, raw_root, i, params, &dims, 0.5 * H).map_err(|e| e.to_string())?;
        let resolved = fd
            .data
            .iter()
            .zip(&fd_half.data)
            .zip(&fd2.data)
            .all(|((&b, &h), &b2)| {
                let spread = (b - h).abs().max((b - b2).abs());
                spread <= 1e-2 * (1.0 + b.abs())
            });
        if !resolved {
            return Ok(false);
        }
        for (k, ((&a, &b), &b2)) in d.data.iter().zip(&fd.data).zip(&fd2.data).enumerate() {
            let tol = 1e-5 * (1.0 + b.abs()) + 1e-9 * scale + 2.0 * (b - b2).abs();
            let within = (a - b).abs() <= tol;
            if !within {
                return Err(format!(
                    "∂/∂{}: entry {k} (column-major) derived {a}, finite differences {b}\n  \
                     derived     {:?}\n  differences {:?}\n  derived formula: {}",
                    PARAMS[i].0,
                    d.data,
                    fd.data,
                    print::unicode(&made, grads[i])
                ));
            }
        }
    }
    Ok(true)
}

proptest! {
    // No failure persistence: integration tests have no lib.rs for proptest to put the
    // regression file beside; a failure prints its minimal expression instead.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Scalar-valued random expressions of depth ≤ 4.
    #[test]
    fn gradients_match_finite_differences(e in exprgen::expr(Sh::S, 4), flat in inputs()) {
        let usable = check(&e, &values_from(&flat)).map_err(|msg| {
            TestCaseError::fail(format!("φ = {e}\n{msg}"))
        })?;
        prop_assume!(usable, "non-finite or huge value");
    }

    /// Random expressions of every shape, reduced to a scalar with non-uniform weights (so a
    /// transposed or permuted adjoint cannot cancel out).
    #[test]
    fn gradients_of_reduced_matrices(
        (sh, e) in proptest::sample::select(exprgen::all_shapes())
            .prop_flat_map(|sh| (Just(sh), exprgen::expr(sh, 3))),
        flat in inputs(),
    ) {
        let phi = reduce(e, sh);
        let usable = check(&phi, &values_from(&flat)).map_err(|msg| {
            TestCaseError::fail(format!("φ = {phi}\n{msg}"))
        })?;
        prop_assume!(usable, "non-finite or huge value");
    }
}

/// sum(sin(F)) for a matrix F: every entry weighted by its own cos(Fᵢⱼ).
fn reduce(e: E, sh: Sh) -> E {
    match sh {
        Sh::S => e,
        Sh::M(..) => un(U::Sum, un(U::Map(Func::Sin), e)),
    }
}

fn un(u: U, a: E) -> E {
    E::Un(u, Box::new(a))
}

fn bin(b: B, x: E, y: E) -> E {
    E::Bin(b, Box::new(x), Box::new(y))
}

/// Fixed, generic inputs: no symmetry, no zeros, no singular matrix. (A quadratic phase,
/// because sin of a linear one obeys a three-term recurrence, which makes every 3×3 block of
/// consecutive entries singular.)
fn fixed_inputs() -> Vec<Value> {
    let flat: Vec<f64> = (0..total_len())
        .map(|i| ((i * i) as f64 * 0.7531 + 0.3).sin() * 0.9)
        .collect();
    values_from(&flat)
}

/// One expression per DSL operation, on non-square operands where the op allows it.
fn table() -> Vec<(&'static str, E, Sh)> {
    let (x, a, v, w, s) = (
        E::Param(0),
        E::Param(1),
        E::Param(2),
        E::Param(3),
        E::Param(4),
    );
    let t = |e| un(U::T, e);
    let pos = |e: E| bin(B::Add, bin(B::Hadamard, e.clone(), e), E::Ones(2, 3));
    let wc = |e| {
        bin(
            B::Add,
            bin(B::Scale, E::Lit(4.0), E::Eye(3)),
            un(U::Map(Func::Tanh), e),
        )
    };
    let sum_x = un(U::Sum, x.clone());
    let m23 = Sh::M(2, 3);
    let mut v_ = vec![
        (
            "add",
            bin(B::Add, x.clone(), bin(B::Hadamard, x.clone(), x.clone())),
            m23,
        ),
        (
            "sub",
            bin(B::Sub, x.clone(), bin(B::Hadamard, x.clone(), x.clone())),
            m23,
        ),
        ("neg", un(U::Neg, x.clone()), m23),
        ("mul", bin(B::Mul, s.clone(), sum_x.clone()), Sh::S),
        ("scale", bin(B::Scale, s.clone(), x.clone()), m23),
        ("matmul XA", bin(B::MatMul, x.clone(), a.clone()), m23),
        (
            "matmul Xv",
            bin(B::MatMul, x.clone(), v.clone()),
            Sh::M(2, 1),
        ),
        (
            "matmul vw",
            bin(B::MatMul, v.clone(), w.clone()),
            Sh::M(3, 3),
        ),
        (
            "matmul wXᵀ",
            bin(B::MatMul, w.clone(), t(x.clone())),
            Sh::M(1, 2),
        ),
        (
            "div matrix",
            bin(
                B::Div,
                x.clone(),
                bin(B::Add, bin(B::Mul, s.clone(), s.clone()), E::Lit(1.0)),
            ),
            m23,
        ),
        (
            "div scalar",
            bin(
                B::Div,
                sum_x.clone(),
                bin(B::Add, bin(B::Mul, s.clone(), s.clone()), E::Lit(1.0)),
            ),
            Sh::S,
        ),
        ("transpose", t(x.clone()), Sh::M(3, 2)),
        (
            "trace",
            un(U::Trace, bin(B::MatMul, a.clone(), a.clone())),
            Sh::S,
        ),
        ("sum", sum_x.clone(), Sh::S),
        ("det", un(U::Det, a.clone()), Sh::S),
        (
            "det XXᵀ",
            un(U::Det, bin(B::MatMul, x.clone(), t(x.clone()))),
            Sh::S,
        ),
        ("logdet", un(U::Logdet, wc(a.clone())), Sh::S),
        (
            "logdet negative det",
            un(U::Logdet, un(U::Neg, wc(a.clone()))),
            Sh::S,
        ),
        ("inv", un(U::Inv, wc(a.clone())), Sh::M(3, 3)),
        (
            "dot",
            bin(B::Dot, x.clone(), un(U::Map(Func::Sin), x.clone())),
            Sh::S,
        ),
        ("norm", un(U::Norm, x.clone()), Sh::S),
        ("norm_sq", un(U::NormSq, x.clone()), Sh::S),
        (
            "hadamard",
            bin(B::Hadamard, x.clone(), un(U::Map(Func::Cos), x.clone())),
            m23,
        ),
        ("elem_div", bin(B::ElemDiv, x.clone(), pos(x.clone())), m23),
        ("kron X⊗v", bin(B::Kron, x.clone(), v.clone()), Sh::M(6, 3)),
        ("kron w⊗X", bin(B::Kron, w.clone(), x.clone()), Sh::M(2, 9)),
        ("vec", un(U::Vec, x.clone()), Sh::M(6, 1)),
        ("diag", un(U::Diag, v.clone()), Sh::M(3, 3)),
        ("diagonal", un(U::Diagonal, a.clone()), Sh::M(3, 1)),
        (
            "powf literal",
            bin(B::Powf, pos(x.clone()), E::Lit(2.5)),
            m23,
        ),
        ("powf param", bin(B::Powf, pos(x.clone()), s.clone()), m23),
        ("matpow 3", un(U::MatPow(3), a.clone()), Sh::M(3, 3)),
        ("matpow -2", un(U::MatPow(-2), wc(a.clone())), Sh::M(3, 3)),
        ("softmax", un(U::Softmax, x.clone()), m23),
        ("logsumexp", un(U::Logsumexp, x.clone()), Sh::S),
        (
            "to_scalar",
            un(U::ToScalar, bin(B::MatMul, w.clone(), v.clone())),
            Sh::S,
        ),
    ];
    // Every elementwise function of the table, on an operand inside its domain.
    for &f in Func::ALL {
        let operand = match f.info().domain {
            Domain::Positive => pos(x.clone()),
            Domain::Bounded | Domain::Interior => bin(B::Scale, E::Lit(0.3), x.clone()),
            Domain::Any | Domain::AwayFromZero => x.clone(),
        };
        v_.push((f.name(), un(U::Map(f), operand), m23));
    }
    for f in [Func::Powi(3), Func::Powi(0)] {
        v_.push((f.name(), un(U::Map(f), x.clone()), m23));
    }
    v_.push(("powi -2", un(U::Map(Func::Powi(-2)), pos(x.clone())), m23));
    v_.push(("atan2", bin(B::Atan2, x.clone(), pos(x.clone())), m23));
    v_.push(("scalar exp", un(U::Map(Func::Exp), s.clone()), Sh::S));
    v_.extend(factor_and_batch_cases());
    v_
}

/// The solves, the Cholesky factor and the batch normalisations, one case each (A built
/// symmetric positive definite where the factorization needs it).
fn factor_and_batch_cases() -> Vec<(&'static str, E, Sh)> {
    let (x, v) = (E::Param(0), E::Param(2));
    let t = |e| un(U::T, e);
    let exprgen::FactorOperands {
        spd,
        dominant,
        chol,
    } = exprgen::factor_operands();
    vec![
        ("softmax_cols", un(U::SoftmaxCols, x.clone()), Sh::M(2, 3)),
        ("softmax_rows", un(U::SoftmaxRows, x.clone()), Sh::M(2, 3)),
        (
            "logsumexp_cols",
            un(U::LogsumexpCols, x.clone()),
            Sh::M(1, 3),
        ),
        (
            "logsumexp_rows",
            un(U::LogsumexpRows, x.clone()),
            Sh::M(2, 1),
        ),
        ("solve", bin(B::Solve, dominant, t(x.clone())), Sh::M(3, 2)),
        (
            "solve spd",
            bin(B::Solve, spd.clone(), v.clone()),
            Sh::M(3, 1),
        ),
        ("cholesky", chol.clone(), Sh::M(3, 3)),
        (
            "solve with a Cholesky factor",
            bin(B::Solve, chol.clone(), v.clone()),
            Sh::M(3, 1),
        ),
        (
            "solve with its transpose",
            bin(B::Solve, t(chol), t(x)),
            Sh::M(3, 2),
        ),
    ]
}

#[test]
fn each_operation_has_the_right_gradient() {
    let params = fixed_inputs();
    let mut failures = Vec::new();
    for (name, e, sh) in table() {
        let phi = reduce(e, sh);
        match std::panic::catch_unwind(|| check(&phi, &params)) {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => failures.push(format!("{name}: unusable test point for {phi}")),
            Ok(Err(msg)) => failures.push(format!("{name}: φ = {phi}\n{msg}")),
            Err(_) => failures.push(format!("{name}: panicked on φ = {phi}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A graph whose parameters have the generic dimension M: A M×M, B M×3, φ = logdet(A Aᵀ + I)
/// + sum(sin(Aᵀ B)) + tr(inv(A Aᵀ + I)), checked at M = 2 and M = 4.
#[test]
fn generic_dimensions() {
    let m = || Dim::Named("M".into());
    let sp = Span::call_site();
    let param = |name: &str, shape| Param {
        name: name.into(),
        shape,
        span: sp,
    };
    let mut g = Graph::new(
        vec![
            param("A", Shape::matrix(m(), m())),
            param("B", Shape::matrix(m(), Dim::Known(3))),
        ],
        ScalarType::F64,
    );
    let a = g.make(Op::Param(0), sp);
    let b = g.make(Op::Param(1), sp);
    let at = g.make(Op::Transpose(a), sp);
    let aat = g.make(Op::MatMul(a, at), sp);
    let eye = g.make(Op::Identity(m()), sp);
    let spd = g.make(Op::Add(aat, eye), sp);
    let logdet = g.make(Op::Logdet(spd), sp);
    let atb = g.make(Op::MatMul(at, b), sp);
    let sin = g.make(Op::Map(Func::Sin, atb), sp);
    let sum = g.make(Op::Sum(sin), sp);
    let inv = g.make(Op::Inv(spd), sp);
    let tr = g.make(Op::Trace(inv), sp);
    let partial = g.make(Op::Add(logdet, sum), sp);
    let phi = g.make(Op::Add(partial, tr), sp);
    let grads = diff::gradient(&mut g, phi, &[0, 1]);

    for n in [2, 4] {
        let dims: Bindings = HashMap::from([("M".to_string(), n)]);
        let params = vec![
            Value::from_fn(n, n, |i, j| ((i * 7 + j * 3) as f64 * 0.37).sin()),
            Value::from_fn(n, 3, |i, j| ((i * 5 + j * 11) as f64 * 0.53).cos()),
        ];
        let derived = evaluate(&g, &grads, &params, &dims).unwrap();
        for (k, d) in derived.iter().enumerate() {
            let fd = fd_gradient(&g, phi, k, &params, &dims, H).unwrap();
            assert_eq!((d.rows, d.cols), (fd.rows, fd.cols));
            for (x, y) in d.data.iter().zip(&fd.data) {
                assert!(
                    (x - y).abs() <= 1e-6 * (1.0 + y.abs()),
                    "M = {n}, param {k}: {d:?} vs {fd:?}"
                );
            }
        }
    }
}

/// The generator reaches every DSL operation and elementwise function (so a passing property
/// means something for each of them).
#[test]
fn generator_covers_every_operation() {
    use matcalc_symbolic::table::Lowers;
    use proptest::strategy::ValueTree;
    use std::collections::HashSet;

    fn walk(e: &E, seen: &mut HashSet<String>) {
        match e {
            E::Un(u, a) => {
                let name = match u {
                    U::Map(Func::Powi(_)) => "Map(powi)".to_string(),
                    U::MatPow(_) => "MatPow".to_string(),
                    U::Entry(..) => "Entry".to_string(),
                    U::View(..) => "View".to_string(),
                    other => format!("{other:?}"),
                };
                seen.insert(name);
                walk(a, seen);
            }
            E::Bin(b, x, y) => {
                seen.insert(format!("{b:?}"));
                walk(x, seen);
                walk(y, seen);
            }
            E::Grid(_, _, entries) => {
                seen.insert("Grid".to_string());
                entries.iter().for_each(|e| walk(e, seen));
            }
            _ => {}
        }
    }
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = exprgen::expr(Sh::S, 4);
    let mut seen = HashSet::new();
    for _ in 0..2000 {
        walk(
            &strategy.new_tree(&mut runner).unwrap().current(),
            &mut seen,
        );
    }
    let mut want: Vec<String> = [
        "Neg",
        "T",
        "Trace",
        "Sum",
        "Det",
        "Logdet",
        "Inv",
        "Norm",
        "NormSq",
        "Vec",
        "Diag",
        "Diagonal",
        "MatPow",
        "Softmax",
        "Logsumexp",
        "ToScalar",
        "Add",
        "Sub",
        "Mul",
        "Scale",
        "MatMul",
        "Div",
        "Dot",
        "Hadamard",
        "ElemDiv",
        "Kron",
        "Powf",
        "Map(powi)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    want.push("Atan2".to_string());
    for &f in Func::ALL {
        if !matches!(f, Func::Powi(_)) {
            want.push(format!("{:?}", U::Map(f)));
        }
    }
    // Every operation of the DSL table, whatever the hand list above says.
    for entry in matcalc_symbolic::table::entries() {
        match entry.lowers {
            Lowers::Op(call, _) => want.push(exprgen::generated_name(call)),
            Lowers::IntPower(call) => want.push(exprgen::generated_name(call(2))),
            Lowers::Constant(_) => {}
        }
    }
    // Every form of entries, views and assembly.
    {
        use matcalc_symbolic::ast::{Assembly, Index, Part};
        let at = Index {
            value: 0,
            span: proc_macro2::Span::call_site(),
        };
        let parts = [
            Part::Entry(at.clone()),
            Part::EntryAt(at.clone(), at.clone()),
            Part::Block {
                name: "row",
                row: at.clone(),
                col: at,
                rows: None,
                cols: None,
            },
        ];
        want.extend(parts.iter().map(|p| exprgen::generated_part(p).to_string()));
        for kind in [Assembly::VStack, Assembly::HStack, Assembly::Grid] {
            want.push(exprgen::generated_assembly(kind).to_string());
        }
    }
    want.sort();
    want.dedup();
    let missing: Vec<&String> = want.iter().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
