"""Figures drawn from the experiments' Datasets (matplotlib; nothing here computes physics)."""

from .highstorage import plot_phase_diagram as plot_phase_diagram
from .highstorage import plot_retrieval_grid as plot_retrieval_grid
from .relativistic import plot_mixture_stability as plot_mixture_stability
from .relativistic import plot_overlap_vs_temperature as plot_overlap_vs_temperature
from .relativistic import plot_spurious_escape as plot_spurious_escape
from .sweep import plot_sweep as plot_sweep

__all__ = [
    "plot_phase_diagram",
    "plot_retrieval_grid",
    "plot_overlap_vs_temperature",
    "plot_mixture_stability",
    "plot_spurious_escape",
    "plot_sweep",
]
