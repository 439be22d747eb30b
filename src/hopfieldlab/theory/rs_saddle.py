"""The classical replica-symmetric (RS) saddle at high storage, which every radial cost reuses.

For a radial cost F(m) = G(|m|²/2) (classical: G(s) = s; relativistic: G(s) = c²√(1 + 2s/c²)),
let x = Σ_μ m_μ² over all P = αN patterns (diagonal i = j included, so x ≥ α in the paramagnet
at T = ∞). Pinning x with a δ-function and writing it with a real multiplier b gives, exactly,

    −βf = extr_{x, b} [ β G(x/2) − b x/2 + A_cl(α, b) ],          b = β G'(x/2),

with A_cl(α, b) = −b f_cl(α, 1/b) the pressure of the classical Hopfield model (diagonal
included) at inverse temperature b, whose energy is −x/2. An RS state of a radial cost at
temperature T is therefore an Amit–Gutfreund–Sompolinsky (AGS) state at the effective inverse
temperature b, with T = G'(x/2)/b (b = β for the classical cost, G' ≡ 1). ``docs/high_storage.md``
has the derivation.

This module holds that classical saddle, with one condensed pattern, in the variables
(m, C = b(1 − q)):

    m = ⟨tanh b(m + √(αr) z)⟩,   C = b ⟨sech² b(m + √(αr) z)⟩,   r = q / (1 − C)²,

z standard normal, and

    f_cl = m²/2 + α/(2b) [ln(1 − C) − bq/(1 − C)] + α r C/2 − ⟨ln 2cosh b(m + √(αr) z)⟩/b,
    x    = m² + α (1 − C(1 − q)) / (1 − C)²,
    f    = −G(x/2) + (b/β) (x/2 + f_cl)             (any radial cost; f = −G(x/2) at T = 0).

The Gaussian averages use the trapezoidal rule on a grid that resolves tanh(b h); for these
analytic integrands the error falls like exp(−π²/(b √(αr) Δz)), far below the tolerances. At
T = 0 the closed forms in y = m/√(2αr) apply, m = erf y and C = 2y e^{−y²}/(√π m); they give
:func:`retrieval_t0`, :func:`spin_glass_t0` and the capacity :func:`alpha_c`.

The replicon (de Almeida–Thouless) eigenvalue of the retrieval or spin-glass saddle is
λ_AT = α b² ⟨sech⁴ b(m + √(αr) z)⟩ / (1 − C)², and RS is locally stable where λ_AT < 1. The
variables (x, b) are replica-diagonal and do not couple to the replicon, so the same expression
at the effective b holds for every radial cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from .._validation import check_scalar
from ..models._base import AbstractOverlapCost

__all__ = ["alpha_c", "retrieval_t0", "spin_glass_t0"]

_Z_MAX = 10.0
_SQRT_2PI = math.sqrt(2.0 * math.pi)


# ------------------------------------------------------------------------------------------
# the cost: only G'(x/2) and G(x/2) enter
# ------------------------------------------------------------------------------------------
def _check_cost(cost: Any) -> AbstractOverlapCost:
    if not isinstance(cost, AbstractOverlapCost):
        raise TypeError(f"cost: got {type(cost).__name__}, expected an overlap cost")
    try:
        cost.radial_series(1)
    except NotImplementedError as exc:
        raise ValueError(
            f"cost: the {cost.name} cost is not a function of |m|² alone; the high-storage "
            "theory covers radial costs F = G(|m|²/2) (classical, relativistic)"
        ) from exc
    return cost


def _G(cost: AbstractOverlapCost, x: float) -> float:
    """G(x/2) = F evaluated at any overlap vector of squared norm x."""
    return float(cost.F(np.array([math.sqrt(max(x, 0.0))])))


def _Gp(cost: AbstractOverlapCost, x: float) -> float:
    """G'(x/2): the radial factor of ∇F (∇F(m) = G'(|m|²/2) m)."""
    if x <= 0.0:
        return float(np.asarray(cost.hess(np.zeros(1)))[0, 0])
    r = math.sqrt(x)
    return float(np.asarray(cost.grad(np.array([r])))[0]) / r


# ------------------------------------------------------------------------------------------
# Gaussian averages
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Avg:
    t: float  # ⟨tanh bh⟩
    q: float  # ⟨tanh² bh⟩
    s2: float  # ⟨sech² bh⟩
    s4: float  # ⟨sech⁴ bh⟩
    lc: float  # ⟨ln 2cosh bh⟩ / b


def _averages(m: float, s: float, b: float) -> _Avg:
    """Averages over h = m + s z, z ~ N(0, 1), at finite inverse temperature b."""
    if s <= 0.0:
        h = np.array([m])
        w = np.array([1.0])
    else:
        dz = min(0.05, 0.25 / (b * s))
        n = int(min(400_001, math.ceil(2 * _Z_MAX / dz) + 1))
        z = np.linspace(-_Z_MAX, _Z_MAX, n)
        w = np.exp(-0.5 * z * z) * (z[1] - z[0]) / _SQRT_2PI
        h = m + s * z
    a = b * np.abs(h)
    e = np.exp(-2.0 * a)
    th = np.sign(h) * (1.0 - e) / (1.0 + e)
    sech2 = 4.0 * e / (1.0 + e) ** 2
    lc = np.abs(h) + np.log1p(e) / b
    return _Avg(
        t=float(w @ th),
        q=float(w @ (th * th)),
        s2=float(w @ sech2),
        s4=float(w @ (sech2 * sech2)),
        lc=float(w @ lc),
    )


# ------------------------------------------------------------------------------------------
# the classical saddle at inverse temperature b, in the variables (m, C)
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Saddle:
    m: float
    q: float
    r: float
    C: float
    x: float
    f_cl: float
    replicon: float


def _noise(alpha: float, q: float, C: float) -> tuple[float, float]:
    r = q / (1.0 - C) ** 2
    return r, math.sqrt(alpha * max(r, 0.0))


def _classical_residual(alpha: float, b: float, m: float, C: float) -> np.ndarray:
    if not (0.0 <= C < 1.0) or not math.isfinite(m):
        return np.array([1e3, 1e3])
    q = 1.0 - C / b
    _, s = _noise(alpha, q, C)
    av = _averages(m, s, b)
    return np.array([m - av.t, C - b * av.s2])


def _saddle(alpha: float, b: float, m: float, C: float) -> _Saddle:
    """Derived quantities at a (converged) point; b = inf uses the T = 0 forms."""
    if math.isinf(b):
        q = 1.0
        r, s = _noise(alpha, q, C)
        if s > 0:
            y = m / (math.sqrt(2.0) * s)
            abs_h = s * math.sqrt(2.0 / math.pi) * math.exp(-y * y) + m * math.erf(y)
        else:
            abs_h = abs(m)
        x = m * m + alpha / (1.0 - C) ** 2
        f_cl = m * m / 2 - alpha / (2 * (1 - C)) + alpha * r * C / 2 - abs_h
        return _Saddle(m, q, r, C, x, f_cl, math.inf if s > 0 else 0.0)
    q = 1.0 - C / b
    r, s = _noise(alpha, q, C)
    av = _averages(m, s, b)
    x = m * m + alpha * (1.0 - C * (1.0 - q)) / (1.0 - C) ** 2
    f_cl = (m * m / 2 + alpha / (2 * b) * (math.log1p(-C) - b * q / (1.0 - C))
            + alpha * r * C / 2 - av.lc)
    replicon = alpha * b * b * av.s4 / (1.0 - C) ** 2
    return _Saddle(m, q, r, C, x, f_cl, replicon)


def _t0_retrieval_y(alpha: float) -> tuple[float, float] | None:
    """The two roots y_u < y_s of α = (erf y − 2y e^{−y²}/√π)² / (2y²), or None beyond α_c."""
    ac, yc = _alpha_c_y()
    if alpha > ac:
        return None

    def g(y: float) -> float:
        return (math.erf(y) - 2 * y * math.exp(-y * y) / math.sqrt(math.pi)) ** 2 / (2 * y * y)

    if alpha == ac:
        return yc, yc
    y_s = optimize.brentq(lambda y: g(y) - alpha, yc, 2.0 / math.sqrt(alpha) + 10.0, xtol=1e-15)
    y_u = optimize.brentq(lambda y: g(y) - alpha, 1e-6, yc, xtol=1e-15) if alpha > g(1e-6) else 0.0
    return y_u, y_s


_ALPHA_C_CACHE: list[tuple[float, float]] = []


def _alpha_c_y() -> tuple[float, float]:
    if not _ALPHA_C_CACHE:
        def neg(y: float) -> float:
            return -(math.erf(y) - 2 * y * math.exp(-y * y) / math.sqrt(math.pi)) ** 2 / (2 * y * y)

        res = optimize.minimize_scalar(neg, bounds=(0.5, 3.0), method="bounded",
                                       options={"xatol": 1e-12})
        _ALPHA_C_CACHE.append((float(-res.fun), float(res.x)))
    return _ALPHA_C_CACHE[0]


def _t0_point(alpha: float, y: float) -> tuple[float, float]:
    m = math.erf(y)
    C = 2 * y * math.exp(-y * y) / (math.sqrt(math.pi) * m)
    return m, C


# ------------------------------------------------------------------------------------------
# T = 0 closed forms and α_c
# ------------------------------------------------------------------------------------------
def retrieval_t0(alpha: float) -> tuple[float, float]:
    """T = 0 retrieval overlap m and C = lim β(1 − q) (any radial cost), or (nan, nan) beyond α_c.

    Parameters
    ----------
    alpha : float
        α > 0.

    Returns
    -------
    (m, C)
    """
    alpha = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    roots = _t0_retrieval_y(alpha)
    if roots is None:
        return math.nan, math.nan
    return _t0_point(alpha, roots[1])


def spin_glass_t0(alpha: float) -> float:
    """T = 0 spin-glass C = √(2/π)/(√α + √(2/π)); its energy is −G(α/(2(1 − C)²))."""
    alpha = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    k = math.sqrt(2.0 / math.pi)
    return k / (math.sqrt(alpha) + k)


def alpha_c() -> tuple[float, float]:
    """Storage capacity at T = 0 and the retrieval overlap there (AGS: 0.138, 0.967).

    It is the same for every radial cost: at T = 0 the effective b is infinite too.

    Returns
    -------
    (alpha_c, m_c)
    """
    ac, yc = _alpha_c_y()
    return ac, math.erf(yc)
