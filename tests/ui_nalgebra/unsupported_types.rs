use matcalc::prelude::*;
use nalgebra::{DMatrix, SMatrix};

#[grad(X)]
fn integer_entries(X: &SMatrix<i32, 3, 3>) -> f64 {
    sum(X)
}

#[grad(X)]
fn undeclared_size(X: &SMatrix<f64, N, 3>) -> f64 {
    sum(X)
}

struct Model;

impl Model {
    #[grad(X)]
    fn method(&self, X: &DMatrix<f64>) -> f64 {
        sum(X)
    }
}

fn main() {}
