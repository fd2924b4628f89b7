//! Gradients of Matrix Cookbook identities, read back as formulas; the cheap-gradient cost
//! bound; and a numeric sweep comparing every adjoint rule with finite differences.

use super::gradient;
use crate::check::{compare, fd_gradient};
use crate::cost::cost;
use crate::eval::{evaluate, Bindings, Value};
use crate::ir::{Dim, Func, Graph, NodeId, Op, Shape};
use crate::print::{latex, unicode};

use crate::testing::{graph, m, op, sp};

/// The printed gradient of `phi` with respect to parameter `wrt`.
fn grad_text(g: &mut Graph, phi: NodeId, wrt: usize) -> (String, String) {
    let d = gradient(g, phi, &[wrt])[0];
    (unicode(g, d), latex(g, d))
}

#[test]
fn trace_of_products() {
    let (mut g, p) = graph(&[("A", m(3, 3)), ("X", m(3, 3))]);
    let ax = g.matmul(p[0], p[1], sp());
    let phi = op(&mut g, Op::Trace(ax));
    assert_eq!(grad_text(&mut g, phi, 1).0, "Aᵀ");
    let xa = g.matmul(p[1], p[0], sp());
    let phi = op(&mut g, Op::Trace(xa));
    let (u, l) = grad_text(&mut g, phi, 1);
    assert_eq!((u.as_str(), l.as_str()), ("Aᵀ", r"A^\top"));
}

#[test]
fn sum_of_product_uses_no_ones_product() {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("Y", m(3, 2))]);
    let xy = g.matmul(p[0], p[1], sp());
    let phi = op(&mut g, Op::Sum(xy));
    let d = gradient(&mut g, phi, &[0])[0];
    // The code computes sum(X Y) as (𝟙ᵀX)(Y𝟙) (`lower`), so the gradient reuses the row sums Y𝟙.
    assert_eq!(unicode(&g, d), "𝟙 Yᵀ");
    assert_eq!(latex(&g, d), r"\mathbf{1} Y^\top");
    let l = crate::lower::lower(&g, &[phi, d]);
    for id in l.graph.reachable(&l.roots) {
        if let Op::MatMul(a, b) = *l.graph.op(id) {
            assert!(
                !l.graph.is_ones(a) && !l.graph.is_ones(b),
                "a product with 𝟙 was formed"
            );
        }
    }
}

#[test]
fn determinants() {
    let (mut g, p) = graph(&[("X", m(3, 3))]);
    let phi = op(&mut g, Op::Logdet(p[0]));
    let (u, l) = grad_text(&mut g, phi, 0);
    assert_eq!((u.as_str(), l.as_str()), ("X⁻ᵀ", r"X^{-\top}"));
    let phi = op(&mut g, Op::Det(p[0]));
    let (u, l) = grad_text(&mut g, phi, 0);
    // adj(X)ᵀ by Cayley–Hamilton for a known n ≤ 4 (finite at singular X; see
    // `numerics_tests`), det(X) X⁻ᵀ otherwise.
    assert_eq!(
        (u.as_str(), l.as_str()),
        (
            "(Xᵀ)² − tr(X) Xᵀ + ((tr(X)² − tr((Xᵀ)²)) / 2) I₃",
            r"(X^\top)^{2} - \operatorname{tr}(X) X^\top + \frac{\operatorname{tr}(X)^{2} - \operatorname{tr}((X^\top)^{2})}{2} I_{3}"
        )
    );
    let (mut g, p) = graph(&[(
        "X",
        Shape::matrix(Dim::Named("N".into()), Dim::Named("N".into())),
    )]);
    let phi = op(&mut g, Op::Det(p[0]));
    let (u, l) = grad_text(&mut g, phi, 0);
    assert_eq!(
        (u.as_str(), l.as_str()),
        ("det(X) X⁻ᵀ", r"\det(X) X^{-\top}")
    );
}

#[test]
fn bilinear_form() {
    let (mut g, p) = graph(&[("a", m(3, 1)), ("X", m(3, 4)), ("b", m(4, 1))]);
    let at = g.transpose(p[0], sp());
    let atx = g.matmul(at, p[1], sp());
    let atxb = g.matmul(atx, p[2], sp());
    let phi = op(&mut g, Op::ToScalar(atxb));
    let (u, l) = grad_text(&mut g, phi, 1);
    assert_eq!((u.as_str(), l.as_str()), ("a bᵀ", r"a b^\top"));
    assert_eq!(grad_text(&mut g, phi, 0).0, "X b");
    assert_eq!(grad_text(&mut g, phi, 2).0, "Xᵀ a");
}

/// ½‖W x − y‖², the running example; returns (graph, φ).
fn least_squares() -> (Graph, NodeId) {
    let (mut g, p) = graph(&[("W", m(3, 4)), ("x", m(4, 1)), ("y", m(3, 1))]);
    let wx = g.matmul(p[0], p[1], sp());
    let r = g.sub(wx, p[2], sp());
    let n = op(&mut g, Op::NormSq(r));
    let half = g.literal(0.5, sp());
    let phi = g.mul(half, n, sp());
    (g, phi)
}

#[test]
fn least_squares_gradient() {
    let (mut g, phi) = least_squares();
    let (u, l) = grad_text(&mut g, phi, 0);
    assert_eq!(
        (u.as_str(), l.as_str()),
        ("(W x − y) xᵀ", r"(W x - y) x^\top")
    );
    assert_eq!(grad_text(&mut g, phi, 1).0, "Wᵀ (W x − y)");
    assert_eq!(grad_text(&mut g, phi, 2).0, "y − W x");
    assert_eq!(unicode(&g, phi), "0.5 ‖W x − y‖²");
}

#[test]
fn quadratic_forms() {
    let (mut g, p) = graph(&[("x", m(3, 1)), ("A", m(3, 3)), ("X", m(3, 2))]);
    let xt = g.transpose(p[0], sp());
    let xta = g.matmul(xt, p[1], sp());
    let xtax = g.matmul(xta, p[0], sp());
    let phi = op(&mut g, Op::ToScalar(xtax));
    let u = grad_text(&mut g, phi, 0).0;
    assert!(
        ["(A + Aᵀ) x", "(Aᵀ + A) x", "A x + Aᵀ x", "Aᵀ x + A x"].contains(&u.as_str()),
        "{u}"
    );
    // tr(Xᵀ A X) → (A + Aᵀ) X.
    let xt = g.transpose(p[2], sp());
    let xta = g.matmul(xt, p[1], sp());
    let xtax = g.matmul(xta, p[2], sp());
    let phi = op(&mut g, Op::Trace(xtax));
    let u = grad_text(&mut g, phi, 2).0;
    assert!(
        ["(A + Aᵀ) X", "(Aᵀ + A) X", "A X + Aᵀ X", "Aᵀ X + A X"].contains(&u.as_str()),
        "{u}"
    );
    // With respect to A: x xᵀ.
    assert_eq!(grad_text(&mut g, phi, 1).0, "X Xᵀ");
}

#[test]
fn norm_and_inverse() {
    let (mut g, p) = graph(&[("X", m(3, 3)), ("A", m(3, 3))]);
    let phi = op(&mut g, Op::Norm(p[0]));
    let (u, l) = grad_text(&mut g, phi, 0);
    assert_eq!(
        (u.as_str(), l.as_str()),
        // 1/‖X‖ is read as 0 at X = 0 (the subgradient; see `numerics_tests`).
        ("‖X‖⁻¹ X", r"\lVert X \rVert^{-1} X")
    );
    let inv = g.inv(p[0], sp());
    let ia = g.matmul(inv, p[1], sp());
    let tr = op(&mut g, Op::Trace(ia));
    let (u, l) = grad_text(&mut g, tr, 0);
    assert_eq!(
        (u.as_str(), l.as_str()),
        // The value X⁻¹ A is `solve(X, A)` (cheaper), so its adjoint −X⁻ᵀ (X⁻¹ A)ᵀ reuses it.
        (
            "−X⁻ᵀ solve(X, A)ᵀ",
            r"-X^{-\top} \operatorname{solve}(X, A)^\top"
        )
    );
    let ld = op(&mut g, Op::Logdet(p[0]));
    let phi = g.add(ld, tr, sp());
    assert_eq!(grad_text(&mut g, phi, 0).0, "X⁻ᵀ − X⁻ᵀ solve(X, A)ᵀ");
}

#[test]
fn matrix_powers() {
    let (mut g, p) = graph(&[("X", m(3, 3))]);
    let x3 = op(&mut g, Op::MatPow(p[0], 3));
    let phi = op(&mut g, Op::Trace(x3));
    assert_eq!(grad_text(&mut g, phi, 0).0, "3 (Xᵀ)²");
    let xm2 = op(&mut g, Op::MatPow(p[0], -2));
    let phi = op(&mut g, Op::Trace(xm2));
    assert_eq!(grad_text(&mut g, phi, 0).0, "−2 (X⁻ᵀ)³");
}

#[test]
fn independent_parameter_gets_zeros() {
    let (mut g, p) = graph(&[("X", m(3, 2)), ("Y", m(2, 2)), ("s", Shape::Scalar)]);
    let phi = op(&mut g, Op::Sum(p[0]));
    let d = gradient(&mut g, phi, &[1, 2, 0]);
    assert!(g.is_zero(d[0]) && *g.shape(d[0]) == m(2, 2));
    assert!(g.is_zero(d[1]) && g.shape(d[1]).is_scalar());
    assert_eq!(unicode(&g, d[2]), "𝟙");
}

/// cost(value + gradients) / cost(value).
fn ratio(g: &mut Graph, phi: NodeId, wrt: &[usize]) -> f64 {
    let value = cost(g, &[phi]);
    let mut roots = gradient(g, phi, wrt);
    roots.push(phi);
    cost(g, &roots) as f64 / value as f64
}

#[test]
fn gradients_are_cheap() {
    let (mut g, phi) = least_squares();
    let r = ratio(&mut g, phi, &[0, 1]);
    assert!(r <= 3.0, "½‖Wx − y‖²: {r}");

    let (mut g, p) = graph(&[("X", m(3, 3)), ("Y", m(3, 2))]);
    let xy = g.matmul(p[0], p[1], sp());
    let phi = op(&mut g, Op::Sum(xy));
    let r = ratio(&mut g, phi, &[0, 1]);
    assert!(r <= 3.0, "sum(XY): {r}");

    let (mut g, p) = graph(&[("X", m(3, 3)), ("A", m(3, 3))]);
    let ld = op(&mut g, Op::Logdet(p[0]));
    let inv = g.inv(p[0], sp());
    let ia = g.matmul(inv, p[1], sp());
    let tr = op(&mut g, Op::Trace(ia));
    let phi = g.add(ld, tr, sp());
    let r = ratio(&mut g, phi, &[0]);
    assert!(r <= 3.0, "logdet(X) + tr(X⁻¹A): {r}");
}

// ---- numeric sweep: every adjoint rule against central differences ----

fn values() -> Vec<Value> {
    vec![
        // X: positive entries (log, sqrt, powf), diagonally dominant (inv, det > 0).
        Value::from_rows(3, 3, &[2.0, 0.3, 0.5, 0.4, 2.5, 0.2, 0.1, 0.6, 3.0]),
        // Y: X − Y has no entry near 0 (abs, relu, sign, step).
        Value::from_rows(3, 3, &[0.5, 1.0, -0.3, 0.2, -1.0, 0.8, 1.5, 0.1, 0.4]),
        Value::from_rows(3, 1, &[0.7, -0.4, 1.1]),
        Value::scalar(1.3),
    ]
}

/// Checks ∂φ/∂(X, Y, v, s) of `build`'s φ against finite differences.
fn check_numeric(name: &str, build: impl Fn(&mut Graph, &[NodeId]) -> NodeId) {
    let (mut g, p) = graph(&[
        ("X", m(3, 3)),
        ("Y", m(3, 3)),
        ("v", m(3, 1)),
        ("s", Shape::Scalar),
    ]);
    let phi = build(&mut g, &p);
    let wrt = [0, 1, 2, 3];
    let grads = gradient(&mut g, phi, &wrt);
    let (vals, dims) = (values(), Bindings::new());
    let got = evaluate(&g, &grads, &vals, &dims).expect("the gradient evaluates");
    for (k, &i) in wrt.iter().enumerate() {
        let fd = fd_gradient(&g, phi, i, &vals, &dims, 1e-6).expect("φ evaluates");
        if let Err((at, a, b)) = compare(&got[k], &fd, 1e-5) {
            panic!(
                "{name}: ∂φ/∂{} entry {at}: derived {a}, finite differences {b}; formula {}",
                g.params[i].name,
                unicode(&g, grads[k])
            );
        }
    }
}

#[test]
fn numeric_arithmetic_and_products() {
    check_numeric("add/sub/neg/scale/matmul", |g, p| {
        let xy = g.matmul(p[0], p[1], sp());
        let sxy = g.scale(p[3], xy, sp());
        let sum = g.add(p[0], p[1], sp());
        let d = g.sub(sum, sxy, sp());
        let nx = g.neg(p[0], sp());
        let h = g.hadamard(d, nx, sp());
        let dv = g.matmul(h, p[2], sp());
        let s = op(g, Op::Sum(dv));
        let ss = g.mul(s, p[3], sp());
        g.sub(ss, p[3], sp())
    });
    check_numeric("div/transpose/trace", |g, p| {
        let yt = g.transpose(p[1], sp());
        let xty = g.matmul(yt, p[0], sp());
        let q = g.div(xty, p[3], sp());
        let t = op(g, Op::Trace(q));
        let n = op(g, Op::Norm(p[0]));
        let r = g.div(p[3], n, sp());
        g.add(t, r, sp())
    });
}

#[test]
fn numeric_determinants_and_inverse() {
    check_numeric("det/logdet/inv", |g, p| {
        let d = op(g, Op::Det(p[0]));
        let l = op(g, Op::Logdet(p[0]));
        let inv = g.inv(p[0], sp());
        let iy = g.matmul(inv, p[1], sp());
        let s = op(g, Op::Sum(iy));
        let dl = g.mul(d, l, sp());
        g.add(dl, s, sp())
    });
    check_numeric("matpow", |g, p| {
        let a3 = op(g, Op::MatPow(p[0], 3));
        let am2 = op(g, Op::MatPow(p[0], -2));
        let sum = g.add(a3, am2, sp());
        g.dot(sum, p[1], sp())
    });
}

#[test]
fn numeric_inner_products_and_elementwise() {
    check_numeric("dot/norm/norm_sq/hadamard/elem_div", |g, p| {
        let d = g.dot(p[0], p[1], sp());
        let n = op(g, Op::Norm(p[0]));
        let yv = g.matmul(p[1], p[2], sp());
        let ns = op(g, Op::NormSq(yv));
        let dn = g.mul(d, n, sp());
        let yy = g.hadamard(p[1], p[0], sp());
        let q = g.elem_div(yy, p[0], sp());
        let q2 = g.elem_div(p[1], p[0], sp());
        let e = g.dot(q, q2, sp());
        let t = g.add(dn, ns, sp());
        g.add(t, e, sp())
    });
    for f in [
        Func::Exp,
        Func::Log,
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Tanh,
        Func::Sqrt,
        Func::Sigmoid,
        Func::Softplus,
        Func::Powi(3),
        Func::Powi(-2),
        Func::Recip,
    ] {
        check_numeric(f.name(), |g, p| {
            let fx = g.map(f, p[0], sp());
            let fs = g.map(f, p[3], sp());
            let d = g.dot(fx, p[1], sp());
            g.add(d, fs, sp())
        });
    }
    for f in [Func::Abs, Func::Relu, Func::Sign, Func::Step] {
        check_numeric(f.name(), |g, p| {
            let xy = g.sub(p[0], p[1], sp());
            let fx = g.map(f, xy, sp());
            let x2 = g.hadamard(p[0], p[0], sp());
            g.dot(fx, x2, sp())
        });
    }
    check_numeric("powf", |g, p| {
        let pw = op(g, Op::Powf(p[0], p[3]));
        let ps = op(g, Op::Powf(p[3], p[3]));
        let d = g.dot(pw, p[1], sp());
        g.add(d, ps, sp())
    });
    check_numeric("softmax/logsumexp", |g, p| {
        let sm = op(g, Op::Softmax(p[0]));
        let d = g.dot(sm, p[1], sp());
        let yv = g.matmul(p[1], p[2], sp());
        let l = op(g, Op::Logsumexp(yv));
        g.add(d, l, sp())
    });
}

#[test]
fn numeric_reshapes_and_structure() {
    check_numeric("kron/vec/unvec", |g, p| {
        let kx = op(g, Op::Kron(p[0], p[2]));
        let ky = op(g, Op::Kron(p[2], p[1]));
        let h = g.hadamard(kx, ky, sp());
        let s = op(g, Op::Sum(h));
        let vv = op(g, Op::Kron(p[2], p[2]));
        let u = op(g, Op::Unvec(vv, Dim::Known(3), Dim::Known(3)));
        let vx = op(g, Op::Vec(p[0]));
        let uv = g.dot(u, p[0], sp());
        let vn = op(g, Op::NormSq(vx));
        let t = g.add(s, uv, sp());
        g.add(t, vn, sp())
    });
    check_numeric("diag/diagonal", |g, p| {
        let dv = op(g, Op::Diag(p[2]));
        let dx = g.matmul(dv, p[0], sp());
        let s = op(g, Op::Sum(dx));
        let dg = op(g, Op::Diagonal(p[1]));
        let d = g.dot(dg, p[2], sp());
        g.add(s, d, sp())
    });
    check_numeric("to/from scalar, ones products", |g, p| {
        let vt = g.transpose(p[2], sp());
        let vtx = g.matmul(vt, p[0], sp());
        let q = g.matmul(vtx, p[2], sp());
        let q = op(g, Op::ToScalar(q));
        let ss = g.mul(p[3], p[3], sp());
        let s1 = op(g, Op::FromScalar(ss));
        let k = op(g, Op::Kron(s1, p[1]));
        let ks = g.dot(k, p[0], sp());
        let om = op(g, Op::OnesMul(Dim::Known(3), p[0]));
        let mo = op(g, Op::MulOnes(p[1], Dim::Known(3)));
        let o = g.dot(om, mo, sp());
        let t = g.add(q, ks, sp());
        g.add(t, o, sp())
    });
}

#[test]
fn numeric_second_order() {
    // φ = ⟨∇ψ, Y⟩ with ψ using kron and ones products: differentiating the gradient exercises
    // the adjoints of the adjoint-only ops (KronAdjointLeft/Right, OnesMul, MulOnes).
    check_numeric("gradient of a gradient", |g, p| {
        let kx = op(g, Op::Kron(p[0], p[2]));
        let ky = op(g, Op::Kron(p[1], p[2]));
        let h = g.hadamard(kx, ky, sp());
        let h = g.hadamard(h, kx, sp());
        let xy = g.matmul(p[0], p[1], sp());
        let s = op(g, Op::Sum(xy));
        let sx = op(g, Op::Sum(h));
        let psi = g.add(sx, s, sp());
        let dx = gradient(g, psi, &[0])[0];
        let dxx = g.hadamard(dx, p[0], sp());
        g.dot(dxx, p[1], sp())
    });
}
