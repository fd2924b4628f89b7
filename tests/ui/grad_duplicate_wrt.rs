use matcalc::prelude::*;

#[grad(X, X)]
fn f(X: &Matrix<U3, U3>) -> f64 {
    tr(X)
}

fn main() {
    let _ = f_grad;
}
