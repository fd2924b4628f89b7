// A Jacobian function without a return type.
use matcalc::prelude::*;

#[jacobian(X)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) {
    X * y
}

fn main() {}
