"""Mean-field theory at low storage (P fixed, N → ∞) for any overlap cost F.

With H = −N F(m) and Rademacher patterns, the pressure is

    −βf = sup_m [ln 2 − I(m) + βF(m)]                     (Landau form)
        = sup_y [ln 2 + E_ξ ln cosh(β ξ·∇F(y)) + β(F(y) − y·∇F(y))]   (tangent form, F convex)

where I(m) = sup_x [x·m − E_ξ ln cosh(ξ·x)] is the rate function of the overlaps under the
uniform measure. Both are stationary on the self-consistency equation
m = E_ξ[ξ tanh(β ξ·∇F(m))], and a fixed point is locally stable iff every eigenvalue of
β C ∇²F(m) is < 1, with C = E_ξ[ξ ξᵀ (1 − tanh²(β ξ·∇F(m)))].

Expectations over ξ ∈ {±1}^P are exact: only the components where ∇F(m) ≠ 0 (the condensed
ones) enter the field; they are enumerated (≤ 20 of them), or summed in closed form with a
binomial law when their fields have equal magnitude (symmetric mixtures, any n). The other
components are independent of the field, so their rows of C are E[1 − tanh²]·I in closed
form and P can be large.

T = 0 is allowed: tanh → sign (sign 0 on ties), 1 − tanh² → 0, and T·ln cosh(h/T) → |h|.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import optimize
from scipy.special import gammaln

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_choice, check_int, check_scalar
from ..errors import ConvergenceWarning
from ..models._base import AbstractOverlapCost
from ._fixed_point import (
    StabilityResult,
    StateResult,
    largest_root,
    report_failure,
    solve_system,
)

__all__ = [
    "PatternAverage",
    "VariationalResult",
    "pattern_average",
    "free_energy",
    "rate_function",
    "landau_free_energy",
    "variational_free_energy",
    "solve_state",
    "stability",
    "stability_threshold",
    "critical_temperature",
    "effective_beta",
]

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


# ------------------------------------------------------------------------------------------
# free energies
# ------------------------------------------------------------------------------------------
def _tangent_f(cost: AbstractOverlapCost, m: np.ndarray, T: float, beta: float) -> float:
    g = cost.grad(m)
    mom = _moments(g, beta)
    lg = 0.0 if T == 0.0 else T * mom.log1p
    return float(-mom.abs_h - lg - (cost.F(m) - m @ g))


def free_energy(cost: AbstractOverlapCost, m: Any, T: float) -> float:
    """Tangent (variational) free energy per neuron at overlap ``m``.

    −βf(m) = ln 2 + E_ξ ln cosh(β ξ·∇F(m)) + β(F(m) − m·∇F(m)).

    Parameters
    ----------
    cost : AbstractOverlapCost
    m : array_like, shape (P,)
        Overlap vector (any point; the formula is the free energy at fixed points and a lower
        bound on −βf elsewhere when F is convex).
    T : float
        Temperature, T >= 0 (at T = 0: f = −E|ξ·∇F| − F + m·∇F, i.e. −F at fixed points).

    Returns
    -------
    float
        f(m).
    """
    cost = _check_cost(cost)
    T, beta = _check_T(T)
    return _tangent_f(cost, _check_vector(m), T, beta)


def _psi(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """ψ(x) = E ln cosh(ξ·x), its gradient and Hessian."""
    mom = _moments(x, 1.0)
    P = x.size
    return mom.abs_h + mom.log1p - _LN2, _full_mean(mom, P), _full_C(mom, P)


def rate_function(m: Any) -> float:
    """Rate function of the overlaps under uniform spins: I(m) = sup_x [x·m − E ln cosh(ξ·x)].

    ln 2 − I(m) is the entropy per neuron of the configurations with overlap vector m.

    Parameters
    ----------
    m : array_like, shape (P,)

    Returns
    -------
    float
        I(m) (convex, I(0) = 0; +inf outside the set of reachable overlaps). One condensed
        component has the closed form ((1+m)ln(1+m) + (1−m)ln(1−m))/2; otherwise a
        trust-region Newton maximisation is run on the support of m (components with
        m_μ = 0 have x_μ = 0 by symmetry). A ``ConvergenceWarning`` flags a maximisation
        that did not reach a vanishing gradient (m on or beyond the boundary).
    """
    m = _check_vector(m)
    sup = np.nonzero(m != 0.0)[0]
    if sup.size == 0:
        return 0.0
    ms = m[sup]
    if sup.size == 1:
        a = abs(float(ms[0]))
        if a > 1.0:
            return math.inf
        if a == 1.0:
            return _LN2
        return 0.5 * ((1 + a) * math.log1p(a) + (1 - a) * math.log1p(-a))
    if sup.size > MAX_EXACT:
        raise ValueError(f"m: got {sup.size} non-zero components, expected at most {MAX_EXACT}")

    def obj(x: np.ndarray) -> tuple[float, np.ndarray]:
        v, gr, _ = _psi(x)
        return v - x @ ms, gr - ms

    def hess(x: np.ndarray) -> np.ndarray:
        return _psi(x)[2]

    res = optimize.minimize(
        obj, np.arctanh(np.clip(ms, -0.999, 0.999)), jac=True, hess=hess, method="trust-exact",
        options={"gtol": 1e-12, "maxiter": 500},
    )
    gnorm = float(np.max(np.abs(res.jac)))
    if gnorm > 1e-8:
        warnings.warn(
            f"rate_function: the maximisation stopped with gradient {gnorm:.2e} "
            "(m near or beyond the boundary of reachable overlaps); the value is a lower bound",
            ConvergenceWarning,
            stacklevel=2,
        )
    return float(-res.fun)


def landau_free_energy(cost: AbstractOverlapCost, m: Any, T: float) -> float:
    """Landau free energy f_L(m) = −(1/β)[ln 2 + βF(m) − I(m)] = −T ln 2 − F(m) + T I(m).

    Its minimum over m is the free energy for any cost (no convexity needed); at fixed points
    it equals the tangent form :func:`free_energy`. At T = 0 it is −F(m).

    Parameters
    ----------
    cost : AbstractOverlapCost
    m : array_like, shape (P,)
    T : float
        T >= 0.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    T, _ = _check_T(T)
    m = _check_vector(m)
    if T == 0.0:
        return float(-cost.F(m))
    return float(-T * _LN2 - cost.F(m) + T * rate_function(m))


@dataclass(frozen=True, eq=False)
class VariationalResult:
    """Global minimum of the tangent free energy over overlap vectors.

    Attributes
    ----------
    m : ndarray, shape (P,)
        The minimiser (polished into a fixed point).
    free_energy : float
        f = min_m f(m) = −(1/β) sup_m Φ(m).
    pressure : float
        −βf (``nan`` at T = 0, where β is infinite).
    T : float
    candidates : tuple of StateResult
        Every distinct fixed point reached from the starts, best first.
    """

    m: np.ndarray
    free_energy: float
    pressure: float
    T: float
    candidates: tuple[StateResult, ...]


def variational_free_energy(
    cost: AbstractOverlapCost,
    T: float,
    n_patterns: int,
    *,
    starts: Sequence[Any] | None = None,
    rng: RNGLike = 0,
    n_random: int = 4,
) -> VariationalResult:
    """Free energy as the extremum of the tangent form over all overlap vectors.

    Minimises f(m) (:func:`free_energy`; −βf = sup_m Φ(m)) with L-BFGS-B from several
    starts — the paramagnet, a pure state, every symmetric odd mixture that fits, random
    vectors and the user's ``starts`` — and polishes each local optimum with
    :func:`solve_state`. Valid for convex costs (classical, relativistic, even p-body);
    for others use the Landau form.

    Parameters
    ----------
    cost : AbstractOverlapCost
    T : float
        T >= 0.
    n_patterns : int
        P, between 1 and 20.
    starts : sequence of array_like, optional
        Extra starting vectors of length ``n_patterns``.
    rng : Generator, int or None
        Randomness of the random starts.
    n_random : int
        Number of random starts.

    Returns
    -------
    VariationalResult
    """
    cost = _check_cost(cost)
    T, beta = _check_T(T)
    P = check_int(n_patterns, "n_patterns", low=1, high=MAX_EXACT)
    n_random = check_int(n_random, "n_random", low=0)
    gen = as_generator(rng)
    init: list[np.ndarray] = [np.zeros(P)]
    for n in range(1, P + 1, 2):
        v = np.zeros(P)
        v[:n] = 1.0 if n == 1 else 0.5
        init.append(v)
    init += [gen.uniform(-1.0, 1.0, size=P) for _ in range(n_random)]
    for s in starts or ():
        v = _check_vector(s, "starts")
        if v.size != P:
            raise ValueError(f"starts: got a vector of length {v.size}, expected {P}")
        init.append(v)

    def obj(y: np.ndarray) -> tuple[float, np.ndarray]:
        g = cost.grad(y)
        mom = _moments(g, beta)
        lg = 0.0 if T == 0.0 else T * mom.log1p
        f = float(-mom.abs_h - lg - (cost.F(y) - y @ g))
        return f, cost.hess(y) @ (y - _full_mean(mom, P))

    found: list[StateResult] = []
    for y0 in init:
        if np.any(y0 != 0.0):
            res = optimize.minimize(obj, y0, jac=True, method="L-BFGS-B",
                                    options={"maxiter": 500, "ftol": 1e-15, "gtol": 1e-12})
            y = np.asarray(res.x)
        else:
            y = y0
        st = solve_state(cost, T, y, n_patterns=P, on_fail="ignore")
        if not st.converged:
            continue
        key = np.sort(np.abs(st.m))
        if not any(np.allclose(key, np.sort(np.abs(o.m)), atol=1e-7) for o in found):
            found.append(st)
    if not found:
        report_failure("variational_free_energy: no start converged to a fixed point", "raise")
    found.sort(key=lambda s: s.free_energy)
    best = found[0]
    pressure = math.nan if T == 0.0 else -beta * best.free_energy
    return VariationalResult(best.m, best.free_energy, pressure, T, tuple(found))


# ------------------------------------------------------------------------------------------
# stability
# ------------------------------------------------------------------------------------------
def _stability(cost: AbstractOverlapCost, m: np.ndarray, beta: float) -> StabilityResult:
    P = m.size
    mom = _moments(cost.grad(m), beta)
    C = _full_C(mom, P)
    H = np.asarray(cost.hess(m), dtype=float)
    w, V = np.linalg.eigh(C)
    root = (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T
    M = root @ H @ root
    ev = np.linalg.eigvalsh(0.5 * (M + M.T))
    if math.isinf(beta):
        # C is the tie matrix E[ξξᵀ 1{h = 0}]: β·(its eigenvalues) -> ±inf or 0
        tol = 1e-10 * max(1.0, float(np.max(np.abs(ev))) if ev.size else 1.0)
        ev = np.where(ev > tol, math.inf, np.where(ev < -tol, -math.inf, 0.0))
    else:
        ev = beta * ev
    ev = np.sort(ev)
    top = float(ev[-1])
    return StabilityResult(eigenvalues=ev, margin=1.0 - top, stable=bool(top < 1.0))


def stability(cost: AbstractOverlapCost, m: Any, T: float) -> StabilityResult:
    """Local stability of an overlap vector: eigenvalues of β C ∇²F(m).

    C_{μν} = E_ξ[ξ^μ ξ^ν (1 − tanh²(β ξ·∇F(m)))] is computed exactly: by enumeration (or a
    binomial law) over the condensed components, and in closed form, E[1 − tanh²]·I, on the
    non-condensed ones (cross terms vanish). The non-symmetric product is diagonalised
    through the similar symmetric matrix C^{1/2} β∇²F C^{1/2}.

    Parameters
    ----------
    cost : AbstractOverlapCost
    m : array_like, shape (P,)
    T : float
        T >= 0. At T = 0 the T → 0⁺ limit is returned: eigenvalues 0 (margin 1) when no
        field vanishes (pure states, odd mixtures), ±inf along the directions carried by
        tied sites (even mixtures, the paramagnet).

    Returns
    -------
    StabilityResult
    """
    cost = _check_cost(cost)
    _, beta = _check_T(T)
    return _stability(cost, _check_vector(m), beta)


# ------------------------------------------------------------------------------------------
# fixed points
# ------------------------------------------------------------------------------------------
_MIXTURE = re.compile(r"^mixture:(\d+)$")


def _parse_state(state: Any) -> tuple[str, int | None, np.ndarray | None]:
    if isinstance(state, str):
        if state == "pure":
            return "pure", 1, None
        mt = _MIXTURE.match(state.strip())
        if mt is None:
            raise ValueError(
                f"state: got {state!r}, expected 'pure', 'mixture:n' (n >= 1) or a vector"
            )
        n = int(mt.group(1))
        if n < 1:
            raise ValueError(f"state: got {state!r}, expected a mixture of n >= 1 patterns")
        return state.strip(), n, None
    try:
        vec = _check_vector(state, "state")
    except TypeError as exc:
        raise ValueError(f"state: got {state!r}, expected 'pure', 'mixture:n' or a vector") from exc
    return "explicit", None, vec


def _residual(cost: AbstractOverlapCost, m: np.ndarray, beta: float) -> float:
    mom = _moments(cost.grad(m), beta)
    return float(np.max(np.abs(_full_mean(mom, m.size) - m)))


def _symmetric_grid() -> np.ndarray:
    return np.concatenate([np.geomspace(1e-9, 1e-2, 36)[:-1], np.linspace(1e-2, 1.0, 200)])


def _solve_symmetric(
    cost: AbstractOverlapCost, beta: float, n: int, P: int, tol: float, max_iter: int
) -> tuple[np.ndarray, int, str]:
    """Largest root m ∈ (0, 1] of m = E[ξ¹ tanh(β ξ·∇F(m,…,m,0,…))]; zero vector if none."""
    S, p = _binomial_law(n)

    def amplitude(ms: np.ndarray) -> np.ndarray:
        vecs = np.zeros((ms.size, P))
        vecs[:, :n] = ms[:, None]
        g = np.asarray(cost.grad(vecs))
        gc = g[:, :n]
        spread = np.max(gc, axis=1) - np.min(gc, axis=1)
        if np.any(spread > 1e-12 * (np.max(np.abs(gc), axis=1) + 1e-300)):
            raise ValueError(
                f"state: the symmetric {n}-mixture ansatz does not close for the {cost.name} cost "
                "(unequal fields); pass an explicit starting vector instead"
            )
        return gc[:, 0]

    def rhs(ms: np.ndarray) -> np.ndarray:
        a = amplitude(ms)
        h = a[:, None] * S[None, :]
        if math.isinf(beta):
            t = np.sign(h)
        else:
            t = np.tanh(beta * h)
        return (t * (S / n)[None, :] * p[None, :]).sum(axis=1)

    if math.isinf(beta):
        m = 1.0
        for it in range(1, max_iter + 1):
            new = float(rhs(np.array([m]))[0])
            if new == m:
                break
            m = new
            if m == 0.0:
                break
        vec = np.zeros(P)
        vec[:n] = m
        return vec, it, "T = 0 fixed-point iteration"

    root, iters, msg = largest_root(lambda ms: rhs(ms) / ms - 1.0, _symmetric_grid(),
                                    xtol=min(tol, 1e-15), maxiter=max_iter)
    vec = np.zeros(P)
    if root is not None:
        vec[:n] = root
        return vec, iters, f"brentq: {msg}"
    return vec, 0, "no non-trivial root: paramagnetic state m = 0"


def _solve_explicit(
    cost: AbstractOverlapCost, beta: float, m0: np.ndarray, tol: float, max_iter: int
) -> tuple[np.ndarray, int, str]:
    P = m0.size
    sup = np.nonzero((m0 != 0.0) | (cost.grad(m0) != 0.0))[0]
    if sup.size == 0:
        return m0.copy(), 0, "start is a fixed point (m = 0)"

    def full(x: np.ndarray) -> np.ndarray:
        v = np.zeros(P)
        v[sup] = x
        return v

    if math.isinf(beta):
        x = m0[sup].copy()
        for it in range(1, max_iter + 1):
            new = _full_mean(_moments(cost.grad(full(x)), beta), P)[sup]
            if np.array_equal(new, x):
                return full(x), it, "T = 0 fixed-point iteration converged"
            x = new
        return full(x), max_iter, "T = 0 fixed-point iteration: iteration budget exhausted"

    def fun_jac(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = full(x)
        mom = _moments(cost.grad(v), beta)
        C = _full_C(mom, P)[np.ix_(sup, sup)]
        H = np.asarray(cost.hess(v))[np.ix_(sup, sup)]
        return _full_mean(mom, P)[sup] - x, beta * C @ H - np.eye(sup.size)

    def fixed_map(x: np.ndarray) -> np.ndarray:
        return _full_mean(_moments(cost.grad(full(x)), beta), P)[sup]

    x, _, evals, msg = solve_system(fun_jac, m0[sup], tol=tol, max_iter=max_iter,
                                    fixed_point=fixed_map)
    x = np.where(np.abs(x) < 1e-14, 0.0, x)  # round-off dust on symmetric directions
    return full(x), evals, f"hybr + Newton polish: {msg}"


def _make_result(
    cost: AbstractOverlapCost, label: str, T: float, beta: float, m: np.ndarray,
    iterations: int, message: str, tol: float, on_fail: str,
) -> StateResult:
    res = _residual(cost, m, beta)
    converged = bool(res <= max(tol, 1e-14))
    if not converged:
        report_failure(
            f"solve_state({label!r}, T={T}): residual {res:.3e} above tol={tol:g} after "
            f"{iterations} iterations ({message}); raise max_iter, loosen tol or change the start",
            on_fail,
        )
    st = _stability(cost, m, beta)
    return StateResult(
        model=cost.name,
        state=label,
        T=T,
        m=m,
        free_energy=_tangent_f(cost, m, T, beta),
        energy=float(-cost.F(m)),
        eigenvalues=st.eigenvalues,
        stable=st.stable,
        margin=st.margin,
        converged=converged,
        residual=res,
        iterations=int(iterations),
        message=message,
    )


def solve_state(
    cost: AbstractOverlapCost,
    T: float,
    state: Any,
    n_patterns: int | None = None,
    *,
    tol: float = 1e-12,
    max_iter: int = 200,
    on_fail: str = "raise",
) -> StateResult:
    """Solve the low-storage self-consistency equation m = E_ξ[ξ tanh(β ξ·∇F(m))].

    Parameters
    ----------
    cost : AbstractOverlapCost
    T : float
        Temperature, T >= 0 (T = 0: tanh -> sign).
    state : str or array_like
        ``"pure"``, ``"mixture:n"`` (symmetric mixture of the first n patterns, n >= 1) or an
        explicit starting overlap vector. Symmetric states reduce to a scalar equation, solved
        with Brent's method on (0, 1] after a sign scan; the largest root is returned (the
        branch continued from T = 0), and m = 0 when only the trivial root exists (above the
        transition). Explicit vectors are solved with MINPACK's hybrid method on their support
        plus Newton polishing (fixed-point iteration as a fallback).
    n_patterns : int, optional
        Length P of the returned overlap vector; defaults to n + 1 for symmetric states (so one
        non-condensed direction enters the stability analysis) and to len(state) for vectors.
    tol : float
        Tolerance on the max-norm residual.
    max_iter : int
        Iteration budget.
    on_fail : {"raise", "warn", "ignore"}
        What to do when the residual misses ``tol``: raise :class:`NotConvergedError`, warn
        :class:`ConvergenceWarning`, or only set ``converged=False``.

    Returns
    -------
    StateResult
    """
    cost = _check_cost(cost)
    T, beta = _check_T(T)
    label, n, vec = _parse_state(state)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    max_iter = check_int(max_iter, "max_iter", low=1)
    on_fail = check_choice(on_fail, "on_fail", ("raise", "warn", "ignore"))
    need = n if vec is None else vec.size
    if n_patterns is None:
        P = need + 1 if vec is None else need
    else:
        P = check_int(n_patterns, "n_patterns", low=1)
        if P < need:
            raise ValueError(
                f"n_patterns: got {P}, expected at least {need} (the length of the state)"
            )
    if vec is None:
        m, iters, msg = _solve_symmetric(cost, beta, n, P, tol, max_iter)
    else:
        m0 = np.zeros(P)
        m0[: vec.size] = vec
        m, iters, msg = _solve_explicit(cost, beta, m0, tol, max_iter)
    return _make_result(cost, label, T, beta, m, iters, msg, tol, on_fail)


# ------------------------------------------------------------------------------------------
# thresholds
# ------------------------------------------------------------------------------------------
def critical_temperature(cost: AbstractOverlapCost, n_patterns: int = 2) -> float:
    """Temperature below which the paramagnet m = 0 is locally unstable.

    At m = 0, C = I, so the paramagnet is stable iff β λ_max(∇²F(0)) < 1: T_c = λ_max(∇²F(0)).
    This is 1 for the classical and the relativistic costs (any c). For p-body costs with
    p > 2, ∇²F(0) = 0: the paramagnet is always locally stable, T_c = 0 is returned, and the
    retrieval transition is first order (the pure branch appears at a spinodal instead).

    Parameters
    ----------
    cost : AbstractOverlapCost
    n_patterns : int
        Dimension used to evaluate ∇²F(0).

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    P = check_int(n_patterns, "n_patterns", low=1)
    lam = float(np.max(np.linalg.eigvalsh(np.asarray(cost.hess(np.zeros(P)), dtype=float))))
    return max(lam, 0.0)


def stability_threshold(
    cost: AbstractOverlapCost,
    n: int,
    n_patterns: int | None = None,
    *,
    n_grid: int = 40,
    xtol: float = 1e-10,
) -> float:
    """Temperature T* below which the symmetric n-mixture is locally stable (margin > 0).

    Scans T on a grid along the branch continued from T = 0 (:func:`solve_state` with
    ``"mixture:n"``), then refines the first loss of stability with Brent's method on the
    margin, or by bisection where the branch itself disappears (for n = 1 this gives T_c).
    Returns 0 when the state is unstable already at T = 0 (even mixtures).

    Parameters
    ----------
    cost : AbstractOverlapCost
    n : int
        Number of condensed patterns, n >= 1.
    n_patterns : int, optional
        P (default n + 1, one non-condensed direction).
    n_grid : int
        Grid points of the scan.
    xtol : float
        Absolute tolerance on T*.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    n = check_int(n, "n", low=1)
    P = n + 1 if n_patterns is None else check_int(n_patterns, "n_patterns", low=1)
    if P < n:
        raise ValueError(f"n_patterns: got {P}, expected at least n = {n}")
    n_grid = check_int(n_grid, "n_grid", low=4)
    xtol = check_scalar(xtol, "xtol", low=0.0, low_inclusive=False)
    label = f"mixture:{n}"

    def probe(T: float) -> tuple[bool, float]:
        r = solve_state(cost, T, label, P)
        return bool(r.m[0] > 0.0), r.margin

    exists0, margin0 = probe(0.0)
    if not exists0 or margin0 <= 0.0:
        return 0.0
    t_hi = max(2.0 * critical_temperature(cost, P), 0.5)
    while probe(t_hi)[0]:
        t_hi *= 2.0
        if t_hi > 1e6:
            raise ValueError(f"cost: the {label} branch exists up to T > 1e6; no threshold")
    prev = 0.0
    for T in np.linspace(t_hi / n_grid, t_hi, n_grid):
        ex, mg = probe(float(T))
        if ex and mg > 0.0:
            prev = float(T)
            continue
        if ex:
            return float(optimize.brentq(lambda t: probe(t)[1], prev, float(T), xtol=xtol))
        lo, hi = prev, float(T)
        while hi - lo > xtol:
            mid = 0.5 * (lo + hi)
            ex_m, mg_m = probe(mid)
            if ex_m and mg_m > 0.0:
                lo = mid
            elif ex_m:
                return float(optimize.brentq(lambda t: probe(t)[1], lo, mid, xtol=xtol))
            else:
                hi = mid
        return 0.5 * (lo + hi)
    return t_hi


def effective_beta(cost: AbstractOverlapCost, m: Any, T: float) -> float:
    """Effective inverse temperature of a radial cost F = G(|m|²/2): β_eff = β G'(|m|²/2).

    The self-consistency equation of a radial cost at β is the classical one at β_eff, since
    ∇F(m) = G'(|m|²/2) m; for the relativistic cost β_eff = β/√(1 + |m|²/c²).

    Parameters
    ----------
    cost : AbstractOverlapCost
        A radial cost (one with a :meth:`radial_series`).
    m : array_like, shape (P,)
    T : float
        T >= 0 (β_eff = inf at T = 0).

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    _, beta = _check_T(T)
    m = _check_vector(m)
    try:
        cost.radial_series(1)
    except NotImplementedError as exc:
        raise ValueError(f"cost: the {cost.name} cost is not radial; β_eff is undefined") from exc
    mm = float(m @ m)
    if mm == 0.0:
        lam = float(np.asarray(cost.hess(m))[0, 0])
    else:
        g = np.asarray(cost.grad(m))
        lam = float(g @ m) / mm
        if np.max(np.abs(g - lam * m)) > 1e-10 * (np.max(np.abs(g)) + 1e-300):
            raise ValueError(f"cost: ∇F(m) is not parallel to m for the {cost.name} cost")
    return math.inf if math.isinf(beta) else beta * lam
