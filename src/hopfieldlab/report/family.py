"""The report's part on the wider family: dense, exponential, attention, sparse, random features."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.special import ndtr, softmax

from ..experiments import family as fam
from ..experiments import family_more as more
from ..experiments import metastable as meta
from ..io import cached_dataset
from ..models.family import double_factorial, exponential_alpha_max, polynomial_bit_error
from ..models.fenchel_young import entmax, sparsemax
from ..plotting.family import (
    plot_exponential_capacity,
    plot_polynomial_scaling,
    plot_random_feature_error,
    plot_sparse_retrieval,
)
from ..plotting.metastable import plot_metastable_diagram, plot_pitchfork
from ._html import Check, Section, provenance_line, save_figure

SIZES = {
    "tiny": dict(degrees=[2, 3], poly_N=[20, 40], poly_alpha=[0.1, 0.3], poly_samples=2, poly_tested=10,
                 exp_N=[8, 12], exp_alpha=[0.1, 0.3, 0.5], exp_tested=20,
                 rf_Y=[32, 128, 512], rf_draws=4, rf_tol=0.2,
                 fy_alpha=[1.0, 1.5, 2.0], fy_noise=[0.1, 0.5], fy_queries=16,
                 ms_grid=[0.3, 3000.0, 16], ms_starts=8, pf_grid=[0.3, 10.0, 8]),
    "small": dict(degrees=[2, 3], poly_N=[30, 60, 120], poly_alpha=[0.05, 0.1, 0.2, 0.4], poly_samples=8,
                  poly_tested=40, exp_N=[10, 14, 18], exp_alpha=[0.15, 0.25, 0.35, 0.45, 0.55],
                  exp_tested=60, rf_Y=[32, 128, 512, 2048, 8192], rf_draws=16, rf_tol=0.08,
                  fy_alpha=[1.0, 1.25, 1.5, 2.0], fy_noise=[0.1, 0.3, 0.6, 1.0], fy_queries=64,
                  ms_grid=[0.3, 3000.0, 40], ms_starts=32, pf_grid=[0.2, 20.0, 24]),
    "full": dict(degrees=[2, 3, 4], poly_N=[50, 100, 200], poly_alpha=[0.03, 0.05, 0.1, 0.2, 0.4, 0.8],
                 poly_samples=4, poly_tested=150, exp_N=[10, 14, 18, 22],
                 exp_alpha=[0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55], exp_tested=150,
                 rf_Y=[32, 128, 512, 2048, 8192, 32768], rf_draws=32, rf_tol=0.05,
                 fy_alpha=[1.0, 1.25, 1.5, 2.0, 3.0], fy_noise=[0.05, 0.1, 0.2, 0.3, 0.6, 1.0, 1.5],
                 fy_queries=256, ms_grid=[0.2, 5000.0, 88], ms_starts=128, pf_grid=[0.1, 50.0, 48]),
}

INTRO = """
<p>Every model of this section is an energy over stored patterns ξ<sup>μ</sup>, simulated with the same
machinery as the rest of the library. <b>Dense associative memories</b> (Krotov &amp; Hopfield 2016) on
N binary neurons use H = −Σ<sub>μ</sub> F(ξ<sup>μ</sup>·σ) with F(x) = x<sup>n</sup> (or its rectified
version); a signal-to-noise argument gives the one-flip error rate of a stored pattern,
Φ(−√(N<sup>n−1</sup>/((2n−3)!! P))), a function of P/N<sup>n−1</sup> alone, so the capacity grows as
N<sup>n−1</sup>. With F(x) = e<sup>x</sup> (Demircigil et al. 2017) the capacity becomes exponential,
P = e<sup>αN</sup> with α &lt; ln 2 / 2. For continuous patterns, Ramsauer et al.'s update
q ← X<sup>T</sup> softmax(βXq) is attention; replacing softmax by sparsemax or α-entmax (Hopfield–Fenchel–Young
memories, Santos et al. 2024) gives exactly sparse weights and exact one-step retrieval once a pattern's score
leads by the margin 1/(α−1). Finally the log-sum-exp energy can be estimated from Y random features whose sum
over patterns is a single vector (Hoover et al. 2024): the memory does not grow with P, and the error falls as
Y<sup>−1/2</sup>. The attention update also has <b>metastable states</b>: for centred patterns the global
average ξ = 0 is a fixed point that stays stable up to β = 1/λ<sub>max</sub>(Σ) (Σ the pattern covariance),
the mean of a far-away cluster stays stable up to 1/λ<sub>max</sub> of the cluster's own covariance, and single
patterns take over once they are separated enough. Points below are simulations, lines theory.</p>
"""


def build_section(out: Path, size: str, seed: int, cache: Path,
                  progress: Callable[[str, int, int], None] | None = None) -> Section:
    """Compute (or load) the family results and assemble the report section."""
    cfg = SIZES[size]
    figs = out / "figures"
    sec = Section("family", "5. The wider family: dense, exponential, attention, sparse and random-feature "
                  "memories", INTRO)
    cb = (lambda name: (lambda d, t: progress(name, d, t))) if progress else (lambda name: None)

    # Krotov–Hopfield capacity scaling
    t0 = time.perf_counter()
    p1 = dict(degrees=cfg["degrees"], sizes=cfg["poly_N"], loads=cfg["poly_alpha"],
              n_samples=cfg["poly_samples"], max_tested=cfg["poly_tested"], seed=seed)
    ds1, c1 = cached_dataset(cache, "polynomial_capacity_scaling", p1, lambda: fam.polynomial_capacity_scaling(
        p1["degrees"], p1["sizes"], p1["loads"], n_samples=p1["n_samples"], max_tested=p1["max_tested"],
        rng=seed, progress=cb("dense memory capacity"), cache=Path(cache) / "family_points"))
    dt1 = time.perf_counter() - t0
    for n in cfg["degrees"]:
        save_figure(plot_polynomial_scaling(ds1, degree=n), figs, f"family_poly_n{n}")
        sec.figures.append((f"family_poly_n{n}", f"F(x) = x^{n}: one-flip error rate of stored patterns vs "
                            f"P/N^{n - 1} at N = {', '.join(map(str, cfg['poly_N']))}"))
    big_n = max(cfg["poly_N"])
    for n in cfg["degrees"]:
        for a in cfg["poly_alpha"]:
            pt = ds1.sel(degree=n, N=big_n, alpha=a)
            sem = float(np.nan_to_num(pt.bit_error_err))
            sec.checks.append(Check(f"x^{n} one-flip error, N={big_n}, P/N^{n - 1}={a}",
                                    float(pt.bit_error_theory), float(pt.bit_error), 0.01 + 4 * sem,
                                    "signal-to-noise Φ(−√(N^(n−1)/((2n−3)!!P))) vs simulation"))
        spread = float((ds1.bit_error.sel(degree=n).max("N") - ds1.bit_error.sel(degree=n).min("N")).max())
        sec.checks.append(Check(f"x^{n}: largest spread of the error rate across N at fixed P/N^{n - 1}", 0.0,
                                spread, 0.03, "collapse: capacity ∝ N^(n−1)"))
        # the exact signal-to-noise expression tends to the leading-order Φ(−√(N^(n−1)/((2n−3)!!P)))
        nn, pp = 10**4, int(0.2 * 10 ** (4 * (n - 1)))
        lead = float(ndtr(-math.sqrt(nn ** (n - 1) / (double_factorial(2 * n - 3) * pp))))
        sec.checks.append(Check(f"x^{n} error law at N=10^4, P/N^{n - 1}=0.2: leading order", lead,
                                polynomial_bit_error(n, nn, pp), 1e-3, "Krotov–Hopfield closed form"))
    sec.provenance.append(provenance_line(ds1, f"hopfieldlab family --model polynomial --degree 3 --N {big_n} "
                                          f"--P {int(0.1 * big_n**2)} --T 0 --noise 0.05 --json", dt1, c1))

    # exponential model
    t0 = time.perf_counter()
    p2 = dict(sizes=cfg["exp_N"], loads=cfg["exp_alpha"], max_tested=cfg["exp_tested"], seed=seed + 1)
    ds2, c2 = cached_dataset(cache, "exponential_capacity", p2, lambda: fam.exponential_capacity(
        p2["sizes"], p2["loads"], max_tested=p2["max_tested"], rng=p2["seed"],
        progress=cb("exponential memory capacity")))
    dt2 = time.perf_counter() - t0
    save_figure(plot_exponential_capacity(ds2), figs, "family_exponential")
    sec.figures.append(("family_exponential", "F(x) = e^x: fraction of stored patterns that are fixed points "
                        "vs α = ln P / N"))
    sec.checks.append(Check("exponential bound α_max(ρ=0)", math.log(2) / 2, exponential_alpha_max(0.0), 1e-12,
                            "Demircigil et al. 2017, ln 2 / 2"))
    low = min(cfg["exp_alpha"])
    sec.checks.append(Check(f"exponential: stable fraction, N={max(cfg['exp_N'])}, α={low}", 1.0,
                            float(ds2.stable_fraction.sel(N=max(cfg["exp_N"]), alpha=low)), 0.05,
                            "below the bound every pattern is a fixed point (w.h.p.)"))
    sec.provenance.append(provenance_line(ds2, f"hopfieldlab family --model exponential --N {max(cfg['exp_N'])} "
                                          f"--P {int(math.exp(0.25 * max(cfg['exp_N'])))} --T 0 --noise 0.05 --json",
                                          dt2, c2))

    # random features
    t0 = time.perf_counter()
    p3 = dict(n_features=cfg["rf_Y"], n_draws=cfg["rf_draws"], beta=0.5, seed=seed + 2)
    ds3, c3 = cached_dataset(cache, "random_feature_error", p3, lambda: more.random_feature_error(
        p3["n_features"], n_draws=p3["n_draws"], beta=p3["beta"], rng=p3["seed"],
        progress=cb("random-feature memory")))
    dt3 = time.perf_counter() - t0
    save_figure(plot_random_feature_error(ds3), figs, "family_random_features")
    sec.figures.append(("family_random_features", "Random-feature (positive) estimate of the LSE energy: "
                        "RMS error vs number of features Y"))
    sec.checks.append(Check("random features: log-log slope of the error vs Y", -0.5, float(ds3.slope),
                            cfg["rf_tol"], "Monte Carlo rate Y^(−1/2)"))
    sec.provenance.append(provenance_line(ds3, "python -c 'from hopfieldlab.experiments.family_more import "
                                          "random_feature_error as f; print(f([32,128,512], rng=1))'", dt3, c3))

    # sparse (Fenchel–Young) retrieval
    t0 = time.perf_counter()
    p4 = dict(alphas=cfg["fy_alpha"], noises=cfg["fy_noise"], n_queries=cfg["fy_queries"], beta=8.0,
              seed=seed + 3)
    ds4, c4 = cached_dataset(cache, "sparse_retrieval", p4, lambda: more.sparse_retrieval(
        p4["alphas"], p4["noises"], n_queries=p4["n_queries"], beta=p4["beta"], rng=p4["seed"],
        progress=cb("sparse retrieval")))
    dt4 = time.perf_counter() - t0
    save_figure(plot_sparse_retrieval(ds4), figs, "family_sparse")
    sec.figures.append(("family_sparse", "Hopfield–Fenchel–Young retrieval (β = 8, P = 64 unit patterns in d = 32): "
                        "error and support size vs cue noise"))
    n0 = min(cfg["fy_noise"])
    sec.checks.append(Check(f"sparsemax: exactly retrieved fraction, noise {n0}", 1.0,
                            float(ds4.exact_fraction.sel(alpha=2.0, noise=n0)), 0.0,
                            "exact retrieval beyond the margin 1/(α−1)"))
    sec.checks.append(Check(f"softmax: support size, noise {n0}", 64.0,
                            float(ds4.support_size.sel(alpha=1.0, noise=n0)), 0.0,
                            "softmax weights are never zero"))
    z = np.random.default_rng(seed).standard_normal((32, 12)) * 3.0
    sec.checks.append(Check("max |entmax_{α=1.0001}(z) − softmax(z)|", 0.0,
                            float(np.abs(entmax(z, 1.0001) - softmax(z, axis=-1)).max()), 2e-3,
                            "entmax → softmax as α → 1 (bisection path)"))
    sec.checks.append(Check("max |entmax_{α=1.999999}(z) − sparsemax(z)|", 0.0,
                            float(np.abs(entmax(z, 1.999999) - sparsemax(z)).max()), 1e-4,
                            "entmax → sparsemax as α → 2 (bisection vs sort)"))
    sec.provenance.append(provenance_line(ds4, "python -c 'from hopfieldlab.experiments.family_more import "
                                          "sparse_retrieval as f; print(f([1, 1.5, 2], [0.1, 0.5], rng=1))'", dt4, c4))
    _metastable_part(sec, cfg, seed + 4, cache, figs, cb)
    return sec


def _log_grid(spec: list[float]) -> list[float]:
    """[low, high, n] to n log-spaced values; the two-pattern grid skips β within 3% of β_c = 1."""
    grid = np.geomspace(spec[0], spec[1], int(spec[2]))
    return [float(b) for b in grid if abs(b - 1.0) > 0.03]


def _metastable_part(sec: Section, cfg: dict, seed: int, cache: Path, figs: Path,
                     cb: Callable[[str], Callable[[int, int], None] | None]) -> None:
    """Ramsauer's metastable-state diagram and the two-pattern pitchfork, with their checks."""
    t0 = time.perf_counter()
    p5 = dict(betas=_log_grid(cfg["pf_grid"]), seed=seed)
    ds5, c5 = cached_dataset(cache, "pitchfork_diagram", p5, lambda: meta.pitchfork_diagram(
        p5["betas"], rng=p5["seed"], progress=cb("two-pattern pitchfork")))
    dt5, t0 = time.perf_counter() - t0, time.perf_counter()
    # two clusters: the global state gives way through a supercritical pitchfork (see metastable.py)
    m = 4
    p6 = dict(betas=[float(b) for b in np.geomspace(*cfg["ms_grid"][:2], int(cfg["ms_grid"][2]))],
              n_clusters=2, per_cluster=m, dim=32, spread=0.2, n_starts=cfg["ms_starts"], seed=seed + 1)
    ds6, c6 = cached_dataset(cache, "metastable_diagram", p6, lambda: meta.metastable_diagram(
        p6["betas"], n_clusters=p6["n_clusters"], per_cluster=m, dim=p6["dim"], spread=p6["spread"],
        n_starts=p6["n_starts"], rng=p6["seed"], progress=cb("metastable diagram")))
    dt6 = time.perf_counter() - t0
    save_figure(plot_pitchfork(ds5), figs, "family_pitchfork")
    sec.figures.append(("family_pitchfork", "Two patterns ±x₁ (|x₁| = 1): fixed point of the attention update "
                        "along x₁ vs β/β_c, against the roots of s = tanh(β|x₁|²s)"))
    save_figure(plot_metastable_diagram(ds6), figs, "family_metastable")
    sec.figures.append(("family_metastable", "Metastable-state diagram: 2 clusters of 4 centred patterns "
                        "(unit centres, offsets of rms norm 0.2 in d = 32); kind of fixed point reached from "
                        "noisy patterns, and patterns averaged, vs β"))
    sec.checks.append(Check("two patterns: max |s − s*| over β and starts", 0.0, float(ds5.abs_error.max()),
                            1e-8, "s* = root of s = tanh(β|x₁|²s), β_c = 4/|x₁ − x₂|²"))
    bc = float(ds6.beta_c_global)
    g = ds6.fraction.sel(kind="global").values
    beta = ds6.beta.values
    below = np.flatnonzero(g >= 0.5)
    if below.size and below[-1] + 1 < beta.size and np.all(g[below[-1] + 1:] < 0.5):
        lo, hi = beta[below[-1]], beta[below[-1] + 1]
        mid = math.sqrt(lo * hi)
        sec.checks.append(Check("2 clusters: β where the global fraction falls through 1/2", bc, mid, hi - mid,
                                "1/λ_max(Σ); supercritical pitchfork, so the drop lies between the two grid "
                                "points around β_c (tolerance: half the grid step)"))
    else:
        sec.checks.append(Check("2 clusters: β where the global fraction falls through 1/2", bc, math.nan, 0.0,
                                "no single drop through 1/2 on the grid"))
    sec.checks.append(Check("stability edge of the global average (dynamics, bisection)", bc,
                            float(ds6.beta_c_global_observed), 2e-3 * bc,
                            "1/λ_max(Σ) from the Jacobian β Σ; bisection to 1e-3"))
    for j in ds6.cluster.values:
        bw = float(ds6.beta_c_within.sel(cluster=j))
        sec.checks.append(Check(f"stability edge of cluster {j}'s mean (dynamics, bisection)", bw,
                                float(ds6.beta_c_within_observed.sel(cluster=j)), 2e-3 * bw,
                                "1/λ_max(Σ_w,j); leakage to the other cluster ~ e^(−2β) is negligible here"))
    # metastable window: the grid β nearest the geometric mean of the two thresholds
    bw_min = float(ds6.beta_c_within.min())
    star = float(beta[np.argmin(np.abs(np.log(beta) - 0.5 * math.log(bc * bw_min)))])
    # weight on the other cluster w ≈ e^(−2β) (gap |c|² − c·c' = 2); participation ≈ m(1 + 2w)
    leak = math.exp(-2.0 * star)
    pt = ds6.sel(beta=star)
    sec.checks.append(Check(f"participation at β = {star:.3g} (metastable window)", float(m),
                            float(pt.participation), max(1e-3, 4.0 * m * leak),
                            f"cluster size m = {m}: uniform weights on the own cluster; leakage e^(−2β) = "
                            f"{leak:.1e}"))
    sec.checks.append(Check(f"support = own cluster at β = {star:.3g}", 1.0, float(pt.own_cluster_fraction), 0.0,
                            "metastable state = mean of the start's cluster"))
    sep = beta[ds6.separated.values.astype(bool)]
    if sep.size:
        sec.checks.append(Check(f"own pattern retrieved where the separation condition holds (β ≥ {sep.min():.3g})",
                                1.0, float(ds6.own_pattern_fraction.sel(beta=sep).min()), 0.0,
                                "βΔ_i ≥ 1 + ln(4(P−1)βM²): a fixed point within 1/(2βM) of each pattern"))
        sec.checks.append(Check("max |ξ* − x_i| / one-step bound, separated β", 1.0,
                                float(ds6.bound_ratio.sel(beta=sep).max()), 0.0,
                                "Ramsauer et al. Thm 4 bound 2(P−1)M e^(−β(Δ_i − 2M|ξ − x_i|))", kind="at_most"))
    sec.provenance.append(provenance_line(ds5, "python -c 'from hopfieldlab.experiments.metastable import "
                                          "pitchfork_diagram as f; print(f([0.5, 2, 5], rng=1))'", dt5, c5))
    sec.provenance.append(provenance_line(ds6, "python -c 'from hopfieldlab.experiments.metastable import "
                                          "metastable_diagram as f; print(f([0.5, 5, 500], rng=1))'", dt6, c6))
