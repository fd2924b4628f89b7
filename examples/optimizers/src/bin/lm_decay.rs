//! levenberg-marquardt fits an exponential decay y = a·exp(−b t) + c, with `jacobian()` from
//! `#[jacobian(a, b, c)]`, checked against the crate's own `differentiate_numerically`.
//!
//! The data are generated from known parameters (a, b, c) = (2.5, 1.3, 0.5) without noise, so
//! the fit must recover them; a second, noisy data set checks the fit's residual against the
//! noise level.

use levenberg_marquardt::{differentiate_numerically, LeastSquaresProblem, LevenbergMarquardt};
use matcalc::prelude::*;
use matcalc_optimizers::{na, Rng};

type Samples = U<40>;
const SAMPLES: usize = 40;

/// Residuals of the decay model at the sample times t against the observations y.
#[jacobian(a, b, c)]
fn residuals<N: Dim>(a: f64, b: f64, c: f64, t: &Vector<N>, y: &Vector<N>) -> Vector<N> {
    a * exp(-b * t) + c * ones() - y
}

/// The problem as levenberg-marquardt sees it: parameters (a, b, c) and residuals are
/// nalgebra 0.34 vectors, the Jacobian the 40×3 matrix [∂r/∂a | ∂r/∂b | ∂r/∂c].
struct DecayFit {
    t: Vector<Samples>,
    y: Vector<Samples>,
    params: na::Vector3<f64>,
}

impl LeastSquaresProblem<f64, na::Dyn, na::U3> for DecayFit {
    type ResidualStorage = na::VecStorage<f64, na::Dyn, na::U1>;
    type JacobianStorage = na::VecStorage<f64, na::Dyn, na::U3>;
    type ParameterStorage = na::Owned<f64, na::U3>;

    fn set_params(&mut self, params: &na::Vector3<f64>) {
        self.params = *params;
    }

    fn params(&self) -> na::Vector3<f64> {
        self.params
    }

    fn residuals(&self) -> Option<na::DVector<f64>> {
        let [a, b, c] = [self.params[0], self.params[1], self.params[2]];
        let r = residuals(a, b, c, &self.t, &self.y);
        Some(na::DVector::from_column_slice(r.as_slice()))
    }

    fn jacobian(&self) -> Option<na::OMatrix<f64, na::Dyn, na::U3>> {
        let [a, b, c] = [self.params[0], self.params[1], self.params[2]];
        let (_, d_a, d_b, d_c) = residuals_jacobian(a, b, c, &self.t, &self.y);
        let columns = d_a.iter().chain(d_b.iter()).chain(d_c.iter()).copied();
        Some(na::OMatrix::<f64, na::Dyn, na::U3>::from_iterator(
            SAMPLES, columns,
        ))
    }
}

/// Fits the decay model to (t, y) from the guess (1, 1, 0) and returns the fitted problem.
fn fit(
    t: &Vector<Samples>,
    y: &Vector<Samples>,
) -> (DecayFit, levenberg_marquardt::MinimizationReport<f64>) {
    let problem = DecayFit {
        t: t.clone(),
        y: y.clone(),
        params: na::Vector3::new(1.0, 1.0, 0.0),
    };
    let (problem, report) = LevenbergMarquardt::new().minimize(problem);
    assert!(
        report.termination.was_successful(),
        "levenberg-marquardt stopped: {:?}",
        report.termination
    );
    (problem, report)
}

fn main() {
    let truth = na::Vector3::new(2.5, 1.3, 0.5);
    let t = Vector::<Samples>::from_fn(|i, _| 4.0 * i as f64 / (SAMPLES - 1) as f64);
    let model = |t: f64| truth[0] * (-truth[1] * t).exp() + truth[2];
    let exact = t.map(model);

    // #[jacobian] against levenberg-marquardt's own finite differences at random parameters.
    let mut rng = Rng::new(15);
    let mut probe = DecayFit {
        t: t.clone(),
        y: exact.clone(),
        params: na::Vector3::new(
            rng.uniform(0.5, 3.0),
            rng.uniform(0.2, 2.0),
            rng.uniform(-1.0, 1.0),
        ),
    };
    let derived = probe.jacobian().expect("a Jacobian");
    let numeric = differentiate_numerically(&mut probe).expect("finite residuals");
    let gap = (&derived - &numeric).amax() / derived.amax();
    println!("Jacobian check: relative |#[jacobian] − differentiate_numerically| = {gap:.1e}");
    assert!(
        gap < 1e-6,
        "derived Jacobian disagrees with finite differences by {gap:e}"
    );

    // Noise-free data: the fit must return the generating parameters.
    let (fitted, report) = fit(&t, &exact);
    let error = (fitted.params - truth).amax();
    println!(
        "exact data: {} evaluations, (a, b, c) = ({:.12}, {:.12}, {:.12}), largest error {error:.1e}",
        report.number_of_evaluations, fitted.params[0], fitted.params[1], fitted.params[2]
    );
    assert!(
        error < 1e-8,
        "the fit missed the generating parameters by {error:e}"
    );

    // Noisy data (σ = 0.02): parameters near the truth, residual at the noise level.
    let sigma = 0.02;
    let noisy = exact.map(|v| v + sigma * rng.normal());
    let (mut fitted, report) = fit(&t, &noisy);
    let rms = (2.0 * report.objective_function / SAMPLES as f64).sqrt();
    let error = (fitted.params - truth).amax();
    println!(
        "noisy data (σ = {sigma}): {} evaluations, (a, b, c) = ({:.4}, {:.4}, {:.4}), rms residual {rms:.4}",
        report.number_of_evaluations, fitted.params[0], fitted.params[1], fitted.params[2]
    );
    // First-order optimality, checked with the numeric Jacobian: Jᵀ r = 0 at a least-squares fit.
    let r = fitted.residuals().expect("finite residuals");
    let numeric = differentiate_numerically(&mut fitted).expect("finite residuals");
    let stationarity = (numeric.transpose() * r).amax();
    println!("largest |Jᵀ r| at the noisy fit (numeric J) = {stationarity:.1e}");
    assert!(
        stationarity < 1e-7,
        "the noisy fit is not stationary: |Jᵀ r| = {stationarity:e}"
    );
    assert!(
        error < 0.1,
        "the noisy fit is {error} away from the generating parameters"
    );
    assert!(
        (0.5 * sigma..1.5 * sigma).contains(&rms),
        "rms residual {rms} is not at the noise level {sigma}"
    );
}
