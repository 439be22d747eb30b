"""Low-storage states: fixed points of the self-consistency equation and their local stability.

A state solves m = E_ξ[ξ tanh(β ξ·∇F(m))] (tanh → sign at T = 0). :func:`solve_state` takes a
pure state, a symmetric n-mixture (reduced to a scalar equation and solved by Brent's method)
or an explicit starting vector (MINPACK hybrid method on its support, Newton polish). A fixed
point is locally stable iff every eigenvalue of β C ∇²F(m) is < 1, with
C = E_ξ[ξ ξᵀ (1 − tanh²(β ξ·∇F(m)))]; :func:`stability` computes them exactly with the averages
of :mod:`hopfieldlab.theory.pattern_averages`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from .._validation import check_choice, check_int, check_scalar
from ..models._base import AbstractOverlapCost
from ._fixed_point import (
    StabilityResult,
    StateResult,
    largest_root,
    report_failure,
    solve_system,
)
from .free_energies import _tangent_f
from .pattern_averages import (
    _binomial_law,
    _check_cost,
    _check_T,
    _check_vector,
    _full_C,
    _full_mean,
    _moments,
)

__all__ = ["solve_state", "stability"]


# ------------------------------------------------------------------------------------------
# stability
# ------------------------------------------------------------------------------------------
def _stability(cost: AbstractOverlapCost, m: np.ndarray, beta: float) -> StabilityResult:
    P = m.size
    mom = _moments(cost.grad(m), beta)
    C = _full_C(mom, P)
    H = np.asarray(cost.hess(m), dtype=float)
    w, V = np.linalg.eigh(C)
    root = (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T
    M = root @ H @ root
    ev = np.linalg.eigvalsh(0.5 * (M + M.T))
    if math.isinf(beta):
        # C is the tie matrix E[ξξᵀ 1{h = 0}]: β·(its eigenvalues) -> ±inf or 0
        tol = 1e-10 * max(1.0, float(np.max(np.abs(ev))) if ev.size else 1.0)
        ev = np.where(ev > tol, math.inf, np.where(ev < -tol, -math.inf, 0.0))
    else:
        ev = beta * ev
    ev = np.sort(ev)
    top = float(ev[-1])
    return StabilityResult(eigenvalues=ev, margin=1.0 - top, stable=bool(top < 1.0))


def stability(cost: AbstractOverlapCost, m: Any, T: float) -> StabilityResult:
    """Local stability of an overlap vector: eigenvalues of β C ∇²F(m).

    C_{μν} = E_ξ[ξ^μ ξ^ν (1 − tanh²(β ξ·∇F(m)))] is computed exactly: by enumeration (or a
    binomial law) over the condensed components, and in closed form, E[1 − tanh²]·I, on the
    non-condensed ones (cross terms vanish). The non-symmetric product is diagonalised
    through the similar symmetric matrix C^{1/2} β∇²F C^{1/2}.

    Parameters
    ----------
    cost : AbstractOverlapCost
    m : array_like, shape (P,)
    T : float
        T >= 0. At T = 0 the T → 0⁺ limit is returned: eigenvalues 0 (margin 1) when no
        field vanishes (pure states, odd mixtures), ±inf along the directions carried by
        tied sites (even mixtures, the paramagnet).

    Returns
    -------
    StabilityResult
    """
    cost = _check_cost(cost)
    _, beta = _check_T(T)
    return _stability(cost, _check_vector(m), beta)


# ------------------------------------------------------------------------------------------
# fixed points
# ------------------------------------------------------------------------------------------
_MIXTURE = re.compile(r"^mixture:(\d+)$")


def _parse_state(state: Any) -> tuple[str, int | None, np.ndarray | None]:
    if isinstance(state, str):
        if state == "pure":
            return "pure", 1, None
        mt = _MIXTURE.match(state.strip())
        if mt is None:
            raise ValueError(
                f"state: got {state!r}, expected 'pure', 'mixture:n' (n >= 1) or a vector"
            )
        n = int(mt.group(1))
        if n < 1:
            raise ValueError(f"state: got {state!r}, expected a mixture of n >= 1 patterns")
        return state.strip(), n, None
    try:
        vec = _check_vector(state, "state")
    except TypeError as exc:
        raise ValueError(f"state: got {state!r}, expected 'pure', 'mixture:n' or a vector") from exc
    return "explicit", None, vec


def _residual(cost: AbstractOverlapCost, m: np.ndarray, beta: float) -> float:
    mom = _moments(cost.grad(m), beta)
    return float(np.max(np.abs(_full_mean(mom, m.size) - m)))


def _symmetric_grid() -> np.ndarray:
    return np.concatenate([np.geomspace(1e-9, 1e-2, 36)[:-1], np.linspace(1e-2, 1.0, 200)])


def _solve_symmetric(
    cost: AbstractOverlapCost, beta: float, n: int, P: int, tol: float, max_iter: int
) -> tuple[np.ndarray, int, str]:
    """Largest root m ∈ (0, 1] of m = E[ξ¹ tanh(β ξ·∇F(m,…,m,0,…))]; zero vector if none."""
    S, p = _binomial_law(n)

    def amplitude(ms: np.ndarray) -> np.ndarray:
        vecs = np.zeros((ms.size, P))
        vecs[:, :n] = ms[:, None]
        g = np.asarray(cost.grad(vecs))
        gc = g[:, :n]
        spread = np.max(gc, axis=1) - np.min(gc, axis=1)
        if np.any(spread > 1e-12 * (np.max(np.abs(gc), axis=1) + 1e-300)):
            raise ValueError(
                f"state: the symmetric {n}-mixture ansatz does not close for the {cost.name} cost "
                "(unequal fields); pass an explicit starting vector instead"
            )
        return gc[:, 0]

    def rhs(ms: np.ndarray) -> np.ndarray:
        a = amplitude(ms)
        h = a[:, None] * S[None, :]
        if math.isinf(beta):
            t = np.sign(h)
        else:
            t = np.tanh(beta * h)
        return (t * (S / n)[None, :] * p[None, :]).sum(axis=1)

    if math.isinf(beta):
        m = 1.0
        for it in range(1, max_iter + 1):
            new = float(rhs(np.array([m]))[0])
            if new == m:
                break
            m = new
            if m == 0.0:
                break
        vec = np.zeros(P)
        vec[:n] = m
        return vec, it, "T = 0 fixed-point iteration"

    root, iters, msg = largest_root(lambda ms: rhs(ms) / ms - 1.0, _symmetric_grid(),
                                    xtol=min(tol, 1e-15), maxiter=max_iter)
    vec = np.zeros(P)
    if root is not None:
        vec[:n] = root
        return vec, iters, f"brentq: {msg}"
    return vec, 0, "no non-trivial root: paramagnetic state m = 0"


def _solve_explicit(
    cost: AbstractOverlapCost, beta: float, m0: np.ndarray, tol: float, max_iter: int
) -> tuple[np.ndarray, int, str]:
    P = m0.size
    sup = np.nonzero((m0 != 0.0) | (cost.grad(m0) != 0.0))[0]
    if sup.size == 0:
        return m0.copy(), 0, "start is a fixed point (m = 0)"

    def full(x: np.ndarray) -> np.ndarray:
        v = np.zeros(P)
        v[sup] = x
        return v

    if math.isinf(beta):
        x = m0[sup].copy()
        for it in range(1, max_iter + 1):
            new = _full_mean(_moments(cost.grad(full(x)), beta), P)[sup]
            if np.array_equal(new, x):
                return full(x), it, "T = 0 fixed-point iteration converged"
            x = new
        return full(x), max_iter, "T = 0 fixed-point iteration: iteration budget exhausted"

    def fun_jac(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v = full(x)
        mom = _moments(cost.grad(v), beta)
        C = _full_C(mom, P)[np.ix_(sup, sup)]
        H = np.asarray(cost.hess(v))[np.ix_(sup, sup)]
        return _full_mean(mom, P)[sup] - x, beta * C @ H - np.eye(sup.size)

    def fixed_map(x: np.ndarray) -> np.ndarray:
        return _full_mean(_moments(cost.grad(full(x)), beta), P)[sup]

    x, _, evals, msg = solve_system(fun_jac, m0[sup], tol=tol, max_iter=max_iter,
                                    fixed_point=fixed_map)
    x = np.where(np.abs(x) < 1e-14, 0.0, x)  # round-off dust on symmetric directions
    return full(x), evals, f"hybr + Newton polish: {msg}"


def _make_result(
    cost: AbstractOverlapCost, label: str, T: float, beta: float, m: np.ndarray,
    iterations: int, message: str, tol: float, on_fail: str,
) -> StateResult:
    res = _residual(cost, m, beta)
    converged = bool(res <= max(tol, 1e-14))
    if not converged:
        report_failure(
            f"solve_state({label!r}, T={T}): residual {res:.3e} above tol={tol:g} after "
            f"{iterations} iterations ({message}); raise max_iter, loosen tol or change the start",
            on_fail,
        )
    st = _stability(cost, m, beta)
    return StateResult(
        model=cost.name,
        state=label,
        T=T,
        m=m,
        free_energy=_tangent_f(cost, m, T, beta),
        energy=float(-cost.F(m)),
        eigenvalues=st.eigenvalues,
        stable=st.stable,
        margin=st.margin,
        converged=converged,
        residual=res,
        iterations=int(iterations),
        message=message,
    )


def solve_state(
    cost: AbstractOverlapCost,
    T: float,
    state: Any,
    n_patterns: int | None = None,
    *,
    tol: float = 1e-12,
    max_iter: int = 200,
    on_fail: str = "raise",
) -> StateResult:
    """Solve the low-storage self-consistency equation m = E_ξ[ξ tanh(β ξ·∇F(m))].

    Parameters
    ----------
    cost : AbstractOverlapCost
    T : float
        Temperature, T >= 0 (T = 0: tanh -> sign).
    state : str or array_like
        ``"pure"``, ``"mixture:n"`` (symmetric mixture of the first n patterns, n >= 1) or an
        explicit starting overlap vector. Symmetric states reduce to a scalar equation, solved
        with Brent's method on (0, 1] after a sign scan; the largest root is returned (the
        branch continued from T = 0), and m = 0 when only the trivial root exists (above the
        transition). Explicit vectors are solved with MINPACK's hybrid method on their support
        plus Newton polishing (fixed-point iteration as a fallback).
    n_patterns : int, optional
        Length P of the returned overlap vector; defaults to n + 1 for symmetric states (so one
        non-condensed direction enters the stability analysis) and to len(state) for vectors.
    tol : float
        Tolerance on the max-norm residual.
    max_iter : int
        Iteration budget.
    on_fail : {"raise", "warn", "ignore"}
        What to do when the residual misses ``tol``: raise :class:`NotConvergedError`, warn
        :class:`ConvergenceWarning`, or only set ``converged=False``.

    Returns
    -------
    StateResult
    """
    cost = _check_cost(cost)
    T, beta = _check_T(T)
    label, n, vec = _parse_state(state)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    max_iter = check_int(max_iter, "max_iter", low=1)
    on_fail = check_choice(on_fail, "on_fail", ("raise", "warn", "ignore"))
    need = n if vec is None else vec.size
    if n_patterns is None:
        P = need + 1 if vec is None else need
    else:
        P = check_int(n_patterns, "n_patterns", low=1)
        if P < need:
            raise ValueError(
                f"n_patterns: got {P}, expected at least {need} (the length of the state)"
            )
    if vec is None:
        m, iters, msg = _solve_symmetric(cost, beta, n, P, tol, max_iter)
    else:
        m0 = np.zeros(P)
        m0[: vec.size] = vec
        m, iters, msg = _solve_explicit(cost, beta, m0, tol, max_iter)
    return _make_result(cost, label, T, beta, m, iters, msg, tol, on_fail)
