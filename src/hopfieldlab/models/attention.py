"""Ramsauer et al.'s modern Hopfield network in its attention form, with metastable states.

Stored patterns are rows of keys Y (P, d_k) with values V (P, d_v); a query r retrieves

    r ↦ softmax(β r Yᵀ) V,

which for V = Y is the CCCP step ξ ← Xᵀ softmax(β X ξ) on the energy
E(ξ) = -β⁻¹ log Σ_μ exp(β x_μ·ξ) + ½|ξ|² + β⁻¹ log P + ½M² (M = max_μ |x_μ|), and for
β = 1/√d_k with learned projections is transformer attention. The sum over patterns is streamed
in chunks with a running log-sum-exp, so memory is O(chunk·S) whatever P.

Fixed points are of three kinds (Ramsauer et al., ICLR 2021, arXiv:2008.02217, Sec. 2):
a single pattern (weights concentrated on one μ), a *metastable state* averaging a subset of
similar patterns, or the global average (small β). :func:`classify_fixed_point` tells them apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import _fmt, check_int, check_scalar
from .lse import lse_energy

__all__ = [
    "AttentionRetrievalResult",
    "FixedPointReport",
    "attention",
    "attention_weights",
    "classify_fixed_point",
    "hopfield_energy",
    "iterate_retrieval",
    "one_step_error_bound",
    "separation",
]


def _mat(a: np.ndarray, name: str, cols: int | None = None) -> np.ndarray:
    x = np.asarray(a, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 1 or (cols is not None and x.shape[1] != cols):
        want = "a 2-D array" + (f" with {cols} columns" if cols is not None else "")
        raise ValueError(f"{name}: got {_fmt(np.asarray(a))}, expected {want}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or infinite entries, expected finite numbers")
    return x


def _beta(beta: float) -> float:
    return check_scalar(beta, "beta", low=0.0, low_inclusive=False)


def attention(
    queries: np.ndarray,
    keys: np.ndarray,
    values: np.ndarray | None = None,
    *,
    beta: float | None = None,
    chunk: int | None = None,
) -> np.ndarray:
    """softmax(β R Yᵀ) V, streamed over the P stored patterns.

    Parameters
    ----------
    queries : ndarray, shape (S, d_k) or (d_k,)
        State (query) patterns R.
    keys : ndarray, shape (P, d_k)
        Stored patterns Y.
    values : ndarray, shape (P, d_v), optional
        Values V (default: the keys, i.e. the Hopfield update).
    beta : float, optional
        β > 0; default 1/√d_k (the transformer scaling).
    chunk : int, optional
        Stored patterns per chunk (default all).

    Returns
    -------
    ndarray, shape (S, d_v), or (d_v,) for one query
    """
    y = _mat(keys, "keys")
    r = _mat(np.atleast_2d(queries), "queries", y.shape[1])
    v = y if values is None else _mat(values, "values")
    if v.shape[0] != y.shape[0]:
        raise ValueError(f"values: got {v.shape[0]} rows, expected one per key ({y.shape[0]})")
    b = 1.0 / math.sqrt(y.shape[1]) if beta is None else _beta(beta)
    step = y.shape[0] if chunk is None else check_int(chunk, "chunk", low=1)
    run_max = np.full(r.shape[0], -np.inf)
    den = np.zeros(r.shape[0])
    num = np.zeros((r.shape[0], v.shape[1]))
    for i in range(0, y.shape[0], step):
        s = b * r @ y[i : i + step].T
        new_max = np.maximum(run_max, s.max(axis=1))
        scale = np.exp(run_max - new_max)  # 0 on the first chunk
        w = np.exp(s - new_max[:, None])
        den = den * scale + w.sum(axis=1)
        num = num * scale[:, None] + w @ v[i : i + step]
        run_max = new_max
    out = num / den[:, None]
    return out[0] if np.ndim(queries) == 1 else out


def attention_weights(queries: np.ndarray, keys: np.ndarray, beta: float) -> np.ndarray:
    """The association matrix softmax(β R Yᵀ), shape (S, P) (or (P,) for one query)."""
    y = _mat(keys, "keys")
    r = _mat(np.atleast_2d(queries), "queries", y.shape[1])
    s = _beta(beta) * r @ y.T
    w = np.exp(s - s.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    return w[0] if np.ndim(queries) == 1 else w


def hopfield_energy(patterns: np.ndarray, xi: np.ndarray, beta: float) -> np.ndarray | float:
    """Ramsauer's energy E(ξ) = -β⁻¹ lse(β Xξ) + ½|ξ|² + β⁻¹ log P + ½M², M = max_μ |x_μ|.

    The constants make 0 <= E <= 2M² on the convex hull of the patterns (Ramsauer et al.,
    Lemma A1). Float for one state (d,), shape (B,) for (B, d).
    """
    x = _mat(patterns, "patterns")
    b = _beta(beta)
    const = math.log(x.shape[0]) / b + 0.5 * float(np.max(np.sum(x * x, axis=1)))
    return lse_energy(x, np.asarray(xi, dtype=np.float64), b, form="ramsauer") + const


def separation(patterns: np.ndarray) -> np.ndarray:
    """Δ_i = x_i·x_i - max_{j≠i} x_i·x_j for every stored pattern (P >= 2)."""
    x = _mat(patterns, "patterns")
    if x.shape[0] < 2:
        raise ValueError(f"patterns: got {x.shape[0]} pattern, expected at least 2")
    g = x @ x.T
    diag = np.diag(g).copy()
    np.fill_diagonal(g, -np.inf)
    return diag - g.max(axis=1)


def one_step_error_bound(patterns: np.ndarray, i: int, xi: np.ndarray, beta: float) -> float:
    """Bound on |f(ξ) - x_i| after one update f(ξ) = Xᵀ softmax(β Xξ) (Ramsauer et al., Thm 4).

    Since (x_j - x_i)·ξ <= -Δ_i + 2M|ξ - x_i|, the weight outside pattern i is at most
    ε = (P-1) exp(-β(Δ_i - 2M|ξ - x_i|)), and |f(ξ) - x_i| = |Σ_j p_j (x_j - x_i)| <= 2Mε:

        |f(ξ) - x_i| <= 2(P-1) exp(-β(Δ_i - 2M|ξ - x_i|)) M.

    The error is exponentially small in the separation Δ_i (:func:`separation`).
    """
    x = _mat(patterns, "patterns")
    i = check_int(i, "i", low=0, high=x.shape[0] - 1)
    b = _beta(beta)
    big_m = float(np.sqrt(np.max(np.sum(x * x, axis=1))))
    d = float(separation(x)[i])
    dist = float(np.linalg.norm(np.asarray(xi, float) - x[i]))
    return 2.0 * (x.shape[0] - 1) * math.exp(-b * (d - 2.0 * big_m * dist)) * big_m


@dataclass(frozen=True, eq=False)
class FixedPointReport:
    """What a (near) fixed point of the attention update averages over.

    Attributes
    ----------
    kind : str
        'pattern' (one pattern carries the weight), 'metastable' (a proper subset of k >= 2
        patterns), or 'global' (all patterns take part).
    support : ndarray of int
        The smallest set of patterns carrying a fraction >= 1 - ``mass_tol`` of the weight,
        sorted by decreasing weight.
    weights : ndarray, shape (P,)
        The softmax weights at the state.
    participation : float
        1 / Σ_μ p_μ², an effective number of patterns averaged.
    subset_mean_distance : float
        |ξ - mean of the support patterns| / |ξ|: small for a metastable state, which sits near
        the average of its subset.
    """

    kind: str
    support: np.ndarray
    weights: np.ndarray
    participation: float
    subset_mean_distance: float


def classify_fixed_point(
    patterns: np.ndarray, xi: np.ndarray, beta: float, *, mass_tol: float = 0.01
) -> FixedPointReport:
    """Classify a state by the patterns its softmax weights average over.

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
    xi : ndarray, shape (d,)
        Usually the outcome of :func:`iterate_retrieval`.
    beta : float
        β > 0.
    mass_tol : float
        Weight left outside the support, in (0, 1).
    """
    x = _mat(patterns, "patterns")
    q = np.asarray(xi, dtype=np.float64)
    if q.shape != (x.shape[1],):
        raise ValueError(f"xi: got {_fmt(q)}, expected shape ({x.shape[1]},)")
    tol = check_scalar(
        mass_tol, "mass_tol", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    w = attention_weights(q, x, beta)
    order = np.argsort(-w, kind="stable")
    k = int(np.searchsorted(np.cumsum(w[order]), 1.0 - tol) + 1)
    k = min(k, x.shape[0])
    support = order[:k]
    kind = "pattern" if k == 1 else ("global" if k == x.shape[0] else "metastable")
    mean = x[support].mean(axis=0)
    dist = float(np.linalg.norm(q - mean) / max(np.linalg.norm(q), np.finfo(float).tiny))
    return FixedPointReport(
        kind=kind,
        support=support,
        weights=w,
        participation=float(1.0 / np.sum(w * w)),
        subset_mean_distance=dist,
    )


@dataclass(frozen=True, eq=False)
class AttentionRetrievalResult:
    """Iterated retrieval ξ ← Xᵀ softmax(β X ξ) for B states.

    Attributes
    ----------
    xi : ndarray, shape (d,) or (B, d)
        Final states.
    energy : ndarray, shape (n_iter + 1, B)
        Energy before the first and after every update (non-increasing: CCCP).
    n_iter : int
        Updates applied.
    converged : bool
        Whether every state met the tolerance.
    reports : tuple of FixedPointReport
        One per state: pattern, metastable or global fixed point.
    status : str
        What happened, and which knob to turn on failure.
    """

    xi: np.ndarray
    energy: np.ndarray
    n_iter: int
    converged: bool
    reports: tuple[FixedPointReport, ...]
    status: str


def iterate_retrieval(
    patterns: np.ndarray,
    xi0: np.ndarray,
    beta: float,
    *,
    max_iter: int = 100,
    tol: float = 1e-10,
    mass_tol: float = 0.01,
    chunk: int | None = None,
) -> AttentionRetrievalResult:
    """Iterate the Hopfield update to a fixed point and report what each state converged to.

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
    xi0 : ndarray, shape (d,) or (B, d)
    beta : float
        β > 0.
    max_iter : int
        Maximal updates (>= 1); the paper's retrieval usually needs one.
    tol : float
        Stop when |Δξ| <= tol for every state.
    mass_tol : float
        As in :func:`classify_fixed_point`.
    chunk : int, optional
        Patterns per chunk of the streamed softmax.
    """
    x = _mat(patterns, "patterns")
    q = _mat(np.atleast_2d(xi0), "xi0", x.shape[1]).copy()
    b = _beta(beta)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_scalar(tol, "tol", low=0.0)
    energies = [np.atleast_1d(hopfield_energy(x, q, b))]
    n_iter, done = 0, False
    for n_iter in range(1, max_iter + 1):
        new = attention(q, x, x, beta=b, chunk=chunk)
        change = np.linalg.norm(new - q, axis=1)
        q = new
        energies.append(np.atleast_1d(hopfield_energy(x, q, b)))
        if np.all(change <= tol):
            done = True
            break
    reports = tuple(classify_fixed_point(x, row, b, mass_tol=mass_tol) for row in q)
    kinds = ", ".join(
        f"{k}: {sum(r.kind == k for r in reports)}" for k in ("pattern", "metastable", "global")
    )
    status = (
        f"converged after {n_iter} updates ({kinds})"
        if done
        else f"not converged after max_iter={max_iter} updates ({kinds}); raise max_iter or tol"
    )
    return AttentionRetrievalResult(
        xi=q[0] if np.ndim(xi0) == 1 else q,
        energy=np.stack(energies),
        n_iter=n_iter,
        converged=done,
        reports=reports,
        status=status,
    )
