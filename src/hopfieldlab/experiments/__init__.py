"""Runnable comparisons of theory and simulation, returning xarray Datasets."""

from . import relativistic as relativistic

__all__ = ["relativistic"]
