use matcalc::prelude::*;
use nalgebra::{DMatrix, SMatrix};

// `A * X` makes X 3 rows tall, so `A * X + B` adds a 3×… matrix to a 2×2 one.
#[grad(X)]
fn bad(X: &DMatrix<f64>, A: &SMatrix<f64, 3, 3>, B: &SMatrix<f64, 2, 2>) -> f64 {
    sum(A * X + B)
}

fn main() {}
