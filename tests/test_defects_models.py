"""Extreme but accepted parameters of the costs, and numerically derived activation geometry.

Every extreme either computes the exact value (checked against exact integer/rational arithmetic
or an independent closed form) or is refused at construction with a message naming the argument.
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from hopfieldlab.models import Classical, Network, PBody, Relativistic
from hopfieldlab.models import _kernels as K
from hopfieldlab.models.family import (
    Exponential,
    Polynomial,
    RectifiedPolynomial,
    flip_energy_changes,
)
from hopfieldlab.models.lse import lse_energy

XI = np.array([[1, -1, 1, 1], [1, 1, -1, 1]])
S = np.array([1, -1, 1, 1])  # overlaps m = (1, 0); flipping site 0 gives m = (1/2, -1/2)


# -- relativistic speed of light ------------------------------------------------------------------
@pytest.mark.parametrize("c", [1e-200, 1e-170, 1e170, 1e200])
def test_relativistic_c_outside_supported_range_is_refused(c):
    # before: NaN / ZeroDivisionError energies (c² underflows) and OverflowError (c² overflows)
    with pytest.raises(ValueError, match=r"^c: got .*\[1e-150, 1e\+150\]"):
        Relativistic(c=c)


def _relativistic_energy_exact(c: float, m: list[Fraction], n: int) -> float:
    # -N c² sqrt(1 + |m|²/c²) in 60-digit decimal arithmetic
    from decimal import Decimal, getcontext

    getcontext().prec = 60
    cd = Decimal(c)
    m2 = sum(Decimal(x.numerator) / Decimal(x.denominator) for x in (v * v for v in m))
    return float(-n * cd * cd * (1 + m2 / (cd * cd)).sqrt())


@pytest.mark.parametrize("c", [1e-150, 1e-20, 1.0, 1e20, 1e150])
def test_relativistic_ends_of_range_match_exact_arithmetic(c):
    net = Network(XI, Relativistic(c=c))
    m = [Fraction(1), Fraction(0)]
    np.testing.assert_allclose(net.energy(S), _relativistic_energy_exact(c, m, 4), rtol=1e-14)
    # the single-flip change against high-precision differences of the closed form
    m1 = [Fraction(1, 2), Fraction(-1, 2)]
    from decimal import Decimal, getcontext

    getcontext().prec = 400
    cd = Decimal(c)
    f = [4 * cd * cd * (1 + sum(Decimal(x.numerator) ** 2 / Decimal(x.denominator) ** 2
                                for x in mm) / (cd * cd)).sqrt() for mm in (m, m1)]
    np.testing.assert_allclose(net.delta_energy(S, 0), float(f[0] - f[1]), rtol=1e-12)
    if c >= 1e20:  # classical limit: ΔH = -N Δ|m|²/2 = 1 exactly
        assert net.delta_energy(S, 0) == Network(XI, Classical()).delta_energy(S, 0) == 1.0


# -- degree-n costs ------------------------------------------------------------------------------
def _pow_delta_exact(n: int, m: Fraction, d: Fraction) -> Fraction:
    return ((m + d) ** n - m**n) / n


@pytest.mark.parametrize("n", [3, 4, 7, 30, 101, 200])
def test_power_delta_is_cancellation_free(n):
    # the former binomial expansion lost ~2^n ulps when d < 0 (wrong sign at n = 200)
    grid = [Fraction(k, 8) for k in range(-8, 9)]
    for m in grid:
        for d in (Fraction(-1, 4), Fraction(-1, 8), Fraction(1, 8), -2 * m):
            exact = _pow_delta_exact(n, m, d)
            got = K.inner_delta(K.INNER_POWER, float(n), float(m), float(d))
            assert got == pytest.approx(float(exact), rel=1e-13, abs=0.0), (m, d)


def test_polynomial_degree_200_flip_energy_is_exact():
    # H = -Σ_μ (ξ^μ·σ)^200: flipping site 0 takes the raw overlaps (4, 0) to (2, -2)
    exact = float(-(2**200 + 2**200) + 4**200)
    for cost in (Polynomial(200, 4), RectifiedPolynomial(200, 4)):
        net = Network(XI, cost)
        rect = isinstance(cost, RectifiedPolynomial)
        want = float(-(2**200) + 4**200) if rect else exact
        assert net.energy(S) == float(-(4**200))
        assert net.delta_energy(S, 0) == pytest.approx(want, rel=1e-13)  # before: -4.2e138
        assert flip_energy_changes(net, S)[0] == pytest.approx(want, rel=1e-13)
    pb = Network(XI, PBody(200))  # H = -N Σ m^200/200
    want_pb = float(-4 * (Fraction(1, 2**200) * 2 - 1) / 200)
    assert pb.delta_energy(S, 0) == pytest.approx(want_pb, rel=1e-13)


def test_degree_cost_outside_float_range_is_refused():
    # before: accepted, then OverflowError (n N^(n-1)) or -inf energies
    with pytest.raises(ValueError, match=r"^n: got n=2000 with n_neurons=4"):
        Polynomial(2000, 4)
    with pytest.raises(ValueError, match=r"^n: got n=30 with n_neurons=1000000000000"):
        RectifiedPolynomial(30, 10**12)
    assert Polynomial(30, 10**6).scale == 30.0 * 1e6**29  # n log10 N = 180: accepted


def test_exponential_tiny_lambda_is_refused():
    with pytest.raises(ValueError, match=r"^lam: got 5e-324 .*>= 1e-300"):
        Exponential(4, 5e-324)  # before: energy -inf (1/(λN) overflows)
    net = Network(XI, Exponential(4, 1e-300))
    # H = -Σ_μ exp(λ ξ^μ·σ) -> -P as λ -> 0; ΔH = -(e^{2λ} + e^{-2λ} - e^{4λ} - 1) ≈ 4λ
    assert net.energy(S) == pytest.approx(-2.0, rel=1e-15)
    assert net.delta_energy(S, 0) == pytest.approx(4e-300, rel=1e-12)


# -- pattern magnitude ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cost", [Classical(), Relativistic(), PBody(3), Polynomial(3, 4), Exponential(4, 1.0)]
)
def test_huge_patterns_are_refused(cost):
    with pytest.raises(ValueError, match=r"^patterns: got entries up to 1e\+200"):
        Network(XI * 1e200, cost)  # before: energy -inf


def test_large_but_representable_patterns_scale_exactly():
    # classical H is quadratic in ξ: H(sξ) = s² H(ξ)
    s = 1e100
    big = Network(XI * s, Classical())
    assert big.energy(S) == pytest.approx(s * s * Network(XI, Classical()).energy(S), rel=1e-15)


# -- log-sum-exp ---------------------------------------------------------------------------------
def test_lse_energy_at_huge_lambda_is_the_max_overlap():
    rng = np.random.default_rng(0)
    xi = rng.choice([-1.0, 1.0], (5, 8))
    x = 0.7 * xi[0]
    want = -float(np.max(xi @ x))
    for lam in (1e300, 1.7e308):  # before: NaN at 1.7e308 (inf - inf)
        assert lse_energy(xi, x, lam, form="separable") == want
    assert lse_energy(xi, x, np.inf, form="separable") == want


def test_lse_energy_overflow_at_tiny_lambda_is_refused():
    xi = np.eye(3)
    x = np.zeros(3)
    # exact: -(1/λ) log 3
    assert lse_energy(xi, x, 1e-300, form="separable") == pytest.approx(-math.log(3) * 1e300)
    with pytest.raises(ValueError, match="^lam: got 5e-324"):
        lse_energy(xi, x, 5e-324, form="separable")  # before: -inf


def test_log_partition_overflow_is_refused():
    from hopfieldlab.models.lse import log_partition

    xi = np.eye(3)
    x = np.array([2.0, 0.0, 0.0])
    assert log_partition(xi, x, 1e300) == 2e300  # λM + log(1 + 2e^{-2λ}) = 2e300
    with pytest.raises(ValueError, match="^lam: got 1e[+]308"):
        log_partition(xi, x, 1e308)  # before: inf


# -- activation geometry from σ and σ⁻¹ alone --------------------------------------------------
def _register(name, *args, **kw):
    import warnings

    from hopfieldlab.models import register_activation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return register_activation(name, *args, **kw)


def test_isru_diameter_from_sigma_and_inverse_alone():
    from scipy import integrate, special

    from hopfieldlab.models import unregister_activation

    # σ = x/√(1+x²): g(y) = (1-y²)^(-3/2), diameter ∫_{-1}^{1} (1-y²)^(-3/4) dy = B(1/2, 1/4)
    exact = special.beta(0.5, 0.25)
    quad = integrate.quad(lambda y: (1 - y * y) ** -0.75, -1, 1, epsabs=0, epsrel=1e-13)[0]
    assert quad == pytest.approx(exact, rel=1e-10)
    act = _register("isru-defects", lambda x: x / np.hypot(1.0, x),
                    lambda y: y / np.sqrt((1 - y) * (1 + y)), lower=-1.0, upper=1.0)
    try:
        lo, hi = act.isometry_range()
        assert hi - lo == pytest.approx(exact, rel=1e-8)  # before: 73.92
        y = np.linspace(-0.9, 0.9, 7)
        np.testing.assert_allclose(act.metric(y), (1 - y * y) ** -1.5, rtol=1e-8)
    finally:
        unregister_activation("isru-defects")


def test_erf_at_unit_gain_registers_and_matches_quadrature():
    from scipy import integrate, special

    from hopfieldlab.models import unregister_activation

    act = _register("erf-defects", special.erf, special.erfinv)  # before: rejected (saturation)
    try:
        assert (act.lower, act.upper) == (-1.0, 1.0)
        # σ' = (2/√π) e^{-x²}: diameter ∫ √σ' dx = √(2/√π) √(2π) = 2 π^(1/4)
        q = integrate.quad(lambda x: np.sqrt(2 / np.sqrt(np.pi) * np.exp(-x * x)),
                           -np.inf, np.inf, epsabs=0, epsrel=1e-12)[0]
        assert q == pytest.approx(2 * np.pi**0.25, rel=1e-10)
        lo, hi = act.isometry_range()
        assert hi - lo == pytest.approx(q, rel=1e-8)
        y = np.linspace(-0.95, 0.95, 9)
        x = special.erfinv(y)
        np.testing.assert_allclose(act.metric(y), np.sqrt(np.pi) / 2 * np.exp(x * x), rtol=1e-8)
        phi = [integrate.quad(lambda t: np.sqrt(2 / np.sqrt(np.pi) * np.exp(-t * t)), 0, xx,
                              epsabs=0, epsrel=1e-12)[0] for xx in x]
        np.testing.assert_allclose(act.isometry(y), phi, rtol=1e-8)
    finally:
        unregister_activation("erf-defects")


def test_softsign_boundary_is_infinitely_far_and_unresolvable_derivative_is_refused():
    from hopfieldlab.models import unregister_activation

    # g = (1-|y|)^-2: Φ = -sign(y) log(1-|y|) is unbounded
    act = _register("softsign-defects", lambda x: x / (1 + np.abs(x)),
                    lambda y: y / (1 - np.abs(y)), lower=-1, upper=1)
    try:
        assert act.isometry_range() == (-math.inf, math.inf)
    finally:
        unregister_activation("softsign-defects")
    tanh = _register("tanh-defects", np.tanh, np.arctanh)
    try:
        # tanh(19) = 1 - 6e-17 rounds to 1: σ' cannot be resolved there from σ alone
        with pytest.raises(ValueError, match="^x: sigma' at values"):
            tanh.derivative(19.0)
        assert tanh.derivative(2.0) == pytest.approx(1 / np.cosh(2.0) ** 2, rel=1e-9)
    finally:
        unregister_activation("tanh-defects")
