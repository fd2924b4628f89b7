// vec of a 2×3 matrix has 6 entries; it cannot be read back as 2×2.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U2, U3> = Matrix::ones();
    let _b = a.vec().unvec::<U2, U2>();
}
