//! argmin's Newton method with the Hessian from `#[hessian(K)]`: the maximum-likelihood
//! precision matrix of a zero-mean Gaussian, whose answer is known in closed form.
//!
//! Given the sample covariance S of the data, the negative log-likelihood per sample is (up to
//! a constant and a factor ½) φ(K) = tr(S K) − ln|det K|, minimised by K = S⁻¹. The parameter is
//! the whole 3×3 matrix K, so argmin sees vec(K) ∈ ℝ⁹ and the 9×9 Hessian K⁻ᵀ ⊗ K⁻¹ (in the
//! spec's layout), both column-major on either side of the boundary.

use argmin::core::{Error, Executor, Gradient, Hessian};
use argmin::solver::newton::Newton;
use matcalc::prelude::*;
use matcalc_optimizers::{fd_jacobian, from_na, na, to_na, Rng};

/// Negative Gaussian log-likelihood in the precision matrix K (S the sample covariance).
#[hessian(K)]
fn neg_log_likelihood(K: &Matrix<U3, U3>, S: &Matrix<U3, U3>) -> f64 {
    tr(S * K) - logdet(K)
}

/// The problem as argmin sees it: the parameter is vec(K). `neg_log_likelihood_hessian`
/// returns value, gradient and Hessian at once, but argmin asks through two traits.
struct PrecisionMle {
    covariance: Matrix<U3, U3>,
}

/// vec(K) on the argmin side, K on the matcalc side (both column-major: a copy, no reordering).
fn unvec(k: &na::SVector<f64, 9>) -> Matrix<U3, U3> {
    from_na(&k.reshape_generic(na::Const::<3>, na::Const::<3>))
}

impl Gradient for PrecisionMle {
    type Param = na::SVector<f64, 9>;
    type Gradient = na::SVector<f64, 9>;

    fn gradient(&self, k: &Self::Param) -> Result<Self::Gradient, Error> {
        let (_, gradient, _) = neg_log_likelihood_hessian(&unvec(k), &self.covariance);
        Ok(to_na::<U3, U3, 3, 3>(&gradient).reshape_generic(na::Const::<9>, na::Const::<1>))
    }
}

impl Hessian for PrecisionMle {
    type Param = na::SVector<f64, 9>;
    type Hessian = na::SMatrix<f64, 9, 9>;

    fn hessian(&self, k: &Self::Param) -> Result<Self::Hessian, Error> {
        let (_, _, hessian) = neg_log_likelihood_hessian(&unvec(k), &self.covariance);
        Ok(to_na(&hessian))
    }
}

fn main() {
    // 500 samples x = L z with z standard normal, so the true covariance is L Lᵀ.
    let mut rng = Rng::new(3);
    let factor: Matrix<U3, U3> = matrix![1.0, 0.0, 0.0; 0.6, 0.8, 0.0; -0.3, 0.4, 0.5];
    let samples = 500;
    let mut covariance = Matrix::<U3, U3>::zeros();
    for _ in 0..samples {
        let z: Vector<U3> = Matrix::from_fn(|_, _| rng.normal());
        let x = factor * z;
        covariance += x * x.t();
    }
    let covariance = covariance / samples as f64;

    // The derived gradient and Hessian against central finite differences (of φ, and of the
    // derived gradient as a function of vec K) at a random symmetric positive definite point.
    let a: Matrix<U3, U3> = rng.matrix(-1.0, 1.0);
    let probe = a * a.t() + Matrix::<U3, U3>::identity();
    let (value, gradient, hessian) = neg_log_likelihood_hessian(&probe, &covariance);
    assert_eq!(value, neg_log_likelihood(&probe, &covariance));
    let as_matrix = |v: &Vector<U9>| Matrix::<U3, U3>::from_column_slice(v.as_slice());
    let vec_probe = Vector::<U9>::from_column_slice(probe.as_slice());
    let numeric_gradient = fd_jacobian(
        |v| Vector::<U1>::from_element(neg_log_likelihood(&as_matrix(v), &covariance)),
        &vec_probe,
    );
    let numeric_hessian = fd_jacobian(
        |v| {
            let (_, g, _) = neg_log_likelihood_hessian(&as_matrix(v), &covariance);
            Vector::<U9>::from_column_slice(g.as_slice())
        },
        &vec_probe,
    );
    let gradient_gap = numeric_gradient
        .iter()
        .zip(gradient.iter())
        .fold(0.0_f64, |m, (n, d)| m.max((n - d).abs()));
    let hessian_gap = hessian.max_abs_diff(&numeric_hessian);
    println!("gradient check: largest |#[hessian] − finite difference| = {gradient_gap:.1e}");
    println!("Hessian check:  largest |#[hessian] − finite difference| = {hessian_gap:.1e}");
    assert!(gradient_gap < 1e-6, "gradient off by {gradient_gap:e}");
    assert!(hessian_gap < 1e-6, "Hessian off by {hessian_gap:e}");

    // Pure Newton here is the Newton–Schulz iteration K ← 2K − K S K, which converges from
    // K₀ = I / tr(S) (every eigenvalue of I − S K₀ lies in [0, 1)).
    let start = na::SVector::<f64, 9>::from_column_slice(
        (Matrix::<U3, U3>::identity() / covariance.tr()).as_slice(),
    );
    let problem = PrecisionMle { covariance };
    let result = Executor::new(problem, Newton::<f64>::new())
        .configure(|state| state.param(start).max_iters(15))
        .run()
        .expect("Newton runs");
    let k = unvec(&result.state.param.expect("Newton returns a point"));

    // The known answer, computed by nalgebra's LU inverse, independently of matcalc.
    let expected: Matrix<U3, U3> = from_na(
        &to_na::<U3, U3, 3, 3>(&covariance)
            .try_inverse()
            .expect("the sample covariance is invertible"),
    );
    let (value, gradient, _) = neg_log_likelihood_hessian(&k, &covariance);
    println!(
        "Newton: {} iterations from K₀ = I / tr(S) (argmin's Newton has no stopping test of its own)",
        result.state.iter
    );
    println!("K     = {:?}", k.as_slice());
    println!("S⁻¹   = {:?}", expected.as_slice());
    let error = k.max_abs_diff(&expected);
    println!(
        "largest |K − S⁻¹| = {error:.1e}, φ(K) = {value:.6}, ‖∂φ/∂K‖ = {:.1e}",
        gradient.norm()
    );
    assert!(error < 1e-10, "Newton ended {error:e} away from S⁻¹");
}
