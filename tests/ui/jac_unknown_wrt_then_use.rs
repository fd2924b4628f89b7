// `#[jacobian(X, Z)]` names an unknown parameter, and `f_jacobian` is used: only the unknown
// name is reported.
use matcalc::prelude::*;

#[jacobian(X, Z)]
fn f(X: &Matrix<U2, U3>, B: &Matrix<U3, U2>) -> Matrix<U2, U2> {
    X * B
}

fn main() {
    let x = Matrix::<U2, U3>::ones();
    let b = Matrix::<U3, U2>::ones();
    let _ = f_jacobian(&x, &b);
    let _ = f(&x, &b);
}
