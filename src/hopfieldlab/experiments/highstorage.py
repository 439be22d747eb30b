"""High storage (P = αN): replica-symmetric phase diagrams and Monte Carlo retrieval on an (α, T) grid.

Each function returns an :class:`xarray.Dataset` with labelled dimensions, ``long_name``/``units``
attributes and provenance, for the plotting layer and the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from .. import patterns
from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..dynamics import run_montecarlo
from ..io import annotate, provenance_attrs
from ..models import Network
from ..theory.highstorage import phase_lines, retrieval_temperature, rs_branch
from ._common import MODELS, model_costs

Progress = Callable[[int, int], None] | None




def _loads(alphas: Sequence[float] | np.ndarray, name: str = "alphas") -> np.ndarray:
    a = np.asarray(alphas, dtype=float)
    if a.ndim != 1 or a.size < 1 or np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"{name}: got {alphas!r}, expected a 1-D array of loads > 0")
    return a


def phase_diagram(
    alphas: Sequence[float] | np.ndarray,
    *,
    c: float = 1.0,
    at_line: bool = True,
    progress: Progress = None,
) -> xr.Dataset:
    """RS phase diagram lines of the classical and relativistic costs on a grid of loads.

    Parameters
    ----------
    alphas : sequence of float
        Loads α > 0.
    c : float
        Speed of light of the relativistic cost.
    at_line : bool
        Also compute the de Almeida–Thouless line of the retrieval phase.
    progress : callable(done, total) or None

    Returns
    -------
    Dataset with ``T_g``, ``T_M``, ``T_c``, ``T_AT`` (model, alpha) and attrs ``alpha_c``, ``m_c``.
    """
    a = _loads(alphas)
    c = check_scalar(c, "c", low=0.0, low_inclusive=False)
    costs = model_costs(c)
    lines = {}
    for i, k in enumerate(MODELS):
        def step(done: int, total: int, i: int = i) -> None:
            if progress:
                progress(i * total + done, len(MODELS) * total)

        lines[k] = phase_lines(costs[k], a, at_line=at_line, progress=step)
    data = {name: (("model", "alpha"), np.array([getattr(lines[k], name) for k in MODELS]))
            for name in ("T_g", "T_M", "T_c", "T_AT")}
    ds = xr.Dataset(data, coords={"model": list(MODELS), "alpha": a})
    annotate(ds, {"T_g": ("spin-glass temperature T_g(α)", "1"),
                "T_M": ("highest temperature of the (metastable) retrieval state", "1"),
                "T_c": ("retrieval/spin-glass first-order temperature (equal free energies)", "1"),
                "T_AT": ("de Almeida–Thouless temperature of the retrieval state", "1"),
                "alpha": ("load P/N", "1")})
    ds.attrs.update(alpha_c=lines["classical"].alpha_c, m_c=lines["classical"].m_c)
    ds.attrs.update(provenance_attrs("highstorage_phase_diagram",
                                     {"alphas": a.tolist(), "c": c, "at_line": at_line}))
    return ds


def retrieval_grid(
    alphas: Sequence[float] | np.ndarray,
    temperatures: Sequence[float] | np.ndarray,
    *,
    n_neurons: int = 1000,
    n_seeds: int = 4,
    n_sweeps: int = 60,
    threshold: float = 0.6,
    c: float = 1.0,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Monte Carlo retrieval from a stored pattern on an (α, T) grid, beside the RS theory.

    For each seed a fresh set of P = round(αN) Rademacher patterns is drawn (shared by the two
    models), the chain starts at pattern 1 and runs ``n_sweeps`` heat-bath sweeps; ``m`` is the
    mean of m_1 over the second half of the sweeps and the run counts as retrieved when
    m > ``threshold``. Starting at the pattern probes the metastable retrieval state, so the
    boundary to compare with is T_M(α), not T_c(α).

    Parameters
    ----------
    alphas, temperatures : sequence of float
        The grid (α > 0, T >= 0; temperatures increasing).
    n_neurons : int
        N.
    n_seeds : int
        Independent pattern sets and chains per grid point.
    n_sweeps : int
        Sweeps per chain.
    threshold : float
        Retrieval criterion on m_1, in (0, 1).
    c : float
        Speed of light of the relativistic cost.
    rng : Generator, int or None
    progress : callable(done, total) or None

    Returns
    -------
    Dataset with ``m`` and ``retrieved`` (model, alpha, T, seed), ``fraction`` (model, alpha, T),
    ``m_theory`` (model, alpha, T; NaN where the RS retrieval state does not exist) and ``T_M``
    (model, alpha).
    """
    a = _loads(alphas)
    ts = np.asarray(temperatures, dtype=float)
    if ts.ndim != 1 or ts.size < 1 or np.any(ts < 0) or np.any(np.diff(ts) <= 0):
        raise ValueError(f"temperatures: got {temperatures!r}, expected increasing T >= 0")
    n = check_int(n_neurons, "n_neurons", low=10)
    seeds = check_int(n_seeds, "n_seeds", low=1)
    sweeps = check_int(n_sweeps, "n_sweeps", low=2)
    thr = check_scalar(threshold, "threshold", low=0.0, high=1.0, low_inclusive=False,
                       high_inclusive=False)
    c = check_scalar(c, "c", low=0.0, low_inclusive=False)
    gen = as_generator(rng)
    costs = model_costs(c)
    shape = (len(MODELS), a.size, ts.size, seeds)
    m_mc = np.zeros(shape)
    total, done = a.size * ts.size * seeds, 0
    for ia, al in enumerate(a):
        p = max(1, round(al * n))
        for s in range(seeds):
            xi = patterns.rademacher(p, n, rng=gen)
            s0 = np.where(xi[0] > 0, 1, -1).astype(np.int8)
            net = {k: Network(xi, costs[k]) for k in MODELS}
            for it, t in enumerate(ts):
                seed = np.random.SeedSequence(int(gen.integers(2**62)))
                for im, k in enumerate(MODELS):
                    res = run_montecarlo(net[k], s0, T=float(t), n_sweeps=sweeps, rng=seed)
                    half = res.overlaps[res.overlaps.shape[0] // 2:, 0, 0]
                    m_mc[im, ia, it, s] = float(half.mean())
                done += 1
                if progress:
                    progress(done, total)
    m_th = np.full(shape[:3], np.nan)
    t_m = np.zeros((len(MODELS), a.size))
    for im, k in enumerate(MODELS):
        for ia, al in enumerate(a):
            for it, st in enumerate(rs_branch(costs[k], float(al), ts, "retrieval")):
                if st.converged:
                    m_th[im, ia, it] = st.m
            t_m[im, ia] = retrieval_temperature(costs[k], float(al))
    retrieved = m_mc > thr
    ds = xr.Dataset(
        {"m": (("model", "alpha", "T", "seed"), m_mc),
         "retrieved": (("model", "alpha", "T", "seed"), retrieved),
         "fraction": (("model", "alpha", "T"), retrieved.mean(axis=-1)),
         "m_theory": (("model", "alpha", "T"), m_th),
         "T_M": (("model", "alpha"), t_m)},
        coords={"model": list(MODELS), "alpha": a, "T": ts, "seed": np.arange(seeds)},
    )
    annotate(ds, {"m": ("overlap with the initial pattern, second-half mean", "1"),
                "fraction": (f"fraction of runs with m > {thr:g}", "1"),
                "m_theory": ("RS retrieval overlap (NaN: no retrieval state)", "1"),
                "T_M": ("RS retrieval-existence temperature T_M(α)", "1"),
                "alpha": ("load P/N", "1"), "T": ("temperature", "1")})
    ds["retrieved"].attrs.update(long_name=f"m > {thr:g}", units="1")
    ds.attrs.update(provenance_attrs("highstorage_retrieval_grid", {
        "alphas": a.tolist(), "temperatures": ts.tolist(), "n_neurons": n, "n_seeds": seeds,
        "n_sweeps": sweeps, "threshold": thr, "c": c}))
    return ds


def theory_agreement(ds: xr.Dataset, margin: float = 0.1) -> xr.DataArray:
    """Where the RS prediction is clear-cut, does the Monte Carlo majority agree with it?

    Points with |T − T_M(α)| < ``margin`` (finite-size crossover) are NaN; elsewhere 1.0 when
    the retrieved fraction is > 1/2 exactly where T < T_M(α), else 0.0.

    Parameters
    ----------
    ds : Dataset
        From :func:`retrieval_grid`.
    margin : float
        Half-width of the excluded band around the T_M line.

    Returns
    -------
    DataArray (model, alpha, T)
    """
    margin = check_scalar(margin, "margin", low=0.0)
    predicted = ds["T"] < ds["T_M"]
    clear = abs(ds["T"] - ds["T_M"]) >= margin
    agree = ((ds["fraction"] > 0.5) == predicted).astype(float)
    return agree.where(clear, math.nan)
