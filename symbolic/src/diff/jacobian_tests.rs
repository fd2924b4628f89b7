//! Jacobians and Hessians of textbook identities, read back as formulas, checked numerically
//! against finite differences of the interpreter, and (Hessians) for exact symmetry.

use super::{hessian, jacobian};
use crate::check::{fd_hessian, fd_jacobian};
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Func, Graph, NodeId, Op, Shape};
use crate::print::{latex, unicode};

use crate::testing::{graph, m, op, sp};

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

#[test]
fn inverse_transpose_and_elementwise() {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("A", m(2, 3)), ("B", m(2, 3))]);
    let inv = g.inv(p[0], sp());
    assert_eq!(jac(&mut g, inv, 0), "−(X⁻ᵀ ⊗ X⁻¹)");
    let at = g.transpose(p[1], sp());
    assert_eq!(jac(&mut g, at, 1), "K₂₃");
    let h = g.hadamard(p[1], p[2], sp());
    assert_eq!(jac(&mut g, h, 2), "diag(vec(A))");
    let e = g.map(Func::Exp, p[1], sp());
    assert_eq!(jac(&mut g, e, 1), "diag(vec(exp(A)))");
    let v = op(&mut g, Op::Vec(p[1]));
    assert_eq!(jac(&mut g, v, 1), "I₆");
}

#[test]
fn neural_layer_and_cubic() {
    let (mut g, p) = graph(&[("W", m(2, 3)), ("x", m(3, 1))]);
    let wx = g.matmul(p[0], p[1], sp());
    let t = g.map(Func::Tanh, wx, sp());
    assert_eq!(jac(&mut g, t, 0), "diag(𝟙 − tanh(W x)∘²) (xᵀ ⊗ I₂)");
    let xt = g.transpose(p[1], sp());
    let xtx = g.matmul(xt, p[1], sp());
    let cubic = g.matmul(p[1], xtx, sp());
    assert_eq!(jac(&mut g, cubic, 1), "xᵀ x I₃ + 2 x xᵀ");
}

#[test]
fn kronecker_products() {
    let (mut g, p) = graph(&[("A", m(2, 3)), ("B", m(2, 2)), ("b", m(2, 1))]);
    let k = op(&mut g, Op::Kron(p[0], p[1]));
    assert_eq!(jac(&mut g, k, 0), "(I₃ ⊗ K₂₂ ⊗ I₂) (I₆ ⊗ vec(B))");
    assert_eq!(jac(&mut g, k, 1), "(I₃ ⊗ K₂₂ ⊗ I₂) (vec(A) ⊗ I₄)");
    // With a column vector the permutation is the identity.
    let kb = op(&mut g, Op::Kron(p[0], p[2]));
    assert_eq!(jac(&mut g, kb, 0), "I₆ ⊗ b");
}

#[test]
fn scalar_outputs_are_transposed_gradients() {
    let (mut g, p) = graph(&[("X", m(3, 2)), ("A", m(3, 3)), ("s", Shape::Scalar)]);
    let xt = g.transpose(p[0], sp());
    let xta = g.matmul(xt, p[1], sp());
    let xtax = g.matmul(xta, p[0], sp());
    let tr = op(&mut g, Op::Trace(xtax));
    assert_eq!(jac(&mut g, tr, 0), "vec((A + Aᵀ) X)ᵀ");
    let sx = g.scale(p[2], p[0], sp());
    assert_eq!(jac(&mut g, sx, 2), "vec(X)");
    let ld = op(&mut g, Op::Logdet(p[1]));
    assert_eq!(jac(&mut g, ld, 1), "vec(A⁻ᵀ)ᵀ");
}

#[test]
fn hessians_of_textbook_scalars() {
    let (mut g, p) = graph(&[("x", m(3, 1)), ("A", m(3, 3)), ("X", m(3, 2))]);
    let xt = g.transpose(p[0], sp());
    let xta = g.matmul(xt, p[1], sp());
    let xtax = g.matmul(xta, p[0], sp());
    let q = op(&mut g, Op::ToScalar(xtax));
    assert_eq!(hess(&mut g, q, 0), "Aᵀ + A");

    let xt = g.transpose(p[2], sp());
    let xta = g.matmul(xt, p[1], sp());
    let xtax = g.matmul(xta, p[2], sp());
    let tr = op(&mut g, Op::Trace(xtax));
    assert_eq!(hess(&mut g, tr, 2), "I₂ ⊗ (Aᵀ + A)");

    let ld = op(&mut g, Op::Logdet(p[1]));
    assert_eq!(hess(&mut g, ld, 1), "−K₃₃ (A⁻ᵀ ⊗ A⁻¹)");

    let lse = op(&mut g, Op::Logsumexp(p[2]));
    assert_eq!(
        hess(&mut g, lse, 2),
        "diag(vec(softmax(X))) − vec(softmax(X)) vec(softmax(X))ᵀ"
    );
}

#[test]
fn logistic_loss_hessian() {
    // φ(w) = sum(softplus(X w)) − yᵀ X w.
    let (mut g, p) = graph(&[("w", m(3, 1)), ("X", m(4, 3)), ("y", m(4, 1))]);
    let z = g.matmul(p[1], p[0], sp());
    let sp_ = g.map(Func::Softplus, z, sp());
    let total = op(&mut g, Op::Sum(sp_));
    let yt = g.transpose(p[2], sp());
    let ytz = g.matmul(yt, z, sp());
    let lin = op(&mut g, Op::ToScalar(ytz));
    let phi = g.sub(total, lin, sp());
    assert_eq!(hess(&mut g, phi, 0), "Xᵀ diag(σ(X w) ⊙ (𝟙 − σ(X w))) X");
}
