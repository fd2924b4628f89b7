// The trace of a 2×3 matrix, as a method and as a DSL function.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U2, U3> = Matrix::ones();
    let _t = a.tr();
    let _u = tr(&a);
}
