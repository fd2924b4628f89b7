// A Hessian needs a scalar body; this one is a 3-vector.
use matcalc::prelude::*;

#[hessian(x)]
fn f(x: &Vector<U3>, A: &Matrix<U3, U3>) -> Vector<U3> {
    tanh(A * x)
}

fn main() {}
