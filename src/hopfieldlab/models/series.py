"""Exact Taylor series of radial costs F(|m|²) and their many-body coupling tensors.

Writing s = |m|² = (1/N²) σᵀ(ξᵀξ)σ, a term c_k s^k of F is a 2k-body interaction:
-N c_k s^k = -Σ J^{(2k)}_{i_1…i_2k} σ_{i_1}…σ_{i_2k} with J^{(2k)} = (N c_k / N^{2k}) K⊗…⊗K, K = ξᵀξ.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .._validation import check_int, check_patterns


def binomial_coefficients(a: Fraction | int, order: int) -> list[Fraction]:
    """Coefficients of (1 + s)^a = Σ_k binom(a, k) s^k for k = 0..order, as exact fractions."""
    order = check_int(order, "order", low=0)
    a = Fraction(a)
    out = [Fraction(1)]
    for k in range(1, order + 1):
        out.append(out[-1] * (a - k + 1) / k)
    return out


@dataclass(frozen=True)
class SeriesTerm:
    """One term c_k s^k of a radial cost, with its reading as a 2k-body interaction."""

    k: int
    coefficient: Fraction

    @property
    def body(self) -> int:
        return 2 * self.k

    @property
    def reading(self) -> str:
        """How the term acts in H = -N F: c_k > 0 lowers the energy of aligned states."""
        if self.k == 0 or self.coefficient == 0:
            return "constant" if self.k == 0 else "absent"
        if self.coefficient > 0:
            return "Hebbian (learning)" if self.k == 1 else "reinforcing (Hebbian-like)"
        return "anti-Hebbian (unlearning)"


def expansion_table(coefficients: list[Fraction]) -> list[SeriesTerm]:
    """Wrap radial Taylor coefficients c_0..c_K into :class:`SeriesTerm` rows."""
    return [SeriesTerm(k, Fraction(c)) for k, c in enumerate(coefficients)]


def coupling_tensor(patterns: np.ndarray, coefficient: Fraction | float, k: int) -> np.ndarray:
    """The 2k-body coupling tensor of the term c_k s^k, for small N.

    Parameters
    ----------
    patterns : array, shape (P, N)
    coefficient : Fraction or float
        c_k.
    k : int
        Power of s = |m|²; the tensor has 2k indices of size N (N^(2k) entries).

    Returns
    -------
    ndarray, shape (N,)*2k
        J such that -N c_k |m(σ)|^(2k) = -Σ J σ…σ for every σ.
    """
    xi = check_patterns(patterns).astype(float)
    k = check_int(k, "k", low=1)
    n = xi.shape[1]
    if n ** (2 * k) > 5e7:
        raise ValueError(f"k: N^(2k) = {n}^{2 * k} entries is too large; expected N^(2k) <= 5e7")
    kern = xi.T @ xi
    tensor = np.ones(())
    for _ in range(k):
        tensor = np.multiply.outer(tensor, kern)
    return float(coefficient) * n / n ** (2 * k) * tensor


def contract(tensor: np.ndarray, spins: np.ndarray) -> float:
    """Σ J_{i_1…i_r} σ_{i_1}…σ_{i_r}."""
    s = np.asarray(spins, dtype=float)
    out = tensor
    for _ in range(tensor.ndim):
        out = out @ s
    return float(out)
