"""Finite-N one-step retrieval of a dense associative memory: the REM sum at second order.

The one-step criterion of the capacity experiments retrieves the target t when its softmax
weight exceeds 1/2, i.e. when the signal s = λ ξ^t·x beats log Z', with

    Z' = Σ_{μ≠t} exp(λ ξ^μ·x),   P − 1 i.i.d. terms given the cue x.

At N → ∞ this gives α₁(λ, ρ) (:mod:`hopfieldlab.theory.dense`). At finite N the law of one term
is known exactly: for spherical patterns and |x|² = N the overlap ξ^μ·x/N is a coordinate of a
uniform unit vector, whose moment generating function is a Bessel function,

    M_N(t) = E exp(t u₁) = Γ(N/2) (t/2)^{1−N/2} I_{N/2−1}(t),

and for Gaussian patterns ξ^μ·x ~ N(0, |x|²). Outside the condensed (frozen) phase Z' is a sum
of many comparable terms, and its logarithm is close to Gaussian; matching the first two
moments of Z' to a log-normal law gives

    log Z' ≈ Normal(log((P−1) M₁) − v/2, v),   v = log(1 + (M₂/M₁² − 1)/(P − 1)),

with M₁ = E e^{λ ξ·x}, M₂ = E e^{2λ ξ·x}, so that P(retrieval) = Φ((s − log((P−1)M₁) + v/2)/√v)
(averaged over the target's norm for Gaussian patterns, whose signal fluctuates). This is an
approximation whose error shrinks with v; it carries the finite-N corrections that the N → ∞
theory drops: the exact log M_N (O(1) beside N·Φ), P − 1 instead of P, and the downward shift
−v/2 of the typical log Z' against log E Z'. Where v is large (near condensation, α ≲ λ²) the
log-normal law is no longer adequate, and :func:`one_step_threshold` says so in its status.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special, stats

from .._validation import check_choice, check_int, check_scalar
from ..models.lse import check_lam
from .dense import alpha_1

__all__ = [
    "FiniteNThreshold",
    "one_step_probability",
    "one_step_threshold",
    "sphere_log_mgf",
]

ENSEMBLES = ("spherical", "gaussian")
V_VALID = 0.5  # log-normal variance above which the second-order law is flagged as unreliable


def _debye_log_iv(nu: float, t: float) -> float:
    """log I_ν(t) from Debye's uniform expansion (three terms; relative error O(ν⁻⁴))."""
    z = t / nu
    r = math.sqrt(1.0 + z * z)
    eta = r + math.log(z / (1.0 + r))
    p = 1.0 / r
    u1 = (3 * p - 5 * p**3) / 24
    u2 = (81 * p**2 - 462 * p**4 + 385 * p**6) / 1152
    u3 = (30375 * p**3 - 369603 * p**5 + 765765 * p**7 - 425425 * p**9) / 414720
    series = 1.0 + u1 / nu + u2 / nu**2 + u3 / nu**3
    return nu * eta - 0.5 * math.log(2 * math.pi * nu) - 0.5 * math.log(r) + math.log(series)


def sphere_log_mgf(t: float, n_neurons: int) -> float:
    """log E exp(t u₁) for u uniform on the unit sphere of ℝᴺ (N >= 2).

    Equal to log Γ(N/2) + (1 − N/2) log(t/2) + log I_{N/2−1}(t); N = 3 gives log(sinh t / t).
    The exponentially scaled Bessel function is used while it is representable, Debye's
    uniform expansion beyond (large N), so the result is finite for any t >= 0 and N.

    Parameters
    ----------
    t : float
        Tilt, t >= 0 (for the overlap of two patterns at inverse temperature λ: t = λN).
    n_neurons : int
        Dimension N >= 2.
    """
    t = check_scalar(t, "t", low=0.0)
    n = check_int(n_neurons, "n_neurons", low=2)
    return t + _sphere_log_mgf_minus_t(t, n)


def _sphere_log_mgf_minus_t(t: float, n: int) -> float:
    """log M_N(t) − t, formed without adding t (so that differences such as λN − log M_N(λN)
    keep their digits when λN is huge: log M_N(t) − t ≈ −((N − 1)/2) log t at large t)."""
    if t == 0.0:
        return 0.0
    nu = 0.5 * n - 1.0
    scaled = float(special.ive(nu, t))
    if scaled > 1e-280 and math.isfinite(scaled):
        log_iv_minus_t = math.log(scaled)
    elif nu >= 10.0:
        log_iv_minus_t = _debye_log_iv(nu, t) - t
    else:  # small ν and a tilt so large that ive lost precision: the t → ∞ form of I_ν
        log_iv_minus_t = -0.5 * math.log(2 * math.pi * t) + math.log1p(-(4 * nu * nu - 1) / (8 * t))
    return float(special.gammaln(0.5 * n) + (1.0 - 0.5 * n) * math.log(0.5 * t) + log_iv_minus_t)


def _validate(alpha: float, lam: float, n: int, ensemble: str, rho: float) -> tuple:
    a = check_scalar(alpha, "alpha", low=0.0, low_inclusive=False)
    lam = check_lam(lam)
    if not math.isfinite(lam):
        raise ValueError(f"lam: got {lam}, expected a finite inverse temperature (the finite-N law "
                         "at λ = ∞ is the nearest-pattern geometry, not a REM sum)")
    n = check_int(n, "n_neurons", low=2)
    ens = check_choice(ensemble, "ensemble", ENSEMBLES)
    r = check_scalar(rho, "rho", low=0.0, high=1.0, low_inclusive=False)
    return a, lam, n, ens, r


def _lognormal_p(margin: float, log_rest: float, log_ratio: float) -> tuple[float, float]:
    """P(s > log Z') and v for Z' with log(P − 1) = log_rest and term moments M₁, M₂.

    Passed as differences (margin = s − log M₁, log_ratio = log M₂ − 2 log M₁): at large λ, s and
    log M₁ are both ≈ λN and their difference would lose every digit.
    """
    excess = math.expm1(min(log_ratio, 700.0))
    v = math.log1p(excess * math.exp(-log_rest)) if math.isfinite(excess) else math.inf
    if not math.isfinite(v) or v <= 0.0:
        return (1.0 if margin > log_rest else 0.0), v
    return float(special.ndtr((margin - log_rest + 0.5 * v) / math.sqrt(v))), v


def _log_rest(alpha: float, n: int) -> float:
    """log(P − 1) for P = e^{αN} (the non-target patterns), without cancellation."""
    x = alpha * n
    return x + math.log(-math.expm1(-x)) if x < 40.0 else x


def _probability(a: float, lam: float, n: int, ens: str, r: float) -> tuple[float, float]:
    rest = _log_rest(a, n)
    if ens == "spherical":
        t = lam * n
        shifted = _sphere_log_mgf_minus_t(t, n)
        # margin λNρ − log M_N(λN) = −λN(1 − ρ) − (log M_N(λN) − λN)
        return _lognormal_p(-t * (1.0 - r) - shifted, rest,
                            _sphere_log_mgf_minus_t(2.0 * t, n) - 2.0 * shifted)
    chi2 = stats.chi2(n)

    def given_norm(sq: float) -> tuple[float, float]:
        # target norm² sq; the cue has |x|² = sq at ρ = 1 (x = ξ^t), else N (noisy_cue)
        if r >= 1.0:
            return _lognormal_p(lam * sq - 0.5 * lam * lam * sq, rest, lam * lam * sq)
        return _lognormal_p(lam * r * math.sqrt(n * sq) - 0.5 * lam * lam * n, rest, lam * lam * n)

    lo, hi = chi2.ppf(1e-12), chi2.isf(1e-12)
    p, _ = integrate.quad(lambda q: given_norm(q)[0] * chi2.pdf(q), lo, hi, limit=200,
                          points=[float(n)], epsabs=1e-10)
    return min(max(float(p), 0.0), 1.0), given_norm(float(n))[1]


def one_step_probability(alpha: float, lam: float, n_neurons: int, ensemble: str = "spherical",
                         rho: float = 1.0) -> float:
    """Finite-N probability that a typical pattern wins the one-step criterion (log-normal REM law).

    Parameters
    ----------
    alpha : float
        Load α > 0; P = e^{αN} patterns (P − 1 of them compete with the target).
    lam : float
        Inverse temperature, 0 < λ < ∞.
    n_neurons : int
        N >= 2.
    ensemble : {'spherical', 'gaussian'}
    rho : float
        Cosine of the cue with the target in (0, 1]; the cue has |x|² = N (for ρ = 1 and
        Gaussian patterns the cue is the pattern itself, of norm² ~ χ²_N).

    Returns
    -------
    float
        P(λ ξ^t·x > log Z') under the second-order (log-normal) law of Z'; see the module notes
        for when it applies.
    """
    a, lam, n, ens, r = _validate(alpha, lam, n_neurons, ensemble, rho)
    return _probability(a, lam, n, ens, r)[0]


@dataclass(frozen=True)
class FiniteNThreshold:
    """The load where the finite-N one-step retrieval probability crosses 1/2.

    Attributes
    ----------
    alpha_half : float
        α with P(retrieval) = 1/2 at this N (NaN if not bracketed).
    alpha_inf : float
        The N → ∞ threshold α₁(λ, ρ), for comparison.
    variance : float
        v of the log-normal law at alpha_half: small v means the second-order law is reliable.
    converged : bool
    status : str
    """

    alpha_half: float
    alpha_inf: float
    variance: float
    converged: bool
    status: str

    @property
    def shift(self) -> float:
        """alpha_half − alpha_inf, the finite-N correction."""
        return self.alpha_half - self.alpha_inf


def one_step_threshold(lam: float, n_neurons: int, ensemble: str = "spherical",
                       rho: float = 1.0) -> FiniteNThreshold:
    """Finite-N threshold α_{1/2}(N): where :func:`one_step_probability` equals 1/2.

    Brent's method on the bracket [α₁/4, 4α₁] (α₁ the N → ∞ threshold). As N → ∞ it tends to
    α₁(λ, ρ); at finite N it includes the exact overlap law, P − 1 competitors and the
    log-normal shift of log Z'. The status flags variances v > 1/2, where the second-order law
    is an unreliable guide (near the condensed phase).

    Parameters
    ----------
    lam, n_neurons, ensemble, rho
        As in :func:`one_step_probability`.
    """
    _, lam, n, ens, r = _validate(1.0, lam, n_neurons, ensemble, rho)
    a_inf = alpha_1(lam, ens, rho=r)
    lo, hi = 0.25 * a_inf, 4.0 * a_inf

    def gap(a: float) -> float:
        return _probability(a, lam, n, ens, r)[0] - 0.5

    if not (gap(lo) > 0.0 > gap(hi)):
        return FiniteNThreshold(math.nan, a_inf, math.nan, False,
                                f"P(retrieval) - 1/2 has no sign change on [{lo:.4g}, {hi:.4g}] at N = {n}")
    root, info = optimize.brentq(gap, lo, hi, xtol=1e-12, rtol=1e-12, full_output=True)
    v = _probability(root, lam, n, ens, r)[1]
    ok = bool(info.converged) and np.isfinite(v) and v <= V_VALID
    status = (f"brentq: {info.flag} after {info.iterations} iterations; log-normal variance v = {v:.3g}"
              + ("" if v <= V_VALID else f" > {V_VALID}: second-order law unreliable here"))
    return FiniteNThreshold(float(root), a_inf, float(v), ok, status)
