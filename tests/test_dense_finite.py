"""Finite-N one-step theory of dense associative memories (log-normal REM law)."""

import math

import numpy as np
import pytest
from scipy import integrate

from hopfieldlab.theory.dense import alpha_1
from hopfieldlab.theory.dense_finite import one_step_probability, one_step_threshold, sphere_log_mgf


@pytest.mark.parametrize("t", [0.1, 2.0, 30.0])
def test_sphere_mgf_n3_is_sinh_over_t(t):
    assert sphere_log_mgf(t, 3) == pytest.approx(math.log(math.sinh(t) / t), rel=1e-12)


@pytest.mark.parametrize("n,t", [(2, 1.5), (7, 4.0), (40, 12.0)])
def test_sphere_mgf_matches_the_overlap_density(n, t):
    """E e^{t u₁} with u₁ of density ∝ (1 − q²)^{(N−3)/2} on [−1, 1], by quadrature."""
    dens = lambda q: (1 - q * q) ** ((n - 3) / 2)  # noqa: E731
    num, _ = integrate.quad(lambda q: math.exp(t * q) * dens(q), -1, 1, limit=200)
    den, _ = integrate.quad(dens, -1, 1, limit=200)
    assert sphere_log_mgf(t, n) == pytest.approx(math.log(num / den), rel=1e-8)


def test_sphere_mgf_large_n_fallback_continuous_and_large_deviation_limit():
    lam = 0.3
    # across the switch from scaled Bessel to Debye's expansion the value is smooth
    vals = [sphere_log_mgf(lam * n, n) / n for n in (4000, 5000, 8000, 10000, 20000)]
    assert all(np.isfinite(vals))
    q = (math.sqrt(1 + 4 * lam * lam) - 1) / (2 * lam)  # λ = q/(1 − q²)
    limit = lam * q + 0.5 * math.log(1 - q * q)
    assert abs(vals[-1] - limit) < 2e-4 and abs(vals[-1] - limit) < abs(vals[0] - limit)


@pytest.mark.parametrize("ens,lam,rho", [("spherical", 0.3, 1.0), ("spherical", 2.0, 1.0),
                                         ("spherical", 0.3, 0.8), ("gaussian", 0.5, 1.0),
                                         ("gaussian", 0.5, 0.8)])
def test_threshold_tends_to_alpha_1(ens, lam, rho):
    big = one_step_threshold(lam, 4000, ens, rho)
    assert big.converged
    assert big.alpha_half == pytest.approx(alpha_1(lam, ens, rho), rel=2e-3)
    assert abs(big.shift) < abs(one_step_threshold(lam, 30, ens, rho).shift) + 1e-12


def test_spherical_threshold_matches_exact_sampling_at_small_n():
    """Median of log Z' over P − 1 exact spherical overlaps (Beta law) vs the log-normal law."""
    lam, n = 0.3, 16
    gen = np.random.default_rng(0)
    th = one_step_threshold(lam, n)
    for ratio in (0.97, 1.03):  # P a little below / above the predicted crossing
        p = int(round(math.exp(ratio * th.alpha_half * n)))
        q = 2 * gen.beta((n - 1) / 2, (n - 1) / 2, size=(40000, p - 1)) - 1
        m = lam * n * q
        top = m.max(axis=1)
        logz = top + np.log(np.exp(m - top[:, None]).sum(axis=1))
        exact = float(np.mean(lam * n > logz))
        assert exact == pytest.approx(one_step_probability(math.log(p) / n, lam, n), abs=0.02)
    # the annealed law (v = 0) misses the shift that the log-normal law carries
    assert th.alpha_half > alpha_1(lam) + 1e-3


def test_probability_monotone_and_gaussian_broader_than_spherical():
    a1 = alpha_1(0.5, "gaussian")
    grid = np.linspace(0.8, 1.2, 9) * a1
    sph = [one_step_probability(a, 0.5, 40, "spherical") for a in grid]
    gau = [one_step_probability(a, 0.5, 40, "gaussian") for a in grid]
    assert np.all(np.diff(sph) <= 1e-12) and np.all(np.diff(gau) <= 1e-12)
    # the target's norm fluctuates for Gaussian patterns: a transition of width O(N^{-1/2})
    width = lambda p: np.sum((np.array(p) > 0.05) & (np.array(p) < 0.95))  # noqa: E731
    assert width(gau) > width(sph)


def test_condensed_regime_is_flagged():
    th = one_step_threshold(3.0, 12, "gaussian")  # λ > 1: the REM sum is condensed
    assert not th.converged and "unreliable" in th.status


@pytest.mark.parametrize("call,name", [
    (lambda: one_step_probability(0.2, 0.0, 20), "lam"),
    (lambda: one_step_probability(0.2, math.inf, 20), "lam"),
    (lambda: one_step_probability(-0.1, 0.3, 20), "alpha"),
    (lambda: one_step_probability(0.2, 0.3, 1), "n_neurons"),
    (lambda: one_step_probability(0.2, 0.3, 20, "binary"), "ensemble"),
    (lambda: one_step_probability(0.2, 0.3, 20, rho=1.2), "rho"),
    (lambda: sphere_log_mgf(float("nan"), 5), "t"),
])
def test_bad_inputs_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
