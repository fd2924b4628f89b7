// An inner attribute in the body used to be moved before the generated functions, where it is
// invalid. Now: an error at the attribute.
use matcalc::prelude::*;

#[grad(s)]
fn f(s: f64) -> f64 {
    #![allow(unused_variables)]
    s * s
}

fn main() {}
