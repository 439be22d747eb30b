"""Exact averages over Rademacher patterns ξ ∈ {±1}^P, the core of the low-storage theory.

:func:`pattern_average` is the general tool: it enumerates {±1}^n up to ``MAX_EXACT`` components
and falls back to Monte Carlo above. The private ``_moments`` computes every average of the field
h = β ξ·g that the low-storage equations need (E[ξ tanh h], C = E[ξξᵀ sech² h], E|ξ·g| and
E ln(1 + e^{−2|h|})) exactly. Only the components with g_μ ≠ 0 (the condensed ones) enter the
field: they are enumerated (at most ``MAX_EXACT`` of them), or summed in closed form with a
binomial law when their fields have equal magnitude (symmetric mixtures, any size). The others
are independent of the field, so their block of C is E[sech² h]·I in closed form and P can be
large. β = inf stands for T = 0: tanh → sign (sign 0 on ties) and sech² → 1{h = 0}.

The argument checks shared by the low-storage modules (cost, temperature, overlap vector) live
here too, at the bottom of the import graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import gammaln

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..models._base import AbstractOverlapCost

__all__ = ["MAX_EXACT", "PatternAverage", "pattern_average"]

MAX_EXACT = 20
"""Largest number of unequal condensed components averaged by exact enumeration."""

_CHUNK = 1 << 15
_LN2 = math.log(2.0)


# ------------------------------------------------------------------------------------------
# validation helpers
# ------------------------------------------------------------------------------------------
def _check_cost(cost: Any) -> AbstractOverlapCost:
    if not isinstance(cost, AbstractOverlapCost):
        raise TypeError(f"cost: got {type(cost).__name__}, expected an overlap cost")
    return cost


def _check_T(T: Any) -> tuple[float, float]:
    """Return (T, β) with β = inf at T = 0."""
    t = check_scalar(T, "T", low=0.0)
    return t, (math.inf if t == 0.0 else 1.0 / t)


def _check_vector(m: Any, name: str = "m") -> np.ndarray:
    try:
        arr = np.array(m, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: got {m!r}, expected a 1-D vector of real numbers") from exc
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(
            f"{name}: got shape {arr.shape}, expected a 1-D overlap vector of length >= 1"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or infinite entries, expected finite numbers")
    return arr


# ------------------------------------------------------------------------------------------
# exact pattern averages
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PatternAverage:
    """An average over ξ ∈ {±1}^n.

    Attributes
    ----------
    value : ndarray or float
        The average.
    stderr : ndarray or float
        Standard error (0 for exact enumeration).
    exact : bool
        Whether all 2^n sign vectors were enumerated.
    n_samples : int
        Number of sign vectors used.
    """

    value: Any
    stderr: Any
    exact: bool
    n_samples: int


def _sign_chunks(n: int, *, half: bool = False) -> Any:
    """Yield float arrays of shape (rows, n) enumerating {±1}^n (half: those with ξ_0 = +1)."""
    if n == 0:
        yield np.zeros((1, 0))
        return
    free = n - 1 if half else n
    total = 1 << free
    bits = np.arange(free, dtype=np.int64)
    for start in range(0, total, _CHUNK):
        idx = np.arange(start, min(total, start + _CHUNK), dtype=np.int64)
        x = 1.0 - 2.0 * ((idx[:, None] >> bits) & 1)
        if half:
            x = np.concatenate([np.ones((idx.size, 1)), x], axis=1)
        yield x


def pattern_average(
    f: Callable[[np.ndarray], Any],
    n: int,
    *,
    rng: RNGLike = None,
    n_samples: int = 1 << 16,
) -> PatternAverage:
    """Expectation of ``f(ξ)`` over ξ uniform on {±1}^n.

    Parameters
    ----------
    f : callable
        Maps a float array of sign vectors, shape (K, n), to an array of shape (K, ...).
    n : int
        Dimension, n >= 0. Up to ``MAX_EXACT`` (= 20) the 2^n vectors are enumerated
        exactly (in chunks); above, a Monte Carlo estimate is returned.
    rng : Generator, int or None
        Randomness for the Monte Carlo estimate (unused when exact).
    n_samples : int
        Number of Monte Carlo samples.

    Returns
    -------
    PatternAverage
        ``value`` with its standard error (0 when exact).
    """
    n = check_int(n, "n", low=0)
    if not callable(f):
        raise TypeError(f"f: got {type(f).__name__}, expected a callable")
    if n <= MAX_EXACT:
        total = None
        for xi in _sign_chunks(n):
            part = np.sum(np.asarray(f(xi), dtype=float), axis=0)
            total = part if total is None else total + part
        value = np.asarray(total) / float(1 << n)
        zero = np.zeros_like(value)
        return PatternAverage(
            value=value if value.ndim else float(value),
            stderr=zero if zero.ndim else 0.0,
            exact=True,
            n_samples=1 << n,
        )
    n_samples = check_int(n_samples, "n_samples", low=2)
    gen = as_generator(rng)
    xi = gen.choice(np.array([-1.0, 1.0]), size=(n_samples, n))
    vals = np.asarray(f(xi), dtype=float)
    value = vals.mean(axis=0)
    err = vals.std(axis=0, ddof=1) / math.sqrt(n_samples)
    return PatternAverage(
        value=value if np.ndim(value) else float(value),
        stderr=err if np.ndim(err) else float(err),
        exact=False,
        n_samples=n_samples,
    )


@lru_cache(maxsize=256)
def _binomial_law(k: int) -> tuple[np.ndarray, np.ndarray]:
    """S = Σ of k uniform signs: its values and probabilities."""
    j = np.arange(k + 1, dtype=float)
    logp = gammaln(k + 1.0) - gammaln(j + 1.0) - gammaln(k - j + 1.0) - k * _LN2
    s_vals = 2.0 * j - k
    p = np.exp(logp)
    s_vals.setflags(write=False)
    p.setflags(write=False)
    return s_vals, p


@dataclass(frozen=True)
class _Moments:
    """Averages over ξ of functions of the field h = β ξ·g (β = inf means T = 0).

    ``active`` lists the components with g ≠ 0; ``mean`` and ``C`` are restricted to them.
    ``c0`` = E[sech²] (at T = 0: P(h = 0)), the C entry of every inactive component.
    ``abs_h`` = E|ξ·g| and ``log1p`` = E ln(1 + e^{−2β|ξ·g|}), so that
    T E ln cosh(β ξ·g) = abs_h + T·log1p − T ln 2.
    """

    active: np.ndarray
    mean: np.ndarray
    C: np.ndarray
    c0: float
    abs_h: float
    log1p: float


def _pointwise(h: np.ndarray, beta: float, scale: float) -> tuple[np.ndarray, ...]:
    """tanh(βh), sech²(βh), ln(1+e^{−2β|h|}) and |h| (T = 0 limits when β = inf)."""
    a = np.abs(h)
    if math.isinf(beta):
        tie = a <= 1e-12 * max(scale, 1e-300)
        t = np.where(tie, 0.0, np.sign(h))
        return t, tie.astype(float), np.zeros_like(h), a
    e = np.exp(-2.0 * beta * a)
    t = np.tanh(beta * h)
    s = 4.0 * e / (1.0 + e) ** 2
    return t, s, np.log1p(e), a


def _moments(g: np.ndarray, beta: float) -> _Moments:
    g = np.asarray(g, dtype=float)
    active = np.nonzero(g != 0.0)[0]
    k = active.size
    ga = g[active]
    scale = float(np.abs(ga).sum()) if k else 0.0
    if k == 0:
        t, s, lg, a = _pointwise(np.zeros(1), beta, 1.0)
        return _Moments(active, np.zeros(0), np.zeros((0, 0)), float(s[0]), 0.0, float(lg[0]))
    mags = np.abs(ga)
    if np.max(mags) - np.min(mags) <= 1e-13 * np.max(mags):
        # equal magnitudes: ξ·g = a Σ s_i ξ_i, and s_i ξ_i are uniform signs -> binomial law
        amp = float(mags.mean())
        sgn = np.sign(ga)
        S, p = _binomial_law(k)
        t, s, lg, a = _pointwise(amp * S, beta, amp * k)
        mean = sgn * float(np.sum(p * (S / k) * t))
        c_diag = float(np.sum(p * s))
        C = np.full((k, k), 0.0)
        if k > 1:
            c_off = float(np.sum(p * (S * S - k) / (k * (k - 1.0)) * s))
            C = c_off * np.outer(sgn, sgn)
        np.fill_diagonal(C, c_diag)
        return _Moments(active, mean, C, c_diag, float(np.sum(p * a)), float(np.sum(p * lg)))
    if k > MAX_EXACT:
        raise ValueError(
            f"m: got {k} condensed components with unequal fields; exact averages are limited to "
            f"{MAX_EXACT} (equal-magnitude mixtures of any size are fine)"
        )
    mean = np.zeros(k)
    C = np.zeros((k, k))
    c0 = abs_h = log1p = 0.0
    rows = 0
    for xi in _sign_chunks(k, half=True):  # every summand is even under ξ -> -ξ
        h = xi @ ga
        t, s, lg, a = _pointwise(h, beta, scale)
        mean += xi.T @ t
        C += (xi * s[:, None]).T @ xi
        c0 += float(s.sum())
        abs_h += float(a.sum())
        log1p += float(lg.sum())
        rows += xi.shape[0]
    return _Moments(active, mean / rows, C / rows, c0 / rows, abs_h / rows, log1p / rows)


def _full_mean(mom: _Moments, P: int) -> np.ndarray:
    out = np.zeros(P)
    out[mom.active] = mom.mean
    return out


def _full_C(mom: _Moments, P: int) -> np.ndarray:
    C = mom.c0 * np.eye(P)
    C[np.ix_(mom.active, mom.active)] = mom.C
    return C
