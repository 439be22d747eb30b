"""hopfieldlab: a laboratory for Hopfield-type associative memories."""

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import models, observables, patterns

try:
    __version__ = version("hopfieldlab")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

# heavier subpackages (numba kernels, scipy solvers, xarray, matplotlib) load on first use
_LAZY = ("dynamics", "theory", "experiments", "plotting", "io", "report")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'hopfieldlab' has no attribute {name!r}")


__all__ = ["__version__", "models", "observables", "patterns", *_LAZY]
