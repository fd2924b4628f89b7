// A generic Hessian whose body has an error (`det` of an M×N matrix), with `f_hessian` used
// elsewhere: only the real error is shown; the (M·N)×(M·N) Hessian type still type-checks.
use matcalc::prelude::*;

#[hessian(X)]
fn f<M: Dim, N: Dim>(X: &Matrix<M, N>) -> f64 {
    det(X) + norm_sq(X)
}

fn main() {
    let x = Matrix::<U2, U3>::ones();
    let (value, gradient, hessian): (f64, Matrix<U2, U3>, Matrix<U6, U6>) = f_hessian(&x);
    let _ = (value, gradient, hessian);
}
