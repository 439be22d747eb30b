"""Random-number plumbing: one normaliser, and per-task streams that do not depend on scheduling."""

from __future__ import annotations

import numpy as np

from ._typing import RNGLike


def as_generator(rng: RNGLike) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    Parameters
    ----------
    rng : Generator, int, SeedSequence or None
        A generator is returned unchanged (its stream is shared with the caller); an int or a
        SeedSequence seeds a fresh PCG64 generator; None draws fresh OS entropy.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer, np.random.SeedSequence)):
        if isinstance(rng, (int, np.integer)) and int(rng) < 0:
            raise ValueError(f"rng: got the seed {rng}, expected a non-negative integer")
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng: got an object of type {type(rng).__name__}, "
        "expected a numpy.random.Generator, an int seed, a SeedSequence or None"
    )


def spawn_seeds(rng: RNGLike, n: int) -> np.ndarray:
    """Draw ``n`` independent 64-bit seeds, one per replica/task, from ``rng``.

    Every replica owns its stream, so results do not depend on how replicas are spread over
    threads or processes.
    """
    gen = as_generator(rng)
    return gen.integers(0, 2**63 - 1, size=n, dtype=np.int64).astype(np.uint64)


def task_generator(entropy: int, task_index: int) -> np.random.Generator:
    """Generator of task ``task_index`` under root ``entropy`` (independent of the worker count)."""
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(task_index,)))
