// Outside data (a typed `let` of a Rust expression) that reads the differentiated parameter:
// the derivative would miss that path, so it is an error at the parameter's token.
use matcalc::prelude::*;

fn double(m: &Matrix<U2, U2>) -> Matrix<U2, U2> {
    *m * 2.0
}

#[grad(W)]
fn f(W: &Matrix<U2, U2>) -> f64 {
    let D: Matrix<U2, U2> = double(W);
    sum(hadamard(D, W))
}

fn main() {}
