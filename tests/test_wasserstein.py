"""Caluya–Halder proximal recursion: fixed-point invariants, log domain, OU closed form, HNN.

References: Caluya & Halder, IEEE TAC 2020 (arXiv:1908.00533), OU example N(5, 0.04), a = β = 1;
Halder et al. 2019 (arXiv:1908.01270); spec hnn_flow.md §4. Tolerances: means within 4 standard
errors √(var/N) of the particle cloud plus O(h); variances within 25% (N = 300-400 particles).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import special, stats

from hopfieldlab.dynamics.flow import HopfieldNetwork
from hopfieldlab.dynamics.sde import simulate_sde
from hopfieldlab.dynamics.wasserstein import (
    hopfield_outputs,
    hopfield_proximal,
    prox_step,
    proximal_recursion,
    squared_distances,
)
from hopfieldlab.experiments.flow import _weighted_moments
from hopfieldlab.theory.flow_density import (
    free_energy_from_samples,
    linear_gaussian_law,
    normalise_density_values,
    ou_moments,
)


def _step_data(n=200, spread=1.0, seed=0):
    rng = np.random.default_rng(seed)
    old = spread * rng.standard_normal((n, 2))
    new = old + 0.05 * rng.standard_normal((n, 2))
    rho = stats.multivariate_normal(np.zeros(2), spread**2 * np.eye(2)).pdf(old)
    return old, new, rho / rho.sum(), 0.5 * np.sum(old**2, axis=1)


def _reference_log(rho, psi, c, beta, h, eps, sweeps=60):
    """Plain log-domain fixed point with scipy's logsumexp on the full matrix."""
    lg = -c / (2 * eps)
    r = 1 / (1 + beta * eps / h)
    lxi = -beta * psi - 1
    lb = np.zeros_like(rho)
    la = np.log(rho) - special.logsumexp(lg + lb[None, :], axis=1)
    for _ in range(sweeps):
        lb = r * (lxi - special.logsumexp(lg + la[:, None], axis=0))
        la = np.log(rho) - special.logsumexp(lg + lb[None, :], axis=1)
    return np.exp(lb + special.logsumexp(lg + la[:, None], axis=0)), la, lb


def test_prox_step_marginals_mass_and_positivity():
    old, new, rho, psi = _step_data()
    c = squared_distances(old, new)
    res = prox_step(rho, psi, c, 1.0, 1e-3, 0.05)
    assert res.converged and res.n_iter <= 10
    assert np.all(res.weights > 0)
    assert_allclose(res.weights.sum(), rho.sum(), rtol=1e-12)
    coupling = np.exp(res.log_y[:, None] - c / 0.1 + res.log_z[None, :])
    assert_allclose(coupling.sum(axis=1), rho, rtol=1e-9)          # first marginal ϱ_{k-1}
    assert_allclose(coupling.sum(axis=0), res.weights, rtol=1e-9)  # second marginal ϱ_k


def test_log_matches_linear_and_full_logsumexp():
    old, new, rho, psi = _step_data(seed=1)
    c = squared_distances(old, new)
    log = prox_step(rho, psi, c, 1.0, 1e-3, 0.05)
    lin = prox_step(rho, psi, c, 1.0, 1e-3, 0.05, method="linear")
    ref = _reference_log(rho, psi, c, 1.0, 1e-3, 0.05)[0]
    assert_allclose(log.weights, lin.weights, rtol=1e-8)
    assert_allclose(log.weights, ref, rtol=1e-8)


def test_small_eps_underflows_linear_but_not_log():
    old, _, rho, psi = _step_data(spread=3.0, seed=2)
    new = old + np.array([0.5, 0.0])  # C/(2ε) ≈ 1250 > 745 on the shifted pairs
    c = squared_distances(old, new)
    eps = 1e-4  # r = 1/(1 + βε/h) = 0.91: a slow contraction, so many sweeps
    lin = prox_step(rho, psi, c, 1.0, 1e-3, eps, method="linear", max_iter=500)
    log = prox_step(rho, psi, c, 1.0, 1e-3, eps, max_iter=500)
    ref = _reference_log(rho, psi, c, 1.0, 1e-3, eps, sweeps=500)[0]
    assert not (lin.converged and np.all(np.isfinite(lin.weights)))
    assert log.converged and np.all(np.isfinite(log.weights))
    assert_allclose(log.weights, ref, rtol=1e-7)
    assert_allclose(log.weights.sum(), rho.sum(), rtol=1e-12)


def test_potential_shift_invariance_and_linearity():
    old, new, rho, psi = _step_data(seed=3)
    c = squared_distances(old, new)
    a = prox_step(rho, psi, c, 2.0, 1e-3, 0.05).weights
    assert_allclose(prox_step(rho, psi + 7.0, c, 2.0, 1e-3, 0.05).weights, a, rtol=1e-10)
    assert_allclose(prox_step(3 * rho, psi, c, 2.0, 1e-3, 0.05).weights, 3 * a, rtol=1e-10)


def test_prox_step_validation():
    old, new, rho, psi = _step_data(n=5)
    c = squared_distances(old, new)
    with pytest.raises(ValueError, match="rho_prev"):
        prox_step(-rho, psi, c, 1.0, 1e-3, 0.05)
    with pytest.raises(ValueError, match="cost"):
        prox_step(rho, psi, c[:3], 1.0, 1e-3, 0.05)
    with pytest.raises(ValueError, match="eps"):
        prox_step(rho, psi, c, 1.0, 1e-3, 0.0)
    with pytest.raises(ValueError, match="method"):
        prox_step(rho, psi, c, 1.0, 1e-3, 0.05, method="fast")


def test_ou_tracks_closed_form_and_free_energy_decreases():
    """TAC's OU example: N(5, 0.04), a = β = 1, ε = 0.05 (h = 5e-3 here to keep the test short)."""
    rng = np.random.default_rng(4)
    n, h = 300, 5e-3
    x0 = rng.normal(5.0, 0.2, n)
    res = proximal_recursion(lambda x, _T: x, lambda x, _T: 0.5 * x[:, 0] ** 2, x0,
                             stats.norm.pdf(x0, 5.0, 0.2), 1.0, h, 300, n_records=4, rng=5)
    assert res.success and res.n_iter.max() <= 15
    assert_allclose(res.weights.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(res.weights > 0)
    m_ex, v_ex = ou_moments(res.t)
    fe = []
    for k in range(res.t.size):
        pts = res.points[k, :, 0]
        rho = normalise_density_values(pts, res.weights[k])
        m, v = _weighted_moments(pts, rho)
        assert abs(m - m_ex[k]) < 4 * np.sqrt(v_ex[k] / n) + 0.02, (k, m, m_ex[k])
        assert abs(v - v_ex[k]) < 0.25 * v_ex[k], (k, v, v_ex[k])
        fe.append(free_energy_from_samples(pts, rho, 0.5 * pts**2, 1.0))
    assert np.all(np.diff(fe) < 0)


def test_identity_network_is_linear_gaussian():
    """σ = identity makes the noise additive: an OU process with A = 1/τ − W, c = b."""
    w, b, tau = np.array([[0.0, 0.3], [0.3, 0.0]]), np.array([0.5, -0.2]), 1.0
    net = HopfieldNetwork(w, b, tau, "identity")
    rng = np.random.default_rng(6)
    n = 300
    x0 = rng.normal(2.0, 0.3, (n, 2))
    p0 = stats.multivariate_normal([2.0, 2.0], 0.09 * np.eye(2)).pdf(x0)
    res = hopfield_proximal(net, x0, p0, 0.5, 5e-3, 200, n_records=3, rng=7)
    law = linear_gaussian_law(np.eye(2) / tau - w, b, 0.5, [2.0, 2.0], 0.09, res.t)
    y, wy = hopfield_outputs(net, res)
    assert res.success
    # weights equal the Lebesgue density (√det G = 1): compare them with the exact Gaussian pdf
    for k in (1, 2):
        rho = normalise_density_values(y[k], wy[k])
        exact = stats.multivariate_normal(law.mean[k], law.cov[k]).pdf(y[k])
        assert np.corrcoef(np.log(rho), np.log(exact))[0, 1] > 0.9
        assert np.all(np.abs(y[k].mean(axis=0) - law.mean[k]) < 4 * np.sqrt(np.diag(law.cov[k]) / n))


def test_hopfield_recursion_matches_sde_ensemble():
    net, T = HopfieldNetwork([[8.0]], [-4.0], 1.0, "logistic"), 1.0
    rng = np.random.default_rng(8)
    n = 300
    x0 = rng.normal(1.0, 0.5, (n, 1))
    res = hopfield_proximal(net, x0, stats.norm.pdf(x0[:, 0], 1.0, 0.5), T, 5e-3, 160,
                            n_records=3, rng=9)
    assert res.success and res.n_reflected >= 0
    y, wy = hopfield_outputs(net, res)
    sde = simulate_sde(net, rng.normal(1.0, 0.5, (4000, 1)), T, 0.8, 2.5e-3, n_samples=4000,
                       n_records=3, rng=10)
    assert_allclose(sde.t, res.t)
    for k in (1, 2):
        rho = normalise_density_values(y[k, :, 0], wy[k])
        m, v = _weighted_moments(y[k, :, 0], rho)
        m_sde, v_sde = sde.y[k, :, 0].mean(), sde.y[k, :, 0].var()
        assert abs(m - m_sde) < 4 * np.sqrt(v_sde / n), (k, m, m_sde)
        assert abs(v - v_sde) < 0.25 * v_sde, (k, v, v_sde)


def test_same_seed_same_recursion():
    x0 = np.random.default_rng(0).normal(0, 1, 50)
    args = (lambda x, _T: x, lambda x, _T: 0.5 * x[:, 0] ** 2, x0, stats.norm.pdf(x0), 1.0,
            1e-2, 5)
    a = proximal_recursion(*args, rng=1)
    b = proximal_recursion(*args, rng=1)
    assert_allclose(a.weights, b.weights, rtol=0, atol=0)
    assert_allclose(a.points, b.points, rtol=0, atol=0)


def test_float32_kernel_agrees_with_float64():
    """float32 kernel: weights within 1e-5 relative of float64 (measured 3e-7), mass kept to 1e-6.

    Also the small-ε case, where most kernel entries underflow float32 without the row shift.
    """
    old, new, rho, psi = _step_data(n=400, seed=11)
    c = squared_distances(old, new)
    f64 = prox_step(rho, psi, c, 1.0, 1e-3, 0.05)
    f32 = prox_step(rho, psi, c, 1.0, 1e-3, 0.05, dtype="float32")
    assert f32.converged and f32.n_iter <= f64.n_iter
    assert f32.weights.dtype == np.float64
    assert_allclose(f32.weights, f64.weights, rtol=1e-5)
    assert_allclose(f32.weights.sum(), rho.sum(), rtol=1e-6)
    old, _, rho, psi = _step_data(n=200, spread=3.0, seed=2)
    c = squared_distances(old, old + np.array([0.5, 0.0]))
    ref = prox_step(rho, psi, c, 1.0, 1e-3, 1e-4, max_iter=500)
    f32 = prox_step(rho, psi, c, 1.0, 1e-3, 1e-4, max_iter=500, dtype="float32")
    assert f32.converged and np.all(f32.weights > 0)
    assert_allclose(f32.weights, ref.weights, rtol=1e-5)
    with pytest.raises(ValueError, match="dtype"):
        prox_step(rho, psi, c, 1.0, 1e-3, 0.05, dtype="float16")


def test_float32_recursion_tracks_float64_and_free_energy_decreases():
    rng = np.random.default_rng(12)
    n, h = 200, 5e-3
    x0 = rng.normal(5.0, 0.2, n)
    args = (lambda x, _T: x, lambda x, _T: 0.5 * x[:, 0] ** 2, x0, stats.norm.pdf(x0, 5.0, 0.2),
            1.0, h, 100)
    r32 = proximal_recursion(*args, n_records=5, rng=13, dtype="float32")
    r64 = proximal_recursion(*args, n_records=5, rng=13, dtype="float64")
    assert r32.success and r64.success
    assert_allclose(r32.points, r64.points, rtol=0, atol=0)  # same seed, same samples
    assert_allclose(r32.weights, r64.weights, rtol=1e-5)
    fe = []
    for k in range(r32.t.size):
        pts = r32.points[k, :, 0]
        rho = normalise_density_values(pts, r32.weights[k])
        fe.append(free_energy_from_samples(pts, rho, 0.5 * pts**2, 1.0))
    assert np.all(np.diff(fe) < 0)
