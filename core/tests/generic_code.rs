//! Code generic over dimensions compiles with nothing but `Dim` bounds (plus the typenum
//! product bounds for `kron`/`vec`), as the code the attribute macros emit needs.

use core::ops::Mul;
use matcalc_core::prelude::*;

fn quadratic_form<N: Dim>(x: &Vector<N>, a: &Matrix<N, N>) -> f64 {
    (x.t() * a * x).to_scalar()
}

fn gradient_of_logdet<N: Dim>(x: &Matrix<N, N>) -> Matrix<N, N> {
    inv(x).t()
}

fn mixed<M: Dim, N: Dim>(a: &Matrix<M, N>, b: &Matrix<N, M>) -> f64 {
    tr(a * b)
        + sum(hadamard(a, b.t()))
        + dot(a, &b.t())
        + norm(a)
        + logsumexp(a)
        + det(b.t() * b)
        + logdet(b * a + eye())
}

fn jacobian_shape<M: Dim, N, P>(
    x: &Matrix<M, N>,
    y: &Matrix<N, P>,
) -> Matrix<Prod<P, M>, Prod<N, M>>
where
    P: Dim + Mul<M>,
    N: Dim + Mul<M>,
    Prod<P, M>: Dim,
    Prod<N, M>: Dim,
{
    let _ = x;
    kron(y.t(), eye::<M, M, f64>())
}

fn roundtrip<M, N: Dim, L: Dim>(x: &Matrix<M, N>) -> Matrix<M, N>
where
    M: Dim + Mul<N, Output = L>,
{
    vec(x).unvec::<M, N>()
}

#[test]
fn generic_functions_work_at_concrete_sizes() {
    let a: Matrix<U2, U2> = matrix![2.0, 1.0; 1.0, 3.0];
    let x: Vector<U2> = matrix![1.0; 2.0];
    assert_eq!(quadratic_form(&x, &a), 2.0 + 2.0 + 2.0 + 12.0);
    assert!((gradient_of_logdet(&a) * a.t()).approx_eq(&Matrix::identity(), 1e-12, 1e-12));
    let b: Matrix<U2, U3> = matrix![1.0, 0.5, 0.0; 0.0, 1.0, 0.25];
    assert!(mixed(&b, &b.t()).is_finite());
    let y: Matrix<U3, U2> = Matrix::ones();
    let j = jacobian_shape(&b, &y);
    assert_eq!((j.nrows(), j.ncols()), (4, 6));
    assert_eq!(roundtrip(&b), b);
}
