"""Spin-flip attempts per second of the compiled Monte Carlo kernel versus a plain NumPy loop.

Setting: N = 10⁴, P = 5 Rademacher patterns, T = 0.5, heat bath, random order, start at pattern 1.
The compiled kernel runs R = 1 replica on one thread and R = (number of threads) replicas on all
threads (replicas are the unit of parallelism). The NumPy reference is a Python loop over flips
that uses NumPy for the O(P) overlap update; it is timed in the same run on fewer flips.

Run:  python benchmarks/bench_montecarlo.py [--sweeps 200] [--numpy-flips 20000]
"""

from __future__ import annotations

import argparse
import math
import time

import numba
import numpy as np

from hopfieldlab.dynamics import run_montecarlo
from hopfieldlab.models import Classical, Network, Relativistic
from hopfieldlab.patterns import rademacher


def numpy_heatbath(
    network: Network, spins0: np.ndarray, beta: float, n_flips: int, seed: int
) -> float:
    """Reference: a Python loop over flips, NumPy for the O(P) overlaps; returns attempts/s."""
    rng = np.random.default_rng(seed)
    xiT = np.ascontiguousarray(network.patterns.T, dtype=np.float64)
    n = network.n_neurons
    sig = spins0.astype(np.int8).copy()
    m = sig.astype(float) @ xiT / n
    relativistic = isinstance(network.cost, Relativistic)
    c2 = float(network.cost.c) ** 2 if relativistic else 1.0
    sites = rng.integers(0, n, size=n_flips)
    us = rng.random(n_flips)
    s = 0.5 * float(m @ m)
    t0 = time.perf_counter()
    for t in range(n_flips):
        k = sites[t]
        dm = (-2.0 * sig[k] / n) * xiT[k]
        ds = float(np.dot(dm, m + 0.5 * dm))
        if relativistic:
            a = math.sqrt(1.0 + 2.0 * (s + ds) / c2)
            b = math.sqrt(1.0 + 2.0 * s / c2)
            dh = -n * 2.0 * ds / (a + b)
        else:
            dh = -n * ds
        x = beta * dh
        p = math.exp(-x) / (1.0 + math.exp(-x)) if x > 0 else 1.0 / (1.0 + math.exp(x))
        if us[t] < p:
            sig[k] = -sig[k]
            m += dm
            s += ds
    return n_flips / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--p", type=int, default=5)
    ap.add_argument("--T", type=float, default=0.5)
    ap.add_argument("--sweeps", type=int, default=200)
    ap.add_argument("--numpy-flips", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    n_all = numba.config.NUMBA_NUM_THREADS
    xi = rademacher(args.p, args.n, rng=0)
    print(
        f"N={args.n} P={args.p} T={args.T} heat bath, random order; "
        f"{args.sweeps} sweeps per replica; numba threads available: {n_all}"
    )
    header = (
        f"{'cost':<13}{'threads':>8}{'replicas':>9}{'attempts/s':>14}{'per thread':>13}"
        f"{'x NumPy':>9}"
    )
    rows = []
    for cost in (Classical(), Relativistic()):
        net = Network(xi, cost)
        # compile / load from cache outside the timing
        run_montecarlo(net, xi[0], T=args.T, n_sweeps=1, rng=0, n_threads=1)
        ref = numpy_heatbath(net, xi[0], 1.0 / args.T, args.numpy_flips, seed=0)
        rows.append((cost.name, "numpy", 1, ref, ref, 1.0))
        for threads in sorted({1, n_all}):
            start = np.tile(xi[0], (threads, 1))
            best = 0.0
            for rep in range(args.repeats):
                res = run_montecarlo(
                    net, start, T=args.T, n_sweeps=args.sweeps, record_every=args.sweeps,
                    rng=rep, n_threads=threads,
                )  # fmt: skip
                best = max(best, res.flips_per_second)
            rows.append((cost.name, threads, threads, best, best / threads, best / ref))
    print(header)
    print("-" * len(header))
    for name, threads, reps, rate, per, ratio in rows:
        print(f"{name:<13}{threads!s:>8}{reps:>9}{rate:>14.3e}{per:>13.3e}{ratio:>9.0f}")


if __name__ == "__main__":
    main()
