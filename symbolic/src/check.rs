//! Finite-difference derivatives computed with the `eval` interpreter: the numeric side of the
//! command-line tool's `--check` and of the gradient/Jacobian/Hessian tests. Results follow the
//! layouts of reference §2, so they can be compared entry by entry with derived formulas.

use crate::eval::{evaluate, Bindings, EvalError, Value};
use crate::ir::{Graph, NodeId};

/// Evaluates the single node `output` with entry `a` of parameter `param` moved by `delta`.
fn eval_shifted(
    g: &Graph,
    output: NodeId,
    param: usize,
    a: usize,
    delta: f64,
    params: &[Value],
    dims: &Bindings,
) -> Result<Value, EvalError> {
    let mut shifted = params.to_vec();
    let p = shifted.get_mut(param).ok_or(EvalError::MissingParam {
        index: param,
        count: params.len(),
    })?;
    p.data[a] += delta;
    Ok(evaluate(g, &[output], &shifted, dims)?.remove(0))
}

fn param_len(params: &[Value], param: usize) -> Result<usize, EvalError> {
    params
        .get(param)
        .map(Value::len)
        .ok_or(EvalError::MissingParam {
            index: param,
            count: params.len(),
        })
}

/// The gradient of the scalar `output` with respect to parameter `param_index`, by central
/// differences (f(x + h·eₐ) − f(x − h·eₐ)) / 2h on every entry. Shaped like the parameter:
/// `G[(i, j)] = ∂φ/∂X[(i, j)]`.
pub fn fd_gradient(
    g: &Graph,
    output: NodeId,
    param_index: usize,
    params: &[Value],
    dims: &Bindings,
    h: f64,
) -> Result<Value, EvalError> {
    if output.index() < g.len() && !g.shape(output).is_scalar() {
        return Err(EvalError::NotScalar(output));
    }
    let jac = fd_jacobian(g, output, param_index, params, dims, h)?;
    let p = &params[param_index];
    Ok(Value {
        rows: p.rows,
        cols: p.cols,
        data: jac.data,
        scalar: p.scalar,
    })
}

/// The Jacobian of `output` (p×q) with respect to parameter `param_index` (m×n) by central
/// differences: (p·q)×(m·n) with `J[(i + p·j, k + m·l)] = ∂F[(i, j)]/∂X[(k, l)]`. Column
/// `k + m·l` is the difference quotient of vec F for a step in X[(k, l)].
pub fn fd_jacobian(
    g: &Graph,
    output: NodeId,
    param_index: usize,
    params: &[Value],
    dims: &Bindings,
    h: f64,
) -> Result<Value, EvalError> {
    let n = param_len(params, param_index)?;
    let mut columns = Vec::new();
    let mut out_len = 0;
    for a in 0..n {
        let plus = eval_shifted(g, output, param_index, a, h, params, dims)?;
        let minus = eval_shifted(g, output, param_index, a, -h, params, dims)?;
        out_len = plus.len();
        columns.extend(
            plus.data
                .iter()
                .zip(&minus.data)
                .map(|(p, m)| (p - m) / (2.0 * h)),
        );
    }
    if n == 0 {
        out_len = evaluate(g, &[output], params, dims)?[0].len();
    }
    Ok(Value::from_columns(out_len, n, &columns))
}

/// The Hessian of the scalar `output` with respect to parameter `param_index` by second-order
/// central differences over vec X: `H[(a, b)] ≈ (f(+a+b) − f(+a−b) − f(−a+b) + f(−a−b)) / 4h²`
/// (steps of h in entries a and b). Accurate to O(h²) but with rounding error ~ε/h², so use a
/// larger h than for gradients (≈1e-4).
pub fn fd_hessian(
    g: &Graph,
    output: NodeId,
    param_index: usize,
    params: &[Value],
    dims: &Bindings,
    h: f64,
) -> Result<Value, EvalError> {
    if output.index() < g.len() && !g.shape(output).is_scalar() {
        return Err(EvalError::NotScalar(output));
    }
    let n = param_len(params, param_index)?;
    let f = |a: usize, da: f64, b: usize, db: f64| -> Result<f64, EvalError> {
        let mut shifted = params.to_vec();
        shifted[param_index].data[a] += da;
        shifted[param_index].data[b] += db;
        Ok(evaluate(g, &[output], &shifted, dims)?[0].as_scalar())
    };
    let mut hess = Value::zeros(n, n);
    for a in 0..n {
        for b in 0..=a {
            let v = (f(a, h, b, h)? - f(a, h, b, -h)? - f(a, -h, b, h)? + f(a, -h, b, -h)?)
                / (4.0 * h * h);
            hess.set(a, b, v);
            hess.set(b, a, v);
        }
    }
    Ok(hess)
}

/// Whether `a` and `b` agree entry by entry within |aᵢ − bᵢ| ≤ tol·(1 + |bᵢ|); on failure the
/// first offending entry as (index, a, b).
pub fn compare(a: &Value, b: &Value, tol: f64) -> Result<(), (usize, f64, f64)> {
    if a.len() != b.len() {
        return Err((usize::MAX, a.len() as f64, b.len() as f64));
    }
    for (i, (&x, &y)) in a.data.iter().zip(&b.data).enumerate() {
        // Phrased as "within" so that NaN, which fails every comparison, is rejected.
        let within = (x - y).abs() <= tol * (1.0 + y.abs());
        if !within {
            return Err((i, x, y));
        }
    }
    Ok(())
}
