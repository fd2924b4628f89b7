// A loop whose body updates no `let mut` binding computes nothing.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    let mut s = x;
    for _ in 0..4 {
        let y = A * s;
    }
    sum(s)
}

fn main() {}
