"""Binary (±1) pattern ensembles."""

from __future__ import annotations

import numpy as np

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar


def rademacher(n_patterns: int, n_neurons: int, *, rng: RNGLike = None) -> np.ndarray:
    """Draw i.i.d. unbiased ±1 patterns.

    Parameters
    ----------
    n_patterns, n_neurons : int
        P and N; the result has shape (P, N).
    rng : Generator, int or None
        Source of randomness.

    Returns
    -------
    ndarray of int8, shape (P, N)
        Entries ``+1`` and ``-1`` with probability 1/2 each.
    """
    return biased_binary(n_patterns, n_neurons, bias=0.0, rng=rng)


def biased_binary(
    n_patterns: int, n_neurons: int, *, bias: float, rng: RNGLike = None
) -> np.ndarray:
    """Draw i.i.d. ±1 patterns of mean ``bias`` (P(ξ = +1) = (1 + bias) / 2).

    Parameters
    ----------
    n_patterns, n_neurons : int
        P and N; the result has shape (P, N).
    bias : float
        The mean a of each entry, in [-1, 1].
    rng : Generator, int or None
        Source of randomness.
    """
    p = check_int(n_patterns, "n_patterns", low=1)
    n = check_int(n_neurons, "n_neurons", low=1)
    a = check_scalar(bias, "bias", low=-1.0, high=1.0)
    gen = as_generator(rng)
    u = gen.random((p, n))
    return np.where(u < 0.5 * (1.0 + a), 1, -1).astype(np.int8)
