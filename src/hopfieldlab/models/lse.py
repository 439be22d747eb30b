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

import numpy as np

from .._validation import _fmt, check_choice, check_scalar
from ..patterns.bank import PatternBank, iter_chunks

__all__ = ["SoftmaxStats", "check_lam", "softmax_stats", "log_partition", "lse_energy"]

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
) -> SoftmaxStats:
    """Stream the softmax over patterns with a running log-sum-exp.

    Per chunk: scores λ ξ_c x (one BLAS product), a new running max M, the accumulators
    rescaled by exp(M_old − M_new), then ``den += Σ w`` and ``num += w ξ_c`` (a second BLAS
    product). Peak memory is O(chunk·B) whatever P.

    Parameters
    ----------
    patterns : ndarray (P, N) or PatternBank
        Stored patterns.
    x : ndarray, shape (B, N)
        Queries, already validated.
    lam : float
        Inverse temperature, 0 < λ <= inf.
    chunk : int, optional
        Patterns per chunk (None: whole array / the bank's blocks).
    with_mean : bool
        Whether to accumulate the softmax-weighted mean of the patterns.
    """
    dt = _compute_dtype(patterns, x)
    q = np.ascontiguousarray(x, dtype=dt)
    b, n = q.shape
    m_run = np.full(b, -np.inf)  # running max of the raw overlaps
    arg = np.zeros(b, dtype=np.int64)
    den = np.zeros(b, dtype=np.float64)
    num = np.zeros((b, n), dtype=dt) if with_mean else None
    for start, block in iter_chunks(patterns, chunk):
        xi = np.asarray(block, dtype=dt)
        s = q @ xi.T  # (B, c) raw overlaps
        j = np.argmax(s, axis=1)
        s_max = s[np.arange(b), j].astype(np.float64)
        better = s_max > m_run
        arg = np.where(better, start + j, arg)
        if math.isinf(lam):
            if num is not None:
                num[better] = xi[j[better]]
            m_run = np.maximum(m_run, s_max)
            continue
        m_new = np.maximum(m_run, s_max)
        scale = np.exp(lam * (m_run - m_new))  # exp(-inf) = 0 on the first chunk
        w = np.exp(lam * (s - m_new[:, None].astype(dt)))
        den = den * scale + w.sum(axis=1, dtype=np.float64)
        if num is not None:
            num *= scale[:, None].astype(dt)
            num += w @ xi
        m_run = m_new
    if math.isinf(lam):
        logz = np.full(b, np.inf)
        mean = num
    else:
        logz = lam * m_run + np.log(den)
        mean = None if num is None else num / den[:, None].astype(dt)
    return SoftmaxStats(log_partition=logz, max_overlap=m_run, argmax=arg, mean=mean)


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
        e = e - (st.log_partition - lam * st.max_overlap) / lam
    if form == "ramsauer":
        q64 = q.astype(np.float64)
        e = e + 0.5 * np.einsum("bi,bi->b", q64, q64)
    return float(e[0]) if np.ndim(x) == 1 else e
