"""Replica-symmetric theory at high storage (P = αN, N → ∞) for radial overlap costs.

The theory is split by what each part holds; this module is its front door and re-exports the
public names of the others:

- :mod:`~hopfieldlab.theory.rs_saddle`: the classical (AGS) saddle at an effective inverse
  temperature, which every radial cost F = G(|m|²/2) reduces to, and its T = 0 closed forms
  (:func:`retrieval_t0`, :func:`spin_glass_t0`, :func:`alpha_c`);
- :mod:`~hopfieldlab.theory.rs_states`: RS states at fixed (α, T) (:class:`RSState`,
  :func:`solve_rs`, :func:`rs_branch`) and the spin-glass line :func:`spin_glass_temperature`;
- :mod:`~hopfieldlab.theory.rs_curve`: the classical retrieval curve at fixed α through its
  fold (:class:`RetrievalCurve`, :func:`retrieval_curve`).

Here live the transition lines of the RS phase diagram, read off the retrieval curve: the
existence line T_M (:func:`retrieval_temperature`, the maximum of T = G'(x/2) T_cl along the
curve), the first-order line T_c where the retrieval and spin-glass (or paramagnet) free
energies cross (:func:`transition_temperature`), the de Almeida–Thouless line T_AT
(:func:`at_temperature`, λ_AT = 1), and all of them on a grid of loads (:func:`phase_lines`).
The derivation is written out in ``docs/high_storage.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from .._validation import check_scalar
from ..models._base import AbstractOverlapCost
from .rs_curve import RetrievalCurve, _point_between, retrieval_curve
from .rs_saddle import (
    _G,
    _alpha_c_y,
    _check_cost,
    _Gp,
    _Saddle,
    alpha_c,
    retrieval_t0,
    spin_glass_t0,
)
from .rs_states import PHASES, RSState, rs_branch, solve_rs, spin_glass_temperature

__all__ = [
    "PHASES",
    "PhaseLines",
    "RSState",
    "RetrievalCurve",
    "alpha_c",
    "at_temperature",
    "phase_lines",
    "retrieval_curve",
    "retrieval_t0",
    "retrieval_temperature",
    "rs_branch",
    "solve_rs",
    "spin_glass_t0",
    "spin_glass_temperature",
    "transition_temperature",
]


# ------------------------------------------------------------------------------------------
# transition lines
# ------------------------------------------------------------------------------------------
def _phys(cost, sd: _Saddle, tau: float) -> tuple[float, float]:
    """(T, f) of a classical saddle at T_cl = tau, seen through a radial cost."""
    u = _Gp(cost, sd.x)
    return u * tau, -_G(cost, sd.x) + u * (sd.x / 2 + sd.f_cl)


def _refine(fun, k: int) -> float:
    """Root in s ∈ [0, 1] of fun(k, s) (sign change between points k − 1 and k)."""
    return float(optimize.brentq(lambda s: fun(k, s), 0.0, 1.0, xtol=1e-10))


def _fold(cost, curve: RetrievalCurve) -> tuple[float, int]:
    """(T_M, index of the curve point nearest the fold) for ``cost``."""
    Ts = curve.temperature(cost)
    i = int(np.argmax(Ts))
    if i == 0 or i == Ts.size - 1:
        return float(Ts[i]), i

    def neg(u: float) -> float:  # u ∈ [-1, 1] spans points i − 1 .. i + 1
        k, s = (i, 1.0 + u) if u < 0 else (i + 1, u)
        sd, tau = _point_between(curve, k, s)
        return -_phys(cost, sd, tau)[0]

    res = optimize.minimize_scalar(neg, bounds=(-1.0, 1.0), method="bounded",
                                   options={"xatol": 1e-8})
    return max(float(-res.fun), float(Ts[i])), i


def _sg_state(cost, alpha: float, T: float, guess) -> RSState:
    if T >= spin_glass_temperature(cost, alpha):
        return solve_rs(cost, alpha, T, "paramagnet")
    st = solve_rs(cost, alpha, T, "spin-glass", guess=guess)
    if not st.converged:
        st = solve_rs(cost, alpha, T, "spin-glass")
    return st


def _tc_from_curve(cost, curve: RetrievalCurve, i_max: int) -> float:
    Ts = curve.temperature(cost)
    fr = curve.free_energy(cost)
    prev: RSState | None = None
    delta = np.empty(i_max + 1)
    for k in range(i_max + 1):
        sg = _sg_state(cost, curve.alpha, float(Ts[k]), prev)
        if sg.phase == "spin-glass" and sg.converged:
            prev = sg
        delta[k] = fr[k] - sg.free_energy
        if delta[k] >= 0:
            break
    if delta[0] >= 0:
        return 0.0
    j = np.nonzero(delta >= 0)[0]
    if j.size == 0:
        return float(Ts[i_max])
    guess = prev

    def d(k: int, s: float) -> float:
        sd, tau = _point_between(curve, k, s)
        t, f = _phys(cost, sd, tau)
        return f - _sg_state(cost, curve.alpha, t, guess).free_energy

    k = int(j[0])
    sd, tau = _point_between(curve, k, _refine(d, k))
    return _phys(cost, sd, tau)[0]


def _tat_from_curve(cost, curve: RetrievalCurve, i_max: int) -> float:
    lam = curve.replicon[: i_max + 1] - 1.0
    if lam[0] <= 0:
        return 0.0
    j = np.nonzero(lam <= 0)[0]
    if j.size == 0:
        return float(curve.temperature(cost)[i_max])

    def d(k: int, s: float) -> float:
        return _point_between(curve, k, s)[0].replicon - 1.0

    k = int(j[0])
    sd, tau = _point_between(curve, k, _refine(d, k))
    return _phys(cost, sd, tau)[0]


def _alpha_for_lines(alpha: Any) -> float:
    return check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)


def retrieval_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_M(α): the highest temperature at which the RS retrieval state exists (metastable).

    The maximum of T = G'(x/2) T_cl over the retrieval curve (:func:`retrieval_curve`); for a
    non-classical cost this maximum is not at the classical fold. 0 for α >= α_c.

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α > 0.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    alpha = _alpha_for_lines(alpha)
    if alpha >= _alpha_c_y()[0]:
        return 0.0
    return _fold(cost, retrieval_curve(alpha))[0]


def transition_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_c(α): first-order line where retrieval and spin-glass (or paramagnet) free energies cross.

    Below T_c the retrieval state is the global minimum. 0 where it never is (α above ≈ 0.051;
    the same end point for every radial cost, since at T = 0 all free energies are −G(x/2)
    with the classical x's and G is increasing).

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α > 0.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    alpha = _alpha_for_lines(alpha)
    if alpha >= _alpha_c_y()[0]:
        return 0.0
    curve = retrieval_curve(alpha)
    return _tc_from_curve(cost, curve, _fold(cost, curve)[1])


def at_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_AT(α): below it the RS retrieval saddle is unstable to replica-symmetry breaking.

    Root of λ_AT = 1 on the stable part of the retrieval curve. The curve starts at
    T_cl = 0.004, so 0 is returned if λ_AT < 1 already there (or for α >= α_c).

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α > 0.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    alpha = _alpha_for_lines(alpha)
    if alpha >= _alpha_c_y()[0]:
        return 0.0
    curve = retrieval_curve(alpha)
    return _tat_from_curve(cost, curve, int(np.argmax(curve.T_cl)))


@dataclass(frozen=True, eq=False)
class PhaseLines:
    """Transition lines of the RS phase diagram on a grid of loads.

    Attributes
    ----------
    model : str
    alpha : ndarray
        Loads.
    T_g, T_M, T_c, T_AT : ndarray
        Spin-glass, retrieval-existence, first-order and de Almeida–Thouless temperatures
        (0 where the line does not reach that α).
    alpha_c : float
        Capacity at T = 0.
    m_c : float
        Retrieval overlap at α_c, T = 0.
    """

    model: str
    alpha: np.ndarray
    T_g: np.ndarray
    T_M: np.ndarray
    T_c: np.ndarray
    T_AT: np.ndarray
    alpha_c: float
    m_c: float


def phase_lines(
    cost: AbstractOverlapCost,
    alphas: Sequence[float] | np.ndarray,
    *,
    at_line: bool = True,
    progress: Any = None,
) -> PhaseLines:
    """Compute T_g, T_M, T_c and (optionally) T_AT on a grid of loads.

    Parameters
    ----------
    cost : AbstractOverlapCost
    alphas : sequence of float
        Loads α > 0.
    at_line : bool
        Also compute the AT line (the slowest part).
    progress : callable(done, total) or None

    Returns
    -------
    PhaseLines
    """
    cost = _check_cost(cost)
    a = np.asarray(alphas, dtype=float)
    if a.ndim != 1 or a.size < 1 or np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"alphas: got {alphas!r}, expected a 1-D array of loads > 0")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress: got {type(progress).__name__}, expected a callable or None")
    tg, tm, tc, tat = (np.zeros(a.size) for _ in range(4))
    ac = _alpha_c_y()[0]
    for i, al in enumerate(a):
        tg[i] = spin_glass_temperature(cost, float(al))
        if al < ac:
            curve = retrieval_curve(float(al))
            tm[i], i_max = _fold(cost, curve)
            tc[i] = _tc_from_curve(cost, curve, i_max)
            tat[i] = _tat_from_curve(cost, curve, int(np.argmax(curve.T_cl))) if at_line else math.nan
        elif not at_line:
            tat[i] = math.nan
        if progress is not None:
            progress(i + 1, a.size)
    ac, mc = alpha_c()
    return PhaseLines(cost.name, a, tg, tm, tc, tat, ac, mc)
