// Three problems outside the DSL in one function: all of them are reported.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>) -> f64 {
    let a = trace(X.t() * X);
    let b = X[(0, 1)] as f64;
    a + b + norm(W)
}

fn main() {}
