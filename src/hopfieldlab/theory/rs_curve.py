"""The classical RS retrieval solutions at fixed load α, traced as one curve through their fold.

At fixed α the retrieval saddle exists on a curve in the (m, T_cl) plane that folds back in
temperature: a stable branch from T_cl → 0 up to the fold and an unstable one back down.
:func:`retrieval_curve` follows it by pseudo-arclength continuation (secant predictor, corrector
on the hyperplane normal to the secant), which is regular through the fold, so both branches and
the fold come out of one scan. Every radial cost's retrieval branch is the image of this curve
under T = G'(x/2) T_cl, which is how the transition lines of
:mod:`hopfieldlab.theory.highstorage` are drawn from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._validation import check_int, check_scalar
from ..errors import NotConvergedError
from ..models._base import AbstractOverlapCost
from .rs_saddle import (
    _G,
    _alpha_c_y,
    _classical_residual,
    _Gp,
    _Saddle,
    _saddle,
    _t0_point,
    _t0_retrieval_y,
)

__all__ = ["RetrievalCurve", "retrieval_curve"]

# max-norm of the saddle equations at an accepted point of the curve
_TOL = 1e-9
# smallest cosine between consecutive secants: keeps every segment close to straight, so that a
# point between two neighbours can be re-solved on the chord's normal (see _point_between)
_COS_MIN = 0.95
# continuation gives up (``complete=False``) once the step falls below this length
_H_MIN = 1e-8


@dataclass(frozen=True, eq=False)
class RetrievalCurve:
    """The classical RS retrieval solutions at fixed α, stable and unstable, as a curve.

    Attributes
    ----------
    alpha : float
    m, T_cl, C, x, f_cl, replicon : ndarray
        Along the curve, from the T → 0 stable end through the fold: overlap, classical
        temperature 1/b, C = b(1 − q), Σ_μ m_μ², classical free energy at 1/b, AT eigenvalue.
    complete : bool
        Whether the scan passed the maximum of T_cl (the fold) and came back down to the lowest
        traced temperature. An incomplete curve must not be read as giving T_M.
    message : str
        Why the scan stopped.
    """

    alpha: float
    m: np.ndarray
    T_cl: np.ndarray
    C: np.ndarray
    x: np.ndarray
    f_cl: np.ndarray
    replicon: np.ndarray
    complete: bool
    message: str = ""

    def temperature(self, cost: AbstractOverlapCost) -> np.ndarray:
        """Physical temperature of each point for ``cost``: T = G'(x/2) T_cl."""
        return np.array([_Gp(cost, x) for x in self.x]) * self.T_cl

    def free_energy(self, cost: AbstractOverlapCost) -> np.ndarray:
        """Free energy of each point for ``cost`` at its own temperature."""
        u = np.array([_Gp(cost, x) for x in self.x])
        g = np.array([_G(cost, x) for x in self.x])
        return -g + u * (self.x / 2 + self.f_cl)


def _solve_fixed(alpha: float, fix: str, value: float, guess: tuple[float, float, float]
                 ) -> tuple[float, float, float, float]:
    """Solve the classical retrieval saddle with m or T_cl fixed: (m, T_cl, C, residual)."""
    m0, t0, c0 = guess
    c0 = min(max(c0, 0.0), 0.99)

    if fix == "m":
        def resid(v: np.ndarray) -> np.ndarray:
            if v[0] <= 0:
                return np.array([1e3, 1e3])
            return _classical_residual(alpha, 1.0 / float(v[0]), value, float(v[1]))

        sol = optimize.root(resid, np.array([max(t0, 1e-4), c0]), method="hybr",
                            options={"xtol": 1e-13})
        out = (value, float(sol.x[0]), float(sol.x[1]))
    else:
        def resid(v: np.ndarray) -> np.ndarray:
            return _classical_residual(alpha, 1.0 / value, float(v[0]), float(v[1]))

        sol = optimize.root(resid, np.array([m0, c0]), method="hybr", options={"xtol": 1e-13})
        out = (float(sol.x[0]), value, float(sol.x[1]))
    return (*out, float(np.max(np.abs(resid(sol.x)))))


def _solve_on_line(alpha: float, anchor: tuple[float, float], direction: tuple[float, float],
                   s: float, guess: tuple[float, float, float], t_floor: float = 1e-4
                   ) -> tuple[float, float, float, float]:
    """Solve the saddle on the line direction·((m, T_cl) − anchor) = s: (m, T_cl, C, residual).

    With ``direction`` the unit secant this is the pseudo-arclength corrector; the extended
    system stays regular at the fold, where fixing T_cl (or m, on the other side) would not.
    """
    (am, at), (dm, dt) = anchor, direction

    def resid(v: np.ndarray) -> np.ndarray:
        m, t, C = (float(u) for u in v)
        if t < t_floor:
            return np.array([1e3, 1e3, 1e3])
        r = _classical_residual(alpha, 1.0 / t, m, C)
        return np.array([r[0], r[1], dm * (m - am) + dt * (t - at) - s])

    g = np.array([guess[0], max(guess[1], t_floor), min(max(guess[2], 0.0), 0.99)])
    sol = optimize.root(resid, g, method="hybr", options={"xtol": 1e-13})
    m, t, C = (float(u) for u in sol.x)
    return m, t, C, float(np.max(np.abs(resid(sol.x))))


def _tangent(alpha: float, point: tuple[float, float, float], along: tuple[float, float]
             ) -> tuple[float, float, float]:
    """Unit tangent of the curve at ``point``, normalised in the (m, T_cl) plane.

    The null vector of the 2 × 3 Jacobian of the saddle equations in (m, T_cl, C) (the cross
    product of its rows, by central differences), oriented along ``along``. Regular at the fold,
    where the tangent is along m.
    """
    m, t, C = point
    v = np.array([m, t, C])
    jac = np.empty((2, 3))
    for j in range(3):
        e = 1e-6 * max(abs(v[j]), 1e-3)
        if j == 2:
            e = min(e, 0.5 * (1.0 - C))
        hi, lo = v.copy(), v.copy()
        hi[j] += e
        lo[j] -= e
        jac[:, j] = (_classical_residual(alpha, 1.0 / hi[1], hi[0], hi[2])
                     - _classical_residual(alpha, 1.0 / lo[1], lo[0], lo[2])) / (2 * e)
    n = np.cross(jac[0], jac[1])
    norm = math.hypot(n[0], n[1])
    n = n / norm
    if n[0] * along[0] + n[1] * along[1] < 0:
        n = -n
    return float(n[0]), float(n[1]), float(n[2])


def retrieval_curve(alpha: float, *, tau_start: float = 0.004, ds: float = 0.02,
                    max_points: int = 2000) -> RetrievalCurve:
    """Trace the classical RS retrieval solutions at fixed α through their fold.

    Starts on the stable branch at T_cl = ``tau_start`` (seeded by the T = 0 closed form) and
    follows the curve in the (m, T_cl) plane by pseudo-arclength continuation: a secant
    predictor of length h, then a corrector on the line normal to the secant through the
    predicted point, so the fold (maximum of T_cl) needs no change of parameter. A step is
    accepted when the saddle equations hold to 1e-9 and the new secant turns by less than
    acos(0.95) from the previous one (otherwise h is halved). The scan goes past the fold and
    down the unstable branch until T_cl drops back below ``tau_start``. Every radial cost's
    retrieval branch is the image of this curve under T = G'(x/2) T_cl.

    Parameters
    ----------
    alpha : float
        0 < α < α_c.
    tau_start : float
        Lowest classical temperature traced.
    ds : float
        Largest step length in the (m, T_cl) plane.
    max_points : int
        Cap on the number of points.

    Returns
    -------
    RetrievalCurve
        ``complete`` is False (with the reason in ``message``) if the scan stopped before the
        fold; callers reading lines off the curve must check it.

    Raises
    ------
    ValueError
        For α >= α_c, or α so close to α_c that no retrieval state exists at ``tau_start``.
    """
    alpha = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    tau_start = check_scalar(tau_start, "tau_start", low=1e-4, high=0.2)
    ds = check_scalar(ds, "ds", low=1e-4, high=0.2)
    max_points = check_int(max_points, "max_points", low=10)
    roots = _t0_retrieval_y(alpha)
    if roots is None:
        ac, _ = _alpha_c_y()
        raise ValueError(f"alpha: got {alpha}, expected alpha < alpha_c = {ac:.6f}")
    m_s, C_s = _t0_point(alpha, roots[1])
    pts: list[tuple[float, float, float]] = []
    for tau in (tau_start, tau_start + 0.25 * ds):
        g = pts[-1] if pts else (m_s, tau, C_s)
        m, t, C, res = _solve_fixed(alpha, "tau", tau, g)
        if res > _TOL or not 0 <= C < 1 or m <= 0:
            raise ValueError(f"alpha: got {alpha}, too close to alpha_c: no retrieval state at "
                             f"T_cl = {tau:g} (tau_start = {tau_start:g})")
        pts.append((m, t, C))
    h = ds
    passed = done = False
    message = f"stopped after max_points = {max_points} points"
    prev_dir = (pts[1][0] - pts[0][0], pts[1][1] - pts[0][1])
    while len(pts) < max_points:
        mb, tb, cb = pts[-1]
        tm_, tt_, tc_ = _tangent(alpha, pts[-1], prev_dir)
        if tt_ < 0:  # going down in T_cl: at most halve it per step (the quadrature grows as 1/T_cl)
            h = min(h, -0.5 * tb / tt_)
        pred = (mb + h * tm_, tb + h * tt_, cb + h * tc_)
        m, t, C, res = _solve_on_line(alpha, (mb, tb), (tm_, tt_), h, pred, 0.25 * tb)
        ok = res <= _TOL and 0 <= C < 1 and m > 0 and t > 0
        cos = 0.0
        if ok:
            step = math.hypot(m - mb, t - tb)
            cos = ((m - mb) * tm_ + (t - tb) * tt_) / step
            ok = cos >= _COS_MIN  # else the corrector jumped to another part of the curve
        if not ok:
            h *= 0.5
            if h < _H_MIN:
                message = (f"step fell below {_H_MIN:g} at m = {mb:.6g}, T_cl = {tb:.6g} "
                           f"({'past' if passed else 'before'} the fold)")
                break
            continue
        pts.append((m, t, C))
        prev_dir = (tm_, tt_)
        if cos > 0.995:
            h = min(ds, 1.5 * h)
        if t < tb:
            passed = True
        if passed and (t < tau_start or m < 1e-3):
            done = True
            message = "passed the fold and came back below tau_start"
            break
    arr = np.array(pts)
    sds = [_saddle(alpha, 1.0 / t, mm, cc) for mm, t, cc in arr]
    return RetrievalCurve(
        alpha=alpha, m=arr[:, 0], T_cl=arr[:, 1], C=arr[:, 2],
        x=np.array([s.x for s in sds]), f_cl=np.array([s.f_cl for s in sds]),
        replicon=np.array([s.replicon for s in sds]), complete=passed and done, message=message,
    )


def _require_complete(curve: RetrievalCurve) -> None:
    """Raise unless ``curve`` passed its fold: a truncated curve gives no transition line."""
    if not curve.complete:
        raise NotConvergedError(
            f"retrieval_curve(alpha = {curve.alpha}) did not trace through the fold: "
            f"{curve.message}; try a smaller ds")


def _point_between(curve: RetrievalCurve, k: int, s: float) -> tuple[_Saddle, float]:
    """Saddle at fraction s of the way from point k − 1 to point k (re-solved, not interpolated).

    Solved on the line normal to the chord, which is regular even across the fold because the
    continuation kept every segment nearly straight. Raises if the solve fails.
    """
    ma, mb = float(curve.m[k - 1]), float(curve.m[k])
    ta, tb = float(curve.T_cl[k - 1]), float(curve.T_cl[k])
    ca, cb = float(curve.C[k - 1]), float(curve.C[k])
    dist = math.hypot(mb - ma, tb - ta)
    guess = (ma + s * (mb - ma), ta + s * (tb - ta), ca + s * (cb - ca))
    m, t, C, res = _solve_on_line(curve.alpha, (ma, ta), ((mb - ma) / dist, (tb - ta) / dist),
                                  s * dist, guess)
    if not (res <= _TOL and 0 <= C < 1 and t > 0):
        raise NotConvergedError(
            f"retrieval curve at alpha = {curve.alpha}: no saddle between points {k - 1} and {k} "
            f"(s = {s:.4g}, residual {res:.2e})")
    return _saddle(curve.alpha, 1.0 / t, m, C), t
