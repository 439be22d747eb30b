"""Random-feature dense associative memory: constant-size memory, error ∝ Y^(-1/2)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from hopfieldlab.models.lse import lse_energy
from hopfieldlab.models.random_features import (
    RandomFeatureMemory,
    approximation_error,
    gaussian_lse_energy,
    gaussian_lse_update,
)
from hopfieldlab.patterns import PatternBank


def _data(seed=0, d=8, p=200, b=20):
    rng = np.random.default_rng(seed)
    xi = rng.normal(size=(p, d))
    xi /= np.linalg.norm(xi, axis=1, keepdims=True)
    return xi, xi[:b] + 0.1 * rng.normal(size=(b, d))


def test_exact_target_is_ramsauer_energy_for_equal_norms():
    xi, x = _data()
    lhs = gaussian_lse_energy(xi, x, 3.0)
    assert_allclose(lhs, lse_energy(xi, x, 3.0, form="ramsauer") + 0.5, rtol=1e-12)
    assert_allclose(gaussian_lse_energy(xi, x, 3.0, chunk=17), lhs, rtol=1e-12)


@pytest.mark.parametrize("kind", ["positive", "fourier"])
def test_error_decreases_as_inverse_sqrt_of_features(kind):
    xi, x = _data()
    ys = np.array([64, 256, 1024, 4096])
    err = np.array(
        [
            np.mean([approximation_error(xi, x, 2.0, int(y), kind=kind, rng=s) for s in range(4)])
            for y in ys
        ]
    )
    slope = np.polyfit(np.log(ys), np.log(err), 1)[0]
    assert -0.75 <= slope <= -0.3, (slope, err)
    assert err[-1] < 0.05


def test_memory_size_is_independent_of_the_number_of_patterns():
    xi, _ = _data(p=300)
    empty = RandomFeatureMemory.create(8, 512, 2.0, rng=4)
    small = empty.store(xi[:10])
    full = empty.store(xi)
    assert small.memory.shape == full.memory.shape == (512,) and full.n_stored == 300
    # storing in pieces, or streaming from chunks, gives the same memory
    assert_allclose(small.store(xi[10:]).memory, full.memory, rtol=1e-12)
    assert_allclose(empty.store(xi, chunk=7).memory, full.memory, rtol=1e-12)
    bank = PatternBank("spherical", 50, 8, seed=1, chunk=16, dtype="float64")
    assert_allclose(empty.store(bank).memory, empty.store(bank.to_array()).memory, rtol=1e-12)


@pytest.mark.parametrize("kind", ["positive", "fourier"])
def test_update_approaches_the_exact_update(kind):
    xi, x = _data(b=10)
    exact = gaussian_lse_update(xi, x, 1.0)
    errs = []
    for y in (1024, 65536):  # 64 times more features: the error should shrink about 8 times
        mem = RandomFeatureMemory.create(8, y, 1.0, kind=kind, rng=2).store(xi)
        errs.append(np.linalg.norm(mem.update(x) - exact) / np.linalg.norm(exact))
    assert errs[1] < errs[0] / 4 and errs[1] < 0.3, errs


def test_validation_and_empty_memory():
    mem = RandomFeatureMemory.create(4, 16, 1.0, rng=0)
    with pytest.raises(ValueError, match="memory"):
        mem.energy(np.zeros(4))
    with pytest.raises(ValueError, match="patterns"):
        mem.store(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="kind"):
        RandomFeatureMemory.create(4, 16, 1.0, kind="cosine")
    with pytest.raises(ValueError, match="x"):
        mem.store(np.zeros((2, 4))).energy(np.zeros(3))
