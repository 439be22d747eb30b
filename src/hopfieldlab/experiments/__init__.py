"""Runnable comparisons of theory and simulation, returning xarray Datasets."""

from . import capacity as capacity
from . import family as family
from . import highstorage as highstorage
from . import metastable as metastable
from . import registry as registry
from . import relativistic as relativistic
from . import spec as spec
from . import sweep as sweep

__all__ = ["capacity", "family", "highstorage", "metastable", "registry", "relativistic", "spec", "sweep"]
