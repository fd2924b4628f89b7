//! argmin's L-BFGS fits an L2-regularised logistic regression whose gradient comes from
//! `#[grad(w)]`; the answer is checked against a hand-written Newton (IRLS) solve.
//!
//! φ(w) = Σᵢ softplus(−bᵢ (X w)ᵢ) + λ/2 ‖w‖², X the n×d design matrix (three features and a
//! constant column), b ∈ {−1, +1}ⁿ the labels. With λ > 0 the optimum is unique.

use argmin::core::{CostFunction, Error, Executor, Gradient, TerminationReason, TerminationStatus};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use matcalc::prelude::*;
use matcalc_optimizers::{fd_jacobian, from_na, na, to_na, Rng};

type Samples = U<200>;
const SAMPLES: usize = 200;

/// Logistic loss of the data set plus a ridge penalty.
#[grad(w)]
fn loss<N: Dim>(w: &Vector<U4>, X: &Matrix<N, U4>, b: &Vector<N>, lambda: f64) -> f64 {
    sum(softplus(-hadamard(b, X * w))) + 0.5 * lambda * norm_sq(w)
}

/// The problem as argmin sees it: parameters and gradients are nalgebra 0.34 vectors.
struct LogisticRegression {
    x: Matrix<Samples, U4>,
    b: Vector<Samples>,
    lambda: f64,
}

impl CostFunction for LogisticRegression {
    type Param = na::SVector<f64, 4>;
    type Output = f64;

    fn cost(&self, w: &Self::Param) -> Result<f64, Error> {
        Ok(loss(&from_na(w), &self.x, &self.b, self.lambda))
    }
}

impl Gradient for LogisticRegression {
    type Param = na::SVector<f64, 4>;
    type Gradient = na::SVector<f64, 4>;

    fn gradient(&self, w: &Self::Param) -> Result<Self::Gradient, Error> {
        let (_, gradient) = loss_grad(&from_na(w), &self.x, &self.b, self.lambda);
        Ok(to_na(&gradient))
    }
}

/// The reference answer, independent of matcalc: Newton's method with the textbook gradient
/// −Xᵀ(b ⊙ σ(−b ⊙ Xw)) + λw and Hessian Xᵀ diag(σ(m)(1 − σ(m))) X + λI, m = b ⊙ Xw.
fn irls(
    x: &na::SMatrix<f64, SAMPLES, 4>,
    b: &na::SVector<f64, SAMPLES>,
    lambda: f64,
) -> na::SVector<f64, 4> {
    let sigmoid = |t: f64| 1.0 / (1.0 + (-t).exp());
    let mut w = na::SVector::<f64, 4>::zeros();
    for _ in 0..50 {
        let margins = (x * w).component_mul(b);
        let gradient = -x.transpose() * b.component_mul(&margins.map(|m| sigmoid(-m))) + w * lambda;
        let weights = margins.map(|m| sigmoid(m) * (1.0 - sigmoid(m)));
        let hessian =
            x.transpose() * na::SMatrix::<f64, SAMPLES, SAMPLES>::from_diagonal(&weights) * x
                + na::SMatrix::<f64, 4, 4>::identity() * lambda;
        let step = hessian
            .lu()
            .solve(&gradient)
            .expect("the Hessian is positive definite");
        w -= step;
        if step.norm() < 1e-14 {
            break;
        }
    }
    w
}

fn main() {
    let mut rng = Rng::new(14);
    // Features uniform in [−2, 2]; labels drawn from the logistic model with these weights.
    let w_true = [1.5, -2.0, 0.7, 0.3];
    let mut x = Matrix::<Samples, U4>::zeros();
    let mut b = Vector::<Samples>::zeros();
    for i in 0..SAMPLES {
        for j in 0..3 {
            x[(i, j)] = rng.uniform(-2.0, 2.0);
        }
        x[(i, 3)] = 1.0;
        let score: f64 = (0..4).map(|j| x[(i, j)] * w_true[j]).sum();
        let p = 1.0 / (1.0 + (-score).exp());
        b[(i, 0)] = if rng.uniform(0.0, 1.0) < p { 1.0 } else { -1.0 };
    }
    let lambda = 0.1;
    let problem = LogisticRegression {
        x: x.clone(),
        b: b.clone(),
        lambda,
    };

    // The derived gradient against central finite differences of the loss, at a random point.
    let probe: Vector<U4> = rng.matrix(-1.0, 1.0);
    let (_, derived) = loss_grad(&probe, &x, &b, lambda);
    let numeric = fd_jacobian(
        |w| Vector::<U1>::from_element(loss(w, &x, &b, lambda)),
        &probe,
    )
    .t();
    let gap = derived.max_abs_diff(&numeric);
    println!("gradient check: largest |#[grad] − finite difference| = {gap:.1e}");
    assert!(
        gap < 1e-5,
        "derived gradient disagrees with finite differences by {gap:e}"
    );

    let solver = LBFGS::new(MoreThuenteLineSearch::new(), 7)
        .with_tolerance_grad(1e-10)
        .expect("a positive tolerance");
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(na::SVector::zeros()).max_iters(200))
        .run()
        .expect("L-BFGS runs");
    let state = &result.state;
    let w = state.best_param.expect("L-BFGS returns a point");
    println!(
        "L-BFGS: {} iterations ({}), loss {:.10}",
        state.iter, state.termination_status, state.best_cost
    );
    println!("w        = {:?}", w.as_slice());

    let reference = irls(&to_na(&x), &to_na(&b), lambda);
    println!("IRLS     = {:?}", reference.as_slice());
    println!("w_true   = {w_true:?}  (the generating weights, shrunk by λ and sampling noise)");
    let error = (w - reference).amax();
    let (_, final_gradient) = loss_grad(&from_na(&w), &x, &b, lambda);
    println!(
        "largest |w − IRLS| = {error:.1e}, ‖∂φ/∂w‖ at w = {:.1e}",
        final_gradient.norm()
    );
    assert!(
        matches!(
            state.termination_status,
            TerminationStatus::Terminated(TerminationReason::SolverConverged)
        ),
        "L-BFGS stopped without converging: {}",
        state.termination_status
    );
    assert!(error < 1e-6, "L-BFGS and IRLS disagree by {error:e}");
}
