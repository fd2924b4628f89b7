// `#[grad(1)]`: the attribute takes parameter names.
use matcalc::prelude::*;

#[grad(1)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    tr(X)
}

fn main() {}
