//! The large-size kernels (faer above the size thresholds, matrixmultiply in between) against
//! independent reference loops written here, at sizes on both sides of each threshold and at
//! n = 100, 257, 512, on `Dyn` matrices.

mod common;

use common::{gauss_jordan_inverse, naive_product, random_dyn, Rng};
use matcalc_core::prelude::*;
use matcalc_core::Dyn;

type DMatrix = Matrix<Dyn, Dyn>;

/// Largest entry difference relative to the largest entry of `want`.
fn rel_err(got: &DMatrix, want: &DMatrix) -> f64 {
    assert_eq!(got.shape(), want.shape());
    let scale = want.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    got.max_abs_diff(want) / scale
}

/// A well-conditioned square matrix: random plus a diagonal shift.
fn regular(rng: &mut Rng, n: usize) -> DMatrix {
    let mut a: DMatrix = random_dyn(rng, n, n);
    for i in 0..n {
        a[(i, i)] += n as f64 / 2.0 + 2.0;
    }
    a
}

/// `Σ_k a_ik a_jk + n I`: symmetric positive definite.
fn spd(rng: &mut Rng, n: usize) -> DMatrix {
    let b: DMatrix = random_dyn(rng, n, n);
    let mut s = naive_product(&b, &b.t());
    for i in 0..n {
        s[(i, i)] += n as f64;
    }
    s
}

/// Textbook Cholesky–Banachiewicz loop on a `Vec<Vec<f64>>`.
fn reference_cholesky(a: &DMatrix) -> DMatrix {
    let n = a.nrows();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            l[i][j] = if i == j {
                (a[(i, i)] - s).sqrt()
            } else {
                (a[(i, j)] - s) / l[j][j]
            };
        }
    }
    DMatrix::from_fn_dyn(n, n, |i, j| l[i][j])
}

fn check_products(rng: &mut Rng, m: usize, k: usize, n: usize) {
    let a: DMatrix = random_dyn(rng, m, k);
    let b: DMatrix = random_dyn(rng, k, n);
    let want = naive_product(&a, &b);
    let tol = 1e-13 * k.max(1) as f64;
    assert!(rel_err(&(&a * &b), &want) < tol, "A B at {m}×{k}×{n}");
    assert!(
        rel_err(&a.t().tr_mul(&b), &want) < tol,
        "Aᵀ B at {m}×{k}×{n}"
    );
    assert!(
        rel_err(&a.mul_tr(&b.t()), &want) < tol,
        "A Bᵀ at {m}×{k}×{n}"
    );
    // Matrix–vector, static column count.
    let x = Matrix::<Dyn, U1>::from_column_slice_dyn(k, 1, &b.as_slice()[..k]);
    let wx = naive_product(&a, &x);
    let got = &a * &x;
    assert!(got.max_abs_diff(&wx) < tol * 10.0, "A x at {m}×{k}");
    let f32a = Matrix::<Dyn, Dyn, f32>::from_fn_dyn(m, k, |i, j| a[(i, j)] as f32);
    let f32b = Matrix::<Dyn, Dyn, f32>::from_fn_dyn(k, n, |i, j| b[(i, j)] as f32);
    let f32p = &f32a * &f32b;
    let back = DMatrix::from_fn_dyn(m, n, |i, j| f32p[(i, j)] as f64);
    assert!(
        rel_err(&back, &want) < 1e-5 * k.max(1) as f64,
        "f32 A B at {m}×{k}×{n}"
    );
}

#[test]
fn products_match_reference_loops_across_thresholds() {
    let mut rng = Rng::new(21);
    // Loops, blocked, faer; thin and square.
    for &(m, k, n) in &[
        (7, 30, 30),
        (23, 24, 24),
        (24, 24, 24),
        (40, 40, 40),
        (47, 48, 48),
        (48, 48, 48),
        (100, 100, 100),
        (100, 3, 100),
        (300, 300, 1),
        (1, 300, 300),
        (0, 50, 50),
        (50, 0, 50),
    ] {
        check_products(&mut rng, m, k, n);
    }
}

#[test]
fn large_products_match_reference_loops() {
    let mut rng = Rng::new(22);
    check_products(&mut rng, 257, 257, 257);
    check_products(&mut rng, 512, 512, 512);
    check_products(&mut rng, 512, 100, 257);
}

fn check_lu(rng: &mut Rng, n: usize) {
    let a = regular(rng, n);
    let lu = a.lu();
    assert!(!lu.is_singular(), "n = {n}");
    let inv = lu.inverse();
    let want = gauss_jordan_inverse(&a).expect("regular");
    assert!(rel_err(&inv, &want) < 1e-12, "inverse at n = {n}");
    assert!(rel_err(&a.inv(), &want) < 1e-12, "inv at n = {n}");
    let eye = DMatrix::identity_generic(Dyn(n), Dyn(n));
    assert!(
        rel_err(&naive_product(&a, &inv), &eye) < 1e-12,
        "A A⁻¹ at n = {n}"
    );
    let b: Matrix<Dyn, U3> = random_dyn(rng, n, 3);
    let x = lu.solve(&b);
    assert!(
        naive_product(&a, &x).max_abs_diff(&b) < 1e-11,
        "solve at n = {n}"
    );
    let xt = lu.solve_transpose(&b);
    assert!(
        naive_product(&a.t(), &xt).max_abs_diff(&b) < 1e-11,
        "solve_transpose at n = {n}"
    );
    // logdet against the inverse's: ln|det A⁻¹| = -ln|det A|, from the independent inverse's LU
    // is circular; use the product of the Gauss–Jordan pivots instead through det(A)·det(A⁻¹) = 1.
    assert!(
        (lu.logdet() + want.logdet()).abs() < 1e-9 * n as f64,
        "logdet at n = {n}"
    );
    if n <= 100 {
        let d = lu.det();
        assert!((d * want.det() - 1.0).abs() < 1e-9, "det at n = {n}");
    }
}

#[test]
fn lu_inverse_solves_match_references_across_the_threshold() {
    let mut rng = Rng::new(23);
    for n in [1, 5, 31, 32, 33, 100, 257] {
        check_lu(&mut rng, n);
    }
}

#[test]
fn large_singular_matrices_are_reported() {
    // Two equal rows, any size: singular by the pivot criterion, in the faer path too.
    for n in [10, 40, 100] {
        let mut a = regular(&mut Rng::new(24), n);
        for j in 0..n {
            a[(n - 1, j)] = a[(0, j)];
        }
        let lu = a.lu();
        assert!(lu.is_singular(), "n = {n}");
        assert!(a.inv().iter().all(|x| x.is_nan()));
        assert_eq!(a.try_inv(), None);
    }
}

fn check_cholesky(rng: &mut Rng, n: usize) {
    let a = spd(rng, n);
    let l = a.cholesky();
    let want = reference_cholesky(&a);
    assert!(rel_err(&l, &want) < 1e-12, "cholesky at n = {n}");
    for j in 0..n {
        for i in 0..j {
            assert_eq!(l[(i, j)], 0.0, "upper triangle at n = {n}");
        }
    }
    let b: DMatrix = random_dyn(rng, n, 4);
    let y = l.solve_lower_triangular(&b);
    assert!(
        naive_product(&l, &y).max_abs_diff(&b) < 1e-11,
        "L y = b at n = {n}"
    );
    let lt = l.t();
    let x = lt.solve_upper_triangular(&y);
    assert!(
        naive_product(&lt, &x).max_abs_diff(&y) < 1e-11,
        "Lᵀ x = y at n = {n}"
    );
    assert!(
        rel_err(&x, &a.solve(&b)) < 1e-10,
        "Cholesky solve = LU solve at n = {n}"
    );
    // Indefinite: refused in either path.
    let mut bad = a.clone();
    bad[(n - 1, n - 1)] = -1.0;
    assert_eq!(bad.try_cholesky(), None, "indefinite at n = {n}");
}

#[test]
fn cholesky_and_triangular_solves_match_references_across_the_threshold() {
    let mut rng = Rng::new(25);
    for n in [3, 31, 32, 40, 100, 257] {
        check_cholesky(&mut rng, n);
    }
}

#[test]
fn static_large_sizes_take_the_same_kernels() {
    let mut rng = Rng::new(26);
    let a: Matrix<U<64>, U<64>> = Matrix::from_fn(|_, _| rng.uniform());
    let d = DMatrix::from_column_slice_dyn(64, 64, a.as_slice());
    assert_eq!((&a * &a).as_slice(), (&d * &d).as_slice());
    assert_eq!(a.inv().as_slice(), d.inv().as_slice());
}
