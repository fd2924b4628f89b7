use matcalc::prelude::*;
use nalgebra::{DMatrix, DVector, SVector};

// The fallback beside the error has nalgebra types too, so only the shape error shows.
#[hessian(x)]
fn bad(x: &DVector<f64>, A: &DMatrix<f64>, b: &SVector<f64, 2>) -> f64 {
    x.t() * A * x + dot(x, b) + sum(A * b.t())
}

fn main() {
    let (_, _, _h): (f64, DVector<f64>, DMatrix<f64>) =
        bad_hessian(&DVector::zeros(2), &DMatrix::zeros(2, 2), &SVector::zeros());
}
