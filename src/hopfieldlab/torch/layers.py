"""``nn.Module`` Hopfield layers: LSE (softmax), sparse (sparsemax, entmax) and relativistic.

A layer maps queries R (B, S, d), keys Y (B, P, d) and values V (B, P, d_v) to
normaliser(β R Yᵀ) V, optionally iterated (R ← output, needs V = Y) — the Hopfield update of
Ramsauer et al. (softmax), of Hopfield–Fenchel–Young networks (sparsemax / α-entmax) or the
relativistic field m / √(1 + |m|²/c²) in place of the softmax. Multi-head layers add learned
projections in the hflayers style. The softmax path streams over the stored patterns with a
running log-sum-exp (memory O(chunk) per query in the forward pass).
"""

from __future__ import annotations

import math

import torch
from torch import nn

__all__ = [
    "HopfieldRetrieval",
    "MultiHeadHopfield",
    "entmax",
    "normalize_scores",
    "relativistic_weights",
    "sparsemax",
    "streamed_softmax_attention",
]

NORMALIZERS = ("softmax", "sparsemax", "entmax", "relativistic")


def sparsemax(z: torch.Tensor) -> torch.Tensor:
    """Sparsemax along the last dimension (sort-based, exact; autograd through sort/gather)."""
    z = z - z.max(dim=-1, keepdim=True).values
    srt, _ = torch.sort(z, dim=-1, descending=True)
    csum = srt.cumsum(dim=-1)
    j = torch.arange(1, z.shape[-1] + 1, device=z.device, dtype=z.dtype)
    k = (1 + j * srt > csum).sum(dim=-1, keepdim=True)
    tau = (csum.gather(-1, k - 1) - 1) / k.to(z.dtype)
    return torch.clamp(z - tau, min=0)


class _EntmaxBisect(torch.autograd.Function):
    """α-entmax by bisection; backward by the Jacobian diag(g) - g gᵀ/Σg with g = p^(2-α)."""

    @staticmethod
    def forward(ctx, z: torch.Tensor, alpha: float, n_iter: int) -> torch.Tensor:
        am1 = alpha - 1.0
        x = am1 * (z - z.max(dim=-1, keepdim=True).values)
        d = z.shape[-1]
        lo = torch.full_like(x[..., :1], -1.0)
        hi = torch.full_like(lo, -((1.0 / d) ** am1))
        for _ in range(n_iter):
            mid = 0.5 * (lo + hi)
            big = torch.clamp(x - mid, min=0).pow(1.0 / am1).sum(-1, keepdim=True) >= 1
            lo = torch.where(big, mid, lo)
            hi = torch.where(big, hi, mid)
        p = torch.clamp(x - 0.5 * (lo + hi), min=0).pow(1.0 / am1)
        p = p / p.sum(-1, keepdim=True)
        ctx.save_for_backward(p)
        ctx.alpha = alpha
        return p

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (p,) = ctx.saved_tensors
        g = torch.where(p > 0, p.pow(2.0 - ctx.alpha), torch.zeros_like(p))
        gg = grad * g
        out = gg - g * gg.sum(-1, keepdim=True) / g.sum(-1, keepdim=True)
        return out, None, None


def entmax(z: torch.Tensor, alpha: float = 1.5, n_iter: int = 60) -> torch.Tensor:
    """α-entmax along the last dimension (α = 1: softmax, α = 2: exact sparsemax)."""
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or alpha < 1:
        raise ValueError(f"alpha: got {alpha!r}, expected a number >= 1")
    if alpha == 1:
        return torch.softmax(z, dim=-1)
    if alpha == 2:
        return sparsemax(z)
    return _EntmaxBisect.apply(z, float(alpha), int(n_iter))


def relativistic_weights(m: torch.Tensor, c: float = 1.0) -> torch.Tensor:
    """∇ of c²√(1 + |m|²/c²): m / √(1 + |m|²/c²), the relativistic replacement of the softmax."""
    if not c > 0:
        raise ValueError(f"c: got {c!r}, expected a number > 0")
    return m / torch.sqrt(1 + (m * m).sum(-1, keepdim=True) / (c * c))


def normalize_scores(
    scores: torch.Tensor, normalizer: str, *, alpha: float = 1.5, c: float = 1.0
) -> torch.Tensor:
    """Apply one of 'softmax', 'sparsemax', 'entmax' (with α), 'relativistic' (with c)."""
    if normalizer == "softmax":
        return torch.softmax(scores, dim=-1)
    if normalizer == "sparsemax":
        return sparsemax(scores)
    if normalizer == "entmax":
        return entmax(scores, alpha)
    if normalizer == "relativistic":
        return relativistic_weights(scores, c)
    raise ValueError(
        f"normalizer: got {normalizer!r}, expected one of {', '.join(map(repr, NORMALIZERS))}"
    )


def streamed_softmax_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, beta: float, chunk: int | None = None
) -> torch.Tensor:
    """softmax(β q kᵀ) v over the last-but-one axis of k/v, chunk by chunk with a running max."""
    p = k.shape[-2]
    step = p if chunk is None else int(chunk)
    if step < 1:
        raise ValueError(f"chunk: got {chunk!r}, expected an integer >= 1")
    run_max = den = num = None
    for i in range(0, p, step):
        s = beta * q @ k[..., i : i + step, :].transpose(-1, -2)
        m = s.max(dim=-1, keepdim=True).values
        if run_max is None:
            new_max = m
            w = torch.exp(s - new_max)
            den = w.sum(-1, keepdim=True)
            num = w @ v[..., i : i + step, :]
        else:
            new_max = torch.maximum(run_max, m)
            scale = torch.exp(run_max - new_max)
            w = torch.exp(s - new_max)
            den = den * scale + w.sum(-1, keepdim=True)
            num = num * scale + w @ v[..., i : i + step, :]
        run_max = new_max
    return num / den


class HopfieldRetrieval(nn.Module):
    """Retrieval normaliser(β R Yᵀ) V, iterated ``n_steps`` times (R ← output; needs V = Y).

    Parameters
    ----------
    beta : float
        β > 0.
    normalizer : {'softmax', 'sparsemax', 'entmax', 'relativistic'}
    alpha : float
        α for 'entmax' (>= 1).
    c : float
        c for 'relativistic' (> 0).
    n_steps : int
        Number of updates (>= 1).
    chunk : int, optional
        Stored patterns per chunk for the streamed softmax.
    """

    def __init__(
        self,
        beta: float,
        normalizer: str = "softmax",
        *,
        alpha: float = 1.5,
        c: float = 1.0,
        n_steps: int = 1,
        chunk: int | None = None,
    ) -> None:
        super().__init__()
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
            raise ValueError(f"beta: got {beta!r}, expected a number > 0")
        if normalizer not in NORMALIZERS:
            raise ValueError(
                f"normalizer: got {normalizer!r}, expected one of "
                f"{', '.join(map(repr, NORMALIZERS))}"
            )
        if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 1:
            raise ValueError(f"n_steps: got {n_steps!r}, expected an integer >= 1")
        self.beta, self.normalizer, self.alpha, self.c = float(beta), normalizer, alpha, c
        self.n_steps, self.chunk = n_steps, chunk

    def forward(
        self, queries: torch.Tensor, keys: torch.Tensor, values: torch.Tensor | None = None
    ) -> torch.Tensor:
        v = keys if values is None else values
        if self.n_steps > 1 and values is not None and values.shape[-1] != keys.shape[-1]:
            raise ValueError("values: iterated retrieval needs values of the keys' dimension")
        r = queries
        for _ in range(self.n_steps):
            if self.normalizer == "softmax":
                r = streamed_softmax_attention(r, keys, v, self.beta, self.chunk)
            else:
                w = normalize_scores(
                    self.beta * r @ keys.transpose(-1, -2),
                    self.normalizer,
                    alpha=self.alpha,
                    c=self.c,
                )
                r = w @ v
        return r


class MultiHeadHopfield(nn.Module):
    """Hopfield association with learned projections and heads (hflayers-style).

    R W_q, Y W_k, Y W_v are split into ``n_heads`` heads of size ``head_dim``; each head
    retrieves with :class:`HopfieldRetrieval` (β = 1/√head_dim unless given); heads are
    concatenated and projected to ``out_dim``.

    Parameters
    ----------
    in_dim, out_dim : int
    n_heads, head_dim : int
    beta : float, optional
    normalizer, alpha, c, n_steps, chunk :
        As in :class:`HopfieldRetrieval` (iteration happens in head space).
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        *,
        n_heads: int = 1,
        head_dim: int = 32,
        beta: float | None = None,
        normalizer: str = "softmax",
        alpha: float = 1.5,
        c: float = 1.0,
        n_steps: int = 1,
        chunk: int | None = None,
    ) -> None:
        super().__init__()
        for name, val in (
            ("in_dim", in_dim),
            ("out_dim", out_dim),
            ("n_heads", n_heads),
            ("head_dim", head_dim),
        ):
            if isinstance(val, bool) or not isinstance(val, int) or val < 1:
                raise ValueError(f"{name}: got {val!r}, expected an integer >= 1")
        self.n_heads, self.head_dim = n_heads, head_dim
        inner = n_heads * head_dim
        self.q_proj = nn.Linear(in_dim, inner)
        self.k_proj = nn.Linear(in_dim, inner)
        self.v_proj = nn.Linear(in_dim, inner)
        self.out_proj = nn.Linear(inner, out_dim)
        self.retrieval = HopfieldRetrieval(
            1 / math.sqrt(head_dim) if beta is None else beta,
            normalizer,
            alpha=alpha,
            c=c,
            n_steps=n_steps,
            chunk=chunk,
        )

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        return x.view(b, n, self.n_heads, self.head_dim).transpose(1, 2)

    def forward(self, queries: torch.Tensor, stored: torch.Tensor) -> torch.Tensor:
        """queries (B, S, in_dim), stored patterns (B, P, in_dim) → (B, S, out_dim)."""
        q = self._split(self.q_proj(queries))
        k = self._split(self.k_proj(stored))
        v = self._split(self.v_proj(stored))
        out = self.retrieval(q, k, v)  # (B, H, S, head_dim)
        b, _, s, _ = out.shape
        return self.out_proj(out.transpose(1, 2).reshape(b, s, self.n_heads * self.head_dim))
