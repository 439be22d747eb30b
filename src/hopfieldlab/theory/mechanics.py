"""The mechanical analogy made concrete: the low-storage pressure solves a Hamilton–Jacobi equation.

For the interpolating partition function Z_N(t, x) = Σ_σ exp(tN F(m) + N x·m),

    α(t, x) = lim (1/N) ln Z_N(t, x) = sup_m [ln 2 − I(m) + t F(m) + x·m]

satisfies ∂_t α = F(∇α) away from shocks; with S = −α this is ∂_t S + H(∇S) = 0 with H = F
(p²/2 for the classical cost, √(1 + p²) for the relativistic one: a free particle). The
initial datum is the one-body problem α(0, x) = ln 2 + E_ξ ln cosh(ξ·x), with
∇α(0, x) = E_ξ[ξ tanh(ξ·x)].

Characteristics are straight lines: u = ∇α is constant along them, x(t) = x0 − t∇F(u), and
α(t, x(t)) = α(0, x0) + t(F(u) − u·∇F(u)) with u = ∇α(0, x0). Through a point (t, x) pass
the characteristics whose foot solves x0 = x + t∇F(∇α(0, x0)); where several cross, the
solution is the largest value (Hopf–Lax: the sup over m above). At t = β, x = 0 this is the
pressure −βf of the model, and the feet are the fixed points m = ∇α(0, β∇F(m)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..errors import NotConvergedError
from ..models._base import AbstractOverlapCost
from ._fixed_point import solve_system
from .pattern_averages import MAX_EXACT, _check_cost, _full_C, _full_mean, _moments

__all__ = [
    "Characteristic",
    "HJResult",
    "initial_datum",
    "hj_solution",
    "hj_residual",
    "pressure_via_hj",
]



@dataclass(frozen=True, eq=False)
class Characteristic:
    """One characteristic through (t, x).

    Attributes
    ----------
    foot : ndarray, shape (P,)
        Its starting point x0 at t = 0.
    u : ndarray, shape (P,)
        The conserved momentum ∇α = ∇α(0, x0) (the overlap vector m).
    alpha : float
        α(0, x0) + t(F(u) − u·∇F(u)).
    residual : float
        max |x0 − x − t∇F(u)|.
    """

    foot: np.ndarray
    u: np.ndarray
    alpha: float
    residual: float


@dataclass(frozen=True, eq=False)
class HJResult:
    """Solution of the Hamilton–Jacobi problem at one point (t, x).

    Attributes
    ----------
    model : str
    t : float
    x : ndarray, shape (P,)
    alpha : float
        α(t, x), the largest value over the characteristics found.
    grad : ndarray, shape (P,)
        ∇α(t, x) = u of the winning characteristic.
    foot : ndarray, shape (P,)
        x0 of the winning characteristic.
    characteristics : tuple of Characteristic
        All distinct characteristics found through (t, x).
    winner : int
        Index of the winning one in ``characteristics``.
    """

    model: str
    t: float
    x: np.ndarray
    alpha: float
    grad: np.ndarray
    foot: np.ndarray
    characteristics: tuple[Characteristic, ...]
    winner: int


def _datum(x0: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    mom = _moments(x0, 1.0)
    P = x0.size
    # ln 2 + E ln cosh(ξ·x) = E|ξ·x| + E ln(1 + e^{-2|ξ·x|})
    return mom.abs_h + mom.log1p, _full_mean(mom, P), _full_C(mom, P)


def _point(x: Any, n_patterns: int | None) -> np.ndarray:
    if np.ndim(x) == 0:
        if n_patterns is None:
            raise ValueError("n_patterns: got None with a scalar x, expected the dimension P")
        P = check_int(n_patterns, "n_patterns", low=1, high=MAX_EXACT)
        v = np.full(P, check_scalar(x, "x"))
    else:
        v = np.asarray(x, dtype=float)
        if v.ndim != 1 or v.size < 1:
            raise ValueError(f"x: got shape {v.shape}, expected a 1-D vector")
        if not np.all(np.isfinite(v)):
            raise ValueError("x: contains NaN or infinite entries, expected finite numbers")
        if n_patterns is not None and check_int(n_patterns, "n_patterns", low=1) != v.size:
            raise ValueError(f"n_patterns: got {n_patterns}, expected len(x) = {v.size}")
        if v.size > MAX_EXACT:
            raise ValueError(f"x: got length {v.size}, expected at most {MAX_EXACT}")
    return v


def initial_datum(x: Any) -> tuple[float, np.ndarray]:
    """The one-body initial datum α(0, x) = ln 2 + E_ξ ln cosh(ξ·x) and its gradient E[ξ tanh(ξ·x)].

    Parameters
    ----------
    x : array_like, shape (P,)

    Returns
    -------
    (float, ndarray)
    """
    v = _point(x, None)
    a, g, _ = _datum(v)
    return a, g


def hj_solution(
    cost: AbstractOverlapCost,
    t: float,
    x: Any,
    n_patterns: int | None = None,
    *,
    n_random: int = 4,
    rng: RNGLike = 0,
    tol: float = 1e-12,
) -> HJResult:
    """Solve ∂_t α = F(∇α) at (t, x) by characteristics, taking the max where they cross.

    The feet x0 solve x0 = x + t∇F(∇α(0, x0)); they are searched with MINPACK's hybrid
    method (plus Newton polishing) from starts u = ∇α(0, x), 0, ±e_μ, the symmetric
    3-mixtures (all sign patterns) and ``n_random`` random overlap vectors.

    Parameters
    ----------
    cost : AbstractOverlapCost
    t : float
        Time, t >= 0 (t = β, x = 0 is the model at temperature 1/β).
    x : array_like, shape (P,), or float
        Space point (a scalar is broadcast to length ``n_patterns``); P <= 20.
    n_patterns : int, optional
        P, needed when ``x`` is a scalar.
    n_random : int
        Random starts.
    rng : Generator, int or None
        Randomness of the random starts.
    tol : float
        Max-norm tolerance on the foot equation.

    Returns
    -------
    HJResult
    """
    cost = _check_cost(cost)
    t = check_scalar(t, "t", low=0.0)
    xv = _point(x, n_patterns)
    n_random = check_int(n_random, "n_random", low=0)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    P = xv.size

    def characteristic(x0: np.ndarray) -> Characteristic:
        a0, u, _ = _datum(x0)
        g = np.asarray(cost.grad(u))
        alpha = a0 + t * float(cost.F(u) - u @ g)
        res = float(np.max(np.abs(x0 - xv - t * g)))
        return Characteristic(foot=x0, u=u, alpha=float(alpha), residual=res)

    if t == 0.0:
        ch = characteristic(xv.copy())
        return HJResult(cost.name, t, xv, ch.alpha, ch.u, ch.foot, (ch,), 0)

    starts: list[np.ndarray] = [_datum(xv)[1], np.zeros(P)]
    for mu in range(P):
        e = np.zeros(P)
        e[mu] = 1.0
        starts += [e, -e]
    if P >= 3:
        for s2 in (1.0, -1.0):
            for s3 in (1.0, -1.0):
                v = np.zeros(P)
                v[:3] = 0.5 * np.array([1.0, s2, s3])
                starts += [v, -v]
    gen = as_generator(rng)
    starts += [gen.uniform(-1.0, 1.0, size=P) for _ in range(n_random)]

    def fun_jac(x0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        _, u, C = _datum(x0)
        g = np.asarray(cost.grad(u))
        H = np.asarray(cost.hess(u))
        return x0 - xv - t * g, np.eye(P) - t * H @ C

    found: list[Characteristic] = []
    for u0 in starts:
        x0 = xv + t * np.asarray(cost.grad(u0))
        sol, res, _, _ = solve_system(fun_jac, x0, tol=tol, max_iter=200)
        if not res <= tol:
            continue
        if any(np.max(np.abs(sol - c.foot)) <= 1e-7 * (1.0 + np.max(np.abs(sol))) for c in found):
            continue
        found.append(characteristic(sol))
    if not found:
        raise NotConvergedError(
            f"hj_solution: no characteristic through t={t}, x={xv} met tol={tol:g}; loosen tol"
        )
    win = int(np.argmax([c.alpha for c in found]))
    best = found[win]
    return HJResult(cost.name, t, xv, best.alpha, best.u, best.foot, tuple(found), win)


def hj_residual(
    cost: AbstractOverlapCost,
    t: float,
    x: Any,
    h: float = 1e-4,
    n_patterns: int | None = None,
) -> float:
    """Finite-difference residual ∂_t α − F(∇α) of the Hamilton–Jacobi equation at (t, x).

    Both derivatives are central differences of :func:`hj_solution` with step ``h``; the
    result is O(h²) away from shocks (where characteristics of equal value cross).

    Parameters
    ----------
    cost : AbstractOverlapCost
    t : float
        t > h.
    x : array_like, shape (P,)
    h : float
        Step, h > 0.
    n_patterns : int, optional
        P when ``x`` is a scalar.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    h = check_scalar(h, "h", low=0.0, low_inclusive=False)
    t = check_scalar(t, "t", low=h, low_inclusive=False)
    xv = _point(x, n_patterns)

    def alpha(tt: float, xx: np.ndarray) -> float:
        return hj_solution(cost, tt, xx).alpha

    dt = (alpha(t + h, xv) - alpha(t - h, xv)) / (2 * h)
    grad = np.zeros(xv.size)
    for mu in range(xv.size):
        e = np.zeros(xv.size)
        e[mu] = h
        grad[mu] = (alpha(t, xv + e) - alpha(t, xv - e)) / (2 * h)
    return float(dt - cost.F(grad))


def pressure_via_hj(cost: AbstractOverlapCost, T: float, n_patterns: int) -> float:
    """The pressure −βf as the Hamilton–Jacobi solution α(β, 0).

    Parameters
    ----------
    cost : AbstractOverlapCost
    T : float
        Temperature, T > 0.
    n_patterns : int
        P, between 1 and 20.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    T = check_scalar(T, "T", low=0.0, low_inclusive=False)
    P = check_int(n_patterns, "n_patterns", low=1, high=MAX_EXACT)
    return hj_solution(cost, 1.0 / T, np.zeros(P)).alpha
