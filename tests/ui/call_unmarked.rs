// A DSL body calls a function that is not marked: the error at the call says how to mark it.
use matcalc::prelude::*;

fn double(m: &Matrix<U2, U2>) -> Matrix<U2, U2> {
    *m * 2.0
}

#[grad(W)]
fn f(W: &Matrix<U2, U2>) -> f64 {
    sum(double(W))
}

fn main() {
    let _ = f_grad(&Matrix::zeros());
}
