"""Dynamics: single-spin-flip Monte Carlo for every overlap cost."""

from ._result import MCResult as MCResult
from .montecarlo import run_montecarlo as run_montecarlo

__all__ = ["MCResult", "run_montecarlo"]
