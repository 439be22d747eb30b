"""The report's part on the Hopfield network flow, geometric view (Halder et al. 2019)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..experiments import flow as exp
from ..io import cached_dataset
from ..plotting import flow as fig
from ._html import Check, Section, provenance_line, save_figure

SIZES = {
    "tiny": {"gibbs_samples": 400, "gibbs_t": 1.0, "gibbs_dt": 5e-3, "ou_n": 100, "ou_h": 1e-2, "ou_t": 0.5,
                 "hnn_n": 100, "hnn_h": 1e-2, "hnn_t": 0.5, "hnn_sde": 1000, "n_times": 61},
    "small": {"gibbs_samples": 4000, "gibbs_t": 4.0, "gibbs_dt": 1e-3, "ou_n": 400, "ou_h": 1e-3, "ou_t": 2.0,
                  "hnn_n": 400, "hnn_h": 2e-3, "hnn_t": 2.0, "hnn_sde": 10_000, "n_times": 121},
    "full": {"gibbs_samples": 20_000, "gibbs_t": 8.0, "gibbs_dt": 5e-4, "ou_n": 800, "ou_h": 1e-3, "ou_t": 4.0,
                 "hnn_n": 800, "hnn_h": 1e-3, "hnn_t": 4.0, "hnn_sde": 40_000, "n_times": 301, "conv_seeds": 16},
}
# deterministic trajectories: t_final/mirror_step steps must be a multiple of n_times − 1 at every size
FLOW_T_FINAL, MIRROR_STEP = 6.0, 0.01

INTRO = """
<p>A continuous Hopfield network dx/dt = −x/τ + Wσ(x) + b with symmetric W descends the energy
E(y) = −½yᵀWy − bᵀy + Σψ(y<sub>i</sub>)/τ<sub>i</sub>, ψ′ = σ<sup>−1</sup>. In the outputs y = σ(x) the flow is
Amari's natural gradient dy/dt = −G(y)<sup>−1</sup>∇E with the diagonal metric g = (σ<sup>−1</sup>)′ fixed by
the activation; forward Euler in x is mirror descent in y with mirror map ψ. The stochastic network
(Wong's diffusion machine) dx = −∇<sub>y</sub>E dt + √(2T/σ′(x)) dw is not itself a gradient flow, but
its density is the Wasserstein gradient flow of the free energy F(ρ) = ∫Eρ + T∫ρ log ρ for the
geodesic distance of G; its stationary law is exp(−E(y)/T)/Z in y. The density is computed by the
Caluya–Halder proximal (JKO) recursion: Euler–Maruyama samples in the geodesic coordinates
u = Φ(y), weights by an entropic-regularised transport step solved by a log-domain fixed point
(ε = 0.05 as in the published code).</p>
"""


def build_section(out: Path, size: str, seed: int, cache: Path,
                  progress: Callable[[str, int, int], None] | None = None) -> Section:
    """Compute (or load) the Hopfield-flow results and assemble the report section."""
    cfg = SIZES[size]
    figs = out / "figures"
    sec = Section("flow", "2. Hopfield network flow, geometric view (Halder, Caluya, Travacca, Moura 2019)",
                  INTRO)
    cb = (lambda name: (lambda d, t: progress(name, d, t))) if progress else (lambda name: None)

    # deterministic flow in three forms
    t0 = time.perf_counter()
    p1 = {"activations": ["logistic", "tanh", "arctan"], "n_times": cfg["n_times"], "t_final": FLOW_T_FINAL,
              "mirror_step": MIRROR_STEP}
    ds1, c1 = cached_dataset(cache, "flow_trajectories", p1, lambda: exp.flow_trajectories(
        p1["activations"], n_times=p1["n_times"], t_final=p1["t_final"], mirror_step=p1["mirror_step"]))
    dt1 = time.perf_counter() - t0
    save_figure(fig.plot_trajectories(ds1), figs, "flow_trajectories")
    sec.figures.append(("flow_trajectories", ("Trajectories of one network (W, b fixed) for three activations; "
                        "x-form, natural gradient and mirror descent (h = 0.01)")))
    save_figure(fig.plot_energy(ds1), figs, "flow_energy")
    sec.figures.append(("flow_energy", "Energy along every trajectory"))
    for act in ds1.activation.values:
        mono = bool(ds1.energy_monotone.sel(activation=act).all())
        sec.checks.append(Check(f"{act}: energy non-increasing (all 3 forms)", 1.0, float(mono), 0.0,
                                "Lyapunov identity dE/dt = −Σσ′ẋ² ≤ 0"))
        gap = float(np.max(np.abs(ds1.y.sel(activation=act, form="natural")
                                  - ds1.y.sel(activation=act, form="x"))))
        sec.checks.append(Check(f"{act}: max |y_natural − y_x| over the trajectory", 0.0, gap, 1e-6,
                                "same flow in two coordinate systems"))
    sec.provenance.append(provenance_line(ds1, "hopfieldlab flow --activation logistic --form mirror --json", dt1, c1))

    t0 = time.perf_counter()
    p2 = {"steps": [0.2, 0.1, 0.05, 0.025, 0.0125], "t_final": 2.0}
    ds2, c2 = cached_dataset(cache, "mirror_descent_order", p2,
                             lambda: exp.mirror_descent_order(p2["steps"], t_final=p2["t_final"]))
    save_figure(fig.plot_mirror_order(ds2), figs, "flow_mirror_order")
    sec.figures.append(("flow_mirror_order", "Mirror descent converges to the flow at first order"))
    sec.checks.append(Check("mirror descent convergence order", 1.0, float(ds2.order), 0.1,
                            "forward Euler in x = mirror descent in y (first order)"))
    sec.provenance.append(provenance_line(ds2, "hopfieldlab flow --form mirror --step 0.0125 --json",
                                time.perf_counter() - t0, c2))

    # stationary law of the diffusion machine
    t0 = time.perf_counter()
    p3 = {"T": 0.5, "n_samples": cfg["gibbs_samples"], "t_final": cfg["gibbs_t"], "dt": cfg["gibbs_dt"], "seed": seed}
    ds3, c3 = cached_dataset(cache, "gibbs_histogram", p3, lambda: exp.gibbs_histogram(
        T=p3["T"], n_samples=p3["n_samples"], t_final=p3["t_final"], dt=p3["dt"], rng=seed))
    save_figure(fig.plot_gibbs_histogram(ds3), figs, "flow_gibbs")
    sec.figures.append(("flow_gibbs", (f"1-neuron double well (W = 8, b = −4, logistic), T = 0.5: "
                        f"{cfg['gibbs_samples']} SDE samples at t = {cfg['gibbs_t']} vs exp(−E/T)/Z")))
    pval = float(ds3.p_value.isel(neuron=0))
    # a goodness-of-fit test at level α = 1e-3: the row passes when p ≥ α (one-sided threshold)
    sec.checks.append(Check("Gibbs χ² p-value ≥ 1e-3", 1e-3, pval, 0.0,
                            f"χ² = {float(ds3.chi2.isel(neuron=0)):.1f}; test level α = 1e-3, "
                            "false-failure rate 0.1%", kind="at_least"))
    sec.checks.append(Check("⟨y⟩ SDE vs Gibbs", float(ds3.mean_gibbs.isel(neuron=0)),
                            float(ds3.mean_sde.isel(neuron=0)),
                            4 * 0.32 / np.sqrt(cfg["gibbs_samples"]), "4 standard errors"))
    sec.provenance.append(provenance_line(ds3, f"hopfieldlab density --T 0.5 --samples {cfg['gibbs_samples']} "
                                     f"--t-final {cfg['gibbs_t']} --json", time.perf_counter() - t0, c3))

    # proximal recursion: OU closed form
    t0 = time.perf_counter()
    p4 = {"n_particles": cfg["ou_n"], "h": cfg["ou_h"], "t_final": cfg["ou_t"], "seed": seed, "v": 2}
    ds4, c4 = cached_dataset(cache, "ou_proximal", p4, lambda: exp.ou_proximal(
        n_particles=p4["n_particles"], h=p4["h"], t_final=p4["t_final"], rng=seed,
        progress=cb("proximal recursion (OU)")))
    save_figure(fig.plot_moments(ds4), figs, "flow_ou_moments")
    sec.figures.append(("flow_ou_moments", ("Ornstein–Uhlenbeck from N(5, 0.04): proximal recursion, "
                        "particles and closed form")))
    n_ou = cfg["ou_n"]
    for k in range(1, ds4.time.size, max(1, (ds4.time.size - 1) // 4)):
        tk = float(ds4.time[k])
        v_ex = float(ds4.variance.sel(source="exact")[k])
        # the samples are N draws (Euler–Maruyama, O(h) bias far below the s.e. at h = 1e-3)
        sec.checks.append(Check(f"OU mean at t = {tk:.2f}: samples", float(ds4.mu.sel(source="exact")[k]),
                                float(ds4.mu.sel(source="particles")[k]), 4 * np.sqrt(v_ex / n_ou),
                                "closed form (OU) μ₀e^{−t}; tol 4 s.e. √(v/N)"))
        sec.checks.append(Check(f"OU variance at t = {tk:.2f}: samples", v_ex,
                                float(ds4.variance.sel(source="particles")[k]),
                                4 * v_ex * np.sqrt(2.0 / (n_ou - 1)),
                                "closed form (OU); tol 4 s.e. v√(2/(N−1)) of a sample variance"))
    fe, fe_se = ds4.free_energy.sel(source="proximal").values, ds4.free_energy_se.values
    z = np.diff(fe) / np.sqrt(fe_se[1:] ** 2 + fe_se[:-1] ** 2)
    sec.checks.append(Check("OU free energy: largest rise between records, in s.e.", 0.0, float(z.max()), 4.0,
                            "JKO descent F(ρ_k) ≤ F(ρ_{k−1}); estimator s.e. sd(ψ + T log ρ)/√N",
                            kind="at_most"))
    sec.checks.append(Check("OU fixed-point sweeps per step (max)", 5.0, float(ds4.n_iter.max()), 10.0,
                            "contraction factor 1/(1+βε/h)"))
    sec.provenance.append(provenance_line(ds4, f"hopfieldlab density --ou --particles {cfg['ou_n']} --json",
                                time.perf_counter() - t0, c4))

    # convergence study: what the weights add (entropic bias, vs ε), sampling (vs N), steps (vs h)
    t0 = time.perf_counter()
    p6 = {"seed": seed, "n_seeds": cfg.get("conv_seeds", 8)}
    ds6, c6 = cached_dataset(cache, "proximal_convergence", p6, lambda: exp.proximal_convergence(
        n_seeds=p6["n_seeds"], rng=seed, progress=cb("proximal recursion (convergence)")))
    save_figure(fig.plot_proximal_convergence(ds6), figs, "flow_proximal_convergence")
    t_ev = float(json.loads(ds6.attrs["parameters"])["t_eval"])
    sec.figures.append(("flow_proximal_convergence", (
        f"Proximal recursion on OU at t = {t_ev:g}: the weights' variance exceeds their own "
        "samples' by a bias of order ε (entropic blur of the kernel exp(−C/2ε), about 0.75ε); the "
        "samples carry the sampling error v√(2/(N−1)) and the Euler–Maruyama error of order h. "
        "With ε = 0.05, N = 400 the variance error is dominated by sampling (±0.03 at t = 0.25) "
        "plus the blur (+0.035)")))
    conv_ok = bool(ds6.converged.all())
    sec.checks.append(Check("ε study: every fixed point converged", 1.0, float(conv_ok), 0.0,
                            "recursion's convergence flags"))
    sec.checks.append(Check("entropic bias of the weights: observed order in ε", 1.0, float(ds6.order_eps), 0.3,
                            "convergence study (OU, paired clouds); blur of exp(−C/2ε) is O(ε)"))
    sec.checks.append(Check("sampling error: observed order in N", -0.5, float(ds6.order_n), 0.1,
                            "convergence study (OU); closed form v√(2/(N−1))"))
    sec.checks.append(Check("Euler–Maruyama moves: observed order in h", 1.0, float(ds6.order_h), 0.1,
                            "convergence study (OU, common Brownian paths); strong order 1, additive noise"))
    sec.provenance.append(provenance_line(ds6, "hopfieldlab report --only flow (proximal_convergence)",
                                time.perf_counter() - t0, c6))

    # proximal recursion: the diffusion machine
    t0 = time.perf_counter()
    p5 = {"n_particles": cfg["hnn_n"], "h": cfg["hnn_h"], "t_final": cfg["hnn_t"], "n_sde": cfg["hnn_sde"], "seed": seed,
          "v": 2}
    ds5, c5 = cached_dataset(cache, "density_evolution", p5, lambda: exp.density_evolution(
        n_particles=p5["n_particles"], h=p5["h"], t_final=p5["t_final"], n_sde=p5["n_sde"], rng=seed,
        progress=cb("proximal recursion (network)")))
    save_figure(fig.plot_density_snapshots(ds5), figs, "flow_density")
    sec.figures.append(("flow_density", ("Density of the 1-neuron diffusion machine (T = 1) by the "
                        "proximal recursion, approaching the Gibbs law; drawn in the geodesic "
                        "coordinate u = Φ(y) = 2 arcsin √y where the recursion runs (in y the "
                        "Jacobian 1/√(y(1−y)) blows the weights up at the box faces)")))
    save_figure(fig.plot_moments(ds5), figs, "flow_hnn_moments")
    sec.figures.append(("flow_hnn_moments", "Moments: proximal recursion vs SDE ensemble vs Gibbs"))
    save_figure(fig.plot_free_energy(ds5), figs, "flow_free_energy")
    sec.figures.append(("flow_free_energy", "Free energy along the recursion"))
    n = cfg["hnn_n"]
    for k in range(1, ds5.time.size):
        tk = float(ds5.time[k])
        v_sde = float(ds5.variance.sel(source="sde")[k])
        sec.checks.append(Check(f"network ⟨y⟩ at t = {tk:.2f}: proximal vs SDE",
                                float(ds5.mu.sel(source="sde")[k]), float(ds5.mu.sel(source="proximal")[k]),
                                4 * np.sqrt(v_sde / n), "SDE ensemble; tol 4 s.e."))
        sec.checks.append(Check(f"network Var y at t = {tk:.2f}: proximal vs SDE", v_sde,
                                float(ds5.variance.sel(source="proximal")[k]), 0.25 * v_sde,
                                "SDE ensemble; tol 25%"))
    fe5, se5 = ds5.free_energy.values, ds5.free_energy_se.values
    z5 = np.diff(fe5) / np.sqrt(se5[1:] ** 2 + se5[:-1] ** 2)
    sec.checks.append(Check("network free energy: largest rise between records, in s.e.", 0.0, float(z5.max()), 4.0,
                            "JKO descent F(ρ_k) ≤ F(ρ_{k−1}); estimator s.e. sd(E + T log ρ)/√N "
                            "(near equilibrium the true decrease is below the s.e.)", kind="at_most"))
    sec.checks.append(Check("free energy at the end vs −T log Z", float(ds5.free_energy_gibbs),
                            float(ds5.free_energy[-1]), 0.1, "Gibbs minimum of F (sample estimate)"))
    sec.provenance.append(provenance_line(ds5, f"hopfieldlab density --particles {n} --json",
                                time.perf_counter() - t0, c5))
    return sec
