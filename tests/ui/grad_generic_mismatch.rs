// Generic shapes: X is M×K and Y is N×K, so `X * Y` needs K = N, which is not known.
use matcalc::prelude::*;

#[grad(X)]
fn f<M: Dim, N: Dim, K: Dim>(X: &Matrix<M, K>, Y: &Matrix<N, K>) -> f64 {
    sum(X * Y)
}

fn main() {}
