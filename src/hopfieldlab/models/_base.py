"""Overlap costs: energies H(σ) = -N F(m) with m = ξσ/N and F(m) = G(Σ_μ φ(m_μ))."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .._validation import check_patterns, check_spins
from . import _kernels as K


class AbstractOverlapCost(ABC):
    """A cost F of the overlap vector, written as F(m) = G(Σ_μ φ(m_μ)).

    Subclasses give the inner function φ and the outer function G with their first two
    derivatives; F, its gradient, its Hessian and the exact single-flip energy change follow.
    The pair (φ, G) is also what the compiled Monte Carlo kernels receive, through
    :meth:`kernel_spec`, so a new cost built from existing pieces needs no new kernel.
    """

    name: str = "abstract"

    # -- the two building blocks -------------------------------------------------------
    @abstractmethod
    def kernel_spec(self) -> tuple[int, float, int, float]:
        """(inner code, inner parameter, outer code, outer parameter) for the numba kernels."""

    @abstractmethod
    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        """φ (order 0), φ' (1) or φ'' (2), elementwise."""

    @abstractmethod
    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        """G (order 0), G' (1) or G'' (2)."""

    # -- derived quantities ------------------------------------------------------------
    def F(self, m: np.ndarray) -> np.ndarray:
        """The cost F(m); ``m`` has shape (..., P), the result shape (...)."""
        m = np.asarray(m, dtype=float)
        return self._outer(self._inner(m, 0).sum(axis=-1), 0)

    def grad(self, m: np.ndarray) -> np.ndarray:
        """∇F(m), same shape as ``m``."""
        m = np.asarray(m, dtype=float)
        s = self._inner(m, 0).sum(axis=-1)
        return self._outer(s, 1)[..., None] * self._inner(m, 1)

    def hess(self, m: np.ndarray) -> np.ndarray:
        """∇²F(m) for a single overlap vector of shape (P,); returns (P, P)."""
        m = np.asarray(m, dtype=float)
        if m.ndim != 1:
            raise ValueError(f"m: got shape {m.shape}, expected a single overlap vector (P,)")
        s = self._inner(m, 0).sum()
        d1 = self._inner(m, 1)
        return self._outer(s, 2) * np.outer(d1, d1) + self._outer(s, 1) * np.diag(self._inner(m, 2))

    def energy_from_overlaps(self, m: np.ndarray, n_neurons: int) -> np.ndarray:
        """H = -N F(m)."""
        return -n_neurons * self.F(m)

    def delta_F(self, m: np.ndarray, dm: np.ndarray) -> float:
        """F(m + dm) - F(m), evaluated in a cancellation-free way (the kernels' formula)."""
        ic, ip, oc, op = self.kernel_spec()
        s = float(self._inner(np.asarray(m, float), 0).sum())
        ds = sum(K.inner_delta(ic, ip, float(a), float(b)) for a, b in zip(m, dm))
        return K.outer_delta(oc, op, s, ds)

    def radial_series(self, order: int) -> list[Fraction]:
        """Taylor coefficients c_k of F as a function of s = |m|², F = Σ_k c_k s^k, k ≤ order.

        Only costs that depend on m through |m|² have one; others raise ``NotImplementedError``.
        """
        raise NotImplementedError(f"the {self.name} cost is not a function of |m|^2 alone")


@dataclass(frozen=True)
class Network:
    """Patterns together with a cost: the energy H(σ) = -N F(ξσ/N) of a concrete network.

    Parameters
    ----------
    patterns : array, shape (P, N)
    cost : AbstractOverlapCost
    """

    patterns: np.ndarray
    cost: AbstractOverlapCost

    def __post_init__(self) -> None:
        xi = check_patterns(self.patterns)
        if not isinstance(self.cost, AbstractOverlapCost):
            raise TypeError(f"cost: got {type(self.cost).__name__}, expected an overlap cost")
        _check_energy_range(xi, self.cost)
        object.__setattr__(self, "patterns", xi)

    @property
    def n_patterns(self) -> int:
        return int(self.patterns.shape[0])

    @property
    def n_neurons(self) -> int:
        return int(self.patterns.shape[1])

    def overlaps(self, spins: np.ndarray) -> np.ndarray:
        """m = ξσ/N for spins of shape (N,) or (R, N)."""
        s = check_spins(spins, self.n_neurons)
        m = s.astype(float) @ self.patterns.T.astype(float) / self.n_neurons
        return m[0] if np.ndim(spins) == 1 else m

    def energy(self, spins: np.ndarray) -> np.ndarray:
        """H(σ) = -N F(m(σ)); scalar for one configuration, shape (R,) for several."""
        return self.cost.energy_from_overlaps(self.overlaps(spins), self.n_neurons)

    def delta_energy(self, spins: np.ndarray, site: int) -> float:
        """Exact H(σ with σ_site flipped) - H(σ), in O(P) given the overlaps."""
        s = check_spins(spins, self.n_neurons)
        if s.shape[0] != 1:
            raise ValueError(f"spins: got {s.shape[0]} configurations, expected one")
        if not 0 <= int(site) < self.n_neurons:
            raise ValueError(f"site: got {site}, expected an index in [0, {self.n_neurons})")
        m = self.overlaps(s[0])
        dm = -2.0 * s[0, site] * self.patterns[:, site].astype(float) / self.n_neurons
        return -self.n_neurons * self.cost.delta_F(m, dm)


def _check_energy_range(xi: np.ndarray, cost: AbstractOverlapCost) -> None:
    """Refuse patterns for which some spin state's energy or field would overflow float64.

    |m_μ| <= a_μ = Σ_i |ξ_i^μ| / N for every σ ∈ {±1}^N, and each cost of the library is
    largest in size at m = ±a, so finite H and ∇F there bound every state.
    """
    n = xi.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.abs(xi.astype(float)).sum(axis=1) / n
        finite = bool(np.all(np.isfinite(a)))
        for m in (a, -a):
            if not finite:
                break
            e = cost.energy_from_overlaps(m, n)
            g = cost.grad(m)
            finite = bool(np.all(np.isfinite(e)) and np.all(np.isfinite(g)))
    if not finite:
        big = float(np.max(np.abs(xi)))
        raise ValueError(
            f"patterns: got entries up to {big:g} in size, expected entries small enough that the "
            f"{cost.name!r} energy -N F(m) and its gradient stay finite in float64 for every spin "
            "state (rescale the patterns)"
        )
