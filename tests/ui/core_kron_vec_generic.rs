// Generic code that forgets the size bounds kron and vec need.
use matcalc_core::prelude::*;

fn k<M: Dim, N: Dim>(a: &Matrix<M, N>, b: &Matrix<N, M>) {
    let _ = a.kron(b);
    let _ = vec(a);
}

fn main() {}
