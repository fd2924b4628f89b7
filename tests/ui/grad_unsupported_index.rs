// Indexing is outside the DSL.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    X[(0, 0)] * tr(X)
}

fn main() {}
