"""Dense-associative-memory retrieval: the softmax fixed-point update, streamed over patterns.

    x ← Σ_μ ξ^μ softmax_μ(λ ξ^μ·x)

This is the dynamics of Lucibello & Mézard (and the CCCP step on Ramsauer's energy
-(1/λ) log Σ exp(λ ξ·x) + |x|²/2, so that energy never increases along it), with λ multiplying
the raw overlap ξ·x = O(N) as in :mod:`hopfieldlab.models.lse`. It is the default everywhere.
``project_to_sphere=True`` selects a variant that rescales the state to |x|² = N after every
step (x ← √N x/|x|); it is not the paper's dynamics and is never switched on implicitly.
λ = ∞ is the nearest pattern by overlap (argmax_μ ξ^μ·x). The sum over μ is computed chunk by
chunk with a running log-sum-exp (:func:`hopfieldlab.models.lse.softmax_stats`): memory
O(chunk·B), never O(P·B); the chunk products are BLAS matrix products, which already use every
core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import _fmt, check_int, check_scalar
from ..models.lse import (
    PatternSource,
    _as_queries,
    _compute_dtype,
    _n_neurons,
    check_lam,
    softmax_stats,
)
from ..patterns.bank import PatternBank

__all__ = ["RetrievalResult", "retrieve", "softmax_update", "target_weight", "update_rule"]


@dataclass(frozen=True, eq=False)
class RetrievalResult:
    """Outcome of the iterated softmax update for B queries.

    Attributes
    ----------
    x : ndarray, shape (N,) or (B, N)
        Final states (the shape of the initial state).
    n_iter : int
        Updates applied to the slowest query.
    converged : bool
        Whether every query met the tolerance.
    converged_each : ndarray of bool, shape (B,)
        Per query.
    overlap : ndarray of float, shape (B,), or None
        Final overlaps ξ^t·x/N with the target pattern(s) (None without a target).
    status : str
        A sentence saying what happened and, on failure, which knob to turn.
    """

    x: np.ndarray
    n_iter: int
    converged: bool
    converged_each: np.ndarray
    overlap: np.ndarray | None
    status: str


def update_rule(project_to_sphere: bool = False) -> str:
    """A sentence naming the update that ``project_to_sphere`` selects (for captions, attributes).

    Parameters
    ----------
    project_to_sphere : bool
        As in :func:`retrieve`.

    Returns
    -------
    str
    """
    if project_to_sphere:
        return ("softmax update x ← Σ_μ ξ^μ softmax_μ(λ ξ^μ·x), then projected to the sphere "
                "|x|² = N (project_to_sphere=True; not the paper's dynamics)")
    return "plain softmax update x ← Σ_μ ξ^μ softmax_μ(λ ξ^μ·x) (Lucibello–Mézard)"


def _check_flag(project_to_sphere: bool) -> bool:
    if not isinstance(project_to_sphere, (bool, np.bool_)):
        raise ValueError(f"project_to_sphere: got {project_to_sphere!r}, expected True or False")
    return bool(project_to_sphere)


def _step(
    patterns: PatternSource, q: np.ndarray, lam: float, chunk: int | None, norm: bool,
    kernel: str | None = None, backend: str = "numpy", device: Any = None,
) -> np.ndarray:
    new = softmax_stats(patterns, q, lam, chunk=chunk, with_mean=True, kernel=kernel,
                        backend=backend, device=device).mean
    if norm:
        r = np.linalg.norm(new, axis=1, keepdims=True)
        new = new * (np.sqrt(q.shape[1]) / np.where(r > 0, r, 1.0))
    return new


def softmax_update(
    patterns: PatternSource,
    x: np.ndarray,
    lam: float,
    *,
    project_to_sphere: bool = False,
    chunk: int | None = None,
    kernel: str | None = None,
    backend: str = "numpy",
    device: Any = None,
) -> np.ndarray:
    """One softmax update x ← Σ_μ ξ^μ softmax_μ(λ ξ^μ·x), for one query or a batch.

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
        Stored patterns ξ^μ (rows); a bank is regenerated chunk by chunk.
    x : ndarray, shape (N,) or (B, N)
        Current state(s).
    lam : float
        Inverse temperature, 0 < λ <= inf (inf: the pattern of largest overlap, first on ties).
    project_to_sphere : bool
        Rescale the result to |x|² = N (x ← √N x/|x|). Default False: the plain update, the
        paper's dynamics, for every kind of pattern (spherical banks included).
    chunk : int, optional
        Patterns per chunk (>= 1); None: the whole array, or the bank's blocks.
    kernel : {'fused', 'blas'}, optional
        Streaming kernel (see :func:`hopfieldlab.models.lse.softmax_stats`); None: by batch size.
    backend : {'numpy', 'torch'}
        Array backend of the streamed sum (see :func:`hopfieldlab.models.lse.softmax_stats`);
        'torch' needs PyTorch and runs on ``device``.
    device : None, str or torch.device
        Torch device for backend='torch' (None: CUDA when available, else the CPU).

    Returns
    -------
    ndarray, same shape as ``x`` (float64, or float32 when patterns and x are float32).
    """
    lam = check_lam(lam)
    q = _as_queries(x, _n_neurons(patterns))
    out = _step(patterns, q, lam, chunk, _check_flag(project_to_sphere), kernel, backend, device)
    return out[0] if np.ndim(x) == 1 else out


def _target_rows(patterns: PatternSource, target: int | np.ndarray, b: int) -> np.ndarray:
    idx = np.broadcast_to(np.asarray(target), (b,)) if np.ndim(target) <= 1 else None
    p = len(patterns) if isinstance(patterns, PatternBank) else np.asarray(patterns).shape[0]
    if idx is None or not np.issubdtype(idx.dtype, np.integer) or np.any((idx < 0) | (idx >= p)):
        want = f"pattern indices in [0, {p}), one or one per query ({b})"
        raise ValueError(f"target: got {_fmt(np.asarray(target))}, expected {want}")
    if isinstance(patterns, PatternBank):
        return patterns.rows(idx).astype(np.float64)
    return np.asarray(patterns)[idx].astype(np.float64)


def retrieve(
    patterns: PatternSource,
    x0: np.ndarray,
    lam: float,
    *,
    target: int | np.ndarray | None = None,
    project_to_sphere: bool = False,
    max_iter: int = 100,
    tol: float | None = None,
    chunk: int | None = None,
    backend: str = "numpy",
    device: Any = None,
) -> RetrievalResult:
    """Iterate the softmax update to a fixed point, per query, with a convergence status.

    A query stops when the change of its state satisfies |Δx|/√N <= tol (exactly 0 at
    λ = ∞); the others go on, so converged queries cost nothing more.

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
        Stored patterns.
    x0 : ndarray, shape (N,) or (B, N)
        Initial state(s), e.g. :func:`hopfieldlab.patterns.noisy_cue` of the target.
    lam : float
        Inverse temperature, 0 < λ <= inf.
    target : int or ndarray of int, optional
        Index (one for all queries, or one per query) of the pattern to report the final
        overlap ξ^t·x/N with.
    project_to_sphere : bool
        As in :func:`softmax_update`: False (default) iterates the plain softmax update of
        Lucibello & Mézard; True rescales the state to |x|² = N after every step.
    max_iter : int
        Maximal number of updates (>= 1).
    tol : float, optional
        Tolerance on the root-mean-square change per neuron (>= 0). None: 1e-8, or 1e-5 when
        the computation runs in float32 (float32 patterns and queries).
    chunk : int, optional
        Patterns per chunk.
    backend : {'numpy', 'torch'}
        Array backend of the streamed sum (see :func:`hopfieldlab.models.lse.softmax_stats`);
        'torch' needs PyTorch and runs on ``device``.
    device : None, str or torch.device
        Torch device for backend='torch' (None: CUDA when available, else the CPU).

    Returns
    -------
    RetrievalResult
    """
    lam = check_lam(lam)
    max_iter = check_int(max_iter, "max_iter", low=1)
    q = _as_queries(x0, _n_neurons(patterns), "x0")
    q = q.astype(_compute_dtype(patterns, q))  # a copy: the caller's x0 is never modified
    if tol is None:
        tol = 1e-5 if q.dtype == np.float32 else 1e-8
    tol = check_scalar(tol, "tol", low=0.0)
    b, n = q.shape
    rows = None if target is None else _target_rows(patterns, target, b)
    norm = _check_flag(project_to_sphere)
    active = np.ones(b, dtype=bool)
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        new = _step(patterns, q[active], lam, chunk, norm, None, backend, device)
        change = np.linalg.norm(new - q[active], axis=1) / math.sqrt(n)
        q[active] = new
        active[np.flatnonzero(active)[change <= tol]] = False
        if not active.any():
            break
    done = ~active
    overlap = None if rows is None else np.einsum("bi,bi->b", rows, q) / n
    if done.all():
        status = f"converged: all {b} queries met tol={tol:g} within {n_iter} updates"
    else:
        status = (f"not converged: {int(active.sum())} of {b} queries still moving after "
                  f"max_iter={max_iter} updates; raise max_iter or tol")
    return RetrievalResult(
        x=q[0] if np.ndim(x0) == 1 else q, n_iter=n_iter, converged=bool(done.all()),
        converged_each=done, overlap=overlap, status=status,
    )


def target_weight(
    patterns: PatternSource,
    x: np.ndarray,
    lam: float,
    target: int | np.ndarray,
    *,
    chunk: int | None = None,
    backend: str = "numpy",
    device: Any = None,
) -> np.ndarray | float:
    """Softmax weight exp(λ ξ^t·x) / Σ_μ exp(λ ξ^μ·x) of the target pattern(s).

    This is the one-step retrieval criterion of the REM analysis: a typical pattern is
    retrieved iff its weight tends to 1 (above α₁ it tends to 0).

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
    x : ndarray, shape (N,) or (B, N)
    lam : float
        Inverse temperature, 0 < λ < inf.
    target : int or ndarray of int
        Pattern index, one for all queries or one per query.
    chunk : int, optional
        Patterns per chunk.
    backend : {'numpy', 'torch'}
        Array backend of the streamed sum (see :func:`hopfieldlab.models.lse.softmax_stats`);
        'torch' needs PyTorch and runs on ``device``.
    device : None, str or torch.device
        Torch device for backend='torch' (None: CUDA when available, else the CPU).
    """
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    q = _as_queries(x, _n_neurons(patterns)).astype(np.float64)
    rows = _target_rows(patterns, target, q.shape[0])
    logz = softmax_stats(patterns, q, lam, chunk=chunk, with_mean=False, backend=backend,
                         device=device).log_partition
    w = np.exp(np.minimum(lam * np.einsum("bi,bi->b", rows, q) - logz, 0.0))
    return float(w[0]) if np.ndim(x) == 1 else w
