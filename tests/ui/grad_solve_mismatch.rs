// `solve(A, B)` needs B to have as many rows as A; `cholesky` a square matrix.
use matcalc::prelude::*;

#[grad(A)]
fn f(A: &Matrix<U3, U3>, B: &Matrix<U2, U2>, C: &Matrix<U3, U2>) -> f64 {
    sum(solve(A, B)) + sum(cholesky(C))
}

fn main() {}
