"""Low-storage free energies of an overlap cost F: the tangent form, the Landau form and the
rate function of the overlaps.

With H = −N F(m) and Rademacher patterns, the pressure is

    −βf = sup_m [ln 2 − I(m) + βF(m)]                     (Landau form)
        = sup_y [ln 2 + E_ξ ln cosh(β ξ·∇F(y)) + β(F(y) − y·∇F(y))]   (tangent form, F convex)

where I(m) = sup_x [x·m − E_ξ ln cosh(ξ·x)] is the rate function of the overlaps under the
uniform measure. Both forms are stationary on the self-consistency equation and agree at its
fixed points. At T = 0, T·ln cosh(h/T) → |h|. The averages over ξ are exact
(:mod:`hopfieldlab.theory.pattern_averages`); the global minimum over m is taken in
:func:`hopfieldlab.theory.lowstorage.variational_free_energy`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import optimize

from ..errors import ConvergenceWarning
from ..models._base import AbstractOverlapCost
from .pattern_averages import (
    _LN2,
    MAX_EXACT,
    _check_cost,
    _check_T,
    _check_vector,
    _full_C,
    _full_mean,
    _moments,
)

__all__ = ["free_energy", "landau_free_energy", "rate_function"]


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
