//! The operation census of the code generated for each benchmark workload (`benches/`): how
//! many products, factorizations, copied transposes and temporaries the lowered graph asks
//! `emit` for. A regression in the generated code (a lost fusion, a second LU, a product
//! chain in the wrong order) fails here, not only in a benchmark. The counts are the same at
//! every size: sizes are types, and the ordering decisions below hold from n = 3 to n = 128.

use crate::generate::{self, Derivative};
use crate::ir::Op;
use crate::lower::kernels::{self, Product, SolveKernel};
use crate::lower::lower;

/// What the generated code computes, by kind.
#[derive(Debug, PartialEq, Eq, Default)]
struct Census {
    /// Matrix products (plain, fused or structured), each one statement.
    products: usize,
    /// Products among them that read a transposed factor in place.
    fused: usize,
    /// Products among them of two matrices (no vector factor): the O(n³) ones.
    matrix_products: usize,
    /// LU (or closed-form) factorizations and Cholesky factorizations.
    factorizations: usize,
    /// Transposes copied into a temporary.
    transposes: usize,
    /// Statements other than parameters and literals: the temporaries of the generated body.
    temporaries: usize,
}

/// The census of `#[kind(wrt)]` on the function `src` (value and derivatives together, as the
/// generated function computes them).
fn census(src: &str, kind: Derivative, wrt: &[&str]) -> Census {
    let item: syn::ItemFn = syn::parse_str(src).expect("a function");
    let function = crate::parse::function(&item).expect("the workload parses");
    let shaped = crate::shape::lower(&function).expect("the workload is well shaped");
    let mut g = shaped.graph;
    let wrt: Vec<usize> = wrt
        .iter()
        .map(|w| {
            function
                .params
                .iter()
                .position(|p| p.name == *w)
                .expect("a parameter")
        })
        .collect();
    let derivation = generate::derive(&mut g, shaped.value, kind, &wrt).expect("derivable");
    let mut roots = vec![shaped.value];
    roots.extend(derivation.outputs.iter().map(|o| o.node));
    let l = lower(&g, &roots);
    let lg = &l.graph;
    let mut c = Census {
        factorizations: l.shared_lu.len(),
        ..Census::default()
    };
    for &id in &l.statements {
        match *lg.op(id) {
            Op::Param(_) | Op::Literal(_) => continue,
            Op::MatMul(a, b) => {
                c.products += 1;
                c.fused += usize::from(matches!(kernels::product(lg, a, b), Product::Fused(_)));
                let matrix = |x| {
                    let (r, k) = lg.shape(x).dims();
                    !r.is_one() && !k.is_one()
                };
                let dense = !matches!(kernels::product(lg, a, b), Product::Structured(_));
                c.matrix_products += usize::from(dense && matrix(a) && matrix(b));
            }
            // One triangle of the Hessian Aᵀ B, mirrored: a fused n³ product of its own.
            Op::Symmetrize(h) => {
                if let kernels::Symmetrized::TrMul(..) = kernels::symmetrized(lg, h) {
                    c.products += 1;
                    c.fused += 1;
                    c.matrix_products += 1;
                }
            }
            Op::Transpose(_) => c.transposes += 1,
            // An inverse of a matrix with a Cholesky factor is computed from the factor.
            Op::Inv(a) if kernels::cholesky_factor(lg, a).is_some() => {}
            Op::Inv(a) | Op::Det(a) | Op::Logdet(a) if !l.shared_lu.contains(&a) => {
                c.factorizations += 1
            }
            Op::Solve(..) if l.by_inverse.contains_key(&id) => {
                // A product with the inverse, n³ like any matrix product.
                c.products += 1;
                c.matrix_products += 1;
            }
            Op::Solve(a, _) => {
                if let SolveKernel::Lu(m) | SolveKernel::LuTranspose(m) =
                    kernels::solve_kernel(lg, a)
                {
                    c.factorizations += usize::from(!l.shared_lu.contains(&m));
                }
            }
            Op::Cholesky(_) => c.factorizations += 1,
            _ => {}
        }
        c.temporaries += 1;
    }
    c
}

/// The workload functions of `benches/workloads.rs`, `benches/second_order.rs`,
/// `benches/products.rs` and `benches/gp.rs` at size `n`.
fn workloads(n: &str) -> Vec<(&'static str, String, Derivative, Vec<&'static str>)> {
    vec![
        (
            "seed",
            format!("fn seed(X: &Matrix<{n}, {n}>, Y: &Matrix<{n}, {n}>) -> f64 {{ sum(X * Y) }}"),
            Derivative::Grad,
            vec!["X"],
        ),
        (
            "lstsq",
            format!(
                "fn lstsq(W: &Matrix<{n}, {n}>, x: &Vector<{n}>, y: &Vector<{n}>) -> f64 {{ \
                 0.5 * norm_sq(W * x - y) }}"
            ),
            Derivative::Grad,
            vec!["W"],
        ),
        (
            "gauss",
            format!(
                "fn gauss(S: &Matrix<{n}, {n}>, A: &Matrix<{n}, {n}>) -> f64 {{ \
                 logdet(S) + tr(inv(S) * A) }}"
            ),
            Derivative::Grad,
            vec!["S"],
        ),
        (
            "mlp",
            format!(
                "fn mlp(W1: &Matrix<{n}, {n}>, W2: &Matrix<{n}, {n}>, x: &Vector<{n}>, \
                 y: &Vector<{n}>) -> f64 {{ 0.5 * norm_sq(W2 * tanh(W1 * x) - y) }}"
            ),
            Derivative::Grad,
            vec!["W1", "W2"],
        ),
        (
            "logreg-hess",
            format!(
                "fn logreg(X: &Matrix<{n}, {n}>, w: &Vector<{n}>, b: &Vector<{n}>) -> f64 {{ \
                 sum(softplus(-hadamard(b, X * w))) }}"
            ),
            Derivative::Hessian,
            vec!["w"],
        ),
        (
            "seed-jac",
            format!(
                "fn seedjac(X: &Matrix<{n}, {n}>, Y: &Matrix<{n}, U2>) -> Matrix<{n}, U2> {{ \
                 X * Y }}"
            ),
            Derivative::Jacobian,
            vec!["X"],
        ),
        ("layer-vjp-W", layer("layer", n), Derivative::Vjp, vec!["W"]),
        (
            "layer-vjp-x",
            layer("layer_x", n),
            Derivative::Vjp,
            vec!["x"],
        ),
        ("layer-jvp-x", layer("layer", n), Derivative::Jvp, vec!["x"]),
        (
            "lstsq-hvp",
            format!(
                "fn lstsq(W: &Matrix<{n}, {n}>, x: &Vector<{n}>, y: &Vector<{n}>) -> f64 {{ \
                 0.5 * norm_sq(W * x - y) }}"
            ),
            Derivative::Hvp,
            vec!["x"],
        ),
        (
            "logreg-hvp",
            format!(
                "fn logreg(X: &Matrix<{n}, {n}>, w: &Vector<{n}>, b: &Vector<{n}>) -> f64 {{ \
                 sum(softplus(-hadamard(b, X * w))) }}"
            ),
            Derivative::Hvp,
            vec!["w"],
        ),
        (
            "gp-nll-grad",
            format!(
                "fn gp(X: &Matrix<{n}, U3>, y: &Vector<{n}>, theta: &Vector<U3>, noise: f64) \
                 -> f64 {{ \
                 let K: Matrix<{n}, {n}> = X * diag(theta) * X.t() + noise * eye(); \
                 let L = cholesky(K); \
                 let alpha = solve(L.t(), solve(L, y)); \
                 0.5 * (y.t() * alpha) + sum(log(diagonal(L))) }}"
            ),
            Derivative::Grad,
            vec!["theta", "noise"],
        ),
    ]
}

/// The dense layer tanh(W x + b) of `benches/products.rs`, named `name`.
fn layer(name: &str, n: &str) -> String {
    format!(
        "fn {name}(W: &Matrix<{n}, {n}>, x: &Vector<{n}>, b: &Vector<{n}>) -> Vector<{n}> {{ \
         tanh(W * x + b) }}"
    )
}

/// The fixed-size residuals of `benches/residuals.rs`.
fn residuals() -> Vec<(&'static str, String, Derivative, Vec<&'static str>)> {
    vec![
        (
            "reprojection-2x3-jacobian",
            "fn reprojection(p: &Vector<U3>, o: &Vector<U2>) -> Vector<U2> { \
             matrix![-p[0] / p[2] - o[0]; -p[1] / p[2] - o[1]] }"
                .into(),
            Derivative::Jacobian,
            vec!["p"],
        ),
        (
            "se2-edge-3x3-jacobians",
            "fn se2_edge(a: &Vector<U3>, b: &Vector<U3>, z: &Vector<U3>) -> Vector<U3> { \
             let c = cos(a[2]); let s = sin(a[2]); \
             let dx = b[0] - a[0]; let dy = b[1] - a[1]; \
             matrix![c * dx + s * dy - z[0]; c * dy - s * dx - z[1]; b[2] - a[2] - z[2]] }"
                .into(),
            Derivative::Jacobian,
            vec!["a", "b"],
        ),
    ]
}

/// The expected census of each workload.
fn expected(name: &str) -> Census {
    let c = |products, fused, matrix_products, factorizations, transposes, temporaries| Census {
        products,
        fused,
        matrix_products,
        factorizations,
        transposes,
        temporaries,
    };
    match name {
        // (𝟙ᵀX)(Y𝟙) for the value, 𝟙 (Y𝟙)ᵀ for the gradient: one 1×1 product.
        "seed" => c(1, 0, 0, 0, 1, 6),
        // W x, then the outer product (W x − y) xᵀ.
        "lstsq" => c(2, 1, 0, 0, 0, 5),
        // One factorization for logdet and S⁻¹; solve(S, A) the product S⁻¹ A with the
        // inverse computed anyway (not two substitutions per column); S⁻ᵀ (S⁻¹A)ᵀ fused as
        // tr_mul_tr; only S⁻ᵀ itself is copied (for the difference).
        "gauss" => c(2, 1, 2, 1, 1, 8),
        // W1 x, W2 h, W2ᵀ r (fused), and two outer products.
        "mlp" => c(5, 3, 0, 0, 0, 13),
        // X w, Xᵀ(·) for the gradient, and for the Hessian diag(b) diag(s(1−s)) diag(b) X as
        // one row scaling by b ⊙ s(1−s) ⊙ b, then one triangle of Xᵀ(·) mirrored (no full
        // product to average with its transpose): four products in all.
        "logreg-hess" => c(4, 2, 1, 0, 0, 16),
        // X Y and Yᵀ ⊗ I filled reading Y in place: no copied transpose.
        "seed-jac" => c(1, 0, 1, 0, 0, 2),
        // W x for the value, then the outer product δ xᵀ reading xᵀ in place: the hand form.
        "layer-vjp-W" => c(2, 1, 0, 0, 0, 8),
        // W x, then Wᵀ δ reading W in place.
        "layer-vjp-x" => c(2, 1, 0, 0, 0, 8),
        // W x and W t: the tangent never meets a matrix product of its own.
        "layer-jvp-x" => c(2, 0, 0, 0, 0, 8),
        // W x, Wᵀ r, and H v as Wᵀ (W v), never WᵀW: four matrix–vector products.
        "lstsq-hvp" => c(4, 2, 0, 0, 0, 7),
        // X w, Xᵀ(·) for the gradient, and H v as Xᵀ (d ⊙ X v): no n×n Hessian, no n³ product.
        "logreg-hvp" => c(4, 2, 0, 0, 0, 17),
        // K = X (diag(θ) Xᵀ) (Xᵀ copied once, n×3), one Cholesky; K⁻¹ from its factor;
        // yᵀα, then Xᵀ ((½K⁻¹ − ½ααᵀ) X) for ∂θ, where ½K⁻¹ − ½ααᵀ is a rank-one update of
        // ½K⁻¹ in place (α αᵀ is never formed) and K⁻¹ is scaled in its own buffer: the
        // n×n-by-n×3 products count as matrix products, but none is n×n by n×n.
        "gp-nll-grad" => c(5, 2, 3, 1, 1, 21),
        // Scalar code: one reciprocal of p₂ shared by both rows and the Jacobian.
        "reprojection-2x3-jacobian" => c(0, 0, 0, 0, 0, 18),
        // Scalar code: sin and cos of θₐ by one sin_cos, the differences shared, and
        // products met in both operand orders (c·dy, dy·c) interned once.
        "se2-edge-3x3-jacobians" => c(0, 0, 0, 0, 0, 29),
        _ => unreachable!("a workload above"),
    }
}

#[test]
fn every_benchmark_workload_lowers_to_the_expected_operations() {
    for n in ["U3", "U8", "U32", "U128"] {
        for (name, src, kind, wrt) in workloads(n) {
            let got = census(&src, kind, &wrt);
            assert_eq!(got, expected(name), "{name} at {n}");
        }
    }
    for (name, src, kind, wrt) in residuals() {
        let got = census(&src, kind, &wrt);
        assert_eq!(got, expected(name), "{name}");
    }
}

#[test]
fn a_chain_ending_in_a_vector_is_multiplied_from_the_vector() {
    // ½‖A B C x‖² in A, gradient A B C x xᵀ Cᵀ Bᵀ: the value A (B (C x)), the row vector
    // ((xᵀ Cᵀ) Bᵀ) and their outer product: six O(n²) products, no n³ one (as written, the
    // chains would multiply A B and (A B) C, or Cᵀ Bᵀ).
    let got = census(
        "fn f(A: &Matrix<U5, U5>, B: &Matrix<U5, U5>, C: &Matrix<U5, U5>, x: &Vector<U5>) \
         -> f64 { 0.5 * norm_sq(A * B * C * x) }",
        Derivative::Grad,
        &["A"],
    );
    assert_eq!((got.products, got.matrix_products), (6, 0), "{got:?}");
    // A row vector at the left end: xᵀ A B C y is (((xᵀA) B) C) y, no n³ product either.
    let got = census(
        "fn f(A: &Matrix<U5, U5>, B: &Matrix<U5, U5>, C: &Matrix<U5, U5>, x: &Vector<U5>, \
         y: &Vector<U5>) -> f64 { x.t() * A * B * C * y }",
        Derivative::Grad,
        &["y"],
    );
    assert_eq!(got.matrix_products, 0, "{got:?}");
}
