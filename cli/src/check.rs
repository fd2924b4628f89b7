//! `--check`: evaluates the value and the derived formulas at random inputs with the engine's
//! interpreter (`eval`) and compares them with central finite differences (`check`).

use matcalc_symbolic::check::{fd_gradient, fd_hessian, fd_jacobian};
use matcalc_symbolic::eval::{evaluate, resolve_shape, Bindings, EvalError, Value};
use matcalc_symbolic::ir::NodeId;
use matcalc_symbolic::request::Prepared;

use crate::args::Options;
use crate::derive::Derived;

/// splitmix64: a small, seedable generator, enough for test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Prints the comparison; `false` when some entry is off by more than the tolerance (or the
/// expression could not be evaluated).
pub fn run(p: &Prepared, derived: &[(usize, Derived)], o: &Options) -> bool {
    match compare(p, derived, o) {
        Ok(passed) => passed,
        Err(error) => {
            eprintln!("error: --check could not evaluate the expression: {error}");
            false
        }
    }
}

fn compare(p: &Prepared, derived: &[(usize, Derived)], o: &Options) -> Result<bool, EvalError> {
    let g = &p.graph;
    let size = usize::from(o.dim_size);
    let dims: Bindings = p.dims.iter().map(|d| (d.clone(), size)).collect();
    let mut rng = Rng(o.seed);
    let mut params = Vec::new();
    for (i, param) in g.params.iter().enumerate() {
        let (rows, cols, scalar) = resolve_shape(&param.shape, &dims)?;
        // Positive entries keep log and sqrt defined; +1 on the diagonal of square matrices
        // keeps inv, det and logdet well conditioned.
        let mut v = Value::from_fn(rows, cols, |r, c| {
            let x = 0.1 + 0.9 * rng.next();
            if rows == cols && rows > 1 && r == c {
                x + 1.0
            } else {
                x
            }
        });
        v.scalar = scalar;
        let _ = i;
        params.push(v);
    }
    println!("Check at random inputs (seed {}):", o.seed);
    println!("  inputs: entries uniform in [0.1, 1], plus 1 on the diagonal of square matrices");
    if !p.dims.is_empty() {
        println!(
            "  generic dimensions {} taken as {size} (change with --dim-size)",
            p.dims.join(", ")
        );
    }
    let value = evaluate(g, &[p.value], &params, &dims)?.remove(0);
    let phi = crate::derive::Notation { latex: false }.formula(g, p.value);
    println!("  value: {phi} = {}", describe(&value));

    let mut passed = true;
    let h = 1e-6;
    for &(i, d) in derived {
        let x = &p.variables[i].name;
        let mut cases: Vec<(String, NodeId, Value, f64)> = Vec::new();
        match d {
            Derived::Gradient(grad) => cases.push((
                format!("∂/∂{x}"),
                grad,
                fd_gradient(g, p.value, i, &params, &dims, h)?,
                o.tolerance.unwrap_or(1e-6),
            )),
            Derived::Jacobian(j) => cases.push((
                format!("∂vec/∂(vec {x})ᵀ"),
                j,
                fd_jacobian(g, p.value, i, &params, &dims, h)?,
                o.tolerance.unwrap_or(1e-6),
            )),
            Derived::Hessian { gradient, hessian } => {
                cases.push((
                    format!("∂/∂{x}"),
                    gradient,
                    fd_gradient(g, p.value, i, &params, &dims, h)?,
                    o.tolerance.unwrap_or(1e-6),
                ));
                cases.push((
                    format!("Hessian in {x}"),
                    hessian,
                    fd_hessian(g, p.value, i, &params, &dims, 1e-4)?,
                    o.tolerance.unwrap_or(1e-4),
                ));
            }
            // A product against the finite-difference Jacobian (Hessian) applied numerically
            // to the random direction: an independent computation of the same number.
            Derived::Vjp { product, direction } => {
                let j = fd_jacobian(g, p.value, i, &params, &dims, h)?;
                cases.push((
                    format!("vjp in {x}"),
                    product,
                    left_times(&params[direction], &j),
                    o.tolerance.unwrap_or(1e-6),
                ));
            }
            Derived::Jvp { product, direction } => {
                let j = fd_jacobian(g, p.value, i, &params, &dims, h)?;
                cases.push((
                    format!("jvp in {x}"),
                    product,
                    times(&j, &params[direction]),
                    o.tolerance.unwrap_or(1e-6),
                ));
            }
            Derived::Hvp {
                gradient,
                product,
                direction,
            } => {
                cases.push((
                    format!("∂/∂{x}"),
                    gradient,
                    fd_gradient(g, p.value, i, &params, &dims, h)?,
                    o.tolerance.unwrap_or(1e-6),
                ));
                let hessian = fd_hessian(g, p.value, i, &params, &dims, 1e-4)?;
                cases.push((
                    format!("H v in {x}"),
                    product,
                    times(&hessian, &params[direction]),
                    o.tolerance.unwrap_or(1e-4),
                ));
            }
        }
        for (what, node, numeric, tol) in cases {
            let derived = evaluate(g, &[node], &params, &dims)?.remove(0);
            let (abs, scaled) = differences(&derived, &numeric);
            let ok = scaled <= tol;
            passed &= ok;
            println!(
                "  {what}: largest |derived − finite difference| = {abs:.1e} over {} entries \
                 ({}, tolerance {tol:.0e})",
                numeric.len(),
                if ok { "ok" } else { "FAILED" }
            );
        }
    }
    println!(
        "{}",
        if passed {
            "check passed"
        } else {
            "check FAILED"
        }
    );
    Ok(passed)
}

/// M vec(d), as a column.
fn times(m: &Value, d: &Value) -> Value {
    Value::from_fn(m.rows, 1, |i, _| {
        (0..m.cols).map(|k| m.get(i, k) * d.data[k]).sum::<f64>()
    })
}

/// vec(u)ᵀ M, as a column.
fn left_times(u: &Value, m: &Value) -> Value {
    Value::from_fn(m.cols, 1, |k, _| {
        (0..m.rows).map(|i| u.data[i] * m.get(i, k)).sum::<f64>()
    })
}

/// The largest absolute difference and the largest difference relative to 1 + |numeric| (NaN
/// counts as infinitely far).
fn differences(derived: &Value, numeric: &Value) -> (f64, f64) {
    if derived.len() != numeric.len() {
        return (f64::INFINITY, f64::INFINITY);
    }
    derived
        .data
        .iter()
        .zip(&numeric.data)
        .fold((0.0f64, 0.0f64), |(abs, scaled), (&a, &b)| {
            let d = (a - b).abs();
            let d = if d.is_nan() { f64::INFINITY } else { d };
            (abs.max(d), scaled.max(d / (1.0 + b.abs())))
        })
}

fn describe(v: &Value) -> String {
    if v.scalar || v.len() == 1 {
        format!("{:.6}", v.as_scalar())
    } else {
        format!("a {}×{} matrix", v.rows, v.cols)
    }
}
