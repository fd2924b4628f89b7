// `#[grad]` of a matrix-valued body.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    X * y
}

fn main() {}
