//! faer kernels for large sizes (feature `faer`, on by default): products, LU with partial
//! pivoting, Cholesky and triangular solves, run on faer views over matcalc's own column-major
//! storage (no copy).
//!
//! These functions take any `T: Scalar` and run only when `T` is `f64` or `f32`
//! ([`crate::float_dispatch`]). They return `false` / `None` for any other type, and callers keep
//! their own loops for that case (and for builds without the feature).
//!
//! Threads: one, unless the `parallel` feature is on (then rayon's global pool).

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::{cholesky, lu, matmul, triangular_solve};
use faer::{Accum, MatMut, MatRef, Par};

use crate::float_dispatch::with_float;
use crate::scalar::Scalar;

fn par() -> Par {
    #[cfg(feature = "parallel")]
    {
        Par::rayon(0)
    }
    #[cfg(not(feature = "parallel"))]
    {
        Par::Seq
    }
}

/// A column-major `rows × cols` operand, read as its transpose when `transposed`.
fn view<F>(data: &[F], rows: usize, cols: usize, transposed: bool) -> MatRef<'_, F> {
    let m = MatRef::from_column_major_slice(data, rows, cols);
    if transposed {
        m.transpose()
    } else {
        m
    }
}

/// Which triangle of an `n × n` matrix a triangular solve reads.
#[derive(Clone, Copy)]
pub(crate) enum Triangle {
    /// The lower triangle, diagonal included.
    Lower,
    /// The strict lower triangle, with ones on the diagonal.
    UnitLower,
    /// The upper triangle, diagonal included.
    Upper,
    /// The strict upper triangle, with ones on the diagonal.
    UnitUpper,
}

/// The faer calls at one concrete float type, implemented for `f64` and `f32` only.
///
/// Why a trait on concrete types rather than code in the generic functions below: a generic
/// function is compiled anew in every crate that uses it, and so is everything it calls, faer's
/// generic kernels included (for both float types, since the `TypeId` test does not remove the
/// other branch before code generation). That was most of the build time of a crate using
/// matcalc (issue 13). These impls are not generic, so faer is compiled once, here.
/// Each method is the generic function of the same name below, at this type.
trait FaerKernels: Sized {
    #[allow(clippy::too_many_arguments)]
    fn gemm(
        m: usize,
        k: usize,
        n: usize,
        a: &[Self],
        a_t: bool,
        b: &[Self],
        b_t: bool,
        c: &mut [Self],
    );
    fn lu_in_place(a: &mut [Self], n: usize, perm: &mut [usize]) -> bool;
    fn lu_inverse(lu: &[Self], n: usize, perm: &[usize], out: &mut [Self]);
    fn cholesky_in_place(a: &mut [Self], n: usize) -> bool;
    fn triangular_solve_in_place(
        t: &[Self],
        n: usize,
        triangle: Triangle,
        transposed: bool,
        b: &mut [Self],
        cols: usize,
    );
    fn cholesky_inverse(l: &[Self], n: usize, out: &mut [Self]);
}

/// Implements [`FaerKernels`] for the float type `$F`.
macro_rules! faer_kernels {
    ($F:ty) => {
        impl FaerKernels for $F {
            fn gemm(m: usize, k: usize, n: usize, a: &[$F], a_t: bool, b: &[$F], b_t: bool, c: &mut [$F]) {
                let (ar, ac) = if a_t { (k, m) } else { (m, k) };
                let (br, bc) = if b_t { (n, k) } else { (k, n) };
                let dst = MatMut::from_column_major_slice_mut(c, m, n);
                matmul::matmul(dst, Accum::Replace, view(a, ar, ac, a_t), view(b, br, bc, b_t), 1.0, par());
            }

            fn lu_in_place(a: &mut [$F], n: usize, perm: &mut [usize]) -> bool {
                let mut forward = alloc::vec![0usize; n];
                let mut inverse = alloc::vec![0usize; n];
                let req = lu::partial_pivoting::factor::lu_in_place_scratch::<usize, $F>(
                    n,
                    n,
                    par(),
                    Default::default(),
                );
                let mut buffer = MemBuffer::new(req);
                let (info, p) = lu::partial_pivoting::factor::lu_in_place(
                    MatMut::from_column_major_slice_mut(a, n, n),
                    &mut forward,
                    &mut inverse,
                    par(),
                    MemStack::new(&mut buffer),
                    Default::default(),
                );
                perm.copy_from_slice(p.arrays().0);
                info.transposition_count % 2 == 1
            }

            fn lu_inverse(lu: &[$F], n: usize, perm: &[usize], out: &mut [$F]) {
                let mut inverse = alloc::vec![0usize; n];
                for (i, &p) in perm.iter().enumerate() {
                    inverse[p] = i;
                }
                let factors = MatRef::from_column_major_slice(lu, n, n);
                let req = lu::partial_pivoting::inverse::inverse_scratch::<usize, $F>(n, par());
                let mut buffer = MemBuffer::new(req);
                lu::partial_pivoting::inverse::inverse(
                    MatMut::from_column_major_slice_mut(out, n, n),
                    factors,
                    factors,
                    faer::perm::PermRef::new_checked(perm, &inverse, n),
                    par(),
                    MemStack::new(&mut buffer),
                );
            }

            fn cholesky_in_place(a: &mut [$F], n: usize) -> bool {
                let req =
                    cholesky::llt::factor::cholesky_in_place_scratch::<$F>(n, par(), Default::default());
                let mut buffer = MemBuffer::new(req);
                cholesky::llt::factor::cholesky_in_place(
                    MatMut::from_column_major_slice_mut(a, n, n),
                    Default::default(),
                    par(),
                    MemStack::new(&mut buffer),
                    Default::default(),
                )
                .is_ok()
            }

            fn triangular_solve_in_place(
                t: &[$F],
                n: usize,
                triangle: Triangle,
                transposed: bool,
                b: &mut [$F],
                cols: usize,
            ) {
                let t = view(t, n, n, transposed);
                let x = MatMut::from_column_major_slice_mut(b, n, cols);
                match triangle {
                    Triangle::Lower => triangular_solve::solve_lower_triangular_in_place(t, x, par()),
                    Triangle::UnitLower => {
                        triangular_solve::solve_unit_lower_triangular_in_place(t, x, par())
                    }
                    Triangle::Upper => triangular_solve::solve_upper_triangular_in_place(t, x, par()),
                    Triangle::UnitUpper => {
                        triangular_solve::solve_unit_upper_triangular_in_place(t, x, par())
                    }
                }
            }

            fn cholesky_inverse(l: &[$F], n: usize, out: &mut [$F]) {
                let req = cholesky::llt::inverse::inverse_scratch::<$F>(n, par());
                let mut buffer = MemBuffer::new(req);
                cholesky::llt::inverse::inverse(
                    MatMut::from_column_major_slice_mut(out, n, n),
                    MatRef::from_column_major_slice(l, n, n),
                    par(),
                    MemStack::new(&mut buffer),
                );
            }
        }
    };
}
faer_kernels!(f64);
faer_kernels!(f32);

/// `c = op(a) · op(b)` with `op(a)` `m × k` (`a` stored `k × m` when `a_t`) and `op(b)` `k × n`.
// Out of line: keeps the always-inlined product dispatch small.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    a_t: bool,
    b: &[T],
    b_t: bool,
    c: &mut [T],
) -> bool {
    with_float!(T; F; [a, b], [c] => { <F as FaerKernels>::gemm(m, k, n, a, a_t, b, b_t, c); })
}

/// LU with partial pivoting of the `n × n` matrix `a`, in place (L unit lower and U upper in
/// one matrix); `perm[i]` receives the row of A that is row `i` of `P·A`. `Some(odd)` (whether
/// P is an odd permutation) when run.
#[inline(never)]
pub(crate) fn lu_in_place<T: Scalar>(a: &mut [T], n: usize, perm: &mut [usize]) -> Option<bool> {
    let mut odd = false;
    let ran =
        (|| with_float!(T; F; [], [a] => { odd = <F as FaerKernels>::lu_in_place(a, n, perm); }))();
    ran.then_some(odd)
}

/// `A⁻¹` into `out` (`n × n`) from the factors [`lu_in_place`] left in `lu` and its `perm`:
/// `U⁻¹ L⁻¹ P`, 4n³/3 flops against 2n³ for solving with the factors on the identity.
#[inline(never)]
pub(crate) fn lu_inverse<T: Scalar>(lu: &[T], n: usize, perm: &[usize], out: &mut [T]) -> bool {
    with_float!(T; F; [lu], [out] => { <F as FaerKernels>::lu_inverse(lu, n, perm, out); })
}

/// Cholesky factor in place: the lower triangle of `a` becomes L (the strict upper triangle is
/// left as it was). `Some(ok)` when run, `ok` false if faer found A not positive definite.
#[inline(never)]
pub(crate) fn cholesky_in_place<T: Scalar>(a: &mut [T], n: usize) -> Option<bool> {
    let mut ok = false;
    let ran =
        (|| with_float!(T; F; [], [a] => { ok = <F as FaerKernels>::cholesky_in_place(a, n); }))();
    ran.then_some(ok)
}

/// Solves `op(T) X = B` in place (`b` is `n × cols` and becomes X), `op(T)` the `triangle` of
/// `t` (of `tᵀ` when `transposed`).
#[inline(never)]
pub(crate) fn triangular_solve_in_place<T: Scalar>(
    t: &[T],
    n: usize,
    triangle: Triangle,
    transposed: bool,
    b: &mut [T],
    cols: usize,
) -> bool {
    with_float!(T; F; [t], [b] => { <F as FaerKernels>::triangular_solve_in_place(t, n, triangle, transposed, b, cols); })
}

/// `(L Lᵀ)⁻¹` into the lower triangle of `out` (`n × n`; the strict upper triangle is left as
/// it was) for the Cholesky factor L in the lower triangle of `l`.
#[inline(never)]
pub(crate) fn cholesky_inverse<T: Scalar>(l: &[T], n: usize, out: &mut [T]) -> bool {
    with_float!(T; F; [l], [out] => { <F as FaerKernels>::cholesky_inverse(l, n, out); })
}

#[cfg(test)]
mod tests {
    use crate::dim::Dyn;
    use crate::matrix::Matrix;
    use crate::testutil::Rng;

    /// faer's inverse from the LU factors, on random matrices that need row exchanges (no
    /// diagonal shift), odd sizes around the threshold, f64 and f32: it agrees with solving on
    /// the identity and is a two-sided inverse.
    #[test]
    fn inverse_from_the_factors_matches_solving_on_the_identity() {
        let mut rng = Rng::new(12);
        for n in [32usize, 33, 47, 64, 129] {
            let a = Matrix::<Dyn, Dyn>::from_fn_dyn(n, n, |_, _| rng.uniform());
            let lu = a.lu();
            assert!(!lu.is_singular());
            let inv = lu.inverse();
            let eye = Matrix::<Dyn, Dyn>::from_fn_dyn(n, n, |i, j| f64::from(u8::from(i == j)));
            assert!(inv.approx_eq(&lu.solve(&eye), 1e-8, 1e-8), "n = {n}");
            assert!((&a * &inv).approx_eq(&eye, 1e-8, 1e-8), "n = {n}");
            assert!((&inv * &a).approx_eq(&eye, 1e-8, 1e-8), "n = {n}");
            let a32 = a.map(|x| x as f32);
            let inv32 = a32.lu().inverse();
            let eye32 =
                Matrix::<Dyn, Dyn, f32>::from_fn_dyn(n, n, |i, j| f32::from(u8::from(i == j)));
            assert!((&a32 * &inv32).approx_eq(&eye32, 1e-2, 1e-2), "f32 n = {n}");
        }
        // Singular: all NaN, as from the small-size path.
        let s = Matrix::<Dyn, Dyn>::from_fn_dyn(40, 40, |i, j| (i + j) as f64);
        assert!(s.lu().inverse().iter().all(|x| x.is_nan()));
    }
}
