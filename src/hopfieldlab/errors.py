"""Exceptions and warnings raised by hopfieldlab."""

from __future__ import annotations


class HopfieldlabError(Exception):
    """Base class of every error raised on purpose by hopfieldlab."""


class NotConvergedError(HopfieldlabError, RuntimeError):
    """A solver did not converge; the message names the knob to turn (tolerance, iterations)."""


class ConvergenceWarning(UserWarning):
    """A solver stopped without meeting its tolerance; the result carries ``converged=False``."""
