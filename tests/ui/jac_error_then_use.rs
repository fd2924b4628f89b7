// The body has a shape error and `f_jacobian` is used elsewhere in the crate: only the real error
// is shown; the use still type-checks (the Jacobian's type comes from the declared shapes).
use matcalc::prelude::*;

#[jacobian(X)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U2, U2>) -> Matrix<U3, U2> {
    X * y
}

fn main() {
    let x = Matrix::<U3, U3>::identity();
    let y = Matrix::<U2, U2>::ones();
    let (value, jacobian): (Matrix<U3, U2>, Matrix<U6, U9>) = f_jacobian(&x, &y);
    let _ = (value, jacobian);
}
