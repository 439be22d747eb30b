"""Single-spin-flip Monte Carlo (heat bath, Metropolis, T = 0 descent) for any overlap cost."""

from __future__ import annotations

import time
from collections.abc import Callable

import numba
import numpy as np

from .._rng import spawn_seeds
from .._typing import RNGLike
from .._validation import check_choice, check_int, check_scalar, check_spins
from ..models._base import Network
from . import _mc_kernels as MK
from ._result import MCResult

ALGORITHMS = {"heatbath": MK.HEATBATH, "metropolis": MK.METROPOLIS, "descent": MK.DESCENT}
ORDERS = {"random": MK.RANDOM, "sequential": MK.SEQUENTIAL}

# a chunk of sweeps handed to the kernel at once holds at most this many flip attempts, so that
# ``progress`` is called and Ctrl-C is honoured every fraction of a second
_MAX_ATTEMPTS_PER_CHUNK = 20_000_000
# below this many flip attempts per chunk the replicas run on the calling thread: a parallel
# launch costs more than it saves (and oversubscribed cores make it much worse)
_MIN_ATTEMPTS_PARALLEL = 200_000


def run_montecarlo(
    network: Network,
    spins0: np.ndarray,
    *,
    T: float,
    n_sweeps: int,
    algorithm: str = "heatbath",
    order: str = "random",
    record_every: int = 1,
    rng: RNGLike = None,
    n_threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MCResult:
    """Sample H(σ) = -N F(ξσ/N) with single-spin-flip Monte Carlo.

    Every flip attempt costs O(P): the overlaps m are maintained, flipping σ_k changes them by
    dm = -2σ_k ξ_k/N, and the exact energy change is ΔH = -N [G(s + ds) - G(s)] with
    s = Σ_μ φ(m_μ), ds = Σ_μ [φ(m_μ + dm_μ) - φ(m_μ)] evaluated without cancellation. The overlaps
    are recomputed from the spins at every record (and between chunks of sweeps) so round-off does
    not accumulate.

    Parameters
    ----------
    network : Network
        Patterns (P, N) and cost.
    spins0 : array, shape (N,) or (R, N)
        Initial ±1 configuration(s); R rows are R independent replicas.
    T : float
        Temperature, T >= 0. With T = 0, 'heatbath' and 'metropolis' become 'descent'.
    n_sweeps : int
        Number of sweeps (N flip attempts each), >= 1.
    algorithm : {'heatbath', 'metropolis', 'descent'}
        Heat bath (Glauber) accepts a flip with probability 1/(1 + exp(βΔH)); Metropolis with
        min(1, exp(-βΔH)); descent (asynchronous T = 0 dynamics) only if ΔH < 0.
    order : {'random', 'sequential'}
        'random': each sweep visits N uniformly random sites; 'sequential': sites 0..N-1.
        Metropolis in sequential order need not be ergodic: flips with ΔH = 0 (common with ±1
        patterns, whose energy depends on |m|² only) are accepted with certainty, and the sweep
        can then split the states into closed classes. Heat bath, or random order, is safe.
    record_every : int
        Record observables every this many sweeps (the last sweep is always recorded).
    rng : Generator, int, SeedSequence or None
        Seeds one independent xoshiro256** stream per replica; the same seed gives the same
        numbers whatever ``n_threads`` is.
    n_threads : int or None
        numba threads used over replicas (None: numba's current setting); restored afterwards.
    progress : callable(done_sweeps, total_sweeps) or None
        Called between chunks of sweeps.

    Returns
    -------
    MCResult
    """
    if not isinstance(network, Network):
        raise TypeError(f"network: got {type(network).__name__}, expected a Network")
    n = network.n_neurons
    spins = check_spins(spins0, n, "spins0").copy()
    T = check_scalar(T, "T", low=0.0)
    n_sweeps = check_int(n_sweeps, "n_sweeps", low=1)
    record_every = check_int(record_every, "record_every", low=1)
    algorithm = check_choice(algorithm, "algorithm", ALGORITHMS)
    order = check_choice(order, "order", ORDERS)
    if n_threads is not None:
        n_threads = check_int(n_threads, "n_threads", low=1, high=numba.config.NUMBA_NUM_THREADS)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress: got {type(progress).__name__}, expected a callable or None")

    if T == 0.0:
        algorithm = "descent"
    beta = 0.0 if algorithm == "descent" else 1.0 / T
    alg_code = ALGORITHMS[algorithm]
    order_code = ORDERS[order]
    ic, ip, oc, op = network.cost.kernel_spec()
    ic, ip, oc, op = int(ic), float(ip), int(oc), float(op)

    xiT = np.ascontiguousarray(network.patterns.T, dtype=np.float64)  # (N, P)
    n_rep = spins.shape[0]
    state = MK.seed_states(spawn_seeds(rng, n_rep))

    record_at = list(range(record_every, n_sweeps + 1, record_every))
    if not record_at or record_at[-1] != n_sweeps:
        record_at.append(n_sweeps)
    n_rec = len(record_at)
    p = network.n_patterns
    overlaps = np.empty((n_rec, n_rep, p))
    energy = np.empty((n_rec, n_rep))
    acceptance = np.empty((n_rec, n_rep))
    chunk_cap = max(1, _MAX_ATTEMPTS_PER_CHUNK // (n * n_rep))
    threads = n_threads if n_threads is not None else numba.get_num_threads()
    chunk_attempts = min(record_every, chunk_cap) * n * n_rep
    parallel = threads > 1 and n_rep > 1 and chunk_attempts >= _MIN_ATTEMPTS_PARALLEL
    kernel = MK.mc_sweeps if parallel else MK.mc_sweeps_serial

    def fresh_overlaps() -> np.ndarray:
        return np.ascontiguousarray(spins.astype(np.float64) @ xiT / n)

    old_threads = numba.get_num_threads()
    if n_threads is not None:
        numba.set_num_threads(n_threads)
    t0 = time.perf_counter()
    try:
        m = fresh_overlaps()
        accepted = np.zeros(n_rep, dtype=np.int64)
        done = 0
        for k, target in enumerate(record_at):
            start = done
            accepted[:] = 0
            while done < target:
                step = min(target - done, chunk_cap)
                kernel(
                    xiT, spins, m, state, accepted, np.int64(step), np.int64(alg_code),
                    np.int64(order_code), np.float64(beta), np.int64(ic), np.float64(ip),
                    np.int64(oc), np.float64(op),
                )  # fmt: skip
                done += step
                m = fresh_overlaps()
                if progress is not None:
                    progress(done, n_sweeps)
            overlaps[k] = m
            energy[k] = network.cost.energy_from_overlaps(m, n)
            acceptance[k] = accepted / float((done - start) * n)
    finally:
        if n_threads is not None:
            numba.set_num_threads(old_threads)
    elapsed = time.perf_counter() - t0
    attempts = float(n_sweeps) * n * n_rep
    return MCResult(
        overlaps=overlaps,
        energy=energy,
        acceptance=acceptance,
        sweeps=np.asarray(record_at, dtype=np.int64),
        spins=spins,
        T=T,
        algorithm=algorithm,
        order=order,
        elapsed_s=elapsed,
        flips_per_second=attempts / elapsed if elapsed > 0 else float("inf"),
    )
