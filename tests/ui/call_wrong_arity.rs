// A call with the wrong number of arguments names the callee's parameters.
use matcalc::prelude::*;

#[matcalc::function]
fn scale(x: &Vector<U3>, s: f64) -> Vector<U3> {
    s * x
}

#[grad(x)]
fn f(x: &Vector<U3>) -> f64 {
    sum(scale(x))
}

fn main() {
    let _ = f_grad(&Matrix::zeros());
}
