//! inv/det/logdet/try_inv on well-conditioned, ill-conditioned (cond ≈ 1e10) and singular
//! matrices: accuracy where it is achievable, and never a panic.

mod common;

use common::{gauss_jordan_inverse, random, Rng};
use matcalc_core::prelude::*;

/// A random orthogonal matrix by Gram–Schmidt on random columns.
fn random_orthogonal<N: Dim>(rng: &mut Rng) -> Matrix<N, N> {
    let mut q = random::<N, N>(rng);
    for j in 0..N::USIZE {
        let mut col = q.column(j);
        for k in 0..j {
            let prev = q.column(k);
            col -= &prev * prev.dot(&col);
        }
        col /= col.norm();
        for i in 0..N::USIZE {
            q[(i, j)] = col[(i, 0)];
        }
    }
    q
}

/// `Q · diag(σ) · Qᵀ` with singular values spread log-uniformly from 1 down to `1/cond`.
fn with_condition<N: Dim>(rng: &mut Rng, cond: f64) -> (Matrix<N, N>, Vector<N>) {
    let q = random_orthogonal::<N>(rng);
    let n = N::USIZE;
    let sigma = Vector::<N>::from_fn(|i, _| cond.powf(-(i as f64) / (n as f64 - 1.0)));
    (&q * diag(&sigma) * q.t(), sigma)
}

fn hilbert<N: Dim>() -> Matrix<N, N> {
    Matrix::from_fn(|i, j| 1.0 / (i + j + 1) as f64)
}

#[test]
fn well_conditioned_inverse_agrees_with_gauss_jordan() {
    let mut rng = Rng::new(200);
    for _ in 0..20 {
        let (a, sigma) = with_condition::<U6>(&mut rng, 10.0);
        let inv = a.inv();
        let reference = gauss_jordan_inverse(&a).unwrap();
        assert!(inv.approx_eq(&reference, 1e-12, 1e-12));
        let logdet_ref: f64 = sigma.iter().map(|s| s.ln()).sum();
        assert!((logdet(&a) - logdet_ref).abs() < 1e-12);
        assert!((det(&a) - logdet_ref.exp()).abs() < 1e-12);
    }
}

#[test]
fn ill_conditioned_matrices_lose_only_what_the_condition_number_costs() {
    let mut rng = Rng::new(201);
    for _ in 0..10 {
        let (a, sigma) = with_condition::<U5>(&mut rng, 1e10);
        let inv = a.try_inv().expect("nonsingular");
        // The residual A·A⁻¹ - I is bounded by about cond · ε.
        let residual = (a * inv - Matrix::identity()).norm();
        assert!(residual < 1e-4, "residual {residual}");
        let logdet_ref: f64 = sigma.iter().map(|s| s.ln()).sum();
        assert!(
            (logdet(&a) - logdet_ref).abs() < 1e-5,
            "{} vs {logdet_ref}",
            logdet(&a)
        );
    }
    // Hilbert 8×8: cond ≈ 1.5e10, det ≈ 2.737e-33.
    let h = hilbert::<U8>();
    let det_ref = 2.737_050_747_244_79e-33;
    assert!((h.det() / det_ref - 1.0).abs() < 1e-5);
    assert!((h.logdet() - det_ref.ln()).abs() < 1e-5);
    let hi = h.inv();
    assert!(hi.iter().all(|x| x.is_finite()));
    assert!((h * hi - Matrix::identity()).norm() < 1e-4);
}

#[test]
fn singular_matrices_never_panic() {
    let mut rng = Rng::new(202);
    let u = random::<U4, U1>(&mut rng);
    let v = random::<U4, U1>(&mut rng);
    let rank_one = u * v.t();
    let mut dup_row = random::<U4, U4>(&mut rng);
    for j in 0..4 {
        dup_row[(3, j)] = dup_row[(0, j)];
    }
    let zero: Matrix<U4, U4> = zeros();
    let exact: Matrix<U3, U3> = matrix![1.0, 2.0, 3.0; 4.0, 5.0, 6.0; 7.0, 8.0, 9.0];
    for a in [dup_row, zero] {
        assert_eq!(a.try_inv(), None);
        assert!(a.inv().iter().all(|x| !x.is_finite()));
        assert_eq!(a.logdet(), f64::NEG_INFINITY);
        assert_eq!(a.det(), 0.0);
    }
    // 1..9 is singular, but rounding may leave a tiny pivot: whatever comes back, no panic,
    // and det/logdet say "(nearly) zero".
    let _ = exact.try_inv();
    let _ = exact.inv();
    assert!(exact.det().abs() < 1e-12);
    assert!(exact.logdet() < -30.0);
    // Rank one in floating point: the same, no panic.
    let _ = rank_one.inv();
    assert!(rank_one.logdet() < -20.0);
}

#[test]
fn logdet_of_tiny_and_huge_diagonals() {
    let tiny = diag(Vector::<U4>::from_element(1e-200));
    assert_eq!(tiny.det(), 0.0);
    assert!((tiny.logdet() - 4.0 * (1e-200f64).ln()).abs() < 1e-10);
    assert!(tiny.logdet().is_finite());
    let huge = diag(Vector::<U4>::from_element(1e200));
    assert!(huge.det().is_infinite());
    assert!((huge.logdet() - 4.0 * (1e200f64).ln()).abs() < 1e-10);
    // Scaling a random matrix by 1e-100 shifts logdet by exactly n·ln(1e-100).
    let mut rng = Rng::new(203);
    let a = random::<U5, U5>(&mut rng) + Matrix::identity() * 3.0;
    let scaled = a * 1e-100;
    assert!((scaled.logdet() - (a.logdet() + 5.0 * (1e-100f64).ln())).abs() < 1e-9);
}
