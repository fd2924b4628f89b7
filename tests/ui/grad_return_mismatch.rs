// The body is 3×2 but the declared return type is `f64`.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> f64 {
    X * y
}

fn main() {}
