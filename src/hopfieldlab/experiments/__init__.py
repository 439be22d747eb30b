"""Runnable comparisons of theory and simulation, returning xarray Datasets."""

from . import highstorage as highstorage
from . import relativistic as relativistic

__all__ = ["highstorage", "relativistic"]
