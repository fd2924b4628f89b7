//! Structure refinement in bundle adjustment: each 3-D point is refined by Gauss–Newton from
//! its reprojections in three cameras of known pose.
//!
//! A camera (rotation R, translation t, looking down −z) sees the point p at
//!
//!     q = R p + t,   π(q) = (−q₀/q₂, −q₁/q₂),
//!
//! and the residual is π(q) − observation. `#[jacobian(p)]` derives the 2×3 Jacobian of the
//! residual at compile time, from entries of q assembled with `matrix![..]`; the camera is a
//! struct and the residual its method, reading R and t as outside data. The Jacobian is checked
//! against finite differences; then each point, started 0.3 away from the truth, is refined
//! from noise-free observations until it is recovered to 1e-9.

#![allow(non_snake_case)]

mod common;

use common::Rng;
use matcalc::prelude::*;

struct Camera {
    R: Matrix<U3, U3>,
    t: Vector<U3>,
}

impl Camera {
    #[jacobian(p)]
    fn residual(&self, p: &Vector<U3>, observed: &Vector<U2>) -> Vector<U2> {
        let R: Matrix<U3, U3> = self.R;
        let t: Vector<U3> = self.t;
        let q = R * p + t;
        matrix![-q[0] / q[2]; -q[1] / q[2]] - observed
    }
}

/// A rotation about the y axis by `a` (radians).
fn yaw(a: f64) -> Matrix<U3, U3> {
    let (s, c) = a.sin_cos();
    matrix![c, 0.0, s; 0.0, 1.0, 0.0; -s, 0.0, c]
}

/// Central finite differences of the residual in p: 2×3.
fn fd_jacobian(cam: &Camera, p: &Vector<U3>, obs: &Vector<U2>) -> Matrix<U2, U3> {
    let h = 1e-6;
    let mut j = Matrix::<U2, U3>::zeros();
    for k in 0..3 {
        let (mut plus, mut minus) = (*p, *p);
        plus[k] += h;
        minus[k] -= h;
        let d = (cam.residual(&plus, obs) - cam.residual(&minus, obs)) / (2.0 * h);
        for i in 0..2 {
            j[(i, k)] = d[i];
        }
    }
    j
}

fn main() {
    let cameras = [
        Camera {
            R: yaw(0.0),
            t: matrix![0.0; 0.0; -5.0],
        },
        Camera {
            R: yaw(0.3),
            t: matrix![-1.0; 0.2; -5.5],
        },
        Camera {
            R: yaw(-0.25),
            t: matrix![1.2; -0.3; -4.8],
        },
    ];
    let mut rng = Rng::new(11);
    let truth: Vec<Vector<U3>> = (0..4).map(|_| rng.matrix(-1.0, 1.0)).collect();
    let observations: Vec<Vec<Vector<U2>>> = truth
        .iter()
        .map(|p| {
            cameras
                .iter()
                .map(|c| c.residual(p, &Matrix::zeros()))
                .collect()
        })
        .collect();

    // The derived Jacobian against finite differences, at a point off the truth.
    let probe = truth[0] + matrix![0.1; -0.2; 0.05];
    let (_, j) = cameras[1].residual_jacobian(&probe, &observations[0][1]);
    let fd = fd_jacobian(&cameras[1], &probe, &observations[0][1]);
    let diff = j.max_abs_diff(&fd);
    println!("Jacobian check: largest |derived − finite difference| = {diff:.1e}");
    assert!(
        diff < 1e-7,
        "Jacobian disagrees with finite differences by {diff:e}"
    );

    for (k, (p_true, obs)) in truth.iter().zip(&observations).enumerate() {
        let mut p = p_true + matrix![0.3; -0.3; 0.3];
        let mut steps = 0;
        for step in 1..=20 {
            // Normal equations of the stacked residuals: (Σ JᵀJ) δ = −Σ Jᵀ r.
            let mut jtj = Matrix::<U3, U3>::zeros();
            let mut jtr = Matrix::<U3, U1>::zeros();
            for (cam, o) in cameras.iter().zip(obs) {
                let (r, j) = cam.residual_jacobian(&p, o);
                jtj += j.t() * j;
                jtr += j.t() * r;
            }
            let delta = -solve(&jtj, &jtr);
            p += delta;
            steps = step;
            if delta.norm() < 1e-12 {
                break;
            }
        }
        let error = (p - p_true).norm();
        println!("point {k}: recovered to {error:.1e} in {steps} Gauss–Newton steps");
        assert!(error < 1e-9, "point {k} not recovered: error {error:e}");
    }
}
