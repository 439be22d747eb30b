"""REM thresholds of dense associative memories, against independent routes and limits."""

import math

import numpy as np
import pytest
from scipy import optimize

from hopfieldlab.theory import dense

LAMS = [0.05, 0.2, 0.5, 0.9, 1.0, 1.5, 3.0, 10.0, 100.0]
ENS = ["gaussian", "spherical", "binary"]

# Rates written here from scratch (not imported): Gaussian fields, the sphere's marginal
# density ∝ (1 − m²)^{(N−3)/2}, and the binomial entropy.
RATE = {
    "gaussian": lambda m: 0.5 * m * m,
    "spherical": lambda m: -0.5 * math.log(1 - m * m),
    "binary": lambda m: 0.5 * ((1 + m) * math.log1p(m) + (1 - m) * math.log1p(-m)),
}


def _variational_alpha_1(lam, ens, rho):
    """min_{m <= ρ} [λ(ρ − m) + I(m)] by bounded scalar minimisation."""
    f = lambda m: lam * (rho - m) + RATE[ens](m)  # noqa: E731
    res = optimize.minimize_scalar(f, bounds=(-0.999999, min(rho, 0.9999999)), method="bounded",
                                   options={"xatol": 1e-12})
    return min(res.fun, f(min(rho, 0.9999999)))


@pytest.mark.parametrize("ens", ENS)
@pytest.mark.parametrize("rho", [1.0, 0.8, 0.5])
def test_alpha_1_matches_variational_formula(ens, rho):
    for lam in LAMS[:-1]:
        got = dense.alpha_1(lam, ens, rho)
        # the minimiser stops at m <= 1 − 1e-7 (I is singular at 1): accuracy O(λ·1e-7)
        want = _variational_alpha_1(lam, ens, rho)
        assert got == pytest.approx(want, abs=1e-6 * max(1.0, lam)), (ens, lam, rho)


@pytest.mark.parametrize("ens", ENS)
def test_small_lambda_expansion(ens):
    # every ensemble has I(m) = m²/2 + O(m⁴): α₁ = λ − λ²/2 + O(λ³)
    for lam in (1e-2, 3e-3):
        assert abs(dense.alpha_1(lam, ens) - (lam - lam**2 / 2)) < 5 * lam**3


def test_reference_values():
    assert dense.alpha_1(1.0, "spherical") == pytest.approx(0.6226, abs=1e-4)  # external: ~0.623
    assert dense.alpha_1(0.5, "spherical") == pytest.approx(0.3870, abs=1e-4)
    assert dense.alpha_1(0.5, "binary") == pytest.approx(0.3799, abs=1e-4)
    assert dense.alpha_1(0.5, "gaussian") == 0.375
    assert dense.gaussian_alpha_c_crossover().value == pytest.approx(0.7009, abs=1e-4)


def test_large_lambda_limits():
    assert dense.alpha_1(math.inf, "gaussian") == 0.5
    assert all(dense.alpha_1(lam, "gaussian") == 0.5 for lam in (1.0, 2.0, 1e6))
    assert dense.alpha_1(math.inf, "spherical") == math.inf
    # spherical: m* = 1 − 1/(2λ) + O(λ⁻²), so λ(1 − m*) → 1/2 and I(m*) = ½ log λ + O(1/λ)
    for lam in (1e3, 1e6, 1e9):
        want = 0.5 + 0.5 * math.log(lam)
        assert dense.alpha_1(lam, "spherical") == pytest.approx(want, abs=2 / lam)
    assert dense.alpha_1(math.inf, "binary") == pytest.approx(math.log(2))
    assert dense.alpha_1(1e4, "binary") == pytest.approx(math.log(2), abs=1e-12)
    assert dense.alpha_c(math.inf, "spherical") == math.inf


def test_gaussian_alpha_c_from_independent_mechanisms():
    i_g = lambda r: 0.5 * (r - 1 - math.log(r))  # noqa: E731  rate of |ξ|²/N = r
    # (b) a pair ξ^ν·ξ^μ >= |ξ^μ|²: min_r [I_G(r) + r/2] (field rate m²/(2r) at m = r) = log(2)/2,
    #     and pairs appear once 2α exceeds it.
    pair = optimize.minimize_scalar(lambda r: i_g(r) + r / 2, bounds=(1e-3, 5), method="bounded")
    assert pair.fun == pytest.approx(math.log(2) / 2, abs=1e-8)
    for lam in (0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 2.0, math.inf):
        if lam < 1:
            a1 = lam - lam**2 / 2
            # (a) low-norm pattern: fails iff r <= α/a₁; all retrieved while α < I_G(α/a₁)
            norm = optimize.brentq(lambda a: i_g(a / a1) - a, 1e-12, a1 * (1 - 1e-12))
        else:
            norm = 1 / (2 * math.e)  # condensed noise: fails iff r <= 2α; α = I_G(2α) at 2α = 1/e
        assert dense.alpha_c(lam, "gaussian") == pytest.approx(min(norm, pair.fun / 2), abs=1e-10)
    assert dense.alpha_c(math.inf, "gaussian") == pytest.approx(math.log(2) / 4)


@pytest.mark.parametrize("ens", ENS)
def test_monotone_in_lambda_and_alpha_c_below_alpha_1(ens):
    grid = np.geomspace(1e-3, 1e3, 200)
    a1 = np.array([dense.alpha_1(lam, ens) for lam in grid])
    ac = np.array([dense.alpha_c(lam, ens) for lam in grid])
    assert np.all(np.diff(a1) >= -1e-14) and np.all(np.diff(ac) >= -1e-14)
    assert np.all(ac <= a1 + 1e-14)
    if ens == "spherical":
        np.testing.assert_array_equal(ac, a1)
    if ens == "gaussian":  # strict gap wherever λ > 0.1
        assert np.all(ac[grid > 0.1] < a1[grid > 0.1])


@pytest.mark.parametrize("ens", ENS)
def test_rho_min_inverts_alpha_1_in_rho(ens):
    for lam in (0.3, 1.0, 4.0):
        for alpha in (0.02, 0.1, 0.2):
            r = dense.rho_min(alpha, lam, ens)
            if alpha >= dense.alpha_1(lam, ens):
                assert math.isnan(r)
                continue
            want = optimize.brentq(lambda rho: dense.alpha_1(lam, ens, rho) - alpha, 1e-9, 1.0,
                                   xtol=1e-13)
            assert r == pytest.approx(want, abs=1e-9), (ens, lam, alpha)
    assert math.isnan(dense.rho_min(0.6, 2.0, "gaussian"))  # above α₁ = 1/2
    assert dense.rho_min(0.1, math.inf, "gaussian") == pytest.approx(math.sqrt(0.2))


def test_gaussian_closed_forms_and_condensation_line():
    for alpha in (0.05, 0.2, 0.4):
        lam_s = dense.lambda_star(alpha)
        assert dense.alpha_1(lam_s, "gaussian") == pytest.approx(alpha, abs=1e-12)
        assert dense.lambda_1(alpha, "gaussian").value == pytest.approx(lam_s)
        for lam in (0.2, 0.9, 3.0):
            want = math.sqrt(2 * alpha) if lam**2 >= 2 * alpha else alpha / lam + lam / 2
            got = dense.rho_min(alpha, lam, "gaussian")
            assert (math.isnan(got) and want >= 1) or got == pytest.approx(want)
    assert math.isnan(dense.lambda_star(0.6))


@pytest.mark.parametrize("ens", ["spherical", "binary"])
def test_lambda_1_root_finding(ens):
    for alpha in (0.1, 0.3, 0.6):
        res = dense.lambda_1(alpha, ens)
        assert res.converged
        assert dense.alpha_1(res.value, ens) == pytest.approx(alpha, abs=1e-10)
    res = dense.lambda_1(0.9, "binary")  # above log 2: no λ is enough
    assert not res.converged and math.isnan(res.value)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: dense.alpha_1(0.0), "lam"),
        (lambda: dense.alpha_1(-1.0), "lam"),
        (lambda: dense.alpha_1(math.nan), "lam"),
        (lambda: dense.alpha_1(1.0, "uniform"), "ensemble"),
        (lambda: dense.alpha_1(1.0, "gaussian", rho=1.2), "rho"),
        (lambda: dense.alpha_c(-0.5, "gaussian"), "lam"),
        (lambda: dense.rho_min(-0.1, 1.0), "alpha"),
        (lambda: dense.rho_min(math.nan, 1.0), "alpha"),
    ],
)
def test_bad_inputs_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
