"""Figures drawn from the experiments' Datasets (matplotlib; nothing here computes physics)."""

from .relativistic import plot_mixture_stability as plot_mixture_stability
from .relativistic import plot_overlap_vs_temperature as plot_overlap_vs_temperature
from .relativistic import plot_spurious_escape as plot_spurious_escape

__all__ = ["plot_overlap_vs_temperature", "plot_mixture_stability", "plot_spurious_escape"]
