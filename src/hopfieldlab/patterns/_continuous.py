"""Real-valued pattern ensembles: Gaussian and spherical."""

from __future__ import annotations

import numpy as np

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_choice, check_int


def _dtype(dtype: str | np.dtype) -> np.dtype:
    dt = np.dtype(dtype)
    check_choice(dt.name, "dtype", ("float32", "float64"))
    return dt


def gaussian(
    n_patterns: int, n_neurons: int, *, rng: RNGLike = None, dtype: str = "float64"
) -> np.ndarray:
    """Draw patterns with i.i.d. standard normal entries, shape (P, N)."""
    p = check_int(n_patterns, "n_patterns", low=1)
    n = check_int(n_neurons, "n_neurons", low=1)
    gen = as_generator(rng)
    return gen.standard_normal((p, n), dtype=_dtype(dtype))


def spherical(
    n_patterns: int, n_neurons: int, *, rng: RNGLike = None, dtype: str = "float64"
) -> np.ndarray:
    """Draw patterns uniformly on the sphere of radius sqrt(N), so that |ξ|² = N; shape (P, N).

    The Gaussian draw is made in the requested dtype (float32 halves the cost of a streamed
    pattern bank); the squared norms are accumulated in float64, so |ξ|² = N holds to the
    dtype's rounding.
    """
    dt = _dtype(dtype)
    xi = gaussian(n_patterns, n_neurons, rng=rng, dtype=dt)
    sq = np.einsum("ij,ij->i", xi, xi, dtype=np.float64)
    xi *= (np.sqrt(xi.shape[1] / sq)).astype(dt)[:, None]
    return xi
