// An f32 matrix and an f64 matrix in one function.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3, f32>, Y: &Matrix<U3, U3>) -> f32 {
    sum(X * Y)
}

fn main() {}
