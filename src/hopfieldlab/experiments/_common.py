"""Pieces shared by the experiment modules."""

from __future__ import annotations

from ..models import AbstractOverlapCost, Classical, Relativistic

MODELS = ("classical", "relativistic")


def model_costs(c: float = 1.0) -> dict[str, AbstractOverlapCost]:
    """The two costs compared throughout: classical and relativistic with speed of light ``c``."""
    return {"classical": Classical(), "relativistic": Relativistic(c=c)}
