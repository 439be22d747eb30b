"""Correlated pattern ensembles: random features, Ising chains, GTA sequences."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from hopfieldlab.dynamics import run_montecarlo
from hopfieldlab.models import Classical, Network, Relativistic
from hopfieldlab.patterns.correlated import (
    gta_couplings,
    gta_matrix,
    gta_patterns,
    ising_chain_patterns,
    ising_correlation,
    ising_correlation_length,
    random_feature_patterns,
)


@pytest.mark.parametrize("coupling", [0.3, 0.8, -0.5])
def test_ising_chain_correlations_are_tanh_j_to_the_r(coupling):
    xi = ising_chain_patterns(600, 80, coupling, rng=7)
    assert xi.dtype == np.int8 and set(np.unique(xi)) <= {-1, 1}
    for r in range(1, 6):
        per_pattern = np.mean(xi[:, :-r].astype(float) * xi[:, r:], axis=1)
        est, se = per_pattern.mean(), per_pattern.std(ddof=1) / math.sqrt(per_pattern.size)
        assert abs(est - ising_correlation(coupling, r)) <= 4 * se + 1e-12, (r, est, se)
    # sites are unbiased and the first site is uniform
    assert abs(xi.mean()) < 4 * math.sqrt(1.0 / xi.shape[0])


def test_ising_limits_and_length():
    assert np.all(np.abs(ising_chain_patterns(3, 50, 50.0, rng=1).sum(axis=1)) == 50)
    assert_allclose(ising_correlation_length(0.5), -1 / math.log(math.tanh(0.5)))
    assert_allclose(ising_correlation(0.5, 4), math.exp(-4 / ising_correlation_length(0.5)))
    assert ising_correlation_length(0.0) == 0.0
    a = ising_chain_patterns(4, 10, 0.2, rng=3)
    assert np.array_equal(a, ising_chain_patterns(4, 10, 0.2, rng=3))


def test_random_feature_patterns_overlaps_follow_the_arcsine_law():
    n = 4000
    rf = random_feature_patterns(6, n, 3, rng=2)
    c = rf.coefficients / np.linalg.norm(rf.coefficients, axis=1, keepdims=True)
    theory = 2 / np.pi * np.arcsin(np.clip(c @ c.T, -1, 1))
    measured = rf.patterns.astype(float) @ rf.patterns.T / n
    assert np.all(np.abs(measured - theory) <= 4 / math.sqrt(n))
    assert rf.patterns.shape == (6, n) and rf.features.shape == (n, 3)
    b = random_feature_patterns(5, 20, 4, coefficients="binary", rng=0)
    assert set(np.unique(b.coefficients)) == {-1.0, 1.0}
    with pytest.raises(ValueError, match="coefficients"):
        random_feature_patterns(5, 20, 4, coefficients="uniform")


def test_gta_patterns_reproduce_the_coupling_energy(rng):
    xi = rng.choice([-1, 1], size=(7, 60)).astype(np.int8)
    s = rng.choice([-1, 1], size=60).astype(np.int8)
    m = xi.astype(float) @ s / 60
    quad = m @ gta_matrix(7, 0.4) @ m
    eta = gta_patterns(xi, 0.4)
    assert_allclose(Network(eta, Classical()).energy(s), -30 * quad, rtol=1e-12)
    assert_allclose(-0.5 * s @ gta_couplings(xi, 0.4) @ s, -30 * quad, rtol=1e-12)
    assert_allclose(Network(eta, Relativistic()).energy(s), -60 * math.sqrt(1 + quad), rtol=1e-12)
    with pytest.raises(ValueError, match="a: got 0.7"):
        gta_patterns(xi, 0.7)


@pytest.mark.parametrize("cost", [Classical(), Relativistic()], ids=lambda c: c.name)
def test_gta_sequence_patterns_are_attractors_for_small_a(cost, rng):
    # for a < 1/2 the field ξ^1 + a(ξ^2 + ξ^P) has the sign of ξ^1: pattern 1 is a fixed point
    xi = rng.choice([-1, 1], size=(5, 400)).astype(np.int8)
    net = Network(gta_patterns(xi, 0.4), cost)
    s0 = xi[0].copy()
    s0[:40] *= -1
    res = run_montecarlo(net, s0, T=0.0, n_sweeps=3, order="sequential", rng=0)
    assert np.array_equal(res.spins[0], xi[0])
