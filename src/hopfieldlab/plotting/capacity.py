"""Figures for the exponential-capacity line of work: phase diagram, retrieval curves, basins."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from ._style import new_axes

ENS_COLORS = {"spherical": "#1f5fa8", "gaussian": "#c8432b", "binary": "#3f8f3f"}
N_COLORS = ("#9ecae1", "#4292c6", "#08519c", "#08306b", "#041f45")


def plot_capacity_phase_diagram(ds: xr.Dataset, condensation: xr.Dataset | None = None,
                                ax: Any = None) -> Any:
    """α₁(λ) (solid) and α_c(λ) (dashed) per ensemble on a log-λ axis, with λ_*(α, 1) if given."""
    fig, ax = new_axes(ax)
    lam = ds.lam.values
    fin = np.isfinite(lam)
    for ens in ds.ensemble.values:
        c = ENS_COLORS.get(str(ens), "k")
        ax.plot(lam[fin], ds.alpha_1.sel(ensemble=ens).values[fin], color=c, lw=1.8, label=f"{ens}: α₁")
        ax.plot(lam[fin], ds.alpha_c.sel(ensemble=ens).values[fin], color=c, lw=1.4, ls="--",
                label=f"{ens}: α_c")
    if condensation is not None:
        ls = condensation.lambda_star.sel(rho=1.0)
        ax.plot(ls.values, ls.alpha.values, color="0.3", lw=1, ls=":", label="Gaussian λ_*(α, ρ=1)")
    ax.axhline(np.log(2) / 4, color="0.6", lw=0.7, ls="-.")
    ax.set_xscale("log")
    ax.set_xlabel("inverse temperature λ")
    ax.set_ylabel("load α = log(P)/N")
    ax.set_ylim(0, 1.2)
    ax.legend(fontsize=7, frameon=False)
    return fig


def plot_retrieval_curves(ds: xr.Dataset, rho: float = 1.0, ax: Any = None) -> Any:
    """Retrieval probability vs α for each N (binomial error bars), with the theory α₁(λ, ρ).

    Lines: the finite-N theory (``p_theory_curve``) in the colour of its N, when present.
    """
    fig, ax = new_axes(ax)
    sub = ds.sel(rho=rho)
    curve = "p_theory_curve" in sub
    for i, n in enumerate(sub.N.values):
        c = N_COLORS[i % len(N_COLORS)]
        ax.errorbar(sub.alpha.values, sub.p_retrieval.sel(N=n).values, yerr=sub.p_err.sel(N=n).values,
                    fmt="o" if curve else "o-", ms=3.5, lw=1, capsize=2, color=c, label=f"N = {n}")
        if curve:
            ax.plot(sub.alpha_curve.values, sub.p_theory_curve.sel(N=n).values, "-", lw=0.9, color=c)
    if curve:
        ax.plot([], [], "-", color="0.4", lw=0.9, label="finite-N theory")
    ax.axvline(float(sub.alpha_1_theory), color="k", lw=1, ls="--", label="theory α₁(λ, ρ), N → ∞")
    ax.axhline(0.5, color="0.6", lw=0.6)
    ax.set_xlabel("load α = log(P)/N")
    ax.set_ylabel("retrieval probability")
    ax.set_title(f"{ds.attrs.get('ensemble', '')}, λ = {ds.attrs.get('lam', '')}, ρ = {rho}", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    return fig


def plot_crossing_extrapolation(est: xr.Dataset, ax: Any = None) -> Any:
    """α_{1/2}(N) against 1/N beside the finite-N theory curve, the estimate and α₁."""
    fig, ax = new_axes(ax)
    inv = 1.0 / est.N.values
    ax.errorbar(inv, est.alpha_half.values, yerr=est.alpha_half_err.values, fmt="o", capsize=2,
                color=N_COLORS[2], label="simulation: α where p = 1/2")
    if "alpha_half_theory_curve" in est:
        ax.plot(1.0 / est.N_curve.values, est.alpha_half_theory_curve.values, "-", color=N_COLORS[2], lw=1,
                label="finite-N theory (log-normal REM)")
    a1 = float(est.alpha_1_theory)
    ax.axhline(a1, color="k", ls="--", lw=1, label=f"N → ∞ theory α₁ = {a1:.4f}")
    e, de = float(est.alpha_1_estimate), float(est.alpha_1_estimate_err)
    if np.isfinite(e) and np.isfinite(de):
        ax.axhspan(e - de, e + de, color=N_COLORS[2], alpha=0.15, lw=0,
                   label=f"estimate α₁ ≈ {e:.4f} ± {de:.4f}")
    ax.set_xlim(left=0)
    ax.set_xlabel("1/N")
    ax.set_ylabel(r"$\alpha_{1/2}(N)$")
    ax.legend(fontsize=7, frameon=False)
    return fig


def plot_basins(ds: xr.Dataset, ax: Any = None) -> Any:
    """Final overlap (iterated dynamics) vs initial overlap per α; vertical lines: theory ρ_min.

    The title names the update (the Dataset's ``project_to_sphere`` attribute: plain softmax
    update, or the variant rescaled to |x|² = N).
    """
    fig, ax = new_axes(ax)
    for i, a in enumerate(ds.alpha.values):
        c = N_COLORS[(i + 1) % len(N_COLORS)]
        ax.errorbar(ds.rho.values, ds.final_overlap.sel(alpha=a).values,
                    yerr=ds.final_overlap_err.sel(alpha=a).values, marker="o", ms=3.5, lw=1, capsize=2,
                    color=c, label=f"α = {a:g}")
        r = float(ds.rho_min_theory.sel(alpha=a))
        if np.isfinite(r):
            ax.axvline(r, color=c, ls="--", lw=0.9)
    ax.plot([0, 1], [0, 1], color="0.7", lw=0.6)
    ax.set_xlabel("initial overlap ρ")
    ax.set_ylabel("final overlap with the target")
    flag = ds.attrs.get("project_to_sphere")  # absent in Datasets older than the flag: not claimed
    rule = "" if flag is None else (", projected to |x|² = N" if int(flag) else ", plain softmax update")
    ax.set_title(f"{ds.attrs.get('ensemble', '')}, N = {ds.attrs.get('n_neurons', '')}, "
                 f"λ = {ds.attrs.get('lam', '')}{rule}; dashed: theory ρ_min", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    return fig


def plot_attention_regime(ds: xr.Dataset, ensemble: str = "spherical", ax: Any = None) -> Any:
    """log P_max/√N vs β at λ = β/√N for each N (solid), the closed form (dotted) and βρ (black)."""
    fig, ax = new_axes(ax)
    beta = ds.beta.values
    for i, n in enumerate(ds.N.values):
        c = N_COLORS[min(i, len(N_COLORS) - 1)]
        ax.plot(beta, ds.a_1.sel(ensemble=ensemble, N=n).values, color=c, lw=1.5, label=f"N = {n}")
        ax.plot(beta, ds.a_closed.sel(N=n).values, color=c, lw=0.8, ls=":")
    ax.plot(beta, ds.a_limit.values, color="k", lw=1.2, ls="--", label="N → ∞: a₁ = a_c = βρ")
    ax.set_xlabel("attention inverse temperature β  (λ = β/√N)")
    ax.set_ylabel("load a = log(P)/√N")
    ax.set_title(f"scaled dot-product regime, {ensemble} patterns", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    return fig
