"""Compiled single-spin-flip Monte Carlo kernel shared by every overlap cost.

The cost enters only through the four numbers of ``cost.kernel_spec()`` (see
:mod:`hopfieldlab.models._kernels`), so one compiled function, with one signature, serves the
classical, relativistic and p-body models alike; the numba on-disk cache then makes every later run
compile-free.

Randomness: every replica owns a xoshiro256** generator (Blackman & Vigna), four uint64 words of a
(R, 4) state array seeded through splitmix64. Replicas never share a stream, so the numbers do not
depend on how ``prange`` spreads replicas over threads.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..models._kernels import (
    INNER_POWER,
    inner_delta,
    inner_value,
    outer_aux,
    outer_delta,
    outer_delta_aux,
)

# algorithm codes
HEATBATH = 0
METROPOLIS = 1
DESCENT = 2
# site-order codes
RANDOM = 0
SEQUENTIAL = 1

_U7 = np.uint64(7)
_U9 = np.uint64(9)
_U5 = np.uint64(5)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U32 = np.uint64(32)
_U45 = np.uint64(45)
_U57 = np.uint64(57)  # 64 - 7
_U19 = np.uint64(19)  # 64 - 45
_INV53 = 1.0 / 9007199254740992.0  # 2**-53

_MASK64 = (1 << 64) - 1


# -- seeding (pure Python: runs once per replica) ---------------------------------------------
def splitmix64(x: int) -> tuple[int, int]:
    """One splitmix64 step: returns (output, new state) for the 64-bit state ``x``."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31), x


def seed_states(seeds: np.ndarray) -> np.ndarray:
    """(R, 4) xoshiro256** states, row r filled by splitmix64 started at ``seeds[r]``."""
    seeds = np.asarray(seeds, dtype=np.uint64).ravel()
    out = np.empty((seeds.size, 4), dtype=np.uint64)
    for r, seed in enumerate(seeds.tolist()):
        x = int(seed)
        for j in range(4):
            z, x = splitmix64(x)
            out[r, j] = z
        if not out[r].any():  # the all-zero state is a fixed point; splitmix64 never gives it
            out[r, 0] = 1
    return out


# -- xoshiro256** ---------------------------------------------------------------------------
@nb.njit(cache=True, inline="always")
def _xoshiro(s0, s1, s2, s3):
    """Next output and state: returns (x, s0, s1, s2, s3)."""
    a = s1 * _U5
    x = ((a << _U7) | (a >> _U57)) * _U9
    t = s1 << _U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U45) | (s3 >> _U19)
    return x, s0, s1, s2, s3


@nb.njit(cache=True)
def xoshiro_draws(state, n):
    """``n`` raw outputs of one generator (advances ``state``, shape (4,)); used by the tests."""
    out = np.empty(n, dtype=np.uint64)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(n):
        x, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
        out[i] = x
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3
    return out


# -- one replica --------------------------------------------------------------------------------
@nb.njit(cache=True, fastmath=False, error_model="numpy")
def _replica_sweeps(xiT, sig, m, st, n_sweeps, alg, order, beta, ic, ip, oc, op):
    """Run ``n_sweeps`` sweeps on one replica in place; return the number of accepted flips.

    xiT : (N, P) float64, the patterns transposed (row k = ξ_k, contiguous)
    sig : (N,) int8 spins; m : (P,) float64 overlaps of ``sig`` (updated in place)
    st  : (4,) uint64 generator state (updated in place)

    The quadratic inner function φ(m) = m²/2 (classical and relativistic costs) gets its own copy
    of the loop with the inner code as a constant, so the compiler folds the dispatch of
    ``inner_delta`` out of the innermost loop; every other cost takes the generic copy. Both
    copies run the same code on the same numbers.
    """
    if ic == INNER_POWER and ip == 2.0:
        return _sweeps_impl(xiT, sig, m, st, n_sweeps, alg, order, beta, INNER_POWER, 2.0, oc, op)
    return _sweeps_impl(xiT, sig, m, st, n_sweeps, alg, order, beta, ic, ip, oc, op)


@nb.njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _sweeps_impl(xiT, sig, m, st, n_sweeps, alg, order, beta, ic, ip, oc, op):
    n = sig.shape[0]
    p = m.shape[0]
    mloc = np.empty(p)
    dm = np.empty(p)
    s = 0.0
    for mu in range(p):
        mloc[mu] = m[mu]
        s += inner_value(ic, ip, mloc[mu])
    s0 = st[0]
    s1 = st[1]
    s2 = st[2]
    s3 = st[3]
    aux = outer_aux(oc, op, s)  # depends on the state only: refreshed after accepted flips
    nn = np.uint64(n)
    two_over_n = 2.0 / n
    fn = float(n)
    n_acc = 0
    for _sweep in range(n_sweeps):
        for t in range(n):
            if order == RANDOM:
                x, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
                k = np.int64(((x >> _U32) * nn) >> _U32)
            else:
                k = t
            f = -two_over_n * sig[k]
            ds = 0.0
            for mu in range(p):
                d = f * xiT[k, mu]
                dm[mu] = d
                ds += inner_delta(ic, ip, mloc[mu], d)
            dh = -fn * outer_delta_aux(oc, op, s, ds, aux)
            if alg == DESCENT:
                acc = dh < 0.0
            elif alg == HEATBATH:
                x, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
                u = np.float64(x >> _U11) * _INV53
                # accept with probability 1/(1 + e^x), x = βΔH, written without overflow; the
                # polynomial bounds e^x >= 1 + x + x²/2 (x >= 0) and e^x <= 1/(1 - x) (x <= 0)
                # settle most attempts without calling exp
                bx = beta * dh
                if bx > 0.0:
                    if u * (2.0 + bx * (1.0 + 0.5 * bx)) >= 1.0:
                        acc = False
                    else:
                        e = math.exp(-bx)
                        acc = u * (1.0 + e) < e
                else:
                    if u * (2.0 - bx) < 1.0 - bx:
                        acc = True
                    else:
                        acc = u * (1.0 + math.exp(bx)) < 1.0
            else:  # Metropolis
                if dh <= 0.0:
                    acc = True
                else:
                    x, s0, s1, s2, s3 = _xoshiro(s0, s1, s2, s3)
                    u = np.float64(x >> _U11) * _INV53
                    acc = u < math.exp(-beta * dh)
            if acc:
                sig[k] = -sig[k]
                for mu in range(p):
                    mloc[mu] += dm[mu]
                s += ds
                aux = outer_aux(oc, op, s)
                n_acc += 1
    for mu in range(p):
        m[mu] = mloc[mu]
    st[0] = s0
    st[1] = s1
    st[2] = s2
    st[3] = s3
    return n_acc


@nb.njit(cache=True, parallel=True, fastmath=False)
def mc_sweeps(xiT, spins, m, state, accepted, n_sweeps, alg, order, beta, ic, ip, oc, op):
    """Run ``n_sweeps`` sweeps on every replica (rows of ``spins``), replicas in parallel.

    Updates ``spins`` (R, N) int8, ``m`` (R, P) float64 and ``state`` (R, 4) uint64 in place and
    adds the accepted flips of each replica to ``accepted`` (R,) int64.
    """
    n_rep = spins.shape[0]
    for r in nb.prange(n_rep):
        accepted[r] += _replica_sweeps(
            xiT, spins[r], m[r], state[r], n_sweeps, alg, order, beta, ic, ip, oc, op
        )


@nb.njit(cache=True, fastmath=False)
def mc_sweeps_serial(xiT, spins, m, state, accepted, n_sweeps, alg, order, beta, ic, ip, oc, op):
    """:func:`mc_sweeps` on the calling thread (no parallel launch: for small chunks of work)."""
    n_rep = spins.shape[0]
    for r in range(n_rep):
        accepted[r] += _replica_sweeps(
            xiT, spins[r], m[r], state[r], n_sweeps, alg, order, beta, ic, ip, oc, op
        )


@nb.njit(cache=True)
def flip_delta_energy(xiT, sig, k, ic, ip, oc, op):
    """Exact ΔH of flipping site ``k`` of ``sig``, by the kernel's O(P) formula (for the tests)."""
    n = sig.shape[0]
    p = xiT.shape[1]
    s = 0.0
    ds = 0.0
    f = -2.0 / n * sig[k]
    for mu in range(p):
        mm = 0.0
        for i in range(n):
            mm += xiT[i, mu] * sig[i]
        mm /= n
        s += inner_value(ic, ip, mm)
        ds += inner_delta(ic, ip, mm, f * xiT[k, mu])
    return -n * outer_delta(oc, op, s, ds)
