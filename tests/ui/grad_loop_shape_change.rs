// An assignment keeps the shape of its binding: both shapes are named.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U3>, A: &Matrix<U2, U3>) -> f64 {
    let mut s = x;
    for _ in 0..4 {
        s = A * s;
    }
    sum(s)
}

fn main() {}
