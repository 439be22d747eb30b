"""The report's part on high storage (P = αN): replica-symmetric theory beside Monte Carlo."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..experiments import highstorage as exp
from ..io import cached_dataset
from ..plotting import plot_phase_diagram, plot_retrieval_grid
from ..plotting.highstorage import plot_boundary_vs_n
from ..theory.highstorage import phase_alphas
from ._html import Check, Section, provenance_line, save_figure

# "alphas": number of uniform loads of theory.highstorage.phase_alphas (0 to α_c, with extra
# points near α_c and where the T_c line turns): the theory lines are drawn on that fine grid
SIZES = {
    "tiny": dict(alphas=8, mc_alphas=[0.05], mc_T=[0.2, 0.8], N=300, seeds=1, sweeps=20,
                 fs_N=[200, 400, 800], fs_T=[0.0], fs_ratios=[0.9, 1.3, 1.7, 2.1], fs_seeds=3, fs_sweeps=20),
    "small": dict(alphas=40, mc_alphas=[0.02, 0.05, 0.1, 0.16],
                  mc_T=[0.0, 0.2, 0.4, 0.6], N=10_000, seeds=2, sweeps=40,
                  fs_N=[500, 1000, 2000], fs_T=[0.0, 0.2], fs_ratios=[0.9, 1.0, 1.1, 1.2, 1.3, 1.45],
                  fs_seeds=4, fs_sweeps=60),
    "full": dict(alphas=80,
                 mc_alphas=[0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16],
                 mc_T=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], N=20_000, seeds=4, sweeps=100,
                 fs_N=[1000, 2000, 4000, 10000], fs_T=[0.0, 0.2],
                 fs_ratios=[0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.3, 1.45], fs_seeds=8, fs_sweeps=150),
}

INTRO = """
<p>At P = αN patterns the non-condensed overlaps add a Gaussian noise of variance α·r to the local
field. For the classical cost the replica-symmetric theory of Amit, Gutfreund and Sompolinsky (1987)
gives the spin-glass line T<sub>g</sub> = 1 + √α, the line T<sub>M</sub>(α) below which retrieval states
exist, the line T<sub>c</sub>(α) below which they are global minima, and the capacity α<sub>c</sub> ≈ 0.138
at T = 0. Within replica symmetry the T<sub>M</sub> line meets α = α<sub>c</sub> at a positive
temperature (≈ 0.046 classical): the retrieval region is slightly re-entrant beyond α<sub>c</sub>
(up to α ≈ 0.1382 near T ≈ 0.02; not drawn), and the T<sub>c</sub> line turns back near α ≈ 0.053.
The theory lines are computed on a fine grid of loads from 0 to α<sub>c</sub>. For the relativistic cost hopfieldlab derives the RS equations (docs/high_storage.md): fixing
x = Σ<sub>μ</sub> m<sub>μ</sub><sup>2</sup>, which contains the diagonal term α exactly, maps every RS state
onto a classical one at the effective inverse temperature β/√(1 + x). Monte Carlo below starts at a
stored pattern, so it probes the metastable retrieval state, i.e. the T<sub>M</sub> line.</p>
"""


def build_section(out: Path, size: str, seed: int, cache: Path,
                  progress: Callable[[str, int, int], None] | None = None) -> Section:
    """Compute (or load) the high-storage results and assemble the report section."""
    cfg = SIZES[size]
    figs = out / "figures"
    sec = Section("highstorage", "4. High storage: P = αN, classical and relativistic", INTRO)
    cb = (lambda name: (lambda d, t: progress(name, d, t))) if progress else (lambda name: None)

    t0 = time.perf_counter()
    p1 = dict(alphas=phase_alphas(cfg["alphas"]).tolist(), at_line=False)
    ds1, c1 = cached_dataset(cache, "highstorage_phase_diagram", p1, lambda: exp.phase_diagram(
        p1["alphas"], at_line=False, progress=cb("RS phase lines")))
    dt1 = time.perf_counter() - t0
    save_figure(plot_phase_diagram(ds1), figs, "hs_phase_diagram")
    sec.figures.append(("hs_phase_diagram", "Replica-symmetric phase diagram, classical and relativistic"))
    sec.checks.append(Check("classical α_c (T = 0)", 0.138, float(ds1.attrs["alpha_c"]), 1e-3,
                            "Amit–Gutfreund–Sompolinsky 1987"))
    sec.checks.append(Check("classical m at α_c", 0.967, float(ds1.attrs["m_c"]), 1e-3,
                            "Amit–Gutfreund–Sompolinsky 1987"))
    a = float(ds1.alpha[len(ds1.alpha) // 2])
    sec.checks.append(Check(f"classical T_g(α={a:g})", 1 + math.sqrt(a),
                            float(ds1.T_g.sel(model="classical", alpha=a)), 1e-6, "closed form 1 + √α"))
    rel_tg = (1 + math.sqrt(a)) / math.sqrt(1 + math.sqrt(a) + a)
    sec.checks.append(Check(f"relativistic T_g(α={a:g})", rel_tg,
                            float(ds1.T_g.sel(model="relativistic", alpha=a)), 1e-6,
                            "closed form (1+√α)/√(1+√α+α)"))
    sec.provenance.append(provenance_line(ds1, "hopfieldlab phase-diagram --model relativistic --json",
                                          dt1, c1))

    t0 = time.perf_counter()
    p2 = dict(alphas=cfg["mc_alphas"], T=cfg["mc_T"], N=cfg["N"], seeds=cfg["seeds"],
              sweeps=cfg["sweeps"], seed=seed + 7)
    ds2, c2 = cached_dataset(cache, "highstorage_retrieval_grid", p2, lambda: exp.retrieval_grid(
        p2["alphas"], p2["T"], n_neurons=p2["N"], n_seeds=p2["seeds"], n_sweeps=p2["sweeps"],
        rng=p2["seed"], progress=cb("high-storage Monte Carlo"), cache=Path(cache) / "highstorage_points"))
    dt2 = time.perf_counter() - t0
    for model in ("classical", "relativistic"):
        stem = f"hs_retrieval_{model}"
        save_figure(plot_retrieval_grid(ds2, model=model, lines=ds1), figs, stem)
        sec.figures.append((stem, f"{model}: Monte Carlo retrieval at N = {cfg['N']} vs the T_M line"))
        agree = exp.theory_agreement(ds2, margin=0.1).sel(model=model).values
        clear = agree[np.isfinite(agree)]
        if clear.size:
            sec.checks.append(Check(f"{model}: MC majority agrees with RS T_M (points ≥ 0.1 from the line)",
                                    1.0, float(clear.mean()), 0.15,
                                    f"{clear.size} grid points, N = {cfg['N']}, {cfg['seeds']} seeds"))
        # where the RS retrieval state exists and the point is clear of the T_M line, the measured
        # overlap should match the RS one up to O(N^-1/2) fluctuations
        sub = ds2.sel(model=model)
        inside = np.isfinite(sub["m_theory"]) & ((sub["T_M"] - sub["T"]) >= 0.1)
        if bool(inside.any()) and size != "tiny":
            gap = abs(sub["m"].mean("seed") - sub["m_theory"]).where(inside)
            sec.checks.append(Check(f"{model}: max |m_MC − m_RS| inside the retrieval phase",
                                    0.0, float(gap.max()), 0.02,
                                    f"{int(inside.sum())} grid points, N = {cfg['N']}, {cfg['seeds']} seeds"))
    sec.provenance.append(provenance_line(
        ds2, f"python -c \"import hopfieldlab as hl; hl.experiments.highstorage.retrieval_grid("
             f"{cfg['mc_alphas']}, {cfg['mc_T']}, n_neurons={cfg['N']}, rng={seed + 7})\"", dt2, c2))

    t0 = time.perf_counter()
    p3 = dict(N=cfg["fs_N"], T=cfg["fs_T"], ratios=cfg["fs_ratios"], seeds=cfg["fs_seeds"],
              sweeps=cfg["fs_sweeps"], seed=seed + 8)
    ds3, c3 = cached_dataset(cache, "highstorage_boundary_vs_n", p3, lambda: exp.retrieval_boundary_vs_n(
        p3["N"], p3["T"], p3["ratios"], n_seeds=p3["seeds"], n_sweeps=p3["sweeps"], rng=p3["seed"],
        progress=cb("finite-size retrieval boundary"), cache=Path(cache) / "highstorage_points"))
    dt3 = time.perf_counter() - t0
    save_figure(plot_boundary_vs_n(ds3), figs, "hs_boundary_vs_n")
    sec.figures.append(("hs_boundary_vs_n", ("classical: load where half the runs retrieve, vs N^-1/2, "
                                             "extrapolated to N → ∞ beside the RS boundary")))
    # the 'tiny' smoke size (3 seeds, 20 sweeps, N <= 800) is too noisy for an extrapolation
    for t in ds3["T"].values if size != "tiny" else []:
        row = ds3.sel(T=t)
        halves = ", ".join(f"{v:.3f}" for v in row["alpha_half"].values)
        # finite networks retrieve beyond the RS boundary and approach it slowly (~N^-1/2);
        # extrapolating from N <= 2000 with 4 seeds is good to a few hundredths
        sec.checks.append(Check(f"classical α_½(N → ∞) at T = {t:g} (linear in N^-1/2)",
                                float(row["alpha_theory"]), float(row["alpha_extrap"]), 0.03,
                                f"RS {'α_c' if t == 0 else 'T_M(α) = T'}; α_½ at N = "
                                f"{', '.join(map(str, ds3['N'].values))}: {halves}"))
    sec.provenance.append(provenance_line(
        ds3, f"python -c \"import hopfieldlab as hl; hl.experiments.highstorage.retrieval_boundary_vs_n("
             f"{cfg['fs_N']}, {cfg['fs_T']}, n_seeds={cfg['fs_seeds']}, n_sweeps={cfg['fs_sweeps']}, "
             f"rng={seed + 8})\"", dt3, c3))
    return sec
