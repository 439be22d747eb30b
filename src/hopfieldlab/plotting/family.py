"""Figures of the wider family: dense/exponential capacity, random features, sparse retrieval."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from ._style import new_axes, new_axes_pair

_MARKERS = ("o", "s", "^", "D", "v", "P")


def plot_polynomial_scaling(ds: xr.Dataset, degree: int | None = None, ax: Any = None) -> Any:
    """One-flip error rate vs load α = P/N^(n-1) at several N, with the signal-to-noise curve.

    Points of different N falling on one curve show the capacity scaling P ∝ N^(n-1).
    ``ds`` is the output of :func:`hopfieldlab.experiments.family.polynomial_capacity_scaling`;
    ``degree`` picks one n (default: the largest).
    """
    fig, ax = new_axes(ax)
    n = int(ds.degree.values.max()) if degree is None else int(degree)
    sub = ds.sel(degree=n)
    cmap = _cmap(len(sub.N))
    for j, big_n in enumerate(sub.N.values):
        pt = sub.sel(N=big_n)
        yerr = np.nan_to_num(pt.bit_error_err.values) if "bit_error_err" in pt else None
        ax.errorbar(pt.alpha, pt.bit_error, yerr=yerr, fmt=_MARKERS[j % len(_MARKERS)],
                    color=cmap[j], mfc="white", ms=5, capsize=2, label=f"N = {int(big_n)}")
        ax.plot(pt.alpha, pt.bit_error_theory, color=cmap[j], lw=0.9, alpha=0.6)
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_xlabel(f"load α = P / N^{n - 1}")
    ax.set_ylabel("one-flip error rate")
    ax.legend(fontsize=8, frameon=False, title=f"F(x) = x^{n}: points MC, lines theory",
              title_fontsize=8)
    ax.set_title("Krotov–Hopfield capacity scaling", fontsize=10)
    return fig


def plot_exponential_capacity(ds: xr.Dataset, ax: Any = None) -> Any:
    """Fraction of stored patterns that are fixed points vs α = ln P / N, per N, with ln 2 / 2.

    ``ds`` is the output of :func:`hopfieldlab.experiments.family.exponential_capacity`.
    """
    fig, ax = new_axes(ax)
    cmap = _cmap(len(ds.N))
    for j, big_n in enumerate(ds.N.values):
        pt = ds.sel(N=big_n)
        ax.plot(pt.alpha, pt.stable_fraction, marker=_MARKERS[j % len(_MARKERS)], color=cmap[j],
                mfc="white", ms=5, label=f"N = {int(big_n)}")
    ax.axvline(float(ds.alpha_bound), color="0.3", ls=":", lw=1, label="ln 2 / 2")
    ax.set_xlabel("α = ln P / N")
    ax.set_ylabel("fraction of stable patterns")
    ax.set_ylim(-0.03, 1.05)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Exponential model: capacity P = e^(αN)", fontsize=10)
    return fig


def plot_random_feature_error(ds: xr.Dataset, ax: Any = None) -> Any:
    """RMS energy error of the random-feature memory vs Y on log-log axes, with a Y^(-1/2) guide.

    ``ds`` is the output of :func:`hopfieldlab.experiments.family_more.random_feature_error`.
    """
    fig, ax = new_axes(ax)
    y = ds.n_features.values.astype(float)
    e = ds.rms_error.values
    ax.errorbar(y, e, yerr=np.nan_to_num(ds.rms_error_err.values), fmt="o", color="#1f5fa8",
                mfc="white", capsize=2, label=f"measured (fit slope {float(ds.slope):.3f})")
    guide = e[0] * np.sqrt(y[0] / y)
    ax.plot(y, guide, color="0.4", ls="--", lw=1, label="∝ Y^(-1/2)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of random features Y")
    ax.set_ylabel("RMS energy error")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Random-feature memory vs exact LSE energy", fontsize=10)
    return fig


def plot_sparse_retrieval(ds: xr.Dataset, axes: Any = None) -> Any:
    """Retrieval error (left) and support size of the weights (right) vs cue noise, per α.

    ``ds`` is the output of :func:`hopfieldlab.experiments.family_more.sparse_retrieval`.
    ``axes`` is an optional pair of axes.
    """
    fig, axes = new_axes_pair(axes, figsize=(8.4, 3.4))
    cmap = _cmap(len(ds.alpha))
    for j, a in enumerate(ds.alpha.values):
        lab = {1.0: "softmax (α = 1)", 2.0: "sparsemax (α = 2)"}.get(float(a), f"entmax α = {a:g}")
        pt = ds.sel(alpha=a)
        mk = _MARKERS[j % len(_MARKERS)]
        axes[0].plot(pt.noise, pt.error, marker=mk, color=cmap[j], mfc="white", label=lab)
        axes[1].plot(pt.noise, pt.support_size, marker=mk, color=cmap[j], mfc="white", label=lab)
    axes[0].set_yscale("symlog", linthresh=1e-4)
    axes[0].set_xlabel("cue noise")
    axes[0].set_ylabel("distance to the cued pattern")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("cue noise")
    axes[1].set_ylabel("patterns with non-zero weight")
    axes[0].legend(fontsize=8, frameon=False)
    axes[0].set_title("Fenchel–Young retrieval error", fontsize=10)
    axes[1].set_title("Sparsity of the weights", fontsize=10)
    return fig


def _cmap(k: int) -> list[Any]:
    import matplotlib

    cm = matplotlib.colormaps["viridis"]
    return [cm(0.1 + 0.75 * i / max(k - 1, 1)) for i in range(k)]
