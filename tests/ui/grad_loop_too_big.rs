// Unrolling is capped: a loop beyond the limit is an error at the loop, not a hang.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> f64 {
    let mut s = x;
    for _ in 0..100000 {
        s = 0.5 * (A * x + s);
    }
    sum(s)
}

fn main() {}
