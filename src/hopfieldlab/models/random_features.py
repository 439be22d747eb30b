"""Dense associative memory through random features: a memory whose size does not grow with P.

The target is the Gaussian-kernel log-sum-exp energy (Hoover et al., "Dense Associative Memory
Through the Lens of Random Features", NeurIPS 2024)

    E(x) = -β⁻¹ log Σ_μ exp(-β |x - ξ^μ|² / 2),

equal to Ramsauer's energy -β⁻¹ log Σ_μ exp(β ξ^μ·x) + |x|²/2 plus |ξ|²/2 when all patterns have
the same norm. With Y random features ψ, E[ψ(x)·ψ(ξ)] = exp(-β|x - ξ|²/2), so all patterns collapse
into one vector T = Σ_μ ψ(ξ^μ) and E(x) ≈ -β⁻¹ log ψ(x)·T: memory O(Y) and cost O(Yd) per query,
whatever P. Two feature maps (ω_k ~ N(0, 1_d)):

* ``'positive'``: ψ_k(x) = exp(√β ω_k·x - β|x|²)/√Y (Choromanski et al. 2021). Always > 0, so the
  logarithm is defined; kept in the log domain, so nothing overflows.
* ``'fourier'``: ψ(x) = [cos(√β ω_k·x), sin(√β ω_k·x)]_k / √Y (Rahimi & Recht 2007). Bounded, but
  the estimate of the sum may be <= 0 far from the patterns, where the energy is then NaN.

The error of either estimate falls as Y^(-1/2) (:func:`approximation_error`) and grows with β|x|².
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import logsumexp

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import _fmt, check_choice, check_int, check_scalar
from ..patterns.bank import PatternBank, iter_chunks

__all__ = [
    "RandomFeatureMemory",
    "approximation_error",
    "gaussian_lse_energy",
    "gaussian_lse_update",
]

KINDS = ("positive", "fourier")


def _queries(x: np.ndarray, d: int, name: str = "x") -> np.ndarray:
    q = np.asarray(x, dtype=np.float64)
    if q.ndim not in (1, 2) or q.shape[-1] != d or not np.all(np.isfinite(q)):
        raise ValueError(
            f"{name}: got {_fmt(np.asarray(x))}, expected finite shape ({d},) or (B, {d})"
        )
    return np.atleast_2d(q)


def _n_dim(patterns: np.ndarray | PatternBank) -> int:
    if isinstance(patterns, PatternBank):
        return patterns.n_neurons
    p = np.asarray(patterns)
    if p.ndim != 2:
        raise ValueError(f"patterns: got {_fmt(p)}, expected a 2-D array (P, d)")
    return int(p.shape[1])


def gaussian_lse_energy(
    patterns: np.ndarray | PatternBank, x: np.ndarray, beta: float, *, chunk: int | None = None
) -> np.ndarray | float:
    """The exact energy -β⁻¹ log Σ_μ exp(-β|x - ξ^μ|²/2), streamed over patterns (O(P d))."""
    beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    q = _queries(x, _n_dim(patterns))
    acc = np.full(q.shape[0], -np.inf)
    for _, block in iter_chunks(patterns, chunk):
        b = np.asarray(block, dtype=np.float64)
        d2 = np.sum(q * q, axis=1)[:, None] - 2 * q @ b.T + np.sum(b * b, axis=1)[None, :]
        acc = np.logaddexp(acc, logsumexp(-0.5 * beta * d2, axis=1))
    e = -acc / beta
    return float(e[0]) if np.ndim(x) == 1 else e


def gaussian_lse_update(patterns: np.ndarray, x: np.ndarray, beta: float) -> np.ndarray:
    """The exact fixed-point update x ← Σ_μ ξ^μ softmax_μ(-β|x - ξ^μ|²/2) = x - ∇E(x)."""
    beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    xi = np.asarray(patterns, dtype=np.float64)
    q = _queries(x, _n_dim(xi))
    s = -0.5 * beta * (np.sum(q * q, axis=1)[:, None] - 2 * q @ xi.T + np.sum(xi * xi, axis=1))
    w = np.exp(s - logsumexp(s, axis=1, keepdims=True))
    out = w @ xi
    return out[0] if np.ndim(x) == 1 else out


@dataclass(frozen=True, eq=False)
class RandomFeatureMemory:
    """All stored patterns compressed into one feature vector.

    Build it with :meth:`create` and :meth:`store`; its size is fixed by ``n_features`` and d.

    Attributes
    ----------
    beta : float
        Inverse temperature β.
    kind : {'positive', 'fourier'}
    omega : ndarray, shape (Y, d)
        The random frequencies (√β is applied when evaluating).
    memory : ndarray
        'positive': log T_k, shape (Y,) (-inf while empty); 'fourier': T, shape (2Y,).
    n_stored : int
        Patterns stored so far.
    """

    beta: float
    kind: str
    omega: np.ndarray
    memory: np.ndarray
    n_stored: int

    @classmethod
    def create(
        cls,
        n_dim: int,
        n_features: int,
        beta: float,
        *,
        kind: str = "positive",
        rng: RNGLike = None,
    ) -> RandomFeatureMemory:
        """An empty memory for d-dimensional patterns with Y features.

        Parameters
        ----------
        n_dim : int
            d >= 1.
        n_features : int
            Y >= 1 (the memory holds Y numbers, 2Y for 'fourier').
        beta : float
            β > 0.
        kind : {'positive', 'fourier'}
        rng : Generator, int, SeedSequence or None
            Draws the frequencies.
        """
        d = check_int(n_dim, "n_dim", low=1)
        y = check_int(n_features, "n_features", low=1)
        beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
        check_choice(kind, "kind", KINDS)
        omega = as_generator(rng).standard_normal((y, d))
        mem = np.full(y, -np.inf) if kind == "positive" else np.zeros(2 * y)
        return cls(beta=beta, kind=kind, omega=omega, memory=mem, n_stored=0)

    @property
    def n_features(self) -> int:
        return int(self.omega.shape[0])

    @property
    def n_dim(self) -> int:
        return int(self.omega.shape[1])

    def _log_features(self, q: np.ndarray) -> np.ndarray:
        proj = math.sqrt(self.beta) * q @ self.omega.T
        return proj - self.beta * np.sum(q * q, axis=1)[:, None] - 0.5 * math.log(self.n_features)

    def _fourier(self, q: np.ndarray) -> np.ndarray:
        proj = math.sqrt(self.beta) * q @ self.omega.T
        return np.concatenate([np.cos(proj), np.sin(proj)], axis=1) / math.sqrt(self.n_features)

    def store(
        self, patterns: np.ndarray | PatternBank, *, chunk: int | None = None
    ) -> RandomFeatureMemory:
        """A new memory holding these patterns too (adding patterns adds feature vectors).

        Parameters
        ----------
        patterns : ndarray (P, d) or PatternBank
            Streamed chunk by chunk: peak memory O(chunk · Y).
        chunk : int, optional
            Patterns per chunk.
        """
        if _n_dim(patterns) != self.n_dim:
            raise ValueError(f"patterns: got dimension {_n_dim(patterns)}, expected {self.n_dim}")
        mem = self.memory.copy()
        count = 0
        for _, block in iter_chunks(patterns, chunk):
            b = np.asarray(block, dtype=np.float64)
            count += b.shape[0]
            if self.kind == "positive":
                mem = np.logaddexp(mem, logsumexp(self._log_features(b), axis=0))
            else:
                mem = mem + self._fourier(b).sum(axis=0)
        return replace(self, memory=mem, n_stored=self.n_stored + count)

    def _check_nonempty(self) -> None:
        if self.n_stored == 0:
            raise ValueError("memory: holds no patterns yet, expected store() to be called first")

    def log_partition(self, x: np.ndarray) -> np.ndarray:
        """Estimate of log Σ_μ exp(-β|x - ξ^μ|²/2), shape (B,); NaN where a Fourier sum is <= 0."""
        self._check_nonempty()
        q = _queries(x, self.n_dim)
        if self.kind == "positive":
            return logsumexp(self._log_features(q) + self.memory[None, :], axis=1)
        z = self._fourier(q) @ self.memory
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(z > 0, np.log(np.where(z > 0, z, 1.0)), np.nan)

    def energy(self, x: np.ndarray) -> np.ndarray | float:
        """E(x) ≈ -β⁻¹ log ψ(x)·T; float for one query (d,), shape (B,) for (B, d)."""
        e = -self.log_partition(x) / self.beta
        return float(e[0]) if np.ndim(x) == 1 else e

    def update(self, x: np.ndarray) -> np.ndarray:
        """The fixed-point step x ← x - ∇E(x) with the feature estimate of ∇E.

        'positive': ∇ log Z = Σ_k w_k (√β ω_k - 2βx) with w_k = ψ_k T_k / Z (a softmax over
        features), so x - ∇E = ωᵀw/√β - x. 'fourier': x - ∇E = x + ∇Z/(βZ).
        """
        self._check_nonempty()
        q = _queries(x, self.n_dim)
        if self.kind == "positive":
            a = self._log_features(q) + self.memory[None, :]
            w = np.exp(a - logsumexp(a, axis=1, keepdims=True))
            out = w @ self.omega / math.sqrt(self.beta) - q
        else:
            y = self.n_features
            proj = math.sqrt(self.beta) * q @ self.omega.T
            c, s = np.cos(proj), np.sin(proj)
            tc, ts = self.memory[:y], self.memory[y:]
            z = (c @ tc + s @ ts) / math.sqrt(y)
            grad_z = math.sqrt(self.beta / y) * ((-s * tc + c * ts) @ self.omega)
            out = q + grad_z / (self.beta * z[:, None])
        return out[0] if np.ndim(x) == 1 else out


def approximation_error(
    patterns: np.ndarray,
    x: np.ndarray,
    beta: float,
    n_features: int,
    *,
    kind: str = "positive",
    rng: RNGLike = None,
) -> float:
    """Root-mean-square |E_features(x) - E_exact(x)| over the queries ``x`` (B, d).

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
    x : ndarray, shape (B, d)
    beta : float
    n_features : int
        Y.
    kind : {'positive', 'fourier'}
    rng : Generator, int, SeedSequence or None
    """
    xi = np.asarray(patterns, dtype=np.float64)
    mem = RandomFeatureMemory.create(_n_dim(xi), n_features, beta, kind=kind, rng=rng).store(xi)
    diff = np.atleast_1d(mem.energy(x)) - np.atleast_1d(gaussian_lse_energy(xi, x, beta))
    return float(np.sqrt(np.mean(diff**2)))
