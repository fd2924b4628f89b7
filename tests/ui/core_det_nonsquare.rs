// Determinant and log-determinant of a 2×3 matrix.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U2, U3> = Matrix::ones();
    let _d = a.det();
    let _l = logdet(a);
}
