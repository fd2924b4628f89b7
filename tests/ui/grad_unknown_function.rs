// `frobnicate` is not a DSL function.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    sum(frobnicate(X))
}

fn main() {}
