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

from .correlated import gta_couplings as gta_couplings  # noqa: E402
from .correlated import gta_patterns as gta_patterns  # noqa: E402
from .correlated import ising_chain_patterns as ising_chain_patterns  # noqa: E402
from .correlated import ising_correlation as ising_correlation  # noqa: E402
from .correlated import random_feature_patterns as random_feature_patterns  # noqa: E402

__all__ += ["gta_couplings", "gta_patterns", "ising_chain_patterns", "ising_correlation",
            "random_feature_patterns"]
