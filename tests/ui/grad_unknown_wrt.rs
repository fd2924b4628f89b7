// `#[grad(Q)]` names no parameter.
use matcalc::prelude::*;

#[grad(Q)]
fn f(X: &Matrix<U3, U3>, y: &Vector<U3>) -> f64 {
    y.t() * X * y
}

fn main() {}
