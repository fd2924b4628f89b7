//! Cholesky factorisation `A = L Lᵀ` of a symmetric positive definite matrix, and the
//! triangular solves it (and anyone holding a triangle) needs.
//!
//! Both use the singularity criterion of [`crate::linalg`]: a pivot (here `l_kk`, for the
//! triangular solves the diagonal entry) at or below `n·ε·max|a_ij|`, or a non-finite entry,
//! makes the matrix unusable, and the result is all NaN (`None` for the `try_` forms). So
//! `try_inv`, `try_solve` and `try_cholesky` accept or refuse by the same rule; Cholesky also
//! refuses a matrix that is not symmetric within that same tolerance, or that is indefinite.

use crate::arg::MatrixArg;
use crate::dim::Dim;
use crate::linalg::{pivot_passes, singularity_threshold, threshold_for};
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::{RowsAgreeForSolve, SquareForCholesky, SquareForTriangularSolve};

/// The side of the square tiles [`all_strict_lower_tiled`] walks.
const TILE: usize = 32;

/// Whether `f(rows, j)` holds for every segment of a column j of the strict lower triangle of
/// an `n × n` matrix (rows i > j, at most [`TILE`] long), visited tile by tile: code that
/// touches both (i, j) and (j, i) of a column-major matrix (the symmetry check, mirroring a
/// triangle) then keeps its transposed reads within a few cache lines instead of striding a
/// whole column per entry (at n = 1000 the untiled symmetry check cost more than faer's
/// factorization). Stops at the first `false`.
pub(crate) fn all_strict_lower_tiled(
    n: usize,
    mut f: impl FnMut(core::ops::Range<usize>, usize) -> bool,
) -> bool {
    for jb in (0..n).step_by(TILE) {
        let j_end = (jb + TILE).min(n);
        for ib in (jb..n).step_by(TILE) {
            let i_end = (ib + TILE).min(n);
            for j in jb..j_end {
                let rows = ib.max(j + 1)..i_end;
                if !rows.is_empty() && !f(rows, j) {
                    return false;
                }
            }
        }
    }
    true
}

/// The criterion's threshold `n·ε·max|a_ij|` of the `n × n` column-major `m`, or `None` if an
/// entry is not finite or m is not symmetric within that threshold. One pass: the diagonal,
/// then the strict lower triangle tile by tile, each entry read with its mirror, so the
/// largest entry, the largest asymmetry and finiteness come from the same reads (three
/// separate passes cost more than faer's factorization at n = 100). Finiteness is
/// arithmetic as in [`max_abs_if_finite`](crate::linalg::max_abs_if_finite): 0·x is NaN
/// exactly for a non-finite x, and a NaN poison survives every sum.
fn symmetric_threshold<T: Scalar>(m: &[T], n: usize) -> Option<T> {
    let larger = |a: T, b: T| if b > a { b } else { a };
    let mut poison = T::zero();
    let mut scale = T::zero();
    for d in m.iter().step_by(n + 1).take(n) {
        poison += *d * T::zero();
        scale = larger(scale, d.abs());
    }
    let mut worst = T::zero();
    all_strict_lower_tiled(n, |rows, j| {
        let column = &m[j * n..(j + 1) * n];
        let (mut p, mut s, mut w) = (T::zero(), T::zero(), T::zero());
        for i in rows {
            let (below, above) = (column[i], m[i * n + j]);
            p += below * T::zero() + above * T::zero();
            s = larger(s, larger(below.abs(), above.abs()));
            w = larger(w, (below - above).abs());
        }
        poison += p;
        scale = larger(scale, s);
        worst = larger(worst, w);
        true
    });
    if poison != T::zero() {
        return None;
    }
    let threshold = threshold_for(n, scale);
    (worst <= threshold).then_some(threshold)
}

/// Replaces the `n × n` column-major `m` by its Cholesky factor (the strict upper triangle
/// zeroed), or returns `false` by the module's criterion. From 32×32 on (`f64`, `f32`, feature
/// `faer`) the factorisation runs in faer and the criterion is applied to its pivots.
fn factor_into<T: Scalar>(m: &mut [T], n: usize) -> bool {
    let Some(threshold) = symmetric_threshold(m, n) else {
        return false;
    };
    let done = {
        #[cfg(feature = "faer")]
        {
            n >= crate::linalg::LU_FAER_MIN
                && match crate::large::cholesky_in_place(m, n) {
                    // d = l_jj² is the j-th pivot of the LU factorisation without pivoting.
                    Some(ok) => {
                        if !ok
                            || !(0..n).all(|j| pivot_passes(m[j * n + j] * m[j * n + j], threshold))
                        {
                            return false;
                        }
                        true
                    }
                    None => false,
                }
        }
        #[cfg(not(feature = "faer"))]
        {
            false
        }
    };
    if !done && !factor_in_place(m, n, threshold) {
        return false;
    }
    for j in 1..n {
        m[j * n..j * n + j].iter_mut().for_each(|v| *v = T::zero());
    }
    true
}

/// Left-looking Cholesky in place on the lower triangle of the `n × n` column-major `m`:
/// column j subtracts l_jk times column k (k < j) along contiguous column segments, then
/// divides by l_jj. `false` if a pivot fails the criterion.
fn factor_in_place<T: Scalar>(m: &mut [T], n: usize, threshold: T) -> bool {
    for j in 0..n {
        let (done, rest) = m.split_at_mut(j * n);
        let column = &mut rest[j..n];
        for k in 0..j {
            let lk = &done[k * n + j..(k + 1) * n];
            let ljk = lk[0];
            for (c, &x) in column.iter_mut().zip(lk) {
                *c -= ljk * x;
            }
        }
        // d is the j-th pivot of the LU factorisation without pivoting (positive for SPD A).
        let d = column[0];
        if d <= T::zero() || !pivot_passes(d, threshold) {
            return false;
        }
        let l_jj = d.sqrt();
        column[0] = l_jj;
        column[1..].iter_mut().for_each(|c| *c /= l_jj);
    }
    true
}

/// Solves `T X = B` for the triangle of `t` given by `lower`, or `None` by the criterion
/// (applied to the triangle that is read). `Matrix::solve_lower_triangular` uses the in-place
/// kernels of `spd` instead; this is the upper-triangular path.
fn triangular_solve<N: Dim, C: Dim, T: Scalar>(
    t: &Matrix<N, N, T>,
    b: &Matrix<N, C, T>,
    lower: bool,
) -> Option<Matrix<N, C, T>> {
    let n = t.nrows();
    let in_triangle = |i: usize, j: usize| if lower { i >= j } else { i <= j };
    let (rows, cols) = t.shape_generic();
    let triangle = Matrix::<N, N, T>::from_fn_generic(rows, cols, |i, j| {
        if in_triangle(i, j) {
            t[(i, j)]
        } else {
            T::zero()
        }
    });
    let threshold = singularity_threshold(&triangle)?;
    if !(0..n).all(|i| pivot_passes(t[(i, i)], threshold)) || !b.iter().all(|x| x.is_finite()) {
        return None;
    }
    let mut x = b.clone();
    let c = b.ncols();
    #[cfg(feature = "faer")]
    if n >= crate::linalg::LU_FAER_MIN {
        use crate::large::{triangular_solve_in_place, Triangle};
        let which = if lower {
            Triangle::Lower
        } else {
            Triangle::Upper
        };
        if triangular_solve_in_place(t.as_slice(), n, which, false, x.as_mut_slice(), c) {
            return Some(x);
        }
    }
    for j in 0..c {
        for step in 0..n {
            let i = if lower { step } else { n - 1 - step };
            let mut s = x[(i, j)];
            let known = if lower { 0..i } else { i + 1..n };
            for k in known {
                s -= t[(i, k)] * x[(k, j)];
            }
            x[(i, j)] = s / t[(i, i)];
        }
    }
    Some(x)
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// The lower-triangular `L` with `A = L Lᵀ` (A symmetric positive definite).
    ///
    /// Every entry is NaN if A is not symmetric within `n·ε·max|a_ij|`, has a non-finite
    /// entry, or a pivot `l_kk²` at or below `n·ε·max|a_ij|` (indefinite, or singular by the
    /// criterion of [`crate::Lu::is_singular`]); see [`try_cholesky`](Self::try_cholesky).
    #[track_caller]
    pub fn cholesky(&self) -> Self
    where
        R: SquareForCholesky<C>,
    {
        self.clone().into_cholesky()
    }

    /// [`cholesky`](Self::cholesky) in the matrix's own buffer: for a matrix not needed
    /// afterwards (generated code factors a temporary this way), without the n² copy.
    #[track_caller]
    pub fn into_cholesky(mut self) -> Self
    where
        R: SquareForCholesky<C>,
    {
        crate::check::square("`cholesky`", self.shape());
        let n = self.nrows();
        if !factor_into(self.as_mut_slice(), n) {
            self.as_mut_slice().iter_mut().for_each(|v| *v = T::NAN);
        }
        self
    }

    /// The Cholesky factor, or `None` where [`cholesky`](Self::cholesky) gives NaN.
    #[track_caller]
    pub fn try_cholesky(&self) -> Option<Self>
    where
        R: SquareForCholesky<C>,
    {
        crate::check::square("`cholesky`", self.shape());
        let mut l = self.clone();
        factor_into(l.as_mut_slice(), self.nrows()).then_some(l)
    }

    /// Solves `L X = B` reading only the lower triangle of `self` (forward substitution).
    /// All NaN if a diagonal entry is at or below `n·ε·max|l_ij|` or an entry is not finite.
    #[track_caller]
    pub fn solve_lower_triangular<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.triangular(b.as_matrix(), true)
    }

    /// Solves `U X = B` reading only the upper triangle of `self` (back substitution).
    /// All NaN under the same condition as [`solve_lower_triangular`](Self::solve_lower_triangular).
    #[track_caller]
    pub fn solve_upper_triangular<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.triangular(b.as_matrix(), false)
    }

    #[track_caller]
    fn triangular<R2: Dim, C2: Dim>(&self, b: &Matrix<R2, C2, T>, lower: bool) -> Matrix<R, C2, T> {
        if lower {
            // Forward substitution in place along the columns of L (`spd`).
            return self.lower_substitution(b, false, crate::spd::Factor::Any);
        }
        let b = b.with_rows_of("a triangular solve", self);
        let (r, c) = b.shape_generic();
        triangular_solve(&self.as_square("a triangular solve"), &b, lower)
            .unwrap_or_else(|| Matrix::from_element_generic(r, c, T::NAN))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use std::{vec, vec::Vec};
    use typenum::consts::*;

    /// A random SPD matrix `B Bᵀ + n I`.
    fn spd<N: Dim>(rng: &mut Rng) -> Matrix<N, N> {
        let b = Matrix::<N, N>::from_fn(|_, _| rng.uniform());
        let n = N::USIZE as f64;
        Matrix::from_fn(|i, j| {
            (0..N::USIZE).map(|k| b[(i, k)] * b[(j, k)]).sum::<f64>() + if i == j { n } else { 0.0 }
        })
    }

    /// The textbook Cholesky–Banachiewicz loop, row by row: an independent reference.
    fn reference_cholesky(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let n = a.len();
        let mut l = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..=i {
                let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
                l[i][j] = if i == j {
                    (a[i][i] - s).sqrt()
                } else {
                    (a[i][j] - s) / l[j][j]
                };
            }
        }
        l
    }

    fn check_spd<N: Dim>(rng: &mut Rng) {
        let a = spd::<N>(rng);
        let l = a.cholesky();
        let rows: Vec<Vec<f64>> = (0..N::USIZE)
            .map(|i| (0..N::USIZE).map(|j| a[(i, j)]).collect())
            .collect();
        let want = reference_cholesky(&rows);
        for i in 0..N::USIZE {
            for j in 0..N::USIZE {
                assert!((l[(i, j)] - want[i][j]).abs() < 1e-12, "L[{i},{j}]");
            }
        }
        let llt = Matrix::<N, N>::from_fn(|i, j| {
            (0..N::USIZE).map(|k| l[(i, k)] * l[(j, k)]).sum::<f64>()
        });
        assert!(llt.approx_eq(&a, 1e-13, 1e-13));
        assert_eq!(a.try_cholesky(), Some(l.clone()));
        // Triangular solves: residuals, and L Lᵀ x = b solved by the two agrees with solve.
        let b = Matrix::<N, U3>::from_fn(|_, _| rng.uniform());
        let y = l.solve_lower_triangular(&b);
        assert!((&l * &y).approx_eq(&b, 1e-12, 1e-12));
        let lt = l.t();
        let x = lt.solve_upper_triangular(&y);
        assert!((&lt * &x).approx_eq(&y, 1e-12, 1e-12));
        assert!(x.approx_eq(&a.solve(&b), 1e-10, 1e-12));
    }

    #[test]
    fn spd_matrices_factor_like_the_reference_loop() {
        let mut rng = Rng::new(7);
        for _ in 0..10 {
            check_spd::<U1>(&mut rng);
            check_spd::<U2>(&mut rng);
            check_spd::<U3>(&mut rng);
            check_spd::<U5>(&mut rng);
            check_spd::<U8>(&mut rng);
        }
    }

    #[test]
    fn non_spd_matrices_are_refused() {
        let indefinite = Matrix::<U2, U2>::from_row_slice(&[1.0, 2.0, 2.0, 1.0]);
        let negative = Matrix::<U2, U2>::from_row_slice(&[-1.0, 0.0, 0.0, -1.0]);
        let unsymmetric = Matrix::<U2, U2>::from_row_slice(&[2.0, 1.0, 0.0, 2.0]);
        // Positive semidefinite, singular: v vᵀ.
        let rank_one = Matrix::<U3, U3>::from_fn(|i, j| ((i + 1) * (j + 1)) as f64);
        let nan = Matrix::<U2, U2>::from_row_slice(&[f64::NAN, 0.0, 0.0, 1.0]);
        for a in [indefinite, negative, unsymmetric, nan] {
            assert_eq!(a.try_cholesky(), None, "{a:?}");
            assert!(a.cholesky().iter().all(|x| x.is_nan()));
        }
        for scale in [1e-200, 1.0, 1e200] {
            let a = rank_one * scale;
            assert_eq!(a.try_cholesky(), None);
            assert!(
                a.lu().is_singular(),
                "LU and Cholesky agree at scale {scale}"
            );
        }
        assert_eq!(Matrix::<U3, U3>::zeros().try_cholesky(), None);
    }

    /// The one-pass check (finiteness, scale, symmetry) at `Dyn` sizes that reach faer, with
    /// the offending entry in either triangle, against the tolerance n·ε·max|a_ij|.
    #[test]
    fn the_fused_check_refuses_what_the_criterion_refuses() {
        use crate::dim::Dyn;
        let mut rng = Rng::new(3);
        for n in [2usize, 33, 64, 100] {
            let b = Matrix::<Dyn, Dyn>::from_fn_dyn(n, n, |_, _| rng.uniform());
            let a = b.mul_tr(&b).add_scaled_identity(1.0);
            assert!(a.try_cholesky().is_some(), "n = {n}");
            let scale = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let tolerance = n as f64 * f64::EPSILON * scale;
            for (i, j) in [(n - 1, 0), (0, n - 1), (1, 0)] {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut m = a.clone();
                    m[(i, j)] = bad;
                    assert_eq!(m.try_cholesky(), None, "{bad} at ({i}, {j}), n = {n}");
                }
                let mut within = a.clone();
                within[(i, j)] += 0.5 * tolerance;
                assert!(
                    within.try_cholesky().is_some(),
                    "within at ({i}, {j}), n = {n}"
                );
                let mut beyond = a.clone();
                beyond[(i, j)] += 4.0 * tolerance;
                assert_eq!(beyond.try_cholesky(), None, "beyond at ({i}, {j}), n = {n}");
            }
        }
    }

    #[test]
    fn cholesky_accepts_scaled_and_ill_conditioned_spd() {
        // Hilbert 8×8: SPD, condition ~1.5e10.
        let hilbert = Matrix::<U8, U8>::from_fn(|i, j| 1.0 / (i + j + 1) as f64);
        for scale in [1e-200, 1.0, 1e200] {
            let a = hilbert * scale;
            let l = a.try_cholesky().expect("Hilbert is SPD");
            let llt = l * l.t();
            assert!(llt.approx_eq(&a, 1e-12, 0.0), "scale {scale}");
        }
    }

    #[test]
    fn triangular_solves_refuse_a_zero_diagonal() {
        let l = Matrix::<U2, U2>::from_row_slice(&[1.0, 0.0, 5.0, 0.0]);
        let b = Matrix::<U2, U1>::from_element(1.0);
        assert!(l.solve_lower_triangular(&b).iter().all(|x| x.is_nan()));
        assert!(l.t().solve_upper_triangular(b).iter().all(|x| x.is_nan()));
        // Entries outside the triangle are ignored.
        let full = Matrix::<U2, U2>::from_row_slice(&[2.0, 99.0, 1.0, 4.0]);
        let x = full.solve_lower_triangular(&b);
        assert_eq!(x, Matrix::from_row_slice(&[0.5, 0.125]));
    }

    #[test]
    fn f32_cholesky_and_solves() {
        let a =
            Matrix::<U3, U3, f32>::from_row_slice(&[4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0]);
        let l = a.cholesky();
        assert!((l * l.t()).approx_eq(&a, 1e-6, 1e-6));
        let b = Matrix::<U3, U1, f32>::from_row_slice(&[1.0, -2.0, 0.5]);
        let x = l.t().solve_upper_triangular(l.solve_lower_triangular(&b));
        assert!((a * x).approx_eq(&b, 1e-5, 1e-5));
        let singular = Matrix::<U2, U2, f32>::from_row_slice(&[1.0, 1.0, 1.0, 1.0]);
        assert_eq!(singular.try_cholesky(), None);
    }
}
