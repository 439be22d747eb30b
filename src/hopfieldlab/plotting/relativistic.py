"""Figures of the relativistic-vs-classical comparison."""

from __future__ import annotations

from typing import Any

import xarray as xr

from ._style import COLORS, MARKERS, new_axes


def plot_overlap_vs_temperature(ds: xr.Dataset, ax: Any = None) -> Any:
    """Pure-state overlap vs T: theory lines and Monte Carlo points with error bars."""
    fig, ax = new_axes(ax)
    for model in ds.model.values:
        col = COLORS.get(str(model), None)
        ax.plot(ds["T"], ds.m_theory.sel(model=model), color=col, lw=1.6, label=f"{model}: theory")
        ax.errorbar(ds["T_mc"], ds.m_mc.sel(model=model), yerr=ds.m_mc_err.sel(model=model),
                    fmt=MARKERS.get(str(model), "o"), color=col, ms=4.5, capsize=2, mfc="white",
                    label=f"{model}: Monte Carlo")
    ax.axvline(1.0, color="0.5", ls=":", lw=1)
    ax.set_xlabel("temperature T")
    ax.set_ylabel("pure-state overlap m")
    ax.set_ylim(-0.02, 1.05)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Retrieval overlap vs temperature", fontsize=10)
    return fig


def plot_mixture_stability(ds: xr.Dataset, ax: Any = None) -> Any:
    """Stability margin of symmetric n-mixtures vs T; the state is stable where the margin > 0."""
    fig, ax = new_axes(ax)
    styles = ["-", "--", "-.", ":"]
    for j, nv in enumerate(ds.n.values):
        for model in ds.model.values:
            ax.plot(ds["T"], ds.margin.sel(model=model, n=nv), color=COLORS.get(str(model)),
                    ls=styles[j % len(styles)], lw=1.5, label=f"{model}, n = {int(nv)}")
            ts = float(ds.T_star.sel(model=model, n=nv))
            ax.plot([ts], [0.0], marker=MARKERS.get(str(model), "o"), color=COLORS.get(str(model)),
                    mfc="white", ms=5)
    ax.axhline(0.0, color="0.3", lw=0.8)
    ax.set_xlabel("temperature T")
    ax.set_ylabel("stability margin 1 − max eig(βC∇²F)")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Spurious (mixture) states: local stability", fontsize=10)
    return fig


def plot_spurious_escape(ds: xr.Dataset, outcome: str = "mixture", ax: Any = None) -> Any:
    """Fraction of Monte Carlo trials ending in ``outcome`` vs T, per model and initial state."""
    fig, ax = new_axes(ax)
    styles = {"mixture": "-", "random": "--"}
    for init in ds.init.values:
        for model in ds.model.values:
            f = ds.fraction.sel(model=model, init=init, outcome=outcome)
            e = ds.fraction_err.sel(model=model, init=init, outcome=outcome)
            ax.errorbar(ds["T"], f, yerr=e, color=COLORS.get(str(model)), ls=styles.get(str(init), "-"),
                        marker=MARKERS.get(str(model), "o"), ms=4, capsize=2,
                        label=f"{model}, start: {init}")
    if "T_star" in ds:
        for model in ds.model.values:
            ax.axvline(float(ds.T_star.sel(model=model)), color=COLORS.get(str(model)), ls=":", lw=1.2,
                       label=f"{model}: mean-field T* (3-mixture)")
    ax.set_xlabel("temperature T")
    ax.set_ylabel(f"fraction ending in a {outcome} state")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Monte Carlo: trapping in spurious states", fontsize=10)
    return fig
