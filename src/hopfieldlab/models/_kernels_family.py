"""numba building block for the rectified power φ(m) = max(m, 0)^n / n (Krotov–Hopfield RePn).

It completes the inner codes of :mod:`hopfieldlab.models._kernels` (``INNER_POWER = 0``,
``INNER_EXP = 1``) with ``INNER_RECTPOWER = 2``. The shared Monte Carlo kernel dispatches on the
inner code, so it runs rectified costs once ``_kernels.inner_value`` / ``_kernels.inner_delta``
forward code 2 to the two functions below; until then
:class:`hopfieldlab.models.family.RectifiedPolynomial` refuses to hand its code to the kernel.
This module imports nothing from ``_kernels`` so that ``_kernels`` may import it.
"""

from __future__ import annotations

import numba as nb

INNER_RECTPOWER = 2  # max(m, 0)**n / n, parameter n (an integer >= 2)


@nb.njit(cache=True, inline="always")
def rectpow_value(param: float, m: float) -> float:
    """φ(m) = max(m, 0)^n / n with n = int(param)."""
    if m <= 0.0:
        return 0.0
    n = int(param)
    return m**n / n


@nb.njit(cache=True, inline="always")
def rectpow_delta(param: float, m: float, d: float) -> float:
    """φ(m + d) - φ(m) without cancellation.

    Where both ends are positive :func:`pow_delta` is used; where one end is clipped to 0 the
    difference is one term and exact.
    """
    n = int(param)
    e = m + d
    if m <= 0.0:
        return e**n / n if e > 0.0 else 0.0
    if e <= 0.0:
        return -(m**n) / n
    return pow_delta(n, m, d)


@nb.njit(cache=True, inline="always")
def pow_delta(n: int, m: float, d: float) -> float:
    """((m + d)^n - m^n) / n without cancellation, for an integer n >= 1.

    a^n - b^n = (a - b) Σ_k a^k b^(n-1-k), whose terms share one sign when a and b do; for ends
    of opposite signs, odd n adds two terms of one sign and even n uses |a| - |b| = ±(2b + d).
    (The binomial expansion in d alternates in sign when d < 0 and loses about 2^n ulps.)
    """
    a = m + d
    if (a >= 0.0) == (m >= 0.0):
        total = 0.0
        ak = 1.0
        for k in range(n):
            total += ak * m ** (n - 1 - k)
            ak *= a
        return d * total / n
    if n % 2 == 1:
        return (a**n - m**n) / n
    aa = abs(a)
    am = abs(m)
    total = 0.0
    ak = 1.0
    for k in range(n):
        total += ak * am ** (n - 1 - k)
        ak *= aa
    gap = 2.0 * m + d if m < 0.0 else -(2.0 * m + d)  # |a| - |m|
    return gap * total / n
