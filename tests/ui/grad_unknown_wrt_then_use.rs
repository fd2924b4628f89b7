// `#[grad(Q)]` names no parameter, and `f_grad` is used: only the real error is shown.
use matcalc::prelude::*;

#[grad(Q)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    tr(X)
}

fn main() {
    let _ = f_grad(&Matrix::<U3, U3>::identity());
}
