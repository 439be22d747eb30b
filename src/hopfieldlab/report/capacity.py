"""The report's part on the exponential capacity of dense associative memories."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..experiments import capacity as exp
from ..io import cached_dataset
from ..plotting.capacity import (
    plot_attention_regime,
    plot_basins,
    plot_capacity_phase_diagram,
    plot_crossing_extrapolation,
    plot_retrieval_curves,
)
from ..theory.dense import alpha_1, alpha_c, attention_log_capacity, lambda_star
from ._html import Check, Section, provenance_line, save_figure

SIZES = {
    "tiny": dict(N=[12, 16], ratios=[0.7, 0.9, 1.0, 1.1, 1.3], trials=40, basin_N=16, basin_trials=16,
                 rhos=[1.0]),
    "small": dict(N=[20, 28, 36], ratios=[0.6, 0.7, 0.76, 0.78, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 1.0,
                                          1.002, 1.005, 1.01, 1.02, 1.05, 1.1, 1.2, 1.4], trials=200,
                  basin_N=32, basin_trials=64, rhos=[1.0, 0.8]),
    "full": dict(N=[20, 30, 40, 50], ratios=[0.6, 0.7, 0.74, 0.76, 0.765, 0.77, 0.78, 0.8, 0.85, 0.9, 0.95,
                                             0.97, 0.98, 0.99, 0.995, 0.998, 1.0, 1.002, 1.005, 1.01, 1.02,
                                             1.03, 1.05, 1.1, 1.2],
                 trials=400, basin_N=36, basin_trials=128, rhos=[1.0, 0.8]),
}
LAM = 0.3  # spherical: α₁ ≈ 0.257, so P = e^{1.2 α₁ N} ≈ 5·10⁶ at N = 50, under MAX_PATTERNS
BASIN_LAM = 1.0
# largest pull of a simulated point from the finite-N theory, in binomial σ: with ~100-170 points
# a normal pull exceeds 4 with probability ~1%; the log-normal law itself is good to ~0.01 in p
PULL_TOL = 4.0

INTRO = """
<p>P = e<sup>αN</sup> patterns ξ<sup>μ</sup> ∈ ℝ<sup>N</sup> are stored in the log-sum-exp energy
E(x) = −(1/λ) log Σ<sub>μ</sub> exp(λ ξ<sup>μ</sup>·x), retrieved by the softmax update
x ← Σ<sub>μ</sub> ξ<sup>μ</sup> softmax<sub>μ</sub>(λ ξ<sup>μ</sup>·x). Lucibello and Mézard map the sum over the
non-target patterns onto a random energy model: a typical pattern is retrieved while its signal λρ beats the
REM free entropy Φ(α, λ). This gives the exact threshold α₁(λ) for a typical pattern, a first-moment lower
bound α<sub>c</sub>(λ) for all patterns, and the initial overlap ρ<sub>min</sub>(α, λ) a cue needs. Spherical
patterns have α<sub>c</sub> = α₁, growing without bound in λ; Gaussian patterns saturate at α₁ = 1/2 and
α<sub>c</sub> = log(2)/4. The formulas are documented in <code>hopfieldlab.theory.dense</code>. Finite-N points use
the one-step criterion (target softmax weight &gt; 1/2 at the cue), streamed over pattern banks regenerated
from seeds. Beside them is a finite-N theory of the same criterion: the law of one competitor's Boltzmann
factor is exact (a Bessel function for spherical patterns), and the sum over the P − 1 competitors is taken
log-normal with its exact first two moments (<code>hopfieldlab.theory.dense_finite</code>).</p>
"""


def basin_params(size: str, seed: int) -> dict:
    """Parameters of the basin experiment at a report size (α at 0.3, 0.5 and 0.7 α₁(λ)).

    The dynamics is the paper's plain softmax update (``project_to_sphere`` False); the flag is
    part of the parameters, so it is also part of the cache key.
    """
    cfg = SIZES[size]
    a1b = alpha_1(BASIN_LAM)
    return dict(rhos=[0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
                alphas=[round(0.3 * a1b, 4), round(0.5 * a1b, 4), round(0.7 * a1b, 4)],
                N=cfg["basin_N"], lam=BASIN_LAM, trials=cfg["basin_trials"], seed=seed + 1,
                project_to_sphere=False)


def build_section(out: Path, size: str, seed: int, cache: Path,
                  progress: Callable[[str, int, int], None] | None = None) -> Section:
    """Compute (or load) the capacity results and assemble the report section."""
    cfg = SIZES[size]
    figs = out / "figures"
    sec = Section("capacity", "3. Exponential capacity of dense associative memories (Lucibello, Mézard 2023)",
                  INTRO)
    cb = (lambda name: (lambda d, t: progress(name, d, t))) if progress else (lambda name: None)

    # theory: phase diagram and condensation line
    t0 = time.perf_counter()
    lams = np.round(np.geomspace(0.02, 100, 80), 6).tolist()
    ds_pd, c_pd = cached_dataset(cache, "capacity_phase_diagram", dict(lams=lams),
                                 lambda: exp.phase_diagram(lams))
    ds_cl = exp.condensation_line(np.linspace(0.0, 0.499, 60), rhos=(1.0, 0.8))
    dt = time.perf_counter() - t0
    save_figure(plot_capacity_phase_diagram(ds_pd, ds_cl), figs, "cap_phase_diagram")
    sec.figures.append(("cap_phase_diagram", "α₁(λ) (solid) and α_c(λ) (dashed) for spherical and Gaussian "
                        "patterns; dotted: Gaussian condensation line λ_*(α, 1); dash-dotted: log(2)/4"))
    sec.provenance.append(provenance_line(ds_pd, "hopfieldlab capacity --ensemble spherical --lam 2.0 --json", dt, c_pd))
    ln2 = math.log(2.0)
    sec.checks += [
        Check("Gaussian α_c(λ = ∞)", ln2 / 4, alpha_c(math.inf, "gaussian"), 1e-12, "pair mechanism: log(2)/4"),
        Check("Gaussian α₁(λ = ∞)", 0.5, alpha_1(math.inf, "gaussian"), 1e-12, "REM condensed noise: 1/2"),
        Check("Gaussian α₁(λ = 0.5)", 0.5 - 0.125, alpha_1(0.5, "gaussian"), 1e-12, "closed form λ − λ²/2"),
        Check("spherical α_c(λ = 1) = α₁(1)", 0.6226, alpha_c(1.0, "spherical"), 1e-4,
              "value quoted for λ = 1 in public simulations of the paper"),
        Check("spherical α₁(λ) − ½ log λ at λ = 10⁶", 0.5, alpha_1(1e6) - 0.5 * math.log(1e6), 1e-3,
              "large-λ asymptote ½ + ½ log λ"),
        Check("Gaussian λ_*(α = 0.18, ρ = 1)", 1 - math.sqrt(1 - 0.36), lambda_star(0.18), 1e-12,
              "closed form 1 − √(1 − 2α)"),
    ]

    # finite-N retrieval curves and the crossing estimate
    t0 = time.perf_counter()
    p1 = dict(ratios=cfg["ratios"], N=cfg["N"], lam=LAM, ensemble="spherical", rhos=cfg["rhos"],
              trials=cfg["trials"], seed=seed)
    ds1, c1 = cached_dataset(cache, "capacity_retrieval_vs_alpha", p1, lambda: exp.retrieval_vs_alpha(
        p1["ratios"], p1["N"], lam=LAM, ensemble="spherical", rhos=p1["rhos"], n_trials=p1["trials"],
        rng=seed, progress=cb("finite-N retrieval"), cache=Path(cache) / "capacity_points"))
    dt1 = time.perf_counter() - t0
    for rho in cfg["rhos"]:
        stem = f"cap_retrieval_rho{int(round(100 * rho))}"
        save_figure(plot_retrieval_curves(ds1, rho=rho), figs, stem)
        sec.figures.append((stem, f"Retrieval probability vs α, spherical, λ = {LAM}, cue overlap ρ = {rho}; "
                                  f"{cfg['trials']} trials per point, binomial error bars"))
    est = exp.crossing_estimate(ds1, rho=1.0)
    save_figure(plot_crossing_extrapolation(est), figs, "cap_crossing")
    sec.figures.append(("cap_crossing", "α where p = 1/2 against 1/N: simulation (points), finite-N theory "
                                        "(line), N → ∞ threshold (dashed) and the estimate (band)"))
    # every simulated point against the finite-N law, in binomial standard errors
    var = np.maximum(ds1.p_theory * (1 - ds1.p_theory), 1.0 / cfg["trials"]) / cfg["trials"]
    pull = np.abs(ds1.p_retrieval - ds1.p_theory) / np.sqrt(var)
    sec.checks.append(Check(f"largest |p_sim − p_theory(N)| over {pull.size} points, in binomial σ", 0.0,
                            float(pull.max()), PULL_TOL,
                            "finite-N log-normal REM law (theory.dense_finite); σ floored at 1/n"))
    for n in est.N.values:
        e = float(est.alpha_half_err.sel(N=n))
        sec.checks.append(Check(f"α_1/2(N = {int(n)}) vs finite-N theory", float(est.alpha_half_theory.sel(N=n)),
                                float(est.alpha_half.sel(N=n)), 3 * e,
                                "crossing of the simulated curve (local probit fit or grid interval); 3σ"))
    a1_th, sigma = float(est.alpha_1_theory), float(est.alpha_1_estimate_err)
    sec.checks.append(Check(f"spherical α₁(λ = {LAM}) from finite N (α_1/2 = α₁ + c/N, two largest N)",
                            a1_th, float(est.alpha_1_estimate), 3 * sigma,
                            f"REM theory vs simulation; σ = {sigma:.2g} (statistical and extrapolation); 3σ"))
    n_max = max(cfg["N"])
    lo = ds1.p_retrieval.sel(rho=1.0, N=n_max).where(ds1.alpha <= 0.8 * float(est.alpha_1_theory) + 1e-12,
                                                     drop=True)
    hi = ds1.p_retrieval.sel(rho=1.0, N=n_max).where(ds1.alpha >= 1.2 * float(est.alpha_1_theory) - 1e-12,
                                                     drop=True)
    if lo.size and hi.size:
        sec.checks.append(Check(f"p_retrieval at 0.8 α₁, N = {n_max}", 1.0, float(lo.min()), 0.05,
                                "theory: retrieved w.h.p. below α₁"))
        sec.checks.append(Check(f"p_retrieval at 1.2 α₁, N = {n_max}", 0.0, float(hi.max()), 0.05,
                                "theory: not retrieved above α₁"))
    rows = "".join(f"<tr><td>{int(n)}</td><td>{v:.4f} ± {e:.4f}</td><td>{t:.4f}</td></tr>"
                   for n, v, e, t in zip(est.N.values, est.alpha_half.values, est.alpha_half_err.values,
                                         est.alpha_half_theory.values))
    sec.tables_html.append(
        "<h3>Finite-N crossing of p = 1/2 (spherical, ρ = 1)</h3><table><tr><th>N</th>"
        f"<th>α<sub>1/2</sub>(N), simulation</th><th>finite-N theory</th></tr>{rows}</table>"
        f"<p>Extrapolation α<sub>1/2</sub>(N) = α₁ + c/N through the two largest N (error: statistical and the "
        f"distance to α<sub>1/2</sub>(N<sub>max</sub>), in quadrature): α₁ ≈ {float(est.alpha_1_estimate):.5f} ± "
        f"{sigma:.5f}; theory α₁ = {a1_th:.5f}. At small N the crossing is pushed up by the fluctuations of the "
        "REM sum (a shift ≈ e<sup>−N(α₁−λ²)</sup>/N), at large N pulled down by c/N with c &lt; 0 (the prefactor of "
        f"the overlap law); a line through all N in 1/N would give {float(est.alpha_1_linear):.5f}.</p>")
    sec.provenance.append(provenance_line(ds1, f"hopfieldlab retrieve --ensemble spherical --N {n_max} --alpha "
                                     f"{0.9 * float(est.alpha_1_theory):.3f} --lam {LAM} --trials {cfg['trials']} "
                                     f"--seed {seed} --json", dt1, c1))

    # basins
    t0 = time.perf_counter()
    p2 = basin_params(size, seed)
    ds2, c2 = cached_dataset(cache, "capacity_basin_curves", p2, lambda: exp.basin_curves(
        p2["rhos"], p2["alphas"], n_neurons=p2["N"], lam=BASIN_LAM, n_trials=p2["trials"], rng=p2["seed"],
        max_iter=20, project_to_sphere=p2["project_to_sphere"], progress=cb("basins")))
    dt2 = time.perf_counter() - t0
    save_figure(plot_basins(ds2), figs, "cap_basins")
    sec.figures.append(("cap_basins", f"Final overlap vs initial overlap (spherical, N = {p2['N']}, λ = {BASIN_LAM}) "
                                      f"after ≤ 20 steps of the {ds2.attrs['dynamics']}; "
                                      "dashed: theory ρ_min(α, λ)"))
    for a in ds2.alpha.values:
        half = exp._half_crossing(-ds2.rho.values, 1.0 - ds2.p_retrieval.sel(alpha=a).values)
        sec.checks.append(Check(f"basin edge ρ (p = 1/2), α = {a:g}, N = {p2['N']}",
                                float(ds2.rho_min_theory.sel(alpha=a)), -half if np.isfinite(half) else math.nan,
                                0.1, "theory ρ_min = Φ/λ vs one-step simulation"))
    sure = ds2.p_retrieval == 1.0
    if bool(sure.any()):
        sec.checks.append(Check("fraction of queries at a fixed point within 20 updates, where the one-step "
                                "criterion retrieves every target", 1.0,
                                float(ds2.converged.where(sure).min()), 0.0,
                                "a retrieved pattern is a fixed point of the update", kind="at_least"))
    sec.provenance.append(provenance_line(ds2, f"hopfieldlab capacity --ensemble spherical --lam {BASIN_LAM} --basin "
                                     f"--alpha {p2['alphas'][1]} --json", dt2, c2))

    # scaled dot-product regime λ = β/√N (theory only: seconds)
    t0 = time.perf_counter()
    p3 = {"betas": np.linspace(0.1, 3.0, 30).tolist(), "N": [16, 64, 256, 1024, 10**6]}
    betas = np.asarray(p3["betas"])
    ds3, c3 = cached_dataset(cache, "capacity_attention_regime", p3,
                             lambda: exp.attention_regime(p3["betas"], n_values=p3["N"]))
    save_figure(plot_attention_regime(ds3), figs, "cap_attention")
    sec.figures.append(("cap_attention", ("Scaled dot-product regime λ = β/√N, spherical patterns: "
                                          "log P_max/√N against β for growing N (solid: exact REM threshold; "
                                          "dotted: βρ − β²/(2√N)), approaching a₁ = a_c = βρ (dashed)")))
    big = ds3.a_1.sel(N=10**6, beta=betas[-1], method="nearest")
    for ens in ds3.ensemble.values:
        sec.checks.append(Check(f"{ens} a₁(β = {betas[-1]:g}), N = 10⁶ (attention scaling)", float(betas[-1]),
                                float(big.sel(ensemble=ens)), 1e-2, "limit a₁ = a_c = βρ (finite-N shift β²/(2√N))"))
    sec.checks.append(Check("Gaussian N·α₁(β/√N), β = 1, N = 64", attention_log_capacity(1.0, 64),
                            64 * alpha_1(1.0 / 8.0, "gaussian"), 1e-12, "closed form βρ√N − β²/2"))
    sec.provenance.append(provenance_line(ds3, "(theory) hopfieldlab.experiments.capacity.attention_regime",
                                          time.perf_counter() - t0, c3))
    return sec
