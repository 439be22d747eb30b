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

    Where both ends are positive the binomial expansion Σ_{j>=1} C(n, j) m^(n-j) d^j / n is used
    (no subtraction of nearly equal numbers); where one end is clipped to 0 the difference is one
    term and exact.
    """
    n = int(param)
    e = m + d
    if m <= 0.0:
        return e**n / n if e > 0.0 else 0.0
    if e <= 0.0:
        return -(m**n) / n
    total = 0.0
    coef = 1.0
    dj = 1.0
    for j in range(1, n + 1):
        coef = coef * (n - j + 1) / j
        dj *= d
        total += coef * m ** (n - j) * dj
    return total / n
