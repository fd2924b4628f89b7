// Assorted shape errors: elementwise ops on different shapes, square-only ops on a 2×3
// matrix, diag of a non-vector, unvec of a non-vector, to_scalar of a non-1×1 matrix.
use matcalc_core::prelude::*;

fn main() {
    let a: Matrix<U2, U3> = Matrix::ones();
    let b: Matrix<U3, U2> = Matrix::ones();
    let _ = a - b;
    let _ = hadamard(&a, &b);
    let _ = a.elem_div(&b);
    let _ = dot(a, b);
    let mut c = a;
    c += b;
    let _ = matpow(a, 2);
    let _ = a.diagonal();
    let _ = a.lu();
    let _ = diag(a);
    let _ = a.unvec::<U3, U2>();
    let _ = a.to_scalar();
}
