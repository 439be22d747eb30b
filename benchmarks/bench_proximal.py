"""Time of one proximal (JKO) step of the Caluya–Halder recursion versus plain NumPy baselines.

Setting (issue 3): N = 2000 samples in 2-D, a 2-D OU step (default) or TAC's bistable potential
ψ = ¼(1 + x₁⁴) + ½(x₂² − x₁²) (``--case bistable``), β = 1, h = 1e-3, ε = 0.05; the step includes the cost matrix. Compared in the same
run, on the same inputs:

* ``library``: :func:`hopfieldlab.dynamics.wasserstein.prox_step` (log-potentials; one N² exp,
  then BLAS matrix-vector products with an underflow check), after ``squared_distances``;
  float64 kernel at the default tol 1e-10;
* ``library-f32``: the same with ``dtype="float32"`` (float32 kernel and products, default tol 1e-4);
* ``library-tol1e-6``: float64 kernel stopped at tol 1e-6;
* ``numpy-linear``: the published iteration written directly on Γ = exp(−C/2ε) (broadcast cost,
  no log domain; underflows for small ε);
* ``numpy-logsumexp``: the textbook log-domain sweep with ``scipy.special.logsumexp`` over the
  full N×N matrix in every half-sweep.

Run:  python benchmarks/bench_proximal.py [--n 2000] [--repeats 5] [--eps 0.05] [--case ou|bistable]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import special

from hopfieldlab.dynamics.wasserstein import prox_step, squared_distances


def _inputs(n: int, case: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if case == "bistable":  # TAC's first step from N((2,2), 4I): ψ spans thousands, ξ underflows
        old = rng.normal(2.0, 2.0, (n, 2))
        psi = 0.25 * (1 + old[:, 0] ** 4) + 0.5 * (old[:, 1] ** 2 - old[:, 0] ** 2)
        grad = np.stack([old[:, 0] ** 3 - old[:, 0], old[:, 1]], axis=1)
        rho = np.exp(-0.5 * np.sum((old - 2.0) ** 2, axis=1) / 4.0)
    else:  # a 2-D OU step from N(0, I): every implementation converges
        old = rng.normal(0.0, 1.0, (n, 2))
        psi = 0.5 * np.sum(old**2, axis=1)
        grad = old
        rho = np.exp(-psi)
    new = old - 1e-3 * grad + np.sqrt(2e-3) * rng.standard_normal((n, 2))
    return old, new, rho / rho.sum(), psi


def numpy_linear(old, new, rho, psi, beta, h, eps, tol=1e-10, max_iter=100):
    """Linear-domain fixed point, as in the reference MATLAB code (pdist2, exp, loop)."""
    c = np.sum((old[:, None, :] - new[None, :, :]) ** 2, axis=-1)
    gamma = np.exp(-c / (2 * eps))
    xi = np.exp(-beta * (psi - psi.min()) - 1)
    r = 1 / (1 + beta * eps / h)
    z = np.ones_like(rho)
    y = rho / (gamma @ z)
    it = 0
    for it in range(1, max_iter + 1):
        z_new = (xi / (gamma.T @ y)) ** r
        y_new = rho / (gamma @ z_new)
        done = max(np.max(np.abs(np.log(z_new / z))), np.max(np.abs(np.log(y_new / y)))) < tol
        y, z = y_new, z_new
        if done:
            break
    return z * (gamma.T @ y), it


def numpy_logsumexp(old, new, rho, psi, beta, h, eps, tol=1e-10, max_iter=100):
    """Log-domain fixed point with a full N×N logsumexp in every half-sweep."""
    lg = -np.sum((old[:, None, :] - new[None, :, :]) ** 2, axis=-1) / (2 * eps)
    lxi = -beta * (psi - psi.min()) - 1
    r = 1 / (1 + beta * eps / h)
    lr = np.log(rho)
    lb = np.zeros_like(rho)
    la = lr - special.logsumexp(lg + lb[None, :], axis=1)
    it = 0
    for it in range(1, max_iter + 1):
        lb_new = r * (lxi - special.logsumexp(lg + la[:, None], axis=0))
        la_new = lr - special.logsumexp(lg + lb_new[None, :], axis=1)
        done = max(np.max(np.abs(lb_new - lb)), np.max(np.abs(la_new - la))) < tol
        la, lb = la_new, lb_new
        if done:
            break
    return np.exp(lb + special.logsumexp(lg + la[:, None], axis=0)), it


def library(old, new, rho, psi, beta, h, eps):
    res = prox_step(rho, psi, squared_distances(old, new), beta, h, eps)
    return res.weights, res.n_iter


def library_f32(old, new, rho, psi, beta, h, eps):
    res = prox_step(rho, psi, squared_distances(old, new), beta, h, eps, dtype="float32")
    return res.weights, res.n_iter


def library_tol6(old, new, rho, psi, beta, h, eps):
    res = prox_step(rho, psi, squared_distances(old, new), beta, h, eps, tol=1e-6)
    return res.weights, res.n_iter


def _time(fn, args, repeats):
    out = fn(*args)  # warm-up
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--eps", type=float, default=0.05)
    ap.add_argument("--h", type=float, default=1e-3)
    ap.add_argument("--case", choices=("ou", "bistable"), default="ou")
    args = ap.parse_args()
    old, new, rho, psi = _inputs(args.n, args.case)
    call = (old, new, rho, psi, 1.0, args.h, args.eps)
    print(f"case {args.case}: N = {args.n} samples in 2-D, beta = 1, h = {args.h}, eps = {args.eps}; best of {args.repeats}")
    print(f"{'implementation':<18}{'ms/step':>10}{'sweeps':>8}{'samples/s':>13}{'speed-up':>10}"
          f"{'max rel diff':>14}")
    results = {}
    np.seterr(all="ignore")  # the linear baseline underflows in the bistable case; reported as nan
    for name, fn in (("library", library), ("library-f32", library_f32),
                     ("library-tol1e-6", library_tol6), ("numpy-linear", numpy_linear),
                     ("numpy-logsumexp", numpy_logsumexp)):
        sec, (w, it) = _time(fn, call, args.repeats)
        results[name] = (sec, w, it)
    ref_w = results["library"][1]
    for name, (sec, w, it) in results.items():
        ok = np.all(np.isfinite(w)) and np.all(w > 0)
        diff = float(np.max(np.abs(w / ref_w - 1))) if ok else float("nan")
        speed = sec / results["library"][0]
        print(f"{name:<18}{1e3 * sec:>10.2f}{it:>8d}{args.n / sec:>13.3g}{speed:>9.2f}x{diff:>14.2e}")
    print("speed-up = row time / library (float64) time (> 1: the library is faster); "
          "max rel diff = largest |w/w_library - 1|; target < 50 ms/step")


if __name__ == "__main__":
    main()
