// logdet of X Xᵀ is fine (3×3), of Xᵀ alone is not (2×3).
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>) -> f64 {
    logdet(X * X.t()) + logdet(X.t())
}

fn main() {}
