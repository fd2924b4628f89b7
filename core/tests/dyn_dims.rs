//! `Dyn` dimensions: every operation gives the same result on a `Dyn` matrix as on the static
//! one with the same entries (exactly: the same kernel runs), on many shapes including empty
//! and non-square ones and mixes of static and `Dyn`; and sizes that disagree at run time panic
//! with a message naming both shapes.

mod common;

use common::{naive_product, random, Rng};
use matcalc_core::prelude::*;
use matcalc_core::Dyn;

type DMatrix = Matrix<Dyn, Dyn>;

/// The same entries in a `Dyn × Dyn` matrix.
fn to_dyn<R: Dim, C: Dim>(m: &Matrix<R, C>) -> DMatrix {
    DMatrix::from_column_slice_dyn(m.nrows(), m.ncols(), m.as_slice())
}

/// Same shape and bitwise the same entries.
fn same<R: Dim, C: Dim, R2: Dim, C2: Dim>(a: &Matrix<R, C>, b: &Matrix<R2, C2>, what: &str) {
    assert_eq!(a.shape(), b.shape(), "{what}: shapes");
    for (x, y) in a.iter().zip(b.iter()) {
        assert!(x == y || (x.is_nan() && y.is_nan()), "{what}: {x} vs {y}");
    }
}

fn same_scalar(a: f64, b: f64, what: &str) {
    assert!(a == b || (a.is_nan() && b.is_nan()), "{what}: {a} vs {b}");
}

/// Every operation on one (R × C) shape, static against `Dyn × Dyn` and `Dyn × C` (a macro
/// rather than a generic function: `vec`, `kron` and the static/`Dyn` mixes need the concrete
/// typenum sizes, which a `Dim`-generic body cannot assume).
macro_rules! check_shape {
    ($R:ty, $C:ty, $rng:expr) => {{
        type R = $R;
        type C = $C;
        let rng: &mut Rng = $rng;
        let a: Matrix<R, C> = random(rng);
        let b: Matrix<R, C> = random(rng);
        let at: Matrix<C, R> = random(rng);
        let (da, db, dat) = (to_dyn(&a), to_dyn(&b), to_dyn(&at));
        let (r, c) = a.shape();
        same(&(&a + &b), &(&da + &db), "add");
        same(&(&a - &b), &(&da - &db), "sub");
        same(&(-&a), &(-&da), "neg");
        same(&(&a * 2.5), &(&da * 2.5), "scale");
        same(&(2.5 * &a), &(2.5 * &da), "scale left");
        same(&(&a / 4.0), &(&da / 4.0), "div");
        same(&(&a * &at), &(&da * &dat), "product");
        same(&(&at * &a), &(&dat * &da), "product other way");
        same(&a.tr_mul(&b), &da.tr_mul(&db), "tr_mul");
        same(&a.mul_tr(&b), &da.mul_tr(&db), "mul_tr");
        same(&a.t(), &da.t(), "transpose");
        same(&a.hadamard(&b), &da.hadamard(&db), "hadamard");
        same(&a.elem_div(&b), &da.elem_div(&db), "elem_div");
        same(&a.exp(), &da.exp(), "exp");
        same(&a.softmax(), &da.softmax(), "softmax");
        same(&a.col_sums(), &da.col_sums(), "col_sums");
        same(&a.row_sums(), &da.row_sums(), "row_sums");
        same(
            &a.ones_mul::<U2>(),
            &da.ones_mul_generic(Dyn(2)),
            "ones_mul",
        );
        same(
            &a.mul_ones::<U3>(),
            &da.mul_ones_generic(Dyn(3)),
            "mul_ones",
        );
        same_scalar(a.sum(), da.sum(), "sum");
        same_scalar(a.dot(&b), da.dot(&db), "dot");
        same_scalar(a.norm(), da.norm(), "norm");
        same_scalar(a.norm_sq(), da.norm_sq(), "norm_sq");
        same_scalar(a.logsumexp(), da.logsumexp(), "logsumexp");
        // vec / unvec / kron: products of dimensions with a Dyn factor are Dyn.
        let v: Vector<Dyn> = da.vec();
        same(&a.vec(), &v, "vec");
        let back: DMatrix = v.unvec_generic(Dyn(r), Dyn(c));
        same(&back, &a, "unvec");
        let k = Matrix::<U2, U3>::from_fn(|i, j| (i + 2 * j) as f64 - 1.5);
        let kd: Matrix<Dyn, Dyn> = da.kron(&k);
        same(&a.kron(&k), &kd, "kron");
        let kmix: Matrix<Dyn, Dyn> = k.kron(&da);
        same(&k.kron(&a), &kmix, "kron static ⊗ Dyn");
        // Mixed: Dyn rows, static columns.
        let mixed = Matrix::<Dyn, C>::from_column_slice_dyn(r, c, a.as_slice());
        same(&(mixed.clone() + &b), &(&a + &b), "Dyn×C + R×C");
        same(&(&mixed * &at), &(&a * &at), "Dyn×C · C×R");
        same(&mixed.t(), &a.t(), "transpose Dyn×C");
        same(&mixed.tr_mul(&b), &a.tr_mul(&b), "tr_mul Dyn×C");
        let mv: Vector<Dyn> = mixed.vec();
        same(&mv, &a.vec(), "vec Dyn×C");
        // Rows derived from the length (ambiguous, and taken as 0, when there are no columns).
        if c > 0 {
            let back: Matrix<Dyn, C> = mv.unvec::<Dyn, C>();
            same(&back, &a, "unvec to Dyn×C derives the rows");
        }
    }};
}

/// Square-matrix operations on an n×n shape.
macro_rules! check_square {
    ($N:ty, $rng:expr) => {{
        type N = $N;
        let rng: &mut Rng = $rng;
        let n = N::USIZE as f64;
        let a = Matrix::<N, N>::from_fn(|i, j| rng.uniform() + if i == j { n + 2.0 } else { 0.0 });
        let spd = a.mul_tr(&a);
        let b: Matrix<N, U3> = random(rng);
        let (da, dspd) = (to_dyn(&a), to_dyn(&spd));
        let db = Matrix::<Dyn, U3>::from_column_slice_dyn(b.nrows(), 3, b.as_slice());
        same_scalar(a.tr(), da.tr(), "tr");
        same_scalar(a.det(), da.det(), "det");
        same_scalar(a.logdet(), da.logdet(), "logdet");
        same(&a.inv(), &da.inv(), "inv");
        same(&a.adjugate(), &da.adjugate(), "adjugate");
        same(&a.matpow(3), &da.matpow(3), "matpow");
        same(&a.matpow(-2), &da.matpow(-2), "matpow negative");
        same(&a.solve(&b), &da.solve(&db), "solve");
        same(
            &a.lu().solve_transpose(&b),
            &da.lu().solve_transpose(&db),
            "solve_transpose",
        );
        same(&spd.cholesky(), &dspd.cholesky(), "cholesky");
        let l = spd.cholesky();
        let dl = to_dyn(&l);
        same(
            &l.solve_lower_triangular(&b),
            &dl.solve_lower_triangular(&db),
            "lower solve",
        );
        same(
            &l.t().solve_upper_triangular(&b),
            &dl.t().solve_upper_triangular(&db),
            "upper solve",
        );
        same(&a.diagonal(), &da.diagonal(), "diagonal");
        same(&a.diagonal().diag(), &da.diagonal().diag(), "diag");
        same(&a.symmetrize(), &da.symmetrize(), "symmetrize");
        // A Dyn matrix solved against a static right-hand side, and with Dyn × static shapes.
        same(&da.solve(&b), &a.solve(&b), "solve Dyn against static rows");
    }};
}

#[test]
fn dyn_and_static_agree_on_many_shapes() {
    let mut rng = Rng::new(12);
    check_shape!(U0, U3, &mut rng);
    check_shape!(U3, U0, &mut rng);
    check_shape!(U0, U0, &mut rng);
    check_shape!(U1, U1, &mut rng);
    check_shape!(U2, U3, &mut rng);
    check_shape!(U4, U4, &mut rng);
    check_shape!(U5, U2, &mut rng);
    check_shape!(U1, U7, &mut rng);
    check_shape!(U17, U3, &mut rng);
    check_shape!(U<40>, U<33>, &mut rng);
}

#[test]
fn dyn_and_static_agree_on_square_operations() {
    let mut rng = Rng::new(13);
    check_square!(U1, &mut rng);
    check_square!(U2, &mut rng);
    check_square!(U3, &mut rng);
    check_square!(U4, &mut rng);
    check_square!(U5, &mut rng);
    check_square!(U<20>, &mut rng);
    check_square!(U<40>, &mut rng);
}

#[test]
fn empty_square_matrices() {
    let z = DMatrix::zeros_dyn(0, 0);
    assert_eq!(z.det(), 1.0);
    assert_eq!(z.inv().shape(), (0, 0));
    assert_eq!(z.tr(), 0.0);
    assert_eq!(z.cholesky().shape(), (0, 0));
}

#[test]
fn constructors_take_run_time_sizes() {
    let m = Matrix::<Dyn, U3>::from_fn_dyn(4, 3, |i, j| (10 * i + j) as f64);
    assert_eq!(m.shape(), (4, 3));
    assert_eq!(m[(3, 2)], 32.0);
    let data: Vec<f64> = (0..12).map(f64::from).collect();
    let c = Matrix::<Dyn, U3>::from_column_slice_dyn(4, 3, &data);
    assert_eq!(c[(1, 2)], 9.0);
    let r = DMatrix::from_row_slice_dyn(4, 3, &data);
    assert_eq!(r[(1, 2)], 5.0);
    // A static matrix from the run-time constructors, when the sizes agree.
    let s = Matrix::<U2, U2>::from_fn_dyn(2, 2, |i, j| (i + j) as f64);
    assert_eq!(s, Matrix::from_fn(|i, j| (i + j) as f64));
    let v = Vector::<Dyn>::from_column_slice_dyn(3, 1, &[1.0, 2.0, 3.0]);
    assert_eq!(v.norm_sq(), 14.0);
    let e = DMatrix::identity_generic(Dyn(3), Dyn(2));
    assert_eq!(e.as_slice(), &[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]);
    let o: Matrix<Dyn, U1> = Matrix::ones_generic(Dyn(2), U1::new());
    assert_eq!(o.sum(), 2.0);
    assert_eq!(m.shape_generic().0, Dyn(4));
    // Static to Dyn and back through reshape_generic.
    let d = s.reshape_generic(Dyn(2), Dyn(2));
    assert_eq!(d.reshape_generic(U2::new(), U2::new()), s);
}

#[test]
fn dyn_matrices_stay_on_the_heap_and_static_small_ones_inline() {
    assert_eq!(
        core::mem::size_of::<Matrix<U3, U3>>(),
        9 * core::mem::size_of::<f64>()
    );
    // Two sizes and a boxed slice.
    assert_eq!(
        core::mem::size_of::<DMatrix>(),
        4 * core::mem::size_of::<usize>()
    );
}

#[test]
fn structured_kernels_work_at_dyn() {
    let mut rng = Rng::new(14);
    let a: Matrix<U2, U3> = random(&mut rng);
    let j: Matrix<U9, U4> = random(&mut rng);
    let (da, dj) = (to_dyn(&a), to_dyn(&j));
    let left: Matrix<U6, U9> = a.kron_identity_left::<U3, _, _>();
    same(
        &left,
        &da.kron_identity_left_generic::<Dyn, Dyn, Dyn>(Dyn(3)),
        "I ⊗ A",
    );
    let right: Matrix<U6, U9> = a.kron_identity_right::<U3, _, _>();
    same(
        &right,
        &da.kron_identity_right_generic::<Dyn, Dyn, Dyn>(Dyn(3)),
        "A ⊗ I",
    );
    let lm: Matrix<U6, U4> = a.kron_identity_left_mul::<U3, _, _, _>(&j);
    same(
        &lm,
        &da.kron_identity_left_mul::<Dyn, _, _, Dyn>(&dj),
        "(I ⊗ A) J",
    );
    let rm: Matrix<U6, U4> = a.kron_identity_right_mul::<U3, _, _, _>(&j);
    same(
        &rm,
        &da.kron_identity_right_mul::<Dyn, _, _, Dyn>(&dj),
        "(A ⊗ I) J",
    );
    let j6: Matrix<U6, U2> = random(&mut rng);
    let v6: Vector<U6> = random(&mut rng);
    let dj6 = to_dyn(&j6);
    let dv6 = Vector::<Dyn>::from_column_slice_dyn(6, 1, v6.as_slice());
    let scaled: Matrix<U6, U2> = j6.row_scale(&v6);
    same(&scaled, &dj6.row_scale::<Dyn, Dyn>(&dv6), "row_scale");
    let commuted: Matrix<U6, U2> = j6.commute_rows::<U2, U3, _>();
    same(
        &commuted,
        &dj6.commute_rows::<U2, Dyn, Dyn>(),
        "commute_rows, N derived",
    );
    same(
        &commuted,
        &dj6.commute_rows_generic::<Dyn, Dyn, Dyn>(Dyn(2), Dyn(3)),
        "commute_rows_generic",
    );
    let k = Matrix::<U6, U6>::commutation::<U2, U3>();
    same(
        &k,
        &DMatrix::commutation_generic(Dyn(2), Dyn(3)),
        "commutation",
    );
    let j12: Matrix<U12, U2> = random(&mut rng);
    let moved: Matrix<U12, U2> = j12.kron_perm_rows::<U2, U3, U2, U1, _>(false);
    let dmoved: DMatrix =
        to_dyn(&j12).kron_perm_rows_generic(Dyn(2), Dyn(3), Dyn(2), Dyn(1), false);
    same(&moved, &dmoved, "kron_perm_rows");
    let p = Matrix::<U12, U12>::kron_perm::<U2, U3, U2, U1>();
    same(
        &p,
        &DMatrix::kron_perm_generic(Dyn(2), Dyn(3), Dyn(2), Dyn(1)),
        "kron_perm",
    );
    let g: Matrix<U4, U6> = random(&mut rng);
    let b: Matrix<U2, U3> = random(&mut rng);
    let (dg, dbm) = (to_dyn(&g), to_dyn(&b));
    let r: Matrix<U4, U6> = g.kron_rearrange::<U2, U2, _, _>();
    same(
        &r,
        &dg.kron_rearrange_generic::<Dyn, Dyn, Dyn, Dyn>(Dyn(2), Dyn(2)),
        "kron_rearrange",
    );
    let adj: Matrix<U2, U2> = g.kron_adjoint_left(&b);
    let dadj: DMatrix = dg.kron_adjoint_left::<Dyn, Dyn, Dyn, Dyn>(&dbm);
    same(&adj, &dadj, "kron_adjoint_left");
    let a2: Matrix<U2, U2> = random(&mut rng);
    let adj_r: Matrix<U2, U3> = g.kron_adjoint_right(&a2);
    let dadj_r: DMatrix = dg.kron_adjoint_right::<Dyn, Dyn, Dyn, Dyn>(&to_dyn(&a2));
    same(&adj_r, &dadj_r, "kron_adjoint_right");
    // The product against an independent reference, at Dyn.
    let x = DMatrix::from_fn_dyn(5, 7, |i, j| (i * j) as f64 - 3.0);
    let y = DMatrix::from_fn_dyn(7, 2, |i, j| (i + j) as f64);
    same(&(&x * &y), &naive_product(&x, &y), "product vs reference");
    // 1×1 Dyn converts to a scalar.
    let s: f64 = (x.row(1) * x.row(2).t()).to_scalar();
    assert_eq!(
        s,
        (0..7)
            .map(|j| ((j as f64) - 3.0) * (2.0 * j as f64 - 3.0))
            .sum::<f64>()
    );
}

#[test]
#[should_panic(
    expected = "matrix addition needs both matrices to have the same shape, but the left is 3×2 and the right is 4×2"
)]
fn mismatched_sum_panics_with_both_shapes() {
    let _ = DMatrix::zeros_dyn(3, 2) + DMatrix::zeros_dyn(4, 2);
}

#[test]
#[should_panic(
    expected = "matrix subtraction needs both matrices to have the same shape, but the left is 3×2 and the right is 2×2"
)]
fn mismatched_dyn_against_static_panics() {
    let _ = Matrix::<Dyn, U2>::zeros_dyn(3, 2) - Matrix::<U2, U2>::zeros();
}

#[test]
#[should_panic(
    expected = "matrix product needs inner dimensions to agree (columns of the left = rows of the right), but the left is 3×4 and the right is 5×2"
)]
fn mismatched_product_panics_with_both_shapes() {
    let _ = DMatrix::zeros_dyn(3, 4) * DMatrix::zeros_dyn(5, 2);
}

#[test]
#[should_panic(expected = "but the left is 3×4 and the right is 3×2")]
fn mismatched_tr_mul_panics() {
    let _ = DMatrix::zeros_dyn(4, 3).tr_mul(&DMatrix::zeros_dyn(3, 2));
}

#[test]
#[should_panic(expected = "`dot` (A:B) needs both matrices to have the same shape")]
fn mismatched_dot_panics() {
    let _ = DMatrix::zeros_dyn(3, 4).dot(DMatrix::zeros_dyn(4, 3));
}

#[test]
#[should_panic(expected = "`hadamard` needs both matrices to have the same shape")]
fn mismatched_hadamard_panics() {
    let _ = DMatrix::zeros_dyn(3, 4).hadamard(Matrix::<U3, U3>::zeros());
}

#[test]
#[should_panic(expected = "the inverse `inv` needs a square matrix, but this one is 3×4")]
fn non_square_inverse_panics() {
    let _ = DMatrix::zeros_dyn(3, 4).inv();
}

#[test]
#[should_panic(expected = "the trace `tr` needs a square matrix, but this one is 2×3")]
fn non_square_trace_panics() {
    let _ = Matrix::<Dyn, U3>::zeros_dyn(2, 3).tr();
}

#[test]
#[should_panic(
    expected = "`solve(A, B)` needs both operands to have as many rows, but the left is 3×3 and the right is 4×1"
)]
fn solve_with_wrong_rows_panics() {
    let _ = DMatrix::identity_generic(Dyn(3), Dyn(3)).solve(Vector::<Dyn>::zeros_dyn(4, 1));
}

#[test]
#[should_panic(expected = "`to_scalar` needs a 1×1 matrix, but this one is 2×1")]
fn non_1x1_to_scalar_panics() {
    let _ = Vector::<Dyn>::zeros_dyn(2, 1).to_scalar();
}

#[test]
#[should_panic(expected = "Matrix::from_fn_dyn: asked for a 4×3 matrix, but its type is 3×Dyn")]
fn static_dimension_must_match_the_given_size() {
    let _ = Matrix::<U3, Dyn>::from_fn_dyn(4, 3, |_, _| 0.0);
}

#[test]
#[should_panic(expected = "a 2×2 matrix needs 4 entries, got 3")]
fn run_time_slice_of_wrong_length_panics() {
    let _ = DMatrix::from_column_slice_dyn(2, 2, &[1.0, 2.0, 3.0]);
}

#[test]
#[should_panic(expected = "`Matrix::from_fn` needs every dimension known at compile time")]
fn sizeless_constructor_panics_at_dyn() {
    let _ = DMatrix::zeros();
}

#[test]
#[should_panic(expected = "`ones_mul` needs every dimension known at compile time")]
fn typenum_parameter_kernel_panics_at_dyn() {
    let _ = DMatrix::zeros_dyn(2, 2).ones_mul::<Dyn>();
}
