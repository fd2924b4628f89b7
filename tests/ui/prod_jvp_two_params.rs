// A jvp has one direction, of one parameter's shape; two parameters are given.
use matcalc::prelude::*;

#[jvp(W, x)]
fn layer(W: &Matrix<U3, U2>, x: &Vector<U2>) -> Vector<U3> {
    tanh(W * x)
}

fn main() {}
