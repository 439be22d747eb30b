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
from hopfieldlab.dynamics.sde import reflect, simulate_sde
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
    gibbs_density,
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


# ---------------------------------------------------------------------------------------------
# ground-cost option, 2-neuron network, entropic blur
# ---------------------------------------------------------------------------------------------


def _euclidean_langevin(net, y0, T, t_final, dt, n_records, rng):
    """Reflected Euler–Maruyama of dy = −∇_yE dt + √(2T) dw in the output box (additive noise)."""
    y = y0.copy()
    n_steps = round(t_final / dt)
    rec = set(np.round(np.linspace(0, n_steps, n_records)).astype(int).tolist())
    out = [y.copy()]
    for k in range(1, n_steps + 1):
        yi = np.clip(y, 1e-12, 1 - 1e-12)
        y = y - dt * net.gradient(yi) + np.sqrt(2 * T * dt) * rng.standard_normal(y.shape)
        y = reflect(y, 0.0, 1.0)[0]
        if k in rec:
            out.append(y.copy())
    return np.array(out)


def test_euclidean_cost_is_standard_jko_with_gibbs_limit():
    """cost="euclidean": JKO in y for ∂ρ/∂t = ∇·(ρ∇E) + TΔρ; stationary law exp(−E/T)/Z.

    1 logistic neuron, W = 8, b = −3, T = 1 (Gibbs mean 0.590, variance 0.0866), N = 300, h = 1e-3,
    ε = 5e-3 (the y-box is π times narrower than the u-range). Reference at t = 0.1: reflected
    Euler–Maruyama of the additive-noise Langevin equation in y (20 000 paths, step h/4); at
    t = 0.6 ≫ relaxation time (≈ 0.1): the Gibbs density. Tolerances: mean 4√(var/N) (0.068),
    variance 25% (≈ 3 standard errors √(2/N)), and the largest CDF gap 0.1 (above the KS 1%
    critical value 1.63/√N = 0.094). Measured (seed 0/1): t = 0.1 mean 0.625 vs SDE 0.660,
    variance 0.0705 vs 0.0709; t = 0.6 mean 0.573 vs 0.590, variance 0.0796 vs 0.0866.
    """
    net, T = HopfieldNetwork([[8.0]], [-3.0], 1.0, "logistic"), 1.0
    rng = np.random.default_rng(0)
    n = 300
    x0 = rng.normal(1.0, 0.5, (n, 1))
    res = hopfield_proximal(net, x0, stats.norm.pdf(x0[:, 0], 1.0, 0.5), T, 1e-3, 600,
                            cost="euclidean", eps=5e-3, n_records=7, rng=1)
    assert res.success and res.coords == "y"
    y, wy = hopfield_outputs(net, res)
    assert np.all((y > 0) & (y < 1))
    ens = _euclidean_langevin(net, net.act.sigma(rng.normal(1.0, 0.5, (20000, 1))), T, 0.6,
                              2.5e-4, 7, rng)
    gibbs = gibbs_density(net, T)
    refs = {1: (ens[1, :, 0].mean(), ens[1, :, 0].var()),
            6: (float(gibbs.mean[0]), float(gibbs.covariance[0, 0]))}
    for k, (m_ref, v_ref) in refs.items():
        rho = normalise_density_values(y[k, :, 0], wy[k])
        m, v = _weighted_moments(y[k, :, 0], rho)
        assert abs(m - m_ref) < 4 * np.sqrt(v_ref / n), (k, m, m_ref)
        assert abs(v - v_ref) < 0.25 * v_ref, (k, v, v_ref)
    o = np.argsort(y[6, :, 0])
    rho = normalise_density_values(y[6, :, 0], wy[6])[o]
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (rho[1:] + rho[:-1]) * np.diff(y[6, o, 0]))])
    assert np.max(np.abs(cdf - gibbs.marginal_cdf(y[6, o, 0]))) < 0.1


def test_euclidean_and_geodesic_costs_coincide_for_identity_activation():
    """σ = identity: g = 1, Φ = id, V = E, so both ground costs give the same recursion."""
    net = HopfieldNetwork([[0.0, 0.3], [0.3, 0.0]], [0.5, -0.2], 1.0, "identity")
    x0 = np.random.default_rng(3).normal(1.0, 0.3, (60, 2))
    p0 = stats.multivariate_normal([1.0, 1.0], 0.09 * np.eye(2)).pdf(x0)
    a = hopfield_proximal(net, x0, p0, 0.5, 5e-3, 10, n_records=2, rng=4)
    b = hopfield_proximal(net, x0, p0, 0.5, 5e-3, 10, cost="euclidean", n_records=2, rng=4)
    assert (a.coords, b.coords) == ("u", "y")
    assert_allclose(b.points, a.points, rtol=1e-12, atol=1e-12)
    assert_allclose(b.weights, a.weights, rtol=1e-6)
    with pytest.raises(ValueError, match="cost"):
        hopfield_proximal(net, x0, p0, 0.5, 5e-3, 10, cost="manhattan")


def _importance_moments(y, w):
    """Mean, covariance and Kish effective size of a density given by values w at draws y.

    The draws follow (approximately) the particles' law q, estimated by a Gaussian KDE; the
    self-normalised importance weights w/q̂ then integrate against the recursion's density.
    """
    iw = w / stats.gaussian_kde(y.T)(y.T)
    iw = iw / iw.sum()
    m = iw @ y
    d = y - m
    return m, d.T @ (d * iw[:, None]), 1.0 / np.sum(iw**2)


def test_two_neuron_recursion_matches_sde_then_gibbs():
    """2 logistic neurons, W = [[0, 3], [3, 0]], b = (−2.5, −0.5), T = 1, geodesic cost.

    Gibbs law: mean (0.443, 0.557), variances 0.0703, covariance 0.0142. N = 400, h = 5e-3,
    ε = 0.05; references: the u-form SDE (20 000 paths) at t = 0.5 and the Gibbs quadrature at
    t = 2. Tolerances: 4 standard errors with the Kish effective size N_eff of the importance
    weights: mean √(Σ_ii/N_eff), variance Σ_ii√(2/N_eff), covariance √((Σ_11Σ_22 + Σ_12²)/N_eff)
    (the SDE ensemble's own error, 20 000 paths, is negligible beside them).
    """
    w, T = 3.0, 1.0
    net = HopfieldNetwork([[0.0, w], [w, 0.0]], [-2.5, -0.5], 1.0, "logistic")
    rng = np.random.default_rng(0)
    n = 400
    x0 = rng.normal(1.0, 0.5, (n, 2))
    p0 = stats.multivariate_normal([1.0, 1.0], 0.25 * np.eye(2)).pdf(x0)
    res = hopfield_proximal(net, x0, p0, T, 5e-3, 400, n_records=5, rng=1)
    assert res.success
    y, wy = hopfield_outputs(net, res)
    sde = simulate_sde(net, rng.normal(1.0, 0.5, (20000, 2)), T, 2.0, 2.5e-3, n_samples=20000,
                       n_records=5, rng=2)
    assert_allclose(sde.t, res.t)
    gibbs = gibbs_density(net, T)
    refs = {1: (sde.y[1].mean(axis=0), np.cov(sde.y[1].T)), 4: (gibbs.mean, gibbs.covariance)}
    for k, (m_ref, c_ref) in refs.items():
        m, c, n_eff = _importance_moments(y[k], wy[k])
        assert n_eff > 0.3 * n, (k, n_eff)
        var = np.diag(c_ref)
        assert np.all(np.abs(m - m_ref) < 4 * np.sqrt(var / n_eff)), (k, m, m_ref)
        assert np.all(np.abs(np.diag(c) - var) < 4 * var * np.sqrt(2 / n_eff)), (k, c, c_ref)
        se_cov = np.sqrt((var[0] * var[1] + c_ref[0, 1] ** 2) / n_eff)
        assert abs(c[0, 1] - c_ref[0, 1]) < 4 * se_cov, (k, c, c_ref)
    # the Gibbs law has a real correlation (w > 0) that the recursion reproduces in sign
    assert gibbs.covariance[0, 1] > 0.01
