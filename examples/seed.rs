//! The question matcalc was born from (reference §6): X is 3×3 and y is 3×2; what is ∂(X y)/∂X?
//!
//! Answer: ∂vec(X y)/∂(vec X)ᵀ = yᵀ ⊗ I₃, a 6×9 matrix, derived here at compile time by
//! `#[jacobian(X)]`. Its row for output (1,1), reshaped like X, is
//! [[y11, y21, y31], [0, 0, 0], [0, 0, 0]]. For the scalar φ = sum(X y) = 𝟙 : X y the gradient
//! is ∂φ/∂X = 𝟙 yᵀ, derived by `#[grad(X)]`.
//!
//! Every derived number is checked against central finite differences.

use matcalc::prelude::*;

/// F(X) = X y, the seed question.
#[jacobian(X)]
fn product(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> Matrix<U3, U2> {
    X * y
}

/// φ(X) = sum(X y): the scalar version of the seed question.
#[grad(X)]
fn phi(X: &Matrix<U3, U3>, y: &Matrix<U3, U2>) -> f64 {
    sum(X * y)
}

/// Central finite difference of `f` with respect to entry (k, l) of X.
fn fd<F: Fn(&Matrix<U3, U3>) -> Matrix<U3, U2>>(
    f: F,
    x: &Matrix<U3, U3>,
    k: usize,
    l: usize,
) -> Matrix<U3, U2> {
    let h = 1e-6;
    let (mut plus, mut minus) = (*x, *x);
    plus[(k, l)] += h;
    minus[(k, l)] -= h;
    (f(&plus) - f(&minus)) / (2.0 * h)
}

fn main() {
    let x = matrix![
        1.0, 2.0, 3.0;
        4.0, 5.0, 6.0;
        7.0, 8.0, 10.0
    ];
    let y = matrix![
        0.5, -1.0;
        2.0, 0.25;
        -1.5, 3.0
    ];
    println!("X =\n{x}");
    println!("y =\n{y}");

    // The Jacobian, derived at compile time: J[(i + 3j, k + 3l)] = ∂(X y)[(i, j)] / ∂X[(k, l)].
    let (value, jacobian) = product_jacobian(&x, &y);
    println!("X y =\n{value}");
    println!("derived by #[jacobian(X)]: {}", PRODUCT_JACOBIAN_FORMULA);
    println!("{jacobian}");

    let mut jacobian_fd = Matrix::<U6, U9>::zeros();
    for l in 0..3 {
        for k in 0..3 {
            let column = fd(|x| x * y, &x, k, l).vec();
            for row in 0..6 {
                jacobian_fd[(row, k + 3 * l)] = column[(row, 0)];
            }
        }
    }
    let by_hand = y.t().kron(&Matrix::<U3, U3>::identity());
    println!(
        "largest difference from central finite differences: {:.1e}; from yᵀ ⊗ I₃ built with kron: {:.1e}",
        jacobian.max_abs_diff(&jacobian_fd),
        jacobian.max_abs_diff(&by_hand)
    );
    assert!(jacobian.approx_eq(&jacobian_fd, 1e-6, 1e-6));
    assert!(jacobian.approx_eq(&by_hand, 0.0, 1e-15));

    // Row 0 of J is output (1,1) = Σ_k X[(0,k)] y[(k,0)]. Reshaped like X, entry (k, l) says how
    // (X y)₁₁ changes with X[(k, l)]: only X's first row matters, with weights y's first column.
    let row: Matrix<U3, U3> = Matrix::from_fn(|k, l| jacobian[(0, k + 3 * l)]);
    println!(
        "row for output (1,1), reshaped like X (= [[y11, y21, y31], [0, 0, 0], [0, 0, 0]]):\n{row}"
    );
    println!(
        "entry (1, l) is ∂(X y)₁₁/∂X₁ₗ = y_l1: (X y)₁₁ = X₁₁ y₁₁ + X₁₂ y₂₁ + X₁₃ y₃₁ uses only row 1 of X.\n"
    );
    let expected = matrix![
        y[(0, 0)], y[(1, 0)], y[(2, 0)];
        0.0, 0.0, 0.0;
        0.0, 0.0, 0.0
    ];
    assert_eq!(row, expected);

    // The gradient of φ = sum(X y), derived at compile time by #[grad(X)].
    let (value, gradient) = phi_grad(&x, &y);
    let gradient_fd = Matrix::<U3, U3>::from_fn(|k, l| fd(|x| x * y, &x, k, l).sum());
    println!("φ = sum(X y) = {value}");
    println!("derived by #[grad(X)]: {}", PHI_GRAD_FORMULA);
    println!("{gradient}");
    println!("central finite differences =\n{gradient_fd:.6}");
    println!(
        "largest difference: {:.1e}",
        gradient.max_abs_diff(&gradient_fd)
    );
    assert!(gradient.approx_eq(&gradient_fd, 1e-6, 1e-6));
}
