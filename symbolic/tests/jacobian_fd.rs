//! Jacobians (`diff::jacobian`) and Hessians (`diff::hessian`) against finite differences taken
//! with the independent interpreter, on random well-shaped expressions of every shape over every
//! DSL operation (the `exprgen` generator the gradient tests use). Hessians differentiate the
//! reverse-mode gradient graph, so these also exercise the Jacobian rules of the adjoint-only
//! operations (`OnesMul`, Kronecker adjoints, `sign`, `step`, `recip`). Every Hessian is also
//! checked for exact (bitwise) symmetry.
//!
//! As in `gradient_fd`, the reference is the expression built verbatim, the derivative is taken
//! of the expression built through the rewriting constructor.
//!
//! The products (`diff::vjp`, `diff::jvp`, `diff::hvp`, issue 11) are checked on the same
//! expressions against the full Jacobian and Hessian applied to a random direction (vᵀJ, J t,
//! H v): every operation's forward rule, seeded with vec(T), and the `vecs` rewrites that keep
//! it at matrix level, must give the same numbers.

mod exprgen;

use exprgen::{build, inputs, new_graph, param_len, values_from, Sh, PARAMS};
use matcalc_symbolic::check::{fd_hessian, fd_jacobian};
use matcalc_symbolic::diff;
use matcalc_symbolic::eval::{evaluate, Bindings, Value};
use matcalc_symbolic::ir::{Graph, Shape};
use matcalc_symbolic::print;
use proc_macro2::Span;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// The largest intermediate magnitude of the verbatim expression, or `None` when the point is
/// unusable (a non-finite or huge value).
fn scale_of(raw: &Graph, root: matcalc_symbolic::ir::NodeId, params: &[Value]) -> Option<f64> {
    let all = raw.reachable(&[root]);
    let vals = evaluate(raw, &all, params, &Bindings::new()).ok()?;
    let scale = vals.iter().map(Value::max_abs).fold(0.0, f64::max);
    (vals.iter().all(Value::is_finite) && scale <= 1e6).then_some(scale)
}

/// Compares `derived` with the difference quotients `fd` (step h) and `fd2` (step 2h): their
/// disagreement estimates the reference's own error.
fn agree(derived: &Value, fd: &Value, fd2: &Value, rel: f64, scale: f64) -> Result<(), String> {
    if (derived.rows, derived.cols) != (fd.rows, fd.cols) {
        return Err(format!(
            "derived is {}×{}, differences {}×{}",
            derived.rows, derived.cols, fd.rows, fd.cols
        ));
    }
    for (k, ((&a, &b), &b2)) in derived.data.iter().zip(&fd.data).zip(&fd2.data).enumerate() {
        let tol = rel * (1.0 + b.abs()) + 1e-9 * scale + 2.0 * (b - b2).abs();
        // Phrased as "within" so that NaN, which fails every comparison, is rejected.
        let within = (a - b).abs() <= tol;
        if !within {
            return Err(format!(
                "entry ({}, {}) derived {a}, finite differences {b}",
                k % derived.rows,
                k / derived.rows
            ));
        }
    }
    Ok(())
}

/// Every parameter's Jacobian of `e` (shape `sh`). `Ok(false)`: unusable point.
fn check_jacobians(e: &exprgen::E, params: &[Value]) -> Result<bool, String> {
    const H: f64 = 1e-6;
    let dims = Bindings::new();
    let mut raw = new_graph();
    let raw_root = build(e, &mut raw, false);
    let Some(scale) = scale_of(&raw, raw_root, params) else {
        return Ok(false);
    };
    let mut made = new_graph();
    let root = build(e, &mut made, true);
    for (i, (name, _)) in PARAMS.iter().enumerate() {
        let j = diff::jacobian(&mut made, root, i);
        let derived = evaluate(&made, &[j], params, &dims).map_err(|e| e.to_string())?;
        let fd = fd_jacobian(&raw, raw_root, i, params, &dims, H).map_err(|e| e.to_string())?;
        let fd2 =
            fd_jacobian(&raw, raw_root, i, params, &dims, 2.0 * H).map_err(|e| e.to_string())?;
        agree(&derived[0], &fd, &fd2, 1e-5, scale)
            .map_err(|msg| format!("∂/∂{}: {msg}\n  J = {}", name, print::unicode(&made, j)))?;
    }
    Ok(true)
}

/// Every parameter's Hessian of the scalar `e`, and its exact symmetry.
fn check_hessians(e: &exprgen::E, params: &[Value]) -> Result<bool, String> {
    // Second differences err by ~ε·f/h² from rounding: h = 1e-4 balances that against h².
    const H: f64 = 1e-4;
    let dims = Bindings::new();
    let mut raw = new_graph();
    let raw_root = build(e, &mut raw, false);
    let Some(scale) = scale_of(&raw, raw_root, params) else {
        return Ok(false);
    };
    let mut made = new_graph();
    let root = build(e, &mut made, true);
    for (i, (name, _)) in PARAMS.iter().enumerate() {
        let (_, h) = diff::hessian(&mut made, root, i);
        let derived = evaluate(&made, &[h], params, &dims)
            .map_err(|e| e.to_string())?
            .remove(0);
        let formula = || format!("∂²/∂{name}²: H = {}", print::unicode(&made, h));
        for r in 0..derived.rows {
            for c in 0..r {
                if derived.get(r, c).to_bits() != derived.get(c, r).to_bits() {
                    return Err(format!(
                        "not exactly symmetric at ({r}, {c})\n  {}",
                        formula()
                    ));
                }
            }
        }
        let fd = fd_hessian(&raw, raw_root, i, params, &dims, H).map_err(|e| e.to_string())?;
        let fd2 =
            fd_hessian(&raw, raw_root, i, params, &dims, 2.0 * H).map_err(|e| e.to_string())?;
        agree(&derived, &fd, &fd2, 1e-4, 1e2 * scale)
            .map_err(|msg| format!("{msg}\n  {}", formula()))?;
    }
    Ok(true)
}

/// `a` and `b` agree to rounding, relative to `scale`.
fn same_numbers(what: &str, a: &[f64], b: &[f64], scale: f64) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{what}: {} entries, expected {}", a.len(), b.len()));
    }
    for (k, (&x, &y)) in a.iter().zip(b).enumerate() {
        let within = (x - y).abs() <= 1e-9 * (1.0 + y.abs() + scale);
        if !within {
            return Err(format!(
                "{what}: entry {k}: product {x}, from the full matrix {y}"
            ));
        }
    }
    Ok(())
}

/// M vec(d).
fn times(m: &Value, d: &Value) -> Vec<f64> {
    (0..m.rows)
        .map(|i| (0..m.cols).map(|k| m.get(i, k) * d.data[k]).sum())
        .collect()
}

/// Every parameter's vjp and jvp of `e` against its full Jacobian, and for a scalar `e` its
/// hvp against its Hessian, with directions drawn from `directions`.
fn check_products(e: &exprgen::E, params: &[Value], directions: &[f64]) -> Result<bool, String> {
    let dims = Bindings::new();
    let mut raw = new_graph();
    let raw_root = build(e, &mut raw, false);
    let Some(scale) = scale_of(&raw, raw_root, params) else {
        return Ok(false);
    };
    let mut g = new_graph();
    let root = build(e, &mut g, true);
    let out_shape = g.shape(root).clone();
    let mut values = params.to_vec();
    let direction = |g: &mut Graph, shape: Shape, values: &mut Vec<Value>| {
        let (index, node) = diff::add_direction(g, "d", shape.clone(), Span::call_site());
        let value = match shape {
            Shape::Scalar => Value::scalar(directions[index % directions.len()]),
            Shape::Matrix(r, c) => {
                let (r, c) = (r.known().unwrap(), c.known().unwrap());
                Value::from_fn(r, c, |i, j| {
                    directions[(index + i + r * j) % directions.len()]
                })
            }
        };
        values.push(value);
        node
    };
    let u = direction(&mut g, out_shape, &mut values);
    for (i, (name, _)) in PARAMS.iter().enumerate() {
        let param_shape = g.params[i].shape.clone();
        let t = direction(&mut g, param_shape, &mut values);
        let bar = diff::vjp(&mut g, root, u, &[i])[0];
        let df = diff::jvp(&mut g, root, i, t);
        let j = diff::jacobian(&mut g, root, i);
        let got = evaluate(&g, &[bar, df, j, u, t], &values, &dims).map_err(|e| e.to_string())?;
        let jt = got[2].clone();
        let ut_j: Vec<f64> = (0..jt.cols)
            .map(|k| (0..jt.rows).map(|r| got[3].data[r] * jt.get(r, k)).sum())
            .collect();
        same_numbers(&format!("vjp ∂/∂{name}"), &got[0].data, &ut_j, scale)
            .map_err(|m| format!("{m}\n  X̄ = {}", print::unicode(&g, bar)))?;
        same_numbers(
            &format!("jvp ∂/∂{name}"),
            &got[1].data,
            &times(&jt, &got[4]),
            scale,
        )
        .map_err(|m| format!("{m}\n  dF = {}", print::unicode(&g, df)))?;
        if g.shape(root).is_scalar() {
            let (_, hv) = diff::hvp(&mut g, root, i, t);
            let (_, h) = diff::hessian(&mut g, root, i);
            let got = evaluate(&g, &[hv, h, t], &values, &dims).map_err(|e| e.to_string())?;
            same_numbers(
                &format!("hvp ∂²/∂{name}²"),
                &got[0].data,
                &times(&got[1], &got[2]),
                1e2 * scale,
            )
            .map_err(|m| format!("{m}\n  H v = {}", print::unicode(&g, hv)))?;
        }
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Matrix- and scalar-valued random expressions of every shape, depth ≤ 3: the Jacobian
    /// with respect to each of X (2×3), A (3×3), v (3×1), w (1×3) and s (scalar).
    #[test]
    fn jacobians_match_finite_differences(
        e in proptest::sample::select(exprgen::all_shapes())
            .prop_flat_map(|sh| exprgen::expr(sh, 3)),
        flat in inputs(),
    ) {
        let usable = check_jacobians(&e, &values_from(&flat))
            .map_err(|msg| TestCaseError::fail(format!("F = {e}\n{msg}")))?;
        prop_assume!(usable, "non-finite or huge value");
    }

    /// Random expressions of every shape, depth ≤ 3: vjp and jvp (and hvp of the scalar ones)
    /// with respect to each parameter equal the full Jacobian (Hessian) applied to a random
    /// direction.
    #[test]
    fn products_match_the_full_jacobian_and_hessian(
        e in proptest::sample::select(exprgen::all_shapes())
            .prop_flat_map(|sh| exprgen::expr(sh, 3)),
        flat in inputs(),
        directions in prop::collection::vec(-1.0..1.0f64, 17),
    ) {
        let usable = check_products(&e, &values_from(&flat), &directions)
            .map_err(|msg| TestCaseError::fail(format!("F = {e}\n{msg}")))?;
        prop_assume!(usable, "non-finite or huge value");
    }

    /// Scalar random expressions of depth ≤ 3: the Hessian with respect to each parameter.
    #[test]
    fn hessians_match_finite_differences(e in exprgen::expr(Sh::S, 3), flat in inputs()) {
        let usable = check_hessians(&e, &values_from(&flat))
            .map_err(|msg| TestCaseError::fail(format!("φ = {e}\n{msg}")))?;
        prop_assume!(usable, "non-finite or huge value");
    }
}

/// The solves, the Cholesky factor and the batch normalisations by name: Jacobians of each,
/// and Hessians of a nonlinear scalar of each (Hessians of functions of `cholesky` included,
/// the second-order path through Φ, tril and the triangular solves of its adjoint).
#[test]
fn factorizations_and_batches_by_name() {
    use exprgen::{B, E, U};
    use matcalc_symbolic::ir::Func;
    let un = |u, a| E::Un(u, Box::new(a));
    let bin = |b, x, y| E::Bin(b, Box::new(x), Box::new(y));
    let (x, v) = (E::Param(0), E::Param(2));
    let t = |e| un(U::T, e);
    let exprgen::FactorOperands {
        spd,
        dominant,
        chol,
    } = exprgen::factor_operands();
    let cases = [
        ("softmax_cols", un(U::SoftmaxCols, x.clone())),
        ("softmax_rows", un(U::SoftmaxRows, x.clone())),
        ("logsumexp_cols", un(U::LogsumexpCols, x.clone())),
        ("logsumexp_rows", un(U::LogsumexpRows, x.clone())),
        ("solve", bin(B::Solve, dominant, t(x.clone()))),
        ("solve spd", bin(B::Solve, spd.clone(), v.clone())),
        ("cholesky", chol.clone()),
        (
            "solve by the factor",
            bin(B::Solve, chol.clone(), v.clone()),
        ),
        ("solve by its transpose", bin(B::Solve, t(chol), t(x))),
    ];
    let flat: Vec<f64> = (0..(0..PARAMS.len()).map(param_len).sum::<usize>())
        .map(|k| ((k as f64) * 0.731).sin() * 0.8)
        .collect();
    let params = values_from(&flat);
    let mut failures = Vec::new();
    for (name, e) in cases {
        // sum(sin(F)): a scalar whose Hessian involves the second derivative of F.
        let phi = un(U::Sum, un(U::Map(Func::Sin), e.clone()));
        for (what, result) in [
            ("Jacobian", check_jacobians(&e, &params)),
            ("Hessian", check_hessians(&phi, &params)),
        ] {
            match result {
                Ok(true) => {}
                Ok(false) => failures.push(format!("{name} {what}: unusable point")),
                Err(msg) => failures.push(format!("{name} {what}: {msg}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
