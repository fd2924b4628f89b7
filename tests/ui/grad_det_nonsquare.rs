// The determinant of a 2×3 product.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>, A: &Matrix<U2, U2>) -> f64 {
    det(A * X.t())
}

fn main() {}
