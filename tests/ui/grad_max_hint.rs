// `max` has no derivative where its arguments are equal: the error says what to write instead.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: f64, y: f64) -> f64 {
    x.max(y) * 2.0
}

fn main() {}
