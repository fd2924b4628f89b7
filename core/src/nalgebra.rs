//! Conversions to and from `nalgebra::SMatrix` (feature `nalgebra`).
//!
//! typenum sizes and const-generic sizes meet through `typenum::Const<N>: ToUInt<Output = D>`,
//! which ties the typenum dimension `D` to the `usize` `N`; so `From` works both ways for every
//! size `typenum::U<N>` covers, and both layouts are column-major, so entries copy in order.

use typenum::{Const, ToUInt};

use crate::dim::Dim;
use crate::matrix::Matrix;

impl<T, R, C, const RN: usize, const CN: usize> From<Matrix<R, C, T>>
    for nalgebra::SMatrix<T, RN, CN>
where
    T: nalgebra::Scalar + Copy,
    R: Dim,
    C: Dim,
    Const<RN>: ToUInt<Output = R>,
    Const<CN>: ToUInt<Output = C>,
{
    /// The same matrix as an `nalgebra::SMatrix<T, R, C>`.
    fn from(m: Matrix<R, C, T>) -> Self {
        nalgebra::SMatrix::from_column_slice(m.as_slice())
    }
}

impl<T, R, C, const RN: usize, const CN: usize> From<nalgebra::SMatrix<T, RN, CN>>
    for Matrix<R, C, T>
where
    T: nalgebra::Scalar + Copy,
    R: Dim,
    C: Dim,
    Const<RN>: ToUInt<Output = R>,
    Const<CN>: ToUInt<Output = C>,
{
    /// The same matrix as a `Matrix<U<R>, U<C>, T>`.
    fn from(m: nalgebra::SMatrix<T, RN, CN>) -> Self {
        Matrix::from_column_slice(m.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use crate::matrix::Matrix;
    use typenum::consts::*;

    #[test]
    fn round_trip_keeps_every_entry_in_place() {
        let a = Matrix::<U2, U3>::from_fn(|i, j| (10 * i + j) as f64);
        let n: nalgebra::SMatrix<f64, 2, 3> = a.into();
        for i in 0..2 {
            for j in 0..3 {
                assert_eq!(n[(i, j)], a[(i, j)]);
            }
        }
        let back: Matrix<U2, U3> = n.into();
        assert_eq!(back, a);
        // Products agree, so the layouts really match.
        let b = Matrix::<U3, U2>::from_fn(|i, j| (i as f64) - 2.0 * (j as f64));
        let nb: nalgebra::SMatrix<f64, 3, 2> = b.into();
        assert_eq!(Matrix::<U2, U2>::from(n * nb), a * b);
        let big: nalgebra::SMatrix<f32, 17, 1> = nalgebra::SMatrix::from_element(1.5);
        let v = Matrix::<typenum::U<17>, U1, f32>::from(big);
        assert_eq!(v.sum(), 25.5);
    }
}
