"""Replica-symmetric states of a radial cost at fixed load α and temperature T.

:func:`solve_rs` finds the retrieval, spin-glass or paramagnetic saddle as a classical saddle of
:mod:`hopfieldlab.theory.rs_saddle` at the effective inverse temperature b = β G'(x/2): closed
forms at T = 0, a scalar root for the paramagnet, and MINPACK's hybrid method on (m, C, b/β)
otherwise (nested scalar roots as the fallback for the spin glass). :func:`rs_branch` continues
one phase along increasing T, and :func:`spin_glass_temperature` gives the closed-form line
T_g(α) where the paramagnet turns into the spin glass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .._validation import check_choice, check_scalar
from ..models._base import AbstractOverlapCost
from ._fixed_point import report_failure
from .rs_saddle import (
    _G,
    _alpha_c_y,
    _averages,
    _check_cost,
    _classical_residual,
    _Gp,
    _noise,
    _Saddle,
    _saddle,
    _t0_point,
    _t0_retrieval_y,
)

__all__ = ["PHASES", "RSState", "rs_branch", "solve_rs", "spin_glass_temperature"]

PHASES = ("retrieval", "spin-glass", "paramagnet")


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
# the spin-glass line (closed form; the finite-T solver also uses it to tell T_g apart)
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
