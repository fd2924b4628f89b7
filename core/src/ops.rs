//! Arithmetic operators: `+ -` (same shape), unary `-`, `*` (matrix product and scaling) and
//! `/` by a scalar, for every combination of owned and borrowed operands, plus the assigning
//! forms.
//!
//! Shape constraints are bounds on the traits of [`crate::shape_errors`] rather than repeated
//! type parameters, so a mismatch reports a sentence instead of "mismatched types". Each
//! operation has one kernel on references; a macro stamps out the owned/borrowed variants.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::check;
use crate::dim::Dim;
use crate::matrix::Matrix;
use crate::product::{self, Operand};
use crate::scalar::Scalar;
use crate::shape_errors::{InnerDimsAgree, SameShapeForAdd, SameShapeForSub};

/// Implements `$Trait<$Rhs> for $Lhs` for the four combinations of `$Lhs`/`&$Lhs` and
/// `$Rhs`/`&$Rhs`, forwarding to the kernel `$kernel(&Lhs, &Rhs) -> $Out`; with an owned left
/// side to `$owned(Lhs, &Rhs)` instead, which may reuse its buffer (`+` and `-` do on the heap:
/// generated code hands over a temporary at its last use, so a chain of sums allocates once;
/// an inline matrix has no buffer to reuse, and updating it in place left LLVM a copy of the
/// result into the caller's variable: 4 loads and stores of `W x − y` at n = 8).
macro_rules! matrix_binop {
    (
        impl[$($g:tt)*] $Trait:ident::$method:ident($Lhs:ty, $Rhs:ty) -> $Out:ty
        where [$($w:tt)*] => $kernel:path
    ) => {
        matrix_binop! {
            impl[$($g)*] $Trait::$method($Lhs, $Rhs) -> $Out
            where [$($w)*] => $kernel, owned |lhs, rhs| $kernel(&lhs, rhs)
        }
    };
    (
        impl[$($g:tt)*] $Trait:ident::$method:ident($Lhs:ty, $Rhs:ty) -> $Out:ty
        where [$($w:tt)*] => $kernel:path, owned |$lhs:ident, $rhs:ident| $owned:expr
    ) => {
        impl<$($g)*> $Trait<$Rhs> for $Lhs where $($w)* {
            type Output = $Out;
            #[inline]
            fn $method(self, rhs: $Rhs) -> $Out {
                let ($lhs, $rhs) = (self, &rhs);
                $owned
            }
        }
        impl<'r, $($g)*> $Trait<&'r $Rhs> for $Lhs where $($w)* {
            type Output = $Out;
            #[inline]
            fn $method(self, rhs: &'r $Rhs) -> $Out {
                let ($lhs, $rhs) = (self, rhs);
                $owned
            }
        }
        impl<'l, $($g)*> $Trait<$Rhs> for &'l $Lhs where $($w)* {
            type Output = $Out;
            #[inline]
            fn $method(self, rhs: $Rhs) -> $Out {
                $kernel(self, &rhs)
            }
        }
        impl<'l, 'r, $($g)*> $Trait<&'r $Rhs> for &'l $Lhs where $($w)* {
            type Output = $Out;
            #[inline]
            fn $method(self, rhs: &'r $Rhs) -> $Out {
                $kernel(self, rhs)
            }
        }
    };
}

matrix_binop! {
    impl[R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar]
    Add::add(Matrix<R, C, T>, Matrix<R2, C2, T>) -> Matrix<R, C, T>
    where [(R, C): SameShapeForAdd<(R2, C2)>] => add_kernel, owned |lhs, rhs| {
        if Matrix::<R, C, T>::INLINE {
            add_kernel(&lhs, rhs)
        } else {
            let mut sum = lhs;
            sum += rhs;
            sum
        }
    }
}

matrix_binop! {
    impl[R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar]
    Sub::sub(Matrix<R, C, T>, Matrix<R2, C2, T>) -> Matrix<R, C, T>
    where [(R, C): SameShapeForSub<(R2, C2)>] => sub_kernel, owned |lhs, rhs| {
        if Matrix::<R, C, T>::INLINE {
            sub_kernel(&lhs, rhs)
        } else {
            let mut difference = lhs;
            difference -= rhs;
            difference
        }
    }
}

matrix_binop! {
    impl[R: Dim, K: Dim, K2: Dim, C: Dim, T: Scalar]
    Mul::mul(Matrix<R, K, T>, Matrix<K2, C, T>) -> Matrix<R, C, T>
    where [K: InnerDimsAgree<K2>] => matmul
}

fn add_kernel<R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar>(
    a: &Matrix<R, C, T>,
    b: &Matrix<R2, C2, T>,
) -> Matrix<R, C, T> {
    a.zip_map_checked("matrix addition", b, |x, y| x + y)
}

fn sub_kernel<R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar>(
    a: &Matrix<R, C, T>,
    b: &Matrix<R2, C2, T>,
) -> Matrix<R, C, T> {
    a.zip_map_checked("matrix subtraction", b, |x, y| x - y)
}

/// `(R×K)·(K2×C)`; `K2 == K` is proved by the `InnerDimsAgree` bound at the call sites, or
/// checked here when one of them is `Dyn`. The kernel (loops, blocked, faer) is chosen by size
/// in [`crate::product`].
#[inline]
#[track_caller]
pub(crate) fn matmul<R: Dim, K: Dim, K2: Dim, C: Dim, T: Scalar>(
    a: &Matrix<R, K, T>,
    b: &Matrix<K2, C, T>,
) -> Matrix<R, C, T> {
    check::inner_dims("matrix product", a.shape(), b.shape());
    product::product(
        a.shape_generic().0,
        b.shape_generic().1,
        Operand::plain(a.as_slice(), a.nrows(), a.ncols()),
        Operand::plain(b.as_slice(), b.nrows(), b.ncols()),
    )
}

/// Implements a matrix-by-scalar operator for an owned matrix (in place, with the assigning
/// operator `$op_assign`) and a borrowed one.
macro_rules! matrix_scalar_binop {
    ($Trait:ident::$method:ident, $op_assign:ident, |$m:ident, $s:ident| $body:expr) => {
        impl<R: Dim, C: Dim, T: Scalar> $Trait<T> for Matrix<R, C, T> {
            type Output = Matrix<R, C, T>;
            #[inline]
            fn $method(mut self, $s: T) -> Matrix<R, C, T> {
                self.$op_assign($s);
                self
            }
        }
        impl<'l, R: Dim, C: Dim, T: Scalar> $Trait<T> for &'l Matrix<R, C, T> {
            type Output = Matrix<R, C, T>;
            #[inline]
            fn $method(self, $s: T) -> Matrix<R, C, T> {
                let $m = self;
                $body
            }
        }
    };
}

matrix_scalar_binop!(Mul::mul, mul_assign, |m, s| m.map(|x| x * s));
matrix_scalar_binop!(Div::div, div_assign, |m, s| m.map(|x| x / s));

/// `s * M` for a concrete float type on the left (a generic `T * Matrix` impl is forbidden by
/// the orphan rules), owned and borrowed matrix.
macro_rules! scalar_times_matrix {
    ($($t:ty),*) => {$(
        impl<R: Dim, C: Dim> Mul<Matrix<R, C, $t>> for $t {
            type Output = Matrix<R, C, $t>;
            #[inline]
            fn mul(self, m: Matrix<R, C, $t>) -> Matrix<R, C, $t> {
                m * self
            }
        }
        impl<'r, R: Dim, C: Dim> Mul<&'r Matrix<R, C, $t>> for $t {
            type Output = Matrix<R, C, $t>;
            #[inline]
            fn mul(self, m: &'r Matrix<R, C, $t>) -> Matrix<R, C, $t> {
                m * self
            }
        }
    )*};
}

scalar_times_matrix!(f32, f64);

impl<R: Dim, C: Dim, T: Scalar> Neg for Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    #[inline]
    fn neg(mut self) -> Matrix<R, C, T> {
        self.iter_mut().for_each(|x| *x = -*x);
        self
    }
}

impl<R: Dim, C: Dim, T: Scalar> Neg for &Matrix<R, C, T> {
    type Output = Matrix<R, C, T>;
    #[inline]
    fn neg(self) -> Matrix<R, C, T> {
        self.map(|x| -x)
    }
}

/// Implements an in-place matrix-by-matrix operator for an owned and a borrowed right side.
macro_rules! matrix_assign_op {
    ($Trait:ident::$method:ident, $Check:ident, $what:literal, |$x:ident, $y:ident| $body:expr) => {
        impl<R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar> $Trait<Matrix<R2, C2, T>>
            for Matrix<R, C, T>
        where
            (R, C): $Check<(R2, C2)>,
        {
            #[inline]
            fn $method(&mut self, rhs: Matrix<R2, C2, T>) {
                self.$method(&rhs);
            }
        }
        impl<'r, R: Dim, C: Dim, R2: Dim, C2: Dim, T: Scalar> $Trait<&'r Matrix<R2, C2, T>>
            for Matrix<R, C, T>
        where
            (R, C): $Check<(R2, C2)>,
        {
            #[inline]
            #[track_caller]
            fn $method(&mut self, rhs: &'r Matrix<R2, C2, T>) {
                check::same_shape($what, self.shape(), rhs.shape());
                let rhs = rhs.as_slice();
                for ($x, &$y) in self.iter_mut().zip(rhs) {
                    $body;
                }
            }
        }
    };
}

matrix_assign_op!(
    AddAssign::add_assign,
    SameShapeForAdd,
    "matrix addition",
    |x, y| *x += y
);
matrix_assign_op!(
    SubAssign::sub_assign,
    SameShapeForSub,
    "matrix subtraction",
    |x, y| *x -= y
);

impl<R: Dim, C: Dim, T: Scalar> MulAssign<T> for Matrix<R, C, T> {
    #[inline]
    fn mul_assign(&mut self, s: T) {
        self.iter_mut().for_each(|x| *x *= s);
    }
}

impl<R: Dim, C: Dim, T: Scalar> DivAssign<T> for Matrix<R, C, T> {
    #[inline]
    fn div_assign(&mut self, s: T) {
        self.iter_mut().for_each(|x| *x /= s);
    }
}

#[cfg(test)]
// Borrowed operands are deliberate: every owned/borrowed operator combination is under test.
#[allow(clippy::op_ref)]
mod tests {
    use super::*;
    use crate::testutil::Rng;
    use typenum::consts::*;
    use typenum::U;

    fn random<R: Dim, C: Dim>(rng: &mut Rng) -> Matrix<R, C> {
        Matrix::from_fn(|_, _| rng.uniform())
    }

    /// Textbook triple loop over indices, the reference for the product kernel.
    fn naive_product<R: Dim, K: Dim, C: Dim>(a: &Matrix<R, K>, b: &Matrix<K, C>) -> Matrix<R, C> {
        Matrix::from_fn(|i, j| (0..K::USIZE).map(|p| a[(i, p)] * b[(p, j)]).sum())
    }

    fn check_product<R: Dim, K: Dim, C: Dim>(rng: &mut Rng) {
        let a = random::<R, K>(rng);
        let b = random::<K, C>(rng);
        let want = naive_product(&a, &b);
        for got in [
            &a * &b,
            a.clone() * &b,
            &a * b.clone(),
            a.clone() * b.clone(),
        ] {
            assert!(got.max_abs_diff(&want) < 1e-12);
        }
    }

    #[test]
    fn product_matches_naive_loops_for_many_shapes() {
        let mut rng = Rng::new(1);
        for _ in 0..20 {
            check_product::<U1, U1, U1>(&mut rng);
            check_product::<U2, U3, U4>(&mut rng);
            check_product::<U4, U3, U2>(&mut rng);
            check_product::<U5, U1, U5>(&mut rng);
            check_product::<U1, U7, U1>(&mut rng);
            check_product::<U6, U6, U6>(&mut rng);
            check_product::<U3, U0, U2>(&mut rng);
        }
        // Large enough for the blocked kernel, in f64 and f32, square and not.
        check_product::<U<40>, U<33>, U<50>>(&mut rng);
        check_product::<U<64>, U<64>, U<64>>(&mut rng);
        let a = Matrix::<U<48>, U<30>, f32>::from_fn(|i, j| (i as f32 - j as f32) / 7.0);
        let b = Matrix::<U<30>, U<36>, f32>::from_fn(|i, j| (i * j % 5) as f32);
        let want = Matrix::<U<48>, U<36>, f32>::from_fn(|i, j| {
            (0..30).map(|p| a[(i, p)] * b[(p, j)]).sum()
        });
        assert!((a * b)
            .zip_map(&want, |x, y| (x - y).abs())
            .iter()
            .all(|&d| d < 1e-3));
    }

    #[test]
    fn add_sub_neg_scale_match_entrywise_reference() {
        let mut rng = Rng::new(2);
        for _ in 0..20 {
            let a = random::<U3, U5>(&mut rng);
            let b = random::<U3, U5>(&mut rng);
            let s = rng.uniform();
            let entry = |f: &dyn Fn(usize, usize) -> f64| Matrix::<U3, U5>::from_fn(f);
            assert_eq!(&a + &b, entry(&|i, j| a[(i, j)] + b[(i, j)]));
            assert_eq!(a - b, entry(&|i, j| a[(i, j)] - b[(i, j)]));
            assert_eq!(-a, entry(&|i, j| -a[(i, j)]));
            assert_eq!(-&a, -a);
            assert_eq!(a * s, entry(&|i, j| a[(i, j)] * s));
            assert_eq!(s * a, a * s);
            assert_eq!(s * &a, &a * s);
            assert_eq!(&a / s, entry(&|i, j| a[(i, j)] / s));
            assert_eq!(a + &b, &a + b);
            assert_eq!(a - &b, &a - &b);
        }
    }

    #[test]
    fn assign_operators_match_binary_ones() {
        let mut rng = Rng::new(3);
        let a = random::<U4, U2>(&mut rng);
        let b = random::<U4, U2>(&mut rng);
        let mut c = a;
        c += b;
        assert_eq!(c, a + b);
        c -= &b;
        c -= b;
        assert_eq!(c, a + b - b - b);
        c *= 3.0;
        c /= 2.0;
        assert_eq!(c, (a + b - b - b) * 3.0 / 2.0);
        let mut f = Matrix::<U2, U2, f32>::ones();
        f += Matrix::ones();
        assert_eq!(2.0_f32 * Matrix::<U2, U2, f32>::ones(), f);
    }

    #[test]
    fn products_infer_in_chains_and_with_constructors() {
        let a = Matrix::<U3, U3>::from_fn(|i, j| (i * 3 + j) as f64);
        let x = Matrix::<U3, U1>::from_fn(|i, _| i as f64 + 1.0);
        let q = x.t() * a * x;
        let q2 = &x.t() * &a * &x;
        assert_eq!(q, q2);
        assert_eq!(
            q.to_scalar(),
            naive_product(&naive_product(&x.t(), &a), &x)[(0, 0)]
        );
        // The right operand's shape is inferred from the later use.
        let z = a * Matrix::zeros();
        let _: Matrix<U3, U2> = z;
        let w = 2.0 * a * 3.0;
        assert_eq!(w, a * 6.0);
    }
}
