"""Figures of the Hopfield-flow line of work (Halder, Caluya, Travacca, Moura 2019)."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from ._style import new_axes

FORM_STYLES = {"x": "-", "natural": "--", "mirror": ":"}
ACT_COLORS = {"logistic": "#1f5fa8", "tanh": "#c8432b", "arctan": "#2f8f4e", "identity": "#7a4fa3"}


def plot_trajectories(ds: xr.Dataset, ax: Any = None) -> Any:
    """Output trajectories y(t) in the (y_0, y_1) plane, one colour per activation, per form."""
    fig, ax = new_axes(ax)
    for act in ds.activation.values:
        col = ACT_COLORS.get(str(act))
        for form in ds.form.values:
            y = ds.y.sel(activation=act, form=form)
            ax.plot(y.isel(neuron=0), y.isel(neuron=1), ls=FORM_STYLES.get(str(form), "-"), color=col,
                    lw=1.4, label=f"{act}, {form}")
        y0 = ds.y.sel(activation=act, form="x").isel(time=0)
        ax.plot(y0.isel(neuron=0), y0.isel(neuron=1), "o", color=col, ms=4)
    ax.set_xlabel("output y₀")
    ax.set_ylabel("output y₁")
    ax.legend(fontsize=7, frameon=False, ncol=2)
    ax.set_title("Same W, b; geometry set by the activation", fontsize=10)
    return fig


def plot_energy(ds: xr.Dataset, ax: Any = None) -> Any:
    """Energy E(y(t)) along the trajectories (non-increasing)."""
    fig, ax = new_axes(ax)
    for act in ds.activation.values:
        for form in ds.form.values:
            ax.plot(ds.time, ds.energy.sel(activation=act, form=form), color=ACT_COLORS.get(str(act)),
                    ls=FORM_STYLES.get(str(form), "-"), lw=1.3, label=f"{act}, {form}")
    ax.set_xlabel("time t")
    ax.set_ylabel("energy E(y)")
    ax.legend(fontsize=7, frameon=False, ncol=2)
    ax.set_title("Lyapunov function along the flow", fontsize=10)
    return fig


def plot_mirror_order(ds: xr.Dataset, ax: Any = None) -> Any:
    """Log-log error of mirror descent vs step, with the fitted slope."""
    fig, ax = new_axes(ax)
    h, err = ds.step.values, ds.error.values
    ax.loglog(h, err, "o-", color="#1f5fa8", label=f"mirror descent (slope {float(ds.order):.3f})")
    ax.loglog(h, err[-1] * h / h[-1], ":", color="0.4", label="first order")
    ax.set_xlabel("step h")
    ax.set_ylabel("max |y_h(t) − y(t)|")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Mirror descent → continuous flow", fontsize=10)
    return fig


def plot_gibbs_histogram(ds: xr.Dataset, ax: Any = None) -> Any:
    """Histogram of the diffusion machine (neuron 0) against the Gibbs and Jacobian-free laws."""
    fig, ax = new_axes(ax)
    c = ds.bin.values
    w = np.diff(c).mean() if c.size > 1 else 1.0
    ax.bar(c, ds.density_sde.isel(neuron=0), width=w, color="#9db7d5", edgecolor="white",
           label=f"SDE (χ² p = {float(ds.p_value.isel(neuron=0)):.2g})")
    ax.step(c, ds.density_gibbs.isel(neuron=0), where="mid", color="#c8432b", lw=1.6,
            label="exp(−E/T)/Z in y")
    ax.step(c, ds.density_wrong.isel(neuron=0), where="mid", color="0.3", ls=":", lw=1.4,
            label=f"no Jacobian (p = {float(ds.p_value_wrong.isel(neuron=0)):.1e})")
    ax.set_xlabel("output y₀")
    ax.set_ylabel("density")
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Stationary law of the diffusion machine", fontsize=10)
    return fig


def plot_moments(ds: xr.Dataset, ax: Any = None) -> Any:
    """Mean (solid) and variance (dashed, right axis) over time for each method."""
    fig, ax = new_axes(ax)
    ax2 = ax.twinx()
    colors = {"proximal": "#c8432b", "sde": "#1f5fa8", "particles": "#1f5fa8", "exact": "0.2",
              "gibbs": "0.2"}
    for m in ds.source.values:
        col = colors.get(str(m), None)
        ax.plot(ds.time, ds.mu.sel(source=m), "o-" if m != "exact" else "-", color=col, ms=3,
                label=f"mean, {m}")
        ax2.plot(ds.time, ds.variance.sel(source=m), "s--" if m != "exact" else "--", color=col,
                 ms=3, mfc="white")
    ax.set_xlabel("time t")
    ax.set_ylabel("mean (solid)")
    ax2.set_ylabel("variance (dashed)")
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Proximal recursion: moments over time", fontsize=10)
    return fig


def plot_density_snapshots(ds: xr.Dataset, ax: Any = None) -> Any:
    """Weighted samples (u_i, ρ_u(u_i)) of the recursion at each record, and the Gibbs density.

    Drawn in the geodesic coordinate u = Φ(y) where the recursion runs: the y-density
    ρ_y = ρ_u·√g(y) carries the Jacobian √g, unbounded at the box faces, which amplifies the
    entropic blur of the weights there into a spike (datasets without ``u`` fall back to y).
    """
    import matplotlib

    fig, ax = new_axes(ax)
    cmap = matplotlib.colormaps["viridis"]
    nt = ds.time.size
    in_u = "density_u" in ds
    pts, dens = (ds.u, ds.density_u) if in_u else (ds.y, ds.density)
    for k in range(nt):
        x = pts.isel(time=k).values
        o = np.argsort(x)
        ax.plot(x[o], dens.isel(time=k).values[o], color=cmap(k / max(1, nt - 1)), lw=1.1,
                label=f"t = {float(ds.time[k]):.2g}")
    if in_u:
        ax.plot(ds.u_grid, ds.gibbs_pdf_u, color="k", ls="--", lw=1.3, label="Gibbs (t → ∞)")
        ax.set_xlabel("geodesic coordinate u = Φ(y)")
        ax.set_ylabel("density ρ_u(u, t)")
    else:
        ax.plot(ds.grid, ds.gibbs_pdf, color="k", ls="--", lw=1.3, label="Gibbs (t → ∞)")
        ax.set_xlabel("output y")
        ax.set_ylabel("density ρ(y, t)")
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Density by the proximal recursion", fontsize=10)
    return fig


def plot_free_energy(ds: xr.Dataset, ax: Any = None) -> Any:
    """Free energy F(ρ_t) along the recursion (±2 standard errors when stored) and −T log Z."""
    fig, ax = new_axes(ax)
    if "free_energy_se" in ds:
        ax.errorbar(ds.time, ds.free_energy, yerr=2 * ds.free_energy_se, fmt="o-", color="#c8432b",
                    ms=3, capsize=2, label="proximal recursion (±2 s.e.)")
    else:
        ax.plot(ds.time, ds.free_energy, "o-", color="#c8432b", ms=3, label="proximal recursion")
    ax.axhline(float(ds.free_energy_gibbs), color="0.3", ls="--", label="−T log Z (Gibbs)")
    ax.set_xlabel("time t")
    ax.set_ylabel("free energy F(ρ)")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Free-energy decay (Wasserstein gradient flow)", fontsize=10)
    return fig


def plot_proximal_convergence(ds: xr.Dataset, axes: Any = None) -> Any:
    """Convergence study of the proximal recursion (OU): error vs ε, N and h, log-log.

    Left: entropic bias of the weights' variance vs ε (with ±2 s.e. bars); middle: sampling
    error of the cloud's variance vs N with the closed form v√(2/(N − 1)); right: Euler–Maruyama
    error of the samples vs h. Dotted lines: the expected orders 1, −1/2, 1.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.4), constrained_layout=True)
        for a in axes:
            a.grid(alpha=0.25, lw=0.6)
    else:
        fig = axes[0].figure
    ax_e, ax_n, ax_h = axes
    e, b, se = ds.eps.values, ds.weight_bias.values, ds.weight_bias_se.values
    ax_e.errorbar(e, b, yerr=2 * se, fmt="o-", color="#c8432b", ms=4, capsize=2,
                  label=f"weights − cloud (slope {float(ds.order_eps):.2f})")
    ax_e.loglog(e, b[-1] * e / e[-1], ":", color="0.4", label="order 1")
    ax_e.set_xlabel("entropic regularisation ε")
    ax_e.set_ylabel("variance bias of the weights")
    ax_e.set_title("Entropic blur", fontsize=10)
    n, s, s_th = ds.n_particles.values, ds.sampling_error.values, ds.sampling_error_theory.values
    ax_n.loglog(n, s, "o-", color="#1f5fa8", ms=4, label=f"RMS over clouds (slope {float(ds.order_n):.2f})")
    ax_n.loglog(n, s_th, ":", color="0.4", label="v√(2/(N−1)) (order −1/2)")
    ax_n.set_xlabel("samples N")
    ax_n.set_ylabel("|sample variance − exact|")
    ax_n.set_title("Sampling error", fontsize=10)
    h, err, err_m = ds.step.values, ds.step_error.values, ds.step_error_mean.values
    ax_h.loglog(h, err, "o-", color="#2f8f4e", ms=4, label=f"samples, RMS (slope {float(ds.order_h):.2f})")
    ax_h.loglog(h, err_m, "s--", color="#7a4fa3", ms=4, mfc="white",
                label=f"mean (slope {float(ds.order_h_mean):.2f})")
    ax_h.loglog(h, err[-1] * h / h[-1], ":", color="0.4", label="order 1")
    ax_h.set_xlabel("step h")
    ax_h.set_ylabel("error at t vs exact transition")
    ax_h.set_title("Euler–Maruyama moves", fontsize=10)
    for a in axes:
        a.legend(fontsize=7, frameon=False)
    return fig
