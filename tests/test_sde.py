"""The diffusion machine: Gibbs stationary law in y (not in x), coordinates, annealing, seeding.

Reference: Halder, Caluya, Travacca, Moura 2019 (arXiv:1908.01270); Wong 1991; spec hnn_flow.md §3.
Goodness-of-fit tests are Pearson χ² at level α = 1e-3 (false-failure rate 0.1% per test for exact
sampling; the runs are seeded, so each outcome is fixed). Each has a power control: the same
counts must reject the Jacobian-free law ∝ g(y)exp(−E/T).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from hopfieldlab.dynamics.flow import HopfieldNetwork, find_equilibrium
from hopfieldlab.dynamics.sde import (
    TemperatureSchedule,
    inverse_metric_slope,
    lamperti_drift,
    reflect,
    simulate_sde,
)
from hopfieldlab.experiments.flow import _chi2
from hopfieldlab.models.activations import get_activation
from hopfieldlab.theory.flow_density import gibbs_density

ALPHA = 1e-3


def _double_well(activation="logistic"):
    # E(y) = −4y² + 4y + ψ(y): symmetric double well on (0, 1), barrier ≈ 0.3
    return HopfieldNetwork([[8.0]], [-4.0], 1.0, activation)


def _fit(net, samples, T, n_bins=20, axis=0):
    act = net.act
    g = gibbs_density(net, T)
    edges = np.linspace(act.lower, act.upper, n_bins + 1)
    counts = np.histogram(samples[:, axis], edges)[0]
    p = g.bin_probabilities(edges, axis=axis)
    wq = g.weights * np.prod(act.metric(g.nodes), axis=1)
    wrong = np.histogram(g.nodes[:, axis], edges, weights=wq / wq.sum())[0]
    return _chi2(counts, p)[1], _chi2(counts, wrong)[1]


@pytest.mark.parametrize("coords", ["u", "y"])
def test_gibbs_1d_double_well(coords):
    net, T = _double_well(), 0.5
    rng = np.random.default_rng(11)
    x0 = net.act.inverse(rng.uniform(0.02, 0.98, (2000, 1)))
    res = simulate_sde(net, x0, T, 3.0, 1e-3, n_samples=2000, coords=coords, n_records=2, rng=12)
    assert res.success
    p, p_wrong = _fit(net, res.y[-1], T)
    assert p > ALPHA
    assert p_wrong < 1e-6


def test_gibbs_1d_x_coordinates_arctan():
    """x-form Euler–Maruyama (noise √(2T(1+x²)) for arctan) against Gibbs in y."""
    # a single well: the double well of W = 3 mixes too slowly for a short run at T = 0.5
    net, T = HopfieldNetwork([[1.0]], [0.3], 1.0, "arctan"), 0.5
    res = simulate_sde(net, 0.3, T, 5.0, 2e-3, n_samples=2000, coords="x", n_records=2, rng=3)
    assert res.success
    p, _ = _fit(net, res.y[-1], T)
    assert p > ALPHA


def test_gibbs_2d_marginals_and_correlation():
    net, T = HopfieldNetwork([[0.0, 4.0], [4.0, 0.0]], [-2.0, -2.0], 1.0, "logistic"), 1.0
    rng = np.random.default_rng(5)
    s = 2500
    x0 = net.act.inverse(rng.uniform(0.02, 0.98, (s, 2)))
    res = simulate_sde(net, x0, T, 3.0, 2e-3, n_samples=s, n_records=2, rng=6)
    y = res.y[-1]
    g = gibbs_density(net, T, n_nodes=200)
    for axis in (0, 1):
        p, p_wrong = _fit(net, y, T, axis=axis)
        assert p > ALPHA and p_wrong < 1e-6
    # E[y1 y2]: sample mean within 4 standard errors (false-failure rate ≈ 6e-5)
    prod = y[:, 0] * y[:, 1]
    ref = g.expect(lambda nd: nd[:, 0] * nd[:, 1])
    assert abs(prod.mean() - ref) < 4 * prod.std() / np.sqrt(s)


def test_x_form_overflows_for_logistic_and_reports_it():
    """Spec §3.1: explicit steps in x blow up for saturating logistic units; status says so."""
    net = HopfieldNetwork([[0.0]], [0.0], 1.0, "logistic")
    res = simulate_sde(net, 30.0, 1.0, 2.0, 1e-2, n_samples=200, coords="x", rng=0)
    assert res.status == -1 and not res.success
    assert "coords='u'" in res.message


def test_stationary_density_x_has_the_jacobian():
    net, T = _double_well(), 0.5
    g = gibbs_density(net, T)
    x = np.linspace(-12, 12, 4001)[:, None]
    px = g.pdf_x(x)
    assert_allclose(np.trapezoid(px, x[:, 0]), 1.0, atol=1e-4)  # tails |x| > 12 hold ~2e-5
    # ρ in y integrates to 1 as well, and exp(−E(σ(x))/T) without σ' would not
    y = np.linspace(1e-9, 1 - 1e-9, 20001)[:, None]
    assert_allclose(np.trapezoid(g.pdf_y(y), y[:, 0]), 1.0, atol=1e-5)
    assert abs(np.trapezoid(np.exp(-net.energy_x(x) / T - g.log_Z), x[:, 0]) - 1.0) > 0.5


def test_annealing_concentrates_on_global_minimum():
    # E = −3y² + 2.7y + ψ: two wells; the one near y = 0.95 is lower than the one near y = 0.12
    net = HopfieldNetwork([[6.0]], [-2.7], 1.0, "logistic")
    hi = find_equilibrium(net, [5.0])
    lo = find_equilibrium(net, [-5.0])
    assert hi.stable and lo.stable and hi.energy < lo.energy
    sched = TemperatureSchedule("geometric", T0=1.0, rate=0.7, T_min=0.02)
    res = simulate_sde(net, -3.0, sched, 6.0, 2e-3, n_samples=1000, n_records=3, rng=7)
    assert_allclose(res.T[-1], 0.02)
    y = res.y[-1, :, 0]
    # mean energy: the annealed ensemble ends lower than the quenched one
    frac = np.mean(np.abs(y - hi.y[0]) < 0.12)
    # a quench at the final temperature from the same start stays in the start (higher) well
    quench = simulate_sde(net, -3.0, 0.02, 6.0, 2e-3, n_samples=1000, n_records=2, rng=7)
    frac_q = np.mean(np.abs(quench.y[-1, :, 0] - hi.y[0]) < 0.12)
    # binomial s.e. at n = 1000 is <= 0.016: both margins are > 5 s.e.
    assert frac > 0.2 and frac_q < 0.05 and frac > 5 * frac_q
    assert net.energy(res.y[-1]).mean() < net.energy(quench.y[-1]).mean()


def test_schedules():
    c = TemperatureSchedule("constant", 0.7)
    assert_allclose(c([0, 1, 10]), 0.7)
    lg = TemperatureSchedule("logarithmic", T0=2.0, rate=1.0)
    t = np.array([0.0, 1.0, 10.0, 100.0])
    assert_allclose(lg(t), 2.0 * np.log(2) / np.log(2 + t))
    assert np.all(np.diff(lg(t)) < 0)
    gm = TemperatureSchedule("geometric", T0=1.0, rate=2.0, T_min=0.1)
    assert_allclose(gm([0.0, 0.5, 10.0]), [1.0, np.exp(-1.0), 0.1])
    with pytest.raises(ValueError, match="kind"):
        TemperatureSchedule("linear")
    with pytest.raises(ValueError, match="T0"):
        TemperatureSchedule("constant", T0=0.0)


@pytest.mark.parametrize("name", ["logistic", "tanh", "arctan"])
def test_ito_slope_matches_finite_difference(name):
    act = get_activation(name, 1.7)
    y = np.linspace(act.lower, act.upper, 13)[1:-1]
    d = 1e-6
    fd = (act.inverse_metric(y + d) - act.inverse_metric(y - d)) / (2 * d)
    assert_allclose(inverse_metric_slope(act, y), fd, rtol=1e-6, atol=1e-8)


def test_lamperti_drift_logistic_closed_form():
    """−∇_uV = −∂E·sin(u)/2 + T cot(u) for logistic units (spec §3.1)."""
    net, T = _double_well(), 0.3
    y = np.linspace(0.05, 0.95, 7)[:, None]
    u = net.act.isometry(y)
    expected = -net.gradient(y) * np.sin(u) / 2 + T / np.tan(u)
    assert_allclose(lamperti_drift(net, y, T), expected, rtol=1e-10, atol=1e-14)


def test_reflect_folds_into_box():
    u, n = reflect(np.array([-0.5, 0.2, 3.5, 7.0]), 0.0, 3.0)
    assert n == 3
    assert_allclose(u, [0.5, 0.2, 2.5, 1.0])
    same, n0 = reflect(np.array([1.0, -50.0]), -np.inf, np.inf)
    assert n0 == 0 and same[1] == -50.0


def test_same_seed_same_samples_and_validation():
    net = _double_well()
    a = simulate_sde(net, 0.0, 0.5, 0.1, 1e-2, n_samples=50, rng=3)
    b = simulate_sde(net, 0.0, 0.5, 0.1, 1e-2, n_samples=50, rng=3)
    c = simulate_sde(net, 0.0, 0.5, 0.1, 1e-2, n_samples=50, rng=4)
    assert_allclose(a.y, b.y, rtol=0, atol=0)
    assert not np.allclose(a.y, c.y)
    with pytest.raises(ValueError, match="coords"):
        simulate_sde(net, 0.0, 0.5, 0.1, 1e-2, coords="z")
    with pytest.raises(ValueError, match="x0"):
        simulate_sde(net, np.zeros((3, 2)), 0.5, 0.1, 1e-2, n_samples=3)
    with pytest.raises(ValueError, match="T"):
        simulate_sde(net, 0.0, -1.0, 0.1, 1e-2)
    with pytest.raises(ValueError, match="dt"):
        simulate_sde(net, 0.0, 0.5, 0.1, 0.0)
