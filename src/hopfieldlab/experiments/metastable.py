"""Ramsauer's metastable-state diagram: which fixed point the attention update reaches, vs β.

The update is ξ ← Xᵀ softmax(β X ξ) with the stored patterns as rows of X (P, d). Its fixed
points are the global average, metastable states averaging a subset of patterns, and single
patterns (Ramsauer et al., ICLR 2021, arXiv:2008.02217). Two facts are exact and checked here:

* **Global state.** For *centred* patterns (Σ_μ x_μ = 0) the state ξ = 0 is a fixed point for
  every β (uniform weights, mean 0). The Jacobian of the update, β Xᵀ(diag p − p pᵀ)X, is β Σ at
  p = 1/P, with Σ = (1/P) Σ_μ x_μ x_μᵀ the population covariance; ξ = 0 is linearly stable iff
  β < β_c = 1/λ_max(Σ).
* **Two patterns** x₂ = −x₁. On ξ = s x₁ + ξ⊥ the weights are (1 ± tanh(β|x₁|² s))/2, so the
  update sends ξ⊥ to 0 in one step and s ↦ tanh(β|x₁|² s): a supercritical pitchfork at
  β|x₁|² = 1, i.e. β_c = 4/|x₁ − x₂|² = 1/λ_max(Σ), with stable branches s = ±s*(β|x₁|²).

For clustered patterns (:func:`clustered_patterns`) the offsets inside a cluster are orthogonal to
the cluster centres, so near cluster j's mean c_j the scores of its own members differ only by
u_i·η (η = ξ − c_j), while other clusters carry a weight ≲ m e^(−β g), g = min_l (|c_j|² − c_j·c_l).
Up to that leakage the update restricted to the cluster is the same map on the centred offsets,
so the cluster mean is a fixed point whose stability ends at β = 1/λ_max(Σ_w,j), the largest
eigenvalue of the cluster's own covariance. Between the two thresholds the update from a member
of the cluster stops at the cluster mean: a metastable state of participation ≈ m.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import _fmt, check_int, check_scalar
from ..io import annotate, provenance_attrs
from ..models.attention import iterate_retrieval, one_step_error_bound, separation

__all__ = [
    "KINDS",
    "StabilityEdge",
    "clustered_patterns",
    "global_critical_beta",
    "metastable_diagram",
    "pitchfork_amplitude",
    "pitchfork_diagram",
    "separation_condition",
    "stability_edge",
    "within_critical_beta",
]

Progress = Callable[[int, int], None] | None
KINDS = ("pattern", "metastable", "global")


def _betas(betas: Sequence[float] | np.ndarray) -> np.ndarray:
    arr = np.asarray(betas)
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"betas: got {_fmt(arr)}, expected a non-empty 1-D sequence of numbers")
    return np.array([check_scalar(b, "betas", low=0.0, low_inclusive=False) for b in arr.tolist()])


def _patterns(patterns: np.ndarray, name: str = "patterns") -> np.ndarray:
    x = np.asarray(patterns, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 1:
        raise ValueError(f"{name}: got {_fmt(np.asarray(patterns))}, expected shape (P, d) with P >= 2")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: contains NaN or infinite entries, expected finite numbers")
    return x


def _top_eig(cov: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(cov)[-1])


def global_critical_beta(patterns: np.ndarray) -> float:
    """β_c = 1/λ_max(Σ) at which the global average ξ = 0 of centred patterns loses stability.

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
        Centred stored patterns: |mean| <= 1e-9 × rms norm (otherwise ξ = 0 is no fixed point).

    Returns
    -------
    float
        1/λ_max of the population covariance (1/P) Σ_μ x_μ x_μᵀ (inf if all patterns are 0).
    """
    x = _patterns(patterns)
    scale = math.sqrt(float(np.mean(np.sum(x * x, axis=1))))
    mean = float(np.linalg.norm(x.mean(axis=0)))
    if mean > 1e-9 * max(scale, np.finfo(float).tiny):
        raise ValueError(f"patterns: mean has norm {mean:.3g}, expected centred patterns "
                         "(subtract the mean first)")
    lam = _top_eig(x.T @ x / x.shape[0])
    return math.inf if lam <= 0 else 1.0 / lam


def within_critical_beta(patterns: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """1/λ_max(Σ_w,j) per cluster j, Σ_w,j the population covariance of cluster j around its mean.

    This is where cluster j's mean loses stability when the clusters are far apart (leakage
    ≲ m e^(−β g), see the module docstring). ``labels`` (P,) holds cluster indices 0..k−1.
    """
    x = _patterns(patterns)
    lab = np.asarray(labels)
    if lab.shape != (x.shape[0],) or not np.issubdtype(lab.dtype, np.integer) or lab.min() < 0:
        raise ValueError(f"labels: got {_fmt(lab)}, expected {x.shape[0]} non-negative integers")
    out = np.empty(int(lab.max()) + 1)
    for j in range(out.size):
        u = x[lab == j] - x[lab == j].mean(axis=0)
        lam = _top_eig(u.T @ u / max(len(u), 1)) if len(u) else 0.0
        out[j] = math.inf if lam <= 0 else 1.0 / lam
    return out


def clustered_patterns(
    n_clusters: int, per_cluster: int, dim: int, spread: float, *, rng: RNGLike = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centred clustered patterns: k unit cluster centres plus offsets orthogonal to them.

    The centres form a regular simplex (|c_j| = 1, c_i·c_j = −1/(k−1), Σ_j c_j = 0) in a random
    (k−1)-dimensional subspace (k = 1: the single centre is 0). The offsets are Gaussian, projected
    orthogonally to that subspace, centred inside each cluster and scaled to an rms norm
    ``spread``. So every cluster mean is exactly its centre and the patterns are exactly centred.

    Parameters
    ----------
    n_clusters : int
        k >= 1.
    per_cluster : int
        m >= 2 patterns per cluster.
    dim : int
        d > k.
    spread : float
        Rms norm of the offsets, > 0.
    rng : Generator, int, SeedSequence or None

    Returns
    -------
    patterns : ndarray, shape (k m, d)
        Cluster j occupies rows j m .. (j+1) m − 1.
    labels : ndarray of int, shape (k m,)
    centres : ndarray, shape (k, d)
    """
    k = check_int(n_clusters, "n_clusters", low=1)
    m = check_int(per_cluster, "per_cluster", low=2)
    d = check_int(dim, "dim", low=k + 1)
    s = check_scalar(spread, "spread", low=0.0, low_inclusive=False)
    gen = as_generator(rng)
    basis, _ = np.linalg.qr(gen.standard_normal((d, k)))
    simplex = np.eye(k) - 1.0 / k
    if k > 1:
        simplex /= np.linalg.norm(simplex, axis=1, keepdims=True)
    centres = simplex @ basis.T
    u = gen.standard_normal((k, m, d))
    u -= (u @ basis) @ basis.T
    u -= u.mean(axis=1, keepdims=True)
    u *= s / math.sqrt(float(np.mean(np.sum(u * u, axis=-1))))
    x = (centres[:, None, :] + u).reshape(k * m, d)
    return x - x.mean(axis=0), np.repeat(np.arange(k), m), centres


def separation_condition(patterns: np.ndarray, beta: float, *, mass_tol: float = 0.01) -> np.ndarray:
    """Whether each pattern is separated enough for β that a fixed point sits next to it.

    With M = max |x_μ| and Δ_i from :func:`hopfieldlab.models.attention.separation`, the weight
    off pattern i anywhere in the ball |ξ − x_i| <= a = 1/(2βM) is ε <= (P−1) e^(1−βΔ_i) (since
    (x_j − x_i)·ξ <= −Δ_i + 2Ma), hence |f(ξ) − x_i| <= 2Mε (the estimate behind
    :func:`~hopfieldlab.models.attention.one_step_error_bound`). The update maps the ball into
    itself, so it holds a fixed point and every start inside converges inside, when

        β Δ_i >= 1 + ln(4 (P−1) β M²);

    that fixed point counts as a 'pattern' state when also (P−1) e^(1−βΔ_i) <= ``mass_tol``.
    Returns a bool array of shape (P,).
    """
    x = _patterns(patterns)
    b = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    tol = check_scalar(mass_tol, "mass_tol", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    p = x.shape[0]
    m2 = float(np.max(np.sum(x * x, axis=1)))
    bd = b * separation(x)
    return (bd >= 1.0 + math.log(4.0 * (p - 1) * b * m2)) & ((p - 1) * np.exp(1.0 - bd) <= tol)


def pitchfork_amplitude(gain: float | np.ndarray) -> np.ndarray:
    """The root s* >= 0 of s = tanh(g s): 0 for g <= 1, the positive root for g > 1.

    h(s) = s − tanh(g s) is convex on s > 0 with h(0) = 0 and h'(0) = 1 − g < 0, so Newton from
    s = 1 (where h > 0) decreases monotonically to the unique positive root.
    """
    g = np.asarray(gain, dtype=np.float64)
    if not np.all(np.isfinite(g)) or np.any(g < 0):
        raise ValueError(f"gain: got {g!r}, expected finite numbers >= 0")
    s = np.zeros_like(g)
    up = g > 1.0
    gu, su = g[up], np.ones(int(np.count_nonzero(up)))
    for _ in range(200):
        t = np.tanh(gu * su)
        step = (su - t) / (1.0 - gu * (1.0 - t * t))
        su = su - step
        if np.all(np.abs(step) <= 1e-16):
            break
    s[up] = su
    return s


def pitchfork_diagram(
    betas: Sequence[float] | np.ndarray,
    *,
    norm: float = 1.0,
    dim: int = 3,
    n_starts: int = 8,
    max_iter: int = 50_000,
    tol: float = 1e-13,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Two patterns ±x₁: iterated fixed points s = ξ·x₁/|x₁|² against s = ±s*(β|x₁|²).

    Parameters
    ----------
    betas : sequence of float
        β > 0 values.
    norm : float
        |x₁| > 0; the pitchfork sits at β_c = 1/norm².
    dim : int
        d >= 1 (the component of a start orthogonal to x₁ dies in the first update).
    n_starts : int
        Gaussian random starts (>= 1), the same at every β.
    max_iter, tol : int, float
        As in :func:`~hopfieldlab.models.attention.iterate_retrieval`; convergence slows as
        |β/β_c − 1| → 0 (rate β/β_c below, ≈ 1 − 2(β/β_c − 1) just above).
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None

    Returns
    -------
    Dataset with ``s`` (beta, start), ``s_theory`` (beta, start) = sign(s₀) s*(β norm²),
    ``abs_error`` (beta) = max over starts of |s − s_theory|, ``orthogonal`` (beta) = max norm of
    the final state's part orthogonal to x₁, ``converged`` (beta), the scalar ``beta_c`` and the
    closed-form branch ``s_star`` on a fine grid ``beta_fine`` (for drawing).
    """
    bs = _betas(betas)
    r = check_scalar(norm, "norm", low=0.0, low_inclusive=False)
    d = check_int(dim, "dim", low=1)
    ns = check_int(n_starts, "n_starts", low=1)
    it = check_int(max_iter, "max_iter", low=1)
    tl = check_scalar(tol, "tol", low=0.0)
    gen = as_generator(rng)
    e1 = gen.standard_normal(d)
    e1 /= np.linalg.norm(e1)
    x = np.stack([r * e1, -r * e1])
    starts = gen.standard_normal((ns, d)) * r
    s0 = starts @ e1 / r
    s = np.empty((bs.size, ns))
    orth, conv = np.empty(bs.size), np.empty(bs.size, dtype=bool)
    for a, b in enumerate(bs):
        res = iterate_retrieval(x, starts, b, max_iter=it, tol=tl)
        s[a] = res.xi @ e1 / r
        orth[a] = float(np.max(np.linalg.norm(res.xi - np.outer(s[a] * r, e1), axis=1)))
        conv[a] = res.converged
        if progress is not None:
            progress(a + 1, bs.size)
    theory = np.sign(s0)[None, :] * pitchfork_amplitude(bs * r * r)[:, None]
    fine = np.union1d(np.geomspace(bs.min(), bs.max(), 400), [1.0 / (r * r)]) if bs.min() < bs.max() else bs
    ds = xr.Dataset(
        {"s": (("beta", "start"), s), "s_theory": (("beta", "start"), theory),
         "abs_error": (("beta",), np.max(np.abs(s - theory), axis=1)),
         "orthogonal": (("beta",), orth), "converged": (("beta",), conv),
         "beta_c": ((), 1.0 / (r * r)), "s_star": (("beta_fine",), pitchfork_amplitude(fine * r * r))},
        coords={"beta": bs, "start": np.arange(ns), "beta_fine": fine},
    )
    annotate(ds, {
        "s": ("fixed point along x1, xi.x1/|x1|^2", "1"),
        "s_theory": ("sign(s0) times the root of s = tanh(beta |x1|^2 s)", "1"),
        "abs_error": ("max |s - s_theory| over starts", "1"),
        "orthogonal": ("max norm of the final state orthogonal to x1", "pattern units"),
        "converged": ("every start met tol within max_iter", "1"),
        "beta_c": ("pitchfork 4/|x1 - x2|^2 = 1/lambda_max(Sigma)", "1/pattern units^2"),
        "beta": ("inverse temperature beta", "1/pattern units^2"),
        "start": ("random start index", "1"),
        "s_star": ("positive root of s = tanh(beta |x1|^2 s) on a fine grid", "1"),
        "beta_fine": ("fine grid of beta for the closed-form curve", "1/pattern units^2"),
    })
    ds.attrs.update(provenance_attrs("metastable.pitchfork_diagram", {
        "betas": bs.tolist(), "norm": r, "dim": d, "n_starts": ns, "max_iter": it, "tol": tl}))
    return ds


@dataclass(frozen=True)
class StabilityEdge:
    """Bracket [lower, upper] on β of the loss of stability of a fixed point, from the dynamics.

    Attributes
    ----------
    lower, upper : float
        A small push off the fixed point dies out at ``lower`` and grows at ``upper``.
    bracketed : bool
        False when the initial interval did not show that change (then lower/upper are the input).
    status : str
    """

    lower: float
    upper: float
    bracketed: bool
    status: str

    @property
    def beta(self) -> float:
        """Geometric midpoint of the bracket."""
        return math.sqrt(self.lower * self.upper)


def _grows(x: np.ndarray, centre: np.ndarray, beta: float, v: np.ndarray, eps: float, n_iter: int) -> bool:
    """Whether a push eps·v off ``centre`` grows under the update (compare n/2 and n steps)."""
    q = centre + eps * v
    half = eps
    for n in range(1, n_iter + 1):
        z = beta * (x @ q)
        w = np.exp(z - z.max())
        q = (w / w.sum()) @ x
        dev = float(np.linalg.norm(q - centre))
        if dev > 100.0 * eps:
            return True
        if dev < 1e-6 * eps:
            return False
        if n == n_iter // 2:
            half = dev
    # linear regime: dev ∝ (β λ_max)^n once the other directions have died out
    return dev > half


def stability_edge(
    patterns: np.ndarray,
    centre: np.ndarray,
    beta_lo: float,
    beta_hi: float,
    *,
    eps: float = 1e-7,
    n_iter: int = 4000,
    rtol: float = 1e-3,
    rng: RNGLike = None,
) -> StabilityEdge:
    """Locate by bisection in log β where a fixed point of the update stops attracting a small push.

    This measures the loss of stability from the nonlinear dynamics alone (no Jacobian): a push
    of size eps·rms|x| along a random direction either dies out or grows. ``centre`` must be a
    fixed point over the interval to well below eps (the global average of centred patterns; a
    cluster mean when the leakage m e^(−βg) is negligible). Resolution: ``rtol`` relative, but no
    finer than about ln(n_iter)/n_iter, where critical slowing down hides the sign of the growth.

    Parameters
    ----------
    patterns : ndarray, shape (P, d)
    centre : ndarray, shape (d,)
    beta_lo, beta_hi : float
        0 < beta_lo < beta_hi, expected stable at beta_lo and unstable at beta_hi.
    eps : float
        Relative size of the push, in (0, 1e-2].
    n_iter : int
        Updates per trial (>= 10).
    rtol : float
        Stop when upper/lower − 1 <= rtol (> 0).
    rng : Generator, int, SeedSequence or None
        Draws the push direction (one direction for the whole bisection).
    """
    x = _patterns(patterns)
    c = np.asarray(centre, dtype=np.float64)
    if c.shape != (x.shape[1],) or not np.all(np.isfinite(c)):
        raise ValueError(f"centre: got {_fmt(np.asarray(centre))}, expected a finite array of shape ({x.shape[1]},)")
    lo = check_scalar(beta_lo, "beta_lo", low=0.0, low_inclusive=False)
    hi = check_scalar(beta_hi, "beta_hi", low=0.0, low_inclusive=False)
    if hi <= lo:
        raise ValueError(f"beta_hi: got {hi}, expected a number > beta_lo = {lo}")
    e = check_scalar(eps, "eps", low=0.0, high=1e-2, low_inclusive=False)
    n = check_int(n_iter, "n_iter", low=10)
    rt = check_scalar(rtol, "rtol", low=0.0, low_inclusive=False)
    v = as_generator(rng).standard_normal(x.shape[1])
    v /= np.linalg.norm(v)
    eps_abs = e * math.sqrt(float(np.mean(np.sum(x * x, axis=1))))
    if _grows(x, c, lo, v, eps_abs, n) or not _grows(x, c, hi, v, eps_abs, n):
        return StabilityEdge(lo, hi, False, f"no change of stability between beta {lo:g} and {hi:g}; "
                             "widen the interval or check that centre is a fixed point")
    while hi / lo - 1.0 > rt:
        mid = math.sqrt(lo * hi)
        if _grows(x, c, mid, v, eps_abs, n):
            hi = mid
        else:
            lo = mid
    return StabilityEdge(lo, hi, True, f"stability lost between beta {lo:.6g} and {hi:.6g}")


def _observed_edge(x: np.ndarray, centre: np.ndarray, beta_c: float, gen: np.random.Generator) -> float:
    if not math.isfinite(beta_c):
        return math.nan
    edge = stability_edge(x, centre, beta_c / 2.0, 2.0 * beta_c, rng=gen)
    return edge.beta if edge.bracketed else math.nan


def metastable_diagram(
    betas: Sequence[float] | np.ndarray,
    *,
    n_clusters: int = 2,
    per_cluster: int = 4,
    dim: int = 32,
    spread: float = 0.2,
    n_starts: int = 32,
    noise: float = 0.05,
    max_iter: int = 5000,
    tol: float = 1e-10,
    mass_tol: float = 0.01,
    state_tol: float = 1e-4,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Fractions of pattern / metastable / global fixed points reached from noisy patterns, vs β.

    Patterns come from :func:`clustered_patterns` (exactly centred, so ξ = 0 is the global-average
    fixed point). Start r is pattern r mod P plus Gaussian noise of rms norm ``noise``; each start
    is iterated with :func:`~hopfieldlab.models.attention.iterate_retrieval` and its end state
    is labelled

    * 'global' if it is the global average, |ξ| <= state_tol × rms|x|;
    * 'pattern' if one pattern carries >= 1 − mass_tol of the softmax weight;
    * 'metastable' otherwise (a fixed point off the global average that averages several
      patterns; just above β_c,global its weights may still touch every pattern).

    :func:`~hopfieldlab.models.attention.classify_fixed_point`'s labels (support by mass alone)
    are kept as ``mass_fraction``: there 'global' lasts until the weight on the farthest pattern
    falls below mass_tol, past the stability edge.

    For two clusters the global state gives way through a supercritical pitchfork exactly at
    β_c,global = 1/λ_max(Σ) (the two-pattern reduction with the third moment along the centre axis
    zero), so the 'global' fraction drops from 1 to 0 between the grid points around it. For
    k >= 3 the simplex of centres makes the transition first order (as in the mean-field Potts
    model): starts near patterns leave the global state below β_c,global, and only
    :func:`stability_edge` locates β_c,global itself.

    Parameters
    ----------
    betas : sequence of float
        β > 0 values.
    n_clusters, per_cluster, dim, spread : int, int, int, float
        As in :func:`clustered_patterns`.
    n_starts : int
        Starts per β (>= 1); the same starts at every β.
    noise : float
        Rms norm of the start noise (>= 0; 0 starts at the patterns themselves).
    max_iter, tol, mass_tol : int, float, float
        As in :func:`~hopfieldlab.models.attention.iterate_retrieval`.
    state_tol : float
        Relative distance to the global average below which a state is 'global', in (0, 1).
    rng : Generator, int, SeedSequence or None
    progress : callable(done, total) or None
        Called once per β.

    Returns
    -------
    Dataset on (beta, kind, cluster) with ``fraction`` and ``mass_fraction`` (beta, kind),
    ``participation`` (mean 1/Σp²), ``support_size`` (mean size of the mass support),
    ``own_cluster_fraction`` (support = the start's cluster), ``own_pattern_fraction`` ('pattern'
    at the start's pattern), ``order_parameter`` (mean |ξ|/rms|x|), ``converged``, ``separated``
    (the :func:`separation_condition` holds for every pattern), ``bound_ratio`` (max over starts
    of |ξ − x_i| / one-step bound at ξ, where ``separated``; <= 1 at a fixed point), and the
    theory ``beta_c_global`` () and ``beta_c_within`` (cluster) beside ``beta_c_global_observed``
    and ``beta_c_within_observed``: :func:`stability_edge` of the global average and of each
    cluster mean, bisected in [β_c/2, 2β_c] (NaN when that interval shows no change, e.g. when a
    large ``spread`` makes the leakage between clusters matter).
    """
    bs = _betas(betas)
    ns = check_int(n_starts, "n_starts", low=1)
    nz = check_scalar(noise, "noise", low=0.0)
    it = check_int(max_iter, "max_iter", low=1)
    tl = check_scalar(tol, "tol", low=0.0)
    mt = check_scalar(mass_tol, "mass_tol", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    st = check_scalar(state_tol, "state_tol", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    gen = as_generator(rng)
    x, labels, _ = clustered_patterns(n_clusters, per_cluster, dim, spread, rng=gen)
    p, d = x.shape
    scale = math.sqrt(float(np.mean(np.sum(x * x, axis=1))))
    target = np.arange(ns) % p
    starts = x[target] + nz * gen.standard_normal((ns, d)) / math.sqrt(d)
    nb = bs.size
    frac, mfrac = np.zeros((nb, 3)), np.zeros((nb, 3))
    part, supp, own_c, own_p, order, ratio = (np.full(nb, np.nan) for _ in range(6))
    conv, sep = np.zeros(nb, dtype=bool), np.zeros(nb, dtype=bool)
    for a, b in enumerate(bs):
        res = iterate_retrieval(x, starts, b, max_iter=it, tol=tl, mass_tol=mt)
        xi = np.atleast_2d(res.xi)
        dist = np.linalg.norm(xi, axis=1) / scale
        kinds = ["global" if dist[r] <= st else ("pattern" if rep.kind == "pattern" else "metastable")
                 for r, rep in enumerate(res.reports)]
        frac[a] = [np.mean([k == kk for k in kinds]) for kk in KINDS]
        mfrac[a] = [np.mean([rep.kind == kk for rep in res.reports]) for kk in KINDS]
        part[a] = np.mean([rep.participation for rep in res.reports])
        supp[a] = np.mean([rep.support.size for rep in res.reports])
        own_c[a] = np.mean([set(rep.support.tolist()) == set(np.flatnonzero(labels == labels[t]).tolist())
                            for rep, t in zip(res.reports, target)])
        own_p[a] = np.mean([rep.kind == "pattern" and rep.support[0] == t for rep, t in zip(res.reports, target)])
        order[a] = float(np.mean(dist))
        conv[a] = res.converged
        sep[a] = bool(np.all(separation_condition(x, b, mass_tol=mt)))
        if sep[a]:
            errs = np.linalg.norm(xi - x[target], axis=1)
            bounds = np.array([one_step_error_bound(x, int(t), q, b) for t, q in zip(target, xi)])
            ratio[a] = float(np.max(errs / bounds))
        if progress is not None:
            progress(a + 1, nb)
    bc_g, bc_w = global_critical_beta(x), within_critical_beta(x, labels)
    seen_g = _observed_edge(x, np.zeros(d), bc_g, gen)
    seen_w = np.array([_observed_edge(x, x[labels == j].mean(axis=0), bc_w[j], gen) for j in range(bc_w.size)])
    ds = xr.Dataset(
        {"fraction": (("beta", "kind"), frac), "mass_fraction": (("beta", "kind"), mfrac),
         "participation": (("beta",), part), "support_size": (("beta",), supp),
         "own_cluster_fraction": (("beta",), own_c), "own_pattern_fraction": (("beta",), own_p),
         "order_parameter": (("beta",), order), "converged": (("beta",), conv),
         "separated": (("beta",), sep), "bound_ratio": (("beta",), ratio),
         "beta_c_global": ((), bc_g), "beta_c_within": (("cluster",), bc_w),
         "beta_c_global_observed": ((), seen_g), "beta_c_within_observed": (("cluster",), seen_w)},
        coords={"beta": bs, "kind": list(KINDS), "cluster": np.arange(bc_w.size)},
    )
    annotate(ds, {
        "fraction": ("fraction of starts ending in each kind of fixed point", "1"),
        "mass_fraction": ("same, with classify_fixed_point's support-by-mass labels", "1"),
        "participation": ("mean participation ratio 1/sum p^2 at the end state", "patterns"),
        "support_size": (f"mean number of patterns carrying {1 - mt:g} of the weight", "patterns"),
        "own_cluster_fraction": ("fraction whose support is exactly the start's cluster", "1"),
        "own_pattern_fraction": ("fraction ending as 'pattern' at the start's pattern", "1"),
        "order_parameter": ("mean |xi| / rms pattern norm (0 at the global average)", "1"),
        "converged": ("every start met tol within max_iter", "1"),
        "separated": ("separation condition holds for every pattern", "1"),
        "bound_ratio": ("max |xi - x_i| / one_step_error_bound(x, i, xi, beta)", "1"),
        "beta_c_global": ("1/lambda_max of the pattern covariance", "1/pattern units^2"),
        "beta_c_within": ("1/lambda_max of each cluster's own covariance", "1/pattern units^2"),
        "beta_c_global_observed": ("stability edge of the global average from the dynamics", "1/pattern units^2"),
        "beta_c_within_observed": ("stability edge of each cluster mean from the dynamics", "1/pattern units^2"),
        "beta": ("inverse temperature beta", "1/pattern units^2"),
        "kind": ("kind of fixed point", "1"),
        "cluster": ("cluster index", "1"),
    })
    ds.attrs.update(provenance_attrs("metastable.metastable_diagram", {
        "betas": bs.tolist(), "n_clusters": n_clusters, "per_cluster": per_cluster, "dim": dim,
        "spread": spread, "n_starts": ns, "noise": nz, "max_iter": it, "tol": tl, "mass_tol": mt,
        "state_tol": st}))
    return ds
