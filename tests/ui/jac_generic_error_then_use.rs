// A generic function whose body has an error (`logdet` of an M×N matrix), with `f_jacobian`
// used elsewhere: only the real error is shown; the generic signature still type-checks.
use matcalc::prelude::*;

#[jacobian(X, A)]
fn f<M: Dim, N: Dim>(X: &Matrix<M, N>, A: &Matrix<N, M>) -> Matrix<M, M> {
    X * A * logdet(X)
}

fn main() {
    let x = Matrix::<U3, U2>::ones();
    let a = Matrix::<U2, U3>::ones();
    let (value, jx, ja): (Matrix<U3, U3>, Matrix<U9, U6>, Matrix<U9, U6>) = f_jacobian(&x, &a);
    let _ = (value, jx, ja);
}
