//! Entries, views and assembly in the engine: the adjoint of many entries of one vector is one
//! scatter (counted in the graph and in the emitted code), views of assemblies read the block
//! that is there, and the derivatives agree with central finite differences (`eval`).

use super::{gradient, hessian, jacobian};
use crate::check::{compare, fd_gradient};
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Dim, Op};
use crate::testing::{graph, m, op};

/// φ = Σₖ x[2k] x[2k+1] over a 20-vector: twenty entries read from one vector.
fn twenty_entries() -> (crate::ir::Graph, crate::ir::NodeId, crate::ir::NodeId) {
    let (mut g, p) = graph(&[("x", m(20, 1))]);
    let x = p[0];
    let mut phi = None;
    for k in 0..10 {
        let a = op(&mut g, Op::Entry(x, 2 * k, 0));
        let b = op(&mut g, Op::Entry(x, 2 * k + 1, 0));
        let t = op(&mut g, Op::Mul(a, b));
        phi = Some(match phi {
            None => t,
            Some(s) => op(&mut g, Op::Add(s, t)),
        });
    }
    let phi = phi.expect("ten terms");
    (g, x, phi)
}

/// The statements emitted for `roots` of a graph whose one parameter is `x`.
fn emitted(g: &crate::ir::Graph, roots: &[crate::ir::NodeId]) -> String {
    let lowered = crate::lower::lower(g, roots);
    let params = [crate::emit::ParamAccess {
        name: proc_macro2::Ident::new("x", proc_macro2::Span::call_site()),
        by_ref: true,
    }];
    crate::emit::emit(&lowered, &params).statements.to_string()
}

#[test]
fn twenty_entries_give_one_scatter() {
    let (mut g, _, phi) = twenty_entries();
    let grad = gradient(&mut g, phi, &[0])[0];
    match g.op(grad) {
        Op::Blocks(_, _, blocks) => assert_eq!(blocks.len(), 20, "one entry per read"),
        other => panic!("the gradient is not one scatter: {other:?}"),
    }
    let reached = g.reachable(&[grad]);
    let scatters = reached
        .iter()
        .filter(|&&id| matches!(g.op(id), Op::Blocks(..)))
        .count();
    let zeros = reached
        .iter()
        .filter(|&&id| matches!(g.op(id), Op::Zeros(..)))
        .count();
    assert_eq!(
        (scatters, zeros),
        (1, 0),
        "one matrix of adjoints, no zero-filled temporaries"
    );
    // In the emitted code: one zero matrix, each entry assigned (the entries are distinct, so
    // nothing accumulates).
    let code = emitted(&g, &[phi, grad]);
    assert_eq!(code.matches("zeros").count(), 1, "{code}");
    assert_eq!(code.matches(")] =").count(), 20, "{code}");
    assert_eq!(code.matches("+=").count(), 0, "{code}");
}

#[test]
fn gradient_and_hessian_of_entries_match_finite_differences() {
    let (mut g, _, phi) = twenty_entries();
    let x = Value::from_fn(20, 1, |i, _| 0.1 * i as f64 - 0.7);
    let grad = gradient(&mut g, phi, &[0])[0];
    let got = evaluate(&g, &[grad], std::slice::from_ref(&x), &Bindings::new())
        .expect("evaluates")
        .remove(0);
    let fd = fd_gradient(&g, phi, 0, std::slice::from_ref(&x), &Bindings::new(), 1e-6)
        .expect("φ evaluates");
    compare(&got, &fd, 1e-6).expect("the gradient agrees with finite differences");
    let (_, h) = hessian(&mut g, phi, 0);
    let hv = evaluate(&g, &[h], &[x], &Bindings::new())
        .expect("evaluates")
        .remove(0);
    for i in 0..20 {
        for j in 0..20 {
            let want = if i / 2 == j / 2 && i != j { 1.0 } else { 0.0 };
            assert_eq!(hv.get(i, j), want, "H[{i}, {j}]");
        }
    }
}

/// A view and an entry that overlap (rows 0..2 and row 1) scatter into blocks that share an
/// entry, so those two are added in the emitted code; the third block is alone and assigned.
#[test]
fn overlapping_scatters_accumulate() {
    let (mut g, p) = graph(&[("x", m(4, 1))]);
    let x = p[0];
    let top = op(&mut g, Op::View(x, 0, 0, Dim::Known(2), Dim::Known(1)));
    let top = op(&mut g, Op::Sum(top));
    let a = op(&mut g, Op::Entry(x, 1, 0));
    let b = op(&mut g, Op::Entry(x, 3, 0));
    let ab = op(&mut g, Op::Mul(a, b));
    let phi = op(&mut g, Op::Add(top, ab));
    let grad = gradient(&mut g, phi, &[0])[0];
    let x0 = Value::from_fn(4, 1, |i, _| 0.3 * i as f64 - 0.5);
    let got = evaluate(&g, &[grad], std::slice::from_ref(&x0), &Bindings::new())
        .expect("evaluates")
        .remove(0);
    let fd = fd_gradient(
        &g,
        phi,
        0,
        std::slice::from_ref(&x0),
        &Bindings::new(),
        1e-6,
    )
    .expect("φ evaluates");
    compare(&got, &fd, 1e-6).expect("the gradient agrees with finite differences");
    let code = emitted(&g, &[phi, grad]);
    assert_eq!(code.matches("add_block").count(), 1, "{code}");
    assert_eq!(
        code.matches("+=").count(),
        1,
        "the entry (1, 0) inside the view: {code}"
    );
    assert_eq!(code.matches(")] =").count(), 1, "the entry (3, 0): {code}");
}

#[test]
fn a_view_of_an_assembly_is_the_block() {
    let (mut g, p) = graph(&[("A", m(2, 3)), ("B", m(1, 3))]);
    let stacked = op(
        &mut g,
        Op::Blocks(
            Dim::Known(3),
            Dim::Known(3),
            vec![(0, 0, p[0]), (2, 0, p[1])],
        ),
    );
    let top = op(
        &mut g,
        Op::View(stacked, 0, 0, Dim::Known(2), Dim::Known(3)),
    );
    assert_eq!(top, p[0]);
    let entry = op(&mut g, Op::Entry(stacked, 2, 1));
    assert_eq!(*g.op(entry), Op::Entry(p[1], 0, 1));
}

#[test]
fn jacobian_of_a_generic_view_uses_the_selection() {
    // A is M×N; the column 1 of A has generic offset M in vec(A).
    let shape = crate::ir::Shape::matrix(Dim::Named("M".into()), Dim::Named("N".into()));
    let (mut g, p) = graph(&[("A", shape)]);
    let col = op(
        &mut g,
        Op::View(p[0], 0, 1, Dim::Named("M".into()), Dim::Known(1)),
    );
    let j = jacobian(&mut g, col, 0);
    let mut bindings = Bindings::new();
    bindings.insert("M".into(), 3);
    bindings.insert("N".into(), 2);
    let a = Value::from_fn(3, 2, |i, k| (i + 3 * k) as f64);
    let jv = evaluate(&g, &[j], &[a], &bindings)
        .expect("evaluates")
        .remove(0);
    for r in 0..3 {
        for c in 0..6 {
            assert_eq!(
                jv.get(r, c),
                if c == r + 3 { 1.0 } else { 0.0 },
                "J[{r}, {c}]"
            );
        }
    }
}
