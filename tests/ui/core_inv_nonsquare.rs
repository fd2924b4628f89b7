// The inverse of a 3×2 matrix.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U3, U2> = Matrix::ones();
    let _i = inv(&a);
}
