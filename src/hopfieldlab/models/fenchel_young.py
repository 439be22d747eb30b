"""Sparse normalisers (sparsemax, α-entmax) and Hopfield–Fenchel–Young retrieval.

α-entmax is the regularised argmax of the Tsallis α-entropy
H_α(p) = Σ_j (p_j - p_j^α) / (α(α - 1)) over the simplex,

    entmax_α(z) = argmax_{p ∈ Δ} pᵀz + H_α(p) = [(α - 1) z - τ]_+^{1/(α-1)},   Σ_j p_j = 1,

with α = 1 the Shannon limit (softmax) and α = 2 sparsemax, the Euclidean projection onto the
simplex. The Hopfield–Fenchel–Young energy is E(q) = -β⁻¹ Ω*_α(β X q) + ½|q|² with
Ω*_α(θ) = max_p pᵀθ + H_α(p); its CCCP update q ← Xᵀ entmax_α(β X q) never raises E, and because
entmax with α > 1 has a margin 1/(α - 1), a pattern whose score beats all others by that margin is
retrieved exactly in one step (Santos, Niculae, McNamee & Martins, ICML 2024, arXiv:2402.13725).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, softmax

from .._validation import _fmt, check_int, check_scalar

__all__ = [
    "FYRetrievalResult",
    "entmax",
    "entmax_conjugate",
    "fy_energy",
    "fy_retrieve",
    "fy_update",
    "margin",
    "sparsemax",
    "tsallis_entropy",
]


def _scores(z: np.ndarray, name: str = "z") -> np.ndarray:
    a = np.asarray(z, dtype=np.float64)
    if a.ndim < 1 or a.shape[-1] < 1 or not np.all(np.isfinite(a)):
        raise ValueError(
            f"{name}: got {_fmt(np.asarray(z))}, expected finite scores, last axis non-empty"
        )
    return a


def _check_alpha(alpha: float) -> float:
    return check_scalar(alpha, "alpha", low=1.0)


def sparsemax(z: np.ndarray) -> np.ndarray:
    """Sparsemax along the last axis: the Euclidean projection of z onto the simplex.

    Exact, by sorting (Martins & Astudillo 2016): with z sorted decreasingly, the support size is
    k = max{j : 1 + j z_(j) > Σ_{i<=j} z_(i)}, the threshold τ = (Σ_{i<=k} z_(i) - 1)/k and
    p = max(z - τ, 0). Scores are shifted by their maximum first (τ is shift-equivariant).

    Parameters
    ----------
    z : array_like, shape (..., K)

    Returns
    -------
    ndarray, shape (..., K), rows on the simplex
    """
    a = _scores(z)
    a = a - a.max(axis=-1, keepdims=True)
    srt = -np.sort(-a, axis=-1)
    csum = np.cumsum(srt, axis=-1)
    j = np.arange(1, a.shape[-1] + 1)
    k = np.sum(1.0 + j * srt > csum, axis=-1, keepdims=True)  # support condition is monotone in j
    tau = (np.take_along_axis(csum, k - 1, axis=-1) - 1.0) / k
    return np.maximum(a - tau, 0.0)


def _entmax_bisect(a: np.ndarray, alpha: float, n_iter: int) -> np.ndarray:
    am1 = alpha - 1.0
    x = am1 * (a - a.max(axis=-1, keepdims=True))  # max 0
    d = a.shape[-1]
    # Σ_j [x_j - τ]_+^{1/(α-1)} decreases in τ: >= 1 at τ = -1, <= 1 at τ = -(1/d)^(α-1)
    lo = np.full(x.shape[:-1] + (1,), -1.0)
    hi = np.full_like(lo, -((1.0 / d) ** am1))
    inv = 1.0 / am1
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        f = np.sum(np.maximum(x - mid, 0.0) ** inv, axis=-1, keepdims=True)
        big = f >= 1.0
        lo = np.where(big, mid, lo)
        hi = np.where(big, hi, mid)
        if np.all(hi - lo <= 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(lo))):
            break
    p = np.maximum(x - 0.5 * (lo + hi), 0.0) ** inv
    return p / p.sum(axis=-1, keepdims=True)


def entmax(z: np.ndarray, alpha: float = 1.5, *, n_iter: int = 100) -> np.ndarray:
    """α-entmax along the last axis, p = [(α-1) z - τ]_+^{1/(α-1)} with Σ p = 1.

    α = 1 is computed as softmax and α = 2 as the exact :func:`sparsemax`; other α by bisection on
    the threshold τ (the bracket [-1, -(1/K)^(α-1)] after shifting the scores to max 0 always
    contains it), to machine precision, followed by an exact renormalisation. Everything is
    evaluated after the max shift, so scores of size 10⁶ do not overflow.

    Parameters
    ----------
    z : array_like, shape (..., K)
    alpha : float
        α >= 1.
    n_iter : int
        Maximal bisection steps (>= 1); 100 halvings reach double precision.
    """
    alpha = _check_alpha(alpha)
    n_iter = check_int(n_iter, "n_iter", low=1)
    a = _scores(z)
    if alpha == 1.0:
        return softmax(a, axis=-1)
    if alpha == 2.0:
        return sparsemax(a)
    return _entmax_bisect(a, alpha, n_iter)


def tsallis_entropy(p: np.ndarray, alpha: float) -> np.ndarray:
    """H_α(p) = Σ_j (p_j - p_j^α) / (α(α-1)); Shannon -Σ p log p at α = 1."""
    alpha = _check_alpha(alpha)
    p = np.asarray(p, dtype=np.float64)
    if alpha == 1.0:
        return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)
    return np.sum(p - p**alpha, axis=-1) / (alpha * (alpha - 1.0))


def entmax_conjugate(theta: np.ndarray, alpha: float) -> np.ndarray:
    """Ω*_α(θ) = max_{p ∈ Δ} pᵀθ + H_α(p) = p*ᵀθ + H_α(p*), p* = entmax_α(θ).

    At α = 1 this is log Σ exp θ (evaluated as such). Its gradient is entmax_α(θ).
    """
    alpha = _check_alpha(alpha)
    th = _scores(theta, "theta")
    if alpha == 1.0:
        return logsumexp(th, axis=-1)
    p = entmax(th, alpha)
    top = th.max(axis=-1)
    # pᵀθ written around the maximum so that large scores keep their precision
    return top + np.sum(p * (th - top[..., None]), axis=-1) + tsallis_entropy(p, alpha)


def _check_xq(
    patterns: np.ndarray, q: np.ndarray, name: str = "q"
) -> tuple[np.ndarray, np.ndarray]:
    xi = np.asarray(patterns, dtype=np.float64)
    if xi.ndim != 2 or xi.shape[0] < 1 or not np.all(np.isfinite(xi)):
        raise ValueError(f"patterns: got {_fmt(np.asarray(patterns))}, expected finite (P, d)")
    qq = np.asarray(q, dtype=np.float64)
    if qq.ndim not in (1, 2) or qq.shape[-1] != xi.shape[1] or not np.all(np.isfinite(qq)):
        raise ValueError(
            f"{name}: got {_fmt(np.asarray(q))}, expected finite shape ({xi.shape[1]},) "
            f"or (B, {xi.shape[1]})"
        )
    return xi, qq


def fy_energy(patterns: np.ndarray, q: np.ndarray, beta: float, alpha: float = 2.0) -> np.ndarray:
    """Hopfield–Fenchel–Young energy E(q) = -β⁻¹ Ω*_α(β X q) + ½|q|².

    At α = 1 this is Ramsauer's energy (constants dropped).

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
        Stored patterns X (rows).
    q : ndarray, shape (d,) or (B, d)
    beta : float
        β > 0.
    alpha : float
        Entmax parameter α >= 1.
    """
    beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    xi, qq = _check_xq(patterns, q)
    e = -entmax_conjugate(beta * qq @ xi.T, alpha) / beta + 0.5 * np.sum(qq * qq, axis=-1)
    return float(e) if qq.ndim == 1 else e


def fy_update(patterns: np.ndarray, q: np.ndarray, beta: float, alpha: float = 2.0) -> np.ndarray:
    """One retrieval step q ← Xᵀ entmax_α(β X q) (CCCP on :func:`fy_energy`)."""
    beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    xi, qq = _check_xq(patterns, q)
    return entmax(beta * qq @ xi.T, alpha) @ xi


@dataclass(frozen=True, eq=False)
class FYRetrievalResult:
    """Outcome of iterated Fenchel–Young retrieval.

    Attributes
    ----------
    q : ndarray, shape (d,) or (B, d)
        Final states.
    weights : ndarray, shape (P,) or (B, P)
        entmax weights at the final state (exact zeros outside the support).
    support_size : ndarray of int, shape (B,)
        Number of patterns with non-zero weight.
    n_iter : int
        Updates applied.
    converged : bool
        Whether every state stopped changing (|Δq| <= tol).
    status : str
        What happened, and which knob to turn on failure.
    """

    q: np.ndarray
    weights: np.ndarray
    support_size: np.ndarray
    n_iter: int
    converged: bool
    status: str


def fy_retrieve(
    patterns: np.ndarray,
    q0: np.ndarray,
    beta: float,
    alpha: float = 2.0,
    *,
    max_iter: int = 100,
    tol: float = 1e-12,
) -> FYRetrievalResult:
    """Iterate q ← Xᵀ entmax_α(β X q) until |Δq| <= tol.

    With α > 1 and a pattern whose score β ξ_i·q exceeds every other by at least 1/(α - 1), the
    weights are exactly one-hot and q becomes ξ_i in one step; the loop then stops with Δq = 0.

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
    q0 : ndarray, shape (d,) or (B, d)
    beta : float
        β > 0.
    alpha : float
        α >= 1.
    max_iter : int
        Maximal updates (>= 1).
    tol : float
        Tolerance on the Euclidean change of each state (>= 0).
    """
    beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    alpha = _check_alpha(alpha)
    max_iter = check_int(max_iter, "max_iter", low=1)
    tol = check_scalar(tol, "tol", low=0.0)
    xi, q = _check_xq(patterns, q0, "q0")
    q = np.atleast_2d(q).copy()
    n_iter, done = 0, False
    for n_iter in range(1, max_iter + 1):
        new = entmax(beta * q @ xi.T, alpha) @ xi
        change = np.linalg.norm(new - q, axis=1)
        q = new
        if np.all(change <= tol):
            done = True
            break
    w = entmax(beta * q @ xi.T, alpha)
    status = (
        f"converged: states moved by <= tol={tol:g} after {n_iter} updates"
        if done
        else f"not converged after max_iter={max_iter} updates; raise max_iter or tol"
    )
    one = np.ndim(q0) == 1
    return FYRetrievalResult(
        q=q[0] if one else q,
        weights=w[0] if one else w,
        support_size=np.count_nonzero(w, axis=1),
        n_iter=n_iter,
        converged=done,
        status=status,
    )


def margin(alpha: float) -> float:
    """Score margin 1/(α-1) above which entmax_α is one-hot (inf at α = 1: softmax never is)."""
    alpha = _check_alpha(alpha)
    return math.inf if alpha == 1.0 else 1.0 / (alpha - 1.0)
