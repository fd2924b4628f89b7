// An index must be an integer literal (or `+ - *` of them): a float is not one.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    X[(0, 1.5)] * tr(X)
}

fn main() {}
