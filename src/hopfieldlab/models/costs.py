"""The overlap costs of the library: classical, relativistic and dense p-body."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .._validation import check_int, check_scalar
from . import _kernels as K
from ._base import AbstractOverlapCost
from .series import binomial_coefficients


def _identity_outer(s: np.ndarray, order: int) -> np.ndarray:
    s = np.asarray(s, dtype=float)
    return s if order == 0 else (np.ones_like(s) if order == 1 else np.zeros_like(s))


def _power_inner(m: np.ndarray, p: int, order: int) -> np.ndarray:
    if order == 0:
        return m**p / p
    if order == 1:
        return m ** (p - 1)
    return (p - 1) * m ** (p - 2) if p >= 2 else np.zeros_like(m)


@dataclass(frozen=True)
class Classical(AbstractOverlapCost):
    """Hopfield's cost F(m) = |m|²/2, i.e. H = -(1/2N) Σ_ij Σ_μ ξ_i^μ ξ_j^μ σ_i σ_j (diagonal included)."""

    name = "classical"

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (K.INNER_POWER, 2.0, K.OUTER_LINEAR, 1.0)

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        return _power_inner(m, 2, order)

    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        return _identity_outer(s, order)

    def radial_series(self, order: int) -> list[Fraction]:
        order = check_int(order, "order", low=0)
        return [Fraction(0), Fraction(1, 2)][: order + 1] + [Fraction(0)] * max(0, order - 1)


# supported speeds of light: c² within the normal float64 range with room for N and |m|²
C_MIN = 1e-150
C_MAX = 1e150


@dataclass(frozen=True)
class Relativistic(AbstractOverlapCost):
    """Barra–Beccaria–Fachechi cost F(m) = c² √(1 + |m|²/c²).

    With the default ``c = 1`` this is -H/N = √(1 + Σ_μ m_μ²); as c → ∞, F - c² → |m|²/2 (classical).

    Parameters
    ----------
    c : float
        The "speed of light", 1e-150 <= c <= 1e150: the energy contains N c², and the compiled
        kernels divide by c², so c² must be a normal float64 with room for N.
    """

    c: float = 1.0
    name = "relativistic"

    def __post_init__(self) -> None:
        c = check_scalar(self.c, "c", low=0.0, low_inclusive=False)
        if not C_MIN <= c <= C_MAX:
            raise ValueError(
                f"c: got {c}, expected a number in [{C_MIN:g}, {C_MAX:g}] (c² must be a normal "
                "float64: below, 1/c² overflows; above, the energy -N c² overflows)"
            )

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (K.INNER_POWER, 2.0, K.OUTER_SQRT, float(self.c))

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        return _power_inner(m, 2, order)

    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        # G(S) = c² sqrt(1 + 2S/c²) = c hypot(c, |m|), S = |m|²/2: no c² or |m|²/c² formed
        c = float(self.c)
        hyp = np.hypot(c, np.sqrt(2.0 * np.maximum(np.asarray(s, dtype=float), 0.0)))
        if order == 0:
            return c * hyp
        if order == 1:
            return c / hyp
        return -(c / hyp) / hyp / hyp

    def lorentz_factor(self, m: np.ndarray) -> np.ndarray:
        """γ = √(1 + |m|²/c²): the relativistic field is the Hebbian one divided by γ."""
        m = np.asarray(m, dtype=float)
        c = float(self.c)
        # hypot(c, |m|)/c with |m| = hypot over the last axis (no overflow of |m|²)
        return np.hypot(c, np.linalg.norm(m, axis=-1)) / c

    def radial_series(self, order: int) -> list[Fraction]:
        # c² (1 + s/c²)^(1/2) = Σ_k binom(1/2, k) c^(2 - 2k) s^k
        c2 = Fraction(self.c) ** 2
        return [b * c2 ** (1 - k) for k, b in enumerate(binomial_coefficients(Fraction(1, 2), order))]


@dataclass(frozen=True)
class PBody(AbstractOverlapCost):
    """Dense p-body cost F(m) = Σ_μ m_μ^p / p (p = 2 is the classical model).

    Parameters
    ----------
    p : int
        Interaction order, p ≥ 2.
    """

    p: int = 4
    name = "pbody"

    def __post_init__(self) -> None:
        check_int(self.p, "p", low=2)

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (K.INNER_POWER, float(self.p), K.OUTER_LINEAR, 1.0)

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        return _power_inner(m, int(self.p), order)

    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        return _identity_outer(s, order)

    def radial_series(self, order: int) -> list[Fraction]:
        if self.p == 2:
            return Classical().radial_series(order)
        return super().radial_series(order)


def make_cost(name: str, **params: float) -> AbstractOverlapCost:
    """Build a cost by name: 'classical', 'relativistic' (c=…), 'pbody' (p=…)."""
    registry = {"classical": Classical, "relativistic": Relativistic, "pbody": PBody}
    if name not in registry:
        raise ValueError(f"model: got {name!r}, expected one of {', '.join(map(repr, registry))}")
    return registry[name](**params)
