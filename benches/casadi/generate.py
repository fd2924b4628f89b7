#!/usr/bin/env python3
"""CasADi peer of the matcalc benchmarks (issue 13): builds the workloads of
benches/workloads.rs (value + gradient) and the seed Jacobian of benches/second_order.rs in
CasADi SX at n in {3, 8, 32}, and writes CasADi's generated C into benches/casadi/generated/
(build outputs, not committed). The bench crate beside this file compiles them with gcc -O3
when they exist and times them next to matcalc's generated code.

    pip install casadi
    python3 benches/casadi/generate.py
    cd benches/casadi && taskset -c 1 cargo bench --bench casadi_peer

Every function takes its inputs as dense column-major arrays (matcalc's layout) and writes
dense outputs: the value, then each gradient (or the Jacobian, densified: matcalc returns the
dense (2n)x(n^2) matrix, so CasADi is asked for the same). seedjacnnz is the one exception: its
Jacobian keeps CasADi's sparsity (2n^2 nonzeros), timed as a second CasADi line of seed-jac.
"""

import argparse
import os
import sys

import casadi as ca

SIZES = (3, 8, 32)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")


def seed(n):
    """sum(X Y), gradient in X."""
    x, y = ca.SX.sym("X", n, n), ca.SX.sym("Y", n, n)
    f = ca.sum1(ca.sum2(ca.mtimes(x, y)))
    return [x, y], [f, ca.gradient(f, x)]


def lstsq(n):
    """1/2 ||W x - y||^2, gradient in W."""
    w, x, y = ca.SX.sym("W", n, n), ca.SX.sym("x", n), ca.SX.sym("y", n)
    r = ca.mtimes(w, x) - y
    f = 0.5 * ca.dot(r, r)
    return [w, x, y], [f, ca.gradient(f, w)]


def gauss(n):
    """logdet(S) + tr(S^-1 A), gradient in S. ln|det S| from a symbolic QR (sum of ln|R_ii|):
    CasADi's SX det expands cofactors, which is exponential in n."""
    s, a = ca.SX.sym("S", n, n), ca.SX.sym("A", n, n)
    _, r = ca.qr(s)
    f = ca.sum1(ca.log(ca.fabs(ca.diag(r)))) + ca.trace(ca.solve(s, a))
    return [s, a], [f, ca.gradient(f, s)]


def mlp(n):
    """1/2 ||W2 tanh(W1 x) - y||^2, gradients in W1 and W2."""
    w1, w2 = ca.SX.sym("W1", n, n), ca.SX.sym("W2", n, n)
    x, y = ca.SX.sym("x", n), ca.SX.sym("y", n)
    r = ca.mtimes(w2, ca.tanh(ca.mtimes(w1, x))) - y
    f = 0.5 * ca.dot(r, r)
    return [w1, w2, x, y], [f, ca.gradient(f, w1), ca.gradient(f, w2)]


def seedjac(n):
    """X Y (Y n x 2) and its Jacobian in X, d vec(XY) / d vec(X)^T = Y^T kron I_n, dense."""
    x, y = ca.SX.sym("X", n, n), ca.SX.sym("Y", n, 2)
    v = ca.mtimes(x, y)
    j = ca.jacobian(ca.vec(v), ca.vec(x))
    return [x, y], [v, ca.densify(j)]


def seedjacnnz(n):
    """seedjac with the Jacobian left sparse: CasADi writes only its 2n^2 nonzeros (column by
    column, two per column), the form CasADi would hand a user; timed beside the dense one to
    show what the densified output costs."""
    x, y = ca.SX.sym("X", n, n), ca.SX.sym("Y", n, 2)
    v = ca.mtimes(x, y)
    return [x, y], [v, ca.jacobian(ca.vec(v), ca.vec(x))]


WORKLOADS = {"seed": seed, "lstsq": lstsq, "gauss": gauss, "mlp": mlp, "seedjac": seedjac,
             "seedjacnnz": seedjacnnz}
# Outputs written as CasADi's sparsity leaves them; every other output is densified.
SPARSE_OUTPUTS = {"seedjacnnz"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="sizes to generate (default: 3 8 32; gcc -O3 needs minutes per "
                             "n = 32 file, about 25 for gauss)")
    parser.add_argument("--out", default=OUT,
                        help="directory to write into (default: generated/ beside this file, "
                             "which the bench compiles)")
    args = parser.parse_args()
    sizes, out = args.sizes, os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(out)
    try:
        for name, build in WORKLOADS.items():
            for n in sizes:
                ins, outs = build(n)
                if name not in SPARSE_OUTPUTS:
                    outs = [ca.densify(o) for o in outs]
                fname = f"{name}_{n}"
                fun = ca.Function(fname, ins, outs)
                fun.generate(f"{fname}.c", {"with_header": True})
                print(f"{fname}.c: {fun.n_instructions()} SX instructions", file=sys.stderr)
    finally:
        os.chdir(cwd)


if __name__ == "__main__":
    main()
