// Functions calling each other in a cycle: an error at the call that closes it, not a hang.
use matcalc::prelude::*;

#[matcalc::function]
fn even(x: f64) -> f64 {
    1.0 + odd(x)
}

#[matcalc::function]
fn odd(x: f64) -> f64 {
    x * even(x)
}

#[grad(x)]
fn f(x: f64) -> f64 {
    even(x)
}

fn main() {
    let _ = f_grad(1.0);
}
