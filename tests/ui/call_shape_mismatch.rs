// A call whose argument does not fit the callee's parameter: reported at the argument, naming
// the callee's parameter and both shapes.
use matcalc::prelude::*;

#[matcalc::function]
fn dense<M: Dim, N: Dim>(W: &Matrix<M, N>, x: &Vector<N>) -> Vector<M> {
    tanh(W * x)
}

#[grad(W)]
fn f(W: &Matrix<U3, U4>, x: &Vector<U3>) -> f64 {
    sum(dense(W, x))
}

fn main() {
    let _ = f_grad(&Matrix::zeros(), &Matrix::zeros());
}
