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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize

from .._validation import check_int, check_scalar
from ..errors import NotConvergedError
from ..models._base import AbstractOverlapCost
from .rs_curve import RetrievalCurve, _point_between, _require_complete, retrieval_curve
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
    "phase_alphas",
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
OK = "ok"
_NEVER_GLOBAL = "retrieval is never the global minimum at this load"
_ALPHA_MAX_REENTRANT = 0.1382  # largest load of the RS retrieval region (at T ≈ 0.02), measured


def _phys(cost, sd: _Saddle, tau: float) -> tuple[float, float]:
    """(T, f) of a classical saddle at T_cl = tau, seen through a radial cost."""
    u = _Gp(cost, sd.x)
    return u * tau, -_G(cost, sd.x) + u * (sd.x / 2 + sd.f_cl)


def _refine(fun, k: int) -> float:
    """Root in s ∈ [0, 1] of fun(k, s) (sign change between points k − 1 and k)."""
    return float(optimize.brentq(lambda s: fun(k, s), 0.0, 1.0, xtol=1e-10))


def _fold(cost, curve: RetrievalCurve) -> tuple[float, int]:
    """(T_M, index of the curve point nearest the fold) for ``cost``.

    Raises :class:`~hopfieldlab.errors.NotConvergedError` if the curve did not pass its fold:
    its last point is not T_M.
    """
    _require_complete(curve)
    Ts = curve.temperature(cost)
    i = int(np.argmax(Ts))
    if i == 0 or i == Ts.size - 1:
        raise NotConvergedError(
            f"retrieval curve at alpha = {curve.alpha}: the maximum of T for the {cost.name} cost "
            f"is at an end of the traced curve (point {i} of {Ts.size}), not at a fold")

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


def _tc_from_curve(cost, curve: RetrievalCurve, i_max: int) -> tuple[float, str]:
    """(T_c, status): the highest T where retrieval becomes the global minimum, going down.

    The free-energy difference to the spin glass (paramagnet above T_g) is scanned along the
    whole stable branch: near α ≈ 0.052 the line is re-entrant, and retrieval wins only in a
    window of T above a lower crossing (given in the status). NaN with the reason where there
    is no crossing.
    """
    Ts = curve.temperature(cost)
    fr = curve.free_energy(cost)
    prev: RSState | None = None
    delta = np.empty(i_max + 1)
    for k in range(i_max + 1):
        sg = _sg_state(cost, curve.alpha, float(Ts[k]), prev)
        if not sg.converged:
            raise NotConvergedError(f"T_c at alpha = {curve.alpha}: {sg.message}")
        if sg.phase == "spin-glass":
            prev = sg
        delta[k] = fr[k] - sg.free_energy

    def d(k: int, s: float) -> float:
        sd, tau = _point_between(curve, k, s)
        t, f = _phys(cost, sd, tau)
        return f - _sg_state(cost, curve.alpha, t, None).free_energy

    up = [k for k in range(1, i_max + 1) if delta[k - 1] < 0 <= delta[k]]
    if not up:
        if np.all(delta < 0):
            return math.nan, "no free-energy crossing on the retrieval branch below T_M"
        # retrieval above the spin glass all along the traced branch: either it never wins
        # (at T = 0 either), or the crossing lies below the traced range
        t0 = (solve_rs(cost, curve.alpha, 0.0).free_energy
              - solve_rs(cost, curve.alpha, 0.0, "spin-glass").free_energy)
        if t0 >= 0:
            return math.nan, _NEVER_GLOBAL
        return math.nan, f"below the lowest traced temperature (T_cl = {curve.T_cl[0]:g})"
    k = up[-1]
    sd, tau = _point_between(curve, k, _refine(d, k))
    tc = _phys(cost, sd, tau)[0]
    down = [j for j in range(1, k) if delta[j - 1] >= 0 > delta[j]]
    if delta[0] >= 0 and down:
        j = down[-1]
        sd, tau = _point_between(curve, j, _refine(d, j))
        return tc, f"ok; re-entrant: retrieval is the global minimum only above T = {_phys(cost, sd, tau)[0]:.4g}"
    return tc, OK


def _tat_from_curve(cost, curve: RetrievalCurve, i_max: int) -> tuple[float, str]:
    """(T_AT, status): NaN with the reason where λ_AT = 1 is not crossed on the traced branch."""
    lam = curve.replicon[: i_max + 1] - 1.0
    if lam[0] <= 0:
        return math.nan, f"below the lowest traced temperature (T_cl = {curve.T_cl[0]:g})"
    j = np.nonzero(lam <= 0)[0]
    if j.size == 0:
        return math.nan, "RS retrieval unstable (lambda_AT > 1) along the whole stable branch"

    def d(k: int, s: float) -> float:
        return _point_between(curve, k, s)[0].replicon - 1.0

    k = int(j[0])
    sd, tau = _point_between(curve, k, _refine(d, k))
    return _phys(cost, sd, tau)[0], OK


def _lines_at(cost, alpha: float, *, at_line: bool = True, tc_line: bool = True
              ) -> dict[str, tuple[float, str]]:
    """{'T_M', 'T_c', 'T_AT'} → (value, status) at one load α >= 0 (NaN where absent)."""
    ac = _alpha_c_y()[0]
    skip = (math.nan, "not computed (at_line=False)")
    if alpha == 0.0:
        # low storage: the retrieval state branches off the paramagnet at T = G'(0), continuously
        # when m = tanh(β G'(m²/2) m) bifurcates forward, i.e. G''(0)/G'(0) < 2/3
        c1, c2 = (float(v) for v in cost.radial_series(2)[1:3])
        t0 = 2.0 * c1  # G(s) = F at |m|² = 2s: G'(0) = 2 c₁, G''(0) = 8 c₂
        if 8.0 * c2 / t0 >= 2.0 / 3.0:
            bad = (math.nan, "alpha = 0 with a first-order low-storage transition: not covered")
            return {"T_M": bad, "T_c": bad, "T_AT": skip if not at_line else bad}
        # the replicon is proportional to alpha: RS is stable at every T > 0
        return {"T_M": (t0, OK), "T_c": (t0, OK), "T_AT": (0.0, OK) if at_line else skip}
    if alpha > ac:
        gone = (math.nan, (f"alpha > alpha_c = {ac:.5f}: beyond the traced range (RS retrieval "
                           f"survives only in a re-entrant sliver up to alpha ~ "
                           f"{_ALPHA_MAX_REENTRANT} near T ~ 0.02)"))
        return {"T_M": gone, "T_c": (math.nan, _NEVER_GLOBAL),
                "T_AT": gone if at_line else skip}
    try:
        curve = retrieval_curve(alpha)
    except ValueError as exc:  # retrieval does not reach the lowest traced temperature
        miss = (math.nan, f"no retrieval state at the lowest traced temperature ({exc})")
        return {"T_M": miss, "T_c": miss, "T_AT": miss if at_line else skip}
    tm, i_max = _fold(cost, curve)
    out = {"T_M": (tm, OK)}
    out["T_c"] = _tc_from_curve(cost, curve, i_max) if tc_line else (math.nan, "not computed")
    out["T_AT"] = _tat_from_curve(cost, curve, i_max) if at_line else skip
    return out


def _alpha_for_lines(alpha: Any) -> float:
    return check_scalar(alpha, "alpha", low=0.0)


def retrieval_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_M(α): the highest temperature at which the RS retrieval state exists (metastable).

    The maximum of T = G'(x/2) T_cl over the retrieval curve (:func:`retrieval_curve`), which is
    traced through its fold; for a non-classical cost this maximum is not at the classical fold.
    At α = 0 it is the low-storage T = G'(0). At α = α_c it is still positive (about 0.046
    classical): within RS the retrieval region is re-entrant and extends slightly beyond α_c
    (to α ≈ 0.1382 near T ≈ 0.02), a sliver that is not traced, so NaN is returned for α > α_c.

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α >= 0.

    Returns
    -------
    float

    Raises
    ------
    NotConvergedError
        If the curve could not be traced through its fold.
    """
    cost = _check_cost(cost)
    alpha = _alpha_for_lines(alpha)
    return _lines_at(cost, alpha, at_line=False, tc_line=False)["T_M"][0]


def transition_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_c(α): first-order line where retrieval and spin-glass (or paramagnet) free energies cross.

    Below T_c the retrieval state is the global minimum. NaN where it never is (α above ≈ 0.051;
    the same end point for every radial cost, since at T = 0 all free energies are −G(x/2)
    with the classical x's and G is increasing) or where the crossing lies below the lowest
    traced temperature; :func:`phase_lines` gives the reason.

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α >= 0.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    alpha = _alpha_for_lines(alpha)
    return _lines_at(cost, alpha, at_line=False)["T_c"][0]


def at_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_AT(α): below it the RS retrieval saddle is unstable to replica-symmetry breaking.

    Root of λ_AT = 1 on the stable part of the retrieval curve. The curve starts at
    T_cl = 0.004, so NaN is returned if λ_AT < 1 already there (the line lies lower), or if
    λ_AT > 1 on the whole stable branch, or for α > α_c; 0 at α = 0 (λ_AT ∝ α).

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α >= 0.

    Returns
    -------
    float
    """
    cost = _check_cost(cost)
    alpha = _alpha_for_lines(alpha)
    return _lines_at(cost, alpha, tc_line=False)["T_AT"][0]


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
        (NaN where the line does not exist at that α or lies outside the traced range).
    alpha_c : float
        Capacity at T = 0.
    m_c : float
        Retrieval overlap at α_c, T = 0.
    status : dict of str → ndarray of str
        For 'T_M', 'T_c', 'T_AT': ``"ok"`` where the value is a result, else why it is NaN.
    """

    model: str
    alpha: np.ndarray
    T_g: np.ndarray
    T_M: np.ndarray
    T_c: np.ndarray
    T_AT: np.ndarray
    alpha_c: float
    m_c: float
    status: dict[str, np.ndarray] = field(default_factory=dict)


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
        Loads α >= 0 (α = 0 gives the low-storage values; use :func:`phase_alphas` for a grid
        from 0 to α_c that resolves the steep end of the lines).
    at_line : bool
        Also compute the AT line (the slowest part).
    progress : callable(done, total) or None

    Returns
    -------
    PhaseLines
        A line that is absent at a load is NaN there, with the reason in ``status``.
    """
    cost = _check_cost(cost)
    a = np.asarray(alphas, dtype=float)
    if a.ndim != 1 or a.size < 1 or np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"alphas: got {alphas!r}, expected a 1-D array of loads >= 0")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress: got {type(progress).__name__}, expected a callable or None")
    names = ("T_M", "T_c", "T_AT")
    vals = {k: np.full(a.size, math.nan) for k in names}
    status = {k: np.empty(a.size, dtype=object) for k in names}
    tg = np.array([spin_glass_temperature(cost, float(al)) for al in a])
    for i, al in enumerate(a):
        try:
            got = _lines_at(cost, float(al), at_line=at_line)
        except NotConvergedError as exc:
            got = {k: (math.nan, f"failed: {exc}") for k in names}
        for k in names:
            vals[k][i], status[k][i] = got[k]
        if progress is not None:
            progress(i + 1, a.size)
    ac, mc = alpha_c()
    return PhaseLines(cost.name, a, tg, vals["T_M"], vals["T_c"], vals["T_AT"], ac, mc,
                      {k: status[k].astype(str) for k in names})


def phase_alphas(n: int = 60) -> np.ndarray:
    """Loads from 0 to α_c (both included) for drawing the phase lines.

    Uniform on [0, α_c] plus points crowding geometrically towards α_c (where T_M falls
    steeply) and a denser stretch over 0.050 <= α <= 0.0535, where the T_c line turns.

    Parameters
    ----------
    n : int
        Number of uniform points, >= 2; about n/3 more are added near α_c.

    Returns
    -------
    ndarray
        Increasing, starting at 0.0 and ending at α_c exactly.
    """
    n = check_int(n, "n", low=2)
    ac = _alpha_c_y()[0]
    k = max(3, n // 6)
    near_c = ac * (1.0 - np.geomspace(0.05, 1e-4, k))
    turn = np.linspace(0.050, 0.0535, k)
    a = np.unique(np.concatenate([np.linspace(0.0, ac, n), near_c, turn]))
    a[-1] = ac
    return a
