"""Streamed softmax kernels: one pass over the patterns with a running log-sum-exp.

Both kernels cut the P patterns into a fixed number of contiguous *segments* that depends only
on P (never on the thread count). Each segment keeps its own running state

    M_b   = max_μ ξ^μ·q_b                  (raw overlap, float64)
    den_b = Σ_μ exp(λ(ξ^μ·q_b − M_b))       (float64)
    num_b = Σ_μ exp(λ(ξ^μ·q_b − M_b)) ξ^μ   (float64 in the fused kernel)
    arg_b = first μ reaching M_b

and the segment states are merged in segment order by :func:`merge_states`. Threads only decide
*who* computes a segment, so the result is bit-identical for any number of threads.

* ``fused``: a numba kernel that reads every pattern row once (dot products with all B queries,
  exp, accumulation) and skips terms below e^{-45} of the running maximum, which are below
  float64 resolution because den >= 1. Memory-bound: the right choice for few queries.
* ``blas``: per cache-sized chunk, one sgemm/dgemm for the overlaps, then one compiled pass
  (:func:`_softmax_block`) for the running max, the max-shifted exp and the row sums, and a
  second gemm for the weighted sum; segments spread over a thread pool (NumPy and the numba
  kernel release the GIL). Compute-bound: the right choice for many queries. In float32 the
  exp is :func:`exp_f32`, a vectorisable polynomial (numba has no vector exp without SVML).
"""

from __future__ import annotations

import ctypes
import glob
import itertools
import math
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numba as nb
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic, overload

# a term exp(t) with t < SKIP adds < 3e-20 to den >= 1: below float64 resolution
SKIP = -45.0
MAX_SEGMENTS = 64  # fixed upper bound: memory O(64·B·N) whatever P
MIN_SEGMENT_ROWS = 4096
FUSED_MAX_QUERIES = 2  # above this many queries the BLAS kernel wins (benchmarks/bench_retrieval.py)


class NonFinitePatterns(ValueError):
    """Raised when a pattern row produced a non-finite overlap with a finite query."""

    def __init__(self) -> None:
        super().__init__("patterns: got non-finite (NaN or inf) entries, expected finite real entries")


@dataclass
class PartialState:
    """Running log-sum-exp state of B queries over a contiguous range of patterns."""

    m: np.ndarray  # (B,) float64
    den: np.ndarray  # (B,) float64
    num: np.ndarray | None  # (B, N) float64 or pattern dtype; None without the mean
    arg: np.ndarray  # (B,) int64, global pattern index


def segment_bounds(p: int) -> np.ndarray:
    """Segment start rows (plus the end, P) for P patterns: a function of P alone."""
    n_seg = max(1, min(MAX_SEGMENTS, p // MIN_SEGMENT_ROWS))
    return np.linspace(0, p, n_seg + 1).round().astype(np.int64)


def n_threads() -> int:
    """Threads used by the kernels: numba's setting (defaults to the number of cores)."""
    return max(1, int(nb.get_num_threads()))


@nb.njit(parallel=True, cache=True, fastmath={"reassoc", "contract", "arcp"})
def _fused_segments(xi, q, lam, bounds, with_mean, m_out, den_out, num_out, arg_out, bad_out):  # pragma: no cover
    n_seg = bounds.size - 1
    b, n = q.shape
    inf_lam = math.isinf(lam)
    for g in nb.prange(n_seg):
        m = m_out[g]
        den = den_out[g]
        num = num_out[g]
        arg = arg_out[g]
        bad_out[g] = 0
        for k in range(b):
            m[k] = -np.inf
            den[k] = 0.0
            arg[k] = 0
            if with_mean:
                for i in range(n):
                    num[k, i] = 0.0
        for mu in range(bounds[g], bounds[g + 1]):
            row = xi[mu]
            for k in range(b):
                qk = q[k]
                s = 0.0
                for i in range(n):
                    s += row[i] * qk[i]
                if not math.isfinite(s):  # finite queries: a NaN/inf pattern entry
                    bad_out[g] += 1
                    continue
                if s > m[k]:
                    if not inf_lam:
                        f = math.exp(lam * (m[k] - s))  # 0 on the first row (m = -inf)
                        den[k] *= f
                        if with_mean:
                            for i in range(n):
                                num[k, i] *= f
                    m[k] = s
                    arg[k] = mu
                if inf_lam:
                    continue
                t = lam * (s - m[k])
                if t > SKIP:
                    w = math.exp(t)
                    den[k] += w
                    if with_mean:
                        for i in range(n):
                            num[k, i] += w * row[i]


# --- float32 exp: Cody-Waite reduction t = n ln2 + r, |r| <= ln2/2, degree-6 (Cephes) polynomial,
# 2^n built from exponent bits. Plain scalar arithmetic, so LLVM vectorises the loops it sits in.
_LOG2E = np.float32(1.4426950408889634)
_HALF = np.float32(0.5)
_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)
_LN2_HI = np.float32(0.693359375)  # few mantissa bits: n·_LN2_HI is exact for |n| <= 127
_LN2_LO = np.float32(-2.12194440e-4)
_P0 = np.float32(1.9875691500e-4)
_P1 = np.float32(1.3981999507e-3)
_P2 = np.float32(8.3334519073e-3)
_P3 = np.float32(4.1665795894e-2)
_P4 = np.float32(1.6666665459e-1)
_P5 = np.float32(5.0000001201e-1)
# below ln(smallest normal float32) the result is flushed to 0: such a term is < 1.2e-38 of the
# largest one (weight 1), far below float32 resolution of the row sum
EXP32_CUT = np.float32(-87.3)
# no 'reassoc' where the exp is evaluated: reassociating the reduction/polynomial costs ~4 ulp
_EXP_FLAGS = {"contract", "arcp", "nsz"}


@intrinsic
def _int32_as_float32(typingctx, x):  # pragma: no cover - compiled
    sig = types.float32(types.int32)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.FloatType())

    return sig, codegen


@nb.njit(cache=True, fastmath=_EXP_FLAGS, inline="always")
def _exp32(t):  # pragma: no cover - compiled
    if t < EXP32_CUT:
        return _ZERO
    nf = np.floor(t * _LOG2E + _HALF)
    r = t - nf * _LN2_HI
    r = r - nf * _LN2_LO
    p = ((((_P0 * r + _P1) * r + _P2) * r + _P3) * r + _P4) * r + _P5
    p = p * (r * r) + r + _ONE
    two_n = _int32_as_float32(np.int32((np.int32(nf) + np.int32(127)) << np.int32(23)))
    return p * two_n


def _exp_weight(t):  # pragma: no cover - replaced by the overload in compiled code
    return math.exp(t)


@overload(_exp_weight, inline="always")
def _exp_weight_ov(t):
    if isinstance(t, types.Float) and t.bitwidth == 32:
        return lambda t: _exp32(t)
    return lambda t: math.exp(t)


def _cast_like(x, like):  # pragma: no cover - replaced by the overload in compiled code
    return x


@overload(_cast_like, inline="always")
def _cast_like_ov(x, like):
    if isinstance(like, types.Float) and like.bitwidth == 32:
        return lambda x, like: np.float32(x)
    return lambda x, like: np.float64(x)


@nb.njit(cache=True, fastmath=_EXP_FLAGS)
def _exp32_array(t, out):  # pragma: no cover - compiled
    for i in range(t.size):
        out[i] = _exp32(t[i])


def exp_f32(t: np.ndarray) -> np.ndarray:
    """exp of float32 arguments t <= 0 by the compiled kernels' polynomial (0 below -87.3).

    Parameters
    ----------
    t : ndarray
        Arguments, converted to a contiguous 1-D float32 array.

    Returns
    -------
    ndarray of float32, the shape of ``t``.
    """
    a = np.ascontiguousarray(t, dtype=np.float32)
    out = np.empty_like(a)
    _exp32_array(a.reshape(-1), out.reshape(-1))
    return out


@nb.njit(cache=True, nogil=True, fastmath=True)
def _row_max(row, bits, mask):  # pragma: no cover - compiled
    """(max, any non-finite) of a score row; non-finite judged on the exponent bits.

    Two separate loops: each vectorises (a fused one with a bool accumulator does not).
    """
    mx = row[0]
    for j in range(row.size):
        mx = max(mx, row[j])
    hi = bits[0] & mask
    for j in range(bits.size):
        hi = max(hi, bits[j] & mask)
    return mx, hi == mask


@nb.njit(cache=True, nogil=True, fastmath=True)
def _row_sum(row):  # pragma: no cover - compiled
    acc = 0.0
    for j in range(row.size):
        acc += row[j]
    return acc


@nb.njit(cache=True, nogil=True, fastmath=_EXP_FLAGS)
def _softmax_block(s, s_bits, mask, lam, m_run, den, num, arg, base, with_mean):  # pragma: no cover
    """One chunk's scores s (B, c) -> weights exp(λ(s - M)) in place; update M, den, num scale, arg.

    Returns True when a score is not finite (checked on the bits: fast-math may fold isfinite).
    ``m_run`` starts at -finfo.max with den = 0, so no infinity enters fast-math arithmetic.
    """
    b, c = s.shape
    for k in range(b):
        row = s[k]
        mx, bad = _row_max(row, s_bits[k], mask)
        if bad:
            return True
        mx64 = np.float64(mx)
        if mx64 > m_run[k]:
            j0 = 0
            while row[j0] != mx:
                j0 += 1
            arg[k] = base + j0
            if den[k] > 0.0:
                f = math.exp(lam * (m_run[k] - mx64))
                den[k] *= f
                if with_mean:
                    for i in range(num.shape[1]):
                        num[k, i] *= f
            m_run[k] = mx64
        else:
            mx = _cast_like(m_run[k], mx)
        lam_k = _cast_like(lam, row[0])
        for j in range(c):
            row[j] = _exp_weight((row[j] - mx) * lam_k)
        den[k] += _row_sum(row)
    return False


def fused_state(xi: np.ndarray, q: np.ndarray, lam: float, with_mean: bool, offset: int) -> PartialState:
    """Run the fused numba kernel over all rows of ``xi`` and merge its segments."""
    bounds = segment_bounds(xi.shape[0])
    g, (b, n) = bounds.size - 1, q.shape
    m = np.empty((g, b))
    den = np.empty((g, b))
    num = np.empty((g, b, n) if with_mean else (g, b, 1))
    arg = np.empty((g, b), dtype=np.int64)
    bad = np.zeros(g, dtype=np.int64)
    _fused_segments(xi, q, float(lam), bounds, with_mean, m, den, num, arg, bad)
    if bad.any():
        raise NonFinitePatterns()
    parts = [PartialState(m[i], den[i], num[i] if with_mean else None, arg[i] + offset)
             for i in range(g)]
    return merge_states(parts, lam)


def _chunk_rows(b: int, itemsize: int) -> int:
    """Rows per BLAS chunk so that the (B, chunk) score block stays near 256 KiB (in L2)."""
    return int(min(8192, max(256, (1 << 18) // (itemsize * b))))


def _blas_segment(xi: np.ndarray, q: np.ndarray, lam: float, with_mean: bool, offset: int,
                  chunk: int) -> PartialState:
    b, n = q.shape
    dt = q.dtype
    inf_lam = math.isinf(lam)
    # finite sentinel instead of -inf: keeps infinities out of the fast-math kernel (den = 0)
    m_run = np.full(b, -np.finfo(np.float64).max)
    den = np.zeros(b)
    arg = np.zeros(b, dtype=np.int64)
    num = np.zeros((b, n), dtype=dt) if with_mean else np.zeros((b, 1), dtype=dt)
    buf = np.empty((b, chunk), dtype=dt)
    bits_dt = np.int32 if dt == np.float32 else np.int64
    mask = bits_dt(0x7F800000) if dt == np.float32 else bits_dt(0x7FF0000000000000)
    tmp = np.empty((b, n), dtype=dt)
    rows_b = np.arange(b)
    for start in range(0, xi.shape[0], chunk):
        xc = xi[start:start + chunk]
        s = buf.reshape(-1)[:b * xc.shape[0]].reshape(b, -1)  # C-contiguous: vectorised kernel
        np.matmul(q, xc.T, out=s)
        if inf_lam:  # only the running max and its first argmax
            j = np.argmax(s, axis=1)
            s_max = s[rows_b, j].astype(np.float64)
            if not (np.all(np.isfinite(s_max)) and np.isfinite(s.min())):
                raise NonFinitePatterns()
            better = s_max > m_run
            arg[better] = offset + start + j[better]
            m_run = np.maximum(m_run, s_max)
            continue
        if _softmax_block(s, s.view(bits_dt), mask, float(lam), m_run, den, num, arg,
                          offset + start, with_mean):
            raise NonFinitePatterns()
        if with_mean:
            np.matmul(s, xc, out=tmp)
            num += tmp
    return PartialState(m_run, den, num if with_mean else None, arg)


def _openblas_threads_api():
    """(get, set) of NumPy's bundled OpenBLAS thread count, or None when not found."""
    libdir = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(libdir, "*openblas*")):
        try:
            lib = ctypes.CDLL(path)
        except OSError:  # pragma: no cover
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    return get, put
    return None


_BLAS_API = _openblas_threads_api()


@contextmanager
def _single_threaded_blas() -> Iterator[bool]:
    """Run the block with one OpenBLAS thread; yields False when that cannot be arranged.

    Several Python threads each calling a multi-threaded OpenBLAS oversubscribe the cores
    (its threads spin-wait), which was measured 2-10x slower than either alone.
    """
    if _BLAS_API is None:
        yield False
        return
    get, put = _BLAS_API
    before = int(get())
    put(1)
    try:
        yield True
    finally:
        put(before)


def blas_state(xi: np.ndarray, q: np.ndarray, lam: float, with_mean: bool, offset: int,
               threads: int | None = None) -> PartialState:
    """BLAS kernel over all rows of ``xi``: segments on a thread pool, merged in order."""
    bounds = segment_bounds(xi.shape[0])
    chunk = _chunk_rows(q.shape[0], q.dtype.itemsize)
    jobs = [(int(lo), int(hi)) for lo, hi in itertools.pairwise(bounds)]

    def run(job: tuple[int, int]) -> PartialState:
        lo, hi = job
        return _blas_segment(xi[lo:hi], q, lam, with_mean, offset + lo, chunk)

    workers = n_threads() if threads is None else threads
    with _single_threaded_blas() as single:
        if workers <= 1 or len(jobs) == 1 or not single:
            parts = [run(j) for j in jobs]
        else:
            with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                parts = list(pool.map(run, jobs))  # map keeps the segment order
    return merge_states(parts, lam)


def merge_states(parts: list[PartialState], lam: float) -> PartialState:
    """Combine running states of consecutive pattern ranges, in the given order.

    At λ = ∞ only the maxima and the first argmax matter (``den``/``num`` are left as they are).
    """
    if len(parts) == 1:
        return parts[0]
    ms = np.stack([p.m for p in parts])  # (G, B)
    m = ms.max(axis=0)
    first = np.argmax(ms == m[None, :], axis=0)  # earliest range holding the max: first index
    arg = np.stack([p.arg for p in parts])[first, np.arange(m.size)]
    if math.isinf(lam):
        return PartialState(m, parts[0].den, parts[0].num, arg)
    with np.errstate(invalid="ignore"):
        scale = np.exp(lam * (ms - m[None, :]))  # (G, B); empty ranges (-inf) give 0
    scale = np.nan_to_num(scale, nan=0.0)
    den = np.zeros_like(m)
    num = None
    for g, p in enumerate(parts):  # fixed order: deterministic sums
        den += scale[g] * p.den
        if p.num is not None:
            contrib = scale[g][:, None] * p.num
            num = contrib if num is None else num + contrib
    return PartialState(m, den, num, arg)


def default_kernel(b: int) -> str:
    """'fused' for few queries (memory-bound), 'blas' for many (compute-bound)."""
    return "fused" if b <= FUSED_MAX_QUERIES else "blas"


def cpu_count() -> int:
    """Cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
