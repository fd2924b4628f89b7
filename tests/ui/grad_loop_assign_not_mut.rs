// Only a `let mut` binding can be updated in a loop.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    let s = x;
    for _ in 0..4 {
        s = A * s;
    }
    sum(s)
}

fn main() {}
