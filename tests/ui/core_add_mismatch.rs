// Adding a 2×3 matrix to a 3×2 matrix.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U2, U3> = Matrix::ones();
    let b: Matrix<U3, U2> = Matrix::ones();
    let _c = a + b;
}
