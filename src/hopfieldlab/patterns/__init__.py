"""Pattern ensembles. Every generator takes ``rng`` and returns an array of shape (P, N)."""

from ._binary import biased_binary as biased_binary
from ._binary import rademacher as rademacher
from ._continuous import gaussian as gaussian
from ._continuous import spherical as spherical
from .bank import PatternBank as PatternBank
from .bank import iter_chunks as iter_chunks
from .bank import noisy_cue as noisy_cue

__all__ = [
    "rademacher",
    "biased_binary",
    "gaussian",
    "spherical",
    "PatternBank",
    "iter_chunks",
    "noisy_cue",
]
