//! Linear model-predictive control over a horizon of 20 steps, written as a loop.
//!
//! A double integrator x₊ = A x + B u (position, velocity; one force input) starts away from
//! the origin. The cost over the horizon is Σₜ x_{t+1}ᵀ Q x_{t+1} + r uₜ², with the inputs
//! the columns of U (1×20). `#[grad(U)]` and `#[hessian(U)]` differentiate the unrolled loop at
//! compile time. The example takes a few gradient-descent steps (the cost decreases), then one
//! Newton step, which solves the problem exactly since it is quadratic; the optimum is checked
//! by its gradient norm and against the solution of the normal equations built independently
//! from the prediction matrices (x = S u + c).

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

type K = U20;
const STEPS: usize = 20;

#[grad(U)]
#[hessian(U)]
fn cost(
    U: &Matrix<U1, U20>,
    x0: &Vector<U2>,
    A: &Matrix<U2, U2>,
    B: &Vector<U2>,
    Q: &Matrix<U2, U2>,
    r: f64,
) -> f64 {
    let mut x = x0;
    let mut J = 0.0;
    for t in 0..U20 {
        x = A * x + B * U.column(t);
        J = J + x.t() * Q * x + r * U.column(t).t() * U.column(t);
    }
    J
}

/// The normal equations of the same problem: x_{t+1} = Aᵗ⁺¹ x0 + Σ_{k≤t} Aᵗ⁻ᵏ B u_k, so the
/// stacked states are S u + c and the optimum solves (Sᵀ Q̄ S + r I) u = −Sᵀ Q̄ c.
fn normal_equations(
    x0: &Vector<U2>,
    a: &Matrix<U2, U2>,
    b: &Vector<U2>,
    q: &Matrix<U2, U2>,
    r: f64,
) -> Matrix<U1, K> {
    // powers[k] = Aᵏ
    let mut powers = vec![Matrix::<U2, U2>::identity()];
    for k in 1..=STEPS {
        powers.push(a * powers[k - 1]);
    }
    let mut hess = Matrix::<K, K>::zeros();
    let mut rhs = Matrix::<K, U1>::zeros();
    for t in 0..STEPS {
        // State t+1 = c_t + Σ_k S_tk u_k, S_tk = Aᵗ⁻ᵏ B for k ≤ t.
        let c = powers[t + 1] * x0;
        let s: Vec<Vector<U2>> = (0..=t).map(|k| powers[t - k] * b).collect();
        for i in 0..=t {
            rhs[i] -= (s[i].t() * q * c)[(0, 0)];
            for j in 0..=t {
                hess[(i, j)] += (s[i].t() * q * s[j])[(0, 0)];
            }
        }
    }
    for i in 0..STEPS {
        hess[(i, i)] += r;
    }
    solve(&hess, &rhs).t()
}

fn main() {
    let dt = 0.1;
    let a: Matrix<U2, U2> = matrix![1.0, dt; 0.0, 1.0];
    let b: Vector<U2> = matrix![0.5 * dt * dt; dt];
    let q: Matrix<U2, U2> = matrix![1.0, 0.0; 0.0, 0.1];
    let r = 0.01;
    let x0: Vector<U2> = matrix![1.0; 0.0];
    let objective = |u: &Matrix<U1, K>| cost(u, &x0, &a, &b, &q, r);

    // A small random first guess.
    let mut rng = Rng::new(7);
    let mut u = Matrix::<U1, K>::from_fn(|_, _| rng.uniform(-0.1, 0.1));
    let (_, g) = cost_grad(&u, &x0, &a, &b, &q, r);
    check_gradient("∂J/∂U", &g, objective, &u);

    println!("cost at the first guess: {:.6}", objective(&u));
    let step = 0.05;
    for k in 1..=5 {
        let (before, g) = cost_grad(&u, &x0, &a, &b, &q, r);
        u -= g * step;
        let after = objective(&u);
        println!("gradient step {k}: cost {before:.6} -> {after:.6}");
        assert!(after < before, "gradient descent must decrease the cost");
    }

    // Newton: the cost is quadratic in U, so one step lands on the optimum.
    let (before, g, h) = cost_hessian(&u, &x0, &a, &b, &q, r);
    let newton_step = solve(&h, &g.t());
    u -= newton_step.t();
    let (after, g) = cost_grad(&u, &x0, &a, &b, &q, r);
    println!(
        "Newton step: cost {before:.6} -> {after:.6}, |∇J| = {:.2e}",
        g.norm()
    );
    assert!(g.norm() < 1e-9, "the Newton step reaches the optimum");

    let reference = normal_equations(&x0, &a, &b, &q, r);
    let gap = u.max_abs_diff(&reference);
    println!("largest |U − normal-equations solution| = {gap:.1e}");
    assert!(gap < 1e-9, "the optimum agrees with the normal equations");
    println!(
        "first inputs: {:.4} {:.4} {:.4}",
        u[(0, 0)],
        u[(0, 1)],
        u[(0, 2)]
    );
    // The derived gradient is the adjoint recursion λₜ = Aᵀ λₜ₊₁ + (Q + Qᵀ) xₜ, once per step.
    let formula = COST_GRAD_FORMULA.lines().next().unwrap_or_default();
    let head: String = formula.chars().take(90).collect();
    println!("derived: {head} … ({} characters)", formula.chars().count());
}
