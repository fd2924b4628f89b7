//! Shared by the three optimiser examples in `src/bin/`: the boundary between matcalc's
//! matrices and the nalgebra 0.34 types that argmin-math 0.5 and levenberg-marquardt 0.15 speak,
//! and the fixed-seed generator of `examples/common`.
//!
//! The conversions copy through slices: both libraries store column-major, so `vec(X)` is the
//! same sequence of numbers on both sides and a gradient, Hessian or Jacobian needs no reordering.

use matcalc::prelude::*;
pub use nalgebra_0_34 as na;

#[path = "../../common/rng.rs"]
mod rng;
pub use rng::Rng;

/// A matcalc matrix as a statically sized nalgebra 0.34 matrix of the same shape.
pub fn to_na<R: Dim, C: Dim, const RN: usize, const CN: usize>(
    m: &Matrix<R, C>,
) -> na::SMatrix<f64, RN, CN> {
    assert_eq!(
        m.shape(),
        (RN, CN),
        "to_na: a {}×{} matcalc matrix cannot become a {RN}×{CN} nalgebra matrix",
        m.nrows(),
        m.ncols()
    );
    na::SMatrix::from_column_slice(m.as_slice())
}

/// A nalgebra 0.34 matrix (static or dynamic) as a matcalc matrix; panics on a shape mismatch.
pub fn from_na<R: Dim, C: Dim, NR: na::Dim, NC: na::Dim, S>(
    m: &na::Matrix<f64, NR, NC, S>,
) -> Matrix<R, C>
where
    S: na::RawStorage<f64, NR, NC> + na::IsContiguous,
{
    let shape = (R::USIZE, C::USIZE);
    assert_eq!(
        m.shape(),
        shape,
        "from_na: a {:?} nalgebra matrix cannot become a {shape:?} matcalc matrix",
        m.shape()
    );
    Matrix::from_column_slice(m.as_slice())
}

/// Central finite differences of a vector function, column by column: an independent check of
/// a derived Jacobian (`J[(i, k)] = ∂f_i/∂x_k`), or of a Hessian when `f` is a gradient.
pub fn fd_jacobian<N: Dim, M: Dim>(
    f: impl Fn(&Vector<N>) -> Vector<M>,
    x: &Vector<N>,
) -> Matrix<M, N> {
    let h = 1e-6;
    let mut jacobian = Matrix::<M, N>::zeros();
    for k in 0..x.nrows() {
        let (mut plus, mut minus) = (x.clone(), x.clone());
        plus[(k, 0)] += h;
        minus[(k, 0)] -= h;
        let column = (f(&plus) - f(&minus)) / (2.0 * h);
        for i in 0..column.nrows() {
            jacobian[(i, k)] = column[(i, 0)];
        }
    }
    jacobian
}
