"""Models: costs F of the overlap vector (H = -N F(m)), their series and coupling tensors."""

from ._base import AbstractOverlapCost as AbstractOverlapCost
from ._base import Network as Network
from .costs import Classical as Classical
from .costs import PBody as PBody
from .costs import Relativistic as Relativistic
from .costs import make_cost as make_cost
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
]
