"""Streamed softmax on PyTorch tensors (optional backend; CPU, or CUDA when present).

The same algorithm as :mod:`hopfieldlab.models._lse_kernels`: the patterns are read chunk by
chunk (an array is sliced, a PatternBank is regenerated block by block) and each chunk is moved
to the device on its own, so device memory is O(chunk·(B + N)) whatever P. Per query the running
state is

    M   = max_μ ξ^μ·q,   den = Σ_μ exp(λ(ξ^μ·q − M)),   num = Σ_μ exp(λ(ξ^μ·q − M)) ξ^μ,

updated per chunk by rescaling with exp(λ(M_old − M_new)). The overlaps and exponentials of a
chunk are computed in the compute dtype (one matrix product each, and a sum per query); M, den
and num are carried in float64 so that the merge adds no error beyond the chunk's own.

torch is imported lazily: the rest of hopfieldlab works without it.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._validation import _fmt
from ..patterns.bank import PatternBank, iter_chunks
from ._lse_kernels import NonFinitePatterns, PartialState

TARGET_SCORE_ELEMENTS = 1 << 22  # default chunk: the (B, chunk) score block stays ~16 MB (float32)


def import_torch() -> Any:
    """Return the torch module, or raise an ImportError saying how to install it."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - exercised only without torch
        raise ImportError(
            "backend='torch' needs PyTorch, which is not installed; install it with "
            "`pip install hopfieldlab[torch]` (or `pip install torch`), or use backend='numpy'"
        ) from exc
    return torch


def resolve_device(device: Any = None) -> Any:
    """A ``torch.device``: CUDA when available for None/'auto', and CPU when CUDA is asked for
    but absent (with a RuntimeWarning saying so).

    Parameters
    ----------
    device : None, str or torch.device
        None or 'auto': 'cuda' if ``torch.cuda.is_available()`` else 'cpu'; otherwise any
        string torch accepts ('cpu', 'cuda', 'cuda:1', ...).
    """
    torch = import_torch()
    if device is None or (isinstance(device, str) and device == "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device: got {device!r}, expected None, 'auto', 'cpu', 'cuda' or 'cuda:<index>'"
        ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        warnings.warn(f"device={device!r} requested but CUDA is not available; using the CPU",
                      RuntimeWarning, stacklevel=3)
        return torch.device("cpu")
    return dev


def default_chunk(b: int) -> int:
    """Patterns per chunk so that the (B, chunk) score block holds ~4·10⁶ entries."""
    return max(1024, TARGET_SCORE_ELEMENTS // max(1, b))


def _to_device(block: np.ndarray, dtype: Any, device: Any) -> Any:
    torch = import_torch()
    arr = np.ascontiguousarray(block)
    with warnings.catch_warnings():
        # bank blocks may be read-only views; the tensor is only read, never written
        warnings.simplefilter("ignore", UserWarning)
        t = torch.from_numpy(arr)
    return t.to(device=device, dtype=dtype, non_blocking=True)


def torch_state(
    patterns: np.ndarray | PatternBank,
    q: np.ndarray,
    lam: float,
    *,
    with_mean: bool,
    chunk: int | None,
    device: Any,
) -> tuple[PartialState, np.ndarray | None]:
    """Running log-sum-exp state of the queries ``q`` (B, N) over all patterns, on ``device``.

    Returns the state (as NumPy arrays, float64) and, at λ = ∞ with ``with_mean``, the rows of
    the first pattern of largest overlap (None otherwise). Raises
    :class:`~hopfieldlab.models._lse_kernels.NonFinitePatterns` when a chunk gives a non-finite
    overlap with the (finite) queries.
    """
    torch = import_torch()
    dev = resolve_device(device)
    np_dt = q.dtype
    dt = torch.float32 if np_dt == np.float32 else torch.float64
    b, n = q.shape
    inf_lam = math.isinf(lam)
    step = default_chunk(b) if chunk is None else chunk
    qt = _to_device(q, dt, dev)
    run_m = torch.full((b,), -math.inf, dtype=torch.float64, device=dev)
    den = torch.zeros(b, dtype=torch.float64, device=dev)
    arg = torch.zeros(b, dtype=torch.int64, device=dev)
    num = torch.zeros((b, n), dtype=torch.float64, device=dev) if with_mean and not inf_lam else None
    best = torch.zeros((b, n), dtype=dt, device=dev) if with_mean and inf_lam else None
    with torch.no_grad():
        for start, block in iter_chunks(patterns, step, check_finite=False):
            xi = _to_device(block, dt, dev)
            s = qt @ xi.T  # (B, c) raw overlaps
            # finite queries: finite patterns give finite overlaps; scan the smaller of the two
            if not bool(torch.isfinite(xi if xi.numel() <= s.numel() else s).all()):
                raise NonFinitePatterns()
            m_c, a_c = torch.max(s, dim=1)  # first index on ties
            m_c64 = m_c.to(torch.float64)
            won = m_c64 > run_m
            arg = torch.where(won, a_c + start, arg)
            if best is not None:
                best[won] = xi[a_c[won]]
            new_m = torch.maximum(run_m, m_c64)
            if not inf_lam:
                # shift by the new max in the compute dtype; exponents <= 0, so nothing overflows
                w = torch.exp(lam * (s - new_m.to(dt)[:, None]))
                scale = torch.exp(lam * (run_m - new_m))  # exp(-inf) = 0 on the first chunk
                den = den * scale + w.sum(dim=1).to(torch.float64)
                if num is not None:
                    num = num * scale[:, None] + (w @ xi).to(torch.float64)
            run_m = new_m
    state = PartialState(
        m=run_m.cpu().numpy(), den=den.cpu().numpy(),
        num=None if num is None else num.cpu().numpy(), arg=arg.cpu().numpy(),
    )
    return state, None if best is None else best.cpu().numpy().astype(np_dt, copy=False)


def check_backend_device(backend: str, device: Any) -> None:
    """Reject a ``device`` given with the NumPy backend (it would be silently ignored)."""
    if backend == "numpy" and device is not None:
        raise ValueError(f"device: got {_fmt(device)}, expected None with backend='numpy' "
                         "(devices apply to backend='torch')")
