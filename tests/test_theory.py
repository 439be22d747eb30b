"""Low-storage mean-field theory checked against independent facts (closed forms, brentq oracles,
the β_eff mapping, brute-force enumeration, Amit–Gutfreund–Sompolinsky 1985)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from hopfieldlab.errors import ConvergenceWarning, NotConvergedError
from hopfieldlab.models import Classical, PBody, Relativistic
from hopfieldlab.theory import (
    critical_temperature,
    effective_beta,
    free_energy,
    landau_free_energy,
    pattern_average,
    rate_function,
    solve_state,
    stability,
    stability_threshold,
    variational_free_energy,
)
from hopfieldlab.theory import states

MODELS = [Classical(), Relativistic()]


# ---------------------------------------------------------------------------- pattern averages
def test_pattern_average_exact_and_monte_carlo():
    r = pattern_average(lambda x: (x[:, 0] + x[:, 1] + x[:, 2]) ** 2, 3)
    assert r.exact and r.value == pytest.approx(3.0) and r.stderr == 0.0 and r.n_samples == 8
    r = pattern_average(lambda x: np.abs(x.sum(axis=1)), 20)  # exact, chunked: E|S_20|
    k = np.arange(21)
    oracle = sum(math.comb(20, int(j)) * abs(2 * j - 20) for j in k) / 2**20
    assert r.exact and r.value == pytest.approx(oracle, rel=1e-12)
    r = pattern_average(lambda x: np.abs(x.sum(axis=1)), 24, rng=3, n_samples=20000)
    oracle = sum(math.comb(24, j) * abs(2 * j - 24) for j in range(25)) / 2**24
    assert not r.exact and r.stderr > 0
    assert abs(r.value - oracle) < 5 * r.stderr


# ---------------------------------------------------------------------------- critical temperature
@pytest.mark.parametrize("cost", [Classical(), Relativistic(), Relativistic(c=3.0)])
def test_critical_temperature_is_one(cost):
    assert critical_temperature(cost) == pytest.approx(1.0)
    ms = [solve_state(cost, T, "pure").m[0] for T in (0.99, 0.999, 0.9999)]
    assert all(m > 0 for m in ms) and ms[0] > ms[1] > ms[2]
    assert ms[2] < 0.02
    for T in (1.0001, 1.01, 1.5):
        r = solve_state(cost, T, "pure")
        assert np.all(r.m == 0.0) and r.stable
    # n = 1: stable up to where the branch disappears, i.e. T_c
    assert stability_threshold(cost, 1) == pytest.approx(1.0, abs=1e-6)


def test_pbody_paramagnet_always_stable_first_order():
    cost = PBody(4)
    assert critical_temperature(cost) == 0.0
    Ts = stability_threshold(cost, 1)  # the pure branch ends at a spinodal
    assert 0.3 < Ts < 0.7
    assert solve_state(cost, Ts * 0.999, "pure").m[0] > 0.5  # a jump, not a continuous onset
    assert np.all(solve_state(cost, Ts * 1.001, "pure").m == 0.0)


# ---------------------------------------------------------------------------- T = 0
T0_CASES = [
    ("pure", 1.0, -0.5, -math.sqrt(2.0)),
    ("mixture:3", 0.5, -0.375, -math.sqrt(1.75)),
    ("mixture:5", 0.375, -0.3515625, -math.sqrt(1 + 5 * 9 / 64)),
]


@pytest.mark.parametrize("state,m,e_cl,e_rel", T0_CASES)
def test_zero_temperature_overlaps_and_energies(state, m, e_cl, e_rel):
    for cost, e in ((Classical(), e_cl), (Relativistic(), e_rel)):
        r = solve_state(cost, 0.0, state)
        n = 1 if state == "pure" else int(state.split(":")[1])
        assert r.m.shape == (n + 1,)
        np.testing.assert_allclose(r.m[:n], m, rtol=0, atol=1e-14)
        assert r.m[n] == 0.0
        assert r.energy == pytest.approx(e, abs=1e-12)
        assert r.free_energy == pytest.approx(e, abs=1e-12)  # f = -F at T = 0
        assert r.converged and r.residual < 1e-14
        assert r.margin == 1.0 and r.stable  # no ties: the T -> 0+ limit of the eigenvalues is 0


def test_zero_temperature_even_mixture_is_unstable():
    r = solve_state(Classical(), 0.0, "mixture:2")
    assert r.m[0] == pytest.approx(0.5) and not r.stable and r.margin == -math.inf
    assert stability_threshold(Classical(), 2) == 0.0


# ---------------------------------------------------------------------------- known values
def _oracle(beta, rel):
    g = (lambda m: m / math.sqrt(1 + m * m)) if rel else (lambda m: m)
    return optimize.brentq(lambda m: m - math.tanh(beta * g(m)), 1e-6, 1.0, xtol=1e-15)


@pytest.mark.parametrize("beta", [1.2, 2.0, 5.0])
def test_single_pattern_against_scalar_oracle(beta):
    cl = solve_state(Classical(), 1 / beta, "pure", n_patterns=1).m[0]
    rel = solve_state(Relativistic(), 1 / beta, "pure", n_patterns=1).m[0]
    assert cl == pytest.approx(_oracle(beta, False), abs=1e-12)
    assert rel == pytest.approx(_oracle(beta, True), abs=1e-12)
    if beta == 2.0:
        assert cl == pytest.approx(0.9575, abs=1e-4)
        assert rel == pytest.approx(0.8636, abs=1e-4)


def test_three_mixture_against_scalar_oracle():
    beta = 1 / 0.3
    oracle = optimize.brentq(
        lambda m: m - 0.25 * (math.tanh(3 * beta * m) + math.tanh(beta * m)), 1e-3, 1, xtol=1e-15
    )
    assert solve_state(Classical(), 0.3, "mixture:3").m[0] == pytest.approx(oracle, abs=1e-12)


def test_relativistic_onset_is_slower():
    T = 0.99
    beta = 1 / T
    m_cl = solve_state(Classical(), T, "pure").m[0]
    m_rel = solve_state(Relativistic(), T, "pure").m[0]
    assert m_cl**2 / (beta - 1) == pytest.approx(3.0, rel=0.03)
    assert m_rel**2 / (beta - 1) == pytest.approx(1.2, rel=0.03)
    assert m_rel**2 / m_cl**2 == pytest.approx(0.4, rel=0.03)


# ---------------------------------------------------------------------------- stability
def test_classical_three_mixture_threshold_ags():
    Ts = stability_threshold(Classical(), 3)
    assert Ts == pytest.approx(0.461, abs=0.005)
    below = solve_state(Classical(), Ts - 0.01, "mixture:3")
    above = solve_state(Classical(), Ts + 0.01, "mixture:3")
    assert below.stable and not above.stable
    assert above.m[0] > 0  # still a solution, only unstable


def test_stability_against_brute_force_enumeration():
    cost = Relativistic(c=1.3)
    m = np.array([0.5, -0.3, 0.2, 0.0, 0.0])
    T = 0.4
    beta = 1 / T
    g = cost.grad(m)

    def cmat(xi):
        w = 1 - np.tanh(beta * xi @ g) ** 2
        return xi[:, :, None] * xi[:, None, :] * w[:, None, None]

    C = pattern_average(cmat, 5).value  # all 5 components enumerated, no closed form
    ev = np.sort(np.linalg.eigvals(beta * C @ cost.hess(m)).real)
    np.testing.assert_allclose(stability(cost, m, T).eigenvalues, ev, atol=1e-12)


def test_stability_closed_form_for_many_patterns():
    small = solve_state(Classical(), 0.4, "mixture:3", n_patterns=4)
    big = solve_state(Classical(), 0.4, "mixture:3", n_patterns=150)
    assert big.m.shape == (150,)
    np.testing.assert_allclose(big.m[:4], small.m, atol=1e-14)
    np.testing.assert_allclose(np.unique(np.round(big.eigenvalues, 12)),
                               np.unique(np.round(small.eigenvalues, 12)), atol=1e-11)
    # a large symmetric mixture (binomial closed form, no enumeration)
    r = solve_state(Relativistic(), 0.1, "mixture:41")
    assert r.converged and r.m.shape == (42,)


# ---------------------------------------------------------------------------- β_eff mapping
@pytest.mark.parametrize("state", ["pure", "mixture:3"])
@pytest.mark.parametrize("T", [0.2, 0.35, 0.5, 0.8])
def test_beta_eff_identity(state, T):
    rel = solve_state(Relativistic(), T, state)
    beta_eff = effective_beta(Relativistic(), rel.m, T)
    assert beta_eff == pytest.approx((1 / T) / math.sqrt(1 + rel.m @ rel.m), rel=1e-14)
    cl = solve_state(Classical(), 1 / beta_eff, state)
    np.testing.assert_allclose(rel.m, cl.m, atol=1e-10)


@pytest.mark.parametrize("n", [3, 5])
def test_relativistic_threshold_via_beta_eff(n):
    t_cl = stability_threshold(Classical(), n)
    m_star = solve_state(Classical(), t_cl, f"mixture:{n}").m[0]
    predicted = t_cl / math.sqrt(1 + n * m_star**2)
    assert stability_threshold(Relativistic(), n) == pytest.approx(predicted, abs=1e-8)
    assert predicted < t_cl  # mixtures are destabilised


def test_large_c_limit_is_classical():
    far = Relativistic(c=50.0)
    for T, state in ((0.5, "pure"), (0.3, "mixture:3"), (0.9, "mixture:5")):
        np.testing.assert_allclose(
            solve_state(far, T, state).m, solve_state(Classical(), T, state).m, atol=1e-3
        )
    for n in (3, 5):
        assert stability_threshold(far, n) == pytest.approx(
            stability_threshold(Classical(), n), abs=2e-3
        )


def test_effective_beta_rejects_non_radial_cost():
    with pytest.raises(ValueError, match="^cost:"):
        effective_beta(PBody(4), [0.5, 0.2], 0.5)
    assert effective_beta(Relativistic(c=2.0), [0.0, 0.0], 0.5) == pytest.approx(2.0)
    assert effective_beta(Classical(), [0.3], 0.0) == math.inf


# ---------------------------------------------------------------------------- free energies
def test_rate_function_closed_form_and_legendre_duality():
    for a in (0.0, 0.3, -0.8):
        oracle = 0.5 * ((1 + a) * math.log1p(a) + (1 - a) * math.log1p(-a))
        assert rate_function([a]) == pytest.approx(oracle, abs=1e-14)
        assert rate_function([a, 0.0, 0.0]) == pytest.approx(oracle, abs=1e-14)
    assert rate_function([1.0]) == pytest.approx(math.log(2))
    assert rate_function([1.2]) == math.inf
    x = np.array([0.4, -0.7, 0.2])
    psi = pattern_average(lambda xi: np.log(np.cosh(xi @ x)), 3).value
    m = pattern_average(lambda xi: xi * np.tanh(xi @ x)[:, None], 3).value
    assert rate_function(m) == pytest.approx(x @ m - psi, abs=1e-10)


@pytest.mark.parametrize("cost", MODELS)
@pytest.mark.parametrize("T", [0.25, 0.4, 0.7])
def test_tangent_and_landau_forms_agree_at_fixed_points(cost, T):
    for state in ("pure", "mixture:3"):
        r = solve_state(cost, T, state, n_patterns=3)
        assert landau_free_energy(cost, r.m, T) == pytest.approx(r.free_energy, abs=1e-9)
        assert free_energy(cost, r.m, T) == r.free_energy


@pytest.mark.parametrize("cost", MODELS)
@pytest.mark.parametrize("T", [0.0, 0.3, 0.7, 1.2])
def test_variational_sup_is_best_fixed_point(cost, T):
    P = 3
    fixed = [solve_state(cost, T, s, n_patterns=P) for s in ("pure", "mixture:3")]
    fixed.append(solve_state(cost, T, np.zeros(P)))
    best = min(r.free_energy for r in fixed)
    v = variational_free_energy(cost, T, P, rng=7)
    assert v.free_energy == pytest.approx(best, abs=1e-10)
    assert v.free_energy <= min(c.free_energy for c in v.candidates) + 1e-15
    if T < 1:
        assert np.sort(np.abs(v.m))[-1] > 0.5 and np.count_nonzero(v.m) == 1  # pure wins
    else:
        assert np.all(v.m == 0)


# ---------------------------------------------------------------------------- solver behaviour
def test_explicit_vector_matches_symmetric_solver():
    sym = solve_state(Relativistic(), 0.3, "mixture:3")
    vec = solve_state(Relativistic(), 0.3, [0.45, 0.45, 0.45, 0.0])
    np.testing.assert_allclose(vec.m, sym.m, atol=1e-12)
    assert vec.state == "explicit" and sym.state == "mixture:3" and vec.model == "relativistic"
    np.testing.assert_allclose(vec.eigenvalues, sym.eigenvalues, atol=1e-9)
    r = solve_state(Classical(), 0.3, [0.5], n_patterns=3)
    assert r.m.shape == (3,) and r.m[0] > 0.99


def test_convergence_failure_is_reported(monkeypatch):
    def broken(cost, beta, n, P, tol, max_iter):
        v = np.zeros(P)
        v[:n] = 0.3
        return v, 7, "stub"

    monkeypatch.setattr(states, "_solve_symmetric", broken)  # solve_state looks it up there
    with pytest.raises(NotConvergedError, match="residual"):
        solve_state(Classical(), 0.5, "pure")
    with pytest.warns(ConvergenceWarning):
        r = solve_state(Classical(), 0.5, "pure", on_fail="warn")
    assert not r.converged and r.residual > 0.1 and r.iterations == 7


# ---------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(T=-0.1), "T"),
        (dict(T=float("nan")), "T"),
        (dict(T=float("inf")), "T"),
        (dict(state="mixture:0"), "state"),
        (dict(state="foo"), "state"),
        (dict(state="mixture:-3"), "state"),
        (dict(state=[np.nan, 0.1]), "state"),
        (dict(state="mixture:3", n_patterns=2), "n_patterns"),
        (dict(state="mixture:3", n_patterns=0), "n_patterns"),
        (dict(tol=0.0), "tol"),
        (dict(on_fail="shrug"), "on_fail"),
    ],
)
def test_bad_inputs_name_the_argument(kwargs, name):
    args = dict(T=0.5, state="pure")
    args.update(kwargs)
    with pytest.raises(ValueError, match=f"^{name}:"):
        solve_state(Classical(), **args)


def test_bad_inputs_other_functions():
    with pytest.raises(ValueError, match="^n:"):
        stability_threshold(Classical(), 0)
    with pytest.raises(ValueError, match="^n_patterns:"):
        stability_threshold(Classical(), 3, n_patterns=2)
    with pytest.raises(ValueError, match="^T:"):
        stability(Classical(), [0.1], -1.0)
    with pytest.raises(ValueError, match="^m:"):
        free_energy(Classical(), [[0.1]], 0.5)
    with pytest.raises(ValueError, match="^n_patterns:"):
        variational_free_energy(Classical(), 0.5, 21)
    with pytest.raises(TypeError, match="^cost:"):
        solve_state("classical", 0.5, "pure")
    with pytest.raises(ValueError, match="^n:"):
        pattern_average(lambda x: x, -1)


def test_non_numeric_state_vector():
    with pytest.raises(ValueError, match="^state:"):
        solve_state(Classical(), 0.5, ["a", "b"])
    with pytest.raises(ValueError, match="^state:"):
        solve_state(Classical(), 0.5, 3.0)
