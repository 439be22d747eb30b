"""Correlated pattern ensembles: random-features patterns, Ising-chain patterns, GTA sequences.

* Random-features patterns (Negri, Lauditi, Perugini, Lucibello & Malatesta, PRL 131, 257301
  (2023)): ξ^μ = sign(F c^μ / √D) with D latent features F (N, D) and Gaussian coefficients c^μ.
* Spatially correlated patterns (De Marzo & Iannelli, Physica A 2023): each pattern is an
  equilibrium configuration of an open 1-D Ising chain with coupling J (in units of k_B T). The
  chain is a Markov chain along the sites, so it is sampled exactly: σ_1 = ±1 with probability
  ½ and σ_{i+1} = σ_i with probability (1 + tanh J)/2. Then ⟨σ_i σ_{i+r}⟩ = tanh(J)^r = e^{-r/ℓ}
  with correlation length ℓ = -1/ln tanh J.
* Temporally correlated sequences (Griniasty, Tsodyks & Amit, Neural Comput. 5, 1 (1993)):
  uncorrelated patterns stored in a cyclic order with the coupling
  J_ij = (1/N) Σ_μ [ξ_i^μ ξ_j^μ + a (ξ_i^{μ+1} ξ_j^μ + ξ_i^μ ξ_j^{μ+1})]. In overlaps the energy is
  H = -(N/2) mᵀ A m with A = 1 + a(S + Sᵀ) (S the cyclic shift). For a <= ½, A is positive
  semi-definite and mᵀAm = Σ_k λ_k (u_k·m)², so the model is an overlap cost on the transformed
  patterns η^k = √λ_k Σ_μ u_{μk} ξ^μ: any cost of |m|² — classical or relativistic — then runs on
  η with the library's Monte Carlo (:func:`gta_patterns`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_patterns, check_scalar

__all__ = [
    "RandomFeaturePatterns",
    "gta_couplings",
    "gta_matrix",
    "gta_patterns",
    "ising_chain_patterns",
    "ising_correlation",
    "ising_correlation_length",
    "random_feature_patterns",
]


@dataclass(frozen=True, eq=False)
class RandomFeaturePatterns:
    """Patterns built from latent features.

    Attributes
    ----------
    patterns : ndarray of int8, shape (P, N)
        ξ = sign(F c / √D) (sign(0) taken as +1).
    features : ndarray, shape (N, D)
        F, i.i.d. N(0, 1).
    coefficients : ndarray, shape (P, D)
        c^μ, i.i.d. N(0, 1) or ±1.
    """

    patterns: np.ndarray
    features: np.ndarray
    coefficients: np.ndarray


def random_feature_patterns(
    n_patterns: int,
    n_neurons: int,
    n_features: int,
    *,
    coefficients: str = "gaussian",
    rng: RNGLike = None,
) -> RandomFeaturePatterns:
    """Draw random-features patterns ξ^μ = sign(F c^μ / √D).

    Parameters
    ----------
    n_patterns, n_neurons : int
        P and N (>= 1).
    n_features : int
        Latent dimension D (>= 1); α_D = D / N controls how strongly patterns share structure.
    coefficients : {'gaussian', 'binary'}
        Distribution of c^μ.
    rng : Generator, int, SeedSequence or None
    """
    p = check_int(n_patterns, "n_patterns", low=1)
    n = check_int(n_neurons, "n_neurons", low=1)
    d = check_int(n_features, "n_features", low=1)
    if coefficients not in ("gaussian", "binary"):
        raise ValueError(f"coefficients: got {coefficients!r}, expected 'gaussian' or 'binary'")
    gen = as_generator(rng)
    f = gen.standard_normal((n, d))
    c = gen.standard_normal((p, d))
    if coefficients == "binary":
        c = np.where(c >= 0, 1.0, -1.0)
    xi = np.where(c @ f.T / math.sqrt(d) >= 0, 1, -1).astype(np.int8)
    return RandomFeaturePatterns(patterns=xi, features=f, coefficients=c)


def ising_chain_patterns(
    n_patterns: int, n_neurons: int, coupling: float, *, rng: RNGLike = None
) -> np.ndarray:
    """Draw P independent equilibrium configurations of an open 1-D Ising chain.

    The Boltzmann weight ∝ exp(J Σ_i σ_i σ_{i+1}) factorises into a Markov chain along the sites,
    so each pattern is an exact, independent sample (no burn-in, no autocorrelation).

    Parameters
    ----------
    n_patterns, n_neurons : int
        P and N (>= 1).
    coupling : float
        J (any real; J = 0 gives i.i.d. ±1 patterns, J < 0 antiferromagnetic correlations).
    rng : Generator, int, SeedSequence or None

    Returns
    -------
    ndarray of int8, shape (P, N)
    """
    p = check_int(n_patterns, "n_patterns", low=1)
    n = check_int(n_neurons, "n_neurons", low=1)
    j = check_scalar(coupling, "coupling")
    gen = as_generator(rng)
    first = np.where(gen.random((p, 1)) < 0.5, 1, -1)
    keep = 0.5 * (1.0 + math.tanh(j))
    bonds = np.where(gen.random((p, n - 1)) < keep, 1, -1)
    return (
        first * np.cumprod(np.concatenate([np.ones((p, 1), int), bonds], axis=1), axis=1)
    ).astype(np.int8)


def ising_correlation(coupling: float, r: np.ndarray | int) -> np.ndarray | float:
    """⟨σ_i σ_{i+r}⟩ = tanh(J)^|r| of the infinite (or open) chain."""
    j = check_scalar(coupling, "coupling")
    out = np.tanh(j) ** np.abs(np.asarray(r))
    return float(out) if np.ndim(r) == 0 else out


def ising_correlation_length(coupling: float) -> float:
    """ℓ = -1 / ln|tanh J|, so that |⟨σ_i σ_{i+r}⟩| = e^{-r/ℓ} (0 at J = 0)."""
    j = check_scalar(coupling, "coupling")
    t = abs(math.tanh(j))
    return 0.0 if t == 0.0 else (math.inf if t == 1.0 else -1.0 / math.log(t))


def gta_matrix(n_patterns: int, a: float) -> np.ndarray:
    """A = 1 + a (S + Sᵀ) for a cyclic sequence of P patterns (P >= 3), so H = -(N/2) mᵀAm."""
    p = check_int(n_patterns, "n_patterns", low=3)
    a = check_scalar(a, "a")
    s = np.roll(np.eye(p), 1, axis=1)
    return np.eye(p) + a * (s + s.T)


def gta_couplings(patterns: np.ndarray, a: float) -> np.ndarray:
    """The Griniasty–Tsodyks–Amit couplings J = ξᵀ A ξ / N (diagonal kept), shape (N, N)."""
    xi = check_patterns(patterns).astype(np.float64)
    return xi.T @ gta_matrix(xi.shape[0], a) @ xi / xi.shape[1]


def gta_patterns(patterns: np.ndarray, a: float) -> np.ndarray:
    """Transformed patterns η (P, N) with Σ_k (η^k·σ/N)² = mᵀ A m, m = ξσ/N.

    Feed them to :class:`~hopfieldlab.models.Network` with any cost of |m|²:
    ``Network(gta_patterns(xi, a), Classical())`` has the GTA energy -(N/2) mᵀAm, and
    ``Relativistic()`` gives its relativistic version -N √(1 + mᵀAm).

    Parameters
    ----------
    patterns : ndarray, shape (P, N)
        The sequence ξ^1 … ξ^P (cyclic), P >= 3.
    a : float
        Correlation strength, -½ <= a <= ½ (where A is positive semi-definite; beyond, mᵀAm
        is not a sum of squares and no separable overlap cost represents it — use
        :func:`gta_couplings`).
    """
    xi = check_patterns(patterns).astype(np.float64)
    a = check_scalar(a, "a")
    if abs(a) > 0.5:
        raise ValueError(
            f"a: got {a}, expected |a| <= 0.5 (A = 1 + a(S + Sᵀ) must be positive "
            "semi-definite to be written as squared overlaps); use gta_couplings"
        )
    lam, u = np.linalg.eigh(gta_matrix(xi.shape[0], a))
    if np.any(lam < -1e-12):
        raise ValueError(f"a: got {a}, A has a negative eigenvalue {lam.min():.3g}")
    return np.sqrt(np.maximum(lam, 0.0))[:, None] * (u.T @ xi)
