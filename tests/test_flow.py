"""The deterministic continuous Hopfield network: energy, forms of the flow, equilibria, optimiser.

Reference: Halder, Caluya, Travacca, Moura 2019 (arXiv:1908.01270); spec hnn_flow.md §1-2.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize

from hopfieldlab.dynamics import (
    HopfieldNetwork,
    NoEnergyWarning,
    box_qp_flow,
    find_equilibrium,
    integrate_flow,
    mirror_descent,
    run_flow,
)
from hopfieldlab.errors import NotConvergedError

ACTIVATIONS = ("logistic", "tanh", "arctan", "identity")


def _network(seed, activation, n=5, gain=1.0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n))
    w = 1.5 * (a + a.T) / np.sqrt(2 * n)
    if activation == "identity":
        w *= 0.1  # a stable linear network: λ_max(W) < min 1/τ, so equilibria attract
    tau = rng.uniform(0.5, 2.0, n)
    return HopfieldNetwork(w, rng.standard_normal(n), tau, activation, gain=gain), rng


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_energy_nonincreasing_along_trajectories(activation):
    for seed in range(12):
        net, rng = _network(seed, activation, gain=rng_gain(seed))
        x0 = 2.0 * rng.standard_normal(net.n_neurons)
        res = integrate_flow(net, x0, 8.0, t_eval=np.linspace(0, 8, 120))
        assert res.success
        # solver error (rtol 1e-8) can only fake an increase of that relative size
        slack = 1e-8 * (1.0 + np.abs(res.energy[:-1]))
        assert np.all(np.diff(res.energy) <= slack), (activation, seed)
        assert res.energy[-1] < res.energy[0]


def rng_gain(seed):
    return (0.5, 1.0, 3.0)[seed % 3]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dissipation_identity(activation):
    """dE/dt = −Σ σ'(x_i) (dx_i/dt)² (spec §1.3), against a centred difference of E(t)."""
    net, rng = _network(7, activation)
    res = integrate_flow(net, rng.standard_normal(5), 3.0, method="DOP853", rtol=1e-12,
                         atol=1e-12)
    dt = 1e-5
    for t in (0.1, 0.7, 2.0):
        xs = res.sol(np.array([t - dt, t, t + dt])).T
        de = (net.energy_x(xs[2]) - net.energy_x(xs[0])) / (2 * dt)
        v = net.velocity(xs[1])
        assert_allclose(de, -np.sum(net.act.derivative(xs[1]) * v * v), rtol=1e-5)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_natural_gradient_form_matches_x_form(activation):
    net, rng = _network(3, activation)
    x0 = rng.standard_normal(5)
    t = np.linspace(0, 5, 40)
    rx = integrate_flow(net, x0, 5.0, t_eval=t, rtol=1e-10, atol=1e-12)
    ry = integrate_flow(net, x0, 5.0, form="natural", t_eval=t, rtol=1e-10, atol=1e-12)
    assert rx.form == "x" and ry.form == "natural"
    assert_allclose(ry.y, rx.y, atol=1e-7)
    assert_allclose(ry.energy, rx.energy, rtol=1e-6, atol=1e-7)
    # dense output of both forms agrees between the output times
    ts = np.array([0.33, 2.71])
    assert_allclose(ry.y_at(ts), rx.y_at(ts), atol=1e-6)


@pytest.mark.parametrize("method", ["RK23", "DOP853", "Radau", "BDF", "LSODA"])
def test_every_solve_ivp_method_agrees(method):
    net, rng = _network(11, "tanh")
    x0 = rng.standard_normal(5)
    ref = integrate_flow(net, x0, 4.0, t_eval=[4.0], rtol=1e-10, atol=1e-12)
    res = integrate_flow(net, x0, 4.0, method=method, t_eval=[4.0], rtol=1e-8, atol=1e-10)
    assert res.success and res.method == method
    assert_allclose(res.y[-1], ref.y[-1], atol=1e-5)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_equilibria_satisfy_fixed_point_equation(activation):
    for seed in range(4):
        net, rng = _network(seed, activation)
        x0 = rng.standard_normal(5)
        end = integrate_flow(net, x0, 60.0).x[-1]
        eq = find_equilibrium(net, end, tol=1e-10)
        assert eq.converged and eq.residual <= 1e-10
        assert_allclose(eq.x, net.tau * (net.W @ net.act.sigma(eq.x) + net.b), atol=1e-9)
        assert_allclose(eq.y, net.act.sigma(eq.x))
        # the trajectory's limit is a stable equilibrium, of lower energy than the start
        assert eq.stable and np.all(eq.eigenvalues < 0)
        assert_allclose(eq.x, end, atol=1e-4)
        assert eq.energy <= float(net.energy_x(x0))


def test_equilibrium_failure_is_reported():
    net, _ = _network(0, "logistic")
    with pytest.raises(NotConvergedError, match="max_iter"):
        find_equilibrium(net, np.full(5, 3.0), max_iter=1, tol=1e-300, on_fail="raise")
    res = find_equilibrium(net, np.full(5, 3.0), max_iter=1, tol=1e-300, on_fail="ignore")
    assert not res.converged


def test_mirror_descent_step_is_the_bregman_proximal_step():
    """y₁ = argmin_y h⟨∇E(y₀), y⟩ + D_ψ(y, y₀) (spec eq. 2.3), solved independently."""
    net, rng = _network(5, "logistic")
    x0, h = rng.standard_normal(5), 0.3
    y1 = mirror_descent(net, x0, h, 1).y[-1]
    y0 = net.act.sigma(x0)
    grad = net.gradient(y0)
    act = net.act

    def objective(y):
        return h * grad @ y + act.bregman(y, y0)

    ref = minimize(objective, y0, jac=lambda y: h * grad + act.inverse(y) - act.inverse(y0),
                   bounds=[(1e-9, 1 - 1e-9)] * 5, method="L-BFGS-B",
                   options={"ftol": 1e-15, "gtol": 1e-12})
    assert_allclose(y1, ref.x, atol=1e-6)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "arctan"])
def test_mirror_descent_converges_at_first_order(activation):
    net, rng = _network(2, activation)
    x0, t_final = rng.standard_normal(5), 2.0
    ref = integrate_flow(net, x0, t_final, method="DOP853", rtol=1e-12, atol=1e-12)
    steps = np.array([20, 40, 80, 160, 320])
    errors = []
    for n_steps in steps:
        md = mirror_descent(net, x0, t_final / n_steps, int(n_steps), record_every=10**6)
        assert md.t[-1] == pytest.approx(t_final) and md.success
        assert np.all((md.y > net.act.lower) & (md.y < net.act.upper))  # never leaves the box
        errors.append(np.max(np.abs(md.y[-1] - ref.y[-1])))
    slope = np.polyfit(np.log(t_final / steps), np.log(errors), 1)[0]
    assert abs(slope - 1.0) <= 0.3, slope


def test_run_flow_forms_agree():
    net, rng = _network(9, "tanh")
    x0 = rng.standard_normal(5)
    results = {form: run_flow(net, x0, 2.0, form=form, step=1e-4) for form in
               ("x", "natural", "mirror")}
    assert_allclose(results["natural"].y[-1], results["x"].y[-1], atol=1e-7)
    assert_allclose(results["mirror"].y[-1], results["x"].y[-1], atol=1e-3)  # O(h)
    assert results["mirror"].t[-1] == pytest.approx(2.0)


def test_mirror_descent_reports_overflow():
    w = np.array([[3.0, 0.0], [0.0, 3.0]])
    net = HopfieldNetwork(w, tau=1.0, activation="identity")
    res = mirror_descent(net, [1.0, 1.0], 1.0, 2000)
    assert res.status == -1 and not res.success and "overflow" in res.message


@pytest.mark.parametrize("seed", range(4))
def test_box_qp_matches_lbfgsb(seed):
    rng = np.random.default_rng(seed)
    n = 4
    a = rng.standard_normal((n, n))
    q = a @ a.T + 0.1 * np.eye(n)
    c = 3.0 * rng.standard_normal(n)
    lower, upper = -np.ones(n), rng.uniform(0.5, 2.0, n)
    res = box_qp_flow(q, c, lower, upper, barrier=1e-4, rng=seed)
    ref = minimize(lambda v: 0.5 * v @ q @ v + c @ v, np.zeros(n), jac=lambda v: q @ v + c,
                   bounds=list(zip(lower, upper, strict=True)), method="L-BFGS-B",
                   options={"ftol": 1e-15, "gtol": 1e-12})
    assert res.converged
    # barrier bias: O(barrier · |σ⁻¹(y)| / curvature) in the free coordinates
    assert_allclose(res.v, ref.x, atol=2e-3)
    assert res.objective == pytest.approx(ref.fun, abs=1e-5)
    assert np.all((res.v >= lower) & (res.v <= upper))


@pytest.mark.parametrize("activation", ["logistic", "tanh"])
def test_high_gain_goes_to_corners(activation):
    """Binary use: minimise −½vᵀWv − bᵀv over {0,1}ⁿ (W zero-diagonal) with a high gain."""
    for seed in range(4):
        rng = np.random.default_rng(seed)
        n = 8
        a = rng.standard_normal((n, n))
        w = (a + a.T) / 2
        np.fill_diagonal(w, 0.0)
        b = 0.5 * rng.standard_normal(n)
        hot = box_qp_flow(-w, -b, 0.0, 1.0, barrier=1.0, gain=200.0, activation=activation,
                          rng=seed)
        v = np.round(hot.v)
        assert np.max(np.abs(hot.v - v)) < 1e-2
        # a corner attractor is stable to every single flip: field > 0 where v = 1, < 0 where 0
        field = w @ v + b
        assert np.all(np.where(v == 1, field > 0, field < 0))
        cool = box_qp_flow(-w, -b, 0.0, 1.0, barrier=1.0, gain=0.2, activation=activation,
                           rng=seed)
        assert np.max(np.abs(cool.v - np.round(cool.v))) > 0.1  # low gain: interior point


def test_bad_inputs_name_the_argument():
    w = np.eye(3)
    with pytest.raises(ValueError, match="^W: .*square"):
        HopfieldNetwork(np.ones((2, 3)))
    with pytest.raises(ValueError, match="^W: .*NaN"):
        HopfieldNetwork(np.array([[0.0, np.nan], [np.nan, 0.0]]))
    with pytest.raises(ValueError, match="^tau: "):
        HopfieldNetwork(w, tau=-1.0)
    with pytest.raises(ValueError, match="^tau: "):
        HopfieldNetwork(w, tau=[1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="^b: "):
        HopfieldNetwork(w, b=np.ones(4))
    with pytest.raises(ValueError, match="^activation: "):
        HopfieldNetwork(w, activation="nope")
    with pytest.raises(ValueError, match="^gain: "):
        HopfieldNetwork(w, gain=0.0)
    net = HopfieldNetwork(w)
    with pytest.raises(ValueError, match="^x0: .*NaN"):
        integrate_flow(net, [0.0, np.nan, 0.0], 1.0)
    with pytest.raises(ValueError, match="^x0: "):
        integrate_flow(net, [0.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="^form: "):
        integrate_flow(net, np.zeros(3), 1.0, form="mirror")
    with pytest.raises(ValueError, match="^method: "):
        integrate_flow(net, np.zeros(3), 1.0, method="Euler")
    with pytest.raises(ValueError, match="^t_span"):
        integrate_flow(net, np.zeros(3), (1.0, 0.5))
    with pytest.raises(ValueError, match="^step: "):
        mirror_descent(net, np.zeros(3), 0.0, 10)
    with pytest.raises(ValueError, match="^Q: .*symmetric"):
        box_qp_flow(np.array([[1.0, 2.0], [0.0, 1.0]]), np.zeros(2), 0, 1)
    with pytest.raises(ValueError, match="^upper: "):
        box_qp_flow(np.eye(2), np.zeros(2), 1, 0)
    with pytest.raises(ValueError, match="^activation: .*unbounded"):
        box_qp_flow(np.eye(2), np.zeros(2), 0, 1, activation="identity")


def test_asymmetric_weights_need_explicit_permission():
    w = np.array([[0.0, 1.0], [-1.0, 0.0]])
    with pytest.raises(ValueError, match="^W: not symmetric"):
        HopfieldNetwork(w)
    with pytest.warns(NoEnergyWarning, match="no energy"):
        net = HopfieldNetwork(w, allow_asymmetric=True)
    assert not net.symmetric
    with pytest.raises(ValueError, match="^W: .*no energy"):
        net.energy(np.full(2, 0.5))
    res = integrate_flow(net, [1.0, 0.0], 2.0)
    assert res.success and np.all(np.isnan(res.energy))
    # a round-off asymmetry is accepted and symmetrised without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        near = HopfieldNetwork(np.array([[0.0, 1.0], [1.0 + 1e-15, 0.0]]))
    assert near.symmetric and near.W[0, 1] == near.W[1, 0]
