// The body has a shape error and `f_hessian` is used elsewhere in the crate: only the real error
// is shown; the use still type-checks (the generated signature is emitted anyway).
use matcalc::prelude::*;

#[hessian(x)]
fn f(x: &Vector<U3>, A: &Matrix<U2, U3>) -> f64 {
    x.t() * A * x
}

fn main() {
    let x = Vector::<U3>::ones();
    let a = Matrix::<U2, U3>::zeros();
    let (value, gradient, hessian): (f64, Vector<U3>, Matrix<U3, U3>) = f_hessian(&x, &a);
    let _ = (value, gradient, hessian);
}
