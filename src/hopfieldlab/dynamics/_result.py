"""The record of a Monte Carlo run."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MCResult:
    """Observables of a single-spin-flip Monte Carlo run over R independent replicas.

    Record k is taken after sweep ``sweeps[k]`` (one sweep = N flip attempts); the initial
    configuration is not recorded.

    Attributes
    ----------
    overlaps : ndarray, shape (n_rec, R, P)
        Overlaps m = ξσ/N at each record (recomputed from the spins, free of round-off drift).
    energy : ndarray, shape (n_rec, R)
        H(σ) = -N F(m) at each record.
    acceptance : ndarray, shape (n_rec, R)
        Fraction of flip attempts accepted since the previous record.
    sweeps : ndarray of int, shape (n_rec,)
        Sweep number of each record.
    spins : ndarray of int8, shape (R, N)
        Final configurations.
    T : float
        Temperature (0 for descent).
    algorithm : str
        The update rule actually used: 'heatbath', 'metropolis' or 'descent' (T = 0 runs of
        heat bath or Metropolis are descent).
    order : str
        'random' or 'sequential'.
    elapsed_s : float
        Wall-clock time of the run.
    flips_per_second : float
        Flip attempts (all replicas together) per second of wall-clock time.
    """

    overlaps: np.ndarray
    energy: np.ndarray
    acceptance: np.ndarray
    sweeps: np.ndarray
    spins: np.ndarray
    T: float
    algorithm: str
    order: str
    elapsed_s: float
    flips_per_second: float

    @property
    def n_replicas(self) -> int:
        return int(self.spins.shape[0])

    @property
    def m_final(self) -> np.ndarray:
        """Overlaps of the final configurations, shape (R, P)."""
        return self.overlaps[-1]

    @property
    def m_mean(self) -> np.ndarray:
        """Overlaps averaged over the second half of the records and over replicas, shape (P,)."""
        n_rec = self.overlaps.shape[0]
        return self.overlaps[n_rec // 2 :].mean(axis=(0, 1))
