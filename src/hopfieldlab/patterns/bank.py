"""Pattern banks regenerated chunk by chunk from a seed, chunk iteration, and noisy cues.

A :class:`PatternBank` never holds its P patterns: block k (rows ``k*chunk`` to
``(k+1)*chunk``) is drawn from its own stream ``SeedSequence(seed, spawn_key=(k,))``, so every
pass over the bank yields the same numbers, in any order, and pattern μ alone costs one block.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .._rng import as_generator, task_generator
from .._typing import RNGLike
from .._validation import _fmt, check_choice, check_int, check_patterns, check_scalar
from ._binary import rademacher
from ._continuous import gaussian, spherical

__all__ = ["PatternBank", "iter_chunks", "noisy_cue"]

ENSEMBLES = ("gaussian", "spherical", "binary")


@dataclass(frozen=True)
class PatternBank:
    """P patterns of N neurons, regenerated from ``seed`` in blocks of ``chunk`` rows.

    Parameters
    ----------
    ensemble : {'gaussian', 'spherical', 'binary'}
        i.i.d. N(0, 1) entries; uniform on the sphere |ξ|² = N; i.i.d. ±1 entries (stored as
        floats so that BLAS can use them).
    n_patterns, n_neurons : int
        P >= 1 and N >= 1.
    seed : int
        Non-negative root seed. Block k is drawn from ``SeedSequence(seed, spawn_key=(k,))``.
    chunk : int
        Rows per block. It is part of the bank's definition: the same seed with another
        ``chunk`` gives other patterns.
    dtype : {'float32', 'float64'}
        Dtype of the generated blocks.

    Examples
    --------
    >>> bank = PatternBank("spherical", 10, 4, seed=1, chunk=3)
    >>> np.array_equal(bank.to_array()[7], bank.pattern(7))
    True
    """

    ensemble: str
    n_patterns: int
    n_neurons: int
    seed: int
    chunk: int = 65536
    dtype: str = "float32"

    def __post_init__(self) -> None:
        check_choice(self.ensemble, "ensemble", ENSEMBLES)
        object.__setattr__(self, "n_patterns", check_int(self.n_patterns, "n_patterns", low=1))
        object.__setattr__(self, "n_neurons", check_int(self.n_neurons, "n_neurons", low=1))
        object.__setattr__(self, "seed", check_int(self.seed, "seed", low=0))
        object.__setattr__(self, "chunk", check_int(self.chunk, "chunk", low=1))
        check_choice(np.dtype(self.dtype).name, "dtype", ("float32", "float64"))
        object.__setattr__(self, "dtype", np.dtype(self.dtype).name)

    @property
    def shape(self) -> tuple[int, int]:
        """(P, N), as for a pattern array."""
        return (self.n_patterns, self.n_neurons)

    @property
    def n_blocks(self) -> int:
        """Number of blocks, ceil(P / chunk)."""
        return -(-self.n_patterns // self.chunk)

    def __len__(self) -> int:
        return self.n_patterns

    def block(self, k: int) -> np.ndarray:
        """Block ``k`` (rows ``k*chunk`` up to ``min((k+1)*chunk, P)``), shape (rows, N)."""
        k = check_int(k, "k", low=0, high=self.n_blocks - 1)
        rows = min(self.chunk, self.n_patterns - k * self.chunk)
        gen = task_generator(self.seed, k)
        if self.ensemble == "gaussian":
            return gaussian(rows, self.n_neurons, rng=gen, dtype=self.dtype)
        if self.ensemble == "spherical":
            return spherical(rows, self.n_neurons, rng=gen, dtype=self.dtype)
        return rademacher(rows, self.n_neurons, rng=gen).astype(self.dtype)

    def __iter__(self) -> Iterator[np.ndarray]:
        """Yield the blocks in order; every pass yields the same arrays.

        Block k + 1 is drawn in a background thread while the caller works on block k (NumPy's
        generators release the GIL), so generation overlaps the consumer's kernels; at most two
        blocks are alive at a time.
        """
        if self.n_blocks == 1:
            yield self.block(0)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bank") as pool:
            ahead = pool.submit(self.block, 0)
            for k in range(self.n_blocks):
                current = ahead.result()
                if k + 1 < self.n_blocks:
                    ahead = pool.submit(self.block, k + 1)
                yield current
                del current

    def pattern(self, mu: int) -> np.ndarray:
        """Pattern μ alone, shape (N,), equal to row μ of :meth:`to_array`."""
        mu = check_int(mu, "mu", low=0, high=self.n_patterns - 1)
        return self.block(mu // self.chunk)[mu % self.chunk].copy()

    def rows(self, indices: np.ndarray) -> np.ndarray:
        """Patterns ``indices`` (any order, repeats allowed), shape (len, N); each block made once."""
        idx = np.asarray(indices)
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer) or np.any(
                (idx < 0) | (idx >= self.n_patterns)):
            raise ValueError(f"indices: got {_fmt(idx)}, expected a 1-D integer array in "
                             f"[0, {self.n_patterns})")
        out = np.empty((idx.size, self.n_neurons), dtype=self.dtype)
        blocks = idx // self.chunk
        for k in np.unique(blocks):
            sel = blocks == k
            out[sel] = self.block(int(k))[idx[sel] % self.chunk]
        return out

    def to_array(self) -> np.ndarray:
        """All patterns as one (P, N) array (only for banks that fit in memory)."""
        return np.concatenate(list(self), axis=0)


def iter_chunks(
    patterns: np.ndarray | PatternBank, chunk: int | None = None, *, check_finite: bool = True
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(start, rows)`` pieces of at most ``chunk`` patterns, in order.

    Parameters
    ----------
    patterns : ndarray of shape (P, N), or PatternBank
        An array is validated (P >= 1, finite) and sliced without copying; a bank is
        regenerated block by block and each block is sliced further.
    chunk : int, optional
        Rows per piece (>= 1). None: the whole array, or the bank's own blocks.
    check_finite : bool
        Scan an array for NaN/inf first. The streamed kernels pass False: they detect
        non-finite overlaps themselves and so avoid an extra pass over P·N entries.
    """
    if chunk is not None:
        chunk = check_int(chunk, "chunk", low=1)
    if isinstance(patterns, PatternBank):
        blocks: Iterator[np.ndarray] = iter(patterns)
    else:
        arr = np.asarray(patterns)
        if check_finite or arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
            arr = check_patterns(arr)
        elif not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
            arr = check_patterns(arr)
        blocks = iter((arr,))
    start = 0
    for block in blocks:
        step = block.shape[0] if chunk is None else chunk
        for i in range(0, block.shape[0], step):
            yield start + i, block[i : i + step]
        start += block.shape[0]


def noisy_cue(pattern: np.ndarray, rho: float, rng: RNGLike = None) -> np.ndarray:
    """A random state at cosine ``rho`` with ``pattern`` and squared norm N.

    x = √N (ρ u + √(1 − ρ²) v), with u = ξ/|ξ| and v a uniformly random unit vector orthogonal
    to ξ. For spherical (and binary) patterns, |ξ|² = N, so the overlap ξ·x/N is exactly ρ; for
    Gaussian patterns it is ρ|ξ|/√N = ρ(1 + O(N^{-1/2})), and |x|² = N as the theory assumes.

    Parameters
    ----------
    pattern : ndarray, shape (N,) or (B, N)
        One pattern, or one pattern per cue.
    rho : float
        Cosine with the pattern, in [-1, 1].
    rng : Generator, int, SeedSequence or None
        Source of the random direction.

    Returns
    -------
    ndarray of float64, same shape as ``pattern``
    """
    xi = np.asarray(pattern, dtype=np.float64)
    if xi.ndim not in (1, 2) or xi.shape[-1] < 2 or not np.all(np.isfinite(xi)):
        want = "finite entries, shape (N,) or (B, N), N >= 2"
        raise ValueError(f"pattern: got {_fmt(xi)}, expected {want}")
    r = check_scalar(rho, "rho", low=-1.0, high=1.0)
    xi2 = np.atleast_2d(xi)
    norms = np.linalg.norm(xi2, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("pattern: got a zero vector, expected a non-zero pattern")
    u = xi2 / norms
    z = as_generator(rng).standard_normal(xi2.shape)
    z -= np.sum(z * u, axis=1, keepdims=True) * u  # project out the pattern direction
    v = z / np.linalg.norm(z, axis=1, keepdims=True)
    x = np.sqrt(xi2.shape[1]) * (r * u + np.sqrt(max(0.0, 1.0 - r * r)) * v)
    return x[0] if xi.ndim == 1 else x
