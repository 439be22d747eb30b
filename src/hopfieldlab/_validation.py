"""Input checks with one message form: argument name, value received, what was expected."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return repr(value)


def check_scalar(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a finite real number in the given range."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: got {_fmt(value)}, expected a real number")
    x = float(value)
    if math.isnan(x) or (math.isinf(x) and not allow_inf):
        raise ValueError(f"{name}: got {x}, expected a finite number")
    if low is not None and (x < low or (x == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name}: got {x}, expected a number {op} {low}")
    if high is not None and (x > high or (x == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name}: got {x}, expected a number {op} {high}")
    return x


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name}: got {_fmt(value)}, expected an integer")
    v = int(value)
    if low is not None and v < low:
        raise ValueError(f"{name}: got {v}, expected an integer >= {low}")
    if high is not None and v > high:
        raise ValueError(f"{name}: got {v}, expected an integer <= {high}")
    return v


def check_choice(value: Any, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options``; otherwise raise naming the valid choices."""
    opts = tuple(options)
    if value not in opts:
        raise ValueError(f"{name}: got {value!r}, expected one of {', '.join(map(repr, opts))}")
    return str(value)


def check_patterns(patterns: Any, name: str = "patterns") -> np.ndarray:
    """Check a pattern matrix of shape (P, N) with P >= 1, N >= 1 and finite real entries."""
    xi = np.asarray(patterns)
    if xi.ndim != 2:
        raise ValueError(f"{name}: got {_fmt(xi)}, expected a 2-D array of shape (P, N)")
    if xi.shape[0] < 1 or xi.shape[1] < 1:
        raise ValueError(f"{name}: got shape {xi.shape}, expected P >= 1 patterns of N >= 1 neurons")
    if not np.issubdtype(xi.dtype, np.number) or np.issubdtype(xi.dtype, np.complexfloating):
        raise TypeError(f"{name}: got dtype {xi.dtype}, expected real numbers")
    if not np.all(np.isfinite(xi)):
        raise ValueError(f"{name}: contains NaN or infinite entries, expected finite numbers")
    return xi


def check_spins(spins: Any, n_neurons: int, name: str = "spins") -> np.ndarray:
    """Check a spin configuration of shape (N,) or (R, N) with entries in {-1, +1}.

    Returns an int8 array of shape (R, N) (a single configuration becomes R = 1).
    """
    s = np.asarray(spins)
    if s.ndim == 1:
        s = s[None, :]
    if s.ndim != 2 or s.shape[1] != n_neurons:
        raise ValueError(
            f"{name}: got {_fmt(np.asarray(spins))}, expected shape ({n_neurons},) or (R, {n_neurons})"
        )
    if s.shape[0] < 1:
        raise ValueError(f"{name}: got {s.shape[0]} replicas, expected at least one")
    if not np.issubdtype(s.dtype, np.number) or not np.all((s == 1) | (s == -1)):
        bad = s[~((s == 1) | (s == -1))].ravel()[:3] if np.issubdtype(s.dtype, np.number) else s
        raise ValueError(f"{name}: entries must be -1 or +1, got values such as {bad!r}")
    return np.ascontiguousarray(s, dtype=np.int8)
