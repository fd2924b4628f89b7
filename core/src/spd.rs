//! Kernels that read a Cholesky factor L (the lower triangle of a square matrix): forward
//! substitution `L X = B`, back substitution with the transpose `Lᵀ X = B`, the solve
//! `(L Lᵀ)⁻¹ B` and the inverse `(L Lᵀ)⁻¹`. Generated derivatives of programs through
//! `cholesky` spend their time here (the gradient of ½ yᵀK⁻¹y + ½ logdet K is ½(K⁻¹ − ααᵀ) with
//! K⁻¹ from L), so these work on the column-major slices in place: the substitutions run along
//! contiguous columns of L, no triangle or operand is copied, and from
//! [`LU_FAER_MIN`](crate::linalg::LU_FAER_MIN) on (`f64`/`f32`, feature `faer`) faer does the work.
//!
//! Every kernel applies the criterion of the triangular solves: a diagonal entry at or below
//! `n·ε·max|l_ij|` (over the triangle read) or a non-finite entry gives all NaN.

use crate::arg::MatrixArg;
use crate::check;
use crate::cholesky::all_strict_lower_tiled;
use crate::dim::Dim;
use crate::dot::dot;
use crate::linalg::{max_abs_if_finite, pivot_passes, threshold_for};
use crate::matrix::Matrix;
use crate::scalar::Scalar;
use crate::shape_errors::{RowsAgreeForSolve, SquareForTriangularSolve};

/// Whether the lower triangle of the `n × n` column-major `l` passes the criterion (one pass
/// over the contiguous column segments, so it stays O(n²) with a small constant).
pub(crate) fn lower_usable<T: Scalar>(l: &[T], n: usize) -> bool {
    let mut scale = T::zero();
    for j in 0..n {
        match max_abs_if_finite(&l[j * n + j..(j + 1) * n]) {
            Some(a) if a > scale => scale = a,
            Some(_) => {}
            None => return false,
        }
    }
    let threshold = threshold_for(n, scale);
    (0..n).all(|i| pivot_passes(l[i * n + i], threshold))
}

/// What a kernel knows of the L it reads, and so how much of L it checks.
#[derive(Clone, Copy)]
pub(crate) enum Factor {
    /// Any matrix: the full criterion ([`lower_usable`], n²/2 reads).
    Any,
    /// The result of [`cholesky`](Matrix::cholesky): either a factor it accepted, which always
    /// passes the criterion, or all NaN, which a NaN on the diagonal shows (n reads). Accepted
    /// means l_jj² > n·ε·max|a_ij| ≥ n·ε·max a_ii; with |l_ij| ≤ √a_ii (row i of L L ᵀ sums
    /// to a_ii) that gives l_jj > √(n·ε)·√(max a_ii) ≥ n·ε·max|l_ij|, with a margin of
    /// 1/√(n·ε) ≈ 10⁶ over rounding, and every entry is finite.
    FromCholesky,
}

/// Whether the kernels may read `l` (`n × n`) as the factor `trust` says it is.
fn usable<T: Scalar>(l: &[T], n: usize, trust: Factor) -> bool {
    match trust {
        Factor::Any => lower_usable(l, n),
        Factor::FromCholesky => l.iter().step_by(n + 1).take(n).all(|d| !d.is_nan()),
    }
}

/// `L X = B` in place (`x` is `n × cols`, column-major): per column, each solved entry is
/// subtracted along the contiguous column of L below the diagonal.
pub(crate) fn forward_in_place<T: Scalar>(l: &[T], n: usize, x: &mut [T], cols: usize) {
    #[cfg(feature = "faer")]
    if n >= crate::linalg::LU_FAER_MIN {
        use crate::large::{triangular_solve_in_place, Triangle};
        if triangular_solve_in_place(l, n, Triangle::Lower, false, x, cols) {
            return;
        }
    }
    for xj in x.chunks_exact_mut(n).take(cols) {
        for k in 0..n {
            let column = &l[k * n..(k + 1) * n];
            let v = xj[k] / column[k];
            xj[k] = v;
            for (xi, &lik) in xj[k + 1..].iter_mut().zip(&column[k + 1..]) {
                *xi -= lik * v;
            }
        }
    }
}

/// `Lᵀ X = B` in place, reading L: entry i is a dot product of column i of L below the
/// diagonal with the entries already solved.
pub(crate) fn backward_transpose_in_place<T: Scalar>(l: &[T], n: usize, x: &mut [T], cols: usize) {
    #[cfg(feature = "faer")]
    if n >= crate::linalg::LU_FAER_MIN {
        use crate::large::{triangular_solve_in_place, Triangle};
        if triangular_solve_in_place(l, n, Triangle::Upper, true, x, cols) {
            return;
        }
    }
    for xj in x.chunks_exact_mut(n).take(cols) {
        for i in (0..n).rev() {
            let column = &l[i * n..(i + 1) * n];
            let s = xj[i] - dot(&column[i + 1..], &xj[i + 1..]);
            xj[i] = s / column[i];
        }
    }
}

/// The lower triangle of `(L Lᵀ)⁻¹` into `out` (`n × n`) by substitution: W = L⁻¹ (lower
/// triangular, n³/6 multiply-adds) into the scratch `w`, then the lower triangle of Wᵀ W
/// (another n³/6). Below the faer threshold, or for scalars faer does not take.
fn cholesky_inverse_lower<T: Scalar>(l: &[T], n: usize, w: &mut [T], out: &mut [T]) {
    // Column j of W solves L w = e_j; its entries above j are zero.
    for j in 0..n {
        let wj = &mut w[j * n..(j + 1) * n];
        wj.iter_mut().for_each(|v| *v = T::zero());
        wj[j] = T::one();
        for k in j..n {
            let column = &l[k * n..(k + 1) * n];
            let v = wj[k] / column[k];
            wj[k] = v;
            for (wi, &lik) in wj[k + 1..].iter_mut().zip(&column[k + 1..]) {
                *wi -= lik * v;
            }
        }
    }
    // (Wᵀ W)_ij = Σ_{k ≥ i} W_ki W_kj for i ≥ j.
    for j in 0..n {
        for i in j..n {
            out[j * n + i] = dot(&w[i * n + i..(i + 1) * n], &w[j * n + i..(j + 1) * n]);
        }
    }
}

/// Copies the strict lower triangle of the `n × n` column-major `m` onto its upper triangle,
/// tile by tile (see [`all_strict_lower_tiled`]).
fn mirror_lower<T: Scalar>(m: &mut [T], n: usize) {
    all_strict_lower_tiled(n, |rows, j| {
        for i in rows {
            m[i * n + j] = m[j * n + i];
        }
        true
    });
}

impl<R: Dim, C: Dim, T: Scalar> Matrix<R, C, T> {
    /// `(L Lᵀ)⁻¹` for the Cholesky factor L in the lower triangle of `self` (the strict upper
    /// triangle is ignored): the inverse of the symmetric positive definite `A = L Lᵀ`,
    /// without factoring A again. All NaN under the criterion of
    /// [`solve_lower_triangular`](Self::solve_lower_triangular).
    #[track_caller]
    pub fn cholesky_inverse(&self) -> Self
    where
        R: SquareForTriangularSolve<C>,
    {
        self.factor_inverse(Factor::Any)
    }

    /// [`cholesky_inverse`](Self::cholesky_inverse) of a factor as `trust` vouches for it.
    #[track_caller]
    pub(crate) fn factor_inverse(&self, trust: Factor) -> Self {
        check::square("`cholesky_inverse`", self.shape());
        let n = self.nrows();
        let (r, c) = self.shape_generic();
        let l = self.as_slice();
        if !usable(l, n, trust) {
            return Matrix::from_element_generic(r, c, T::NAN);
        }
        let mut out = Matrix::zeros_generic(r, c);
        #[cfg(feature = "faer")]
        let done = n >= crate::linalg::LU_FAER_MIN
            && crate::large::cholesky_inverse(l, n, out.as_mut_slice());
        #[cfg(not(feature = "faer"))]
        let done = false;
        if !done {
            // The scratch W only where faer does not run (inline for small static sizes).
            let mut w = Matrix::<R, C, T>::zeros_generic(r, c);
            cholesky_inverse_lower(l, n, w.as_mut_slice(), out.as_mut_slice());
        }
        mirror_lower(out.as_mut_slice(), n);
        out
    }

    /// `(L Lᵀ)⁻¹ B` for the Cholesky factor L in the lower triangle of `self`: forward then back
    /// substitution, in place in the result. All NaN under the criterion of
    /// [`solve_lower_triangular`](Self::solve_lower_triangular), or if B has a non-finite entry.
    #[track_caller]
    pub fn cholesky_solve<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.factor_solve(b.as_matrix(), Factor::Any)
    }

    /// [`cholesky_solve`](Self::cholesky_solve) with a factor as `trust` vouches for it.
    #[track_caller]
    pub(crate) fn factor_solve<R2: Dim, C2: Dim>(
        &self,
        b: &Matrix<R2, C2, T>,
        trust: Factor,
    ) -> Matrix<R, C2, T> {
        let mut x = self.substitution_operand(b, "`cholesky_solve`");
        let (n, cols) = (self.nrows(), x.ncols());
        if usable(self.as_slice(), n, trust) && x.iter().all(|v| v.is_finite()) {
            forward_in_place(self.as_slice(), n, x.as_mut_slice(), cols);
            backward_transpose_in_place(self.as_slice(), n, x.as_mut_slice(), cols);
        } else {
            x.as_mut_slice().iter_mut().for_each(|v| *v = T::NAN);
        }
        x
    }

    /// `L X = B` (or `Lᵀ X = B` when `transposed`) for L the lower triangle of `self`, all NaN
    /// under the criterion (as far as `trust` asks): the body of the public triangular solves
    /// with a lower triangle.
    #[track_caller]
    pub(crate) fn lower_substitution<R2: Dim, C2: Dim>(
        &self,
        b: &Matrix<R2, C2, T>,
        transposed: bool,
        trust: Factor,
    ) -> Matrix<R, C2, T> {
        let mut x = self.substitution_operand(b, "a triangular solve");
        let (n, cols) = (self.nrows(), x.ncols());
        if usable(self.as_slice(), n, trust) && x.iter().all(|v| v.is_finite()) {
            if transposed {
                backward_transpose_in_place(self.as_slice(), n, x.as_mut_slice(), cols);
            } else {
                forward_in_place(self.as_slice(), n, x.as_mut_slice(), cols);
            }
        } else {
            x.as_mut_slice().iter_mut().for_each(|v| *v = T::NAN);
        }
        x
    }

    /// For generated code, which calls these on the result of `cholesky` only: the kernels of
    /// [`solve_lower_triangular`](Self::solve_lower_triangular),
    /// [`solve_lower_triangular_transpose`](Self::solve_lower_triangular_transpose),
    /// [`cholesky_solve`](Self::cholesky_solve) and [`cholesky_inverse`](Self::cholesky_inverse)
    /// with the same results there, but checking only L's diagonal for the NaN of a refused
    /// factorization instead of the n²/2 entries of the criterion (see [`Factor::FromCholesky`]
    /// for why an accepted factor always passes it). On any other matrix the result is
    /// unspecified (possibly non-finite), never a panic or an out-of-bounds read.
    #[doc(hidden)]
    #[track_caller]
    pub fn solve_lower_triangular_of_factor<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.lower_substitution(b.as_matrix(), false, Factor::FromCholesky)
    }

    /// See [`solve_lower_triangular_of_factor`](Self::solve_lower_triangular_of_factor).
    #[doc(hidden)]
    #[track_caller]
    pub fn solve_lower_triangular_transpose_of_factor<B: MatrixArg<T = T>>(
        &self,
        b: B,
    ) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.lower_substitution(b.as_matrix(), true, Factor::FromCholesky)
    }

    /// See [`solve_lower_triangular_of_factor`](Self::solve_lower_triangular_of_factor).
    #[doc(hidden)]
    #[track_caller]
    pub fn cholesky_solve_of_factor<B: MatrixArg<T = T>>(&self, b: B) -> Matrix<R, B::C, T>
    where
        R: SquareForTriangularSolve<C>,
        B::R: RowsAgreeForSolve<R>,
    {
        self.factor_solve(b.as_matrix(), Factor::FromCholesky)
    }

    /// See [`solve_lower_triangular_of_factor`](Self::solve_lower_triangular_of_factor).
    #[doc(hidden)]
    #[track_caller]
    pub fn cholesky_inverse_of_factor(&self) -> Self
    where
        R: SquareForTriangularSolve<C>,
    {
        self.factor_inverse(Factor::FromCholesky)
    }

    /// B copied into the result type of a substitution with `self` (its rows), after the run-time
    /// shape checks a `Dyn` dimension needs.
    #[track_caller]
    pub(crate) fn substitution_operand<R2: Dim, C2: Dim>(
        &self,
        b: &Matrix<R2, C2, T>,
        what: &str,
    ) -> Matrix<R, C2, T> {
        check::square(what, self.shape());
        b.with_rows_of(what, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;

    /// A random Cholesky factor: lower triangular with a positive diagonal.
    fn factor<N: Dim>(rng: &mut Rng) -> Matrix<N, N> {
        Matrix::from_fn(|i, j| match i.cmp(&j) {
            core::cmp::Ordering::Greater => rng.uniform(),
            core::cmp::Ordering::Equal => 1.0 + rng.uniform().abs(),
            core::cmp::Ordering::Less => 0.0,
        })
    }

    /// Against the LU inverse and solve of A = L Lᵀ (an independent factorization), at sizes on
    /// both sides of the faer threshold; the strict upper triangle of the factor is ignored.
    fn check<N: Dim>(rng: &mut Rng) {
        let l = factor::<N>(rng);
        let a = &l * l.t();
        let mut noisy = l.clone();
        for j in 1..N::USIZE {
            noisy[(0, j)] = 99.0;
        }
        let inv = noisy.cholesky_inverse();
        assert!(
            inv.approx_eq(&a.inv(), 1e-9, 1e-9),
            "inverse at n = {}",
            N::USIZE
        );
        assert_eq!(inv, inv.t(), "exactly symmetric");
        let b = Matrix::<N, U3>::from_fn(|_, _| rng.uniform());
        let x = noisy.cholesky_solve(&b);
        assert!(
            x.approx_eq(&a.solve(&b), 1e-9, 1e-9),
            "solve at n = {}",
            N::USIZE
        );
        let y = noisy.solve_lower_triangular(&b);
        assert!((&l * y).approx_eq(&b, 1e-10, 1e-10));
        let z = noisy.solve_lower_triangular_transpose(&b);
        assert!((l.t() * z).approx_eq(&b, 1e-10, 1e-10));
    }

    #[test]
    fn kernels_agree_with_the_lu_of_the_product() {
        let mut rng = Rng::new(5);
        check::<U1>(&mut rng);
        check::<U2>(&mut rng);
        check::<U5>(&mut rng);
        check::<U8>(&mut rng);
        check::<U31>(&mut rng);
        check::<U32>(&mut rng);
        check::<U40>(&mut rng);
    }

    /// The `_of_factor` kernels generated code calls on the result of `cholesky` give exactly
    /// what the checked ones do, at `Dyn` sizes on both sides of the faer threshold, f64 and
    /// f32; on a refused factorization (indefinite, NaN, asymmetric input) they give all NaN.
    #[test]
    fn factor_kernels_match_the_checked_ones() {
        use crate::dim::Dyn;
        let mut rng = Rng::new(9);
        for n in [1usize, 5, 31, 32, 40, 77] {
            let b = Matrix::<Dyn, Dyn>::from_fn_dyn(n, n, |_, _| rng.uniform());
            let a = b.mul_tr(&b).add_scaled_identity(0.5);
            let rhs = Matrix::<Dyn, Dyn>::from_fn_dyn(n, 3, |_, _| rng.uniform());
            let l = a.cholesky();
            assert_eq!(
                l.cholesky_inverse_of_factor(),
                l.cholesky_inverse(),
                "n = {n}"
            );
            assert_eq!(l.cholesky_solve_of_factor(&rhs), l.cholesky_solve(&rhs));
            assert_eq!(
                l.solve_lower_triangular_of_factor(&rhs),
                l.solve_lower_triangular(&rhs)
            );
            assert_eq!(
                l.solve_lower_triangular_transpose_of_factor(&rhs),
                l.solve_lower_triangular_transpose(&rhs)
            );
            let a32 = a.map(|v| v as f32);
            let l32 = a32.cholesky();
            assert_eq!(l32.cholesky_inverse_of_factor(), l32.cholesky_inverse());
            let mut indefinite = a.clone();
            indefinite[(n / 2, n / 2)] = -1.0;
            let mut nan = a.clone();
            nan[(0, n - 1)] = f64::NAN;
            let mut asymmetric = a.clone();
            asymmetric[(n - 1, 0)] += 1e-3;
            let refused: &[Matrix<Dyn, Dyn>] = if n > 1 {
                &[indefinite, nan, asymmetric]
            } else {
                &[indefinite, nan]
            };
            for bad in refused {
                let l = bad.cholesky();
                let all_nan = |m: &Matrix<Dyn, Dyn>| m.iter().all(|v| v.is_nan());
                assert!(all_nan(&l.cholesky_inverse_of_factor()), "n = {n}");
                assert!(all_nan(&l.cholesky_solve_of_factor(&rhs)));
                assert!(all_nan(&l.solve_lower_triangular_of_factor(&rhs)));
                assert!(all_nan(&l.solve_lower_triangular_transpose_of_factor(&rhs)));
            }
        }
    }

    #[test]
    fn a_refused_factor_gives_nan() {
        let singular = Matrix::<U2, U2>::from_row_slice(&[1.0, 0.0, 3.0, 0.0]);
        assert!(singular.cholesky_inverse().iter().all(|v| v.is_nan()));
        let b = Matrix::<U2, U1>::ones();
        assert!(singular.cholesky_solve(&b).iter().all(|v| v.is_nan()));
        let nan = Matrix::<U2, U2>::from_row_slice(&[1.0, 0.0, f64::NAN, 1.0]);
        assert!(nan.cholesky_inverse().iter().all(|v| v.is_nan()));
        let f = Matrix::<U2, U2, f32>::from_row_slice(&[2.0, 0.0, 1.0, 1.0]);
        let a = f * f.t();
        assert!(f.cholesky_inverse().approx_eq(&a.inv(), 1e-5, 1e-5));
    }
}
