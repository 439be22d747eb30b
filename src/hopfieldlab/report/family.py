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
from ..io import cached_dataset
from ..models.family import double_factorial, exponential_alpha_max, polynomial_bit_error
from ..models.fenchel_young import entmax, sparsemax
from ..plotting.family import (
    plot_exponential_capacity,
    plot_polynomial_scaling,
    plot_random_feature_error,
    plot_sparse_retrieval,
)
from ._html import Check, Section, provenance_line, save_figure

SIZES = {
    "tiny": dict(degrees=[2, 3], poly_N=[20, 40], poly_alpha=[0.1, 0.3], poly_samples=2, poly_tested=10,
                 exp_N=[8, 12], exp_alpha=[0.1, 0.3, 0.5], exp_tested=20,
                 rf_Y=[32, 128, 512], rf_draws=4, rf_tol=0.2,
                 fy_alpha=[1.0, 1.5, 2.0], fy_noise=[0.1, 0.5], fy_queries=16),
    "small": dict(degrees=[2, 3], poly_N=[30, 60, 120], poly_alpha=[0.05, 0.1, 0.2, 0.4], poly_samples=2,
                  poly_tested=40, exp_N=[10, 14, 18], exp_alpha=[0.15, 0.25, 0.35, 0.45, 0.55],
                  exp_tested=60, rf_Y=[32, 128, 512, 2048, 8192], rf_draws=16, rf_tol=0.08,
                  fy_alpha=[1.0, 1.25, 1.5, 2.0], fy_noise=[0.1, 0.3, 0.6, 1.0], fy_queries=64),
    "full": dict(degrees=[2, 3, 4], poly_N=[50, 100, 200], poly_alpha=[0.03, 0.05, 0.1, 0.2, 0.4, 0.8],
                 poly_samples=4, poly_tested=150, exp_N=[10, 14, 18, 22],
                 exp_alpha=[0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55], exp_tested=150,
                 rf_Y=[32, 128, 512, 2048, 8192, 32768], rf_draws=32, rf_tol=0.05,
                 fy_alpha=[1.0, 1.25, 1.5, 2.0, 3.0], fy_noise=[0.05, 0.1, 0.2, 0.3, 0.6, 1.0, 1.5],
                 fy_queries=256),
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
Y<sup>−1/2</sup>. Points below are simulations, lines theory.</p>
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
        rng=seed, progress=cb("dense memory capacity")))
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
    return sec
