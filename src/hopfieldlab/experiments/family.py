"""Capacity scaling of dense associative memories on binary neurons, as xarray Datasets.

* Krotov–Hopfield F(x) = xⁿ: the one-flip error rate of stored patterns at a load
  P = α N^(n-1) is the same for every N and matches the signal-to-noise law
  Φ(-√(N^(n-1)/((2n-3)!! P))) — the capacity scales as N^(n-1).
* Demircigil et al. F(x) = eˣ: the fraction of stored patterns that are fixed points at
  P = e^(αN), beside the bound α < ln 2 / 2.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..io import cached_array, provenance_attrs
from ..models import Network
from ..models.family import (
    Exponential,
    Polynomial,
    exponential_alpha_max,
    pattern_stability,
    polynomial_bit_error,
)
from ..patterns import rademacher

__all__ = ["exponential_capacity", "polynomial_capacity_scaling"]

Progress = Callable[[int, int], None] | None


def _positive_ints(values: Sequence[int], name: str, low: int) -> list[int]:
    out = [check_int(v, name, low=low) for v in values]
    if not out:
        raise ValueError(f"{name}: got an empty sequence, expected at least one value")
    return out


def _positive_floats(values: Sequence[float], name: str) -> list[float]:
    out = [check_scalar(v, name, low=0.0, low_inclusive=False) for v in values]
    if not out:
        raise ValueError(f"{name}: got an empty sequence, expected at least one value")
    return out


def _polynomial_rates(degree: int, n: int, p: int, reps: int, tested: int, stream: int) -> np.ndarray:
    """One-flip error rates of ``reps`` independent pattern sets at one (n, N, P) point."""
    gen = np.random.default_rng(stream)
    return np.array([pattern_stability(Network(rademacher(p, n, rng=gen), Polynomial(degree, n)),
                                       np.arange(min(p, tested))).bit_error for _ in range(reps)])


def polynomial_capacity_scaling(
    degrees: Sequence[int],
    sizes: Sequence[int],
    loads: Sequence[float],
    *,
    n_samples: int = 2,
    max_tested: int = 150,
    rng: RNGLike = None,
    progress: Progress = None,
    cache: str | Path | None = None,
) -> xr.Dataset:
    """One-flip error rate of stored patterns for F(x) = xⁿ at P = α N^(n-1).

    Parameters
    ----------
    degrees : sequence of int
        n >= 2.
    sizes : sequence of int
        N >= 3.
    loads : sequence of float
        α = P / N^(n-1) > 0 (P is rounded, at least 1).
    n_samples : int
        Independent pattern sets per point (>= 1).
    max_tested : int
        Patterns tested per set (>= 1).
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None
    cache : path, optional
        Folder where each finished (n, N, α) point is kept (:func:`hopfieldlab.io.cached_array`):
        a rerun with the same seed and arguments computes only the missing points.

    Returns
    -------
    Dataset with ``bit_error`` (simulation), ``bit_error_err`` (its standard error over sets)
    and ``bit_error_theory`` on (degree, N, alpha), and ``n_patterns``.
    """
    ns = _positive_ints(degrees, "degrees", 2)
    sz = _positive_ints(sizes, "sizes", 3)
    al = _positive_floats(loads, "loads")
    reps = check_int(n_samples, "n_samples", low=1)
    tested = check_int(max_tested, "max_tested", low=1)
    gen = as_generator(rng)
    shape = (len(ns), len(sz), len(al))
    sim, err, th = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    n_pat = np.zeros(shape, dtype=np.int64)
    total, done = int(np.prod(shape)), 0
    streams = gen.integers(0, 2**63 - 1, size=shape)  # one per point, drawn up front: resumable
    for a, n in enumerate(ns):
        for b, big_n in enumerate(sz):
            for c, alpha in enumerate(al):
                p = max(1, round(alpha * big_n ** (n - 1)))
                point = dict(degree=n, n=big_n, p=p, reps=reps, tested=tested, stream=int(streams[a, b, c]))
                rates = cached_array(cache, "polynomial_point", point, lambda: _polynomial_rates(**point))
                sim[a, b, c] = np.mean(rates)
                err[a, b, c] = np.std(rates, ddof=1) / np.sqrt(reps) if reps > 1 else np.nan
                th[a, b, c] = polynomial_bit_error(n, big_n, p)
                n_pat[a, b, c] = p
                done += 1
                if progress is not None:
                    progress(done, total)
    dims = ("degree", "N", "alpha")
    ds = xr.Dataset(
        {
            "bit_error": (dims, sim),
            "bit_error_err": (dims, err),
            "bit_error_theory": (dims, th),
            "n_patterns": (dims, n_pat),
        },
        coords={"degree": ns, "N": sz, "alpha": al},
    )
    meta = {
        "bit_error": ("fraction of single flips that lower the energy of a stored pattern", "1"),
        "bit_error_err": ("standard error of bit_error over pattern sets", "1"),
        "bit_error_theory": ("signal-to-noise prediction Phi(-sqrt(N^(n-1)/((2n-3)!! P)))", "1"),
        "n_patterns": ("number of stored patterns P = alpha N^(n-1)", "1"),
        "degree": ("interaction degree n of F(x) = x^n", "1"),
        "N": ("number of neurons", "1"),
        "alpha": ("load P / N^(n-1)", "1"),
    }
    for name, (long_name, units) in meta.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(
        provenance_attrs(
            "family.polynomial_capacity_scaling",
            {"degrees": ns, "sizes": sz, "loads": al, "n_samples": reps, "max_tested": tested},
        )
    )
    return ds


def exponential_capacity(
    sizes: Sequence[int],
    loads: Sequence[float],
    *,
    max_tested: int = 100,
    max_patterns: int = 200_000,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Fraction of stored patterns that are fixed points for F(x) = eˣ at P = e^(αN).

    Parameters
    ----------
    sizes : sequence of int
        N (1 <= N <= 600).
    loads : sequence of float
        α = ln P / N > 0.
    max_tested : int
        Patterns tested per point.
    max_patterns : int
        Points with P above this are skipped (NaN), to bound the cost O(P N max_tested).
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None

    Returns
    -------
    Dataset with ``stable_fraction`` and ``bit_error`` on (N, alpha), ``n_patterns`` and the
    scalar ``alpha_bound`` = ln 2 / 2.
    """
    sz = _positive_ints(sizes, "sizes", 1)
    al = _positive_floats(loads, "loads")
    tested = check_int(max_tested, "max_tested", low=1)
    cap = check_int(max_patterns, "max_patterns", low=1)
    gen = as_generator(rng)
    stable = np.full((len(sz), len(al)), np.nan)
    bit = np.full_like(stable, np.nan)
    n_pat = np.zeros(stable.shape, dtype=np.int64)
    total, done = stable.size, 0
    for b, big_n in enumerate(sz):
        for c, alpha in enumerate(al):
            p = max(1, int(np.exp(alpha * big_n)))
            n_pat[b, c] = p
            if p <= cap:
                st = pattern_stability(
                    Network(rademacher(p, big_n, rng=gen), Exponential(big_n)),
                    np.arange(min(p, tested)),
                )
                stable[b, c], bit[b, c] = st.stable_fraction, st.bit_error
            done += 1
            if progress is not None:
                progress(done, total)
    dims = ("N", "alpha")
    ds = xr.Dataset(
        {
            "stable_fraction": (dims, stable),
            "bit_error": (dims, bit),
            "n_patterns": (dims, n_pat),
            "alpha_bound": ((), exponential_alpha_max(0.0)),
        },
        coords={"N": sz, "alpha": al},
    )
    meta = {
        "stable_fraction": ("fraction of stored patterns that are fixed points", "1"),
        "bit_error": ("fraction of single flips that lower the energy of a stored pattern", "1"),
        "n_patterns": ("number of stored patterns P = exp(alpha N)", "1"),
        "alpha_bound": ("Demircigil et al. bound ln(2)/2 on alpha", "1"),
        "N": ("number of neurons", "1"),
        "alpha": ("load ln(P) / N", "1"),
    }
    for name, (long_name, units) in meta.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    ds.attrs.update(
        provenance_attrs(
            "family.exponential_capacity",
            {"sizes": sz, "loads": al, "max_tested": tested, "max_patterns": cap},
        )
    )
    return ds
