"""Replica-symmetric theory at high storage (P = αN, N → ∞) for radial overlap costs.

For a cost F(m) = G(|m|²/2) (classical: G(s) = s; relativistic: G(s) = c²√(1 + 2s/c²)), write
x = Σ_μ m_μ² (all P patterns, the diagonal i = j included, so x ≥ α in the paramagnet at T = ∞).
Fixing x with a δ-function and exponentiating it with a real multiplier b gives, exactly,

    −βf = extr_{x, b} [ β G(x/2) − b x/2 + A_cl(α, b) ],          b = β G'(x/2),

where A_cl(α, b) = −b f_cl(α, 1/b) is the pressure of the classical Hopfield model (diagonal
included) at inverse temperature b, and x = −2 u_cl is its energy. So every replica-symmetric (RS)
state of a radial cost at temperature T is an Amit–Gutfreund–Sompolinsky (AGS) state at the
effective inverse temperature b, with T = G'(x/2)/b; the classical model is G' ≡ 1 (b = β). The
derivation is written out in ``docs/high_storage.md``.

The classical RS equations with one condensed pattern, in the variables (m, C = b(1 − q)):

    m = ⟨tanh b(m + √(αr) z)⟩,   C = b ⟨sech² b(m + √(αr) z)⟩,   r = q / (1 − C)²,

with z standard normal, and

    f_cl = m²/2 + α/(2b) [ln(1 − C) − bq/(1 − C)] + α r C/2 − ⟨ln 2cosh b(m + √(αr) z)⟩/b,
    x    = m² + α (1 − C(1 − q)) / (1 − C)²,
    f    = −G(x/2) + (b/β) (x/2 + f_cl)             (any radial cost; f = −G(x/2) at T = 0).

Gaussian averages use the trapezoidal rule on a grid fine enough to resolve tanh(b h); for these
analytic integrands the error decays like exp(−π²/(b √(αr) Δz)) and is far below the tolerances.
At T = 0 the closed forms in y = m/√(2αr) are used: m = erf y, C = 2y e^{−y²}/(√π m).

The replicon (de Almeida–Thouless) eigenvalue of the RS retrieval or spin-glass saddle is
λ_AT = α b² ⟨sech⁴ b(m + √(αr) z)⟩ / (1 − C)²; RS is locally stable where λ_AT < 1. The extra
variables (x, b) are replica-diagonal and do not mix with the replicon, so the same expression at
the effective b holds for every radial cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from .._validation import check_choice, check_int, check_scalar
from ..models._base import AbstractOverlapCost
from ._fixed_point import report_failure

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

PHASES = ("retrieval", "spin-glass", "paramagnet")
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
# public results
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RSState:
    """A replica-symmetric saddle point at load α and temperature T.

    Attributes
    ----------
    model : str
        Name of the cost.
    phase : str
        ``"retrieval"`` (m > 0), ``"spin-glass"`` (m = 0, q > 0) or ``"paramagnet"`` (m = q = 0).
    alpha, T : float
        Load P/N and temperature.
    m : float
        Overlap with the condensed pattern.
    q : float
        Edwards–Anderson order parameter.
    r : float
        Noise from the non-condensed patterns, r = (1/α) Σ_{μ>1} N⟨m_μ⟩².
    x : float
        Σ_μ ⟨m_μ²⟩ over all patterns (diagonal α included), the argument of the radial cost.
    beta_eff : float
        Inverse temperature b of the equivalent classical (AGS) saddle; β for the classical cost.
    free_energy : float
        RS free energy per neuron (diagonal terms included).
    energy : float
        Energy per neuron −G(x/2).
    replicon : float
        de Almeida–Thouless eigenvalue; the RS saddle is locally stable when it is < 1.
    converged : bool
        Whether the residual met the tolerance.
    residual : float
        Max-norm of the RS equations at the returned point.
    iterations : int
        Function evaluations spent.
    message : str
        Solver message.
    """

    model: str
    phase: str
    alpha: float
    T: float
    m: float
    q: float
    r: float
    x: float
    beta_eff: float
    free_energy: float
    energy: float
    replicon: float
    converged: bool
    residual: float
    iterations: int
    message: str

    @property
    def guess(self) -> tuple[float, float, float]:
        """(m, C, b/β) to seed the next solve of a continuation (C = b(1 − q))."""
        if math.isinf(self.beta_eff):
            return self.m, _c_from_state(self), 1.0
        beta = math.inf if self.T == 0 else 1.0 / self.T
        return self.m, self.beta_eff * (1.0 - self.q), self.beta_eff / beta


def _c_from_state(st: RSState) -> float:
    # at T = 0, C is recovered from r = 1/(1 − C)²  (q = 1)
    return 1.0 - 1.0 / math.sqrt(st.r) if st.r > 0 else 0.0


def _make_state(cost, phase, alpha, T, sd: _Saddle, b, res, iters, msg, tol) -> RSState:
    if T == 0.0:
        f = -_G(cost, sd.x)
    else:
        f = -_G(cost, sd.x) + (b * T) * (sd.x / 2 + sd.f_cl)
    return RSState(
        model=cost.name, phase=phase, alpha=alpha, T=T, m=sd.m, q=sd.q, r=sd.r, x=sd.x,
        beta_eff=b, free_energy=float(f), energy=-_G(cost, sd.x), replicon=float(sd.replicon),
        converged=bool(res <= tol), residual=float(res), iterations=int(iters), message=msg,
    )


# ------------------------------------------------------------------------------------------
# solving at fixed (α, T)
# ------------------------------------------------------------------------------------------
def _solve_t0(cost, alpha: float, phase: str, tol: float) -> RSState:
    if phase == "retrieval":
        roots = _t0_retrieval_y(alpha) if alpha > 0 else (0.0, math.inf)
        if roots is None:
            ac, _ = _alpha_c_y()
            return _make_state(cost, phase, alpha, 0.0, _saddle(alpha, math.inf, 0.0, 0.0),
                               math.inf, math.inf, 0,
                               f"no retrieval solution at T = 0 beyond alpha_c = {ac:.6f}", tol)
        if alpha == 0:
            m, C = 1.0, 0.0
        else:
            m, C = _t0_point(alpha, roots[1])
        return _make_state(cost, phase, alpha, 0.0, _saddle(alpha, math.inf, m, C), math.inf,
                           0.0, 1, "closed form (T = 0)", tol)
    if phase == "spin-glass" and alpha > 0:
        k = math.sqrt(2.0 / math.pi)
        C = k / (math.sqrt(alpha) + k)
        return _make_state(cost, phase, alpha, 0.0, _saddle(alpha, math.inf, 0.0, C), math.inf,
                           0.0, 1, "closed form (T = 0)", tol)
    msg = "the paramagnet does not exist at T = 0" if phase == "paramagnet" else "alpha = 0"
    return _make_state(cost, phase, alpha, 0.0, _saddle(alpha, math.inf, 0.0, 0.0), math.inf,
                       math.inf, 0, msg, tol)


def _paramagnet(cost, alpha: float, T: float, tol: float) -> RSState:
    """m = q = 0: x = α/(1 − b) and b = β G'(x/2), a scalar equation in b ∈ (0, 1)."""
    beta = 1.0 / T

    def eq(b: float) -> float:
        return b - beta * _Gp(cost, alpha / (1.0 - b))

    hi = 1.0 - 1e-15
    if eq(hi) < 0:
        st = _make_state(cost, "paramagnet", alpha, T, _saddle(alpha, 0.5, 0.0, 0.5),
                         hi, math.inf, 0, "no paramagnetic solution (b would exceed 1)", tol)
        return st
    b = optimize.brentq(eq, 0.0, hi, xtol=1e-15) if eq(0.0) < 0 else 0.0
    sd = _saddle(alpha, b, 0.0, b)  # q = 0 means C = b(1 - q) = b
    return _make_state(cost, "paramagnet", alpha, T, sd, b, abs(eq(b)), 1, "scalar root", tol)


def _default_guess(cost, alpha: float, T: float, phase: str) -> tuple[float, float, float]:
    t0 = _solve_t0(cost, alpha, phase, 1.0)
    m, C = (t0.m, _c_from_state(t0)) if t0.residual == 0 else (0.9, 0.5)
    if phase == "spin-glass" and t0.residual != 0:
        m = 0.0
    u = _Gp(cost, t0.x) if t0.residual == 0 else 1.0
    return m, min(C, 0.95), u


def solve_rs(
    cost: AbstractOverlapCost,
    alpha: float,
    T: float,
    phase: str = "retrieval",
    *,
    guess: tuple[float, float, float] | RSState | None = None,
    tol: float = 1e-10,
    on_fail: str = "ignore",
) -> RSState:
    """Solve the RS equations of a radial cost at load α and temperature T.

    Parameters
    ----------
    cost : AbstractOverlapCost
        A radial cost (:class:`~hopfieldlab.models.Classical`, :class:`~hopfieldlab.models.Relativistic`).
    alpha : float
        Load P/N, α >= 0.
    T : float
        Temperature, T >= 0 (closed forms at T = 0, where every radial cost has the classical
        saddles because b = β G'(x/2) is infinite too).
    phase : {'retrieval', 'spin-glass', 'paramagnet'}
        Which saddle to look for.
    guess : (m, C, b/β) or RSState, optional
        Starting point (continuation); by default the T = 0 solution.
    tol : float
        Target max-norm of the residual.
    on_fail : {'ignore', 'warn', 'raise'}
        Action when the residual misses ``tol``; the result always carries ``converged``.

    Returns
    -------
    RSState
        For 'retrieval', a point that collapsed onto m ≈ 0 is reported as not converged (the
        retrieval branch does not exist there).
    """
    cost = _check_cost(cost)
    alpha = check_scalar(alpha, "alpha", low=0.0)
    T = check_scalar(T, "T", low=0.0)
    phase = check_choice(phase, "phase", PHASES)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    on_fail = check_choice(on_fail, "on_fail", ("raise", "warn", "ignore"))
    if T == 0.0:
        st = _solve_t0(cost, alpha, phase, tol)
    elif phase == "paramagnet":
        st = _paramagnet(cost, alpha, T, tol)
    else:
        if isinstance(guess, RSState):
            guess = guess.guess
        g = _default_guess(cost, alpha, T, phase) if guess is None else tuple(map(float, guess))
        st = _solve_finite_t(cost, alpha, T, phase, g, tol)
    if not st.converged:
        report_failure(
            f"solve_rs: {st.phase} at alpha = {alpha}, T = {T} did not converge (residual "
            f"{st.residual:.2e} > tol = {tol}): {st.message}; try a guess from a nearby state",
            on_fail,
        )
    return st


def _solve_finite_t(cost, alpha: float, T: float, phase: str, g, tol: float) -> RSState:
    beta = 1.0 / T
    m0, C0, u0 = g
    classical = cost.name == "classical"
    retr = phase == "retrieval"
    if alpha == 0.0 and not retr:
        return _paramagnet(cost, alpha, T, tol)

    def unpack(v: np.ndarray) -> tuple[float, float, float]:
        m = float(v[0]) if retr else 0.0
        C = float(v[1 if retr else 0])
        u = 1.0 if classical else float(v[-1])
        return m, C, u

    def resid(v: np.ndarray) -> np.ndarray:
        m, C, u = unpack(v)
        if u <= 0.0:
            return np.full(v.size, 1e3)
        b = beta * u
        rc = _classical_residual(alpha, b, m, C)
        out = list(rc) if retr else [rc[1]]
        if not classical:
            if not 0.0 <= C < 1.0:
                out.append(1e3)
            else:
                q = 1.0 - C / b
                x = m * m + alpha * (1.0 - C * (1.0 - q)) / (1.0 - C) ** 2
                out.append(u - _Gp(cost, x))
        return np.array(out)

    v0 = ([m0] if retr else []) + [C0] + ([] if classical else [u0])
    sol = optimize.root(resid, np.array(v0), method="hybr", options={"xtol": 1e-13, "maxfev": 400})
    v = np.asarray(sol.x, dtype=float)
    res = float(np.max(np.abs(resid(v))))
    m, C, u = unpack(v)
    msg = str(sol.message)
    b = beta * u
    if res > tol or not 0 <= C < 1:
        sd = _saddle(alpha, b, m, min(max(C, 0.0), 0.999)) if 0 < b else _saddle(alpha, 1, 0, 0)
        return _make_state(cost, phase, alpha, T, sd, b, max(res, tol * 10), int(sol.nfev), msg, tol)
    if retr and m < 1e-6:
        sd = _saddle(alpha, b, m, C)
        return _make_state(cost, phase, alpha, T, sd, b, math.inf, int(sol.nfev),
                           "collapsed onto m = 0: no retrieval solution here", tol)
    if not retr and 1.0 - C / b < 1e-9:
        # the spin-glass saddle merged with the paramagnet (T above T_g) or the solver fell
        # onto the trivial root q = 0: retry with the bracketed scalar solution
        if T >= spin_glass_temperature(cost, alpha):
            return _paramagnet(cost, alpha, T, tol)
        return _spin_glass_bracketed(cost, alpha, T, tol)
    sd = _saddle(alpha, b, m, C)
    return _make_state(cost, phase, alpha, T, sd, b, res, int(sol.nfev), msg, tol)


def _sg_q(alpha: float, b: float) -> float:
    """Classical spin-glass q at inverse temperature b (0 at and above T_g = 1 + √α)."""
    if b <= 1.0 / (1.0 + math.sqrt(alpha)):
        return 0.0

    def F(q: float) -> float:
        C = b * (1.0 - q)
        _, s = _noise(alpha, q, C)
        return _averages(0.0, s, b).q - q

    lo = max(1e-12, 1.0 - 1.0 / b + 1e-12)
    hi = 1.0 - 1e-15
    if F(lo) <= 0:
        return 0.0
    return float(optimize.brentq(F, lo, hi, xtol=1e-15))


def _spin_glass_bracketed(cost, alpha: float, T: float, tol: float) -> RSState:
    """Spin glass by nested scalar roots: q(b) classically, then u = b/β = G'(x(b)/2)."""
    beta = 1.0 / T

    def x_of(b: float) -> tuple[float, float]:
        q = _sg_q(alpha, b)
        C = b * (1.0 - q)
        return _x_no_condensed(alpha, q, C), C

    def h(u: float) -> float:
        return u - _Gp(cost, x_of(beta * u)[0])

    if cost.name == "classical" or h(1.0) == 0.0:
        u = 1.0
    else:
        lo = 1e-12
        u = float(optimize.brentq(h, lo, 1.0, xtol=1e-15)) if h(lo) < 0 else 1.0
    b = beta * u
    _, C = x_of(b)
    res = float(np.max(np.abs(_classical_residual(alpha, b, 0.0, C))))
    res = max(res, abs(h(u)))
    return _make_state(cost, "spin-glass", alpha, T, _saddle(alpha, b, 0.0, C), b, res, 0,
                       "nested scalar roots", tol)


def _x_no_condensed(alpha: float, q: float, C: float) -> float:
    """x = Σ_μ m_μ² of a state with m = 0."""
    return alpha * (1.0 - C * (1.0 - q)) / (1.0 - C) ** 2


def rs_branch(
    cost: AbstractOverlapCost,
    alpha: float,
    temperatures: Sequence[float] | np.ndarray,
    phase: str = "retrieval",
    *,
    tol: float = 1e-10,
) -> tuple[RSState, ...]:
    """Continuation of one RS phase along increasing temperatures at fixed α.

    Each solve starts from the previous converged state; once the branch is lost (retrieval
    beyond T_M) the remaining points are returned with ``converged=False``.

    Parameters
    ----------
    cost : AbstractOverlapCost
    alpha : float
        α >= 0.
    temperatures : sequence of float
        Increasing, T >= 0.
    phase : {'retrieval', 'spin-glass', 'paramagnet'}
    tol : float

    Returns
    -------
    tuple of RSState
    """
    ts = np.asarray(temperatures, dtype=float)
    if ts.ndim != 1 or ts.size < 1 or np.any(np.diff(ts) <= 0) or np.any(ts < 0):
        raise ValueError(f"temperatures: got {ts!r}, expected an increasing 1-D array of T >= 0")
    out: list[RSState] = []
    prev: RSState | None = None
    lost = False
    for t in ts:
        if lost:
            st = solve_rs(cost, alpha, float(t), phase, guess=prev, tol=tol)
            st = st if (st.converged and phase != "retrieval") else _lost(st)
        else:
            guess = prev if (prev is not None and prev.T > 0) else None
            st = solve_rs(cost, alpha, float(t), phase, guess=guess, tol=tol)
            if st.converged:
                prev = st
            elif phase == "retrieval":
                lost = True
        out.append(st)
    return tuple(out)


def _lost(st: RSState) -> RSState:
    return RSState(**{**st.__dict__, "converged": False, "message": "branch lost below this T"})


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


# ------------------------------------------------------------------------------------------
# the retrieval curve at fixed α, parametrised by m (it folds in T)
# ------------------------------------------------------------------------------------------
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


# ------------------------------------------------------------------------------------------
# transition lines
# ------------------------------------------------------------------------------------------
def spin_glass_temperature(cost: AbstractOverlapCost, alpha: float) -> float:
    """T_g(α): the paramagnet turns into the RS spin glass (continuous, q appears).

    Classically T_g = 1 + √α; there x = α/(1 − b) = √α(1 + √α), so for a radial cost
    T_g = (1 + √α) G'(√α(1 + √α)/2) (relativistic, c = 1: (1 + √α)/√(1 + √α + α)).

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
    alpha = check_scalar(alpha, "alpha", low=0.0)
    sa = math.sqrt(alpha)
    return (1.0 + sa) * _Gp(cost, sa * (1.0 + sa))


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
