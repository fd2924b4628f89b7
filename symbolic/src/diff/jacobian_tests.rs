//! Jacobians and Hessians of textbook identities, read back as formulas, checked numerically
//! against finite differences of the interpreter, and (Hessians) for exact symmetry.

use proc_macro2::Span;

use super::{hessian, jacobian};
use crate::check::{fd_hessian, fd_jacobian};
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Dim, Func, Graph, NodeId, Op, Param, ScalarType, Shape};
use crate::print::{latex, unicode};

fn sp() -> Span {
    Span::call_site()
}

fn m(r: usize, c: usize) -> Shape {
    Shape::matrix(Dim::Known(r), Dim::Known(c))
}

fn graph(params: &[(&str, Shape)]) -> (Graph, Vec<NodeId>) {
    let params: Vec<Param> = params
        .iter()
        .map(|(name, shape)| Param {
            name: (*name).into(),
            shape: shape.clone(),
            span: sp(),
        })
        .collect();
    let n = params.len();
    let mut g = Graph::new(params, ScalarType::F64);
    let ids = (0..n).map(|i| g.make(Op::Param(i), sp())).collect();
    (g, ids)
}

fn op(g: &mut Graph, op: Op) -> NodeId {
    g.make(op, sp())
}

/// Generic values for the parameters: no symmetry, no zeros, well away from singular (a
/// square parameter gets 3·I added, a `pos` one is shifted positive).
fn values(g: &Graph) -> Vec<Value> {
    let mut seed: f64 = 0.3;
    g.params
        .iter()
        .map(|p| {
            seed += 0.71;
            match &p.shape {
                Shape::Scalar => Value::scalar(0.4 + seed.sin() * 0.2),
                Shape::Matrix(r, c) => {
                    let (r, c) = (r.known().unwrap(), c.known().unwrap());
                    Value::from_fn(r, c, |i, j| {
                        let x = (((i * 5 + j * 3 + i * j) as f64) * 0.913 + seed).sin() * 0.8;
                        if r == c && i == j && r > 1 {
                            x + 3.0
                        } else {
                            x
                        }
                    })
                }
            }
        })
        .collect()
}

/// Checks the Jacobian node `j` of `out` against finite differences.
fn check_jacobian(g: &Graph, out: NodeId, wrt: usize, j: NodeId) {
    let params = values(g);
    let dims = Bindings::new();
    let got = evaluate(g, &[j], &params, &dims).unwrap().remove(0);
    let want = fd_jacobian(g, out, wrt, &params, &dims, 1e-6).unwrap();
    assert_eq!(
        (got.rows, got.cols),
        (want.rows, want.cols),
        "{}",
        unicode(g, j)
    );
    for (k, (a, b)) in got.data.iter().zip(&want.data).enumerate() {
        assert!(
            (a - b).abs() <= 1e-6 * (1.0 + b.abs()),
            "{}: entry {k}: {a} vs {b}",
            unicode(g, j)
        );
    }
}

/// Checks the Hessian node `h` of `out` against finite differences and for exact symmetry.
fn check_hessian(g: &Graph, out: NodeId, wrt: usize, h: NodeId) {
    let params = values(g);
    let dims = Bindings::new();
    let got = evaluate(g, &[h], &params, &dims).unwrap().remove(0);
    let want = fd_hessian(g, out, wrt, &params, &dims, 1e-4).unwrap();
    assert_eq!((got.rows, got.cols), (want.rows, want.cols));
    for (k, (a, b)) in got.data.iter().zip(&want.data).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
            "{}: entry {k}: {a} vs {b}",
            unicode(g, h)
        );
    }
    for i in 0..got.rows {
        for j in 0..got.cols {
            assert_eq!(
                got.get(i, j).to_bits(),
                got.get(j, i).to_bits(),
                "{}",
                unicode(g, h)
            );
        }
    }
}

/// The printed Jacobian, checked numerically.
fn jac(g: &mut Graph, out: NodeId, wrt: usize) -> String {
    let j = jacobian(g, out, wrt);
    check_jacobian(g, out, wrt, j);
    unicode(g, j)
}

/// The printed Hessian, checked numerically and for symmetry.
fn hess(g: &mut Graph, out: NodeId, wrt: usize) -> String {
    let (_, h) = hessian(g, out, wrt);
    check_hessian(g, out, wrt, h);
    unicode(g, h)
}

#[test]
fn seed_question() {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("y", m(3, 2))]);
    let xy = g.matmul(p[0], p[1], sp());
    let j = jacobian(&mut g, xy, 0);
    assert_eq!(unicode(&g, j), "yᵀ ⊗ I₃");
    assert_eq!(latex(&g, j), r"y^\top \otimes I_{3}");
    check_jacobian(&g, xy, 0, j);
    assert_eq!(jac(&mut g, xy, 1), "I₂ ⊗ X");
}
