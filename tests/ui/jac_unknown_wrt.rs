// `Q` is not a parameter.
use matcalc::prelude::*;

#[jacobian(Q)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    X * y
}

fn main() {}
