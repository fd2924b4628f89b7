// `#[grad]` without the parameters to differentiate with respect to.
use matcalc::prelude::*;

#[grad]
fn f(X: &Matrix<U3, U3>) -> f64 {
    tr(X)
}

fn main() {}
