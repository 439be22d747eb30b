"""The classical RS retrieval solutions at fixed load α, traced as one curve through their fold.

At fixed α the retrieval saddle exists on a curve in the (m, T_cl) plane that folds back in
temperature: a stable branch from T_cl → 0 up to the fold and an unstable one back down.
:func:`retrieval_curve` follows it with a secant predictor and natural-parameter switching, so
both branches and the fold come out of one scan. Every radial cost's retrieval branch is the
image of this curve under T = G'(x/2) T_cl, which is how the transition lines of
:mod:`hopfieldlab.theory.highstorage` are drawn from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._validation import check_int, check_scalar
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


@dataclass(frozen=True, eq=False)
class RetrievalCurve:
    """The classical RS retrieval solutions at fixed α, stable and unstable, as a curve in m.

    Attributes
    ----------
    alpha : float
    m, T_cl, C, x, f_cl, replicon : ndarray
        Along the curve, from the T → 0 stable end down in m: overlap, classical temperature
        1/b, C = b(1 − q), Σ_μ m_μ², classical free energy at 1/b, AT eigenvalue.
    complete : bool
        Whether the scan passed the maximum of T_cl (the fold).
    """

    alpha: float
    m: np.ndarray
    T_cl: np.ndarray
    C: np.ndarray
    x: np.ndarray
    f_cl: np.ndarray
    replicon: np.ndarray
    complete: bool

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


def retrieval_curve(alpha: float, *, tau_start: float = 0.004, ds: float = 0.02,
                    max_points: int = 2000) -> RetrievalCurve:
    """Trace the classical RS retrieval solutions at fixed α through their fold.

    Starts on the stable branch at T_cl = ``tau_start`` (seeded by the T = 0 closed form) and
    follows the curve in the (m, T_cl) plane with a secant predictor and natural-parameter
    switching (T_cl fixed where the curve is steep in T, m fixed where it is steep in m), past
    the maximum of T_cl and along the unstable branch until T_cl drops back below
    ``tau_start``. Every radial cost's retrieval branch is the image of this curve under
    T = G'(x/2) T_cl.

    Parameters
    ----------
    alpha : float
        0 < α < α_c.
    tau_start : float
        Lowest classical temperature traced.
    ds : float
        Target step length in the (m, T_cl) plane (halved on failure).
    max_points : int
        Cap on the number of points.

    Returns
    -------
    RetrievalCurve
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
        if res > 1e-9 or not 0 <= C < 1 or m <= 0:
            raise ValueError(f"alpha: got {alpha}, too close to alpha_c to trace the retrieval curve")
        pts.append((m, t, C))
    h = ds
    passed = False
    while len(pts) < max_points and h > 1e-6:
        (ma, ta, ca), (mb, tb, cb) = pts[-2], pts[-1]
        dist = math.hypot(mb - ma, tb - ta)
        k = h / dist
        pred = (mb + k * (mb - ma), tb + k * (tb - ta), cb + k * (cb - ca))
        fix = "tau" if abs(tb - ta) >= abs(mb - ma) else "m"
        value = pred[1] if fix == "tau" else pred[0]
        if (fix == "tau" and value <= 0) or (fix == "m" and value <= 0):
            break
        m, t, C, res = _solve_fixed(alpha, fix, value, pred)
        ok = res <= 1e-9 and 0 <= C < 1 and m > 0 and t > 0
        if ok and math.hypot(m - pred[0], t - pred[1]) > 0.5 * h + 1e-12:
            ok = False  # jumped to another branch
        if not ok:
            h *= 0.5
            continue
        pts.append((m, t, C))
        h = min(ds, 1.5 * h)
        if t < tb:
            passed = True
        if passed and (t < tau_start or m < 1e-3):
            break
    arr = np.array(pts)
    sds = [_saddle(alpha, 1.0 / t, mm, cc) for mm, t, cc in arr]
    return RetrievalCurve(
        alpha=alpha, m=arr[:, 0], T_cl=arr[:, 1], C=arr[:, 2],
        x=np.array([s.x for s in sds]), f_cl=np.array([s.f_cl for s in sds]),
        replicon=np.array([s.replicon for s in sds]), complete=passed,
    )


def _point_between(curve: RetrievalCurve, k: int, s: float) -> tuple[_Saddle, float]:
    """Saddle at fraction s of the way from point k − 1 to point k (re-solved, not interpolated)."""
    ma, mb = float(curve.m[k - 1]), float(curve.m[k])
    ta, tb = float(curve.T_cl[k - 1]), float(curve.T_cl[k])
    ca, cb = float(curve.C[k - 1]), float(curve.C[k])
    guess = (ma + s * (mb - ma), ta + s * (tb - ta), ca + s * (cb - ca))
    fix = "tau" if abs(tb - ta) >= abs(mb - ma) else "m"
    m, t, C, _ = _solve_fixed(curve.alpha, fix, guess[1] if fix == "tau" else guess[0], guess)
    return _saddle(curve.alpha, 1.0 / t, m, C), t
