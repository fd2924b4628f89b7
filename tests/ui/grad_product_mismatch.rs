// `X * Y` with X 3×3 and Y 2×3: the inner dimensions (3 and 2) differ.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>, Y: &Matrix<U2, U3>) -> f64 {
    sum(X * Y)
}

fn main() {}
