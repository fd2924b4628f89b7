//! Closed-form determinant and adjugate of 1×1 … 4×4 matrices, for [`crate::Lu`] at small
//! sizes: at n ≤ 4 a cofactor formula is a few dozen multiply-adds with no pivot search, no
//! row swaps and no triangular solves, which is what costs at n = 3 (a call is nanoseconds).
//!
//! The singularity rule stays the LU path's (module docs of `linalg`): a pivot of partial-pivoted
//! LU at or below `t = n·ε·‖A‖_max`. Closed forms have no pivots, so [`certainly_regular`]
//! accepts only matrices whose determinant proves every LU pivot is above `t`: with partial
//! pivoting `|u_kk| ≤ 2ᵏ‖A‖_max`, so a pivot ≤ t forces `|det A| ≤ t·2^(n(n−1)/2)·‖A‖_max^(n−1)`.
//! A determinant [`MARGIN`] times above that bound (the margin absorbs the rounding of both
//! computations) cannot come from a matrix LU calls singular. Everything else — singular,
//! nearly singular, non-finite or so badly scaled that `‖A‖ⁿ` leaves the floating-point range —
//! goes through LU as before, so its verdict, its NaN results and `try_*` → `None` are unchanged.

use crate::scalar::Scalar;

/// The largest size computed in closed form.
pub(crate) const CLOSED_FORM_MAX: usize = 4;

/// How far above the pivot bound a determinant must be to skip LU's verdict.
const MARGIN: f64 = 8.0;

/// `max |a_ij|`, or `None` if an entry is not finite.
pub(crate) fn max_abs<T: Scalar>(a: &[T]) -> Option<T> {
    let mut norm = T::zero();
    for &x in a {
        if !x.is_finite() {
            return None;
        }
        norm = norm.max(x.abs());
    }
    Some(norm)
}

/// Whether `det` (of an n×n matrix with `max |a_ij| = norm`) proves that LU with partial
/// pivoting finds every pivot above `n·ε·norm`, with `normⁿ` safely inside the range of `T`.
pub(crate) fn certainly_regular<T: Scalar>(det: T, norm: T, n: usize) -> bool {
    let norm_n = norm.powi(n as i32);
    let eps = T::EPSILON;
    // normⁿ neither overflows (with room for the sums of the formulas) nor comes near the
    // subnormal range (where the bound below would lose its precision).
    let in_range =
        (norm_n * T::from_f64(64.0)).is_finite() && (norm_n * eps * eps).recip().is_finite();
    let growth = T::from_f64((1u64 << (n * n.saturating_sub(1) / 2)) as f64);
    let bound = T::from_f64(MARGIN * n as f64) * growth * eps * norm_n;
    in_range && det.abs() > bound
}

/// Entry (i, j) of the column-major n×n matrix `a`.
#[inline(always)]
fn at<T: Copy>(a: &[T], n: usize, i: usize, j: usize) -> T {
    a[i + n * j]
}

/// The determinant of the column-major n×n matrix `a`, n ≤ 4, by cofactors.
#[inline]
pub(crate) fn det<T: Scalar>(a: &[T], n: usize) -> T {
    let e = |i, j| at(a, n, i, j);
    match n {
        0 => T::one(),
        1 => e(0, 0),
        2 => e(0, 0) * e(1, 1) - e(0, 1) * e(1, 0),
        3 => {
            e(0, 0) * (e(1, 1) * e(2, 2) - e(1, 2) * e(2, 1))
                + e(0, 1) * (e(1, 2) * e(2, 0) - e(1, 0) * e(2, 2))
                + e(0, 2) * (e(1, 0) * e(2, 1) - e(1, 1) * e(2, 0))
        }
        _ => {
            let (s, c) = minors4(a);
            s[0] * c[5] - s[1] * c[4] + s[2] * c[3] + s[3] * c[2] - s[4] * c[1] + s[5] * c[0]
        }
    }
}

/// The 2×2 minors of rows 0–1 (`s`) and rows 2–3 (`c`) of a 4×4 matrix, shared by its
/// determinant and its adjugate.
#[inline(always)]
fn minors4<T: Scalar>(a: &[T]) -> ([T; 6], [T; 6]) {
    let e = |i, j| at(a, 4, i, j);
    let pair = |r: usize, j: usize, l: usize| e(r, j) * e(r + 1, l) - e(r + 1, j) * e(r, l);
    let s = [
        pair(0, 0, 1),
        pair(0, 0, 2),
        pair(0, 0, 3),
        pair(0, 1, 2),
        pair(0, 1, 3),
        pair(0, 2, 3),
    ];
    let c = [
        pair(2, 0, 1),
        pair(2, 0, 2),
        pair(2, 0, 3),
        pair(2, 1, 2),
        pair(2, 1, 3),
        pair(2, 2, 3),
    ];
    (s, c)
}

/// `adj(A) · scale` into `out` (column-major n×n, n ≤ 4): with `scale = 1/det A` this is A⁻¹.
#[inline]
pub(crate) fn scaled_adjugate<T: Scalar>(a: &[T], n: usize, scale: T, out: &mut [T]) {
    let e = |i, j| at(a, n, i, j);
    let mut put = |i: usize, j: usize, v: T| out[i + n * j] = v * scale;
    match n {
        0 => {}
        1 => put(0, 0, T::one()),
        2 => {
            put(0, 0, e(1, 1));
            put(0, 1, -e(0, 1));
            put(1, 0, -e(1, 0));
            put(1, 1, e(0, 0));
        }
        3 => {
            let m = |i0, j0, i1, j1| e(i0, j0) * e(i1, j1);
            put(0, 0, m(1, 1, 2, 2) - m(1, 2, 2, 1));
            put(0, 1, m(0, 2, 2, 1) - m(0, 1, 2, 2));
            put(0, 2, m(0, 1, 1, 2) - m(0, 2, 1, 1));
            put(1, 0, m(1, 2, 2, 0) - m(1, 0, 2, 2));
            put(1, 1, m(0, 0, 2, 2) - m(0, 2, 2, 0));
            put(1, 2, m(0, 2, 1, 0) - m(0, 0, 1, 2));
            put(2, 0, m(1, 0, 2, 1) - m(1, 1, 2, 0));
            put(2, 1, m(0, 1, 2, 0) - m(0, 0, 2, 1));
            put(2, 2, m(0, 0, 1, 1) - m(0, 1, 1, 0));
        }
        _ => {
            let (s, c) = minors4(a);
            put(0, 0, e(1, 1) * c[5] - e(1, 2) * c[4] + e(1, 3) * c[3]);
            put(0, 1, -e(0, 1) * c[5] + e(0, 2) * c[4] - e(0, 3) * c[3]);
            put(0, 2, e(3, 1) * s[5] - e(3, 2) * s[4] + e(3, 3) * s[3]);
            put(0, 3, -e(2, 1) * s[5] + e(2, 2) * s[4] - e(2, 3) * s[3]);
            put(1, 0, -e(1, 0) * c[5] + e(1, 2) * c[2] - e(1, 3) * c[1]);
            put(1, 1, e(0, 0) * c[5] - e(0, 2) * c[2] + e(0, 3) * c[1]);
            put(1, 2, -e(3, 0) * s[5] + e(3, 2) * s[2] - e(3, 3) * s[1]);
            put(1, 3, e(2, 0) * s[5] - e(2, 2) * s[2] + e(2, 3) * s[1]);
            put(2, 0, e(1, 0) * c[4] - e(1, 1) * c[2] + e(1, 3) * c[0]);
            put(2, 1, -e(0, 0) * c[4] + e(0, 1) * c[2] - e(0, 3) * c[0]);
            put(2, 2, e(3, 0) * s[4] - e(3, 1) * s[2] + e(3, 3) * s[0]);
            put(2, 3, -e(2, 0) * s[4] + e(2, 1) * s[2] - e(2, 3) * s[0]);
            put(3, 0, -e(1, 0) * c[3] + e(1, 1) * c[1] - e(1, 2) * c[0]);
            put(3, 1, e(0, 0) * c[3] - e(0, 1) * c[1] + e(0, 2) * c[0]);
            put(3, 2, -e(3, 0) * s[3] + e(3, 1) * s[1] - e(3, 2) * s[0]);
            put(3, 3, e(2, 0) * s[3] - e(2, 1) * s[1] + e(2, 2) * s[0]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use std::vec::Vec;

    /// Determinant by Laplace expansion along the first row: an independent reference.
    fn laplace(a: &[f64], n: usize) -> f64 {
        if n == 1 {
            return a[0];
        }
        (0..n)
            .map(|j| {
                let minor: Vec<f64> = (0..n - 1)
                    .flat_map(|c| {
                        let col = if c < j { c } else { c + 1 };
                        (1..n).map(move |r| (r, col))
                    })
                    .map(|(r, col)| a[r + n * col])
                    .collect();
                let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
                sign * a[n * j] * laplace(&minor, n - 1)
            })
            .sum()
    }

    #[test]
    fn determinant_and_adjugate_match_laplace_and_the_identity() {
        let mut rng = Rng::new(11);
        for n in 1..=CLOSED_FORM_MAX {
            for _ in 0..20 {
                let a: Vec<f64> = (0..n * n).map(|_| rng.uniform()).collect();
                let d = det(&a, n);
                let want = laplace(&a, n);
                assert!((d - want).abs() < 1e-13, "n = {n}: {d} vs {want}");
                // A · adj(A) = det(A) I, entry by entry.
                let mut adj = std::vec![0.0; n * n];
                scaled_adjugate(&a, n, 1.0, &mut adj);
                for i in 0..n {
                    for j in 0..n {
                        let p: f64 = (0..n).map(|k| a[i + n * k] * adj[k + n * j]).sum();
                        let want = if i == j { d } else { 0.0 };
                        assert!((p - want).abs() < 1e-13, "n = {n} ({i}, {j}): {p}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_regularity_test_refuses_near_singular_and_out_of_range_matrices() {
        // [[1,2,3],[4,5,6],[7,8,9]] (column-major): LU calls it singular, so must this.
        let counting = [1.0, 4.0, 7.0, 2.0, 5.0, 8.0, 3.0, 6.0, 9.0];
        assert!(!certainly_regular(det(&counting, 3), 9.0, 3));
        let identity = [1.0, 0.0, 0.0, 1.0];
        assert!(certainly_regular(det(&identity, 2), 1.0, 2));
        assert!(!certainly_regular(0.0, 0.0, 2));
        // ‖A‖⁴ overflows or underflows: LU decides.
        assert!(!certainly_regular(1.0, 1e100, 4));
        assert!(!certainly_regular(1e-320, 1e-80, 4));
        assert!(certainly_regular(1e-160, 1e-40, 4));
    }
}
