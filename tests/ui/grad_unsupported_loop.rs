// A loop whose body assigns no `let mut` binding computes nothing: an error at the loop.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    let s = 0.0;
    for _ in 0..3 {}
    s + tr(X)
}

fn main() {}
