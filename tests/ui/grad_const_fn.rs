// A `const fn` cannot call the run-time numerics the generated code uses. Now: an error at
// `const`.
use matcalc::prelude::*;

#[grad(s)]
const fn f(s: f64) -> f64 {
    s * s
}

fn main() {}
