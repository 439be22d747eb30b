"""Activation registry: each activation's metric, mirror map, Bregman divergence and geodesics.

Reference: Halder, Caluya, Travacca, Moura 2019 (arXiv:1908.01270); spec hnn_flow.md §2.3-2.4.
Finite differences use central steps h = 1e-6 (truncation O(h²) ~ 1e-12, round-off ~ eps/h
~ 1e-10), hence the 1e-7 tolerances.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import integrate

from hopfieldlab.models import (
    ClosedFormWarning,
    available_activations,
    get_activation,
    register_activation,
    unregister_activation,
)

BUILTINS = ("logistic", "tanh", "arctan", "identity")
GAINS = (1.0, 2.5)
FD = 1e-6


def _outputs(act, rng, size):
    # points well inside the range: x in [-3, 3] before the gain
    return act.sigma(rng.uniform(-3.0, 3.0, size) / act.gain)


def _fd(fn, x):
    return (fn(x + FD) - fn(x - FD)) / (2 * FD)


def test_registry_lists_builtins():
    assert set(BUILTINS) <= set(available_activations())
    for name in BUILTINS:
        act = get_activation(name)
        assert act.closed_form and act.gain == 1.0


@pytest.mark.parametrize("gain", GAINS)
@pytest.mark.parametrize("name", BUILTINS)
def test_inverse_derivative_and_metric(name, gain, rng):
    act = get_activation(name, gain)
    x = rng.uniform(-3, 3, 50) / gain
    y = act.sigma(x)
    assert_allclose(act.inverse(y), x, rtol=1e-10, atol=1e-12)
    assert_allclose(act.derivative(x), _fd(act.sigma, x), rtol=1e-7, atol=1e-12)
    # g = (σ⁻¹)' = 1/σ'(σ⁻¹ y)
    assert_allclose(act.metric(y), _fd(act.inverse, y), rtol=1e-6)
    assert_allclose(act.metric(y) * act.derivative(x), 1.0, rtol=1e-10)
    assert_allclose(act.inverse_metric(y), act.derivative(x), rtol=1e-10)


@pytest.mark.parametrize("gain", GAINS)
@pytest.mark.parametrize("name", BUILTINS)
def test_mirror_map_and_conjugate_derivatives(name, gain, rng):
    act = get_activation(name, gain)
    y = _outputs(act, rng, 50)
    x = rng.uniform(-4, 4, 50)
    assert_allclose(_fd(act.mirror, y), act.inverse(y), rtol=1e-6, atol=1e-8)  # ψ' = σ⁻¹
    assert_allclose(_fd(act.conjugate, x), act.sigma(x), rtol=1e-7, atol=1e-9)  # ψ*' = σ


@pytest.mark.parametrize("gain", GAINS)
@pytest.mark.parametrize("name", BUILTINS)
def test_legendre_duality_and_fenchel_young(name, gain, rng):
    act = get_activation(name, gain)
    y = _outputs(act, rng, 200)
    xs = act.inverse(y)
    assert_allclose(act.mirror(y) + act.conjugate(xs), y * xs, rtol=1e-12, atol=1e-12)
    assert_allclose(act.mirror_from_x(xs), act.mirror(y), rtol=1e-10, atol=1e-12)
    # Fenchel-Young: ψ(y) + ψ*(x) >= x y for every pair, with equality at x = σ⁻¹(y)
    x = rng.uniform(-5, 5, 200)
    assert np.all(act.mirror(y) + act.conjugate(x) - x * y >= -1e-12)


def test_mirror_from_x_is_finite_when_saturated():
    act = get_activation("logistic", 10.0)
    x = np.array([-500.0, -80.0, 80.0, 500.0])
    assert_allclose(act.mirror_from_x(x), 0.0, atol=1e-12)  # ψ(0) = ψ(1) = 0 (no entropy)


@pytest.mark.parametrize("gain", GAINS)
@pytest.mark.parametrize("name", BUILTINS)
def test_bregman_nonnegative_zero_only_on_diagonal(name, gain, rng):
    act = get_activation(name, gain)
    y, z = _outputs(act, rng, (300, 3)), _outputs(act, rng, (300, 3))
    d = act.bregman(y, z)
    assert d.shape == (300,)
    assert np.all(d > 0)
    assert_allclose(act.bregman(y, y), 0.0, atol=0)
    definition = act.mirror(y) - act.mirror(z) - act.inverse(z) * (y - z)
    assert_allclose(d, definition.sum(-1), rtol=1e-8, atol=1e-13)
    if name != "identity":  # only the Euclidean case is symmetric
        assert np.max(np.abs(d - act.bregman(z, y))) > 1e-3


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(BUILTINS),
    st.floats(-0.999, 0.999),
    st.floats(-0.999, 0.999),
)
def test_bregman_property(name, a, b):
    act = get_activation(name)
    lo = act.lower if math.isfinite(act.lower) else -1.0
    hi = act.upper if math.isfinite(act.upper) else 1.0
    # map (-1, 1) into the range and keep clear of the boundary
    y, z = (lo + (hi - lo) * (0.5 + 0.5 * t) for t in (a, b))
    d = float(act.bregman(y, z))
    if y == z:
        assert d == 0.0
    else:
        assert d >= 0.0
        if abs(y - z) > 1e-4:
            assert d > 0.0


def _curve_length(act, curve, dcurve):
    """Riemannian length ∫₀¹ √(Σ g(c(s)) c'(s)²) ds by adaptive quadrature."""

    def speed(s):
        return math.sqrt(float(np.sum(act.metric(curve(s)) * dcurve(s) ** 2)))

    val, _ = integrate.quad(speed, 0.0, 1.0, epsabs=1e-11, epsrel=1e-10, limit=200)
    return val


def _geodesic_derivative(act, y, z):
    def dcurve(s):
        lo, hi = max(s - FD, 0.0), min(s + FD, 1.0)
        return (act.geodesic(y, z, hi) - act.geodesic(y, z, lo)) / (hi - lo)

    return dcurve


@pytest.mark.parametrize("gain", GAINS)
@pytest.mark.parametrize("name", BUILTINS)
def test_geodesic_length_equals_distance_and_beats_perturbations(name, gain, rng):
    act = get_activation(name, gain)
    y, z = _outputs(act, rng, 3), _outputs(act, rng, 3)
    dist = float(act.distance(y, z))
    assert_allclose(act.geodesic(y, z, np.array([0.0, 1.0])), np.stack([y, z]), rtol=1e-12,
                    atol=1e-12)
    length = _curve_length(act, lambda s: act.geodesic(y, z, s), _geodesic_derivative(act, y, z))
    assert_allclose(length, dist, rtol=1e-6)
    # any perturbation c(s) = γ(s) + ε s(1-s) d with fixed end points is longer
    dgeo = _geodesic_derivative(act, y, z)
    room = min(np.min(y - act.lower), np.min(act.upper - y), np.min(z - act.lower),
               np.min(act.upper - z), 1.0)
    for _ in range(4):
        d = rng.standard_normal(3)
        eps = 0.5 * room * rng.uniform(0.05, 1.0) / np.max(np.abs(d))
        lower, upper = act.lower + 1e-9, act.upper - 1e-9

        def curve(s, d=d, eps=eps):
            return np.clip(act.geodesic(y, z, s) + eps * s * (1 - s) * d, lower, upper)

        def dcurve(s, d=d, eps=eps):
            return dgeo(s) + eps * (1 - 2 * s) * d

        assert _curve_length(act, curve, dcurve) > dist * (1 + 1e-9)
    # the straight segment in y is not a geodesic either (except for the identity)
    seg = _curve_length(act, lambda s: y + s * (z - y), lambda s: z - y)
    assert seg >= dist * (1 - 1e-9)
    if name != "identity":
        assert seg > dist * (1 + 1e-6)


@pytest.mark.parametrize("gain", GAINS)
@pytest.mark.parametrize("name", BUILTINS)
def test_isometry_one_dimensional(name, gain, rng):
    act = get_activation(name, gain)
    a, b = _outputs(act, rng, 20), _outputs(act, rng, 20)
    dist = act.distance(a, b, axis=None)
    assert_allclose(np.abs(act.isometry(a) - act.isometry(b)), dist, rtol=1e-13)
    # Φ' = √g, and the distance is ∫_a^b √g dy computed independently
    assert_allclose(_fd(act.isometry, a), np.sqrt(act.metric(a)), rtol=1e-6)
    for lo, hi, d in zip(a[:5], b[:5], dist[:5], strict=True):
        val, _ = integrate.quad(lambda s: math.sqrt(float(act.metric(s))), lo, hi, epsrel=1e-11)
        assert_allclose(abs(val), d, rtol=1e-8)
    assert_allclose(act.isometry_inverse(act.isometry(a)), a, rtol=1e-10, atol=1e-12)


def test_gain_rescales_geometry(rng):
    base, fast = get_activation("tanh"), get_activation("tanh", 4.0)
    y, z = _outputs(base, rng, 4), _outputs(base, rng, 4)
    assert_allclose(fast.metric(y), base.metric(y) / 4.0)
    assert_allclose(fast.distance(y, z), base.distance(y, z) / 2.0)
    assert_allclose(fast.bregman(y, z), base.bregman(y, z) / 4.0)
    assert get_activation(fast, 2.0).gain == 8.0


def test_closed_form_diameters():
    # spec §2.3: per-coordinate diameters π (logistic, tanh), ∞ (arctan)
    assert_allclose(np.diff(get_activation("logistic").isometry_range()), math.pi)
    assert_allclose(np.diff(get_activation("tanh").isometry_range()), math.pi)
    assert get_activation("arctan").isometry_range() == (-math.inf, math.inf)


@pytest.fixture
def tanh_numeric():
    with pytest.warns(ClosedFormWarning, match="no closed forms"):
        act = register_activation("tanh-numeric", np.tanh, np.arctanh)
    yield act
    unregister_activation("tanh-numeric")


def test_numeric_entry_agrees_with_closed_form(tanh_numeric, rng):
    num, ref = tanh_numeric, get_activation("tanh")
    assert not num.closed_form and "tanh-numeric" in available_activations()
    assert (num.lower, num.upper) == (-1.0, 1.0)
    x = rng.uniform(-4, 4, 30)
    y, z = _outputs(ref, rng, (6, 3)), _outputs(ref, rng, (6, 3))
    tol = {"rtol": 1e-7, "atol": 1e-9}  # quadrature/differentiation accuracy
    assert_allclose(num.derivative(x), ref.derivative(x), **tol)
    assert_allclose(num.conjugate(x), ref.conjugate(x), **tol)
    for method in ("metric", "mirror", "isometry"):
        assert_allclose(getattr(num, method)(y), getattr(ref, method)(y), **tol)
    assert_allclose(num.bregman(y, z), ref.bregman(y, z), **tol)
    assert_allclose(num.distance(y, z), ref.distance(y, z), **tol)
    s = np.linspace(0, 1, 5)
    assert_allclose(num.geodesic(y[0], z[0], s), ref.geodesic(y[0], z[0], s), **tol)
    assert_allclose(np.diff(num.isometry_range()), math.pi, rtol=1e-5)
    # the user entry is reachable by name, with a gain
    assert_allclose(get_activation("tanh-numeric", 2.0).metric(y), ref.metric(y) / 2.0, **tol)


def test_numeric_entry_for_activations_without_builtin(rng):
    """softsign and ISRU rows of spec §2.3: metric and diameter from σ, σ⁻¹ alone."""
    with pytest.warns(ClosedFormWarning):
        # σ' decays polynomially, so it is given (see register_activation's notes)
        isru = register_activation("isru", lambda x: x / np.hypot(1.0, x),
                                   lambda y: y / np.sqrt(1 - y * y),
                                   derivative=lambda x: np.hypot(1.0, x) ** -3.0,
                                   lower=-1.0, upper=1.0)
    with pytest.warns(ClosedFormWarning):
        soft = register_activation("softsign", lambda x: x / (1 + np.abs(x)),
                                   lambda y: y / (1 - np.abs(y)), lower=-1, upper=1)
    try:
        y = rng.uniform(-0.9, 0.9, 10)
        assert_allclose(isru.metric(y), (1 - y * y) ** -1.5, rtol=1e-7)
        assert_allclose(np.diff(isru.isometry_range()), 5.244115, rtol=1e-5)  # B(1/2, 1/4)
        assert_allclose(soft.metric(y), (1 - np.abs(y)) ** -2, rtol=1e-7)
        assert_allclose(soft.isometry(y), -np.sign(y) * np.log1p(-np.abs(y)), rtol=1e-7)
    finally:
        unregister_activation("isru")
        unregister_activation("softsign")


def test_domain_errors():
    act = get_activation("logistic")
    with pytest.raises(ValueError, match="^y: .*open range"):
        act.inverse(1.5)
    with pytest.raises(ValueError, match="^y: "):
        act.metric(np.array([0.2, 0.0]))
    with pytest.raises(ValueError, match="^z: "):
        act.bregman(0.3, 1.0)
    with pytest.raises(ValueError, match="^x: .*NaN"):
        act.sigma(np.nan)
    with pytest.raises(ValueError, match="^u: "):
        act.isometry_inverse(4.0)
    with pytest.raises(ValueError, match="^s: "):
        act.geodesic(0.2, 0.3, 1.5)
    with pytest.raises(ValueError, match="^activation: "):
        get_activation("no-such-activation")
    with pytest.raises(ValueError, match="^gain: "):
        get_activation("tanh", 0.0)
    with pytest.raises(ValueError, match="^name: "):
        register_activation("tanh", np.tanh, np.arctanh)
    with pytest.raises(ValueError, match="^name: "):
        unregister_activation("logistic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClosedFormWarning)
        with pytest.raises(ValueError, match="^sigma: "):
            register_activation("decreasing", lambda x: -np.tanh(x), lambda y: -np.arctanh(y))
        with pytest.raises(ValueError, match="^inverse: "):
            register_activation("wrong-inverse", np.tanh, np.arcsinh)
    assert "decreasing" not in available_activations()
