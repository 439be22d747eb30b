"""The standard figure of a sweep store: the headline output over the first grid axis.

One line per value of the second axis (colour) and of the third (line style); further axes are
held at their first value (said in the title). Points are means over seeds with standard errors
as error bars; failed or unfinished cells are left out.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from ._style import COLORS, new_axes

__all__ = ["plot_sweep", "seed_mean"]

_STYLES = ("-", "--", ":", "-.")


def seed_mean(da: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """Mean over ``seed`` and its standard error (NaN cells skipped; 0 with one seed)."""
    n = da.notnull().sum("seed")
    mean = da.mean("seed", skipna=True)
    sd = da.std("seed", ddof=1, skipna=True) if da.sizes["seed"] > 1 else xr.zeros_like(mean)
    err = (sd / np.sqrt(n.where(n > 0))).fillna(0.0)
    return mean, err


def _label(ds: xr.Dataset, name: str) -> str:
    attrs = ds[name].attrs
    text = attrs.get("long_name", name)
    units = attrs.get("units", "1")
    return text if units in ("1", "") else f"{text} [{units}]"


def plot_sweep(ds: xr.Dataset, var: str | None = None, ax: Any = None) -> Any:
    """Draw ``var`` (default: the experiment's headline output) of a sweep Dataset.

    Parameters
    ----------
    ds : Dataset
        As returned by :func:`hopfieldlab.experiments.sweep.load_sweep`.
    var : str, optional
        An output variable; array outputs are shown at the first index of their extra dims.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Figure
    """
    outputs = json.loads(ds.attrs.get("sweep_outputs", "[]"))
    var = var or ds.attrs.get("sweep_plot_var") or (outputs[0] if outputs else None)
    if var not in ds.data_vars or (outputs and var not in outputs):
        raise ValueError(f"var: got {var!r}, expected one of {', '.join(outputs) or 'the outputs'}")
    spec_axes = json.loads(ds.attrs.get("sweep_spec", "{}")).get("axes")
    axes = list(spec_axes) if spec_axes else [d for d in ds[var].dims if d in ds.indexes and d != "seed"]
    if "seed" not in ds[var].dims or not axes:
        raise ValueError("ds: expected a sweep Dataset with grid axes and a seed dimension")
    da = ds[var].where(ds["done"])
    extra = [d for d in da.dims if d not in axes and d != "seed"]
    da = da.isel({d: 0 for d in extra})
    held = {d: da[d].values[0] for d in axes[3:]}
    da = da.isel({d: 0 for d in axes[3:]})
    mean, err = seed_mean(da)
    fig, ax = new_axes(ax)
    x = axes[0]
    colour_vals = list(mean[axes[1]].values) if len(axes) > 1 else [None]
    style_vals = list(mean[axes[2]].values) if len(axes) > 2 else [None]
    cmap = _colours(colour_vals)
    for j, sv in enumerate(style_vals):
        for cv, col in zip(colour_vals, cmap):
            sel = {k: v for k, v in ((axes[1] if len(axes) > 1 else None, cv),
                                      (axes[2] if len(axes) > 2 else None, sv)) if k is not None}
            m, e = mean.sel(sel), err.sel(sel)
            label = ", ".join(f"{k} = {v}" for k, v in sel.items()) or None
            ax.errorbar(m[x].values, m.values, yerr=e.values, color=col, ls=_STYLES[j % len(_STYLES)],
                        marker="o", ms=3.5, capsize=2, lw=1.3, label=label)
    ax.set_xlabel(_label(ds, x) if x in ds.coords else x)
    ax.set_ylabel(_label(ds, var))
    title = f"{ds.attrs.get('experiment', 'sweep')}: {var}"
    if extra:
        title += " (" + ", ".join(f"{d} = 0" for d in extra) + ")"
    if held:
        title += " at " + ", ".join(f"{k} = {v}" for k, v in held.items())
    ax.set_title(title, fontsize=10)
    if len(axes) > 1:
        ax.legend(fontsize=7, frameon=False)
    return fig


def _colours(values: list[Any]) -> list[Any]:
    """The library's model colours where the values are model names, a colour map otherwise."""
    if all(str(v) in COLORS for v in values):
        return [COLORS[str(v)] for v in values]
    import matplotlib

    cm = matplotlib.colormaps["viridis"]
    n = len(values)
    return [cm(0.1 + 0.8 * i / max(1, n - 1)) for i in range(n)]
