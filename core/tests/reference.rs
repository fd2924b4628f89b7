//! Every matrix operation against a naive index-loop reference, on random inputs of several
//! shapes (square and not, including a zero dimension), through the public API only.

// Borrowed operands are deliberate: every owned/borrowed operator combination is under test.
#![allow(clippy::op_ref)]

mod common;

use common::{naive_product, random, Rng};
use matcalc_core::prelude::*;

fn check_shape<R, C: Dim>(rng: &mut Rng)
where
    R: Dim + core::ops::Mul<C>,
    Prod<R, C>: Dim,
{
    let a = random::<R, C>(rng);
    let b = random::<R, C>(rng);
    let s = rng.uniform();
    let (m, n) = (R::USIZE, C::USIZE);
    for i in 0..m {
        for j in 0..n {
            let (x, y) = (a[(i, j)], b[(i, j)]);
            assert_eq!((&a + &b)[(i, j)], x + y);
            assert_eq!((&a - &b)[(i, j)], x - y);
            assert_eq!((-&a)[(i, j)], -x);
            assert_eq!((&a * s)[(i, j)], x * s);
            assert_eq!((s * &a)[(i, j)], s * x);
            assert_eq!((&a / s)[(i, j)], x / s);
            assert_eq!(a.t()[(j, i)], x);
            assert_eq!(hadamard(&a, &b)[(i, j)], x * y);
            assert_eq!(elem_div(&a, &b)[(i, j)], x / y);
            assert_eq!(vec(&a)[(i + m * j, 0)], x);
            assert_eq!(a.as_slice()[i + m * j], x);
            // Transcendental functions to an ulp or so: without `std` they come from `libm`.
            assert!((exp(&a)[(i, j)] - x.exp()).abs() < 1e-15 * x.exp());
            assert!((sigmoid(&a)[(i, j)] - 1.0 / (1.0 + (-x).exp())).abs() < 1e-15);
            assert_eq!(relu(&a)[(i, j)], x.max(0.0));
            assert!((powi(&a, 2)[(i, j)] - x * x).abs() < 1e-15);
        }
    }
    let mut dot_ref = 0.0;
    let mut sum_ref = 0.0;
    for i in 0..m {
        for j in 0..n {
            dot_ref += a[(i, j)] * b[(i, j)];
            sum_ref += a[(i, j)];
        }
    }
    assert!((dot(&a, &b) - dot_ref).abs() < 1e-12);
    assert!((sum(&a) - sum_ref).abs() < 1e-12);
    assert!((norm_sq(&a) - dot(&a, &a)).abs() < 1e-12);
    let lse_ref = a.iter().map(|x| x.exp()).sum::<f64>().ln();
    if m * n > 0 {
        assert!((logsumexp(&a) - lse_ref).abs() < 1e-12);
        assert!((sum(softmax(&a)) - 1.0).abs() < 1e-12);
    }
    // Products with both transposes exercise every inner dimension.
    assert!((a.t() * &b).approx_eq(&naive_product(&a.t(), &b), 1e-12, 1e-12));
    assert!((&a * b.t()).approx_eq(&naive_product(&a, &b.t()), 1e-12, 1e-12));
    assert_eq!(vec(&a).unvec::<R, C>(), a);
    assert_eq!(Matrix::<R, C>::from_row_slice(&row_major(&a)), a);
    assert_eq!(Matrix::<R, C>::from_column_slice(a.as_slice()), a);
}

fn row_major<R: Dim, C: Dim>(a: &Matrix<R, C>) -> Vec<f64> {
    (0..R::USIZE)
        .flat_map(|i| (0..C::USIZE).map(move |j| a[(i, j)]))
        .collect()
}

#[test]
fn elementwise_and_products_match_references_for_many_shapes() {
    let mut rng = Rng::new(100);
    for _ in 0..10 {
        check_shape::<U1, U1>(&mut rng);
        check_shape::<U1, U4>(&mut rng);
        check_shape::<U4, U1>(&mut rng);
        check_shape::<U2, U3>(&mut rng);
        check_shape::<U3, U2>(&mut rng);
        check_shape::<U5, U5>(&mut rng);
        check_shape::<U7, U3>(&mut rng);
        check_shape::<U0, U3>(&mut rng);
        check_shape::<U<12>, U<9>>(&mut rng);
    }
}

#[test]
fn kron_matches_definition_for_non_square_factors() {
    let mut rng = Rng::new(101);
    let a = random::<U2, U3>(&mut rng);
    let b = random::<U4, U1>(&mut rng);
    let k = kron(&a, &b);
    assert_eq!((k.nrows(), k.ncols()), (8, 3));
    for i in 0..2 {
        for j in 0..3 {
            for p in 0..4 {
                assert_eq!(k[(4 * i + p, j)], a[(i, j)] * b[(p, 0)]);
            }
        }
    }
    // vec(A X B) = (Bᵀ ⊗ A) vec(X), the identity the Jacobians are built on.
    let x = random::<U3, U2>(&mut rng);
    let bb = random::<U2, U5>(&mut rng);
    let lhs = vec(&a * &x * &bb);
    let rhs = kron(bb.t(), &a) * vec(&x);
    assert!(lhs.approx_eq(&rhs, 1e-12, 1e-12));
}

#[test]
fn row_and_column_sums_and_structure() {
    let mut rng = Rng::new(102);
    let a = random::<U3, U5>(&mut rng);
    assert!((a.col_sums() - Matrix::<U1, U3>::ones() * a).max_abs_diff(&Matrix::zeros()) < 1e-12);
    assert!((a.row_sums() - a * Matrix::<U5, U1>::ones()).max_abs_diff(&Matrix::zeros()) < 1e-12);
    for j in 0..5 {
        assert_eq!(a.column(j), Matrix::from_fn(|i, _| a[(i, j)]));
    }
    for i in 0..3 {
        assert_eq!(a.row(i), Matrix::from_fn(|_, j| a[(i, j)]));
    }
    let sq = random::<U4, U4>(&mut rng);
    assert_eq!(diag(diagonal(&sq)), sq.hadamard(Matrix::identity()));
    assert_eq!(tr(&sq), sum(diagonal(&sq)));
}

#[test]
fn matrices_are_copy_and_clone() {
    let a: Matrix<U2, U2> = matrix![1.0, 2.0; 3.0, 4.0];
    let b = a; // Copy: `a` is still usable below.
    let c = a * b + a;
    assert_eq!(c, matrix![8.0, 12.0; 18.0, 26.0]);
    let v: Vector<U2, f32> = matrix![1.0; 2.0];
    let w = v;
    assert_eq!(v.dot(w), 5.0);
    #[allow(clippy::clone_on_copy)]
    let d = a.clone();
    assert_eq!(d, a);
}

#[test]
fn display_is_readable() {
    let a: Matrix<U2, U2> = matrix![1.0, -2.5; 30.0, 4.0];
    let shown = format!("{a}");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1], "│    1  -2.5 │");
    assert_eq!(lines[2], "│   30     4 │");
    assert!(format!("{a:.1}").contains("│  1.0  -2.5 │"));
}
