// The body uses a name that is neither a parameter nor a `let`.
use matcalc::prelude::*;

#[jacobian(X)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    X * z
}

fn main() {}
