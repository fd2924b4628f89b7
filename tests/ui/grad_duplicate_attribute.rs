// The same attribute twice would define `f_grad` twice (E0428 inside generated code). Now: an
// error at the second attribute.
use matcalc::prelude::*;

#[grad(s)]
#[grad(t)]
fn f(s: f64, t: f64) -> f64 {
    s * t
}

fn main() {}
