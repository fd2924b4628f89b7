// Three independent shape problems in one function: all of them are reported, each at its
// sub-expression.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>, y: &Vector<U3>) -> f64 {
    let a = tr(X);
    let b = sum(X * y);
    a + b + det(X.t())
}

fn main() {}
