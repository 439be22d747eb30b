"""The mechanical analogy: α(t, x) solves ∂_t α = F(∇α), its characteristics are straight lines,
and α(β, 0) is the pressure found by the variational route."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from hopfieldlab.models import Classical, Relativistic
from hopfieldlab.theory import (
    hj_residual,
    hj_solution,
    initial_datum,
    pressure_via_hj,
    rate_function,
    variational_free_energy,
)

MODELS = [Classical(), Relativistic()]


@pytest.mark.parametrize("cost", MODELS, ids=lambda c: c.name)
def test_pde_residual_vanishes_away_from_shocks(cost):
    rng = np.random.default_rng(2024)
    for _ in range(4):
        t = rng.uniform(0.3, 2.0)
        x = rng.uniform(0.2, 1.0, size=2) * rng.choice([-1, 1], size=2)
        assert abs(hj_residual(cost, t, x)) < 1e-5


@pytest.mark.parametrize("cost", MODELS, ids=lambda c: c.name)
@pytest.mark.parametrize("T", [0.3, 0.6, 0.9, 1.5])
def test_pressure_via_hj_matches_variational_free_energy(cost, T):
    P = 2
    v = variational_free_energy(cost, T, P, rng=1)
    alpha = pressure_via_hj(cost, T, P)
    assert alpha == pytest.approx(-v.free_energy / T, abs=1e-10)
    if T > 1:  # paramagnet: α = ln 2 + β F(0)
        assert alpha == pytest.approx(math.log(2) + float(cost.F(np.zeros(P))) / T, abs=1e-12)


@pytest.mark.parametrize("cost", MODELS, ids=lambda c: c.name)
def test_characteristics_are_straight_lines(cost):
    t_end = 0.7
    x_end = np.array([0.3, -0.5])
    res = hj_solution(cost, t_end, x_end)
    x0, u = res.foot, res.grad
    v = cost.grad(u)
    np.testing.assert_allclose(x_end, x0 - t_end * v, atol=1e-10)  # x(t) = x0 - t∇F(u)
    a0 = initial_datum(x0)[0]
    slope = float(cost.F(u) - u @ v)
    for s in np.linspace(0.1, t_end, 5):
        r = hj_solution(cost, s, x0 - s * v)
        np.testing.assert_allclose(r.foot, x0, atol=1e-9)  # same line, same foot
        np.testing.assert_allclose(r.grad, u, atol=1e-9)  # momentum conserved
        assert r.alpha == pytest.approx(a0 + s * slope, abs=1e-12)  # α linear along it


@pytest.mark.parametrize("cost", MODELS, ids=lambda c: c.name)
def test_hopf_lax_against_direct_maximisation_one_pattern(cost):
    # independent oracle: α(t, x) = max_m [ln 2 − I(m) + t F(m) + x m] for P = 1
    for t, x in ((0.5, 0.2), (2.0, 0.05), (2.0, -0.3), (3.0, 0.0)):
        def neg(m):
            return -(math.log(2) - rate_function([m]) + t * float(cost.F(np.array([m]))) + x * m)

        best = min(
            (optimize.minimize_scalar(neg, bounds=b, method="bounded",
                                      options={"xatol": 1e-12}).fun
             for b in ((-0.999999, 0.0), (0.0, 0.999999))),
        )
        res = hj_solution(cost, t, [x])
        assert res.alpha == pytest.approx(-best, abs=1e-9)
        if t > 1.2 and abs(x) < 0.1:
            assert len(res.characteristics) >= 3  # paramagnet and both retrieval lines cross
            assert abs(res.grad[0]) > 0.5


def test_initial_datum_and_t_zero():
    a, g = initial_datum([0.7])
    assert a == pytest.approx(math.log(2 * math.cosh(0.7)), abs=1e-14)
    assert g[0] == pytest.approx(math.tanh(0.7), abs=1e-14)
    r = hj_solution(Classical(), 0.0, [0.7, -0.2])
    assert len(r.characteristics) == 1 and np.all(r.foot == [0.7, -0.2])
    r = hj_solution(Relativistic(), 1.5, 0.0, n_patterns=3)
    assert r.x.shape == (3,)


def test_mechanics_bad_inputs():
    with pytest.raises(ValueError, match="^t:"):
        hj_solution(Classical(), -1.0, [0.1])
    with pytest.raises(ValueError, match="^T:"):
        pressure_via_hj(Classical(), 0.0, 2)
    with pytest.raises(ValueError, match="^n_patterns:"):
        hj_solution(Classical(), 1.0, 0.0)
    with pytest.raises(ValueError, match="^x:"):
        hj_solution(Classical(), 1.0, [np.nan])
    with pytest.raises(ValueError, match="^t:"):
        hj_residual(Classical(), 1e-5, [0.3], h=1e-4)
