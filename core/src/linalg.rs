//! Square-matrix linear algebra: LU factorisation with partial pivoting and what is built on it
//! (`det`, `logdet`, `inv`, `try_inv`, `solve`, `try_solve`), and integer matrix powers.
//!
//! The public methods live on `Matrix<R, C, T>` with a bound `R: SquareFor…<C>` (so a
//! non-square receiver is a worded compile error); they copy the receiver into a
//! `Matrix<R, R, T>` (same entries, since `R = C`) and work on that.
//!
//! # When a matrix counts as singular
//!
//! One criterion, shared by [`Lu::is_singular`] (hence `inv`, `try_inv`, `solve`, `try_solve`)
//! and the Cholesky factorisation (`cholesky`, `try_cholesky`): an n×n matrix A is singular
//! when it has a non-finite entry, or when a pivot `u_kk` of its factorisation satisfies
//!
//! ```text
//! |u_kk| <= n · ε · ‖A‖_max        (‖A‖_max = max |a_ij|, ε = T::EPSILON)
//! ```
//!
//! The threshold scales with A, so `c·A` is singular exactly when A is, for any `c` (1e-200 and
//! 1e200 included). Rounding in LU perturbs a pivot by about n·ε·‖A‖, so a pivot below the
//! threshold is indistinguishable from 0: [[1,2,3],[4,5,6],[7,8,9]] (last pivot ~1e-16) is
//! singular, while a Hilbert 8×8 matrix (condition ~1.5e10, smallest pivot ~1e-9) is not.
//! A matrix whose rows differ in scale by more than ~1/(n·ε) (e.g. `diag(1, 1e-20)`) counts as
//! singular too: rescale such a matrix first.

use crate::arg::MatrixArg;
use crate::check;
use crate::closed_form;
use crate::dim::Dim;
use crate::matrix::{Matrix, Vector};
use crate::scalar::Scalar;
use crate::shape_errors::{
    RowsAgreeForSolve, SquareForDet, SquareForInverse, SquareForLogdet, SquareForLu,
    SquareForMatpow, SquareForSolve,
};
use typenum::U1;

/// From this size on, LU and its solves run in faer (blocked, vectorised); below it the
/// unblocked loops here, which need no allocation and win for small sizes.
#[cfg(feature = "faer")]
pub(crate) const LU_FAER_MIN: usize = 32;

/// The pivot threshold `n · ε · max |a_ij|` of the module's singularity criterion, or `None`
/// if some entry is not finite (then the matrix counts as singular whatever its pivots).
pub(crate) fn singularity_threshold<N: Dim, T: Scalar>(a: &Matrix<N, N, T>) -> Option<T> {
    entries_threshold(a.as_slice(), a.nrows())
}

/// [`singularity_threshold`] of the `n × n` matrix whose column-major entries are `entries`.
pub(crate) fn entries_threshold<T: Scalar>(entries: &[T], n: usize) -> Option<T> {
    max_abs_if_finite(entries).map(|scale| threshold_for(n, scale))
}

/// The largest `|x|` over `entries`, or `None` if one is not finite. Eight independent lanes
/// without an early exit, so the pass vectorises (a scalar loop with a branch per entry cost
/// a third of faer's factorization at n = 1000). Finiteness is arithmetic, not a branch:
/// 0·x is 0 for a finite x and NaN otherwise, and a lane's sum of those stays NaN; `max` by
/// comparison passes NaN by.
pub(crate) fn max_abs_if_finite<T: Scalar>(entries: &[T]) -> Option<T> {
    const LANES: usize = 8;
    let mut scale = [T::zero(); LANES];
    let mut poison = [T::zero(); LANES];
    let chunks = entries.chunks_exact(LANES);
    let tail = chunks.remainder();
    let mut lane = |k: usize, x: T| {
        let a = x.abs();
        poison[k] += x * T::zero();
        scale[k] = if a > scale[k] { a } else { scale[k] };
    };
    for chunk in chunks {
        for (k, &x) in chunk.iter().enumerate() {
            lane(k, x);
        }
    }
    for (k, &x) in tail.iter().enumerate() {
        lane(k, x);
    }
    if !poison.iter().all(|&p| p == T::zero()) {
        return None;
    }
    Some(
        scale
            .iter()
            .fold(T::zero(), |m, &a| if a > m { a } else { m }),
    )
}

/// `n · ε · scale`: the threshold for an `n × n` matrix whose largest entry is `scale`.
pub(crate) fn threshold_for<T: Scalar>(n: usize, scale: T) -> T {
    T::from_f64(n as f64) * T::EPSILON * scale
}

/// Whether a pivot passes the criterion: `|pivot| > threshold` (false for a NaN pivot).
pub(crate) fn pivot_passes<T: Scalar>(pivot: T, threshold: T) -> bool {
    pivot.abs() > threshold
}

/// LU factorisation `P·A = L·U` of a square matrix, with partial (row) pivoting.
///
/// `L` (unit lower triangular) and `U` (upper triangular) share one matrix. The factorisation
/// never fails: a pivot at or below `n·ε·‖A‖_max` (see the module docs of `linalg`) marks the
/// matrix [singular](Self::is_singular), and the results derived from it are the documented
/// non-finite values (`inverse`, `solve`: all NaN) or `None` (`try_inverse`, `try_solve`)
/// rather than a panic or large garbage.
///
/// Factorise once and reuse: `let lu = a.lu();` then `lu.inverse()`, `lu.det()`,
/// `lu.logdet()`, `lu.solve(&b)`, `lu.solve_transpose(&b)` share the O(n³) work.
/// From 32×32 on (`f64`, `f32`, feature `faer`) the factorisation and the solves run in faer.
/// Up to 4×4 a matrix that is certainly regular by the criterion (see `closed_form`) is not
/// factorised: its determinant and adjugate come from cofactor formulas; every other small
/// matrix is factorised and judged as before.
#[derive(Clone, Debug)]
pub struct Lu<N: Dim, T = f64> {
    lu: Matrix<N, N, T>,
    /// Row `i` of `P·A` is row `perm[i]` of `A`.
    perm: Vector<N, usize>,
    /// Whether `P` is an odd permutation (flips the sign of the determinant).
    odd: bool,
    /// The module's singularity criterion, decided while factorising.
    singular: bool,
    /// At n ≤ 4, for a matrix `closed_form::certainly_regular` accepts: its determinant, and
    /// `lu` holds its inverse adj(A)/det(A) instead of factors (solves multiply by it).
    closed_det: Option<T>,
}

/// A⁻¹ = adj(A)/det(A) for a small matrix the closed form accepted.
fn closed_inverse<N: Dim, T: Scalar>(a: &Matrix<N, N, T>, det: T) -> Matrix<N, N, T> {
    let (r, c) = a.shape_generic();
    let mut out = Matrix::zeros_generic(r, c);
    closed_form::scaled_adjugate(a.as_slice(), a.nrows(), det.recip(), out.as_mut_slice());
    out
}

impl<N: Dim, T: Scalar> Lu<N, T> {
    /// Factorises `a`.
    pub fn new(a: Matrix<N, N, T>) -> Self {
        let n = a.nrows();
        if n <= closed_form::CLOSED_FORM_MAX {
            if let Some(closed) = Self::closed_form(&a) {
                return Lu {
                    perm: Matrix::from_fn_generic(a.shape_generic().0, U1::new(), |i, _| i),
                    lu: closed_inverse(&a, closed),
                    odd: false,
                    singular: false,
                    closed_det: Some(closed),
                };
            }
        }
        Self::factorise(a)
    }

    /// The LU factorisation itself (any size).
    fn factorise(mut a: Matrix<N, N, T>) -> Self {
        let n = a.nrows();
        let threshold = singularity_threshold(&a);
        let mut singular = threshold.is_none();
        let threshold = threshold.unwrap_or(T::zero());
        let mut perm = Matrix::from_fn_generic(a.shape_generic().0, U1::new(), |i, _| i);
        #[cfg(feature = "faer")]
        if n >= LU_FAER_MIN {
            if let Some(odd) = crate::large::lu_in_place(a.as_mut_slice(), n, perm.as_mut_slice()) {
                singular |= (0..n).any(|k| !pivot_passes(a[(k, k)], threshold));
                return Lu {
                    lu: a,
                    perm,
                    odd,
                    singular,
                    closed_det: None,
                };
            }
        }
        let mut odd = false;
        for k in 0..n {
            // Largest |a_ik| at or below the diagonal bounds the multipliers by 1.
            let mut p = k;
            for i in k + 1..n {
                if a[(i, k)].abs() > a[(p, k)].abs() {
                    p = i;
                }
            }
            if p != k {
                for j in 0..n {
                    let tmp = a[(k, j)];
                    a[(k, j)] = a[(p, j)];
                    a[(p, j)] = tmp;
                }
                perm.as_mut_slice().swap(k, p);
                odd = !odd;
            }
            let pivot = a[(k, k)];
            if !pivot_passes(pivot, threshold) {
                singular = true;
            }
            if pivot == T::zero() || !pivot.is_finite() {
                // The column below is already zero (or the input was not finite): nothing to
                // eliminate. A tiny nonzero pivot is still eliminated with, so that `det` and
                // `logdet` stay the product of the computed pivots.
                continue;
            }
            for i in k + 1..n {
                a[(i, k)] /= pivot;
            }
            for j in k + 1..n {
                let u_kj = a[(k, j)];
                for i in k + 1..n {
                    let l_ik = a[(i, k)];
                    a[(i, j)] -= l_ik * u_kj;
                }
            }
        }
        Lu {
            lu: a,
            perm,
            odd,
            singular,
            closed_det: None,
        }
    }

    /// The closed-form determinant of a small matrix LU would certainly call regular, or
    /// `None` (then LU factorises it and decides).
    fn closed_form(a: &Matrix<N, N, T>) -> Option<T> {
        let n = a.nrows();
        let norm = closed_form::max_abs(a.as_slice())?;
        let det = closed_form::det(a.as_slice(), n);
        closed_form::certainly_regular(det, norm, n).then_some(det)
    }

    /// Whether the matrix is singular by the module's criterion: a non-finite entry,
    /// or a pivot `|u_kk| <= n·ε·max|a_ij|`. Exactly singular matrices, numerically singular
    /// ones such as `[[1,2,3],[4,5,6],[7,8,9]]`, and scaled copies of either are all reported;
    /// ill-conditioned but regular ones (condition up to ~1/(n·ε)) are not.
    pub fn is_singular(&self) -> bool {
        self.singular
    }

    /// Determinant: `±Π u_ii`, whatever [`is_singular`](Self::is_singular) says (a singular
    /// matrix may give 0 or a tiny value such as 6.7e-16 for `[[1,2,3],[4,5,6],[7,8,9]]`). Can
    /// under- or overflow for large or small matrices; see [`logdet`](Self::logdet).
    pub fn det(&self) -> T {
        if let Some(det) = self.closed_det {
            return det;
        }
        let prod = self.pivots().fold(T::one(), |acc, u| acc * u);
        if self.odd {
            -prod
        } else {
            prod
        }
    }

    /// `ln |det A| = Σ ln |u_ii|`: finite even where `det` itself under- or overflows.
    /// `-∞` for an exactly singular matrix (a zero pivot); a numerically singular one gives a
    /// large negative finite value, like `det`.
    pub fn logdet(&self) -> T {
        if let Some(det) = self.closed_det {
            return det.abs().ln();
        }
        self.pivots().map(|u| u.abs().ln()).sum()
    }

    /// Solves `A X = B` with the factors (A⁻¹ is never formed): O(n²) per column of B.
    ///
    /// If the matrix [is singular](Self::is_singular) every entry of the result is NaN.
    ///
    /// # Panics
    /// If B's rows differ from A's (possible only with a `Dyn` dimension).
    #[track_caller]
    pub fn solve<C: Dim>(&self, b: &Matrix<N, C, T>) -> Matrix<N, C, T> {
        check::rows_agree("`Lu::solve`", self.lu.shape(), b.shape());
        let (rows, cols) = b.shape_generic();
        if self.singular {
            return Matrix::from_element_generic(rows, cols, T::NAN);
        }
        if self.closed_det.is_some() {
            return crate::ops::matmul(&self.lu, b);
        }
        let (n, c) = b.shape();
        let perm = self.perm.as_slice();
        let mut x = Matrix::from_fn_generic(rows, cols, |i, j| b[(perm[i], j)]);
        #[cfg(feature = "faer")]
        if n >= LU_FAER_MIN {
            use crate::large::{triangular_solve_in_place, Triangle};
            let lu = self.lu.as_slice();
            let x_mut = x.as_mut_slice();
            if triangular_solve_in_place(lu, n, Triangle::UnitLower, false, x_mut, c)
                && triangular_solve_in_place(lu, n, Triangle::Upper, false, x_mut, c)
            {
                return x;
            }
        }
        for j in 0..c {
            // Forward substitution with the unit lower triangle.
            for i in 0..n {
                let mut s = x[(i, j)];
                for k in 0..i {
                    s -= self.lu[(i, k)] * x[(k, j)];
                }
                x[(i, j)] = s;
            }
            // Back substitution with the upper triangle.
            for i in (0..n).rev() {
                let mut s = x[(i, j)];
                for k in i + 1..n {
                    s -= self.lu[(i, k)] * x[(k, j)];
                }
                x[(i, j)] = s / self.lu[(i, i)];
            }
        }
        x
    }

    /// Solves `Aᵀ X = B` with the same factors: `Aᵀ = Uᵀ Lᵀ P`, so solve `Uᵀ Y = B` forward,
    /// `Lᵀ Z = Y` backward and un-permute `X = Pᵀ Z`. All NaN if the matrix
    /// [is singular](Self::is_singular).
    #[track_caller]
    pub fn solve_transpose<C: Dim>(&self, b: &Matrix<N, C, T>) -> Matrix<N, C, T> {
        check::rows_agree("`Lu::solve_transpose`", self.lu.shape(), b.shape());
        let (rows, cols) = b.shape_generic();
        if self.singular {
            return Matrix::from_element_generic(rows, cols, T::NAN);
        }
        if self.closed_det.is_some() {
            return self.lu.tr_mul(b);
        }
        let (n, c) = b.shape();
        let mut z = b.clone();
        // Uᵀ is the lower triangle of the transposed view, Lᵀ the unit upper one.
        #[cfg(feature = "faer")]
        let solved = n >= LU_FAER_MIN && {
            use crate::large::{triangular_solve_in_place, Triangle};
            let lu = self.lu.as_slice();
            let z_mut = z.as_mut_slice();
            triangular_solve_in_place(lu, n, Triangle::Lower, true, z_mut, c)
                && triangular_solve_in_place(lu, n, Triangle::UnitUpper, true, z_mut, c)
        };
        #[cfg(not(feature = "faer"))]
        let solved = false;
        if !solved {
            for j in 0..c {
                // Uᵀ is lower triangular with U's diagonal.
                for i in 0..n {
                    let mut s = z[(i, j)];
                    for k in 0..i {
                        s -= self.lu[(k, i)] * z[(k, j)];
                    }
                    z[(i, j)] = s / self.lu[(i, i)];
                }
                // Lᵀ is unit upper triangular.
                for i in (0..n).rev() {
                    let mut s = z[(i, j)];
                    for k in i + 1..n {
                        s -= self.lu[(k, i)] * z[(k, j)];
                    }
                    z[(i, j)] = s;
                }
            }
        }
        let mut x = z.clone();
        let perm = self.perm.as_slice();
        for i in 0..n {
            for j in 0..c {
                x[(perm[i], j)] = z[(i, j)];
            }
        }
        x
    }

    /// `A X = B`, or `None` if the matrix [is singular](Self::is_singular).
    #[track_caller]
    pub fn try_solve<C: Dim>(&self, b: &Matrix<N, C, T>) -> Option<Matrix<N, C, T>> {
        (!self.singular).then(|| self.solve(b))
    }

    /// `A⁻¹`; every entry NaN if the matrix [is singular](Self::is_singular).
    pub fn inverse(&self) -> Matrix<N, N, T> {
        if self.closed_det.is_some() {
            return self.lu.clone();
        }
        let (r, c) = self.lu.shape_generic();
        #[cfg(feature = "faer")]
        if !self.singular && r.value() >= LU_FAER_MIN {
            let mut out = Matrix::zeros_generic(r, c);
            let (lu, perm) = (self.lu.as_slice(), self.perm.as_slice());
            if crate::large::lu_inverse(lu, r.value(), perm, out.as_mut_slice()) {
                return out;
            }
        }
        self.solve(&Matrix::identity_generic(r, c))
    }

    /// `A⁻¹`, or `None` if the matrix [is singular](Self::is_singular).
    pub fn try_inverse(&self) -> Option<Matrix<N, N, T>> {
        (!self.singular).then(|| self.inverse())
    }

    fn pivots(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.lu.nrows()).map(move |i| self.lu[(i, i)])
    }
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// LU factorisation with partial pivoting (square matrices only).
    #[track_caller]
    pub fn lu(&self) -> Lu<R, T>
    where
        R: SquareForLu<C>,
    {
        Lu::new(self.as_square("the LU factorisation `lu`"))
    }

    /// Determinant (square matrices only). Under- or overflows like the product of the pivots
    /// it is; use [`logdet`](Self::logdet) for large or badly scaled matrices.
    #[track_caller]
    pub fn det(&self) -> T
    where
        R: SquareForDet<C>,
    {
        let a = self.as_square("the determinant `det`");
        if a.nrows() <= closed_form::CLOSED_FORM_MAX {
            if let Some(det) = Lu::closed_form(&a) {
                return det;
            }
        }
        Lu::factorise(a).det()
    }

    /// `ln |det A|`, summed from the LU pivots as `Σ ln |u_ii|` — finite for e.g.
    /// `diag(1e-200, …)` where `det` underflows to 0. `-∞` for a singular matrix.
    #[track_caller]
    pub fn logdet(&self) -> T
    where
        R: SquareForLogdet<C>,
    {
        let a = self.as_square("`logdet`");
        if a.nrows() <= closed_form::CLOSED_FORM_MAX {
            if let Some(det) = Lu::closed_form(&a) {
                return det.abs().ln();
            }
        }
        Lu::factorise(a).logdet()
    }

    /// Inverse (square matrices only).
    ///
    /// Never panics: if the matrix is singular (a pivot at or below `n·ε·max|a_ij|`, see
    /// [`Lu::is_singular`]) **every entry of the result is NaN**. Use [`try_inv`](Self::try_inv)
    /// to get `None` instead. Ill-conditioned but regular matrices (condition number below
    /// ~1/(n·ε)) are inverted, with the accuracy their conditioning allows.
    #[track_caller]
    pub fn inv(&self) -> Self
    where
        R: SquareForInverse<C>,
    {
        let (r, c) = self.shape_generic();
        Lu::new(self.as_square("the inverse `inv`"))
            .inverse()
            .reshape_generic(r, c)
    }

    /// Inverse, or `None` if the matrix is singular (the criterion of [`Lu::is_singular`]).
    #[track_caller]
    pub fn try_inv(&self) -> Option<Self>
    where
        R: SquareForInverse<C>,
    {
        let (r, c) = self.shape_generic();
        Lu::new(self.as_square("the inverse `inv`"))
            .try_inverse()
            .map(|m| m.reshape_generic(r, c))
    }

    /// `A⁻¹ B` through one LU factorisation (A⁻¹ is never formed). If A is singular (the
    /// criterion of [`Lu::is_singular`]) every entry is NaN; see [`try_solve`](Self::try_solve).
    #[track_caller]
    pub fn solve<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        let b = b.as_matrix().with_rows_of("`solve(A, B)`", self);
        Lu::new(self.as_square("`solve(A, B)`")).solve(&b)
    }

    /// `A⁻¹ B`, or `None` if A is singular (the criterion of [`Lu::is_singular`]).
    #[track_caller]
    pub fn try_solve<B: MatrixArg<T = T>>(&self, b: B) -> Option<Matrix<R, B::C, T>>
    where
        R: SquareForSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        let b = b.as_matrix().with_rows_of("`solve(A, B)`", self);
        Lu::new(self.as_square("`solve(A, B)`")).try_solve(&b)
    }

    /// Matrix power `Aᵏ` by repeated squaring: `k = 0` gives `I`, negative `k` the power of the
    /// inverse (all NaN if `A` is singular, as [`inv`](Self::inv)).
    #[track_caller]
    pub fn matpow(&self, k: i32) -> Self
    where
        R: SquareForMatpow<C>,
    {
        let (r, c) = self.shape_generic();
        let base = self.as_square("the matrix power `matpow`");
        let mut base = if k < 0 { Lu::new(base).inverse() } else { base };
        let mut e = k.unsigned_abs();
        let mut acc = Matrix::<R, R, T>::identity_generic(r, r);
        while e > 0 {
            if e & 1 == 1 {
                acc = &acc * &base;
            }
            e >>= 1;
            if e > 0 {
                base = &base * &base;
            }
        }
        acc.reshape_generic(r, c)
    }
}

#[cfg(test)]
// Borrowed operands are deliberate: every owned/borrowed operator combination is under test.
#[allow(clippy::op_ref)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use std::vec::Vec;
    use typenum::consts::*;

    /// Determinant by Laplace expansion along the first row: exponential, but an independent
    /// reference for small sizes.
    fn laplace_det(a: &[f64], n: usize) -> f64 {
        if n == 1 {
            return a[0];
        }
        (0..n)
            .map(|j| {
                let minor: [f64; 25] = core::array::from_fn(|idx| {
                    let (r, c) = (idx / (n - 1), idx % (n - 1));
                    if r < n - 1 {
                        a[(r + 1) * n + if c < j { c } else { c + 1 }]
                    } else {
                        0.0
                    }
                });
                let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
                sign * a[j] * laplace_det(&minor, n - 1)
            })
            .sum()
    }

    fn row_major<N: Dim>(m: &Matrix<N, N>) -> [f64; 25] {
        core::array::from_fn(|k| {
            if k < N::USIZE * N::USIZE {
                m[(k / N::USIZE, k % N::USIZE)]
            } else {
                0.0
            }
        })
    }

    fn check_random<N: Dim>(rng: &mut Rng) {
        // Diagonal shift keeps the random matrix well conditioned.
        let a = Matrix::<N, N>::from_fn(|i, j| rng.uniform() + if i == j { 3.0 } else { 0.0 });
        let det = laplace_det(&row_major(&a), N::USIZE);
        assert!((a.det() - det).abs() <= 1e-12 * det.abs().max(1.0));
        assert!((a.logdet() - det.abs().ln()).abs() < 1e-12);
        let inv = a.inv();
        assert!((&a * &inv).approx_eq(&Matrix::identity(), 1e-12, 1e-12));
        assert!((&inv * &a).approx_eq(&Matrix::identity(), 1e-12, 1e-12));
        assert_eq!(a.try_inv(), Some(inv.clone()));
        let b = Matrix::<N, U2>::from_fn(|_, _| rng.uniform());
        let x = a.lu().solve(&b);
        assert!((&a * &x).approx_eq(&b, 1e-12, 1e-12));
        // Powers against repeated multiplication.
        let mut p = Matrix::<N, N>::identity();
        for k in 0..6 {
            assert!(a.matpow(k).approx_eq(&p, 1e-12, 1e-12), "matpow({k})");
            p = &p * &a;
        }
        assert!(a.matpow(-2).approx_eq(&(&inv * &inv), 1e-12, 1e-12));
        assert_eq!(a.matpow(0), Matrix::identity());
    }

    #[test]
    fn well_conditioned_random_matrices() {
        let mut rng = Rng::new(31);
        for _ in 0..10 {
            check_random::<U1>(&mut rng);
            check_random::<U2>(&mut rng);
            check_random::<U3>(&mut rng);
            check_random::<U4>(&mut rng);
            check_random::<U5>(&mut rng);
        }
    }

    #[test]
    fn pivoting_handles_a_zero_leading_entry() {
        let a = Matrix::<U2, U2>::from_row_slice(&[0.0, 1.0, 1.0, 0.0]);
        assert_eq!(a.det(), -1.0);
        assert_eq!(a.inv(), a);
        assert_eq!(a.logdet(), 0.0);
    }

    #[test]
    fn singular_matrices_give_none_nan_and_minus_infinity() {
        let dup = Matrix::<U3, U3>::from_row_slice(&[1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 1.0, 0.0, 1.0]);
        let zero_col =
            Matrix::<U3, U3>::from_fn(|i, j| if j == 1 { 0.0 } else { (i + j + 1) as f64 });
        for a in [dup, zero_col, Matrix::zeros(), Matrix::ones()] {
            assert!(a.lu().is_singular());
            assert_eq!(a.try_inv(), None);
            assert!(a.inv().iter().all(|x| x.is_nan()));
            assert_eq!(a.det(), 0.0);
            assert_eq!(a.logdet(), f64::NEG_INFINITY);
            assert!(a.matpow(-1).iter().all(|x| x.is_nan()));
            assert!(a.matpow(3).iter().all(|x| x.is_finite()));
        }
        let bad = Matrix::<U2, U2>::from_row_slice(&[f64::NAN, 1.0, 1.0, 1.0]);
        assert_eq!(bad.try_inv(), None);
    }

    /// `A X = B` by Gauss–Jordan elimination with full pivoting on `f64` rows: a reference
    /// independent of `Lu`.
    fn reference_solve(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let n = a.len();
        let mut m: Vec<Vec<f64>> = (0..n)
            .map(|i| [a[i].clone(), b[i].clone()].concat())
            .collect();
        for k in 0..n {
            let p = (k..n)
                .max_by(|&x, &y| m[x][k].abs().total_cmp(&m[y][k].abs()))
                .unwrap();
            m.swap(k, p);
            let pivot = m[k][k];
            for v in m[k].iter_mut() {
                *v /= pivot;
            }
            for i in (0..n).filter(|&i| i != k) {
                let f = m[i][k];
                let row_k = m[k].clone();
                for (v, r) in m[i].iter_mut().zip(row_k) {
                    *v -= f * r;
                }
            }
        }
        m.into_iter().map(|row| row[n..].to_vec()).collect()
    }

    fn rows<R: Dim, C: Dim>(m: &Matrix<R, C>) -> Vec<Vec<f64>> {
        (0..R::USIZE)
            .map(|i| (0..C::USIZE).map(|j| m[(i, j)]).collect())
            .collect()
    }

    fn check_solve<N: Dim>(rng: &mut Rng) {
        let a = Matrix::<N, N>::from_fn(|i, j| rng.uniform() + if i == j { 2.0 } else { 0.0 });
        let b = Matrix::<N, U3>::from_fn(|_, _| rng.uniform());
        let x = a.solve(&b);
        let want = reference_solve(&rows(&a), &rows(&b));
        for i in 0..N::USIZE {
            for j in 0..3 {
                assert!((x[(i, j)] - want[i][j]).abs() < 1e-12, "x[{i},{j}]");
            }
        }
        assert!((&a * &x).approx_eq(&b, 1e-12, 1e-12));
        assert_eq!(a.try_solve(&b), Some(x.clone()));
        let lu = a.lu();
        assert_eq!(lu.solve(&b), x);
        // Aᵀ X = B with the same factors.
        let xt = lu.solve_transpose(&b);
        assert!((&a.t() * &xt).approx_eq(&b, 1e-12, 1e-12));
        assert!(xt.approx_eq(&a.t().solve(&b), 1e-12, 1e-12));
        // f32: residual at single precision.
        let a32 = a.map(|v| v as f32);
        let b32 = b.map(|v| v as f32);
        let x32 = a32.solve(&b32);
        assert!((&a32 * &x32).approx_eq(&b32, 1e-5, 1e-5));
        assert!((&a32.t() * &a32.lu().solve_transpose(&b32)).approx_eq(&b32, 1e-5, 1e-5));
    }

    #[test]
    fn solve_matches_a_reference_and_leaves_small_residuals() {
        let mut rng = Rng::new(11);
        for _ in 0..10 {
            check_solve::<U1>(&mut rng);
            check_solve::<U2>(&mut rng);
            check_solve::<U4>(&mut rng);
            check_solve::<U7>(&mut rng);
        }
    }

    /// A numerically singular n×n matrix of rank n − 1: row k is k + 1 times the first row plus
    /// a multiple of the ones vector (entries i·n + j + 1, like [[1,2,3],[4,5,6],[7,8,9]]).
    fn counting<N: Dim>(scale: f64) -> Matrix<N, N> {
        Matrix::from_fn(|i, j| (i * N::USIZE + j + 1) as f64 * scale)
    }

    fn assert_singular<N: Dim>(a: &Matrix<N, N>) {
        assert!(a.lu().is_singular(), "{a:?}");
        assert_eq!(a.try_inv(), None, "{a:?}");
        assert!(a.inv().iter().all(|x| x.is_nan()));
        let b = Matrix::<N, U2>::from_element(1.0);
        assert_eq!(a.try_solve(&b), None);
        assert!(a.solve(&b).iter().all(|x| x.is_nan()));
        assert!(a.lu().solve_transpose(&b).iter().all(|x| x.is_nan()));
    }

    #[test]
    fn numerically_singular_matrices_are_detected_at_any_scale() {
        let m = Matrix::<U3, U3>::from_row_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        // The case of issue 15: the last pivot is ~1e-16, not 0.
        assert_ne!(m.det(), 0.0);
        assert_singular(&m);
        for scale in [1e-200, 1e-100, 1.0, 1e100, 1e200] {
            assert_singular(&counting::<U3>(scale));
            assert_singular(&counting::<U4>(scale));
            assert_singular(&counting::<U6>(scale));
            assert_singular(&counting::<U10>(scale));
            assert_singular(&(Matrix::<U5, U5>::ones() * scale));
            // A rank-deficient product: a random 5×3 times a random 3×5.
            let mut rng = Rng::new(3);
            let l = Matrix::<U5, U3>::from_fn(|_, _| rng.uniform());
            let r = Matrix::<U3, U5>::from_fn(|_, _| rng.uniform());
            assert_singular(&((l * r) * scale));
        }
        let f32_case =
            Matrix::<U3, U3, f32>::from_row_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        assert_eq!(f32_case.try_inv(), None);
        assert!(f32_case.inv().iter().all(|x| x.is_nan()));
        assert_eq!(f32_case.try_cholesky(), None);
    }

    #[test]
    fn ill_conditioned_regular_matrices_still_invert() {
        // Hilbert 8×8, condition ~1.5e10, at several scales.
        let hilbert = Matrix::<U8, U8>::from_fn(|i, j| 1.0 / (i + j + 1) as f64);
        for scale in [1e-200, 1.0, 1e200] {
            let h = hilbert * scale;
            let inv = h.try_inv().expect("Hilbert 8×8 is regular");
            // Forward error ~ cond·ε: compare A A⁻¹ with I loosely.
            assert!(
                (&h * &inv).approx_eq(&Matrix::identity(), 0.0, 1e-5),
                "scale {scale}"
            );
            let x = h.solve(Matrix::<U8, U1>::ones());
            assert!((&h * &x).approx_eq(&Matrix::ones(), 0.0, 1e-8 * scale.max(1.0)));
        }
        // Condition 1e10 by construction: Q diag(1, 1e-10) Qᵀ with a rotation Q.
        let (c, s) = (0.6, 0.8);
        let q = Matrix::<U2, U2>::from_row_slice(&[c, -s, s, c]);
        let d = Matrix::<U2, U1>::from_column_slice(&[1.0, 1e-10]).diag();
        let a = &q * &d * q.t();
        let inv = a.try_inv().expect("condition 1e10 is regular");
        let want = &q * Matrix::<U2, U1>::from_column_slice(&[1.0, 1e10]).diag() * q.t();
        assert!(inv.approx_eq(&want, 1e-5, 0.0));
        // f32: condition 1e4 inverts, a pivot at f32 rounding level does not.
        let a32 = Matrix::<U2, U2, f32>::from_row_slice(&[1.0, 1.0, 1.0, 1.0001]);
        assert!(a32.try_inv().is_some());
    }

    #[test]
    fn small_regular_matrices_use_the_closed_form_and_agree_with_lu() {
        fn agree<N: Dim + SquareForLu<N>>(rng: &mut Rng, scale: f64) {
            let a = Matrix::<N, N>::from_fn(|i, j| {
                scale * (rng.uniform() + if i == j { 2.0 } else { 0.0 })
            });
            let b = Matrix::<N, U2>::from_fn(|_, _| rng.uniform());
            let (closed, lu) = (Lu::new(a.clone()), Lu::factorise(a.clone()));
            assert!(closed.closed_det.is_some() && lu.closed_det.is_none());
            let rel = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs().max(f64::MIN_POSITIVE);
            assert!(
                rel(closed.det(), lu.det()),
                "{} vs {}",
                closed.det(),
                lu.det()
            );
            assert!((closed.logdet() - lu.logdet()).abs() < 1e-12 * lu.logdet().abs().max(1.0));
            let close = |x: &Matrix<N, N>, y: &Matrix<N, N>| x.approx_eq(y, 1e-11, 0.0);
            assert!(close(&closed.inverse(), &lu.inverse()));
            let (xs, xl) = (closed.solve(&b), lu.solve(&b));
            assert!(xs.approx_eq(&xl, 1e-11, 1e-12 / scale));
            let (ts, tl) = (closed.solve_transpose(&b), lu.solve_transpose(&b));
            assert!(ts.approx_eq(&tl, 1e-11, 1e-12 / scale));
        }
        let mut rng = Rng::new(5);
        for scale in [1e-60, 1e-3, 1.0, 1e3, 1e60] {
            for _ in 0..10 {
                agree::<U1>(&mut rng, scale);
                agree::<U2>(&mut rng, scale);
                agree::<U3>(&mut rng, scale);
                agree::<U4>(&mut rng, scale);
            }
        }
        // Out of the closed form's range (‖A‖⁴ overflows): LU, and still the right answer.
        let huge = Matrix::<U4, U1>::from_element(1e100).diag();
        assert!(huge.lu().closed_det.is_none());
        assert!((huge.logdet() - 4.0 * 1e100f64.ln()).abs() < 1e-10);
        // Numerically singular: LU decides (issue 15's matrix keeps its documented results).
        let m = Matrix::<U3, U3>::from_row_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        assert!(m.lu().closed_det.is_none() && m.lu().is_singular());
    }

    #[test]
    fn logdet_survives_under_and_overflow() {
        let tiny = Matrix::<U4, U1>::from_element(1e-200).diag();
        assert_eq!(tiny.det(), 0.0); // underflows, as documented
        let want = 4.0 * 1e-200f64.ln();
        assert!((tiny.logdet() - want).abs() < 1e-12 * want.abs());
        let huge = Matrix::<U4, U1>::from_element(1e200).diag();
        assert_eq!(huge.det(), f64::INFINITY);
        assert!((huge.logdet() - 4.0 * 1e200f64.ln()).abs() < 1e-10);
        let neg = Matrix::<U2, U1>::from_column_slice(&[-2.0, 3.0]).diag();
        assert!((neg.logdet() - 6f64.ln()).abs() < 1e-15);
        assert_eq!(neg.det(), -6.0);
    }

    #[test]
    fn f32_matrices_work() {
        let a = Matrix::<U2, U2, f32>::from_row_slice(&[4.0, 7.0, 2.0, 6.0]);
        assert!((a.det() - 10.0).abs() < 1e-5);
        assert!((a * a.inv()).approx_eq(&Matrix::identity(), 1e-5, 1e-5));
    }
}
