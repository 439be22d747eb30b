"""Retrieval thresholds of dense associative memories at P = e^{αN} (random-energy-model analysis).

Setting (Lucibello & Mézard 2023; derivation in ``shared/spec/dam_capacity.md``): energy
-(1/λ) log Σ_μ exp(λ ξ^μ·x) with raw overlaps ξ·x = O(N); a state x with |x|² = N and overlap
ρ = ξ^1·x/N with the target. The other patterns' overlaps m = ξ^ν·x/N have large-deviation
rate I(m), so Z_rest = Σ_{ν≠1} e^{λ N m_ν} is a random energy model with free entropy

    Φ(α, λ) = α + λ m* − I(m*)   if α >= I(m*),   I'(m*) = λ        (uncondensed)
            = λ m_max(α),        I(m_max) = α                       (condensed)

and the target is retrieved iff λρ > Φ(α, λ). Hence

    α₁(λ, ρ) = min_{m <= ρ} [λ(ρ − m) + I(m)]       (typical pattern; exact)
    ρ_min(α, λ) = Φ(α, λ)/λ                          (initial overlap needed; basin)

and α_c(λ), the load below which *all* patterns are retrieved (first-moment lower bound):
α_c = α₁ for spherical patterns; for Gaussian patterns the norm fluctuations and pairs of
patterns with ξ^ν·ξ^μ >= |ξ^μ|² lower it (Lambert-W closed form below, log(2)/4 at large λ).

Ensembles: 'gaussian' (I = m²/2), 'spherical' (I = −½ log(1 − m²)), 'binary' (±1 entries).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .._validation import check_choice, check_int, check_scalar
from ..models.lse import check_lam

__all__ = [
    "RootResult",
    "alpha_1",
    "alpha_c",
    "attention_log_capacity",
    "attention_threshold",
    "gaussian_alpha_c_crossover",
    "lambda_1",
    "lambda_star",
    "max_overlap",
    "overlap_rate",
    "rem_free_entropy",
    "rho_min",
    "tilted_overlap",
]

ENSEMBLES = ("gaussian", "spherical", "binary")
LOG2 = math.log(2.0)


@dataclass(frozen=True)
class RootResult:
    """A root found numerically, with its convergence status.

    Attributes
    ----------
    value : float
        The root (NaN when there is none).
    converged : bool
        Whether the root finder met its tolerance.
    iterations : int
        Iterations spent.
    message : str
        What happened.
    """

    value: float
    converged: bool
    iterations: int
    message: str


def _ensemble(ensemble: str) -> str:
    return check_choice(ensemble, "ensemble", ENSEMBLES)


def _rho(rho: float) -> float:
    return check_scalar(rho, "rho", low=0.0, high=1.0, low_inclusive=False)


def overlap_rate(m: float, ensemble: str) -> float:
    """Large-deviation rate I(m) of m = ξ·x/N for a random pattern ξ and a fixed x with |x|² = N.

    Parameters
    ----------
    m : float
        Overlap, |m| <= 1 (any real m for 'gaussian').
    ensemble : {'gaussian', 'spherical', 'binary'}
    """
    ens = _ensemble(ensemble)
    m = check_scalar(m, "m", allow_inf=False)
    if ens == "gaussian":
        return 0.5 * m * m
    check_scalar(m, "m", low=-1.0, high=1.0)
    if ens == "spherical":
        return math.inf if abs(m) == 1.0 else -0.5 * math.log1p(-m * m)
    return float(0.5 * (special.xlogy(1 + m, 1 + m) + special.xlogy(1 - m, 1 - m)))


def tilted_overlap(lam: float, ensemble: str) -> float:
    """Saddle point m*(λ), I'(m*) = λ: the typical overlap of the softmax-weighted patterns."""
    ens = _ensemble(ensemble)
    lam = check_lam(lam)
    if ens == "gaussian":
        return lam
    if math.isinf(lam):
        return 1.0
    if ens == "spherical":
        return 2.0 * lam / (1.0 + math.sqrt(1.0 + 4.0 * lam * lam))  # stable root of λm² + m − λ
    return math.tanh(lam)


def max_overlap(alpha: float, ensemble: str) -> float:
    """Largest overlap m_max(α) among e^{αN} random patterns, I(m_max) = α.

    Closed forms for 'gaussian' (√(2α)) and 'spherical' (√(1 − e^{−2α})); 'binary' by
    :func:`scipy.optimize.brentq` (1 when α >= log 2: duplicates of x appear).
    """
    ens = _ensemble(ensemble)
    alpha = check_scalar(alpha, "alpha", low=0.0)
    if ens == "gaussian":
        return math.sqrt(2.0 * alpha)
    if ens == "spherical":
        return math.sqrt(-math.expm1(-2.0 * alpha))
    if alpha == 0.0:
        return 0.0
    if alpha >= LOG2:
        return 1.0
    return float(optimize.brentq(lambda m: overlap_rate(m, "binary") - alpha, 0.0, 1.0, xtol=1e-15))


def _rate_at_tilt(lam: float, ens: str) -> tuple[float, float]:
    """(m*, I(m*)) computed without cancellation at large λ."""
    ms = tilted_overlap(lam, ens)
    if ens == "spherical":
        return ms, -0.5 * math.log(ms / lam)  # uses 1 − m*² = m*/λ
    if ens == "binary":
        return ms, lam * ms - _log_cosh(lam)  # Legendre: I(m*) = λm* − log cosh λ
    return ms, 0.5 * lam * lam


def _log_cosh(lam: float) -> float:
    return float(np.logaddexp(lam, -lam)) - LOG2


def _one_minus_tilt(lam: float, ens: str) -> float:
    """1 − m*(λ), accurate when m* → 1."""
    if ens == "spherical":
        s = math.sqrt(1.0 + 4.0 * lam * lam)
        return (1.0 + 1.0 / (s + 2.0 * lam)) / (1.0 + s)
    if ens == "binary":
        return 2.0 / (1.0 + math.exp(2.0 * lam)) if lam < 350 else 0.0
    return 1.0 - lam


def rem_free_entropy(alpha: float, lam: float, ensemble: str) -> float:
    """Φ(α, λ) = lim (1/N) log Σ_{ν≠1} exp(λ ξ^ν·x) for e^{αN} patterns and |x|² = N (λ < ∞)."""
    ens = _ensemble(ensemble)
    alpha = check_scalar(alpha, "alpha", low=0.0)
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    ms, rate = _rate_at_tilt(lam, ens)
    if alpha >= rate:
        return alpha + lam * ms - rate
    return lam * max_overlap(alpha, ens)


def alpha_1(lam: float, ensemble: str = "spherical", rho: float = 1.0) -> float:
    """Retrieval threshold α₁(λ, ρ) of a typical pattern from initial overlap ρ (exact asymptotics).

    α₁(λ, ρ) = λ(ρ − m*) + I(m*) if m*(λ) <= ρ, else I(ρ). At ρ = 1:
    Gaussian λ − λ²/2 (λ <= 1) and 1/2 (λ >= 1); spherical λ(1 − m*) − ½ log(m*/λ), growing
    like ½ log λ + ½ without bound; binary λ − log cosh λ → log 2.

    Parameters
    ----------
    lam : float
        Inverse temperature, 0 < λ <= inf.
    ensemble : {'spherical', 'gaussian', 'binary'}
    rho : float
        Initial overlap in (0, 1]; 1 starts at the pattern itself.

    Returns
    -------
    float
        α₁ (inf for spherical patterns at λ = ∞, ρ = 1).
    """
    ens = _ensemble(ensemble)
    lam = check_lam(lam)
    rho = _rho(rho)
    ms = tilted_overlap(lam, ens)
    if ms >= rho:  # includes λ = ∞: pure geometry, the target must be the nearest pattern
        return overlap_rate(rho, ens)
    _, rate = _rate_at_tilt(lam, ens)
    gap = _one_minus_tilt(lam, ens) - (1.0 - rho)  # ρ − m*, without cancellation at ρ = 1
    return lam * gap + rate


def _gaussian_alpha_c(lam: float) -> float:
    if lam >= 1.0:
        return LOG2 / 4.0
    a1 = lam - 0.5 * lam * lam
    c = (1.0 - lam) ** 2
    # norm fluctuations: α = I_G(α/a1), I_G(r) = (r − 1 − log r)/2, solved by Lambert W
    norm_branch = -a1 * float(special.lambertw(-c / math.e, 0).real) / c
    return min(norm_branch, LOG2 / 4.0)  # log(2)/4: a pair with ξ^ν·ξ^μ >= |ξ^μ|²


def alpha_c(lam: float, ensemble: str = "spherical") -> float:
    """All-pattern retrieval threshold α_c(λ) (first-moment lower bound; starts at the patterns).

    Spherical: α_c = α₁. Binary: min(α₁, log(2)/2) (no duplicate patterns). Gaussian:
    min{−a₁ W₀(−c/e)/c, log(2)/4} for λ <= 1 with a₁ = λ − λ²/2, c = (1 − λ)², and log(2)/4
    for λ >= 1 (so α_c(∞) = log(2)/4 ≈ 0.1733 < α₁(∞) = 1/2).

    Parameters
    ----------
    lam : float
        Inverse temperature, 0 < λ <= inf.
    ensemble : {'spherical', 'gaussian', 'binary'}
    """
    ens = _ensemble(ensemble)
    lam = check_lam(lam)
    if ens == "spherical":
        return alpha_1(lam, ens)
    if ens == "binary":
        return min(alpha_1(lam, ens), 0.5 * LOG2)
    return _gaussian_alpha_c(lam)


def rho_min(alpha: float, lam: float, ensemble: str = "spherical") -> float:
    """Smallest initial overlap ρ from which a typical pattern is retrieved: Φ(α, λ)/λ.

    Gaussian closed form: √(2α) if λ² >= 2α, else α/λ + λ/2. At λ = ∞: m_max(α).

    Parameters
    ----------
    alpha : float
        Load, α = log(P)/N >= 0.
    lam : float
        Inverse temperature, 0 < λ <= inf.
    ensemble : {'spherical', 'gaussian', 'binary'}

    Returns
    -------
    float
        ρ_min in [0, 1], or NaN when no initial overlap suffices (α >= α₁(λ, 1)).
    """
    ens = _ensemble(ensemble)
    alpha = check_scalar(alpha, "alpha", low=0.0)
    lam = check_lam(lam)
    if math.isinf(lam):
        rho = max_overlap(alpha, ens)
    else:
        rho = rem_free_entropy(alpha, lam, ens) / lam
    return rho if rho < 1.0 else math.nan


def lambda_star(alpha: float, rho: float = 1.0) -> float:
    """Gaussian condensation line λ_*(α, ρ) = ρ − √(ρ² − 2α): retrieval iff λ > λ_*.

    Returns NaN when 2α >= ρ² (no λ retrieves).
    """
    alpha = check_scalar(alpha, "alpha", low=0.0)
    rho = _rho(rho)
    d = rho * rho - 2.0 * alpha
    return rho - math.sqrt(d) if d > 0 else math.nan


def lambda_1(alpha: float, ensemble: str = "spherical", *, lam_max: float = 1e12) -> RootResult:
    """Smallest λ with α₁(λ) = α (the inverse temperature needed to retrieve at load α), by brentq.

    Parameters
    ----------
    alpha : float
        Load > 0.
    ensemble : {'spherical', 'gaussian', 'binary'}
    lam_max : float
        Upper end of the bracket.

    Returns
    -------
    RootResult
        NaN and ``converged=False`` when α₁(λ) stays below α on (0, lam_max].
    """
    ens = _ensemble(ensemble)
    alpha = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    lam_max = check_scalar(lam_max, "lam_max", low=0.0, low_inclusive=False)
    if ens == "gaussian" and alpha < 0.5:  # closed form: the inverse of λ − λ²/2
        return RootResult(lambda_star(alpha), True, 0, "closed form 1 − √(1 − 2α)")
    f = lambda lam: alpha_1(lam, ens) - alpha
    if f(lam_max) <= 0:
        return RootResult(math.nan, False, 0, f"alpha_1 < alpha={alpha} up to lam_max={lam_max:g}")
    root, res = optimize.brentq(f, 1e-300, lam_max, xtol=1e-14, rtol=1e-13,
                                full_output=True, disp=False)
    return RootResult(float(root), bool(res.converged), int(res.iterations), str(res.flag))


def gaussian_alpha_c_crossover() -> RootResult:
    """λ_x (≈ 0.70) where the Gaussian norm-fluctuation branch of α_c meets log(2)/4."""
    f = lambda lam: -((lam - 0.5 * lam * lam) * special.lambertw(
        -((1 - lam) ** 2) / math.e, 0).real / (1 - lam) ** 2) - LOG2 / 4.0
    root, res = optimize.brentq(f, 0.3, 0.99, xtol=1e-14, full_output=True, disp=False)
    return RootResult(float(root), bool(res.converged), int(res.iterations), str(res.flag))


def attention_threshold(beta: float, rho: float = 1.0) -> float:
    """Load threshold a₁ = a_c = βρ of the scaled dot-product (attention) regime, N → ∞.

    Attention scaling: λ = β/√N, so the softmax is softmax(β ξ·x/√N) as in a transformer, and
    the load is counted on the scale log P = a√N (α = a/√N → 0). The signal is βρ√N; the REM
    of the other patterns is never condensed and log Z_rest = a√N + β²/2 + o(1). A typical
    pattern is retrieved iff a < βρ; norm fluctuations (O(N^{-1/4}) among e^{a√N} patterns)
    and coinciding pairs (O(2^{-N/2})) are subleading, so the all-pattern threshold is the
    same: a_c = a₁ = βρ, for Gaussian and spherical patterns alike.

    Parameters
    ----------
    beta : float
        Attention inverse temperature β > 0 (λ = β/√N).
    rho : float
        Initial overlap ρ in (0, 1].

    Returns
    -------
    float
        βρ, the limit of log P_max/√N.
    """
    beta = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    return beta * _rho(rho)


def attention_log_capacity(beta: float, n_neurons: int, rho: float = 1.0) -> float:
    """Largest log P for one-step retrieval of a typical pattern at λ = β/√N, N finite.

    log P_max = βρ√N − β²/2: the signal λρN = βρ√N against log Z_rest = log P + β²/2. This is
    N·α₁(β/√N, ρ) of the Gaussian-field REM exactly (for β <= ρ√N), and the spherical and
    binary thresholds agree with it up to O(β⁴/N) (their α₁ = λ − λ²/2 + O(λ⁴)).

    Parameters
    ----------
    beta : float
        Attention inverse temperature β > 0.
    n_neurons : int
        N >= 1.
    rho : float
        Initial overlap ρ in (0, 1].
    """
    n = check_int(n_neurons, "n_neurons", low=1)
    a = attention_threshold(beta, rho)
    return a * math.sqrt(n) - 0.5 * float(beta) ** 2
