// A `#[grad]` function without a return type.
use matcalc::prelude::*;

#[grad(X)]
fn f(X: &Matrix<U3, U3>) {
    tr(X)
}

fn main() {}
