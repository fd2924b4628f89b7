//! A single attention head, `softmax_rows(Q Kᵀ / √d) V`, with the gradient of a squared error
//! in the queries, keys and values and the Jacobian of the output in the values, all derived at
//! compile time and checked against finite differences. Each row of the attention weights is a
//! softmax over the keys (sums to 1), which `softmax_rows` states; `softmax` of the whole
//! matrix is a compile error.

mod common;

use common::{check_gradient, Rng};
use matcalc::prelude::*;

/// n = 4 tokens, d = 3 dimensions per query/key, 2 per value.
#[grad(Q, K, V)]
fn loss(Q: &Matrix<U4, U3>, K: &Matrix<U4, U3>, V: &Matrix<U4, U2>, T: &Matrix<U4, U2>) -> f64 {
    let A = softmax_rows(Q * K.t() / sqrt(3.0));
    norm_sq(A * V - T)
}

#[jacobian(V)]
fn head(Q: &Matrix<U4, U3>, K: &Matrix<U4, U3>, V: &Matrix<U4, U2>) -> Matrix<U4, U2> {
    softmax_rows(Q * K.t() / sqrt(3.0)) * V
}

fn main() {
    let mut rng = Rng::new(5);
    let (q, k): (Matrix<U4, U3>, Matrix<U4, U3>) = (rng.matrix(-1.0, 1.0), rng.matrix(-1.0, 1.0));
    let v: Matrix<U4, U2> = rng.matrix(-1.0, 1.0);
    let target: Matrix<U4, U2> = rng.matrix(-1.0, 1.0);

    let weights = (q * k.t() / 3.0_f64.sqrt()).softmax_rows();
    for i in 0..4 {
        let row_sum: f64 = (0..4).map(|j| weights[(i, j)]).sum();
        assert!(
            (row_sum - 1.0).abs() < 1e-12,
            "row {i} of the weights sums to {row_sum}"
        );
    }

    let (value, gq, gk, gv) = loss_grad(&q, &k, &v, &target);
    println!("loss = {value:.6}");
    check_gradient("∂L/∂Q", &gq, |q| loss(q, &k, &v, &target), &q);
    check_gradient("∂L/∂K", &gk, |k| loss(&q, k, &v, &target), &k);
    check_gradient("∂L/∂V", &gv, |v| loss(&q, &k, v, &target), &v);

    // The output is linear in V: ∂vec(A V)/∂(vec V)ᵀ = I₂ ⊗ A.
    let (_, j) = head_jacobian(&q, &k, &v);
    let want = Matrix::<U2, U2>::identity().kron(&weights);
    let diff = j.max_abs_diff(&want);
    println!("Jacobian ∂vec(out)/∂(vec V)ᵀ vs I₂ ⊗ A: largest difference {diff:.1e}");
    assert!(diff < 1e-12);
}
