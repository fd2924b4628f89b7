// `Z` is neither a parameter nor a `let`.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    let y = tr(X);
    y * tr(Z)
}

fn main() {}
