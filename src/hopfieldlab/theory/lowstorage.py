"""Mean-field theory at low storage (P fixed, N → ∞) for any overlap cost F.

The theory is split by what each part holds; this module is its front door and re-exports the
public names of the others:

- :mod:`~hopfieldlab.theory.pattern_averages`: exact averages over ξ ∈ {±1}^P
  (:func:`pattern_average`, and the moments every other part is built on);
- :mod:`~hopfieldlab.theory.free_energies`: the tangent and Landau free energies and the rate
  function of the overlaps (:func:`free_energy`, :func:`landau_free_energy`,
  :func:`rate_function`);
- :mod:`~hopfieldlab.theory.states`: fixed points of m = E_ξ[ξ tanh(β ξ·∇F(m))] and their
  local stability (:func:`solve_state`, :func:`stability`).

Here live the results built on solved states: the global minimum of the tangent free energy
over overlap vectors (:func:`variational_free_energy`), the temperatures where states appear
or lose stability (:func:`critical_temperature`, :func:`stability_threshold`), and the
effective inverse temperature of a radial cost (:func:`effective_beta`). T = 0 is allowed
throughout.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..models._base import AbstractOverlapCost
from ._fixed_point import StateResult, report_failure
from .free_energies import free_energy, landau_free_energy, rate_function
from .pattern_averages import (
    MAX_EXACT,
    PatternAverage,
    _check_cost,
    _check_T,
    _check_vector,
    _full_mean,
    _moments,
    pattern_average,
)
from .states import solve_state, stability

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
