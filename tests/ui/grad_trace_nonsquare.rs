// The trace of a 3×2 matrix.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>) -> f64 {
    tr(X)
}

fn main() {}
