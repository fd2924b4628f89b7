// A Hessian function without a return type.
use matcalc::prelude::*;

#[hessian(x)]
fn f(x: &Vector<U3>) {
    norm_sq(x)
}

fn main() {}
