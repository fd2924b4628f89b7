// Only `for t in 0..K` loops are unrolled.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U3>) -> f64 {
    let mut s = x;
    while norm(s) > 1.0 {
        s = 0.5 * s;
    }
    sum(s)
}

fn main() {}
