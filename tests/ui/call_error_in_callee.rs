// A DSL error inside a marked function is reported there, once; its caller does not add errors
// beyond saying that the callee has errors.
use matcalc::prelude::*;

#[matcalc::function]
fn bad(A: &Matrix<U2, U3>) -> f64 {
    tr(A)
}

#[grad(A)]
fn f(A: &Matrix<U2, U3>) -> f64 {
    2.0 * bad(A)
}

fn main() {
    let _ = f_grad(&Matrix::zeros());
}
