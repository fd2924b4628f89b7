// The body has a shape error and `f_vjp` / `f_hvp` are used elsewhere in the crate: only the
// real error is shown; the uses still type-check, direction parameter included.
use matcalc::prelude::*;

#[vjp(X)]
#[jvp(X)]
fn f(X: &Matrix<U3, U3>, y: &Matrix<U2, U2>) -> Matrix<U3, U2> {
    X * y
}

#[hvp(x)]
fn g(x: &Vector<U3>, v: &Vector<U2>) -> f64 {
    dot(x, v)
}

fn main() {
    let x = Matrix::<U3, U3>::identity();
    let y = Matrix::<U2, U2>::ones();
    let u = Matrix::<U3, U2>::ones();
    let (value, bar): (Matrix<U3, U2>, Matrix<U3, U3>) = f_vjp(&x, &y, &u);
    let (_, df): (Matrix<U3, U2>, Matrix<U3, U2>) = f_jvp(&x, &y, &x);
    let w = Vector::<U3>::ones();
    let v = Vector::<U2>::ones();
    let (_, _, hv): (f64, Vector<U3>, Vector<U3>) = g_hvp(&w, &v, &w);
    let _ = (value, bar, df, hv);
}
