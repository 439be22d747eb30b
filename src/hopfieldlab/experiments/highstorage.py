"""High storage (P = αN): replica-symmetric phase diagrams and Monte Carlo retrieval on an (α, T) grid.

Each function returns an :class:`xarray.Dataset` with labelled dimensions, ``long_name``/``units``
attributes and provenance, for the plotting layer and the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import xarray as xr
from scipy.optimize import brentq, minimize

from .. import patterns
from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..dynamics import run_montecarlo
from ..io import annotate, cached_array, provenance_attrs
from ..models import AbstractOverlapCost, Network
from ..theory.highstorage import alpha_c, phase_lines, retrieval_temperature, rs_branch
from ._common import MODELS, model_costs

Progress = Callable[[int, int], None] | None


def _loads(alphas: Sequence[float] | np.ndarray, name: str = "alphas") -> np.ndarray:
    a = np.asarray(alphas, dtype=float)
    if a.ndim != 1 or a.size < 1 or np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise ValueError(f"{name}: got {alphas!r}, expected a 1-D array of loads > 0")
    return a


def retrieval_point(
    cost: AbstractOverlapCost,
    n_neurons: int,
    alpha: float,
    T: float,
    n_sweeps: int,
    *,
    rng: RNGLike = None,
) -> tuple[float, float]:
    """One Monte Carlo retrieval trial at load α: fresh patterns, a chain started at pattern 1.

    Draws P = max(1, round(αN)) Rademacher patterns, starts at pattern 1 and runs ``n_sweeps``
    heat-bath sweeps (zero-temperature descent at T = 0).

    Parameters
    ----------
    cost : AbstractOverlapCost
    n_neurons : int
        N >= 2.
    alpha : float
        Load α > 0.
    T : float
        Temperature >= 0.
    n_sweeps : int
        Sweeps, >= 2.
    rng : Generator, int or None
        Draws the patterns, then drives the chain.

    Returns
    -------
    (m, m_final) : tuple of float
        Overlap with pattern 1 averaged over the second half of the sweeps, and after the last.
    """
    n = check_int(n_neurons, "n_neurons", low=2)
    alpha = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    T = check_scalar(T, "T", low=0.0)
    sweeps = check_int(n_sweeps, "n_sweeps", low=2)
    gen = as_generator(rng)
    xi = patterns.rademacher(max(1, round(alpha * n)), n, rng=gen)
    s0 = np.where(xi[0] > 0, 1, -1).astype(np.int8)
    res = run_montecarlo(Network(xi, cost), s0, T=T, n_sweeps=sweeps, rng=gen, n_threads=1)
    m1 = res.overlaps[:, 0, 0]
    return float(m1[m1.shape[0] // 2:].mean()), float(m1[-1])


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
        Loads α >= 0 (:func:`hopfieldlab.theory.highstorage.phase_alphas` gives a grid from 0 to
        α_c that resolves the ends of the lines).
    c : float
        Speed of light of the relativistic cost.
    at_line : bool
        Also compute the de Almeida–Thouless line of the retrieval phase.
    progress : callable(done, total) or None

    Returns
    -------
    Dataset with ``T_g``, ``T_M``, ``T_c``, ``T_AT`` (model, alpha; NaN where the line is absent),
    ``T_M_status``, ``T_c_status``, ``T_AT_status`` (model, alpha; "ok…" or why the value is NaN)
    and attrs ``alpha_c``, ``m_c``.
    """
    a = np.asarray(alphas, dtype=float)
    if a.ndim != 1 or a.size < 1 or np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError(f"alphas: got {alphas!r}, expected a 1-D array of loads >= 0")
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
    for name in ("T_M", "T_c", "T_AT"):
        data[f"{name}_status"] = (("model", "alpha"),
                                  np.array([lines[k].status[name] for k in MODELS], dtype=str))
    ds = xr.Dataset(data, coords={"model": list(MODELS), "alpha": a})
    annotate(ds, {"T_g": ("spin-glass temperature T_g(α)", "1"),
                "T_M": ("highest temperature of the (metastable) retrieval state", "1"),
                "T_c": ("retrieval/spin-glass first-order temperature (equal free energies)", "1"),
                "T_AT": ("de Almeida–Thouless temperature of the retrieval state", "1"),
                "T_M_status": ("'ok' or why T_M is NaN", "1"),
                "T_c_status": ("'ok' (possibly with a note) or why T_c is NaN", "1"),
                "T_AT_status": ("'ok' or why T_AT is NaN", "1"),
                "alpha": ("load P/N", "1")})
    ds.attrs.update(alpha_c=lines["classical"].alpha_c, m_c=lines["classical"].m_c)
    ds.attrs.update(provenance_attrs("highstorage_phase_diagram",
                                     {"alphas": a.tolist(), "c": c, "at_line": at_line}))
    return ds


def _grid_load(costs: dict, alpha: float, ts: np.ndarray, n: int, seeds: int, sweeps: int,
               gen: np.random.Generator) -> np.ndarray:
    """m (model, T, seed) at one load: per seed one pattern set shared by both models and all T."""
    out = np.zeros((len(MODELS), ts.size, seeds))
    p = max(1, round(alpha * n))
    for s in range(seeds):
        xi = patterns.rademacher(p, n, rng=gen)
        s0 = np.where(xi[0] > 0, 1, -1).astype(np.int8)
        net = {k: Network(xi, costs[k]) for k in MODELS}
        for it, t in enumerate(ts):
            seed = np.random.SeedSequence(int(gen.integers(2**62)))
            for im, k in enumerate(MODELS):
                res = run_montecarlo(net[k], s0, T=float(t), n_sweeps=sweeps, rng=seed)
                out[im, it, s] = float(res.overlaps[res.overlaps.shape[0] // 2:, 0, 0].mean())
    return out


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
    cache: str | Path | None = None,
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
        Called once per load.
    cache : path, optional
        Folder where each finished load (every T, seed and model) is kept: a rerun with the
        same seed and arguments computes only the missing loads.

    Returns
    -------
    Dataset with ``m`` and ``retrieved`` (model, alpha, T, seed), ``fraction`` (model, alpha, T),
    ``m_theory`` (model, alpha, T; NaN where the RS retrieval state does not exist) and ``T_M``
    (model, alpha; NaN beyond α_c, where no retrieval state is traced).
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
    # one stream per load, drawn up front: each load is a resumable unit of work
    streams = gen.integers(0, 2**63 - 1, size=a.size)
    for ia, al in enumerate(a):
        point = dict(alpha=float(al), T=ts.tolist(), n=n, seeds=seeds, sweeps=sweeps, c=c,
                     stream=int(streams[ia]))
        m_mc[:, ia] = cached_array(cache, "highstorage_grid_load", point, lambda: _grid_load(
            costs, point["alpha"], ts, n, seeds, sweeps, np.random.default_rng(point["stream"])))
        if progress:
            progress(ia + 1, a.size)
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
    the retrieved fraction is > 1/2 exactly where T < T_M(α), else 0.0. Loads beyond α_c
    (T_M NaN) predict no retrieval; those within ``margin`` of α_c are NaN as well (the RS
    retrieval region reaches slightly beyond α_c, re-entrantly).

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
    beyond = np.isnan(ds["T_M"]) & (ds["alpha"] > alpha_c()[0] + margin)
    clear = (abs(ds["T"] - ds["T_M"]) >= margin) | beyond
    agree = ((ds["fraction"] > 0.5) == predicted).astype(float)
    return agree.where(clear, math.nan)


def theory_alpha(cost: AbstractOverlapCost, T: float) -> float:
    """RS load at which the retrieval state disappears at temperature T: α_c at T = 0, else T_M(α) = T.

    Parameters
    ----------
    cost : AbstractOverlapCost
    T : float
        Temperature, 0 <= T < T_M(α → 0).

    Returns
    -------
    float
    """
    T = check_scalar(T, "T", low=0.0)
    ac = alpha_c()[0]
    if T == 0.0:
        return ac
    lo, hi = 1e-4, ac
    if retrieval_temperature(cost, hi) >= T:
        # T_M(α_c) > 0: within RS the boundary at this T lies in the re-entrant sliver beyond α_c
        raise ValueError(f"T: got {T}, expected T above T_M(α_c) = "
                         f"{retrieval_temperature(cost, hi):.4g} (below it the RS boundary lies "
                         "beyond α_c, in the re-entrant region that is not traced)")
    if retrieval_temperature(cost, lo) <= T:
        raise ValueError(f"T: got {T}, expected T below T_M(α = {lo:g}) = "
                         f"{retrieval_temperature(cost, lo):.4g}")
    return float(brentq(lambda a: retrieval_temperature(cost, a) - T, lo, hi, xtol=1e-5))


def half_crossing(alphas: np.ndarray, retrieved: np.ndarray) -> tuple[float, float]:
    """Load where the retrieval probability falls through 1/2, from binary outcomes.

    Fits P(retrieved | α) = 1/(1 + exp((α − α_½)/w)) by maximum likelihood to every trial,
    which uses all outcomes rather than interpolating a noisy per-load fraction.

    Parameters
    ----------
    alphas : array, shape (K,)
        Loads, increasing.
    retrieved : array of bool, shape (K, S)
        Outcomes of S trials per load.

    Returns
    -------
    (alpha_half, width) : tuple of float
        NaN for both when the outcomes do not bracket a crossing (all retrieved or none).
    """
    a = np.asarray(alphas, dtype=float)
    y = np.asarray(retrieved, dtype=float)
    if y.ndim != 2 or y.shape[0] != a.size:
        raise ValueError(f"retrieved: got shape {y.shape}, expected ({a.size}, seeds)")
    frac = y.mean(axis=1)
    if frac.max() == 0.0 or frac.min() == 1.0:
        return math.nan, math.nan
    scale = float(a.max() - a.min()) or 1.0
    aa = np.repeat(a, y.shape[1])
    yy = y.ravel()

    def nll(par: np.ndarray) -> float:
        z = (aa - par[0]) / (scale * math.exp(par[1]))
        # log(1 + e^z) evaluated stably; a weak prior keeps w finite for separable data
        return float(np.sum(np.logaddexp(0.0, z) - (1 - yy) * z) + 0.5 * (par[1] + 3.0) ** 2 / 4.0)

    # start at the interpolated crossing of the per-load fraction
    k = int(np.argmax(frac < 0.5)) if np.any(frac < 0.5) else a.size - 1
    start = a[k] if k == 0 else float(np.interp(0.5, [frac[k], frac[k - 1]], [a[k], a[k - 1]]))
    res = minimize(nll, np.array([start, -3.0]), method="Nelder-Mead",
                   options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 2000})
    return float(res.x[0]), float(scale * math.exp(res.x[1]))


def retrieval_boundary_vs_n(
    sizes: Sequence[int],
    temperatures: Sequence[float] = (0.0, 0.2),
    ratios: Sequence[float] | np.ndarray = (0.9, 1.0, 1.1, 1.2, 1.3, 1.45),
    *,
    model: str = "classical",
    n_seeds: int = 4,
    n_sweeps: int = 60,
    threshold: float = 0.75,
    c: float = 1.0,
    rng: RNGLike = None,
    progress: Progress = None,
    cache: str | Path | None = None,
) -> xr.Dataset:
    """Finite-size study of the retrieval boundary: where retrieval stops, per N, against RS theory.

    At each temperature the loads are α = ratio·α_RS(T), with α_RS(0) = α_c and α_RS(T) the load
    where T_M(α) = T. For every (N, α) ``n_seeds`` trials of :func:`retrieval_point` give the
    retrieved fraction (m > ``threshold``); :func:`half_crossing` gives α_½(N). The finite-N
    boundary is extrapolated linearly in N^{-1/2}, α_½(N) = α_∞ + a N^{-1/2} (least squares over
    the sizes), the slow approach seen at T = 0 where the finite-N boundary lies above α_c.

    Parameters
    ----------
    sizes : sequence of int
        Network sizes N (>= 50), at least two for the extrapolation.
    temperatures : sequence of float
        Temperatures T >= 0 below T_M(α → 0).
    ratios : sequence of float
        Loads relative to α_RS(T), increasing, > 0.
    model : {'classical', 'relativistic'}
    n_seeds : int
        Trials (fresh patterns and chain) per (T, N, α).
    n_sweeps : int
        Sweeps per trial. Above the boundary m slides away from the pattern over tens of sweeps,
        so too few sweeps push α_½ up (at N = 2000, α = 0.165, T = 0: m ≈ 0.7 after 20 sweeps,
        ≈ 0.35 after 80).
    threshold : float
        Retrieval criterion on m, in (0, 1).
    c : float
        Speed of light of the relativistic cost.
    rng : Generator, int or None
    progress : callable(done, total) or None
    cache : path, optional
        Folder where each finished (T, N, α) point is kept (:func:`hopfieldlab.io.cached_array`):
        a rerun with the same seed and arguments computes only the missing points.

    Returns
    -------
    Dataset with ``m`` (T, N, ratio, seed), ``fraction`` (T, N, ratio), ``alpha`` (T, ratio),
    ``alpha_half`` and ``width`` (T, N), ``alpha_theory``, ``alpha_extrap``, ``slope`` (T).
    """
    ns = np.asarray([check_int(v, f"sizes[{i}]", low=50) for i, v in enumerate(sizes)], dtype=int)
    if ns.size < 1 or len(set(ns.tolist())) != ns.size:
        raise ValueError(f"sizes: got {list(sizes)!r}, expected distinct sizes N >= 50")
    ns = np.sort(ns)
    ts = np.asarray(temperatures, dtype=float)
    if ts.ndim != 1 or ts.size < 1 or np.any(~np.isfinite(ts)) or np.any(ts < 0):
        raise ValueError(f"temperatures: got {temperatures!r}, expected a 1-D array of T >= 0")
    rs = _loads(ratios, "ratios")
    if np.any(np.diff(rs) <= 0):
        raise ValueError(f"ratios: got {ratios!r}, expected increasing values")
    if model not in MODELS:
        raise ValueError(f"model: got {model!r}, expected one of {', '.join(map(repr, MODELS))}")
    seeds = check_int(n_seeds, "n_seeds", low=1)
    sweeps = check_int(n_sweeps, "n_sweeps", low=2)
    thr = check_scalar(threshold, "threshold", low=0.0, high=1.0, low_inclusive=False,
                       high_inclusive=False)
    c = check_scalar(c, "c", low=0.0, low_inclusive=False)
    cost = model_costs(c)[model]
    gen = as_generator(rng)
    a_th = np.array([theory_alpha(cost, float(t)) for t in ts])
    alpha = a_th[:, None] * rs[None, :]
    # one independent stream per trial, drawn up front so results do not depend on the loop order
    streams = gen.integers(0, 2**63 - 1, size=(ts.size, ns.size, rs.size, seeds))
    m = np.zeros((ts.size, ns.size, rs.size, seeds))
    total, done = m.size, 0
    for it, t in enumerate(ts):
        for i_n, n in enumerate(ns):
            for ir in range(rs.size):
                point = dict(model=model, c=c, n=int(n), alpha=float(alpha[it, ir]), T=float(t),
                             sweeps=sweeps, streams=streams[it, i_n, ir].tolist())
                m[it, i_n, ir] = cached_array(cache, "highstorage_boundary_point", point, lambda: [
                    retrieval_point(cost, point["n"], point["alpha"], point["T"], sweeps, rng=int(st))[0]
                    for st in point["streams"]])
                done += seeds
                if progress:
                    progress(done, total)
    retrieved = m > thr
    half = np.full((ts.size, ns.size), np.nan)
    width = np.full_like(half, np.nan)
    for it in range(ts.size):
        for i_n in range(ns.size):
            half[it, i_n], width[it, i_n] = half_crossing(alpha[it], retrieved[it, i_n])
    extrap = np.full(ts.size, np.nan)
    slope = np.full(ts.size, np.nan)
    x = ns.astype(float) ** -0.5
    for it in range(ts.size):
        ok = np.isfinite(half[it])
        if ok.sum() >= 2:
            slope[it], extrap[it] = np.polyfit(x[ok], half[it, ok], 1)
    ds = xr.Dataset(
        {"m": (("T", "N", "ratio", "seed"), m),
         "fraction": (("T", "N", "ratio"), retrieved.mean(axis=-1)),
         "alpha": (("T", "ratio"), alpha),
         "alpha_half": (("T", "N"), half),
         "width": (("T", "N"), width),
         "alpha_theory": (("T",), a_th),
         "alpha_extrap": (("T",), extrap),
         "slope": (("T",), slope)},
        coords={"T": ts, "N": ns, "ratio": rs, "seed": np.arange(seeds)},
    )
    annotate(ds, {"m": ("overlap with the initial pattern, second-half mean", "1"),
                  "fraction": (f"fraction of trials with m > {thr:g}", "1"),
                  "alpha": ("load P/N", "1"),
                  "alpha_half": ("load where the retrieval probability is 1/2 (logistic fit)", "1"),
                  "width": ("width of the logistic fit in α", "1"),
                  "alpha_theory": ("RS boundary: α_c at T = 0, else T_M(α) = T", "1"),
                  "alpha_extrap": ("α_½ extrapolated to N → ∞ (linear in N^-1/2)", "1"),
                  "slope": ("coefficient a of α_½ = α_∞ + a N^-1/2", "1"),
                  "T": ("temperature", "1"), "N": ("number of neurons", "1"),
                  "ratio": ("load relative to the RS boundary α/α_RS(T)", "1")})
    ds.attrs.update(model=model, extrapolation="alpha_half(N) = alpha_inf + a N^(-1/2)")
    ds.attrs.update(provenance_attrs("highstorage_boundary_vs_n", {
        "sizes": ns.tolist(), "temperatures": ts.tolist(), "ratios": rs.tolist(), "model": model,
        "n_seeds": seeds, "n_sweeps": sweeps, "threshold": thr, "c": c}))
    return ds
