// The body has an error, and `f_grad` is used elsewhere in the crate: only the real error is
// shown, the use still type-checks (the generated signature is emitted anyway).
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U2>, A: &Matrix<U3, U3>) -> f64 {
    tr(A * X)
}

fn main() {
    let x = Matrix::<U3, U2>::ones();
    let a = Matrix::<U3, U3>::identity();
    let (value, gradient): (f64, Matrix<U3, U2>) = f_grad(&x, &a);
    let _ = (value, gradient, f(&x, &a));
}
