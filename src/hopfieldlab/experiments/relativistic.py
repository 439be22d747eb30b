"""The relativistic Hopfield model (Barra, Beccaria, Fachechi 2018) beside the classical one.

Each function returns an :class:`xarray.Dataset` with labelled dimensions, ``long_name``/``units``
attributes and provenance; the plotting layer draws them and the report tabulates them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from .. import patterns
from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..dynamics import run_montecarlo
from ..io import annotate, provenance_attrs
from ..models import Network, Relativistic, expansion_table
from ..observables import mixture_state
from ..theory import classify_overlaps, solve_state, stability_threshold
from ..theory.state_labels import LABELS
from ._common import MODELS, model_costs

Progress = Callable[[int, int], None] | None




def overlap_vs_temperature(
    temperatures: Sequence[float] | np.ndarray,
    temperatures_mc: Sequence[float] | np.ndarray,
    *,
    n_neurons: int = 10_000,
    n_patterns: int = 3,
    n_sweeps: int = 200,
    n_replicas: int = 4,
    c: float = 1.0,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Pure-state overlap m(T): mean-field theory on a fine grid, Monte Carlo on a coarse one.

    Monte Carlo starts at pattern 1 (heat bath, random-sequential order); each replica has its own
    patterns, and the measured ⟨m_1⟩ is the time average over the second half of the sweeps.

    Returns
    -------
    Dataset with ``m_theory`` (model, T), ``m_mc`` and ``m_mc_err`` (model, T_mc).
    """
    n = check_int(n_neurons, "n_neurons", low=2)
    p = check_int(n_patterns, "n_patterns", low=1)
    r = check_int(n_replicas, "n_replicas", low=2)
    sweeps = check_int(n_sweeps, "n_sweeps", low=2)
    t_th = np.asarray(temperatures, dtype=float)
    t_mc = np.asarray(temperatures_mc, dtype=float)
    gen = as_generator(rng)
    costs = model_costs(c)
    m_th = np.array([[solve_state(costs[k], float(t), "pure", n_patterns=p).m[0] for t in t_th]
                     for k in MODELS])
    m_mc = np.zeros((len(MODELS), t_mc.size))
    m_err = np.zeros_like(m_mc)
    total, done = len(MODELS) * t_mc.size, 0
    for j, t in enumerate(t_mc):
        pattern_sets = [patterns.rademacher(p, n, rng=gen) for _ in range(r)]
        seed = int(gen.integers(2**62))
        for i, k in enumerate(MODELS):
            per_replica = []
            for q, xi in enumerate(pattern_sets):
                s0 = np.where(xi[0] > 0, 1, -1).astype(np.int8)
                res = run_montecarlo(Network(xi, costs[k]), s0, T=float(t), n_sweeps=sweeps,
                                     rng=np.random.SeedSequence(seed, spawn_key=(q,)))
                half = res.overlaps[res.overlaps.shape[0] // 2:, 0, 0]
                per_replica.append(half.mean())
            m_mc[i, j] = np.mean(per_replica)
            m_err[i, j] = np.std(per_replica, ddof=1) / np.sqrt(r)
            done += 1
            if progress:
                progress(done, total)
    ds = xr.Dataset(
        {"m_theory": (("model", "T"), m_th), "m_mc": (("model", "T_mc"), m_mc),
         "m_mc_err": (("model", "T_mc"), m_err)},
        coords={"model": list(MODELS), "T": t_th, "T_mc": t_mc},
    )
    annotate(ds, {"m_theory": ("pure-state overlap, mean-field theory", "1"),
                "m_mc": ("pure-state overlap ⟨m_1⟩, Monte Carlo", "1"),
                "m_mc_err": ("standard error of ⟨m_1⟩ over replicas", "1"),
                "T": ("temperature", "1"), "T_mc": ("temperature (Monte Carlo)", "1")})
    ds.attrs.update(provenance_attrs("overlap_vs_temperature", dict(
        n_neurons=n, n_patterns=p, n_sweeps=sweeps, n_replicas=r, c=c)))
    return ds


def mixture_stability(
    temperatures: Sequence[float] | np.ndarray,
    *,
    n_values: Sequence[int] = (3, 5),
    c: float = 1.0,
) -> xr.Dataset:
    """Stability of symmetric n-mixtures vs T for both costs, and the thresholds T*.

    ``margin`` = 1 − (largest eigenvalue of β C ∇²F): the state is locally stable where it is > 0.
    ``T_star_beta_eff`` is the relativistic threshold predicted from the classical one by the
    effective-temperature identity T*_rel = T*_cl / √(1 + n m*²) (an independent route).
    """
    t = np.asarray(temperatures, dtype=float)
    costs = model_costs(c)
    ns = [check_int(v, "n_values", low=1) for v in n_values]
    margin = np.full((len(MODELS), len(ns), t.size), np.nan)
    m = np.full_like(margin, np.nan)
    t_star = np.zeros((len(MODELS), len(ns)))
    for i, k in enumerate(MODELS):
        for j, nv in enumerate(ns):
            for q, tv in enumerate(t):
                st = solve_state(costs[k], float(tv), f"mixture:{nv}")
                if st.converged and st.m[0] > 1e-6:
                    margin[i, j, q], m[i, j, q] = st.margin, st.m[0]
            t_star[i, j] = stability_threshold(costs[k], nv)
    predicted = np.zeros(len(ns))
    for j, nv in enumerate(ns):
        m_cl = solve_state(costs["classical"], float(t_star[0, j]), f"mixture:{nv}").m[0]
        predicted[j] = t_star[0, j] / np.sqrt(1.0 + nv * m_cl**2 / c**2)
    ds = xr.Dataset(
        {"margin": (("model", "n", "T"), margin), "m": (("model", "n", "T"), m),
         "T_star": (("model", "n"), t_star), "T_star_beta_eff": (("n",), predicted)},
        coords={"model": list(MODELS), "n": ns, "T": t},
    )
    annotate(ds, {"margin": ("stability margin 1 − max eig(βC∇²F)", "1"),
                "m": ("symmetric mixture overlap", "1"),
                "T_star": ("temperature below which the n-mixture is stable", "1"),
                "T_star_beta_eff": ("relativistic T* from the classical one via β_eff", "1")})
    ds.attrs.update(provenance_attrs("mixture_stability", dict(n_values=ns, c=c)))
    return ds


def spurious_escape(
    temperatures: Sequence[float] | np.ndarray,
    *,
    n_neurons: int = 10_000,
    n_patterns: int = 3,
    n_sweeps: int = 100,
    n_trials: int = 24,
    inits: Sequence[str] = ("mixture", "random"),
    c: float = 1.0,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Where Monte Carlo ends when started in a 3-mixture or at random, for both costs.

    Each trial draws fresh patterns and a fresh dynamics seed, runs heat-bath dynamics for
    ``n_sweeps`` sweeps and labels the final overlaps by the nearest mean-field state at that T
    and cost (:func:`hopfieldlab.theory.classify_overlaps`: pure / mixture / paramagnet, or other
    when none lies within 0.1 + √(P/N)). Both costs
    see the same patterns and initial states. The fractions carry binomial standard errors.
    """
    n = check_int(n_neurons, "n_neurons", low=2)
    p = check_int(n_patterns, "n_patterns", low=3)
    trials = check_int(n_trials, "n_trials", low=2)
    sweeps = check_int(n_sweeps, "n_sweeps", low=1)
    t = np.asarray(temperatures, dtype=float)
    for tv in t:
        check_scalar(tv, "temperatures", low=0.0)
    gen = as_generator(rng)
    costs = model_costs(c)
    labels = LABELS
    counts = np.zeros((len(MODELS), len(inits), t.size, len(labels)))
    total, done = len(inits) * t.size * trials, 0
    for a, init in enumerate(inits):
        for q, tv in enumerate(t):
            for _ in range(trials):
                xi = patterns.rademacher(p, n, rng=gen)
                if init == "mixture":
                    s0 = mixture_state(xi, [0, 1, 2])
                elif init == "random":
                    s0 = gen.choice(np.array([-1, 1], dtype=np.int8), size=n)
                else:
                    raise ValueError(f"inits: got {init!r}, expected 'mixture' or 'random'")
                seed = int(gen.integers(2**62))
                for i, k in enumerate(MODELS):
                    res = run_montecarlo(Network(xi, costs[k]), s0, T=float(tv), n_sweeps=sweeps,
                                         record_every=sweeps, rng=seed)
                    label = classify_overlaps(res.m_final[0], costs[k], float(tv), n_neurons=n)
                    counts[i, a, q, labels.index(label.kind)] += 1
                done += 1
                if progress:
                    progress(done, total)
    frac = counts / trials
    err = np.sqrt(frac * (1 - frac) / trials)
    t_star = [stability_threshold(costs[k], 3, n_patterns=p) for k in MODELS]
    ds = xr.Dataset(
        {"fraction": (("model", "init", "T", "outcome"), frac),
         "fraction_err": (("model", "init", "T", "outcome"), err),
         "T_star": (("model",), t_star)},
        coords={"model": list(MODELS), "init": list(inits), "T": t, "outcome": list(labels)},
    )
    annotate(ds, {"fraction": ("fraction of trials ending nearest each mean-field state at T", "1"),
                "fraction_err": ("binomial standard error of the fraction", "1"),
                "T_star": ("mean-field temperature below which the 3-mixture is stable", "1")})
    ds.attrs.update(provenance_attrs("spurious_escape", dict(
        n_neurons=n, n_patterns=p, n_sweeps=sweeps, n_trials=trials, c=c, inits=list(inits))))
    return ds


def taylor_table(order: int = 12, c: float = 1.0) -> xr.Dataset:
    """The Taylor coefficients of √(1+|m|²) (c² √(1+|m|²/c²)) with their many-body reading."""
    rows = expansion_table(Relativistic(c=c).radial_series(order))
    ds = xr.Dataset(
        {"coefficient": ("k", [float(r.coefficient) for r in rows]),
         "numerator": ("k", [r.coefficient.numerator for r in rows]),
         "denominator": ("k", [r.coefficient.denominator for r in rows]),
         "body": ("k", [r.body for r in rows]),
         "reading": ("k", [r.reading for r in rows])},
        coords={"k": [r.k for r in rows]},
    )
    ds["coefficient"].attrs.update(long_name="Taylor coefficient c_k of F in powers of |m|²", units="1")
    ds.attrs.update(provenance_attrs("taylor_table", dict(order=order, c=c)))
    return ds
