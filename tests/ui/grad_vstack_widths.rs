// `vstack` of a 2×3 and a 2×2 matrix: the widths differ; the error names both shapes.
use matcalc::prelude::*;

#[grad(A)]
fn f(A: &Matrix<U2, U3>, B: &Matrix<U2, U2>) -> f64 {
    sum(vstack(A, B))
}

fn main() {}
