//! The committed expansion `examples/expanded/seed.rs` is real code: included here, it compiles
//! and computes (value, 𝟙yᵀ). If the snapshot goes stale and stops compiling, regenerate it with
//! `MATCALC_BLESS=1 cargo test --test expanded_snapshot` (a separate test target, so it still
//! builds).

mod expanded {
    // Generated code, seen by clippy as source here (in a real expansion it is macro output).
    #![allow(dead_code, clippy::all)]
    use matcalc::prelude::*;
    include!("../examples/expanded/seed.rs");

    pub fn run(x: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> (f64, f64, Matrix<U3, U3>) {
        let (value, gradient) = phi_grad(x, y);
        (phi(x, y), value, gradient)
    }
}

use matcalc::prelude::*;

#[test]
fn the_snapshot_compiles_and_is_right() {
    let x = Matrix::<U3, U3>::from_fn(|i, j| (i as f64 + 1.0) * 0.3 - j as f64 * 0.7);
    let y = Matrix::<U3, U2>::from_fn(|i, j| (i * 2 + j) as f64 * 0.25 - 0.5);
    let (original, value, gradient) = expanded::run(&x, &y);
    let expected = (x * y).sum();
    assert!((original - expected).abs() < 1e-12);
    assert!((value - expected).abs() < 1e-12);
    let closed_form = Matrix::<U3, U2>::ones() * y.t();
    assert!(
        gradient.approx_eq(&closed_form, 1e-12, 1e-12),
        "{gradient}\n{closed_form}"
    );
}
