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


@dataclass(frozen=True)
class Relativistic(AbstractOverlapCost):
    """Barra–Beccaria–Fachechi cost F(m) = c² √(1 + |m|²/c²).

    With the default ``c = 1`` this is -H/N = √(1 + Σ_μ m_μ²); as c → ∞, F - c² → |m|²/2 (classical).

    Parameters
    ----------
    c : float
        The "speed of light", c > 0.
    """

    c: float = 1.0
    name = "relativistic"

    def __post_init__(self) -> None:
        check_scalar(self.c, "c", low=0.0, low_inclusive=False)

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (K.INNER_POWER, 2.0, K.OUTER_SQRT, float(self.c))

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        return _power_inner(m, 2, order)

    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        # G(S) = c² sqrt(1 + 2S/c²), S = |m|²/2
        c2 = float(self.c) ** 2
        root = np.sqrt(1.0 + 2.0 * np.asarray(s, dtype=float) / c2)
        if order == 0:
            return c2 * root
        if order == 1:
            return 1.0 / root
        return -1.0 / (c2 * root**3)

    def lorentz_factor(self, m: np.ndarray) -> np.ndarray:
        """γ = √(1 + |m|²/c²): the relativistic field is the Hebbian one divided by γ."""
        m = np.asarray(m, dtype=float)
        return np.sqrt(1.0 + (m * m).sum(axis=-1) / float(self.c) ** 2)

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
