//! Matrices up to 256×256 work in a thread with the default stack (2 MiB, like a test thread):
//! matrices larger than 16×16 keep their entries on the heap, so generated code with many
//! such temporaries does not overflow the stack. Small ones stay inline and `Copy`.
#![allow(non_snake_case)]

use matcalc::prelude::*;

/// ½‖W x − y‖², ∇W = (W x − y) xᵀ.
#[grad(W)]
fn lstsq(W: &Matrix<U256, U256>, x: &Vector<U256>, y: &Vector<U256>) -> f64 {
    0.5 * norm_sq(W * x - y)
}

/// sum(X Y), ∇X = 𝟙 Yᵀ, ∇Y = Xᵀ 𝟙.
#[grad(X, Y)]
fn seed(X: &Matrix<U256, U256>, Y: &Matrix<U256, U256>) -> f64 {
    sum(X * Y)
}

/// A two-layer network with many large temporaries in value and gradient.
#[grad(W1, W2)]
fn mlp(
    W1: &Matrix<U256, U256>,
    W2: &Matrix<U256, U256>,
    x: &Vector<U256>,
    y: &Vector<U256>,
) -> f64 {
    let h = tanh(W1 * x);
    0.5 * norm_sq(W2 * h - y)
}

fn input(seed: usize) -> Matrix<U256, U256> {
    Matrix::from_fn(|i, j| (((i * 31 + j * 17 + seed) % 23) as f64 - 11.0) / 50.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn run_in_default_stack_thread(f: impl FnOnce() + Send + 'static) {
    // `spawn` uses the default stack size (2 MiB unless RUST_MIN_STACK says otherwise).
    std::thread::spawn(f)
        .join()
        .expect("no stack overflow or panic");
}

#[test]
fn lstsq_value_and_gradient_at_256() {
    run_in_default_stack_thread(|| {
        let (w, x, y) = (input(1), input(2).column(0), input(3).column(5));
        let (value, g) = lstsq_grad(&w, &x, &y);
        let r: Vec<f64> = (0..256)
            .map(|i| (0..256).map(|k| w[(i, k)] * x[(k, 0)]).sum::<f64>() - y[(i, 0)])
            .collect();
        assert!(close(value, 0.5 * r.iter().map(|v| v * v).sum::<f64>()));
        assert!(close(value, lstsq(&w, &x, &y)));
        for (i, j) in [(0, 0), (17, 200), (255, 255), (128, 3)] {
            assert!(close(g[(i, j)], r[i] * x[(j, 0)]));
        }
    });
}

#[test]
fn seed_value_and_gradients_at_256() {
    run_in_default_stack_thread(|| {
        let (x, y) = (input(4), input(5));
        let (value, gx, gy) = seed_grad(&x, &y);
        let xy = &x * &y;
        assert!(close(value, xy.sum()));
        for (i, j) in [(0, 0), (17, 200), (255, 255)] {
            // ∂/∂X[i, j] = Σ_c Y[j, c];  ∂/∂Y[i, j] = Σ_r X[r, i].
            assert!(close(gx[(i, j)], (0..256).map(|c| y[(j, c)]).sum()));
            assert!(close(gy[(i, j)], (0..256).map(|r| x[(r, i)]).sum()));
        }
    });
}

#[test]
fn mlp_value_and_gradients_at_256() {
    run_in_default_stack_thread(|| {
        let (w1, w2) = (input(6), input(7));
        let (x, y) = (input(8).column(1), input(9).column(2));
        let (value, g1, g2) = mlp_grad(&w1, &w2, &x, &y);
        assert!(close(value, mlp(&w1, &w2, &x, &y)));
        // Spot-check both gradients with central differences.
        let h = 1e-6;
        for (i, j) in [(0, 0), (100, 37), (255, 1)] {
            let (mut p, mut m) = (w1.clone(), w1.clone());
            p[(i, j)] += h;
            m[(i, j)] -= h;
            let fd = (mlp(&p, &w2, &x, &y) - mlp(&m, &w2, &x, &y)) / (2.0 * h);
            assert!(
                (fd - g1[(i, j)]).abs() < 1e-5 * (1.0 + fd.abs()),
                "∂W1 {fd} {}",
                g1[(i, j)]
            );
            let (mut p, mut m) = (w2.clone(), w2.clone());
            p[(i, j)] += h;
            m[(i, j)] -= h;
            let fd = (mlp(&w1, &p, &x, &y) - mlp(&w1, &m, &x, &y)) / (2.0 * h);
            assert!(
                (fd - g2[(i, j)]).abs() < 1e-5 * (1.0 + fd.abs()),
                "∂W2 {fd} {}",
                g2[(i, j)]
            );
        }
    });
}

#[test]
fn small_matrices_stay_inline_and_copy() {
    fn assert_copy<T: Copy>() {}
    assert_copy::<Matrix<U16, U16>>();
    assert_copy::<Matrix<U3, U1, f32>>();
    // Inline: the matrix is exactly its entries, no pointer.
    assert_eq!(std::mem::size_of::<Matrix<U16, U16>>(), 16 * 16 * 8);
    assert_eq!(std::mem::size_of::<Matrix<U3, U4>>(), 12 * 8);
    // Heap: one pointer and a length, whatever the size.
    assert_eq!(
        std::mem::size_of::<Matrix<U256, U256>>(),
        std::mem::size_of::<Box<[f64]>>()
    );
    assert_eq!(
        std::mem::size_of::<Matrix<U17, U1>>(),
        std::mem::size_of::<Box<[f64]>>()
    );
}
