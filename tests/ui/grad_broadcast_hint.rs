// A vector plus a matrix does not broadcast: the error suggests `b * ones().t()`.
use matcalc::prelude::*;

#[grad(W)]
fn f(W: &Matrix<U3, U4>, b: &Vector<U3>) -> f64 {
    sum(W + b)
}

fn main() {}
