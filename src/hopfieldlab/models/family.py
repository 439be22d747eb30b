"""Dense associative memories on binary neurons: Krotov–Hopfield and Demircigil et al.

Each model is an overlap cost (:class:`~hopfieldlab.models.AbstractOverlapCost`), so the energy,
the exact single-flip change and the compiled Monte Carlo of
:func:`hopfieldlab.dynamics.run_montecarlo` apply unchanged. With raw overlaps x_μ = ξ^μ·σ = N m_μ:

=========================  =====================================  ==============================
model                      energy H(σ)                            kernel blocks (φ, G)
=========================  =====================================  ==============================
``Polynomial(n)``          -Σ_μ (ξ^μ·σ)^n                          m^n/n, G = n N^(n-1) S
``RectifiedPolynomial(n)`` -Σ_μ max(ξ^μ·σ, 0)^n                    max(m,0)^n/n, G = n N^(n-1) S
``Exponential(λ)``         -Σ_μ exp(λ ξ^μ·σ)                       e^(λNm)/(λN), G = λ S
=========================  =====================================  ==============================

References: Krotov & Hopfield, NeurIPS 2016 (arXiv:1606.01164); Demircigil, Heusel, Löwe,
Upgang & Vermet, J. Stat. Phys. 168, 288 (2017).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from .._validation import check_int, check_scalar, check_spins
from . import _kernels as K
from . import _kernels_family as KF
from ._base import AbstractOverlapCost, Network
from .costs import _identity_outer, _power_inner

__all__ = [
    "Exponential",
    "PatternStability",
    "Polynomial",
    "RectifiedPolynomial",
    "exponential_alpha_max",
    "flip_energy_changes",
    "make_family_cost",
    "pattern_stability",
    "polynomial_bit_error",
]

# λN above this would overflow exp() in the energy of a state close to a pattern
_MAX_EXPONENT = 600.0
# λN below this would overflow 1/(λN) in the kernel's φ(m) = e^(λNm)/(λN)
_MIN_EXPONENT = 1e-300
# degree-n costs: N^n must stay well inside the float64 range (10^±308)
_MAX_LOG10_POWER = 300.0


def _linear_outer(a: float, s: np.ndarray, order: int) -> np.ndarray:
    return a * _identity_outer(s, order)


def _rect_inner(m: np.ndarray, n: int, order: int) -> np.ndarray:
    mp = np.maximum(np.asarray(m, dtype=float), 0.0)
    if order == 0:
        return mp**n / n
    if order == 1:
        return mp ** (n - 1)
    return (n - 1) * mp ** (n - 2) * (mp > 0)


@dataclass(frozen=True)
class _DegreeCost(AbstractOverlapCost):
    """Shared part of the degree-n costs: H = -N a Σ_μ φ(m_μ), with a = n N^(n-1)."""

    n: int
    n_neurons: int

    def __post_init__(self) -> None:
        n = check_int(self.n, "n", low=2)
        big_n = check_int(self.n_neurons, "n_neurons", low=1)
        # |ξ·σ|^n <= N^n and m^n >= N^-n (for m != 0) must both be normal floats
        if n * math.log10(big_n) > _MAX_LOG10_POWER:
            raise ValueError(
                f"n: got n={n} with n_neurons={big_n}, expected n * log10(n_neurons) <= "
                f"{_MAX_LOG10_POWER:g} (the energy N^n = 10^{n * math.log10(big_n):.0f} would "
                "leave the float64 range)"
            )
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "n_neurons", big_n)

    @property
    def scale(self) -> float:
        """a = n N^(n-1), so that -N a Σ_μ m_μⁿ/n = -Σ_μ (N m_μ)ⁿ."""
        return float(self.n) * float(self.n_neurons) ** (self.n - 1)

    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        return _linear_outer(self.scale, s, order)


@dataclass(frozen=True)
class Polynomial(_DegreeCost):
    """Krotov–Hopfield polynomial interaction F(x) = xⁿ: H = -Σ_μ (ξ^μ·σ)ⁿ.

    n = 2 is Hopfield's model (H = -N² Σ m²); the storage capacity grows as N^(n-1).

    Parameters
    ----------
    n : int
        Degree, n >= 2, with n log10(N) <= 300 so that N^n and N^-n are normal floats.
    n_neurons : int
        N, which fixes the scale N^(n-1) between the overlap form and the raw-overlap energy.
    """

    name = "polynomial"

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (K.INNER_POWER, float(self.n), K.OUTER_LINEAR, self.scale)

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        return _power_inner(np.asarray(m, dtype=float), int(self.n), order)


@dataclass(frozen=True)
class RectifiedPolynomial(_DegreeCost):
    """Krotov–Hopfield rectified polynomial F(x) = max(x, 0)ⁿ: H = -Σ_μ max(ξ^μ·σ, 0)ⁿ.

    Only patterns with a positive overlap interact, so -ξ^μ is not an attractor. The Monte Carlo
    kernel runs it through the inner code ``INNER_RECTPOWER`` of :mod:`._kernels_family`.

    Parameters
    ----------
    n : int
        Degree, n >= 2, with n log10(N) <= 300 (as for :class:`Polynomial`).
    n_neurons : int
        N (sets the scale n N^(n-1)).
    """

    name = "rectified_polynomial"

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (KF.INNER_RECTPOWER, float(self.n), K.OUTER_LINEAR, self.scale)

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        return _rect_inner(m, int(self.n), order)

    def delta_F(self, m: np.ndarray, dm: np.ndarray) -> float:
        """F(m + dm) - F(m) with the compiled rectified block (no kernel dispatch needed)."""
        p = float(self.n)
        ds = sum(KF.rectpow_delta(p, float(a), float(b)) for a, b in zip(m, dm))
        return self.scale * ds


@dataclass(frozen=True)
class Exponential(AbstractOverlapCost):
    """Demircigil et al. exponential interaction F(x) = e^(λx): H = -Σ_μ exp(λ ξ^μ·σ).

    With λ = 1 this is the model whose capacity is exponential in N: P = e^(αN) patterns are
    retrieved from a cue with a fraction ρ of wrong bits for α < I(1 - 2ρ)/2 (see
    :func:`exponential_alpha_max`). In the kernel's terms φ(m) = e^(bm)/b with b = λN (the
    existing ``INNER_EXP`` block) and G(S) = λS.

    Parameters
    ----------
    n_neurons : int
        N.
    lam : float
        λ > 0, with 1e-300 <= λN <= 600 so that exp(λ ξ·σ) and 1/(λN) stay finite.
    """

    n_neurons: int
    lam: float = 1.0
    name = "exponential"

    def __post_init__(self) -> None:
        n = check_int(self.n_neurons, "n_neurons", low=1)
        lam = check_scalar(self.lam, "lam", low=0.0, low_inclusive=False)
        if lam * n > _MAX_EXPONENT:
            raise ValueError(
                f"lam: got {lam} with n_neurons={n}, expected lam * n_neurons <= {_MAX_EXPONENT:g} "
                "(exp(lam * N) would overflow); lower lam"
            )
        if lam * n < _MIN_EXPONENT:
            raise ValueError(
                f"lam: got {lam} with n_neurons={n}, expected lam * n_neurons >= "
                f"{_MIN_EXPONENT:g} (1/(lam * N) would overflow); raise lam"
            )
        object.__setattr__(self, "n_neurons", n)
        object.__setattr__(self, "lam", lam)

    def kernel_spec(self) -> tuple[int, float, int, float]:
        return (K.INNER_EXP, self.lam * self.n_neurons, K.OUTER_LINEAR, self.lam)

    def _inner(self, m: np.ndarray, order: int) -> np.ndarray:
        b = self.lam * self.n_neurons
        e = np.exp(b * np.asarray(m, dtype=float))
        return e / b if order == 0 else (e if order == 1 else b * e)

    def _outer(self, s: np.ndarray, order: int) -> np.ndarray:
        return _linear_outer(self.lam, s, order)


FAMILY = {
    "polynomial": Polynomial,
    "rectified_polynomial": RectifiedPolynomial,
    "exponential": Exponential,
}


def make_family_cost(name: str, **params: float) -> AbstractOverlapCost:
    """Build a dense-memory cost by name: 'polynomial' (n, n_neurons), 'rectified_polynomial'
    (n, n_neurons) or 'exponential' (n_neurons, lam)."""
    if name not in FAMILY:
        raise ValueError(f"name: got {name!r}, expected one of {', '.join(map(repr, FAMILY))}")
    return FAMILY[name](**params)


# -- all single flips at once ------------------------------------------------------------------
def _inner_delta_array(cost: AbstractOverlapCost, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """φ(m + d) - φ(m) elementwise, in the kernels' cancellation-free forms."""
    if isinstance(cost, RectifiedPolynomial):
        n = int(cost.n)
        e = m + d
        pos = (m > 0) & (e > 0)
        out = np.where(e > 0, np.maximum(e, 0) ** n / n, 0.0) - np.where(
            m > 0, np.maximum(m, 0) ** n / n, 0.0
        )
        both = _binomial_delta(np.where(pos, m, 0.0), np.where(pos, d, 0.0), n)
        return np.where(pos, both, out)
    ic, ip, _, _ = cost.kernel_spec()
    if ic == K.INNER_POWER:
        return _binomial_delta(m, d, int(ip))
    if ic == K.INNER_EXP:
        return np.exp(ip * m) * np.expm1(ip * d) / ip
    raise NotImplementedError(f"cost {cost.name!r}: inner code {ic} has no array form")


def _binomial_delta(m: np.ndarray, d: np.ndarray, p: int) -> np.ndarray:
    """((m + d)^p - m^p) / p elementwise, as the kernels' ``pow_delta`` computes it.

    a^p - b^p = (a - b) Σ_k a^k b^(p-1-k) has terms of one sign when a and b share a sign; the
    binomial expansion in d alternates when d < 0 and loses about 2^p ulps (wrong signs of ΔH
    at large p).
    """
    m, d = np.broadcast_arrays(np.asarray(m, dtype=float), np.asarray(d, dtype=float))
    a = m + d
    same = (a >= 0.0) == (m >= 0.0)
    aa, am = np.abs(a), np.abs(m)
    total = np.zeros(m.shape)
    ak = np.ones(m.shape)
    for k in range(p):
        total += ak * am ** (p - 1 - k)
        ak *= aa
    # same signs: d Σ a^k m^(p-1-k) (the sign of the sum is sign(m)^(p-1))
    sign = np.where(m < 0.0, -1.0, 1.0) ** (p - 1)
    same_val = d * sign * total
    # opposite signs: odd p adds two terms of one sign; even p uses |a| - |m| = ±(2m + d)
    gap = np.where(m < 0.0, 2.0 * m + d, -(2.0 * m + d))
    opp_val = a**p - m**p if p % 2 == 1 else gap * total
    return np.where(same, same_val, opp_val) / p


def _outer_delta_array(cost: AbstractOverlapCost, s: float, ds: np.ndarray) -> np.ndarray:
    if isinstance(cost, (Polynomial, RectifiedPolynomial, Exponential)):
        return cost._outer(ds, 1) * ds  # linear G: G' is the constant slope
    _, _, oc, op = cost.kernel_spec()
    if oc == K.OUTER_LINEAR:
        return op * ds
    c2 = op * op
    return 2.0 * ds / (np.sqrt(1.0 + 2.0 * (s + ds) / c2) + math.sqrt(1.0 + 2.0 * s / c2))


def flip_energy_changes(network: Network, spins: np.ndarray) -> np.ndarray:
    """ΔH of flipping each single site of each configuration, without flipping anything.

    Uses the same cancellation-free formula as the Monte Carlo kernel, vectorised over sites:
    dm_k = -2σ_k ξ_k/N, ΔH_k = -N [G(s + ds_k) - G(s)], ds_k = Σ_μ [φ(m_μ + dm_kμ) - φ(m_μ)].
    Cost O(R N P) time and O(N P) memory.

    Parameters
    ----------
    network : Network
    spins : array, shape (N,) or (R, N)
        ±1 configurations.

    Returns
    -------
    ndarray, shape (N,) or (R, N)
        A configuration is a fixed point of zero-temperature dynamics iff all entries are >= 0.
    """
    if not isinstance(network, Network):
        raise TypeError(f"network: got {type(network).__name__}, expected a Network")
    n = network.n_neurons
    s = check_spins(spins, n)
    xi = network.patterns.astype(float)  # (P, N)
    cost = network.cost
    out = np.empty(s.shape)
    for r, sig in enumerate(s.astype(float)):
        m = xi @ sig / n
        dm = (-2.0 / n) * sig[:, None] * xi.T  # (N, P)
        ds = _inner_delta_array(cost, m[None, :], dm).sum(axis=1)
        s0 = float(cost._inner(m, 0).sum())
        out[r] = -n * _outer_delta_array(cost, s0, ds)
    return out[0] if np.ndim(spins) == 1 else out


@dataclass(frozen=True)
class PatternStability:
    """One-flip stability of stored patterns under zero-temperature dynamics.

    Attributes
    ----------
    bit_error : float
        Fraction of (pattern, site) pairs whose flip lowers the energy.
    stable_fraction : float
        Fraction of tested patterns that are fixed points (no flip lowers the energy).
    n_tested : int
        Patterns tested.
    """

    bit_error: float
    stable_fraction: float
    n_tested: int


def pattern_stability(network: Network, indices: np.ndarray | None = None) -> PatternStability:
    """Test whether stored patterns are fixed points of zero-temperature single-flip dynamics.

    Parameters
    ----------
    network : Network
        Binary (±1) patterns and a cost.
    indices : array of int, optional
        Patterns to test (default: all).
    """
    xi = network.patterns
    idx = np.arange(network.n_patterns) if indices is None else np.asarray(indices, dtype=np.int64)
    if idx.ndim != 1 or idx.size == 0 or np.any((idx < 0) | (idx >= network.n_patterns)):
        raise ValueError(
            f"indices: got {indices!r}, expected pattern indices in [0, {network.n_patterns})"
        )
    dh = flip_energy_changes(network, np.atleast_2d(xi[idx]))
    bad = dh < 0.0
    return PatternStability(
        bit_error=float(bad.mean()),
        stable_fraction=float((~bad.any(axis=1)).mean()),
        n_tested=int(idx.size),
    )


def double_factorial(k: int) -> int:
    return math.prod(range(k, 0, -2)) if k > 0 else 1


def polynomial_bit_error(n: int, n_neurons: int, n_patterns: int) -> float:
    """Signal-to-noise estimate of the one-flip error rate of a stored pattern, F(x) = xⁿ.

    Flipping σ_i = ξ_i^1 raises the energy by the signal Nⁿ - (N-2)ⁿ ≈ 2nN^(n-1); each of the
    other P - 1 patterns adds a zero-mean term 2n ε y^(n-1) with y ≈ N(0, N-1), of variance
    4n² (2n-3)!! (N-1)^(n-1). The flip lowers the energy with probability

        Φ( -[Nⁿ - (N-2)ⁿ] / (2n √((P-1)(2n-3)!! (N-1)^(n-1))) ) ≈ Φ(-√(N^(n-1) / ((2n-3)!! P))),

    so the error rate is a function of P / N^(n-1) alone: the capacity scales as N^(n-1)
    (Krotov & Hopfield 2016). For n = 2 this is Hopfield's Φ(-1/√α).

    Parameters
    ----------
    n : int
        Degree, n >= 2.
    n_neurons, n_patterns : int
        N >= 3 and P >= 1.
    """
    n = check_int(n, "n", low=2)
    big_n = check_int(n_neurons, "n_neurons", low=3)
    p = check_int(n_patterns, "n_patterns", low=1)
    if p == 1:
        return 0.0
    signal = float(big_n) ** n - float(big_n - 2) ** n
    noise = 2 * n * math.sqrt((p - 1) * double_factorial(2 * n - 3) * float(big_n - 1) ** (n - 1))
    return float(ndtr(-signal / noise))


def exponential_alpha_max(rho: float = 0.0) -> float:
    """Demircigil et al.'s load bound for F(x) = eˣ: α < I(1 - 2ρ)/2, P = e^(αN).

    I(x) = ½[(1+x) ln(1+x) + (1-x) ln(1-x)]; a cue with a fraction ρ < 1/2 of wrong bits is
    corrected in one step for α below it, and at ρ = 0 the bound is ln 2 / 2 ≈ 0.347.

    Parameters
    ----------
    rho : float
        Fraction of corrupted bits, 0 <= ρ < 1/2.
    """
    rho = check_scalar(rho, "rho", low=0.0, high=0.5, high_inclusive=False)
    x = 1.0 - 2.0 * rho
    i = 0.5 * ((1 + x) * math.log1p(x) + ((1 - x) * math.log1p(-x) if x < 1 else 0.0))
    return 0.5 * i
