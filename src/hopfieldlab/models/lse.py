"""Log-sum-exp (dense associative memory) energy, evaluated stably and streamed over patterns.

Convention (Lucibello & Mézard 2023): overlaps are raw dot products s_μ = ξ^μ·x = O(N), and

    E_sep(x) = -(1/λ) log Σ_μ exp(λ ξ^μ·x)               (the paper's separable form)
    E_ram(x) = E_sep(x) + |x|²/2                          (Ramsauer et al. 2021, constants dropped)

With P = e^{αN} patterns the exponents are O(N) and the sum is O(e^{αN}), so everything is
computed max-shifted, one chunk of patterns at a time with a running (online) log-sum-exp:
memory O(chunk·B), never O(P·B). Other papers use λ per unit overlap (λ' = λN) or
λ = β/√N (attention); convert before calling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import _fmt, check_choice, check_scalar
from ..patterns.bank import PatternBank, iter_chunks
from . import _lse_kernels as _k
from . import _lse_torch as _kt

__all__ = ["SoftmaxStats", "check_lam", "log_partition", "lse_energy", "softmax_stats"]

PatternSource = np.ndarray | PatternBank


@dataclass(frozen=True, eq=False)
class SoftmaxStats:
    """Softmax statistics of queries against all patterns (shapes for B queries).

    Attributes
    ----------
    log_partition : ndarray, shape (B,)
        log Σ_μ exp(λ ξ^μ·x) (+inf at λ = ∞).
    max_overlap : ndarray, shape (B,)
        max_μ ξ^μ·x.
    argmax : ndarray of int64, shape (B,)
        The first μ reaching ``max_overlap``.
    mean : ndarray, shape (B, N), or None
        Σ_μ ξ^μ softmax_μ(λ ξ^μ·x); at λ = ∞ the argmax pattern. None when not requested.
    """

    log_partition: np.ndarray
    max_overlap: np.ndarray
    argmax: np.ndarray
    mean: np.ndarray | None


def check_lam(lam: float, name: str = "lam") -> float:
    """Return λ as a float after checking 0 < λ <= inf (NaN rejected)."""
    return check_scalar(lam, name, low=0.0, low_inclusive=False, allow_inf=True)


def _as_queries(x: np.ndarray, n_neurons: int, name: str = "x") -> np.ndarray:
    q = np.asarray(x)
    if q.ndim not in (1, 2) or q.shape[-1] != n_neurons or q.size == 0:
        want = f"shape ({n_neurons},) or (B, {n_neurons})"
        raise ValueError(f"{name}: got {_fmt(q)}, expected {want}")
    if not np.issubdtype(q.dtype, np.number) or not np.all(np.isfinite(q)):
        raise ValueError(f"{name}: got {_fmt(q)}, expected finite real entries")
    return np.atleast_2d(q)


def _n_neurons(patterns: PatternSource) -> int:
    if isinstance(patterns, PatternBank):
        return patterns.n_neurons
    p = np.asarray(patterns)
    if p.ndim != 2 or p.shape[0] < 1:
        raise ValueError(f"patterns: got {_fmt(p)}, expected a 2-D array of shape (P, N), P >= 1")
    return int(p.shape[1])


def _compute_dtype(patterns: PatternSource, q: np.ndarray) -> np.dtype:
    bank = isinstance(patterns, PatternBank)
    pdt = np.dtype(patterns.dtype) if bank else np.asarray(patterns).dtype
    return np.result_type(pdt, q.dtype, np.float32)


def softmax_stats(
    patterns: PatternSource,
    x: np.ndarray,
    lam: float,
    *,
    chunk: int | None = None,
    with_mean: bool = True,
    kernel: str | None = None,
    threads: int | None = None,
    backend: str = "numpy",
    device: Any = None,
) -> SoftmaxStats:
    """Stream the softmax over patterns with a running log-sum-exp.

    The patterns are read piece by piece (``chunk`` rows, or a bank's blocks); each piece goes
    through a compiled kernel (:mod:`hopfieldlab.models._lse_kernels`) that keeps, per query,
    the running maximum M, den = Σ exp(λ(s − M)) and num = Σ exp(λ(s − M)) ξ, and the pieces'
    states are merged in order. Peak memory is O(B·N + chunk·B) whatever P, and the result does
    not depend on the number of threads.

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
        Stored patterns.
    x : ndarray, shape (B, N)
        Queries, already validated.
    lam : float
        Inverse temperature, 0 < λ <= inf.
    chunk : int, optional
        Patterns per piece (None: whole array / the bank's blocks).
    with_mean : bool
        Whether to accumulate the softmax-weighted mean of the patterns.
    kernel : {'fused', 'blas'}, optional
        'fused': one numba pass per pattern row (memory-bound; best for few queries).
        'blas': gemm per cache-sized chunk (best for many queries). None: chosen from B.
    threads : int, optional
        Worker threads of the 'blas' kernel (None: numba's thread count). The 'fused' kernel
        uses numba's threads (``numba.set_num_threads``).
    backend : {'numpy', 'torch'}
        'numpy': the compiled kernels above. 'torch': the same streamed algorithm on PyTorch
        tensors (:mod:`hopfieldlab.models._lse_torch`), each chunk moved to ``device`` in turn;
        needs torch (ImportError with an install hint otherwise). ``kernel``/``threads`` apply
        to 'numpy' only; torch uses its own intra-op threads.
    device : None, str or torch.device
        Torch device (backend='torch' only). None/'auto': CUDA when available, else the CPU;
        'cuda' without CUDA falls back to the CPU with a RuntimeWarning.
    """
    check_choice(backend, "backend", ("numpy", "torch"))
    _kt.check_backend_device(backend, device)
    dt = _compute_dtype(patterns, x)
    q = np.ascontiguousarray(x, dtype=dt)
    b, n = q.shape
    if backend == "torch":
        run, best = _kt.torch_state(patterns, q, lam, with_mean=with_mean, chunk=chunk, device=device)
        return _finish(run, best, lam, dt, b)
    kern = check_choice(kernel or _k.default_kernel(b), "kernel", ("fused", "blas"))
    inf_lam = math.isinf(lam)
    run: _k.PartialState | None = None
    best = np.zeros((b, n), dtype=dt) if (with_mean and inf_lam) else None
    for start, block in iter_chunks(patterns, chunk, check_finite=False):
        xi = np.ascontiguousarray(block, dtype=dt)
        if kern == "fused":
            part = _k.fused_state(xi, q, lam, with_mean and not inf_lam, start)
        else:
            part = _k.blas_state(xi, q, lam, with_mean and not inf_lam, start, threads)
        if best is not None:  # λ = ∞: keep the row of the (first) largest overlap so far
            won = part.m > (run.m if run is not None else -np.inf)
            best[won] = xi[part.arg[won] - start]
        run = part if run is None else _k.merge_states([run, part], lam)
    return _finish(run, best, lam, dt, b)


def _finish(run: _k.PartialState, best: np.ndarray | None, lam: float, dt: np.dtype,
            b: int) -> SoftmaxStats:
    if math.isinf(lam):
        logz = np.full(b, np.inf)
        mean = best
    else:
        with np.errstate(over="ignore"):  # λM beyond float64: log Z is ±inf (callers check)
            logz = lam * run.m + np.log(run.den)
        mean = None if run.num is None else (run.num / run.den[:, None]).astype(dt)
    return SoftmaxStats(log_partition=logz, max_overlap=run.m, argmax=run.arg, mean=mean)


def log_partition(
    patterns: PatternSource, x: np.ndarray, lam: float, *, chunk: int | None = None
) -> np.ndarray | float:
    """log Σ_μ exp(λ ξ^μ·x), max-shifted; a float for one query (N,), shape (B,) for (B, N).

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
    x : ndarray, shape (N,) or (B, N)
    lam : float
        Inverse temperature, 0 < λ < inf.
    chunk : int, optional
        Patterns per chunk.
    """
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    q = _as_queries(x, _n_neurons(patterns))
    out = softmax_stats(patterns, q, lam, chunk=chunk, with_mean=False).log_partition
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"lam: got {lam}, expected a value for which log Σ exp(lam ξ·x) fits in float64 "
            "(lam * max ξ·x overflows)"
        )
    return float(out[0]) if np.ndim(x) == 1 else out


def lse_energy(
    patterns: PatternSource,
    x: np.ndarray,
    lam: float,
    *,
    form: str = "ramsauer",
    chunk: int | None = None,
) -> np.ndarray | float:
    """Log-sum-exp energy of one query (N,) or a batch (B, N).

    .. math::
        E(x) = -\\max_\\mu s_\\mu - \\frac{1}{\\lambda} \\log \\sum_\\mu e^{\\lambda (s_\\mu -
        \\max_\\nu s_\\nu)} \\; [+ |x|^2/2], \\qquad s_\\mu = \\xi^\\mu \\cdot x,

    i.e. -(1/λ) log Σ_μ exp(λ ξ^μ·x), written so that nothing overflows at λ = 10⁴ and the
    λ = ∞ limit, -max_μ ξ^μ·x, is exact.

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
        Stored patterns ξ^μ (rows).
    x : ndarray, shape (N,) or (B, N)
        State(s).
    lam : float
        Inverse temperature λ, 0 < λ <= inf.
    form : {'ramsauer', 'separable'}
        'ramsauer' adds |x|²/2: then the softmax update is a CCCP step and never raises E.
        'separable' is the paper's pure log-sum-exp term.
    chunk : int, optional
        Patterns per chunk of the streamed sum.

    Returns
    -------
    float for a single query, ndarray of shape (B,) for a batch (float64).
    """
    lam = check_lam(lam)
    check_choice(form, "form", ("ramsauer", "separable"))
    q = _as_queries(x, _n_neurons(patterns))
    st = softmax_stats(patterns, q, lam, chunk=chunk, with_mean=False)
    e = -st.max_overlap
    if not math.isinf(lam):
        with np.errstate(over="ignore", invalid="ignore"):
            lam_m = lam * st.max_overlap
            corr = (st.log_partition - lam_m) / lam  # log(Σ e^{λ(s-M)})/λ, in [0, log(P)/λ]
        # λ|M| beyond float64 makes log Z overflow; then corr <= log(P)/λ < 1e-305 |M|, below
        # the resolution of M, so the λ = ∞ value -M is exact to double precision
        e = e - np.where(np.isfinite(lam_m), corr, 0.0)
    if form == "ramsauer":
        q64 = q.astype(np.float64)
        e = e + 0.5 * np.einsum("bi,bi->b", q64, q64)
    if not np.all(np.isfinite(e)):
        raise ValueError(
            f"lam: got {lam}, expected a value for which the energy -(1/lam) log Σ exp(lam ξ·x) "
            "fits in float64 (it reaches -log(P)/lam, which overflows for tiny lam)"
        )
    return float(e[0]) if np.ndim(x) == 1 else e
