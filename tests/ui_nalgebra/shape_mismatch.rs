use matcalc::prelude::*;
use nalgebra::SMatrix;

#[grad(X)]
fn bad(X: &SMatrix<f64, 3, 3>, Y: &SMatrix<f64, 2, 3>) -> f64 {
    sum(X * Y)
}

fn main() {}
