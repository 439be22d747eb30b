"""hopfieldlab: a laboratory for Hopfield-type associative memories."""

from importlib.metadata import PackageNotFoundError, version

from . import models, observables, patterns

try:
    __version__ = version("hopfieldlab")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "models", "observables", "patterns"]
