// A 2×2 view at (2, 0) of a 3×3 matrix reaches row 3: the error names the block and the shape.
use matcalc::prelude::*;

#[grad(A)]
fn f(A: &Matrix<U3, U3>) -> f64 {
    tr(A.fixed_view::<2, 2>(2, 0))
}

fn main() {}
