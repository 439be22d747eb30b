"""Exponential capacity of dense associative memories (Lucibello & Mézard 2023) as Datasets.

Theory (:mod:`hopfieldlab.theory.dense`) on (λ, α) grids, and finite-N retrieval experiments on
pattern banks of P = round(e^{αN}) patterns regenerated from seeds and streamed through the
softmax kernels.

Retrieval criterion (stated in every Dataset's ``criterion`` attribute): the *one-step*
softmax weight of the target, exp(λ ξ^t·x)/Σ_μ exp(λ ξ^μ·x) > 1/2, at the cue x (the pattern
itself for ρ = 1, else a noisy cue at cosine ρ). It is the REM criterion of the theory, and it
converges in N much faster than multi-step dynamics, which the basin experiment reports
separately as the final overlap (under the plain softmax update of the paper unless
``project_to_sphere=True`` is asked for; the Dataset's ``dynamics`` attribute says which).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from scipy import optimize, special

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_choice, check_int, check_scalar
from ..dynamics.retrieval import retrieve, target_weight, update_rule
from ..io import annotate, cached_array, provenance_attrs
from ..patterns.bank import PatternBank, noisy_cue
from ..theory.dense import (
    alpha_1,
    alpha_c,
    attention_log_capacity,
    attention_threshold,
    lambda_star,
    rho_min,
)
from ..theory.dense_finite import one_step_probability, one_step_threshold

__all__ = [
    "CRITERION",
    "RetrievalPoint",
    "attention_regime",
    "basin_curves",
    "basin_theory",
    "condensation_line",
    "crossing_estimate",
    "phase_diagram",
    "retrieval_point",
    "retrieval_vs_alpha",
]

Progress = Callable[[int, int], None] | None
CRITERION = "one-step softmax weight of the target > 1/2 at the cue"
ENSEMBLES = ("gaussian", "spherical")
MAX_PATTERNS = 20_000_000  # refuse banks beyond this (minutes per pass on a laptop)
BANK_CHUNK = 1 << 16  # rows per generated block of the experiments' pattern banks



def _grid(values: Sequence[float] | np.ndarray, name: str, low: float = 0.0,
          low_inclusive: bool = True, allow_inf: bool = False) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name}: got shape {arr.shape}, expected a non-empty 1-D sequence")
    for v in arr:
        check_scalar(float(v), name, low=low, low_inclusive=low_inclusive, allow_inf=allow_inf)
    return arr


def phase_diagram(lams: Sequence[float] | np.ndarray,
                  ensembles: Sequence[str] = ENSEMBLES) -> xr.Dataset:
    """α₁(λ) and α_c(λ) for each ensemble on a λ grid (the paper's phase diagram in the (λ, α) plane).

    Returns
    -------
    Dataset with ``alpha_1`` and ``alpha_c`` (ensemble, lam); λ = inf allowed (spherical α₁ = inf).
    """
    lam = _grid(lams, "lams", low_inclusive=False, allow_inf=True)
    ens = [check_choice(e, "ensembles", ("gaussian", "spherical", "binary")) for e in ensembles]
    a1 = np.array([[alpha_1(float(v), e) for v in lam] for e in ens])
    ac = np.array([[alpha_c(float(v), e) for v in lam] for e in ens])
    ds = xr.Dataset({"alpha_1": (("ensemble", "lam"), a1), "alpha_c": (("ensemble", "lam"), ac)},
                    coords={"ensemble": ens, "lam": lam})
    annotate(ds, {"alpha_1": ("typical-pattern retrieval threshold α₁(λ)", "nats per neuron"),
                "alpha_c": ("all-pattern threshold α_c(λ) (first-moment lower bound)", "nats per neuron"),
                "lam": ("inverse temperature λ", "1")})
    ds.attrs.update(provenance_attrs("capacity_phase_diagram", dict(lams=lam.tolist(), ensembles=ens)))
    return ds


def condensation_line(alphas: Sequence[float] | np.ndarray,
                      rhos: Sequence[float] | np.ndarray = (1.0,)) -> xr.Dataset:
    """Gaussian condensation line λ_*(α, ρ) = ρ − √(ρ² − 2α) (NaN where 2α >= ρ²)."""
    a = _grid(alphas, "alphas")
    r = _grid(rhos, "rhos", low_inclusive=False)
    ls = np.array([[lambda_star(float(x), float(y)) for x in a] for y in r])
    ds = xr.Dataset({"lambda_star": (("rho", "alpha"), ls)}, coords={"rho": r, "alpha": a})
    annotate(ds, {"lambda_star": ("Gaussian condensation line λ_*(α, ρ): retrieval iff λ > λ_*", "1"),
                "alpha": ("load α = log(P)/N", "nats per neuron"), "rho": ("initial overlap ρ", "1")})
    ds.attrs.update(provenance_attrs("capacity_condensation_line", dict(alphas=a.tolist(), rhos=r.tolist())))
    return ds


def attention_regime(betas: Sequence[float] | np.ndarray,
                     n_values: Sequence[int] = (16, 64, 256, 1024, 4096),
                     ensembles: Sequence[str] = ENSEMBLES, rho: float = 1.0) -> xr.Dataset:
    """Scaled dot-product regime λ = β/√N: load thresholds on the scale log P = a√N.

    ``a_1`` is the exact REM threshold at finite N, √N·α₁(β/√N, ρ), per ensemble; ``a_closed``
    is the closed form βρ − β²/(2√N) (:func:`hopfieldlab.theory.dense.attention_log_capacity`
    over √N); ``a_limit`` = βρ is where every ensemble's curve goes as N → ∞ (a₁ = a_c).

    Returns
    -------
    Dataset with ``a_1`` (ensemble, N, beta), ``a_closed`` (N, beta) and ``a_limit`` (beta).
    """
    b = _grid(betas, "betas", low_inclusive=False)
    ns = np.array([check_int(int(v), "n_values", low=1) for v in np.atleast_1d(n_values)])
    ens = [check_choice(e, "ensembles", ("gaussian", "spherical", "binary")) for e in ensembles]
    a1 = np.array([[[math.sqrt(n) * alpha_1(float(x) / math.sqrt(n), e, rho) for x in b]
                    for n in ns] for e in ens])
    closed = np.array([[attention_log_capacity(float(x), int(n), rho) / math.sqrt(n) for x in b]
                       for n in ns])
    limit = np.array([attention_threshold(float(x), rho) for x in b])
    ds = xr.Dataset({"a_1": (("ensemble", "N", "beta"), a1), "a_closed": (("N", "beta"), closed),
                     "a_limit": (("beta",), limit)},
                    coords={"ensemble": ens, "N": ns, "beta": b})
    annotate(ds, {"a_1": ("finite-N threshold √N·α₁(β/√N, ρ) = log P_max/√N", "nats per √neuron"),
                  "a_closed": ("closed form βρ − β²/(2√N)", "nats per √neuron"),
                  "a_limit": ("N → ∞ threshold a₁ = a_c = βρ", "nats per √neuron"),
                  "beta": ("attention inverse temperature β (λ = β/√N)", "1"),
                  "N": ("number of neurons N", "1")})
    ds.attrs.update(provenance_attrs("capacity_attention_regime", dict(
        betas=b.tolist(), n_values=ns.tolist(), ensembles=ens, rho=float(rho))))
    return ds


def basin_theory(lams: Sequence[float] | np.ndarray, alphas: Sequence[float] | np.ndarray,
                 ensembles: Sequence[str] = ENSEMBLES) -> xr.Dataset:
    """Required initial overlap ρ_min(α, λ) = Φ(α, λ)/λ over a (λ, α) grid (NaN: no basin)."""
    lam = _grid(lams, "lams", low_inclusive=False, allow_inf=True)
    a = _grid(alphas, "alphas")
    ens = [check_choice(e, "ensembles", ("gaussian", "spherical", "binary")) for e in ensembles]
    rm = np.array([[[rho_min(float(x), float(v), e) for x in a] for v in lam] for e in ens])
    ds = xr.Dataset({"rho_min": (("ensemble", "lam", "alpha"), rm)},
                    coords={"ensemble": ens, "lam": lam, "alpha": a})
    annotate(ds, {"rho_min": ("initial overlap needed for retrieval ρ_min(α, λ)", "1"),
                "lam": ("inverse temperature λ", "1"), "alpha": ("load α = log(P)/N", "nats per neuron")})
    ds.attrs.update(provenance_attrs("capacity_basin_theory", dict(lams=lam.tolist(), alphas=a.tolist(),
                                                                   ensembles=ens)))
    return ds


def _n_patterns(alpha: float, n: int) -> int:
    p = max(2, int(round(math.exp(alpha * n))))
    if p > MAX_PATTERNS:
        raise ValueError(f"alpha: got alpha={alpha} at N={n}, i.e. P={p:.3g} patterns, "
                         f"expected P <= {MAX_PATTERNS:.0e}; lower alpha or N")
    return p


def _draw_targets(bank: PatternBank, m: int, gen: np.random.Generator) -> np.ndarray:
    """``m`` target indices, distinct while the bank allows, drawn from the bank's first block.

    The patterns of a bank are i.i.d., so a pattern of block 0 is exactly as typical as any
    other; drawing the targets there means reading them back costs one block instead of a
    near-complete extra pass over a bank of 10⁷ patterns.
    """
    pool = min(bank.n_patterns, bank.chunk)
    return gen.choice(pool, size=m, replace=m > pool)


def _trial_success(ensemble: str, n: int, p: int, lam: float, rho: float, n_trials: int,
                   n_banks: int, gen: np.random.Generator) -> np.ndarray:
    """One-step successes of ``n_trials`` targets spread over ``n_banks`` independent banks.

    More banks are used when a bank holds fewer patterns than its share of targets: a repeated
    target at ρ = 1 repeats its outcome exactly, and such copies would make the binomial error
    bars too small. With distinct targets the outcomes in one bank share only the single overlap
    between each pair of targets, and the trials are nearly independent.
    """
    n_banks = max(n_banks, -(-n_trials // min(p, BANK_CHUNK)))
    wins = []
    for k in range(n_banks):
        m = n_trials // n_banks + (1 if k < n_trials % n_banks else 0)
        if m == 0:
            continue
        bank = PatternBank(ensemble, p, n, seed=int(gen.integers(2**62)), chunk=BANK_CHUNK)
        targets = _draw_targets(bank, m, gen)
        xi_t = bank.rows(targets).astype(np.float64)
        cues = xi_t if rho >= 1.0 else noisy_cue(xi_t, rho, rng=gen)
        w = np.atleast_1d(target_weight(bank, cues, lam, targets))
        wins.append(w > 0.5)
    return np.concatenate(wins)


@dataclass(frozen=True)
class RetrievalPoint:
    """One finite-N retrieval measurement (criterion: :data:`CRITERION`)."""

    p_retrieval: float
    p_err: float
    n_patterns: int
    n_trials: int
    seconds: float

    @property
    def queries_per_second(self) -> float:
        """Trials (queries against all P patterns) per second of wall time."""
        return self.n_trials / self.seconds if self.seconds > 0 else math.inf


def retrieval_point(ensemble: str, n_neurons: int, alpha: float, lam: float, *, rho: float = 1.0,
                    n_trials: int = 200, n_banks: int = 4, rng: RNGLike = None) -> RetrievalPoint:
    """Retrieval probability of a typical pattern at one (N, α, λ, ρ), with its binomial error.

    Parameters
    ----------
    ensemble : {'spherical', 'gaussian'}
    n_neurons : int
        N >= 2.
    alpha : float
        Load > 0; P = round(e^{αN}).
    lam : float
        Inverse temperature > 0.
    rho : float
        Initial overlap of the cue in (0, 1] (1: start at the pattern).
    n_trials, n_banks : int
        Targets, spread over independent pattern banks.
    rng : Generator, int, SeedSequence or None
    """
    ens = check_choice(ensemble, "ensemble", ENSEMBLES)
    n = check_int(n_neurons, "n_neurons", low=2)
    a = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    r = check_scalar(rho, "rho", low=0.0, high=1.0, low_inclusive=False)
    trials = check_int(n_trials, "n_trials", low=1)
    banks = check_int(n_banks, "n_banks", low=1)
    p = _n_patterns(a, n)
    t0 = time.perf_counter()
    ok = _trial_success(ens, n, p, lam, r, trials, banks, as_generator(rng))
    dt = time.perf_counter() - t0
    ph = float(ok.mean())
    return RetrievalPoint(ph, math.sqrt(ph * (1 - ph) / trials), p, trials, dt)


def retrieval_vs_alpha(
    alpha_over_alpha1: Sequence[float] | np.ndarray,
    n_values: Sequence[int],
    *,
    lam: float = 0.3,
    ensemble: str = "spherical",
    rhos: Sequence[float] = (1.0,),
    n_trials: int = 200,
    n_banks: int = 4,
    rng: RNGLike = None,
    progress: Progress = None,
    cache: str | Path | None = None,
) -> xr.Dataset:
    """Finite-N retrieval probability of a typical pattern vs α, for several N and initial overlaps.

    Interrupt/resume: every (ρ, N, α) point draws its own seed from ``rng`` up front, and with
    ``cache`` (a folder) each finished point is stored through
    :func:`hopfieldlab.io.cached_array`; a rerun with the same seed and arguments loads the
    finished points and computes only the rest, so an interruption (KeyboardInterrupt, or an
    exception raised from ``progress``) loses only the point in progress. Resuming needs a
    seed: with ``rng=None`` the point seeds differ between runs and nothing is reused.

    α runs over ``alpha_over_alpha1`` × α₁(λ, ρ=1); P = round(e^{αN}). Each point uses
    ``n_trials`` targets spread over ``n_banks`` independent pattern banks (one streamed, batched
    pass per bank). Error bars are binomial standard errors √(p(1 − p)/n).

    Returns
    -------
    Dataset with ``p_retrieval``, ``p_err``, ``n_patterns``, ``p_theory`` (rho, N, alpha) and
    ``alpha_1_theory`` (rho); attribute ``criterion``. ``p_theory`` is the finite-N law of
    :func:`hopfieldlab.theory.dense_finite.one_step_probability` at each point's P, and
    ``p_theory_curve`` (rho, N, alpha_curve) the same law on a fine grid for figures.
    """
    ens = check_choice(ensemble, "ensemble", ENSEMBLES)
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    ratios = _grid(alpha_over_alpha1, "alpha_over_alpha1", low_inclusive=False)
    ns = [check_int(v, "n_values", low=2) for v in n_values]
    rs = _grid(rhos, "rhos", low_inclusive=False)
    if np.any(rs > 1):
        raise ValueError(f"rhos: got {rs.tolist()}, expected values in (0, 1]")
    trials = check_int(n_trials, "n_trials", low=1)
    banks = check_int(n_banks, "n_banks", low=1)
    gen = as_generator(rng)
    a1 = alpha_1(lam, ens)
    alphas = ratios * a1
    for n in ns:  # fail before any work if a point is too large
        _n_patterns(float(alphas.max()), n)
    shape = (rs.size, len(ns), alphas.size)
    p_hat = np.zeros(shape)
    n_pat = np.zeros(shape, dtype=np.int64)
    total, done = int(np.prod(shape)), 0
    seeds = gen.integers(0, 2**63 - 1, size=shape)  # one stream per point: resumable
    for i, rho in enumerate(rs):
        for j, n in enumerate(ns):
            for k, a in enumerate(alphas):
                p = _n_patterns(float(a), n)
                args = (ens, n, p, lam, float(rho), trials, banks, int(seeds[i, j, k]))
                ok = _point_success(args, cache)
                p_hat[i, j, k], n_pat[i, j, k] = ok.mean(), p
                done += 1
                if progress:
                    progress(done, total)
    err = np.sqrt(p_hat * (1 - p_hat) / trials)
    a1_rho = np.array([alpha_1(lam, ens, rho=float(r)) for r in rs])
    # finite-N theory at the realised P (α_eff = log P / N, not the nominal α)
    p_th = np.array([[[one_step_probability(math.log(int(n_pat[i, j, k])) / n, lam, n, ens, float(r))
                       for k in range(alphas.size)] for j, n in enumerate(ns)] for i, r in enumerate(rs)])
    fine = np.linspace(alphas.min(), alphas.max(), 241)
    p_curve = np.array([[[one_step_probability(float(a), lam, n, ens, float(r)) for a in fine]
                         for n in ns] for r in rs])
    ds = xr.Dataset(
        {"p_retrieval": (("rho", "N", "alpha"), p_hat), "p_err": (("rho", "N", "alpha"), err),
         "p_theory": (("rho", "N", "alpha"), p_th),
         "p_theory_curve": (("rho", "N", "alpha_curve"), p_curve),
         "n_patterns": (("rho", "N", "alpha"), n_pat), "alpha_1_theory": (("rho",), a1_rho)},
        coords={"rho": rs, "N": ns, "alpha": alphas, "alpha_curve": fine},
    )
    annotate(ds, {"p_retrieval": ("retrieval probability of a typical pattern", "1"),
                "p_theory_curve": ("finite-N theory on a fine α grid", "1"),
                "alpha_curve": ("load α of the theory curve", "nats per neuron"),
                "p_theory": ("finite-N theory: log-normal REM law of the one-step criterion", "1"),
                "p_err": ("binomial standard error of p_retrieval", "1"),
                "n_patterns": ("number of stored patterns P = round(e^{αN})", "1"),
                "alpha_1_theory": ("theory threshold α₁(λ, ρ)", "nats per neuron"),
                "alpha": ("load α = log(P)/N", "nats per neuron"), "rho": ("initial overlap ρ", "1"),
                "N": ("number of neurons", "1")})
    ds.attrs.update(criterion=CRITERION, ensemble=ens, lam=lam, n_trials=trials)
    ds.attrs.update(provenance_attrs("capacity_retrieval_vs_alpha", dict(
        alpha_over_alpha1=ratios.tolist(), n_values=ns, lam=lam, ensemble=ens, rhos=rs.tolist(),
        n_trials=trials, n_banks=banks)))
    return ds


def _point_success(args: tuple, cache: str | Path | None) -> np.ndarray:
    """Success flags of one (ensemble, N, P, λ, ρ, trials, banks, seed) point, cached if asked."""
    *head, seed = args
    keys = ("ensemble", "n", "p", "lam", "rho", "trials", "banks", "seed")
    ok = cached_array(cache, "capacity_point_flags", dict(zip(keys, args)),
                      lambda: _trial_success(*head, np.random.default_rng(seed)))
    return np.asarray(ok, dtype=bool)


def _half_crossing(alphas: np.ndarray, p: np.ndarray) -> float:
    """α where p(α) first falls through 1/2 (linear interpolation); NaN if it never does."""
    return _half_crossing_err(alphas, p, None)[0]


def _half_crossing_err(alphas: np.ndarray, p: np.ndarray, n_trials: int | None) -> tuple[float, float]:
    """α where p(α) falls through 1/2, and its standard error, from a probit fit to the counts.

    p(α) = Φ((α_{1/2} − α)/w) is fitted by binomial maximum likelihood to the two points that
    bracket 1/2 and one neighbour on each side; the error of α_{1/2} comes from the Fisher
    information. When the transition is sharper than the grid (at most one point strictly between
    0 and 1: the likelihood then prefers w → 0), the crossing is only known to lie between the
    neighbours of the interior point (or between the last p = 1 and the first p = 0), and the
    linear interpolation between the bracketing points is returned with the error of a uniform
    law on that interval. Without ``n_trials``: the linear interpolation, error NaN.
    """
    k = next((i for i in range(alphas.size - 1) if p[i] >= 0.5 > p[i + 1]), None)
    if k is None:
        return math.nan, math.nan
    lin = float(alphas[k] + (p[k] - 0.5) * (alphas[k + 1] - alphas[k]) / (p[k] - p[k + 1]))
    if n_trials is None:
        return lin, math.nan
    # fit locally (the bracketing pair and one neighbour each side): the finite-N curves are
    # skewed, and a global probit would pull the crossing towards the long tail
    win = slice(max(k - 1, 0), min(k + 3, alphas.size))
    alphas, y = np.asarray(alphas)[win], np.rint(np.asarray(p)[win] * n_trials)
    k -= win.start
    inner = np.flatnonzero((y > 0) & (y < n_trials))
    if inner.size <= 1:
        lo_i = (inner[0] - 1) if inner.size else k
        hi_i = (inner[0] + 1) if inner.size else k + 1
        lo, hi = alphas[max(lo_i, 0)], alphas[min(hi_i, alphas.size - 1)]
        return lin, float((hi - lo) / math.sqrt(12.0))

    def nll(theta: np.ndarray) -> float:
        z = (theta[0] - alphas) / math.exp(theta[1])
        return float(-np.sum(y * special.log_ndtr(z) + (n_trials - y) * special.log_ndtr(-z)))

    w0 = math.log(0.5 * float(alphas[k + 1] - alphas[k]))
    fit = optimize.minimize(nll, np.array([lin, w0]), method="Nelder-Mead",
                            options=dict(xatol=1e-10, fatol=1e-10, maxiter=4000))
    a_half, w = float(fit.x[0]), math.exp(float(fit.x[1]))
    z = (a_half - alphas) / w
    # n φ(z)² / (Φ(z) Φ(−z)) in logs: the tails (|z| ~ 10) would give 0/0 in plain floats
    log_pdf = -0.5 * z * z - 0.5 * math.log(2 * math.pi)
    weight = n_trials * np.exp(2 * log_pdf - special.log_ndtr(z) - special.log_ndtr(-z))
    grad = np.stack([np.full_like(z, 1.0 / w), -z])  # dz/dα_{1/2}, dz/dlog w
    info = (grad * weight) @ grad.T
    cov = np.linalg.pinv(info)
    return a_half, float(math.sqrt(max(cov[0, 0], 0.0)))


def crossing_estimate(ds: xr.Dataset, rho: float = 1.0) -> xr.Dataset:
    """Estimate α₁ from finite-N curves: the crossings α_{1/2}(N) and their plateau at large N.

    α_{1/2}(N) is where the retrieval probability crosses 1/2, from a local binomial-likelihood
    probit fit of each curve (or the grid interval holding it, when the curve is sharper than the
    grid; see ``_half_crossing_err``). They are set beside the finite-N theory
    (:func:`hopfieldlab.theory.dense_finite.one_step_threshold`).

    Extrapolation (stated): α_{1/2}(N) = α₁ + c/N through the two largest N (the finite-N theory
    gives this form at large N: the Laplace prefactor of the overlap law shifts the crossing by
    c/N with c < 0, while the positive log-normal shift, ∝ e^{−N(α₁ − λ²)}/N, dies out faster).
    Its error adds in quadrature the propagated statistical error and a systematic one, the
    difference between the extrapolation and α_{1/2} at the largest N. A line through all N would
    be biased by the exponential term at small N (``alpha_1_linear`` keeps it for comparison).

    Returns
    -------
    Dataset with ``alpha_half``, ``alpha_half_err``, ``alpha_half_theory`` (N), the theory curve
    ``alpha_half_theory_curve`` (N_curve), and scalars ``alpha_1_estimate``,
    ``alpha_1_estimate_err``, ``alpha_1_linear``, ``alpha_1_theory`` (NaN estimates with fewer
    than two finite crossings).
    """
    sub = ds.sel(rho=rho)
    alphas = sub.alpha.values
    trials = ds.attrs.get("n_trials")
    if trials is None:  # older datasets: recover n from the error bars of a point with 0 < p < 1
        p, e = sub.p_retrieval.values, sub.p_err.values
        inner = (p > 0) & (p < 1)
        trials = round(float(np.median(p[inner] * (1 - p[inner]) / e[inner] ** 2))) if inner.any() else None
    ns = sub.N.values
    pairs = [_half_crossing_err(alphas, sub.p_retrieval.sel(N=n).values, trials) for n in ns]
    half = np.array([c for c, _ in pairs])
    half_err = np.array([e for _, e in pairs])
    ok = np.flatnonzero(np.isfinite(half))
    estimate = estimate_err = linear = math.nan
    if ok.size >= 2:
        i, j = ok[-2], ok[-1]
        n1, n2 = float(ns[i]), float(ns[j])
        estimate = float((n2 * half[j] - n1 * half[i]) / (n2 - n1))
        stat = math.hypot(n2 * half_err[j], n1 * half_err[i]) / (n2 - n1)
        estimate_err = float(math.hypot(stat, estimate - half[j]))
        linear = float(np.polyfit(1.0 / ns[ok], half[ok], 1)[1])
    ens = ds.attrs.get("ensemble", "spherical")
    lam = float(ds.attrs.get("lam", math.nan))

    def theory(n: int) -> float:
        return one_step_threshold(lam, int(n), ens, rho=float(rho)).alpha_half if math.isfinite(lam) else math.nan

    curve_n = np.unique(np.geomspace(max(4, int(ns.min()) // 2), 4 * int(ns.max()), 40).astype(int))
    out = xr.Dataset({"alpha_half": (("N",), half), "alpha_half_err": (("N",), half_err),
                      "alpha_half_theory": (("N",), np.array([theory(n) for n in ns])),
                      "alpha_half_theory_curve": (("N_curve",), np.array([theory(n) for n in curve_n])),
                      "alpha_1_estimate": ((), estimate), "alpha_1_estimate_err": ((), estimate_err),
                      "alpha_1_linear": ((), linear),
                      "alpha_1_theory": ((), float(sub.alpha_1_theory))},
                     coords={"N": ns, "N_curve": curve_n})
    annotate(out, {"alpha_half": ("α where the retrieval probability crosses 1/2", "nats per neuron"),
                 "alpha_half_err": (("standard error of alpha_half (probit fit, or the grid interval "
                                     "when the transition is sharper than the grid)"), "nats per neuron"),
                 "alpha_half_theory": ("finite-N theory α_{1/2}(N) (log-normal REM law)", "nats per neuron"),
                 "alpha_half_theory_curve": ("finite-N theory α_{1/2}(N) on a fine N grid", "nats per neuron"),
                 "alpha_1_estimate": ("α₁ estimate: α_{1/2} = α₁ + c/N through the two largest N",
                                      "nats per neuron"),
                 "alpha_1_estimate_err": (("statistical and systematic (distance to α_{1/2}(N_max)) "
                                           "error, in quadrature"), "nats per neuron"),
                 "alpha_1_linear": ("α_{1/2} fitted linearly in 1/N over all N, at 1/N = 0",
                                    "nats per neuron"),
                 "alpha_1_theory": ("theory threshold α₁(λ, ρ)", "nats per neuron")})
    out.attrs.update(extrapolation="alpha_half(N) = alpha_1 + c/N through the two largest N; error: "
                     "statistical and |estimate - alpha_half(N_max)| in quadrature",
                     criterion=ds.attrs.get("criterion", ""))
    out.attrs.update(provenance_attrs("capacity_crossing_estimate", dict(rho=rho)))
    return out


def basin_curves(
    rhos: Sequence[float] | np.ndarray,
    alphas: Sequence[float] | np.ndarray,
    *,
    n_neurons: int = 32,
    lam: float = 1.0,
    ensemble: str = "spherical",
    n_trials: int = 64,
    max_iter: int = 20,
    project_to_sphere: bool = False,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Basins: one-step success and final overlap (iterated dynamics) vs initial overlap ρ.

    For each α one bank of P = round(e^{αN}) patterns; ``n_trials`` random targets get noisy cues
    at cosine ρ (|x|² = N). ``p_retrieval`` uses the one-step criterion; ``final_overlap`` is the
    mean overlap ξᵗ·x/N with the target after at most ``max_iter`` updates of
    :func:`hopfieldlab.dynamics.retrieve`: the plain softmax update of Lucibello & Mézard, or,
    with ``project_to_sphere=True``, the variant rescaled to |x|² = N after every step (where
    the overlap is the cosine). Under the plain update a state that is not retrieved shrinks
    towards the mean of the patterns, so its overlap is small even where its cosine with the
    target is not; ``final_cosine`` and ``final_norm`` (|x|/√N) are kept beside it.
    ``converged`` is the fraction of queries that reached a fixed point within ``max_iter``.
    Theory: ρ_min(α, λ).

    Returns
    -------
    Dataset with ``p_retrieval``, ``p_err``, ``final_overlap``, ``final_overlap_err``,
    ``final_cosine``, ``final_norm`` and ``converged`` (alpha, rho), ``rho_min_theory``
    (alpha); attribute ``dynamics`` names the update.
    """
    ens = check_choice(ensemble, "ensemble", ENSEMBLES)
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    rs = _grid(rhos, "rhos", low_inclusive=False)
    if np.any(rs > 1):
        raise ValueError(f"rhos: got {rs.tolist()}, expected values in (0, 1]")
    a = _grid(alphas, "alphas", low_inclusive=False)
    n = check_int(n_neurons, "n_neurons", low=2)
    trials = check_int(n_trials, "n_trials", low=1)
    iters = check_int(max_iter, "max_iter", low=1)
    if not isinstance(project_to_sphere, (bool, np.bool_)):
        raise ValueError(f"project_to_sphere: got {project_to_sphere!r}, expected True or False")
    rule = update_rule(bool(project_to_sphere))
    gen = as_generator(rng)
    for v in a:
        _n_patterns(float(v), n)
    p_hat = np.zeros((a.size, rs.size))
    final = np.zeros_like(p_hat)
    final_err = np.zeros_like(p_hat)
    final_norm = np.zeros_like(p_hat)
    final_cos = np.zeros_like(p_hat)
    conv = np.zeros_like(p_hat)
    total, done = a.size * rs.size, 0
    for i, alpha in enumerate(a):
        p = _n_patterns(float(alpha), n)
        bank = PatternBank(ens, p, n, seed=int(gen.integers(2**62)), chunk=BANK_CHUNK)
        targets = _draw_targets(bank, trials, gen)
        xi_t = bank.rows(targets).astype(np.float64)
        for j, rho in enumerate(rs):
            cues = xi_t if rho >= 1.0 else noisy_cue(xi_t, float(rho), rng=gen)
            w = np.atleast_1d(target_weight(bank, cues, lam, targets))
            res = retrieve(bank, cues.astype(np.float32), lam, max_iter=iters,
                           project_to_sphere=bool(project_to_sphere))
            x = np.atleast_2d(res.x).astype(np.float64)
            norm = np.linalg.norm(x, axis=1)
            dot = np.einsum("bi,bi->b", x, xi_t)
            m = dot / n  # the paper's overlap ξ·x/N: 1 at the pattern, small for a collapsed state
            cos = dot / (norm * np.linalg.norm(xi_t, axis=1))
            p_hat[i, j] = np.mean(w > 0.5)
            final[i, j] = m.mean()
            final_cos[i, j] = cos.mean()
            final_norm[i, j] = np.mean(norm) / math.sqrt(n)
            conv[i, j] = np.mean(res.converged_each)
            final_err[i, j] = m.std(ddof=1) / math.sqrt(trials) if trials > 1 else 0.0
            done += 1
            if progress:
                progress(done, total)
    ds = xr.Dataset(
        {"p_retrieval": (("alpha", "rho"), p_hat),
         "p_err": (("alpha", "rho"), np.sqrt(p_hat * (1 - p_hat) / trials)),
         "final_overlap": (("alpha", "rho"), final), "final_overlap_err": (("alpha", "rho"), final_err),
         "final_norm": (("alpha", "rho"), final_norm), "final_cosine": (("alpha", "rho"), final_cos),
         "converged": (("alpha", "rho"), conv),
         "rho_min_theory": (("alpha",), np.array([rho_min(float(v), lam, ens) for v in a]))},
        coords={"alpha": a, "rho": rs},
    )
    annotate(ds, {"p_retrieval": ("one-step retrieval probability from overlap ρ", "1"),
                "p_err": ("binomial standard error of p_retrieval", "1"),
                "final_overlap": (f"mean final overlap ξ·x/N with the target after ≤ {iters} updates "
                                  f"of the {rule}", "1"),
                "final_overlap_err": ("standard error of final_overlap", "1"),
                "final_norm": ("mean final |x|/√N", "1"),
                "final_cosine": ("mean final cosine with the target", "1"),
                "converged": (f"fraction of queries at a fixed point within {iters} updates", "1"),
                "rho_min_theory": ("theory: initial overlap needed ρ_min(α, λ)", "1"),
                "alpha": ("load α = log(P)/N", "nats per neuron"), "rho": ("initial overlap ρ", "1")})
    ds.attrs.update(criterion=CRITERION, ensemble=ens, lam=lam, n_neurons=n, dynamics=rule,
                    project_to_sphere=int(bool(project_to_sphere)))
    ds.attrs.update(provenance_attrs("capacity_basin_curves", dict(
        rhos=rs.tolist(), alphas=a.tolist(), n_neurons=n, lam=lam, ensemble=ens, n_trials=trials,
        max_iter=iters, project_to_sphere=bool(project_to_sphere))))
    return ds
