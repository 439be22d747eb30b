"""Figures of Ramsauer's metastable-state diagram and of the two-pattern pitchfork."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from ._style import new_axes, new_axes_pair

_KIND_STYLE = {"global": ("#7a7a7a", "o"), "metastable": ("#c8432b", "s"), "pattern": ("#1f5fa8", "^")}


def _theory_lines(ds: xr.Dataset, ax: Any, label: bool) -> None:
    ax.axvline(float(ds.beta_c_global), color="0.2", ls="--", lw=1,
               label="1/λ_max(Σ) (global)" if label else None)
    for j, b in enumerate(np.atleast_1d(ds.beta_c_within.values)):
        if np.isfinite(b):
            ax.axvline(float(b), color="#c8432b", ls=":", lw=1,
                       label="1/λ_max(Σ_w,j) (each cluster)" if label and j == 0 else None)
    sep = ds.beta.values[ds.separated.values.astype(bool)]
    if sep.size:
        ax.axvspan(float(sep.min()), float(ds.beta.values.max()), color="#1f5fa8", alpha=0.07, lw=0,
                   label="separation condition holds" if label else None)


def plot_metastable_diagram(ds: xr.Dataset, axes: Any = None) -> Any:
    """Fractions of the three kinds of fixed point (left) and the participation ratio (right) vs β.

    ``ds`` is the output of :func:`hopfieldlab.experiments.metastable.metastable_diagram`.
    Vertical lines: β_c,global = 1/λ_max(Σ) (dashed) and 1/λ_max(Σ_w,j) per cluster (dotted);
    the shaded band is where the separation condition holds for every pattern. ``axes`` is an
    optional pair of axes.
    """
    fig, axes = new_axes_pair(axes, figsize=(9.0, 4.2))
    beta = ds.beta.values
    for kind, (color, marker) in _KIND_STYLE.items():
        axes[0].plot(beta, ds.fraction.sel(kind=kind), marker=marker, color=color, mfc="white", ms=4,
                     label=kind)
    axes[0].plot(beta, ds.mass_fraction.sel(kind="global"), color="#7a7a7a", lw=0.8, ls="-.",
                 label="global by weight mass")
    _theory_lines(ds, axes[0], label=True)
    axes[0].set_xscale("log")
    axes[0].set_ylim(-0.03, 1.05)
    axes[0].set_xlabel("β")
    axes[0].set_ylabel("fraction of starts")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, frameon=False, loc="outside lower center", ncol=4)
    axes[0].set_title("Fixed point reached from noisy patterns", fontsize=10)
    axes[1].plot(beta, ds.participation, marker="o", color="#1f5fa8", mfc="white", ms=4,
                 label="participation 1/Σp²")
    axes[1].plot(beta, ds.support_size, color="#c8432b", lw=1, label="support size")
    _theory_lines(ds, axes[1], label=False)
    axes[1].set_xscale("log")
    axes[1].set_xlabel("β")
    axes[1].set_ylabel("patterns averaged")
    axes[1].legend(fontsize=7, frameon=False)
    axes[1].set_title("Effective number of patterns", fontsize=10)
    return fig


def plot_pitchfork(ds: xr.Dataset, ax: Any = None) -> Any:
    """Two patterns ±x₁: iterated s = ξ·x₁/|x₁|² vs β/β_c with the branches ±s* of s = tanh(β|x₁|² s).

    ``ds`` is the output of :func:`hopfieldlab.experiments.metastable.pitchfork_diagram`.
    """
    fig, ax = new_axes(ax)
    bc = float(ds.beta_c)
    g = ds.beta.values / bc
    for r in ds.start.values:
        ax.plot(g, ds.s.sel(start=r), "o", color="#1f5fa8", mfc="white", ms=4,
                label="iterated update" if r == 0 else None)
    fine = ds.beta_fine.values / bc
    ax.plot(fine, ds.s_star, color="#c8432b", lw=1, label="±s*, s* = tanh(β|x₁|² s*)")
    ax.plot(fine, -ds.s_star, color="#c8432b", lw=1)
    ax.axvline(1.0, color="0.3", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("β / β_c")
    ax.set_ylabel("s = ξ·x₁ / |x₁|²")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(f"Two patterns: pitchfork at β_c = {bc:.3g}", fontsize=10)
    return fig
