"""numba building blocks for costs of the form F(m) = outer(Σ_μ inner(m_μ)).

Every overlap cost of the library is described to the compiled kernels by four numbers
(inner code, inner parameter, outer code, outer parameter), so one Monte Carlo kernel serves all
of them. The differences are evaluated in forms free of cancellation: the single-flip change of
the energy is tiny (O(1/N)) next to the energy itself (O(N)).
"""

from __future__ import annotations

import math

import numba as nb

from ._kernels_family import INNER_RECTPOWER, pow_delta, rectpow_delta, rectpow_value

# inner codes: phi(m)
INNER_POWER = 0  # m**p / p, parameter p (a positive integer)
INNER_EXP = 1  # exp(b * m) / b, parameter b > 0
# INNER_RECTPOWER = 2 (max(m, 0)**n / n, parameter n) lives in _kernels_family
# outer codes: G(S)
OUTER_LINEAR = 0  # a * S, parameter a
OUTER_SQRT = 1  # c**2 * sqrt(1 + 2 S / c**2), parameter c (S = |m|**2 / 2 gives c**2 sqrt(1+|m|**2/c**2))


@nb.njit(cache=True, inline="always")
def inner_value(code: int, param: float, m: float) -> float:
    if code == INNER_POWER:
        p = int(param)
        return m**p / p
    if code == INNER_RECTPOWER:
        return rectpow_value(param, m)
    return math.exp(param * m) / param


@nb.njit(cache=True, inline="always")
def inner_delta(code: int, param: float, m: float, d: float) -> float:
    """phi(m + d) - phi(m) without cancellation."""
    if code == INNER_POWER:
        p = int(param)
        if p == 2:
            return d * (m + 0.5 * d)
        return pow_delta(p, m, d)
    if code == INNER_RECTPOWER:
        return rectpow_delta(param, m, d)
    return math.exp(param * m) * math.expm1(param * d) / param


@nb.njit(cache=True, inline="always")
def outer_value(code: int, param: float, s: float) -> float:
    if code == OUTER_LINEAR:
        return param * s
    c2 = param * param
    return c2 * math.sqrt(1.0 + 2.0 * s / c2)


@nb.njit(cache=True, inline="always")
def outer_delta(code: int, param: float, s: float, ds: float) -> float:
    """G(s + ds) - G(s) without cancellation."""
    if code == OUTER_LINEAR:
        return param * ds
    c2 = param * param
    a = math.sqrt(1.0 + 2.0 * (s + ds) / c2)
    b = math.sqrt(1.0 + 2.0 * s / c2)
    return 2.0 * ds / (a + b)


@nb.njit(cache=True, inline="always")
def outer_aux(code: int, param: float, s: float) -> float:
    """A per-state quantity that :func:`outer_delta_aux` reuses across attempts (√(1+2s/c²))."""
    if code == OUTER_LINEAR:
        return 0.0
    return math.sqrt(1.0 + 2.0 * s / (param * param))


@nb.njit(cache=True, inline="always")
def outer_delta_aux(code: int, param: float, s: float, ds: float, aux: float) -> float:
    """:func:`outer_delta` given ``aux = outer_aux(code, param, s)``: one square root per call."""
    if code == OUTER_LINEAR:
        return param * ds
    two_over_c2 = 2.0 / (param * param)
    return 2.0 * ds / (math.sqrt(1.0 + two_over_c2 * (s + ds)) + aux)
