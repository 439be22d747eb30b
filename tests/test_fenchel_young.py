"""Sparsemax / α-entmax normalisers and Hopfield–Fenchel–Young retrieval."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize
from scipy.special import softmax

from hopfieldlab.models.fenchel_young import (
    entmax,
    entmax_conjugate,
    fy_energy,
    fy_retrieve,
    fy_update,
    margin,
    sparsemax,
    tsallis_entropy,
)


def _simplex_argmax(objective, k, x0):
    cons = [{"type": "eq", "fun": lambda p: p.sum() - 1.0}]
    res = minimize(
        lambda p: -objective(p),
        x0,
        bounds=[(0, 1)] * k,
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    return res.x


@pytest.mark.parametrize("seed", range(4))
def test_sparsemax_is_the_euclidean_projection(seed):
    z = np.random.default_rng(seed).normal(scale=1.5, size=6)
    p = sparsemax(z)
    ref = _simplex_argmax(lambda q: -np.sum((q - z) ** 2), 6, np.full(6, 1 / 6))
    assert_allclose(p, ref, atol=2e-6)
    assert_allclose(p.sum(), 1.0, rtol=1e-15)
    assert np.all(p >= 0)


@pytest.mark.parametrize("alpha", [1.25, 1.5, 3.0])
def test_entmax_maximises_score_plus_tsallis_entropy(alpha):
    z = np.random.default_rng(int(alpha * 10)).normal(size=5)
    p = entmax(z, alpha)
    ref = _simplex_argmax(
        lambda q: q @ z + tsallis_entropy(np.maximum(q, 0), alpha), 5, np.full(5, 0.2)
    )
    assert_allclose(p, ref, atol=5e-5)
    assert_allclose(p.sum(), 1.0, rtol=1e-14)


def test_entmax_limits_and_closed_forms():
    z = np.random.default_rng(0).normal(size=(8, 7)) * 3
    assert_allclose(entmax(z, 1.0), softmax(z, axis=-1), rtol=1e-14)
    assert_allclose(entmax(z, 1.0 + 1e-6), softmax(z, axis=-1), atol=1e-5)
    assert_allclose(entmax(z, 2.0 - 1e-9), sparsemax(z), atol=1e-7)  # bisection path
    # α = 1.5 on two scores has the closed form of Peters, Niculae & Martins (2019)
    t = 0.7
    p = entmax(np.array([t, 0.0]), 1.5)
    assert_allclose(p[0], 0.5 + t / 4 * np.sqrt(2 - t**2 / 4), rtol=1e-12)
    # shift invariance and stability at huge scores
    assert_allclose(entmax(z + 1e6, 1.5), entmax(z, 1.5), atol=1e-9)
    assert_allclose(sparsemax(z + 1e8), sparsemax(z), atol=1e-7)
    assert np.all(np.isfinite(entmax(np.array([1e300, -1e300, 0.0]) / 1e10, 1.3)))


def test_margin_gives_one_hot():
    for alpha in (1.5, 2.0, 3.0):
        gap = margin(alpha)
        assert_allclose(entmax(np.array([gap, 0.0, -1.0]), alpha), [1.0, 0.0, 0.0], atol=1e-12)
        assert entmax(np.array([0.98 * gap, 0.0, -1.0]), alpha)[1] > 0
    assert margin(1.0) == np.inf


def test_conjugate_is_fenchel_dual_and_its_gradient_is_entmax():
    rng = np.random.default_rng(3)
    th = rng.normal(size=6)
    for alpha in (1.0, 1.5, 2.0):
        om = entmax_conjugate(th, alpha)
        for _ in range(20):  # Fenchel–Young inequality over random points of the simplex
            q = rng.dirichlet(np.ones(6))
            assert q @ th + tsallis_entropy(q, alpha) <= om + 1e-12
        h = 1e-6
        grad = [
            (entmax_conjugate(th + h * e, alpha) - entmax_conjugate(th - h * e, alpha)) / (2 * h)
            for e in np.eye(6)
        ]
        assert_allclose(grad, entmax(th, alpha), atol=1e-7)


@pytest.mark.parametrize("alpha", [1.0, 1.5, 2.0])
def test_update_never_raises_energy(alpha):
    rng = np.random.default_rng(11)
    xi = rng.normal(size=(30, 16)) / 4
    q = rng.normal(size=(5, 16))
    e = fy_energy(xi, q, beta=2.0, alpha=alpha)
    for _ in range(15):
        q = fy_update(xi, q, beta=2.0, alpha=alpha)
        e_new = fy_energy(xi, q, beta=2.0, alpha=alpha)
        assert np.all(e_new <= e + 1e-12)
        e = e_new


def test_sparse_retrieval_is_exact_in_one_step():
    rng = np.random.default_rng(5)
    d, p = 64, 200
    xi = rng.normal(size=(p, d))
    xi /= np.linalg.norm(xi, axis=1, keepdims=True)
    noise = rng.normal(size=(p, d)) * 0.1 / np.sqrt(d)
    q0 = xi + noise
    beta = 8.0
    gap = np.sort(beta * q0 @ xi.T, axis=1)
    assert np.all(gap[:, -1] - gap[:, -2] >= 1.0)  # the sparsemax margin holds for every query
    res = fy_retrieve(xi, q0, beta, alpha=2.0)
    assert res.converged and res.n_iter <= 2
    assert np.array_equal(res.q, xi)  # exactly the patterns, no softmax leakage
    assert np.all(res.support_size == 1)
    soft = fy_retrieve(xi, q0, beta, alpha=1.0, max_iter=3)
    assert np.all(np.abs(soft.q - xi).max(axis=1) > 1e-6)  # softmax never retrieves exactly
    assert np.all(soft.support_size == p)


def test_validation():
    with pytest.raises(ValueError, match="alpha"):
        entmax(np.zeros(3), 0.5)
    with pytest.raises(ValueError, match="z"):
        sparsemax(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="q0"):
        fy_retrieve(np.eye(3), np.zeros(4), 1.0)
    with pytest.raises(ValueError, match="beta"):
        fy_update(np.eye(3), np.zeros(3), 0.0)
