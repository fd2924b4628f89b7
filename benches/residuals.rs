//! Scalar-heavy residuals of issue 10, generated vs hand-written, side by side in one run:
//!
//! - a bundle-adjustment reprojection residual r = (−p₀/p₂, −p₁/p₂) − o with its 2×3 Jacobian;
//! - an SE(2) pose-graph edge e = (R(θₐ)ᵀ(t_b − t_a) − z_t, θ_b − θ_a − z_θ) with its two 3×3
//!   Jacobians.
//!
//! matcalc derives both from entries assembled with `matrix![..]` (`#[jacobian]`); the hand
//! versions are what one writes with nalgebra's fixed-size types and scalar arithmetic.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use nalgebra::{Matrix2x3, Matrix3, Vector2, Vector3};

mod common;
use common::{compare, config};

#[allow(non_snake_case)]
mod generated {
    use matcalc::prelude::*;

    #[jacobian(p)]
    pub fn reprojection(p: &Vector<U3>, o: &Vector<U2>) -> Vector<U2> {
        matrix![-p[0] / p[2] - o[0]; -p[1] / p[2] - o[1]]
    }

    #[jacobian(a, b)]
    pub fn se2_edge(a: &Vector<U3>, b: &Vector<U3>, z: &Vector<U3>) -> Vector<U3> {
        let c = cos(a[2]);
        let s = sin(a[2]);
        let dx = b[0] - a[0];
        let dy = b[1] - a[1];
        matrix![c * dx + s * dy - z[0]; c * dy - s * dx - z[1]; b[2] - a[2] - z[2]]
    }
}

fn reprojection_hand(p: &Vector3<f64>, o: &Vector2<f64>) -> (Vector2<f64>, Matrix2x3<f64>) {
    let (x, y, z) = (p.x, p.y, p.z);
    let iz = 1.0 / z;
    let r = Vector2::new(-x * iz - o.x, -y * iz - o.y);
    let iz2 = iz * iz;
    let j = Matrix2x3::new(-iz, 0.0, x * iz2, 0.0, -iz, y * iz2);
    (r, j)
}

#[allow(clippy::type_complexity)]
fn se2_edge_hand(
    a: &Vector3<f64>,
    b: &Vector3<f64>,
    z: &Vector3<f64>,
) -> (Vector3<f64>, Matrix3<f64>, Matrix3<f64>) {
    let (s, c) = a.z.sin_cos();
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let e = Vector3::new(
        c * dx + s * dy - z.x,
        c * dy - s * dx - z.y,
        b.z - a.z - z.z,
    );
    let ja = Matrix3::new(
        -c,
        -s,
        c * dy - s * dx,
        s,
        -c,
        -s * dy - c * dx,
        0.0,
        0.0,
        -1.0,
    );
    let jb = Matrix3::new(c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0);
    (e, ja, jb)
}

fn residuals(c: &mut Criterion) {
    use matcalc::prelude::*;
    let p: Vector<U3> = matrix![0.3; -0.7; -4.5];
    let o: Vector<U2> = matrix![0.05; -0.1];
    let (pn, on) = (Vector3::new(0.3, -0.7, -4.5), Vector2::new(0.05, -0.1));
    // 3: the size of the point or pose, the `n` of `scripts/bench-report`'s table.
    compare!(
        c,
        "reprojection-2x3-jacobian",
        3,
        "matcalc" => || generated::reprojection_jacobian(black_box(&p), black_box(&o)),
        "nalgebra-static" => || reprojection_hand(black_box(&pn), black_box(&on)),
    );

    let a: Vector<U3> = matrix![0.5; -0.2; 0.4];
    let b: Vector<U3> = matrix![1.4; 0.6; 0.9];
    let z: Vector<U3> = matrix![0.9; 0.5; 0.45];
    let (an, bn, zn) = (
        Vector3::new(0.5, -0.2, 0.4),
        Vector3::new(1.4, 0.6, 0.9),
        Vector3::new(0.9, 0.5, 0.45),
    );
    compare!(
        c,
        "se2-edge-3x3-jacobians",
        3,
        "matcalc" => || generated::se2_edge_jacobian(black_box(&a), black_box(&b), black_box(&z)),
        "nalgebra-static" => || se2_edge_hand(black_box(&an), black_box(&bn), black_box(&zn)),
    );
}

criterion_group! {
    name = benches;
    config = config();
    targets = residuals
}
criterion_main!(benches);
