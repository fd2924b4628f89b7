// `if` is outside the DSL.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: f64) -> f64 {
    if x > 0.0 { x } else { -x }
}

fn main() {}
