"""Name a measured overlap vector by the mean-field state it is closest to, at its temperature.

A fixed overlap threshold cannot tell a retrieval state from a paramagnet at every temperature:
the pure-state overlap falls from 1 at T = 0 to 0 at T_c (0.52 for the relativistic cost at
T = 0.8). :func:`classify_overlaps` instead compares the measured |m|, sorted, with the solutions
of the low-storage self-consistency equation at the same T and cost: the paramagnet m = 0, the
pure state and the symmetric odd n-mixtures. The nearest one gives the label, provided it lies
within ``tol`` (plus the finite-N fluctuation √(P/N) when ``n_neurons`` is given); otherwise
the state is ``"other"`` (asymmetric mixtures, spin-glass-like states, states not yet relaxed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .._validation import check_int, check_scalar
from ..models._base import AbstractOverlapCost
from .pattern_averages import _check_cost, _check_T
from .states import solve_state

__all__ = ["StateLabel", "classify_overlaps", "reference_states"]

LABELS = ("pure", "mixture", "paramagnet", "other")


@dataclass(frozen=True, eq=False)
class StateLabel:
    """The mean-field state nearest to one measured overlap vector.

    Attributes
    ----------
    kind : str
        ``"pure"``, ``"mixture"``, ``"paramagnet"`` or ``"other"`` (nearest state farther than
        the tolerance).
    n : int
        Number of condensed patterns of the nearest state (1 pure, n for a symmetric
        n-mixture, 0 for the paramagnet).
    distance : float
        Euclidean distance between the sorted |m| and the nearest state's overlaps.
    tolerance : float
        The distance up to which the nearest state's name is given.
    """

    kind: str
    n: int
    distance: float
    tolerance: float


def reference_states(cost: AbstractOverlapCost, T: float, n_patterns: int) -> dict[int, float]:
    """Overlap per condensed pattern of the pure state (n = 1) and symmetric odd n-mixtures.

    Parameters
    ----------
    cost : AbstractOverlapCost
    T : float
        Temperature, T >= 0.
    n_patterns : int
        Number P of stored patterns; mixtures of n <= P patterns are included.

    Returns
    -------
    dict
        n -> m_n > 0 for every state that exists (is non-zero) at T; empty above T_c.

    Examples
    --------
    >>> from hopfieldlab.models import Classical
    >>> {n: round(m, 3) for n, m in reference_states(Classical(), 0.0, 5).items()}
    {1: 1.0, 3: 0.5, 5: 0.375}
    """
    cost = _check_cost(cost)
    T, _ = _check_T(T)
    P = check_int(n_patterns, "n_patterns", low=1)
    try:
        return dict(_references(cost, T, P))
    except TypeError:  # an unhashable cost: solve without the cache
        return dict(_references.__wrapped__(cost, T, P))


@lru_cache(maxsize=256)
def _references(cost: AbstractOverlapCost, T: float, P: int) -> tuple[tuple[int, float], ...]:
    out = []
    for n in range(1, P + 1, 2):
        res = solve_state(cost, T, "pure" if n == 1 else f"mixture:{n}", n_patterns=P)
        m = float(res.m[0])
        if m > 1e-9:  # the branch exists (it joins m = 0 at the transition)
            out.append((n, m))
    return tuple(out)


def classify_overlaps(
    m: np.ndarray,
    cost: AbstractOverlapCost,
    T: float,
    *,
    n_neurons: int | None = None,
    tol: float = 0.1,
) -> StateLabel | np.ndarray:
    """Label overlap vectors by the nearest mean-field state at temperature ``T``.

    Parameters
    ----------
    m : array_like, shape (P,) or (..., P)
        Measured overlaps with the P stored patterns (signs and order are irrelevant: the
        comparison uses |m| sorted in decreasing order).
    cost : AbstractOverlapCost
        The cost the network ran with (its self-consistency equation sets the references).
    T : float
        Temperature of the run, T >= 0.
    n_neurons : int, optional
        Network size N; adds the finite-size spread √(P/N) of the overlaps to ``tol``.
    tol : float
        Largest distance from the nearest state at which its name is given; beyond it the
        label is ``"other"``.

    Returns
    -------
    StateLabel or ndarray of StateLabel
        One label per overlap vector (a single :class:`StateLabel` for a 1-D ``m``).

    Examples
    --------
    >>> from hopfieldlab.models import Relativistic
    >>> classify_overlaps([0.52, 0.01, -0.02], Relativistic(), 0.8).kind
    'pure'
    >>> classify_overlaps([0.45, 0.30, 0.15], Relativistic(), 0.0).kind
    'other'
    """
    a = np.asarray(m, dtype=float)
    if a.ndim == 0 or a.shape[-1] == 0:
        raise ValueError(f"m: got shape {a.shape}, expected overlaps with shape (P,) or (..., P)")
    if not np.all(np.isfinite(a)):
        raise ValueError("m: got non-finite overlaps, expected finite numbers")
    P = a.shape[-1]
    tol = check_scalar(tol, "tol", low=0.0)
    if n_neurons is not None:
        tol += math.sqrt(P / check_int(n_neurons, "n_neurons", low=1))
    refs = reference_states(cost, T, P)
    table = np.zeros((1 + len(refs), P))  # row 0: the paramagnet
    ns = [0]
    for row, (n, mn) in enumerate(refs.items(), start=1):
        table[row, :n] = mn
        ns.append(n)
    flat = -np.sort(-np.abs(a.reshape(-1, P)), axis=1)
    dist = np.linalg.norm(flat[:, None, :] - table[None, :, :], axis=-1)
    best = np.argmin(dist, axis=1)
    out = np.empty(flat.shape[0], dtype=object)
    for i, b in enumerate(best):
        n, d = ns[b], float(dist[i, b])
        kind = "other" if d > tol else ("paramagnet" if n == 0 else "pure" if n == 1 else "mixture")
        out[i] = StateLabel(kind=kind, n=n, distance=d, tolerance=tol)
    return out[0] if a.ndim == 1 else out.reshape(a.shape[:-1])
