"""Models: costs F of the overlap vector (H = -N F(m)), their series and coupling tensors."""

from ._base import AbstractOverlapCost as AbstractOverlapCost
from ._base import Network as Network
from .costs import Classical as Classical
from .costs import PBody as PBody
from .costs import Relativistic as Relativistic
from .costs import make_cost as make_cost
from .lse import SoftmaxStats as SoftmaxStats
from .lse import log_partition as log_partition
from .lse import lse_energy as lse_energy
from .lse import softmax_stats as softmax_stats
from .series import SeriesTerm as SeriesTerm
from .series import binomial_coefficients as binomial_coefficients
from .series import contract as contract
from .series import coupling_tensor as coupling_tensor
from .series import expansion_table as expansion_table

__all__ = [
    "AbstractOverlapCost",
    "Network",
    "Classical",
    "Relativistic",
    "PBody",
    "make_cost",
    "SeriesTerm",
    "binomial_coefficients",
    "coupling_tensor",
    "contract",
    "expansion_table",
    "SoftmaxStats",
    "softmax_stats",
    "log_partition",
    "lse_energy",
]

from .activations import Activation as Activation  # noqa: E402
from .activations import ClosedFormWarning as ClosedFormWarning  # noqa: E402
from .activations import available_activations as available_activations  # noqa: E402
from .activations import get_activation as get_activation  # noqa: E402
from .activations import register_activation as register_activation  # noqa: E402
from .activations import unregister_activation as unregister_activation  # noqa: E402

__all__ += [
    "Activation",
    "ClosedFormWarning",
    "available_activations",
    "get_activation",
    "register_activation",
    "unregister_activation",
]

from .attention import attention as attention  # noqa: E402
from .attention import classify_fixed_point as classify_fixed_point  # noqa: E402
from .attention import iterate_retrieval as iterate_retrieval  # noqa: E402
from .family import Exponential as Exponential  # noqa: E402
from .family import Polynomial as Polynomial  # noqa: E402
from .family import RectifiedPolynomial as RectifiedPolynomial  # noqa: E402
from .family import flip_energy_changes as flip_energy_changes  # noqa: E402
from .family import make_family_cost as make_family_cost  # noqa: E402
from .family import pattern_stability as pattern_stability  # noqa: E402
from .fenchel_young import entmax as entmax  # noqa: E402
from .fenchel_young import fy_energy as fy_energy  # noqa: E402
from .fenchel_young import fy_retrieve as fy_retrieve  # noqa: E402
from .fenchel_young import sparsemax as sparsemax  # noqa: E402
from .random_features import RandomFeatureMemory as RandomFeatureMemory  # noqa: E402

__all__ += [
    "attention", "classify_fixed_point", "iterate_retrieval", "Exponential", "Polynomial",
    "RectifiedPolynomial", "flip_energy_changes", "make_family_cost", "pattern_stability",
    "entmax", "fy_energy", "fy_retrieve", "sparsemax", "RandomFeatureMemory",
]
