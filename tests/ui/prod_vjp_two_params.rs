// A vjp is with respect to ONE parameter (its result has that parameter's shape); two are given.
use matcalc::prelude::*;

#[vjp(W, x)]
fn layer(W: &Matrix<U3, U2>, x: &Vector<U2>) -> Vector<U3> {
    tanh(W * x)
}

fn main() {}
