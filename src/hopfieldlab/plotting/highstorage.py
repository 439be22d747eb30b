"""Figures of the high-storage (P = αN) phase diagrams and Monte Carlo retrieval."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from ._style import COLORS, MARKERS, new_axes

_LINE_STYLES = {"T_g": ":", "T_M": "-", "T_c": "--", "T_AT": "-."}
_LINE_LABELS = {"T_g": "T_g (spin glass)", "T_M": "T_M (retrieval exists)",
                "T_c": "T_c (retrieval global)", "T_AT": "T_AT (RS unstable)"}


def plot_phase_diagram(ds: xr.Dataset, ax: Any = None) -> Any:
    """(α, T) phase diagram: T_g, T_M, T_c and T_AT for each model (drawn where not NaN).

    ``ds`` comes from :func:`hopfieldlab.experiments.highstorage.phase_diagram`, best on the grid
    of :func:`hopfieldlab.theory.highstorage.phase_alphas` (0 to α_c). Within RS the retrieval
    line ends at α_c at T_M(α_c) > 0 (the region is re-entrant beyond α_c, not drawn); α_c at
    T = 0 is marked by a star.
    """
    fig, ax = new_axes(ax)
    for model in ds.model.values:
        col = COLORS.get(str(model))
        for name, ls in _LINE_STYLES.items():
            if name not in ds:
                continue
            y = ds[name].sel(model=model).values
            ok = np.isfinite(y)
            if ok.any():
                ax.plot(ds["alpha"].values[ok], y[ok], color=col, ls=ls, lw=1.4,
                        label=f"{model}: {_LINE_LABELS[name]}")
    if "alpha_c" in ds.attrs:
        ax.plot([float(ds.attrs["alpha_c"])], [0.0], "k*", ms=8, label="α_c (T = 0)")
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("temperature T")
    ax.set_ylim(0.0, None)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Replica-symmetric phase diagram", fontsize=10)
    return fig


def plot_retrieval_grid(ds: xr.Dataset, model: str = "classical", ax: Any = None,
                        lines: xr.Dataset | None = None) -> Any:
    """Monte Carlo retrieved fraction on the (α, T) grid (marker shade) with the T_M(α) line.

    Parameters
    ----------
    ds : Dataset
        From :func:`hopfieldlab.experiments.highstorage.retrieval_grid`.
    model : str
    ax : matplotlib Axes, optional
    lines : Dataset, optional
        From :func:`hopfieldlab.experiments.highstorage.phase_diagram` on a fine grid of loads:
        its T_M line is drawn. Without it the line joins the T_M values at the Monte Carlo loads
        only (where finite), which misses the shape of the line between them.

    Returns
    -------
    Figure
    """
    fig, ax = new_axes(ax)
    sub = ds.sel(model=model)
    aa, tt = np.meshgrid(ds["alpha"].values, ds["T"].values, indexing="ij")
    sc = ax.scatter(aa.ravel(), tt.ravel(), c=sub["fraction"].values.ravel(), cmap="viridis",
                    vmin=0.0, vmax=1.0, marker=MARKERS.get(model, "o"), s=40, edgecolors="k",
                    linewidths=0.4)
    fig.colorbar(sc, ax=ax, label="retrieved fraction (Monte Carlo)")
    if lines is not None:
        xa, ya = lines["alpha"].values, lines["T_M"].sel(model=model).values
    else:
        xa, ya = ds["alpha"].values, sub["T_M"].values
    order = np.argsort(xa)
    xa, ya = xa[order], ya[order]
    ok = np.isfinite(ya)
    ax.plot(xa[ok], ya[ok], color=COLORS.get(model), lw=1.5, label="T_M(α), RS theory")
    if lines is not None and "alpha_c" in lines.attrs:
        ax.plot([float(lines.attrs["alpha_c"])], [0.0], "k*", ms=8, label="α_c (T = 0)")
    ax.set_xlabel("load α = P/N")
    ax.set_ylabel("temperature T")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(f"{model}: retrieval from the pattern", fontsize=10)
    return fig


def plot_boundary_vs_n(ds: xr.Dataset, ax: Any = None) -> Any:
    """Finite-size retrieval boundary α_½(N) against N^{-1/2}, its linear fit and the RS value.

    ``ds`` comes from :func:`hopfieldlab.experiments.highstorage.retrieval_boundary_vs_n`; the RS
    boundary is drawn at N^{-1/2} = 0 (star), where the fit's intercept α_∞ should land.
    """
    fig, ax = new_axes(ax)
    x = ds["N"].values.astype(float) ** -0.5
    xs = np.linspace(0.0, x.max() * 1.05, 50)
    for i, t in enumerate(ds["T"].values):
        col = f"C{i}"
        y = ds["alpha_half"].isel(T=i).values
        ax.plot(x, y, "o", color=col, label=f"T = {t:g}: Monte Carlo α_½(N)")
        a, b = float(ds["slope"].isel(T=i)), float(ds["alpha_extrap"].isel(T=i))
        if np.isfinite(a) and np.isfinite(b):
            ax.plot(xs, b + a * xs, "-", color=col, lw=1.0, label=f"fit, α_∞ = {b:.3f}")
        ax.plot([0.0], [float(ds["alpha_theory"].isel(T=i))], "*", color=col, ms=10,
                label=f"RS: {float(ds['alpha_theory'].isel(T=i)):.3f}")
    ax.set_xlabel("N^(-1/2)")
    ax.set_ylabel("load α where half the runs retrieve")
    ax.set_xlim(0.0, None)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title(f"{ds.attrs.get('model', '')}: finite-size retrieval boundary", fontsize=10)
    return fig
