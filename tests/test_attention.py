"""Ramsauer's modern Hopfield network in attention form."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import softmax

from hopfieldlab.dynamics.retrieval import softmax_update
from hopfieldlab.models.attention import (
    attention,
    attention_weights,
    classify_fixed_point,
    hopfield_energy,
    iterate_retrieval,
    one_step_error_bound,
    separation,
)


def _sphere(p, d, rng):
    x = rng.normal(size=(p, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_attention_matches_dense_softmax_and_streams(rng):
    q, k, v = rng.normal(size=(5, 8)), rng.normal(size=(40, 8)), rng.normal(size=(40, 3))
    ref = softmax(q @ k.T / np.sqrt(8), axis=1) @ v
    assert_allclose(attention(q, k, v), ref, rtol=1e-12)
    assert_allclose(attention(q, k, v, chunk=7), ref, rtol=1e-12)
    assert_allclose(attention(q[0], k, v, beta=3.0), softmax(3 * k @ q[0]) @ v, rtol=1e-12)
    assert_allclose(attention_weights(q, k, 2.0).sum(axis=1), 1.0)
    # huge β: no overflow, the nearest key wins
    big = attention(q, k, v, beta=1e6, chunk=9)
    assert_allclose(big, v[np.argmax(q @ k.T, axis=1)], atol=1e-12)
    # with V = Y it is the library's streamed softmax update
    assert_allclose(
        attention(q, k, beta=0.7), softmax_update(k, q, 0.7, project_to_sphere=False), rtol=1e-10
    )


def test_energy_is_bounded_and_descends(rng):
    x = rng.normal(size=(20, 6))
    res = iterate_retrieval(x, rng.normal(size=(4, 6)), beta=1.5, max_iter=30)
    assert np.all(np.diff(res.energy, axis=0) <= 1e-12)
    big_m2 = np.max(np.sum(x * x, axis=1))
    # after one update the state is in the convex hull of the patterns: 0 <= E <= 2M²
    assert np.all(res.energy[1:] >= -1e-12) and np.all(res.energy[1:] <= 2 * big_m2 + 1e-12)
    assert_allclose(hopfield_energy(x, x[0], 1.5), hopfield_energy(x, x[:1], 1.5)[0])


def test_one_step_retrieval_within_the_exponential_bound(rng):
    d, p = 32, 50
    x = _sphere(p, d, rng) * np.sqrt(d)
    assert np.all(separation(x) > 10)
    beta = 1.0
    for i in range(5):
        xi = x[i] + 0.05 * rng.normal(size=d)
        out = attention(xi, x, beta=beta)
        err = np.linalg.norm(out - x[i])
        assert err <= one_step_error_bound(x, i, xi, beta)
        assert err < 1e-3
        assert classify_fixed_point(x, out, beta).kind == "pattern"


def test_metastable_state_averages_a_cluster_of_similar_patterns(rng):
    d = 16
    centre = _sphere(1, d, rng)[0] * 4
    cluster = centre + 0.05 * rng.normal(size=(3, d))  # three nearly equal patterns
    others = _sphere(12, d, rng) * 4
    x = np.vstack([cluster, others])
    res = iterate_retrieval(x, centre + 0.3 * rng.normal(size=d), beta=1.0, max_iter=200)
    rep = res.reports[0]
    assert res.converged and rep.kind == "metastable"
    assert sorted(rep.support.tolist()) == [0, 1, 2]
    assert rep.subset_mean_distance < 0.02 and 2.5 < rep.participation <= 3.0
    # a large β separates the cluster members: the same start now retrieves one pattern
    sharp = iterate_retrieval(x, cluster[1] + 0.01 * rng.normal(size=d), beta=200.0)
    assert sharp.reports[0].kind == "pattern" and sharp.reports[0].support[0] == 1
    # a tiny β gives the global average
    flat = iterate_retrieval(x, rng.normal(size=d), beta=1e-3)
    assert flat.reports[0].kind == "global"
    assert_allclose(flat.xi, x.mean(axis=0), atol=0.05)
    assert "metastable: 1" in res.status


def test_validation(rng):
    with pytest.raises(ValueError, match="values"):
        attention(np.zeros((1, 3)), np.zeros((4, 3)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="queries"):
        attention(np.zeros((1, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="beta"):
        iterate_retrieval(np.eye(3), np.ones(3), beta=-1.0)
    with pytest.raises(ValueError, match="mass_tol"):
        classify_fixed_point(np.eye(3), np.ones(3), 1.0, mass_tol=1.0)
