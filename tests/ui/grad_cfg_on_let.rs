// An attribute on a statement cannot be honoured by the macro (it cannot evaluate `#[cfg]`);
// it used to be ignored silently, computing 2·tr(A). Now: an error at the attribute.
use matcalc::prelude::*;

#[grad(A)]
fn f(A: &Matrix<U2, U2>) -> f64 {
    #[cfg(any())]
    let A = A * 2.0;
    tr(A)
}

fn main() {}
