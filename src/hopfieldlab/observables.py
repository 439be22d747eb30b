"""Pure functions of spins and patterns: overlaps and retrieval measures."""

from __future__ import annotations

import numpy as np

from ._validation import check_patterns, check_spins


def overlaps(patterns: np.ndarray, spins: np.ndarray) -> np.ndarray:
    """Mattis overlaps m_μ = (1/N) Σ_i ξ_i^μ σ_i.

    Parameters
    ----------
    patterns : array, shape (P, N)
    spins : array, shape (N,) or (R, N)

    Returns
    -------
    ndarray, shape (P,) or (R, P)
    """
    xi = check_patterns(patterns)
    n = xi.shape[1]
    single = np.ndim(spins) == 1
    s = check_spins(spins, n)
    m = s.astype(np.float64) @ xi.T.astype(np.float64) / n
    return m[0] if single else m


def mixture_state(patterns: np.ndarray, indices: tuple[int, ...] | list[int]) -> np.ndarray:
    """Symmetric mixture configuration σ = sign(Σ_{μ∈indices} ξ^μ) (ties broken towards +1).

    With an odd number of ±1 patterns there are no ties.
    """
    xi = check_patterns(patterns)
    idx = list(indices)
    if not idx or any(not 0 <= i < xi.shape[0] for i in idx):
        raise ValueError(f"indices: got {idx}, expected a non-empty list of pattern indices in [0, {xi.shape[0]})")
    s = np.sign(xi[idx].sum(axis=0))
    return np.where(s >= 0, 1, -1).astype(np.int8)


def classify_state(m: np.ndarray, *, threshold: float = 0.7) -> np.ndarray:
    """Label overlaps by a fixed, temperature-blind rule.

    'pure' if one |m_μ| exceeds ``threshold`` and the others are below half of it, 'mixture'
    if the two largest are within a factor 2 and the largest exceeds 0.2, 'paramagnet'
    otherwise. The rule ignores the temperature: a retrieval state near T_c (the relativistic
    pure state has m = 0.52 at T = 0.8) falls below any fixed threshold. To name a state by
    the mean-field solution it is nearest to at its temperature, use
    :func:`hopfieldlab.theory.classify_overlaps`, which the experiments use.

    Returns an array of strings with the leading shape of ``m`` without its last axis.
    """
    a = np.abs(np.atleast_2d(np.asarray(m, dtype=float)))
    top = np.sort(a, axis=-1)[..., ::-1]
    second = top[..., 1] if a.shape[-1] > 1 else np.zeros(a.shape[:-1])
    out = np.full(a.shape[:-1], "paramagnet", dtype=object)
    out[(top[..., 0] > 0.2) & (second > 0.5 * top[..., 0])] = "mixture"
    out[(top[..., 0] > threshold) & (second < 0.5 * top[..., 0])] = "pure"
    return out.astype(str) if np.ndim(m) > 1 else out.astype(str)[0]
