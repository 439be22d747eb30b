"""More experiments on the wider family of associative memories, as xarray Datasets.

* :func:`noisy_cue_retrieval` — Monte Carlo retrieval of a stored pattern from a corrupted cue
  for the binary dense memories (polynomial, rectified polynomial, exponential), beside the
  signal-to-noise / load-bound predictions.
* :func:`random_feature_error` — error of the random-feature estimate of the Gaussian LSE energy
  against the number of features Y (expected slope −1/2 on log-log axes).
* :func:`sparse_retrieval` — Hopfield–Fenchel–Young retrieval with α-entmax normalisers:
  distance to the target pattern and support size of the weights, per α and cue noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_choice, check_int, check_scalar
from ..io import provenance_attrs
from ..models import Network
from ..models.family import (
    Exponential,
    Polynomial,
    RectifiedPolynomial,
    double_factorial,
    exponential_alpha_max,
)
from ..models.fenchel_young import fy_retrieve
from ..models.random_features import approximation_error
from ..patterns import rademacher

__all__ = [
    "cue_bit_error_theory",
    "noisy_cue_retrieval",
    "random_feature_error",
    "sparse_retrieval",
]

Progress = Callable[[int, int], None] | None
MODELS = ("polynomial", "rectified", "exponential")


def _annotate(ds: xr.Dataset, meta: dict[str, tuple[str, str]]) -> None:
    for name, (long_name, units) in meta.items():
        ds[name].attrs.update(long_name=long_name, units=units)


def cue_bit_error_theory(
    model: str, degree: int, n_neurons: int, n_patterns: int, noise: float
) -> float:
    """Signal-to-noise estimate of the one-step bit error from a cue with overlap m₀ = 1 − 2ρ.

    For F(x) = xⁿ the local field of site i holds the signal n (N m₀)^(n-1) and, from each of the
    other P − 1 patterns, a zero-mean term of variance n² (2n−3)!! N^(n-1); the error is
    Φ(−m₀^(n-1) √(N^(n-1) / ((2n−3)!! P))). The rectified polynomial keeps only positive
    overlaps, which halves the noise variance (factor 2 under the root). At ρ = 0 the polynomial
    value is :func:`hopfieldlab.models.family.polynomial_bit_error` to leading order.

    Parameters
    ----------
    model : {'polynomial', 'rectified'}
    degree : int
        n >= 2.
    n_neurons, n_patterns : int
        N >= 1, P >= 1.
    noise : float
        Fraction ρ of flipped cue bits, 0 <= ρ < 1/2.
    """
    from scipy.special import ndtr

    check_choice(model, "model", ("polynomial", "rectified"))
    n = check_int(degree, "degree", low=2)
    big_n = check_int(n_neurons, "n_neurons", low=1)
    p = check_int(n_patterns, "n_patterns", low=1)
    rho = check_scalar(noise, "noise", low=0.0, high=0.5, high_inclusive=False)
    if p == 1:
        return 0.0
    m0 = 1.0 - 2.0 * rho
    boost = 2.0 if model == "rectified" else 1.0
    snr = m0 ** (n - 1) * math.sqrt(boost * big_n ** (n - 1) / (double_factorial(2 * n - 3) * (p - 1)))
    return float(ndtr(-snr))


def noisy_cue_retrieval(
    model: str,
    n_neurons: int,
    n_patterns: int,
    *,
    T: float = 0.0,
    noise: float = 0.1,
    degree: int = 3,
    lam: float = 1.0,
    n_sweeps: int = 10,
    n_replicas: int = 8,
    threshold: float = 0.95,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Single-spin-flip Monte Carlo from corrupted copies of stored patterns.

    Replica r starts from pattern r mod P with a random fraction ``noise`` of its bits flipped;
    it counts as retrieved when its final overlap with that pattern is >= ``threshold``.

    Parameters
    ----------
    model : {'polynomial', 'rectified', 'exponential'}
        F(x) = xⁿ, max(x, 0)ⁿ or e^(λx) on raw overlaps x = ξ·σ.
    n_neurons : int
        N >= 3.
    n_patterns : int
        P >= 1 Rademacher patterns.
    T : float
        Temperature >= 0 (0: asynchronous descent).
    noise : float
        Fraction of flipped cue bits, 0 <= ρ < 1/2.
    degree : int
        n >= 2 (polynomial models).
    lam : float
        λ > 0 (exponential model), λN <= 600.
    n_sweeps, n_replicas : int
        Sweeps (>= 1) and independent cues (>= 1).
    threshold : float
        Overlap at or above which a replica counts as retrieved, in (0, 1].
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None
        Called per sweep.

    Returns
    -------
    Dataset with ``overlap`` and ``retrieved`` on ``replica``, and scalars ``retrieved_fraction``,
    ``bit_error`` (final fraction of wrong bits), ``bit_error_theory`` (one-step estimate,
    polynomial models; NaN otherwise), ``alpha`` (ln P / N, exponential) and ``alpha_bound``
    (I(1−2ρ)/2, exponential; NaN otherwise).
    """
    from ..dynamics import run_montecarlo

    check_choice(model, "model", MODELS)
    big_n = check_int(n_neurons, "n_neurons", low=3)
    p = check_int(n_patterns, "n_patterns", low=1)
    temp = check_scalar(T, "T", low=0.0)
    rho = check_scalar(noise, "noise", low=0.0, high=0.5, high_inclusive=False)
    n = check_int(degree, "degree", low=2)
    sweeps = check_int(n_sweeps, "n_sweeps", low=1)
    reps = check_int(n_replicas, "n_replicas", low=1)
    thr = check_scalar(threshold, "threshold", low=0.0, high=1.0, low_inclusive=False)
    gen = as_generator(rng)
    if model == "polynomial":
        cost = Polynomial(n, big_n)
    elif model == "rectified":
        cost = RectifiedPolynomial(n, big_n)
    else:
        cost = Exponential(big_n, lam)
    xi = rademacher(p, big_n, rng=gen)
    target = np.arange(reps) % p
    flips = gen.random((reps, big_n)) < rho
    s0 = np.where(flips, -xi[target], xi[target]).astype(np.int8)
    res = run_montecarlo(Network(xi, cost), s0, T=temp, n_sweeps=sweeps, record_every=sweeps,
                         rng=gen, progress=progress)
    m = res.m_final[np.arange(reps), target]
    if model == "exponential":
        th, alpha, bound = math.nan, math.log(p) / big_n, exponential_alpha_max(rho)
    else:
        th = cue_bit_error_theory(model, n, big_n, p, rho)
        alpha, bound = float(p) / big_n ** (n - 1), math.nan
    ds = xr.Dataset(
        {
            "overlap": (("replica",), m),
            "retrieved": (("replica",), m >= thr),
            "retrieved_fraction": ((), float(np.mean(m >= thr))),
            "bit_error": ((), float(np.mean((1.0 - m) / 2.0))),
            "bit_error_theory": ((), th),
            "alpha": ((), alpha),
            "alpha_bound": ((), bound),
        },
        coords={"replica": np.arange(reps)},
    )
    _annotate(ds, {
        "overlap": ("final overlap with the cued pattern", "1"),
        "retrieved": (f"final overlap >= {thr:g}", "1"),
        "retrieved_fraction": ("fraction of replicas that retrieved their pattern", "1"),
        "bit_error": ("mean fraction of wrong bits in the final states", "1"),
        "bit_error_theory": ("one-step signal-to-noise bit error from the cue", "1"),
        "alpha": ("load: P/N^(n-1) (polynomial) or ln(P)/N (exponential)", "1"),
        "alpha_bound": ("Demircigil et al. bound I(1-2 rho)/2 on ln(P)/N", "1"),
        "replica": ("replica (cue) index", "1"),
    })
    ds.attrs.update(provenance_attrs("family_more.noisy_cue_retrieval", {
        "model": model, "n_neurons": big_n, "n_patterns": p, "T": temp, "noise": rho, "degree": n,
        "lam": lam, "n_sweeps": sweeps, "n_replicas": reps, "threshold": thr}))
    return ds


def _unit_rows(gen: np.random.Generator, rows: int, dim: int) -> np.ndarray:
    x = gen.standard_normal((rows, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def random_feature_error(
    n_features: Sequence[int],
    *,
    n_patterns: int = 32,
    n_dim: int = 8,
    beta: float = 1.0,
    n_queries: int = 32,
    cue_noise: float = 0.3,
    n_draws: int = 4,
    kind: str = "positive",
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """RMS error of the random-feature LSE energy against the exact one, vs the feature count Y.

    Patterns are unit vectors in d dimensions; queries are patterns plus Gaussian noise of norm
    about ``cue_noise``. For each Y, ``n_draws`` independent sets of frequencies are drawn.

    Parameters
    ----------
    n_features : sequence of int
        Y values (>= 1 each).
    n_patterns, n_dim, n_queries, n_draws : int
        P, d, number of queries, independent feature draws (all >= 1).
    beta : float
        β > 0.
    cue_noise : float
        Norm scale of the query noise (>= 0).
    kind : {'positive', 'fourier'}
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None

    Returns
    -------
    Dataset with ``rms_error`` and ``rms_error_err`` on ``n_features``, and the scalar ``slope``
    of the least-squares fit of log error on log Y (theory: −1/2).
    """
    ys = [check_int(v, "n_features", low=1) for v in n_features]
    if len(ys) < 2:
        raise ValueError(f"n_features: got {list(n_features)!r}, expected at least two values")
    p = check_int(n_patterns, "n_patterns", low=1)
    d = check_int(n_dim, "n_dim", low=1)
    b = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    nq = check_int(n_queries, "n_queries", low=1)
    noise = check_scalar(cue_noise, "cue_noise", low=0.0)
    draws = check_int(n_draws, "n_draws", low=1)
    check_choice(kind, "kind", ("positive", "fourier"))
    gen = as_generator(rng)
    xi = _unit_rows(gen, p, d)
    x = xi[gen.integers(0, p, nq)] + noise * gen.standard_normal((nq, d)) / math.sqrt(d)
    err = np.zeros((len(ys), draws))
    for a, y in enumerate(ys):
        for k in range(draws):
            err[a, k] = approximation_error(xi, x, b, y, kind=kind, rng=gen)
        if progress is not None:
            progress(a + 1, len(ys))
    mean = err.mean(axis=1)
    sem = err.std(axis=1, ddof=1) / math.sqrt(draws) if draws > 1 else np.full(len(ys), np.nan)
    slope = float(np.polyfit(np.log(ys), np.log(mean), 1)[0])
    ds = xr.Dataset(
        {"rms_error": (("n_features",), mean), "rms_error_err": (("n_features",), sem),
         "slope": ((), slope)},
        coords={"n_features": ys},
    )
    _annotate(ds, {
        "rms_error": ("RMS |E_features - E_exact| over the queries, mean over draws", "1/beta"),
        "rms_error_err": ("standard error of rms_error over feature draws", "1/beta"),
        "slope": ("fitted slope of log rms_error vs log Y (theory -1/2)", "1"),
        "n_features": ("number of random features Y", "1"),
    })
    ds.attrs.update(provenance_attrs("family_more.random_feature_error", {
        "n_features": ys, "n_patterns": p, "n_dim": d, "beta": b, "n_queries": nq,
        "cue_noise": noise, "n_draws": draws, "kind": kind}))
    return ds


def sparse_retrieval(
    alphas: Sequence[float],
    noises: Sequence[float],
    *,
    n_patterns: int = 64,
    n_dim: int = 32,
    beta: float = 8.0,
    n_queries: int = 64,
    max_iter: int = 50,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Hopfield–Fenchel–Young retrieval with α-entmax, from noisy copies of unit patterns.

    Parameters
    ----------
    alphas : sequence of float
        Entmax α >= 1 (1: softmax, i.e. Ramsauer's update; 2: sparsemax).
    noises : sequence of float
        Norm scale of the Gaussian noise added to the cue (>= 0).
    n_patterns, n_dim, n_queries : int
        P, d and the number of cues per point.
    beta : float
        β > 0.
    max_iter : int
        Maximal retrieval updates.
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None

    Returns
    -------
    Dataset on (alpha, noise) with ``error`` (mean |q − ξ_target|), ``exact_fraction``
    (|q − ξ_target| < 1e-9), ``support_size`` (mean number of non-zero weights) and
    ``converged`` (fraction of runs that converged).
    """
    al = [check_scalar(a, "alphas", low=1.0) for a in alphas]
    nz = [check_scalar(v, "noises", low=0.0) for v in noises]
    if not al or not nz:
        raise ValueError("alphas/noises: got an empty sequence, expected at least one value")
    p = check_int(n_patterns, "n_patterns", low=1)
    d = check_int(n_dim, "n_dim", low=1)
    nq = check_int(n_queries, "n_queries", low=1)
    b = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    it = check_int(max_iter, "max_iter", low=1)
    gen = as_generator(rng)
    xi = _unit_rows(gen, p, d)
    target = gen.integers(0, p, nq)
    shape = (len(al), len(nz))
    err, exact, supp, conv = (np.zeros(shape) for _ in range(4))
    done = 0
    for j, v in enumerate(nz):
        q0 = xi[target] + v * gen.standard_normal((nq, d)) / math.sqrt(d)
        for i, a in enumerate(al):
            res = fy_retrieve(xi, q0, b, a, max_iter=it)
            dist = np.linalg.norm(res.q - xi[target], axis=1)
            err[i, j], exact[i, j] = dist.mean(), np.mean(dist < 1e-9)
            supp[i, j], conv[i, j] = res.support_size.mean(), float(res.converged)
            done += 1
            if progress is not None:
                progress(done, err.size)
    ds = xr.Dataset(
        {"error": (("alpha", "noise"), err), "exact_fraction": (("alpha", "noise"), exact),
         "support_size": (("alpha", "noise"), supp), "converged": (("alpha", "noise"), conv)},
        coords={"alpha": al, "noise": nz},
    )
    _annotate(ds, {
        "error": ("mean distance of the retrieved state to the cued pattern", "1"),
        "exact_fraction": ("fraction of cues retrieved exactly (distance < 1e-9)", "1"),
        "support_size": ("mean number of patterns with non-zero weight", "1"),
        "converged": ("1 if every retrieval converged within max_iter", "1"),
        "alpha": ("entmax alpha (1 softmax, 2 sparsemax)", "1"),
        "noise": ("norm scale of the cue noise", "1"),
    })
    ds.attrs.update(provenance_attrs("family_more.sparse_retrieval", {
        "alphas": al, "noises": nz, "n_patterns": p, "n_dim": d, "beta": b, "n_queries": nq,
        "max_iter": it}))
    return ds
