// H v needs a scalar body; this one is a 3×1 vector.
use matcalc::prelude::*;

#[hvp(x)]
fn f(W: &Matrix<U3, U2>, x: &Vector<U2>) -> Vector<U3> {
    tanh(W * x)
}

fn main() {}
