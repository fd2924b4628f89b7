// A closure is outside the DSL.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    let g = |a: f64| a * 2.0;
    tr(X)
}

fn main() {}
