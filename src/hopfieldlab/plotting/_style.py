"""One look for every figure of the library."""

from __future__ import annotations

from typing import Any

COLORS = {"classical": "#1f5fa8", "relativistic": "#c8432b"}
MARKERS = {"classical": "o", "relativistic": "s"}


def new_axes(ax: Any = None, figsize: tuple[float, float] = (5.2, 3.6)) -> tuple[Any, Any]:
    """Return (figure, axes): the given axes' figure, or a new figure with the library's style."""
    # no backend chosen here: it belongs to the user's process (notebooks, GUIs), and without
    # a display matplotlib falls back to Agg by itself
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, constrained_layout=True)
    ax.grid(alpha=0.25, lw=0.6)
    return fig, ax


def new_axes_pair(axes: Any = None, figsize: tuple[float, float] = (8.4, 3.4)) -> tuple[Any, Any]:
    """Return (figure, two axes side by side): the given pair's figure, or a new styled figure."""
    if axes is not None:
        return axes[0].figure, axes
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=figsize, constrained_layout=True)
    for a in axes:
        a.grid(alpha=0.25, lw=0.6)
    return fig, axes
