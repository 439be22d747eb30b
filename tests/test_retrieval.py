"""Softmax retrieval: streaming = dense, pattern banks, λ = ∞, noisy cues, finite-N physics."""

import math

import numpy as np
import pytest
from scipy.special import softmax

from hopfieldlab.dynamics import retrieve, softmax_update, target_weight
from hopfieldlab.patterns import PatternBank, gaussian, noisy_cue, spherical
from hopfieldlab.theory import alpha_1, rho_min


def _dense_update(xi, x, lam):
    """All-at-once reference: the full (B, P) softmax matrix."""
    return softmax(lam * (x @ xi.T), axis=1) @ xi


@pytest.mark.parametrize("chunk", [1, 3, 64, 999, 1000, 5000])
@pytest.mark.parametrize("lam", [0.1, 1.0, 30.0])
def test_streaming_equals_dense_update(chunk, lam):
    xi = gaussian(1000, 24, rng=1)
    x = gaussian(6, 24, rng=2)
    np.testing.assert_allclose(softmax_update(xi, x, lam, chunk=chunk), _dense_update(xi, x, lam),
                               rtol=0, atol=1e-10)


def test_bank_source_equals_array_source():
    bank = PatternBank("spherical", 777, 16, seed=3, chunk=100, dtype="float64")
    xi = bank.to_array()
    x = spherical(4, 16, rng=4)
    for chunk in (None, 33):
        np.testing.assert_allclose(softmax_update(bank, x, 2.0, project_to_sphere=False, chunk=chunk),
                                   _dense_update(xi, x, 2.0), rtol=0, atol=1e-10)


@pytest.mark.parametrize("ensemble", ["gaussian", "spherical", "binary"])
def test_pattern_bank_reproducible_and_random_access(ensemble):
    bank = PatternBank(ensemble, 250, 10, seed=5, chunk=64)
    a = bank.to_array()
    assert a.shape == (250, 10) and a.dtype == np.float32 and bank.n_blocks == 4
    np.testing.assert_array_equal(a, np.concatenate(list(bank)))  # a second pass: same numbers
    for mu in (0, 63, 64, 200, 249):
        np.testing.assert_array_equal(bank.pattern(mu), a[mu])
    assert not np.array_equal(a, PatternBank(ensemble, 250, 10, seed=6, chunk=64).to_array())
    if ensemble != "gaussian":
        np.testing.assert_allclose(np.sum(a.astype(float) ** 2, axis=1), 10, rtol=1e-5)


def test_pattern_bank_bad_inputs():
    with pytest.raises(ValueError, match="chunk"):
        PatternBank("gaussian", 10, 5, seed=1, chunk=0)
    with pytest.raises(ValueError, match="n_patterns"):
        PatternBank("gaussian", 0, 5, seed=1)
    with pytest.raises(ValueError, match="ensemble"):
        PatternBank("uniform", 10, 5, seed=1)
    with pytest.raises(ValueError, match="mu"):
        PatternBank("gaussian", 10, 5, seed=1).pattern(10)


def test_infinite_lambda_is_nearest_pattern_by_overlap():
    xi = gaussian(500, 20, rng=6)
    x = gaussian(50, 20, rng=7)
    nearest = xi[np.argmax(x @ xi.T, axis=1)]
    for chunk in (None, 7):
        np.testing.assert_array_equal(softmax_update(xi, x, math.inf, chunk=chunk), nearest)
    # the finite-λ update tends to it (overlap gaps are O(1), so λ = 10⁴ is deep in the limit)
    np.testing.assert_allclose(softmax_update(xi, x, 1e4), nearest, atol=1e-8)
    r = retrieve(xi, x, math.inf, max_iter=20)
    assert r.converged
    np.testing.assert_array_equal(softmax_update(xi, r.x, math.inf), r.x)  # a fixed point


def test_float32_update_close_to_float64():
    xi = spherical(2000, 32, rng=8)
    x = spherical(5, 32, rng=9)
    y32 = softmax_update(xi.astype(np.float32), x.astype(np.float32), 3.0, chunk=300)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, softmax_update(xi, x, 3.0), atol=1e-4)


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.9, 1.0])
def test_noisy_cue_geometry(rho):
    xi = spherical(5, 50, rng=10)
    x = noisy_cue(xi, rho, rng=11)
    np.testing.assert_allclose(np.sum(x * xi, axis=1) / 50, rho, atol=1e-12)  # overlap exactly ρ
    np.testing.assert_allclose(np.sum(x * x, axis=1), 50, rtol=1e-12)  # |x|² = N
    single = noisy_cue(xi[0], rho, rng=12)
    assert single.shape == (50,)
    with pytest.raises(ValueError, match="rho"):
        noisy_cue(xi[0], 1.5, rng=1)


def test_retrieve_status_and_target_overlap():
    xi = spherical(200, 30, rng=13)
    x0 = noisy_cue(xi[:3], 0.9, rng=14)
    r = retrieve(xi, x0, 4.0, target=[0, 1, 2], project_to_sphere=True)
    assert r.converged and r.status.startswith("converged") and r.converged_each.all()
    np.testing.assert_allclose(r.overlap, 1.0, atol=1e-6)
    short = retrieve(xi, x0, 0.05, target=0, max_iter=1, tol=0.0)
    assert not short.converged and "max_iter" in short.status and short.n_iter == 1


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda xi: softmax_update(xi, np.ones(5), 0.0), "lam"),
        (lambda xi: softmax_update(xi, np.ones(5), math.nan), "lam"),
        (lambda xi: softmax_update(xi, np.ones(4), 1.0), "x"),
        (lambda xi: softmax_update(np.zeros((0, 5)), np.ones(5), 1.0), "patterns"),
        (lambda xi: softmax_update(xi, np.ones(5), 1.0, chunk=0), "chunk"),
        (lambda xi: retrieve(xi, np.ones((2, 5)), 1.0, target=[0, 9]), "target"),
        (lambda xi: retrieve(xi, np.ones(5), 1.0, max_iter=0), "max_iter"),
        (lambda xi: target_weight(xi, np.ones(5), -2.0, 0), "lam"),
    ],
)
def test_bad_inputs_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call(gaussian(3, 5, rng=0))


def _one_step_success(ensemble, lam, n, frac, trials):
    """Fraction of pattern sets where the softmax weight of ξ⁰ at x = ξ⁰ exceeds 1/2."""
    p = int(round(math.exp(frac * alpha_1(lam, ensemble) * n)))
    hits = 0
    for t in range(trials):
        bank = PatternBank(ensemble, p, n, seed=1000 + t, chunk=8192, dtype="float64")
        hits += target_weight(bank, bank.pattern(0), lam, 0) > 0.5
    return hits / trials


def test_finite_n_retrieval_switches_at_alpha_1_spherical():
    # N = 20, λ = 0.5 (α₁ = 0.387): fixed-norm ensembles switch sharply already at N = 16
    # (spec §4.1: 1.00 at 0.8α₁, 0.00 at 1.2α₁). 40 trials; tolerances allow 4 of 40 misses.
    assert _one_step_success("spherical", 0.5, 20, 0.6, 40) >= 0.9
    assert _one_step_success("spherical", 0.5, 20, 1.4, 40) <= 0.1


def test_finite_n_retrieval_switches_at_alpha_1_gaussian():
    # N = 16, λ = 0.5 (α₁ = 0.375): the Gaussian crossover is broad (norm fluctuations
    # O(√(2/N))), so the loads are far from α₁ and the bands generous (measured 1.0 and 0.05).
    assert _one_step_success("gaussian", 0.5, 16, 0.5, 40) >= 0.8
    assert _one_step_success("gaussian", 0.5, 16, 1.6, 40) <= 0.3


def test_finite_n_basin_matches_rho_min():
    # Spherical, λ = 2, α = 0.3, N = 30 (P = 8103): theory ρ_min = 0.672. Multi-step dynamics
    # with the spherical normalisation from cues at ρ = 0.85 retrieve (final overlap > 0.9),
    # from ρ = 0.5 they stay stuck (measured: 100% and 0%; bands allow 10%).
    n, lam, alpha = 30, 2.0, 0.3
    assert 0.6 < rho_min(alpha, lam, "spherical") < 0.75
    p = int(round(math.exp(alpha * n)))
    for rho, want_hit in ((0.85, True), (0.5, False)):
        hits = []
        for t in range(6):
            bank = PatternBank("spherical", p, n, seed=2000 + t, chunk=4096, dtype="float64")
            x0 = noisy_cue(np.stack([bank.pattern(m) for m in range(5)]), rho, rng=t)
            r = retrieve(bank, x0, lam, target=np.arange(5), max_iter=50)
            hits.extend(r.overlap > 0.9)
        assert (np.mean(hits) >= 0.9) if want_hit else (np.mean(hits) <= 0.1)
