// `x[3]` of a 3-vector: the error is at the index and names the shape and the valid range.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U3>) -> f64 {
    x[0] * x[3]
}

fn main() {}
