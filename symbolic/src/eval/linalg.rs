//! Dense numeric kernels for the interpreter: naive loops over column-major `Value`s, written
//! from the textbook definitions and deliberately unoptimised, because `eval` is the independent
//! reference the derived (and emitted) code is checked against, not a fast path.

use super::Value;

/// A·B for A r×k and B k×c.
pub fn matmul(a: &Value, b: &Value) -> Value {
    let (r, k, c) = (a.rows, a.cols, b.cols);
    Value::from_fn(r, c, |i, j| (0..k).map(|t| a.get(i, t) * b.get(t, j)).sum())
}

/// Aᵀ.
pub fn transpose(a: &Value) -> Value {
    Value::from_fn(a.cols, a.rows, |i, j| a.get(j, i))
}

/// The n×n identity.
pub fn identity(n: usize) -> Value {
    Value::from_fn(n, n, |i, j| if i == j { 1.0 } else { 0.0 })
}

/// kron(A, B)[i·p + k, j·q + l] = A[i, j]·B[k, l] for B p×q.
pub fn kron(a: &Value, b: &Value) -> Value {
    let (p, q) = (b.rows, b.cols);
    Value::from_fn(a.rows * p, a.cols * q, |r, c| {
        a.get(r / p, c / q) * b.get(r % p, c % q)
    })
}

/// The mn×mn commutation matrix: K·vec(A) = vec(Aᵀ) for A m×n. vec(A) holds A[i, j] at
/// i + m·j and vec(Aᵀ) holds it at j + n·i, so K[j + n·i, i + m·j] = 1.
pub fn commutation(m: usize, n: usize) -> Value {
    let mut k = Value::zeros(m * n, m * n);
    for i in 0..m {
        for j in 0..n {
            k.set(j + n * i, i + m * j, 1.0);
        }
    }
    k
}

/// The permutation P with P·(vec A ⊗ vec B) = vec(A ⊗ B) for A m×n, B p×q: A[i, j]·B[k, l] sits
/// at (i + m·j)·p·q + k + p·l on the right and at (i·p + k) + m·p·(j·q + l) on the left.
pub fn kron_perm(m: usize, n: usize, p: usize, q: usize) -> Value {
    let len = m * n * p * q;
    let mut perm = Value::zeros(len, len);
    for i in 0..m {
        for j in 0..n {
            for k in 0..p {
                for l in 0..q {
                    perm.set(
                        i * p + k + m * p * (j * q + l),
                        (i + m * j) * p * q + k + p * l,
                        1.0,
                    );
                }
            }
        }
    }
    perm
}

/// The rearrangement R[i + m·j, k + p·l] = G[i·p + k, j·q + l] of G (m·p)×(n·q).
pub fn kron_rearrange(g: &Value, m: usize, n: usize) -> Value {
    let (p, q) = (g.rows / m, g.cols / n);
    Value::from_fn(m * n, p * q, |r, c| {
        let (i, j, k, l) = (r % m, r / m, c % p, c / p);
        g.get(i * p + k, j * q + l)
    })
}

/// Adjoint of kron(A, B) with respect to A: Ā[i, j] = Σ_{k,l} G[i·p + k, j·q + l]·B[k, l].
pub fn kron_adjoint_left(g: &Value, b: &Value) -> Value {
    let (p, q) = (b.rows, b.cols);
    Value::from_fn(g.rows / p, g.cols / q, |i, j| {
        let mut s = 0.0;
        for k in 0..p {
            for l in 0..q {
                s += g.get(i * p + k, j * q + l) * b.get(k, l);
            }
        }
        s
    })
}

/// Adjoint of kron(A, B) with respect to B: B̄[k, l] = Σ_{i,j} G[i·p + k, j·q + l]·A[i, j],
/// where B is p×q = (G.rows / A.rows)×(G.cols / A.cols).
pub fn kron_adjoint_right(g: &Value, a: &Value) -> Value {
    let (p, q) = (g.rows / a.rows, g.cols / a.cols);
    Value::from_fn(p, q, |k, l| {
        let mut s = 0.0;
        for i in 0..a.rows {
            for j in 0..a.cols {
                s += g.get(i * p + k, j * q + l) * a.get(i, j);
            }
        }
        s
    })
}

/// An LU factorisation P·A = L·U with partial pivoting. `lu` holds U on and above the diagonal
/// and L's multipliers below it (L has a unit diagonal); `perm[i]` is the row of A that ended
/// up in row i; `sign` is det P.
struct Lu {
    n: usize,
    lu: Vec<f64>,
    perm: Vec<usize>,
    sign: f64,
}

impl Lu {
    fn new(a: &Value) -> Lu {
        let n = a.rows;
        let mut lu = a.data.clone();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut sign = 1.0;
        let at = |i: usize, j: usize| i + n * j;
        for k in 0..n {
            // Partial pivoting: the largest |entry| in column k at or below the diagonal.
            let mut p = k;
            for i in k + 1..n {
                if lu[at(i, k)].abs() > lu[at(p, k)].abs() {
                    p = i;
                }
            }
            if p != k {
                for j in 0..n {
                    lu.swap(at(k, j), at(p, j));
                }
                perm.swap(k, p);
                sign = -sign;
            }
            let pivot = lu[at(k, k)];
            if pivot == 0.0 {
                // Singular: leave the column as it is; det is 0 and a solve yields ±inf/NaN,
                // which is the honest numeric answer (no panic).
                continue;
            }
            for i in k + 1..n {
                let m = lu[at(i, k)] / pivot;
                lu[at(i, k)] = m;
                for j in k + 1..n {
                    lu[at(i, j)] -= m * lu[at(k, j)];
                }
            }
        }
        Lu { n, lu, perm, sign }
    }

    fn u(&self, i: usize) -> f64 {
        self.lu[i + self.n * i]
    }

    fn det(&self) -> f64 {
        (0..self.n).map(|i| self.u(i)).product::<f64>() * self.sign
    }

    /// ln|det A| = Σ ln|u_ii| (summing logs rather than taking the log of the product keeps
    /// it finite where det itself would under- or overflow).
    fn logdet(&self) -> f64 {
        (0..self.n).map(|i| self.u(i).abs().ln()).sum()
    }

    /// A⁻¹, one column at a time: solve L·y = P·e_j forward, then U·x = y backward.
    fn inverse(&self) -> Value {
        let n = self.n;
        let at = |i: usize, j: usize| i + n * j;
        let mut inv = Value::zeros(n, n);
        for col in 0..n {
            let mut x: Vec<f64> = (0..n)
                .map(|i| if self.perm[i] == col { 1.0 } else { 0.0 })
                .collect();
            for i in 0..n {
                for k in 0..i {
                    x[i] -= self.lu[at(i, k)] * x[k];
                }
            }
            for i in (0..n).rev() {
                for k in i + 1..n {
                    x[i] -= self.lu[at(i, k)] * x[k];
                }
                x[i] /= self.lu[at(i, i)];
            }
            for (i, xi) in x.into_iter().enumerate() {
                inv.set(i, col, xi);
            }
        }
        inv
    }
}

/// det A, from an LU factorization.
pub fn det(a: &Value) -> f64 {
    Lu::new(a).det()
}

/// ln|det A|, from the LU factors.
pub fn logdet(a: &Value) -> f64 {
    Lu::new(a).logdet()
}

/// A⁻¹, from an LU factorization.
pub fn inverse(a: &Value) -> Value {
    Lu::new(a).inverse()
}

/// Aᵏ by repeated multiplication; A⁻¹ raised to |k| for negative k; I for k = 0.
pub fn matpow(a: &Value, k: i32) -> Value {
    let base = if k < 0 { inverse(a) } else { a.clone() };
    let mut out = identity(a.rows);
    for _ in 0..k.unsigned_abs() {
        out = matmul(&out, &base);
    }
    out
}

/// exp(xᵢ − max) / Σ exp(xⱼ − max) over all entries; shifting by the max keeps every exponent
/// ≤ 0, so large inputs cannot overflow.
pub fn softmax(a: &Value) -> Value {
    let max = a.data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = a.data.iter().map(|x| (x - max).exp()).collect();
    let total: f64 = exps.iter().sum();
    Value {
        data: exps.into_iter().map(|e| e / total).collect(),
        ..a.clone()
    }
}

/// max + ln Σ exp(xᵢ − max), stable for the same reason as `softmax`.
pub fn logsumexp(a: &Value) -> f64 {
    let max = a.data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max.is_infinite() {
        // All −∞ (the sum is 0, ln 0 = −∞) or some +∞: the max is the answer, and subtracting
        // it would produce NaN.
        return max;
    }
    max + a.data.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// A⁻¹B by its definition (the reference need not avoid forming A⁻¹).
pub fn solve(a: &Value, b: &Value) -> Value {
    matmul(&inverse(a), b)
}

/// The Cholesky–Banachiewicz recurrence on the lower triangle of A: l_jj = √(a_jj − Σ l_jk²),
/// l_ij = (a_ij − Σ l_ik l_jk) / l_jj. A non-positive pivot gives NaN entries (as core does).
pub fn cholesky(a: &Value) -> Value {
    let n = a.rows;
    let mut l = Value::zeros(n, n);
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l.get(i, k) * l.get(j, k)).sum();
            let x = if i == j {
                let d = a.get(i, i) - s;
                if d > 0.0 {
                    d.sqrt()
                } else {
                    f64::NAN
                }
            } else {
                (a.get(i, j) - s) / l.get(j, j)
            };
            l.set(i, j, x);
        }
    }
    l
}

/// The lower triangle (i ≥ j) of A times `diagonal` on the diagonal: tril for 1, Φ for ½.
pub fn lower_triangle(a: &Value, diagonal: f64) -> Value {
    Value::from_fn(a.rows, a.cols, |i, j| match i.cmp(&j) {
        std::cmp::Ordering::Greater => a.get(i, j),
        std::cmp::Ordering::Equal => diagonal * a.get(i, j),
        std::cmp::Ordering::Less => 0.0,
    })
}

/// Column j of A (`by_cols`) or row j, as a column value.
fn slice(a: &Value, j: usize, by_cols: bool) -> Value {
    if by_cols {
        Value::from_fn(a.rows, 1, |i, _| a.get(i, j))
    } else {
        Value::from_fn(a.cols, 1, |i, _| a.get(j, i))
    }
}

/// `softmax` of each column (`by_cols`) or each row.
pub fn softmax_batch(a: &Value, by_cols: bool) -> Value {
    let count = if by_cols { a.cols } else { a.rows };
    let parts: Vec<Value> = (0..count).map(|j| softmax(&slice(a, j, by_cols))).collect();
    Value::from_fn(a.rows, a.cols, |i, j| {
        if by_cols {
            parts[j].get(i, 0)
        } else {
            parts[i].get(j, 0)
        }
    })
}

/// `logsumexp` of each column (1×C, `by_cols`) or each row (R×1).
pub fn logsumexp_batch(a: &Value, by_cols: bool) -> Value {
    if by_cols {
        Value::from_fn(1, a.cols, |_, j| logsumexp(&slice(a, j, true)))
    } else {
        Value::from_fn(a.rows, 1, |i, _| logsumexp(&slice(a, i, false)))
    }
}
