"""Figures drawn from the experiments' Datasets (matplotlib; nothing here computes physics)."""

from .capacity import plot_attention_regime as plot_attention_regime
from .capacity import plot_basins as plot_basins
from .capacity import plot_capacity_phase_diagram as plot_capacity_phase_diagram
from .capacity import plot_crossing_extrapolation as plot_crossing_extrapolation
from .capacity import plot_retrieval_curves as plot_retrieval_curves
from .family import plot_exponential_capacity as plot_exponential_capacity
from .family import plot_polynomial_scaling as plot_polynomial_scaling
from .family import plot_random_feature_error as plot_random_feature_error
from .family import plot_sparse_retrieval as plot_sparse_retrieval
from .highstorage import plot_boundary_vs_n as plot_boundary_vs_n
from .highstorage import plot_phase_diagram as plot_phase_diagram
from .highstorage import plot_retrieval_grid as plot_retrieval_grid
from .metastable import plot_metastable_diagram as plot_metastable_diagram
from .metastable import plot_pitchfork as plot_pitchfork
from .relativistic import plot_mixture_stability as plot_mixture_stability
from .relativistic import plot_overlap_vs_temperature as plot_overlap_vs_temperature
from .relativistic import plot_spurious_escape as plot_spurious_escape
from .sweep import plot_sweep as plot_sweep

__all__ = [
    "plot_attention_regime",
    "plot_boundary_vs_n",
    "plot_exponential_capacity",
    "plot_polynomial_scaling",
    "plot_random_feature_error",
    "plot_sparse_retrieval",
    "plot_basins",
    "plot_capacity_phase_diagram",
    "plot_crossing_extrapolation",
    "plot_retrieval_curves",
    "plot_phase_diagram",
    "plot_retrieval_grid",
    "plot_overlap_vs_temperature",
    "plot_mixture_stability",
    "plot_spurious_escape",
    "plot_sweep",
    "plot_metastable_diagram",
    "plot_pitchfork",
]
