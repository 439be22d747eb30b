"""Krotov–Hopfield polynomial / rectified and Demircigil exponential dense memories."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from hopfieldlab.dynamics import _mc_kernels as MK
from hopfieldlab.dynamics import run_montecarlo
from hopfieldlab.models import Network
from hopfieldlab.models import _kernels as K
from hopfieldlab.models import _kernels_family as KF
from hopfieldlab.models.family import (
    Exponential,
    Polynomial,
    RectifiedPolynomial,
    exponential_alpha_max,
    flip_energy_changes,
    make_family_cost,
    pattern_stability,
    polynomial_bit_error,
)
from hopfieldlab.patterns import rademacher



def _flip(s, k):
    t = s.copy()
    t[k] = -t[k]
    return t


def _noisy(xi, frac, rng):
    s = xi.copy().astype(np.int8)
    idx = rng.choice(xi.size, int(frac * xi.size), replace=False)
    s[idx] = -s[idx]
    return s


def test_energies_are_the_raw_overlap_forms(rng):
    xi = rademacher(7, 25, rng=rng)
    s = rademacher(1, 25, rng=rng)[0]
    x = xi.astype(float) @ s
    assert_allclose(Network(xi, Polynomial(3, 25)).energy(s), -np.sum(x**3), rtol=1e-12)
    assert_allclose(
        Network(xi, RectifiedPolynomial(4, 25)).energy(s),
        -np.sum(np.maximum(x, 0) ** 4),
        rtol=1e-12,
    )
    assert_allclose(
        Network(xi, Exponential(25, lam=0.5)).energy(s), -np.sum(np.exp(0.5 * x)), rtol=1e-12
    )


@pytest.mark.parametrize(
    "cost",
    [
        Polynomial(2, 40),
        Polynomial(3, 40),
        Polynomial(5, 40),
        Exponential(40),
        Exponential(40, lam=0.3),
    ],
    ids=lambda c: f"{c.name}",
)
def test_kernel_delta_energy_equals_energy_difference(cost, rng):
    xi = rademacher(15, 40, rng=rng)
    net = Network(xi, cost)
    s = _noisy(xi[0], 0.2, rng)
    ic, ip, oc, op = cost.kernel_spec()
    xiT = np.ascontiguousarray(xi.T, dtype=np.float64)
    all_dh = flip_energy_changes(net, s)
    for k in range(0, 40, 3):
        ref = net.energy(_flip(s, k)) - net.energy(s)
        kern = MK.flip_delta_energy(xiT, s, k, ic, ip, oc, op)
        tol = 1e-9 * abs(net.energy(s))
        assert abs(kern - ref) <= tol
        assert abs(all_dh[k] - ref) <= tol
        assert abs(net.delta_energy(s, k) - ref) <= tol


def test_rectified_block_and_delta(rng):
    cost = RectifiedPolynomial(3, 30)
    xi = rademacher(12, 30, rng=rng)
    net = Network(xi, cost)
    s = _noisy(xi[1], 0.3, rng)
    dh = flip_energy_changes(net, s)
    for k in range(30):
        ref = net.energy(_flip(s, k)) - net.energy(s)
        assert abs(dh[k] - ref) <= 1e-9 * abs(net.energy(s))
        assert abs(net.delta_energy(s, k) - ref) <= 1e-9 * abs(net.energy(s))
    for m, d in [(0.3, 0.1), (0.05, -0.1), (-0.2, 0.5), (-0.2, 0.1), (0.5, -0.5)]:
        exact = KF.rectpow_value(3.0, m + d) - KF.rectpow_value(3.0, m)
        assert_allclose(KF.rectpow_delta(3.0, m, d), exact, rtol=1e-12, atol=1e-15)


def test_rectified_breaks_the_sign_symmetry(rng):
    xi = rademacher(5, 30, rng=rng)
    poly, rect = Network(xi, Polynomial(4, 30)), Network(xi, RectifiedPolynomial(4, 30))
    assert poly.energy(-xi[0]) == poly.energy(xi[0])
    assert rect.energy(-xi[0]) > rect.energy(xi[0]) + 0.9 * 30**4


def test_rectified_kernel_delta(rng):
    xi = rademacher(10, 30, rng=rng)
    net = Network(xi, RectifiedPolynomial(3, 30))
    s = _noisy(xi[0], 0.3, rng)
    xiT = np.ascontiguousarray(xi.T, dtype=np.float64)
    for k in range(30):
        ref = net.energy(_flip(s, k)) - net.energy(s)
        kern = MK.flip_delta_energy(xiT, s, k, *net.cost.kernel_spec())
        assert abs(kern - ref) <= 1e-9 * abs(net.energy(s))


@pytest.mark.parametrize(
    "cost", [Polynomial(3, 50), Polynomial(4, 50), Exponential(50)], ids=lambda c: c.name
)
def test_descent_never_raises_energy_and_retrieves(cost, rng):
    # below capacity: P = 60 is far under N^2 / 3 (n = 3) and under e^(0.35 N) (exponential)
    xi = rademacher(60, 50, rng=rng)
    s0 = np.stack([_noisy(xi[j], 0.2, rng) for j in range(4)])
    res = run_montecarlo(
        Network(xi, cost), s0, T=0.0, n_sweeps=6, record_every=1, order="sequential", rng=3
    )
    e = np.concatenate([Network(xi, cost).energy(s0)[None, :], res.energy])
    assert np.all(np.diff(e, axis=0) <= 1e-9 * np.abs(e[:-1]))
    assert_allclose(res.m_final[np.arange(4), np.arange(4)], 1.0)


def test_polynomial_capacity_scales_as_n_to_the_n_minus_one():
    # at fixed P / N^(n-1) the one-flip error rate is the same for every N, and equals the
    # signal-to-noise prediction Φ(-√(N^(n-1)/((2n-3)!! P))) within finite-size effects
    for n, alpha, sizes in [(3, 0.1, (20, 40)), (4, 0.02, (20, 30))]:
        rates = []
        for big_n in sizes:
            p = round(alpha * big_n ** (n - 1))
            errs = [
                pattern_stability(
                    Network(rademacher(p, big_n, rng=seed), Polynomial(n, big_n)),
                    np.arange(min(p, 150)),
                ).bit_error
                for seed in range(2)
            ]
            rate = float(np.mean(errs))
            theory = polynomial_bit_error(n, big_n, p)
            assert abs(rate - theory) <= 0.25 * theory, (n, big_n, rate, theory)
            rates.append(rate)
        assert abs(rates[1] - rates[0]) <= 0.3 * max(rates)
    # the classical n = 2 limit of the formula is Hopfield's Φ(-1/√α)
    assert_allclose(
        polynomial_bit_error(2, 10_000, 1380), 0.5 * math.erfc(1 / math.sqrt(0.138 * 2)), rtol=1e-2
    )


def test_exponential_capacity_is_exponential():
    big_n = 20
    p = int(math.exp(0.3 * big_n))  # 403 patterns: α = 0.3 < ln2/2
    xi = rademacher(p, big_n, rng=5)
    st = pattern_stability(Network(xi, Exponential(big_n)), np.arange(100))
    assert st.stable_fraction == 1.0
    # the cubic model holds only ~N² / ((2n-3)!!) patterns: at the same load most are unstable
    st3 = pattern_stability(Network(xi, Polynomial(3, big_n)), np.arange(100))
    assert st3.stable_fraction < 0.1
    # far above the bound (α = 0.6 at N = 16) most patterns are no longer fixed points
    xi = rademacher(int(math.exp(0.6 * 16)), 16, rng=6)
    assert pattern_stability(Network(xi, Exponential(16)), np.arange(60)).stable_fraction < 0.5
    assert_allclose(exponential_alpha_max(0.0), math.log(2) / 2)
    assert exponential_alpha_max(0.1) < exponential_alpha_max(0.0)


def test_exponential_retrieves_a_corrupted_cue(rng):
    big_n = 40
    p = int(math.exp(0.15 * big_n))  # below I(1 - 2ρ)/2 ≈ 0.18 at ρ = 0.1
    xi = rademacher(p, big_n, rng=rng)
    s0 = np.stack([_noisy(xi[j], 0.1, rng) for j in range(3)])
    res = run_montecarlo(
        Network(xi, Exponential(big_n)), s0, T=0.0, n_sweeps=3, order="sequential", rng=1
    )
    assert_allclose(res.m_final[np.arange(3), np.arange(3)], 1.0)


def test_validation():
    with pytest.raises(ValueError, match="n: got 1"):
        Polynomial(1, 10)
    with pytest.raises(ValueError, match="lam"):
        Exponential(1000)
    with pytest.raises(ValueError, match="name"):
        make_family_cost("gaussian")
    assert make_family_cost("exponential", n_neurons=10).kernel_spec() == (
        K.INNER_EXP,
        10.0,
        K.OUTER_LINEAR,
        1.0,
    )
    with pytest.raises(ValueError, match="rho"):
        exponential_alpha_max(0.5)
    with pytest.raises(ValueError, match="indices"):
        pattern_stability(Network(rademacher(3, 5, rng=0), Polynomial(2, 5)), np.array([3]))


def test_capacity_experiments_as_datasets():
    from hopfieldlab.experiments.family import exponential_capacity, polynomial_capacity_scaling

    calls = []
    ds = polynomial_capacity_scaling(
        [3],
        [20, 40],
        [0.1],
        n_samples=2,
        max_tested=60,
        rng=1,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (2, 2)
    assert ds.bit_error.dims == ("degree", "N", "alpha") and ds.bit_error.attrs["units"] == "1"
    assert "parameters" in ds.attrs
    assert_allclose(ds.bit_error, ds.bit_error_theory, rtol=0.35)
    again = polynomial_capacity_scaling([3], [20, 40], [0.1], n_samples=2, max_tested=60, rng=1)
    assert np.array_equal(ds.bit_error.values, again.bit_error.values)
    ex = exponential_capacity([16, 20], [0.2, 0.6], max_tested=40, max_patterns=20_000, rng=2)
    assert ex.stable_fraction.sel(alpha=0.2).min() >= 0.95  # finite N: rare unstable patterns
    assert np.isnan(ex.stable_fraction.sel(N=20, alpha=0.6))  # P = e^12 > max_patterns: skipped
    assert ex.stable_fraction.sel(N=16, alpha=0.6) < 0.5
    assert_allclose(float(ex.alpha_bound), math.log(2) / 2)
