"""The report's part on the relativistic Hopfield model."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..experiments import relativistic as exp
from ..io import cached_dataset
from ..models import Classical, Relativistic
from ..plotting import plot_mixture_stability, plot_overlap_vs_temperature, plot_spurious_escape
from ..theory import critical_temperature, solve_state
from ._html import Check, Section, provenance_line, save_figure

SIZES = {
    "tiny": dict(n_neurons=2_000, mc_T=[0.3, 0.7], sweeps=40, replicas=2,
                 esc_N=2_000, esc_T=[0.2, 0.4], esc_sweeps=20, esc_trials=3),
    "small": dict(n_neurons=10_000, mc_T=[0.2, 0.4, 0.6, 0.8, 0.9], sweeps=200, replicas=4,
                  esc_N=20_000, esc_T=[0.05, 0.15, 0.25, 0.30, 0.35, 0.40, 0.45], esc_sweeps=100,
                  esc_trials=24),
    "full": dict(n_neurons=50_000, mc_T=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95], sweeps=400,
                 replicas=8, esc_N=50_000, esc_T=[0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.34, 0.38, 0.42, 0.46, 0.50],
                 esc_sweeps=200, esc_trials=48),
}

INTRO = """
<p>N Ising neurons σ<sub>i</sub> = ±1 store P random ±1 patterns ξ<sup>μ</sup>; the Mattis overlaps are
m<sub>μ</sub> = (1/N) Σ<sub>i</sub> ξ<sub>i</sub><sup>μ</sup>σ<sub>i</sub>. Hopfield's cost is
H = −(N/2) Σ<sub>μ</sub> m<sub>μ</sub><sup>2</sup>, the kinetic energy of a classical free particle with
momentum m. Barra, Beccaria and Fachechi (2018) replace it by the relativistic free-particle energy,
H = −N √(1 + Σ<sub>μ</sub> m<sub>μ</sub><sup>2</sup>). Its Taylor series in |m|² alternates in sign:
a Hebbian 2-body term, an anti-Hebbian (unlearning) 4-body term, a reinforcing 6-body term, and so on.
At low load (P fixed, N → ∞) the free energy follows from the Hamilton–Jacobi equation of the free
particle, and every relativistic fixed point is a classical one at the effective inverse temperature
β/√(1 + |m|²). Below, mean-field theory (lines) is compared with single-spin-flip Monte Carlo
(points) of the exact finite-N cost.</p>
"""


def build_section(out: Path, size: str, seed: int, cache: Path,
                  progress: Callable[[str, int, int], None] | None = None) -> Section:
    """Compute (or load) the relativistic results and assemble the report section."""
    cfg = SIZES[size]
    figs = out / "figures"
    sec = Section("relativistic", "1. The relativistic Hopfield model (Barra, Beccaria, Fachechi 2018)", INTRO)
    cb = (lambda name: (lambda d, t: progress(name, d, t))) if progress else (lambda name: None)

    # m(T): theory against Monte Carlo
    t0 = time.perf_counter()
    p1 = dict(T=np.linspace(0.02, 1.2, 60).round(4).tolist(), T_mc=cfg["mc_T"], n_neurons=cfg["n_neurons"],
              n_sweeps=cfg["sweeps"], n_replicas=cfg["replicas"], seed=seed)
    ds1, c1 = cached_dataset(cache, "overlap_vs_temperature", p1, lambda: exp.overlap_vs_temperature(
        p1["T"], p1["T_mc"], n_neurons=p1["n_neurons"], n_sweeps=p1["n_sweeps"],
        n_replicas=p1["n_replicas"], rng=seed, progress=cb("m(T) Monte Carlo")))
    dt1 = time.perf_counter() - t0
    save_figure(plot_overlap_vs_temperature(ds1), figs, "rel_overlap_vs_T")
    sec.figures.append(("rel_overlap_vs_T", f"Pure-state overlap: theory vs Monte Carlo at N = {cfg['n_neurons']}"))
    for model in ("classical", "relativistic"):
        cost = Classical() if model == "classical" else Relativistic()
        for tv in cfg["mc_T"]:
            if tv > 0.85:  # near T_c = 1 finite-size effects exceed the tolerance by design
                continue
            ref = solve_state(cost, tv, "pure", n_patterns=3).m[0]
            sec.checks.append(Check(f"{model} m(T={tv}), N={cfg['n_neurons']}", ref,
                                    float(ds1.m_mc.sel(model=model, T_mc=tv)),
                                    max(0.02, 4 * float(ds1.m_mc_err.sel(model=model, T_mc=tv))),
                                    "mean-field theory vs Monte Carlo"))
    sec.provenance.append(provenance_line(ds1, f"hopfieldlab simulate --model relativistic --N {cfg['n_neurons']} --P 3 "
                                     f"--T 0.6 --init pattern:1 --sweeps {cfg['sweeps']} --replicas 4 --seed 1",
                                dt1, c1))

    # closed forms at T = 0 and the critical temperature
    for model, cost in (("classical", Classical()), ("relativistic", Relativistic())):
        sec.checks.append(Check(f"{model} T_c", 1.0, critical_temperature(cost), 1e-9, "paper (β_c = 1)"))
        for n, m0 in ((1, 1.0), (3, 0.5), (5, 0.375)):
            st = solve_state(cost, 0.0, "pure" if n == 1 else f"mixture:{n}")
            sec.checks.append(Check(f"{model} T=0 overlap, {'pure' if n == 1 else f'{n}-mixture'}", m0,
                                    float(st.m[0]), 1e-9, "closed form"))
            e_ref = -0.5 * n * m0**2 if model == "classical" else -math.sqrt(1 + n * m0**2)
            sec.checks.append(Check(f"{model} T=0 energy per neuron, n={n}", e_ref,
                                    float(-cost.F(st.m)), 1e-9, "closed form"))

    # mixture stability from theory
    t0 = time.perf_counter()
    p2 = dict(T=np.linspace(0.05, 0.75, 57).round(4).tolist(), n_values=[3, 5])
    ds2, c2 = cached_dataset(cache, "mixture_stability", p2,
                             lambda: exp.mixture_stability(p2["T"], n_values=p2["n_values"]))
    dt2 = time.perf_counter() - t0
    save_figure(plot_mixture_stability(ds2), figs, "rel_mixture_stability")
    sec.figures.append(("rel_mixture_stability", "Stability margin of 3- and 5-mixtures (stable where > 0)"))
    sec.checks.append(Check("classical 3-mixture T*", 0.461, float(ds2.T_star.sel(model="classical", n=3)),
                            0.005, "Amit–Gutfreund–Sompolinsky 1985"))
    for n in (3, 5):
        sec.checks.append(Check(f"relativistic {n}-mixture T*: direct vs β_eff route",
                                float(ds2.T_star_beta_eff.sel(n=n)),
                                float(ds2.T_star.sel(model="relativistic", n=n)), 1e-4,
                                "identity T*_rel = T*_cl/√(1+n m*²)"))
    sec.provenance.append(provenance_line(ds2, "hopfieldlab theory --model relativistic --state mixture:3 "
                                     "--stability-threshold --json", dt2, c2))
    rows = "".join(
        f"<tr><td>{n}-mixture</td><td>{float(ds2.T_star.sel(model='classical', n=n)):.4f}</td>"
        f"<td>{float(ds2.T_star.sel(model='relativistic', n=n)):.4f}</td></tr>" for n in (3, 5))
    sec.tables_html.append("<h3>Stability thresholds T* (stable below)</h3><table><tr><th>state</th>"
                           f"<th>classical</th><th>relativistic</th></tr>{rows}</table>")

    # spurious states in Monte Carlo
    t0 = time.perf_counter()
    p3 = dict(T=cfg["esc_T"], n_neurons=cfg["esc_N"], n_sweeps=cfg["esc_sweeps"],
              n_trials=cfg["esc_trials"], seed=seed + 1)
    ds3, c3 = cached_dataset(cache, "spurious_escape", p3, lambda: exp.spurious_escape(
        p3["T"], n_neurons=p3["n_neurons"], n_sweeps=p3["n_sweeps"], n_trials=p3["n_trials"],
        rng=p3["seed"], progress=cb("spurious-state Monte Carlo")))
    dt3 = time.perf_counter() - t0
    save_figure(plot_spurious_escape(ds3), figs, "rel_spurious_escape")
    sec.figures.append(("rel_spurious_escape",
                        f"Fraction of trials ending in a mixture state (N = {cfg['esc_N']}, P = 3, "
                        f"{cfg['esc_sweeps']} sweeps, {cfg['esc_trials']} trials per point)"))
    sec.provenance.append(provenance_line(ds3, f"hopfieldlab simulate --model classical --N {cfg['esc_N']} --P 3 "
                                     f"--T 0.42 --init mixture:3 --sweeps {cfg['esc_sweeps']} --seed 1",
                                dt3, c3))

    # Taylor table
    tt = exp.taylor_table(12)
    rows = "".join(f"<tr><td>{int(k)}</td><td>{int(b)}-body</td><td>{int(nu)}/{int(de)}</td><td>{r}</td></tr>"
                   for k, b, nu, de, r in zip(tt.k.values, tt.body.values, tt.numerator.values,
                                              tt.denominator.values, tt.reading.values) if k > 0)
    sec.tables_html.append("<h3>Taylor expansion of −H/N = √(1+|m|²) in powers of |m|²</h3>"
                           "<table><tr><th>k</th><th>interaction</th><th>c<sub>k</sub></th><th>reading</th>"
                           f"</tr>{rows}</table><p>Reproduce: <code>hopfieldlab expand --model relativistic "
                           "--order 12</code></p>")
    return sec
