// Loops run over `0..K`.
use matcalc::prelude::*;

#[grad(x)]
fn f(x: &Vector<U4>) -> f64 {
    let mut s = 0.0;
    for t in 1..4 {
        s = s + x[t] * x[t - 1];
    }
    s
}

fn main() {}
