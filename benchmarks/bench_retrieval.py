"""One softmax retrieval step over P = 10⁶ patterns (N = 64, float32): streamed vs plain NumPy.

Reference (measured in the same run): the plain NumPy update that materialises the (B, P)
score matrix, ``softmax(λ x ξᵀ) ξ`` with a max shift. The streamed update is
:func:`hopfieldlab.dynamics.softmax_update` with its 'fused' (numba, one pass over the patterns)
and 'blas' (gemm per cache-sized chunk, segments on a thread pool) kernels.

Printed per batch size B: time (best of ``--repeat``), throughput in patterns·queries/s, the
ratio to NumPy, the fraction of the measured copy bandwidth (pattern bytes read once / time;
the roofline for few queries), the fraction of the measured sgemm peak (the 4·P·N·B flops of the
two products / time; the roofline for many queries), and the peak of traced allocations beyond
the inputs (tracemalloc sees NumPy's buffers; torch's CPU allocations are not traced, so the
torch row shows only its NumPy-side buffers). When torch is importable, a 'torch <device>' row
runs the same streamed algorithm with ``backend='torch'`` (CUDA when available; ``--device``).
A last block shows that the streamed memory does
not grow with P while NumPy's does.

Run:  python benchmarks/bench_retrieval.py [--P 1000000] [--N 64] [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
import tracemalloc

import numba
import numpy as np

from hopfieldlab.dynamics import softmax_update


def numpy_update(xi: np.ndarray, x: np.ndarray, lam: float) -> np.ndarray:
    """Plain NumPy baseline: the whole (B, P) softmax matrix at once."""
    s = lam * (x @ xi.T)
    s -= s.max(axis=1, keepdims=True)
    w = np.exp(s)
    return (w @ xi) / w.sum(axis=1, keepdims=True)


def best_time(fn, repeat: int) -> float:
    fn()  # warm-up (compilation, page faults)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_bytes(fn) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def copy_bandwidth(xi: np.ndarray, repeat: int) -> float:
    """Bytes per second of a streaming read (sum over the bank) — the read roofline."""
    flat = xi.reshape(-1)
    t = best_time(lambda: np.add.reduce(flat, dtype=np.float32), repeat)
    return xi.nbytes / t


def gemm_peak(repeat: int) -> float:
    """Flops per second of a large square float32 gemm (all BLAS threads)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2048, 2048), dtype=np.float32)
    b = rng.standard_normal((2048, 2048), dtype=np.float32)
    out = np.empty_like(a)
    t = best_time(lambda: np.matmul(a, b, out=out), repeat)
    return 2 * 2048**3 / t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--P", type=int, default=1_000_000)
    ap.add_argument("--N", type=int, default=64)
    ap.add_argument("--lam", type=float, default=2.0 / 8.0)  # λ|s| = O(N·λ/8): a soft, non-trivial softmax
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 16, 256])
    ap.add_argument("--device", default=None, help="torch device (default: cuda if available)")
    args = ap.parse_args()
    has_torch = importlib.util.find_spec("torch") is not None
    dev_name = None
    if has_torch:
        from hopfieldlab.models._lse_torch import resolve_device

        dev_name = str(resolve_device(args.device))
    rng = np.random.default_rng(1)
    xi = rng.standard_normal((args.P, args.N), dtype=np.float32)
    bw = copy_bandwidth(xi, args.repeat)
    peak = gemm_peak(args.repeat)
    print(f"P = {args.P:,}, N = {args.N}, float32, λ = {args.lam}; numba threads = {numba.get_num_threads()}")
    if has_torch:
        import torch

        print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads, device {dev_name}")
    else:
        print("torch not installed: no torch row")
    print(f"measured read bandwidth {bw / 1e9:.1f} GB/s, sgemm peak {peak / 1e9:.1f} GFLOP/s\n")
    head = (f"{'B':>4} {'method':>14} {'time [s]':>9} {'pat·q/s':>10} {'vs NumPy':>9} "
            f"{'% bandwidth':>11} {'% gemm':>7} {'peak mem [MB]':>13}")
    print(head)
    for b in args.batches:
        x = rng.standard_normal((b, args.N)).astype(np.float32)
        runs = {"numpy": lambda x=x: numpy_update(xi, x, args.lam),
                "stream fused": lambda x=x: softmax_update(xi, x, args.lam, kernel="fused"),
                "stream blas": lambda x=x: softmax_update(xi, x, args.lam, kernel="blas"),
                "stream auto": lambda x=x: softmax_update(xi, x, args.lam)}
        if has_torch:
            runs[f"torch {dev_name}"] = lambda x=x: softmax_update(xi, x, args.lam, backend="torch",
                                                               device=dev_name)
        ref = runs["numpy"]()
        t_np = None
        for name, fn in runs.items():
            if name != "numpy":
                err = float(np.max(np.abs(fn() - ref)))
                if err > 1e-3:
                    raise RuntimeError(f"{name} differs from NumPy by {err:g}")
            t = best_time(fn, args.repeat)
            t_np = t if name == "numpy" else t_np
            mem = peak_bytes(fn)
            rate = args.P * b / t
            print(f"{b:>4} {name:>14} {t:>9.4f} {rate:>10.3g} {t_np / t:>8.2f}x "
                  f"{100 * xi.nbytes / t / bw:>10.0f}% {100 * 4 * args.P * args.N * b / t / peak:>6.0f}% "
                  f"{mem / 1e6:>13.1f}")
    print("\npeak memory beyond the patterns vs P (B = 256):")
    x = rng.standard_normal((256, args.N)).astype(np.float32)
    for p in (args.P // 4, args.P):
        sub = xi[:p]
        print(f"  P = {p:>9,}: numpy {peak_bytes(lambda sub=sub: numpy_update(sub, x, args.lam)) / 1e6:8.1f} MB, "
              f"streamed {peak_bytes(lambda sub=sub: softmax_update(sub, x, args.lam)) / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
