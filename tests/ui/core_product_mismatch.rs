// A 3×3 matrix times a 2×3 matrix: the inner dimensions (3 and 2) differ.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U3, U3> = Matrix::identity();
    let b: Matrix<U2, U3> = Matrix::ones();
    let _c = a * b;
}
