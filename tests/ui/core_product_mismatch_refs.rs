// The same mismatch through references, and a chain whose second product is wrong.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U3, U2> = Matrix::ones();
    let b: Matrix<U3, U2> = Matrix::ones();
    let _c = &a * &b;
    let x: Vector<U3> = Matrix::ones();
    let _d = x.t() * a * x;
}
