"""Pattern ensembles: shapes, moments, reproducibility, bad input."""

import numpy as np
import pytest

from hopfieldlab import patterns


@pytest.mark.parametrize("make", [patterns.rademacher, patterns.gaussian, patterns.spherical])
def test_shape_and_seed_reproducibility(make):
    a = make(4, 300, rng=7)
    b = make(4, 300, rng=7)
    c = make(4, 300, rng=8)
    assert a.shape == (4, 300)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_rademacher_is_unbiased_pm1():
    xi = patterns.rademacher(50, 2000, rng=1)
    assert set(np.unique(xi)) == {-1, 1}
    # mean of 1e5 ±1 variables: standard error 1/sqrt(1e5) ≈ 0.0032
    assert abs(xi.mean()) < 5 * 0.0032


@pytest.mark.parametrize("a", [-0.6, 0.0, 0.3, 0.9])
def test_biased_binary_mean(a):
    xi = patterns.biased_binary(40, 5000, bias=a, rng=2)
    se = np.sqrt((1 - a**2) / xi.size)
    assert abs(xi.mean() - a) < 5 * se + 1e-12


def test_gaussian_moments():
    xi = patterns.gaussian(20, 5000, rng=3)
    assert abs(xi.mean()) < 5 / np.sqrt(xi.size)
    assert abs(xi.var() - 1.0) < 5 * np.sqrt(2 / xi.size)


def test_spherical_norm_and_isotropy():
    xi = patterns.spherical(30, 400, rng=4)
    np.testing.assert_allclose((xi**2).sum(axis=1), 400.0, rtol=1e-12)
    # off-diagonal overlaps of independent directions are O(1/sqrt(N))
    g = xi @ xi.T / 400
    off = g[~np.eye(30, dtype=bool)]
    assert np.abs(off).max() < 6 / np.sqrt(400)


def test_float32_on_request():
    assert patterns.gaussian(2, 10, rng=0, dtype="float32").dtype == np.float32
    with pytest.raises(ValueError, match="dtype"):
        patterns.gaussian(2, 10, rng=0, dtype="int8")


@pytest.mark.parametrize(
    "kwargs, name",
    [({"n_patterns": 0, "n_neurons": 5}, "n_patterns"), ({"n_patterns": 2, "n_neurons": -1}, "n_neurons")],
)
def test_bad_sizes(kwargs, name):
    with pytest.raises(ValueError, match=name):
        patterns.rademacher(**kwargs, rng=0)


def test_bad_bias_and_rng():
    with pytest.raises(ValueError, match="bias"):
        patterns.biased_binary(2, 5, bias=1.5, rng=0)
    with pytest.raises(ValueError, match="bias"):
        patterns.biased_binary(2, 5, bias=float("nan"), rng=0)
    with pytest.raises(TypeError, match="rng"):
        patterns.rademacher(2, 5, rng="seed")


def test_generator_stream_is_shared():
    g = np.random.default_rng(0)
    a = patterns.rademacher(2, 10, rng=g)
    b = patterns.rademacher(2, 10, rng=g)
    assert not np.array_equal(a, b)
