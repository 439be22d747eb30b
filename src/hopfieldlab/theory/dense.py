"""Retrieval thresholds of dense associative memories at P = e^{αN} (random-energy-model analysis).

Setting (Lucibello & Mézard 2023, arXiv:2304.14964): energy
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
        return _spherical_tilt(lam)[0]
    return math.tanh(lam)


def _spherical_tilt(lam: float) -> tuple[float, float, float]:
    """(m*, 1 − m*, I(m*)) for spherical patterns, finite and accurate for every 0 < λ < ∞.

    m* is the root of λm² + m − λ = 0. For λ >= 1 it is written m* = √(1 + u²) − u = e^{−asinh u}
    with u = 1/(2λ), so that neither 4λ² (overflows above λ ≈ 1e154) nor 1 − m* by subtraction
    (all digits lost above λ ≈ 1e16) is formed; I(m*) = −½ log(1 − m*²) = ½ (log λ − log m*)
    uses 1 − m*² = m*/λ.
    """
    if lam < 1.0:
        ms = 2.0 * lam / (1.0 + math.sqrt(1.0 + 4.0 * lam * lam))
        return ms, 1.0 - ms, -0.5 * math.log1p(-ms * ms)
    a = math.asinh(0.5 / lam)
    return math.exp(-a), -math.expm1(-a), 0.5 * (math.log(lam) + a)


def max_overlap(alpha: float, ensemble: str) -> float:
    """Largest overlap m_max(α) among e^{αN} random patterns, I(m_max) = α.

    Closed forms for 'gaussian' (√(2α)) and 'spherical' (√(1 − e^{−2α})); 'binary' by
    :func:`scipy.optimize.brentq` (1 when α >= log 2: duplicates of x appear).
    """
    ens = _ensemble(ensemble)
    alpha = check_scalar(alpha, "alpha", low=0.0)
    if ens == "gaussian":
        return math.sqrt(2.0) * math.sqrt(alpha)  # 2α would overflow for α near the float maximum
    if ens == "spherical":
        return math.sqrt(-math.expm1(-2.0 * alpha))
    if alpha == 0.0:
        return 0.0
    if alpha >= LOG2:
        return 1.0
    return float(optimize.brentq(lambda m: overlap_rate(m, "binary") - alpha, 0.0, 1.0, xtol=1e-15))


def _rate_at_tilt(lam: float, ens: str) -> tuple[float, float]:
    """(m*, I(m*)) computed without cancellation or overflow at large λ (0 < λ < ∞)."""
    if ens == "spherical":
        ms, _, rate = _spherical_tilt(lam)
        return ms, rate
    if ens == "binary":
        return math.tanh(lam), _binary_tilt_rate(lam)
    return lam, 0.5 * lam * lam  # inf above λ ≈ 1.3e154: then every finite α is condensed


def _binary_tilt_rate(lam: float) -> float:
    """I(m*) = λ tanh λ − log cosh λ for binary patterns, without cancellation.

    λ < 1: log cosh λ = log1p(2 sinh²(λ/2)) keeps the O(λ²) digits. λ >= 1, e = e^{−2λ}:
    I = log 2 − log1p(e) − 2λe/(1 + e); the plain difference of two numbers ≈ λ loses every
    digit of the limit log 2 once λ ≳ 1e16.
    """
    if lam < 1.0:
        return lam * math.tanh(lam) - math.log1p(2.0 * math.sinh(0.5 * lam) ** 2)
    e = math.exp(-2.0 * lam)
    return LOG2 - math.log1p(e) - 2.0 * lam * e / (1.0 + e)


def _one_minus_tilt(lam: float, ens: str) -> float:
    """1 − m*(λ), accurate when m* → 1 (0 at λ = ∞)."""
    if math.isinf(lam):
        return 1.0 - tilted_overlap(lam, ens)
    if ens == "spherical":
        return _spherical_tilt(lam)[1]
    if ens == "binary":
        e = math.exp(-2.0 * lam)  # 1 − tanh λ = 2e/(1 + e)
        return 2.0 * e / (1.0 + e)
    return 1.0 - lam


def rem_free_entropy(alpha: float, lam: float, ensemble: str) -> float:
    """Φ(α, λ) = lim (1/N) log Σ_{ν≠1} exp(λ ξ^ν·x) for e^{αN} patterns and |x|² = N (λ < ∞).

    Raises ValueError when Φ itself exceeds the float range (λ near the float maximum).
    """
    ens = _ensemble(ensemble)
    alpha = check_scalar(alpha, "alpha", low=0.0)
    lam = check_scalar(lam, "lam", low=0.0, low_inclusive=False)
    phi = lam * _rem_overlap(alpha, lam, ens)
    if not math.isfinite(phi):
        raise ValueError(f"lam: got {lam:g}, expected Φ(α, λ) within the float range at "
                         f"alpha={alpha:g} (Φ overflows; rho_min gives Φ/λ)")
    return phi


def _rem_overlap(alpha: float, lam: float, ens: str) -> float:
    """Φ(α, λ)/λ, formed without the products λ·m (they overflow near the float maximum)."""
    ms, rate = _rate_at_tilt(lam, ens)
    if alpha >= rate:
        return ms + (alpha - rate) / lam
    return max_overlap(alpha, ens)


def alpha_1(lam: float, ensemble: str = "spherical", rho: float = 1.0) -> float:
    """Retrieval threshold α₁(λ, ρ) of a typical pattern from initial overlap ρ (exact asymptotics).

    α₁(λ, ρ) = λ(ρ − m*) + I(m*) if m*(λ) <= ρ, else I(ρ). At ρ = 1:
    Gaussian λ − λ²/2 (λ <= 1) and 1/2 (λ >= 1); spherical λ(1 − m*) − ½ log(m*/λ), growing
    without bound as ½ + ½ log λ + 1/(8λ) − 1/(384λ³) + O(λ⁻⁵); binary λ − log cosh λ → log 2.
    Finite for every finite λ up to the float maximum (evaluated through m* = e^{−asinh(1/(2λ))}
    and λ(1 − m*) = m*/(1 + m*), which do not cancel).

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
    one_minus_ms = _one_minus_tilt(lam, ens)
    # m* >= ρ compared as 1 − m* <= 1 − ρ: m* itself rounds to 1 for λ >= 1e16 (spherical)
    if one_minus_ms <= 1.0 - rho:  # includes λ = ∞: pure geometry, the target must be the nearest
        return overlap_rate(rho, ens)
    ms, rate = _rate_at_tilt(lam, ens)
    if ens == "spherical":  # λ(ρ − m*) = λ(1 − m*) − λ(1 − ρ), with λ(1 − m*) = m*/(1 + m*) exactly
        return ms / (1.0 + ms) - lam * (1.0 - rho) + rate
    gap = one_minus_ms - (1.0 - rho)  # ρ − m*, without cancellation at ρ = 1
    return lam * gap + rate


def _log1m_plus(y: float) -> float:
    """log(1 − y) + y for 0 <= y < 1, by its series −Σ_{k>=2} y^k/k while y is small (no cancellation)."""
    if y >= 0.05:
        return math.log1p(-y) + y
    return -sum(y**k / k for k in range(2, 16))  # truncation y^16/16 < 1e-17 of y²/2


def _gaussian_alpha_c(lam: float) -> float:
    if lam >= 1.0:
        return LOG2 / 4.0
    a1 = lam - 0.5 * lam * lam
    c = (1.0 - lam) ** 2
    # norm fluctuations: α = I_G(α/a1), I_G(r) = (r − 1 − log r)/2, solved by Lambert W:
    # α = −a1 W₀(−c/e)/c
    if lam >= 0.5:
        w = float(special.lambertw(-c / math.e, 0).real)
    else:
        # near the branch point −1/e (λ → 0) the float argument −c/e loses the digits of c and
        # lambertw returns NaN once (1 − λ)² rounds to 1; write W₀ = −(1 − y), y ∈ (0, 1), with
        # log(1 − y) + y = 2 log(1 − λ), solved in log y (y ≈ 2√λ as λ → 0)
        target = 2.0 * math.log1p(-lam)
        t = optimize.brentq(lambda t: _log1m_plus(math.exp(t)) - target,
                            0.5 * math.log(lam), math.log(0.95), xtol=1e-15, rtol=1e-15)
        w = -(1.0 - math.exp(t))
    norm_branch = -a1 * w / c
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
    rho = max_overlap(alpha, ens) if math.isinf(lam) else _rem_overlap(alpha, lam, ens)
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
    if alpha_1(lam_max, ens) <= alpha:
        return RootResult(math.nan, False, 0, f"alpha_1 < alpha={alpha} up to lam_max={lam_max:g}")
    # in log λ: the bracket spans up to 600 decades (α₁ ≈ ½ log λ for spherical patterns)
    f = lambda t: alpha_1(math.exp(t), ens) - alpha
    lo = math.log(1e-300)
    if f(lo) >= 0:
        return RootResult(math.nan, False, 0, f"alpha_1 >= alpha={alpha} already at lam=1e-300")
    root, res = optimize.brentq(f, lo, math.log(lam_max), xtol=1e-15, rtol=1e-14,
                                full_output=True, disp=False)
    return RootResult(math.exp(root), bool(res.converged), int(res.iterations), str(res.flag))


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
    out = a * math.sqrt(n) - 0.5 * float(beta) * float(beta)
    if not math.isfinite(out):
        raise ValueError(f"beta: got {float(beta):g}, expected β < 1.3e154 (β²/2 overflows a float)")
    return out
