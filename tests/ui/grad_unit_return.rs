// `-> ()` used to be accepted and to fail inside the generated code. Now: an error at `()`.
use matcalc::prelude::*;

#[grad(s)]
fn f(s: f64) -> () {
    s * s
}

fn main() {}
