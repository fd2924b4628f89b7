// A loop is outside the DSL.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    let s = 0.0;
    for _ in 0..3 {}
    s + tr(X)
}

fn main() {}
