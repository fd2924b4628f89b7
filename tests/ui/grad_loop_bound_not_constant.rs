// A loop is unrolled at expansion: its bound must be known then.
use matcalc::prelude::*;

#[grad(x)]
fn f<N: Dim>(x: &Vector<N>) -> f64 {
    let mut s = 0.0;
    for t in 0..N {
        s = s + x[t];
    }
    s
}

#[grad(x)]
fn g(x: &Vector<U3>, n: f64) -> f64 {
    let mut s = 0.0;
    for _ in 0..n {
        s = s + sum(x);
    }
    s
}

fn main() {}
