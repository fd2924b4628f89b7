//! Calls between DSL functions at engine level (reference §4b "Calls"): random well-shaped
//! bodies (`exprgen`) are written out as DSL source, wrapped in a generic helper function, and
//! called from another function (twice, and once through a second helper). The caller is parsed
//! with the helpers' definitions (`parse::function_with`, the callee table the macro fills),
//! lowered and differentiated; its gradients are checked against central finite differences
//! of the generated expression built directly (no parser, no call), scaled as the caller scales
//! it.

#[allow(dead_code)] // the factorization fixture is for the other property tests
mod exprgen;

use exprgen::{build, inputs, new_graph, values_from, Sh, B, E, PARAMS, U};
use matcalc_symbolic::check::fd_gradient;
use matcalc_symbolic::diff;
use matcalc_symbolic::eval::{evaluate, Bindings, Value};
use matcalc_symbolic::ir::Func;
use matcalc_symbolic::parse::{self, CalleeDef};
use matcalc_symbolic::shape;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const H: f64 = 1e-6;

/// The helper's parameter names, in `PARAMS` order (X, A, v, w, s): different from the
/// caller's, so a substitution slip cannot go unnoticed.
const HELPER_NAMES: [&str; 5] = ["P", "Q", "r", "q", "t"];

fn literal(x: f64) -> String {
    if x < 0.0 {
        format!("({x:?})")
    } else {
        format!("{x:?}")
    }
}

/// A constant matrix as `matrix![..]` of literals.
fn constant(r: usize, c: usize, entry: impl Fn(usize, usize) -> f64) -> String {
    let rows: Vec<String> = (0..r)
        .map(|i| {
            (0..c)
                .map(|j| literal(entry(i, j)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    format!("matrix![{}]", rows.join("; "))
}

/// `e` as DSL source over the parameter names `names`.
fn source(e: &E, names: &[&str; 5]) -> String {
    let s = |e: &E| source(e, names);
    match e {
        E::Param(i) => names[*i].to_string(),
        E::Lit(x) => literal(*x),
        E::Eye(n) => constant(*n, *n, |i, j| if i == j { 1.0 } else { 0.0 }),
        E::Ones(r, c) => constant(*r, *c, |_, _| 1.0),
        E::Un(u, a) => {
            let a = s(a);
            match u {
                U::Neg => format!("(-{a})"),
                U::T => format!("({a}).t()"),
                U::Trace => format!("tr({a})"),
                // A 1×1 matrix read as a scalar: its only entry is its sum.
                U::Sum | U::ToScalar => format!("sum({a})"),
                U::Det => format!("det({a})"),
                U::Logdet => format!("logdet({a})"),
                U::Inv => format!("inv({a})"),
                U::Norm => format!("norm({a})"),
                U::NormSq => format!("norm_sq({a})"),
                U::Vec => format!("vec({a})"),
                U::Diag => format!("diag({a})"),
                U::Diagonal => format!("diagonal({a})"),
                U::Map(Func::Powi(k)) => format!("powi({a}, {k})"),
                U::Map(f) => format!("{}({a})", f.name()),
                U::MatPow(k) => format!("matpow({a}, {k})"),
                U::Softmax => format!("softmax({a})"),
                U::Logsumexp => format!("logsumexp({a})"),
                U::SoftmaxCols => format!("softmax_cols({a})"),
                U::SoftmaxRows => format!("softmax_rows({a})"),
                U::LogsumexpCols => format!("logsumexp_cols({a})"),
                U::LogsumexpRows => format!("logsumexp_rows({a})"),
                U::Cholesky => format!("cholesky({a})"),
                U::Entry(i, j) => format!("({a})[({i}, {j})]"),
                U::View(i, j, p, q) => format!("({a}).fixed_view::<{p}, {q}>({i}, {j})"),
            }
        }
        E::Bin(b, x, y) => {
            let (x, y) = (s(x), s(y));
            match b {
                B::Add => format!("({x} + {y})"),
                B::Sub => format!("({x} - {y})"),
                B::Mul | B::Scale | B::MatMul => format!("({x} * {y})"),
                B::Div => format!("({x} / {y})"),
                B::Dot => format!("dot({x}, {y})"),
                B::Hadamard => format!("hadamard({x}, {y})"),
                B::ElemDiv => format!("elem_div({x}, {y})"),
                B::Kron => format!("kron({x}, {y})"),
                B::Powf => format!("powf({x}, {y})"),
                B::Atan2 => format!("atan2({x}, {y})"),
                B::Solve => format!("solve({x}, {y})"),
                B::VStack => format!("vstack({x}, {y})"),
                B::HStack => format!("hstack({x}, {y})"),
            }
        }
        E::Grid(_, c, entries) => {
            let rows: Vec<String> = entries
                .chunks(*c)
                .map(|row| row.iter().map(s).collect::<Vec<_>>().join(", "))
                .collect();
            format!("matrix![{}]", rows.join("; "))
        }
    }
}

/// Whether `e` uses only operations the DSL spells (the generator also uses internal
/// elementwise functions, such as the guard `recip_or_zero`).
fn expressible(e: &E) -> bool {
    match e {
        E::Un(U::Map(f), a) => f.info().dsl && expressible(a),
        E::Un(_, a) => expressible(a),
        E::Bin(_, x, y) => expressible(x) && expressible(y),
        E::Grid(_, _, entries) => entries.iter().all(expressible),
        E::Param(_) | E::Lit(_) | E::Eye(_) | E::Ones(..) => true,
    }
}

fn item(text: &str) -> syn::ItemFn {
    syn::parse_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `helper` (generic over X's M×N), `outer` (calling `helper`) and the caller
/// 2·helper(..) − ½·outer(..) = 1.5 · e.
fn program(e: &E) -> (syn::ItemFn, Vec<CalleeDef>) {
    let body = source(e, &HELPER_NAMES);
    let helper = item(&format!(
        "fn helper<M: Dim, N: Dim>(P: &Matrix<M, N>, Q: &Matrix<N, N>, r: &Vector<N>, \
         q: &Matrix<U1, N>, t: f64) -> f64 {{ {body} }}"
    ));
    let outer = item(
        "fn outer<K: Dim, L: Dim>(a: &Matrix<K, L>, b: &Matrix<L, L>, c: &Vector<L>, \
         d: &Matrix<U1, L>, e: f64) -> f64 { let y = helper(a, b, c, d, e); -y }",
    );
    let caller = item(
        "fn f(X: &Matrix<U2, U3>, A: &Matrix<U3, U3>, v: &Vector<U3>, w: &Matrix<U1, U3>, \
         s: f64) -> f64 { 2.0 * helper(X, A, v, w, s) + 0.5 * outer(X, A, v, w, s) }",
    );
    let helper_def = |name: &str| CalleeDef {
        name: name.to_string(),
        item: helper.clone(),
        callees: Vec::new(),
    };
    let table = vec![
        helper_def("helper"),
        CalleeDef {
            name: "outer".to_string(),
            item: outer,
            callees: vec![helper_def("helper")],
        },
    ];
    (caller, table)
}

/// `Ok(false)`: the point or the expression is unusable (non-finite, or a form the source
/// rendering cannot express).
fn check(e: &E, params: &[Value]) -> Result<bool, String> {
    if !expressible(e) {
        return Ok(false);
    }
    let dims = Bindings::new();
    let mut raw = new_graph();
    let raw_root = build(e, &mut raw, false);
    let all = raw.reachable(&[raw_root]);
    let vals = evaluate(&raw, &all, params, &dims).map_err(|err| err.to_string())?;
    if !vals.iter().all(Value::is_finite) {
        return Ok(false);
    }
    let scale = vals.iter().map(Value::max_abs).fold(0.0, f64::max);
    if scale > 1e8 {
        return Ok(false);
    }
    let want = 1.5 * evaluate(&raw, &[raw_root], params, &dims).unwrap()[0].as_scalar();

    // A form the DSL spells differently (`softmax` of a matrix is the graph's softmax over all
    // entries, the DSL's needs a vector) is skipped: it is no call's fault.
    let names = [
        PARAMS[0].0,
        PARAMS[1].0,
        PARAMS[2].0,
        PARAMS[3].0,
        PARAMS[4].0,
    ];
    let direct = item(&format!(
        "fn d(X: &Matrix<U2, U3>, A: &Matrix<U3, U3>, v: &Vector<U3>, w: &Matrix<U1, U3>, \
         s: f64) -> f64 {{ {} }}",
        source(e, &names)
    ));
    let Ok(direct) = parse::function(&direct) else {
        return Ok(false);
    };
    if shape::lower(&direct).is_err() {
        return Ok(false);
    }
    let (caller, table) = program(e);
    let function = parse::function_with(&caller, Some(&table)).map_err(|err| {
        format!(
            "the program does not parse: {err}\n{}",
            source(e, &HELPER_NAMES)
        )
    })?;
    let lowered = shape::lower(&function).map_err(|err| {
        format!(
            "the program does not lower: {err}\n{}",
            source(e, &HELPER_NAMES)
        )
    })?;
    let mut graph = lowered.graph;
    let root = lowered.value;
    let got =
        evaluate(&graph, &[root], params, &dims).map_err(|err| err.to_string())?[0].as_scalar();
    if (got - want).abs() > 1e-9 * (1.0 + want.abs() + scale) {
        return Err(format!(
            "value through the calls {got} ≠ 1.5 · the expression {want}"
        ));
    }
    let wrt: Vec<usize> = (0..PARAMS.len()).collect();
    let grads = diff::gradient(&mut graph, root, &wrt);
    let derived = evaluate(&graph, &grads, params, &dims).map_err(|err| err.to_string())?;
    for (i, d) in derived.iter().enumerate() {
        let fd = fd_gradient(&raw, raw_root, i, params, &dims, H).map_err(|e| e.to_string())?;
        let fd2 =
            fd_gradient(&raw, raw_root, i, params, &dims, 2.0 * H).map_err(|e| e.to_string())?;
        for (k, ((&a, &b), &b2)) in d.data.iter().zip(&fd.data).zip(&fd2.data).enumerate() {
            let (b, b2) = (1.5 * b, 1.5 * b2);
            let tol = 1e-5 * (1.0 + b.abs()) + 1e-9 * scale + 2.0 * (b - b2).abs();
            if (a - b).abs() > tol {
                return Err(format!(
                    "∂/∂{}: entry {k} derived through the calls {a}, finite differences {b}",
                    PARAMS[i].0
                ));
            }
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

    /// Random scalar bodies of depth ≤ 3 inside a generic helper, called directly and through
    /// another helper.
    #[test]
    fn gradients_flow_through_calls(e in exprgen::expr(Sh::S, 3), flat in inputs()) {
        let usable = check(&e, &values_from(&flat)).map_err(|msg| {
            TestCaseError::fail(format!("{msg}\n  expression: {e}"))
        })?;
        prop_assume!(usable);
    }
}
