// `X + Y` with X 3×2 and Y 2×3.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>, Y: &Matrix<U2, U3>) -> f64 {
    sum(X + Y)
}

fn main() {}
