// A Hessian is over vec of ONE parameter; two are given.
use matcalc::prelude::*;

#[hessian(x, y)]
fn f(x: &Vector<U3>, y: &Vector<U3>) -> f64 {
    dot(x, y)
}

fn main() {}
