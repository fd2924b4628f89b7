// A shape error inside a `#[jacobian]` body: X is 3×2, so X * X does not multiply.
use matcalc::prelude::*;

#[jacobian(X)]
fn f(X: &Matrix<U3, U2>, A: &Matrix<U3, U3>) -> Matrix<U3, U2> {
    A * X + X * X
}

fn main() {}
