//! Loops around random expressions (issue 11): a generated body of the shape of one parameter
//! P becomes the update of a `let mut` state,
//!
//! ```text
//! let mut st = P;
//! for t in 0..3 { st = tanh(BODY[P := st]) + 0.25 * v[t]; }
//! ```
//!
//! written as DSL source and put through the parser (which unrolls the loop), the shape stage
//! and `diff`. The reference is independent of the parser: the generator's own graph of BODY
//! evaluated three times by the interpreter, feeding each result back as P. The loop program's
//! value must equal it, and its gradient (of a weighted sum of the final state) and its
//! Jacobian (of the final state) must equal central finite differences of that reference.

#[allow(dead_code)] // the factorization fixture is for gradient_fd and jacobian_fd
mod exprgen;

use exprgen::source::Source;
use exprgen::{build, new_graph, total_len, values_from, Sh, E, PARAMS};
use matcalc_symbolic::eval::{evaluate, Bindings, Value};
use matcalc_symbolic::ir::{Graph, NodeId};
use matcalc_symbolic::{diff, parse, shape};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const STEPS: usize = 3;

/// Non-uniform weights 1 + k/10 over the column-major entries of the state.
fn weights(n: usize) -> Vec<f64> {
    (0..n).map(|k| 1.0 + 0.1 * k as f64).collect()
}

/// The loop program: value Σ weights ⊙ st (a scalar state is its own value), or st itself.
fn program(state: usize, body: &E, reduce: bool) -> String {
    let mut source = Source::default();
    let update = source.render(body, (state, "st"));
    let params: Vec<String> = PARAMS
        .iter()
        .map(|(name, sh)| match sh {
            Sh::S => format!("{name}: f64"),
            Sh::M(r, c) => format!("{name}: &Matrix<U{r}, U{c}>"),
        })
        .collect();
    let (ret, value) = match (PARAMS[state].1, reduce) {
        (Sh::S, _) => ("f64".to_string(), "st".to_string()),
        (Sh::M(r, c), true) => {
            let w: Vec<String> = weights(r * c).iter().map(|x| format!("{x:?}")).collect();
            // Rows of the weight matrix from the column-major list.
            let rows: Vec<String> = (0..r)
                .map(|i| {
                    (0..c)
                        .map(|j| w[i + r * j].clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            source.prelude.push(format!(
                "let weights: Matrix<U{r}, U{c}> = matrix![{}];",
                rows.join("; ")
            ));
            ("f64".to_string(), "sum(hadamard(st, weights))".to_string())
        }
        (Sh::M(r, c), false) => (format!("Matrix<U{r}, U{c}>"), "st".to_string()),
    };
    format!(
        "fn f({}) -> {ret} {{ {} let mut st = {}; for t in 0..{STEPS} {{ st = tanh({update}) + \
         0.25 * v[t]; }} {value} }}",
        params.join(", "),
        source.prelude.join(" "),
        PARAMS[state].0,
    )
}

/// The reference: BODY evaluated STEPS times by the interpreter, its result fed back as P.
fn reference(state: usize, raw: &Graph, root: NodeId, params: &[Value]) -> Value {
    let original = params;
    let mut params = params.to_vec();
    for t in 0..STEPS {
        let mut next =
            evaluate(raw, &[root], &params, &Bindings::new()).expect("evaluates")[0].clone();
        // `v[t]` is the parameter v, also when v is the state.
        let shift = 0.25 * original[2].data[t];
        for x in &mut next.data {
            *x = x.tanh() + shift;
        }
        params[state] = next;
    }
    params[state].clone()
}

fn weighted(v: &Value) -> f64 {
    v.data
        .iter()
        .zip(weights(v.data.len()))
        .map(|(x, w)| x * w)
        .sum()
}

/// Central differences of `f` (a vector of outputs) in every entry of parameter `i`, at step h:
/// column k is ∂f/∂(vec Pᵢ)ₖ.
fn differences(
    f: &dyn Fn(&[Value]) -> Vec<f64>,
    params: &[Value],
    i: usize,
    h: f64,
) -> Vec<Vec<f64>> {
    (0..params[i].data.len())
        .map(|k| {
            let (mut plus, mut minus) = (params.to_vec(), params.to_vec());
            plus[i].data[k] += h;
            minus[i].data[k] -= h;
            f(&plus)
                .iter()
                .zip(f(&minus))
                .map(|(a, b)| (a - b) / (2.0 * h))
                .collect()
        })
        .collect()
}

/// Compares `derived` (column-major, outputs × entries) with finite differences.
fn compare(
    what: &str,
    derived: &Value,
    f: &dyn Fn(&[Value]) -> Vec<f64>,
    params: &[Value],
    i: usize,
) -> Result<(), String> {
    let h = 1e-6;
    let (fd, fd2) = (
        differences(f, params, i, h),
        differences(f, params, i, 2.0 * h),
    );
    let outputs = fd.first().map_or(0, Vec::len);
    for (k, (col, col2)) in fd.iter().zip(&fd2).enumerate() {
        for (o, (&b, &b2)) in col.iter().zip(col2).enumerate() {
            let a = derived.data[o + outputs * k];
            let tol = 1e-5 * (1.0 + b.abs()) + 2.0 * (b - b2).abs();
            if (a - b).abs() > tol {
                return Err(format!(
                    "{what} ∂/∂{}: output {o}, entry {k}: derived {a}, finite differences {b}",
                    PARAMS[i].0
                ));
            }
        }
    }
    Ok(())
}

/// `Ok(false)`: the point is unusable (non-finite or huge values).
fn check(state: usize, body: &E, params: &[Value]) -> Result<bool, String> {
    let mut raw = new_graph();
    let root = build(body, &mut raw, false);
    let want = reference(state, &raw, root, params);
    if !want.is_finite() || want.max_abs() > 1e6 {
        return Ok(false);
    }
    for reduce in [true, false] {
        let source = program(state, body, reduce);
        let item: syn::ItemFn = syn::parse_str(&source).map_err(|e| format!("{source}: {e}"))?;
        let function = parse::function(&item).map_err(|e| format!("{source}: {e}"))?;
        let lowered = shape::lower(&function).map_err(|e| format!("{source}: {e}"))?;
        let mut g = lowered.graph;
        let value = evaluate(&g, &[lowered.value], params, &Bindings::new())
            .map_err(|e| e.to_string())?[0]
            .clone();
        let expected = if reduce {
            vec![weighted(&want)]
        } else {
            want.data.clone()
        };
        for (a, b) in value.data.iter().zip(&expected) {
            if (a - b).abs() > 1e-9 * (1.0 + b.abs()) {
                return Err(format!("{source}\nunrolled value {a} ≠ reference {b}"));
            }
        }
        let f = |p: &[Value]| {
            let st = reference(state, &raw, root, p);
            if reduce {
                vec![weighted(&st)]
            } else {
                st.data
            }
        };
        for i in 0..PARAMS.len() {
            let derived = if reduce {
                let grad = diff::gradient(&mut g, lowered.value, &[i])[0];
                evaluate(&g, &[grad], params, &Bindings::new()).map_err(|e| e.to_string())?[0]
                    .clone()
            } else {
                let jac = diff::jacobian(&mut g, lowered.value, i);
                evaluate(&g, &[jac], params, &Bindings::new()).map_err(|e| e.to_string())?[0]
                    .clone()
            };
            let what = if reduce { "gradient" } else { "Jacobian" };
            compare(what, &derived, &f, params, i).map_err(|m| format!("{source}\n{m}"))?;
        }
    }
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// A random body of depth ≤ 3 as the update of each parameter's shape, unrolled 3 times.
    #[test]
    fn looped_bodies_match_finite_differences(
        (state, body) in (0..PARAMS.len()).prop_flat_map(|i| (Just(i), exprgen::expr(PARAMS[i].1, 3))),
        flat in prop::collection::vec(-1.0..1.0f64, total_len()),
    ) {
        let usable = check(state, &body, &values_from(&flat)).map_err(|msg| {
            TestCaseError::fail(format!("state {}, body {body}\n{msg}", PARAMS[state].0))
        })?;
        prop_assume!(usable, "non-finite or huge value");
    }
}
