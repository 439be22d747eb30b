"""Single-spin-flip Monte Carlo: exact ΔH, Boltzmann sampling, descent, reproducibility."""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest
from scipy.optimize import brentq

from hopfieldlab.dynamics import MCResult, run_montecarlo
from hopfieldlab.dynamics import _mc_kernels as MK
from hopfieldlab.models import Classical, Network, PBody, Relativistic
from hopfieldlab.patterns import gaussian, rademacher

COSTS = {
    "classical": Classical(),
    "relativistic_c1": Relativistic(1.0),
    "relativistic_c2": Relativistic(2.0),
    "pbody4": PBody(4),
    "pbody3": PBody(3),
}
ALGORITHMS = ("heatbath", "metropolis", "descent")


def _random_spins(rng, shape):
    return rng.choice(np.array([-1, 1], dtype=np.int8), size=shape)


# -- the generator ------------------------------------------------------------------------------
def test_xoshiro256starstar_reference_vector():
    # published first outputs of xoshiro256** from the state {1, 2, 3, 4}
    state = np.array([1, 2, 3, 4], dtype=np.uint64)
    got = MK.xoshiro_draws(state, 6).tolist()
    assert got == [
        11520,
        0,
        1509978240,
        1215971899390074240,
        1216172134540287360,
        607988272756665600,
    ]


def test_splitmix64_reference_vector():
    # published first outputs of splitmix64 seeded with 1234567
    x, out = 1234567, []
    for _ in range(3):
        z, x = MK.splitmix64(x)
        out.append(z)
    assert out == [6457827717110365317, 3203168211198807973, 9817491932198370423]
    states = MK.seed_states(np.array([1234567, 1234567, 7], dtype=np.uint64))
    assert states.shape == (3, 4) and states.dtype == np.uint64
    assert states[0, :3].tolist() == out
    assert np.array_equal(states[0], states[1]) and not np.array_equal(states[0], states[2])


# -- 1. the kernel's ΔH is the exact energy difference -----------------------------------------
@pytest.mark.parametrize("cost_name", list(COSTS))
@pytest.mark.parametrize("ensemble", ["rademacher", "gaussian"])
def test_kernel_delta_energy_equals_full_energy_difference(cost_name, ensemble, rng):
    cost = COSTS[cost_name]
    n, p = 37, 4
    xi = rademacher(p, n, rng=rng) if ensemble == "rademacher" else gaussian(p, n, rng=rng)
    net = Network(xi, cost)
    ic, ip, oc, op = cost.kernel_spec()
    xiT = np.ascontiguousarray(xi.T, dtype=np.float64)
    for _ in range(5):
        sig = _random_spins(rng, n)
        if rng.random() < 0.4:  # also near a pattern, where |m| is large
            sig = np.where(xi[0] >= 0, 1, -1).astype(np.int8)
            sig[rng.integers(0, n, size=3)] *= -1
        e0 = float(net.energy(sig))
        for k in rng.integers(0, n, size=8):
            k = int(k)
            flipped = sig.copy()
            flipped[k] = -flipped[k]
            want = float(net.energy(flipped)) - e0
            got = MK.flip_delta_energy(xiT, sig, k, int(ic), float(ip), int(oc), float(op))
            assert got == pytest.approx(want, rel=1e-9, abs=1e-10 * max(1.0, abs(e0)))
            assert got == pytest.approx(net.delta_energy(sig, k), rel=1e-12, abs=1e-13)


@pytest.mark.parametrize("cost_name", list(COSTS))
@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("order", ["random", "sequential"])
def test_recorded_energy_and_overlaps_match_network(cost_name, algorithm, order, rng):
    net = Network(rademacher(3, 64, rng=rng), COSTS[cost_name])
    spins0 = _random_spins(rng, (3, 64))
    res = run_montecarlo(
        net, spins0, T=0.8, n_sweeps=7, algorithm=algorithm, order=order, record_every=3, rng=5
    )
    assert isinstance(res, MCResult)
    assert res.overlaps.shape == (3, 3, 3) and res.energy.shape == (3, 3)
    assert res.acceptance.shape == (3, 3) and res.sweeps.tolist() == [3, 6, 7]
    assert res.spins.shape == (3, 64) and res.spins.dtype == np.int8
    assert np.all(np.abs(res.spins) == 1)
    assert np.all((res.acceptance >= 0) & (res.acceptance <= 1))
    np.testing.assert_allclose(res.energy[-1], net.energy(res.spins), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.m_final, net.overlaps(res.spins), rtol=0, atol=1e-14)
    assert res.algorithm == algorithm and res.order == order and res.T == 0.8
    assert res.flips_per_second > 0 and res.elapsed_s > 0


@pytest.mark.parametrize("cost_name", list(COSTS))
@pytest.mark.parametrize("ensemble", ["rademacher", "gaussian"])
def test_descent_stops_in_a_one_flip_stable_state(cost_name, ensemble, rng):
    """The kernel's ΔH < 0 test agrees with Network.delta_energy: descent ends 1-flip stable."""
    n, p = 60, 3
    xi = rademacher(p, n, rng=rng) if ensemble == "rademacher" else gaussian(p, n, rng=rng)
    net = Network(xi, COSTS[cost_name])
    res = run_montecarlo(net, _random_spins(rng, (4, n)), T=0.0, n_sweeps=60, order="sequential")
    assert res.algorithm == "descent"
    assert np.all(res.acceptance[-1] == 0.0)  # a whole sweep without a move: converged
    for r in range(4):
        dh = np.array([net.delta_energy(res.spins[r], k) for k in range(n)])
        assert np.all(dh >= -1e-12), dh.min()


# -- 2. exact Boltzmann averages for a network small enough to enumerate -----------------------
def _enumerate(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All 2^N states (site 0 is the most significant bit of the index), their H and |m|²."""
    n = net.n_neurons
    states = np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)
    return states, net.energy(states), (net.overlaps(states) ** 2).sum(axis=1)


def _boltzmann_averages(net: Network, T: float) -> tuple[float, float]:
    _, energy, m2 = _enumerate(net)
    w = np.exp(-(energy - energy.min()) / T)
    w /= w.sum()
    return float(w @ energy), float(w @ m2)


def _chain_averages(net, T, algorithm, burn_in, n_meas):
    """Exact expectation of the MC time averages for sequential sweeps started from uniform spins.

    The distribution over the 2^N states is pushed through the single-site update of sites
    0..N-1 in turn, sweep after sweep; the averages are those of the records after ``burn_in``.
    """
    n = net.n_neurons
    _, energy, m2 = _enumerate(net)
    index = np.arange(2**n)
    moves = []
    for k in range(n):
        partner = index ^ (1 << (n - 1 - k))
        x = (energy[partner] - energy) / T
        if algorithm == "metropolis":
            acc = np.exp(-np.clip(x, 0.0, None))
        else:
            acc = 0.5 * (1.0 - np.tanh(0.5 * x))
        moves.append((partner, acc))
    prob = np.full(2**n, 2.0**-n)
    total = np.zeros(2**n)
    for sweep in range(1, burn_in + n_meas + 1):
        for partner, acc in moves:
            flow = prob * acc
            prob = prob - flow + flow[partner]
        if sweep > burn_in:
            total += prob
    total /= n_meas
    return float(total @ energy), float(total @ m2)


def _check_mc_against(res, burn_in, exact_h, exact_m2):
    keep = res.sweeps > burn_in
    # replicas are independent: their time averages are i.i.d. samples of one estimator
    h_rep = res.energy[keep].mean(axis=0)
    m2_rep = (res.overlaps[keep] ** 2).sum(axis=2).mean(axis=0)
    ses = []
    for name, samples, exact in (("<H>", h_rep, exact_h), ("<|m|^2>", m2_rep, exact_m2)):
        mean = samples.mean()
        se = samples.std(ddof=1) / np.sqrt(samples.size)
        # 5 standard errors: a false alarm has probability ~1e-6 per comparison
        assert abs(mean - exact) < 5 * se, f"{name}: MC {mean:.5f} ± {se:.5f}, exact {exact:.5f}"
        assert se < 0.03 * abs(exact)  # the comparison has power
        ses.append(se)
    return ses


_T_EXACT, _N_EXACT, _BURN_IN, _N_MEAS, _N_REP = 0.7, 10, 300, 1500, 200


def _exact_run(cost_name, algorithm, order):
    net = Network(rademacher(2, _N_EXACT, rng=2024), COSTS[cost_name])
    start = _random_spins(np.random.default_rng(1), (_N_REP, _N_EXACT))
    res = run_montecarlo(
        net, start, T=_T_EXACT, n_sweeps=_BURN_IN + _N_MEAS, algorithm=algorithm, order=order,
        record_every=2, rng=99,
    )  # fmt: skip
    return net, res


@pytest.mark.parametrize(
    ("cost_name", "algorithm", "order"),
    [
        (c, a, o)
        for c in ("classical", "relativistic_c1")
        for a, o in (("heatbath", "random"), ("heatbath", "sequential"), ("metropolis", "random"))
    ]
    + [("pbody4", "heatbath", "random"), ("relativistic_c2", "metropolis", "random")],
)
def test_boltzmann_averages_match_exact_enumeration(cost_name, algorithm, order):
    net, res = _exact_run(cost_name, algorithm, order)
    h_exact, m2_exact = _boltzmann_averages(net, _T_EXACT)
    se_h, _ = _check_mc_against(res, _BURN_IN, h_exact, m2_exact)
    # ... with enough power to see a 5% change of temperature
    h_other, _ = _boltzmann_averages(net, 1.05 * _T_EXACT)
    assert abs(h_other - h_exact) > 5 * se_h


@pytest.mark.parametrize("cost_name", ["classical", "relativistic_c1"])
def test_sequential_metropolis_matches_its_exact_chain(cost_name):
    """Sequential Metropolis is not ergodic here: it must reproduce its own exact chain.

    With ±1 patterns the energy depends on |m|² only, many flips have ΔH = 0 and are accepted
    with certainty, and the sweep operator of Metropolis in fixed order splits the 2^10 states
    into several closed classes; the long-run averages from uniform starts then differ from the
    Boltzmann ones. The MC must agree with the exact propagation of that chain instead.
    """
    net, res = _exact_run(cost_name, "metropolis", "sequential")
    h_chain, m2_chain = _chain_averages(net, _T_EXACT, "metropolis", _BURN_IN, _N_MEAS)
    _check_mc_against(res, _BURN_IN, h_chain, m2_chain)
    h_boltz, _ = _boltzmann_averages(net, _T_EXACT)
    assert abs(h_chain - h_boltz) > 0.05  # the non-ergodicity is real
    # the same propagation for the ergodic heat bath reproduces the Boltzmann averages
    h_hb, m2_hb = _chain_averages(net, _T_EXACT, "heatbath", _BURN_IN, _N_MEAS)
    assert h_hb == pytest.approx(h_boltz, rel=1e-6)


# -- 3. zero-temperature descent ------------------------------------------------------------------
@pytest.mark.parametrize("order", ["random", "sequential"])
def test_descent_energy_never_increases(order, rng):
    for cost in COSTS.values():
        net = Network(rademacher(4, 300, rng=rng), cost)
        spins0 = _random_spins(rng, (3, 300))
        res = run_montecarlo(net, spins0, T=0.0, n_sweeps=15, order=order, rng=3)
        e = np.vstack([net.energy(spins0)[None, :], res.energy])
        assert np.all(np.diff(e, axis=0) <= 1e-9 * np.abs(e[:-1]))
        assert np.all(e[-1] < e[0])


@pytest.mark.parametrize("order", ["random", "sequential"])
@pytest.mark.parametrize("c", [1.0, 2.0])
def test_classical_and_relativistic_descent_trajectories_are_identical(order, c, rng):
    # ΔH < 0 ⇔ |m'|² > |m|² for both costs (spec section 3): same 1-flip dynamics at T = 0
    xi = rademacher(5, 400, rng=rng)
    spins0 = _random_spins(rng, (4, 400))
    runs = [
        run_montecarlo(Network(xi, cost), spins0, T=0.0, n_sweeps=12, order=order, rng=11)
        for cost in (Classical(), Relativistic(c))
    ]
    assert np.array_equal(runs[0].spins, runs[1].spins)
    assert np.array_equal(runs[0].overlaps, runs[1].overlaps)
    assert np.array_equal(runs[0].acceptance, runs[1].acceptance)
    assert runs[0].acceptance[0].min() > 0  # something happened


def test_zero_temperature_heatbath_and_metropolis_are_descent(rng):
    net = Network(rademacher(3, 100, rng=rng), Relativistic())
    spins0 = _random_spins(rng, (2, 100))
    runs = [
        run_montecarlo(net, spins0, T=0.0, n_sweeps=5, algorithm=a, rng=4) for a in ALGORITHMS
    ]
    for r in runs:
        assert r.algorithm == "descent"
        assert np.array_equal(r.spins, runs[0].spins)
        assert np.array_equal(r.overlaps, runs[0].overlaps)


# -- 4. reproducibility -------------------------------------------------------------------------
_FIELDS = ("overlaps", "energy", "acceptance", "spins")


def test_same_seed_same_numbers(rng):
    net = Network(rademacher(3, 200, rng=rng), Relativistic())
    spins0 = _random_spins(rng, (5, 200))
    kw = dict(T=0.9, n_sweeps=10, record_every=2)
    a = run_montecarlo(net, spins0, rng=7, **kw)
    b = run_montecarlo(net, spins0, rng=7, **kw)
    c = run_montecarlo(net, spins0, rng=8, **kw)
    for field in _FIELDS:
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.spins, c.spins)
    # a replica's stream does not depend on the other replicas
    e = run_montecarlo(net, spins0[:1], rng=np.random.default_rng(7), **kw)
    assert np.array_equal(e.spins[0], a.spins[0])


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_thread_count_does_not_change_the_numbers(algorithm, rng):
    # large enough (4 replicas x 2000 sites x 25 sweeps per chunk) for the parallel kernel
    net = Network(rademacher(3, 2000, rng=rng), Relativistic())
    spins0 = _random_spins(rng, (4, 2000))
    kw = dict(T=0.9, n_sweeps=50, record_every=25, algorithm=algorithm, rng=7)
    before = numba.get_num_threads()
    one = run_montecarlo(net, spins0, n_threads=1, **kw)
    two = run_montecarlo(net, spins0, n_threads=2, **kw)
    assert numba.get_num_threads() == before
    for field in _FIELDS:
        assert np.array_equal(getattr(one, field), getattr(two, field))
    # and the parallel and serial kernels agree directly
    ic, ip, oc, op = net.cost.kernel_spec()
    xiT = np.ascontiguousarray(net.patterns.T, dtype=np.float64)
    outs = []
    for kernel in (MK.mc_sweeps, MK.mc_sweeps_serial):
        spins = spins0.copy()
        m = spins.astype(float) @ xiT / 2000
        state = MK.seed_states(np.arange(1, 5, dtype=np.uint64))
        acc = np.zeros(4, dtype=np.int64)
        kernel(xiT, spins, m, state, acc, 3, 0, 0, 1.1, ic, ip, oc, op)
        outs.append((spins, m, state, acc))
    for x, y in zip(*outs):
        assert np.array_equal(x, y)


def test_progress_is_reported_and_input_spins_are_untouched(rng):
    net = Network(rademacher(2, 50, rng=rng), Classical())
    spins0 = _random_spins(rng, 50)
    kept = spins0.copy()
    calls = []
    res = run_montecarlo(
        net, spins0, T=1.0, n_sweeps=10, record_every=4, rng=0,
        progress=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    assert calls == [(4, 10), (8, 10), (10, 10)]
    assert np.array_equal(spins0, kept)
    assert res.spins.shape == (1, 50) and res.m_mean.shape == (2,)


# -- 5. large N against the mean-field theory ---------------------------------------------------
def test_large_n_overlap_matches_self_consistency():
    n, T = 10_000, 0.5
    beta = 1.0 / T
    xi = rademacher(1, n, rng=31)
    m_cl = brentq(lambda m: m - np.tanh(beta * m), 1e-6, 1.0)
    m_rel = brentq(lambda m: m - np.tanh(beta * m / np.sqrt(1.0 + m * m)), 1e-6, 1.0)
    assert m_cl == pytest.approx(0.9575, abs=1e-4) and m_rel == pytest.approx(0.8636, abs=1e-4)
    for cost, want in ((Classical(), m_cl), (Relativistic(), m_rel)):
        res = run_montecarlo(
            Network(xi, cost), np.tile(xi[0], (2, 1)), T=T, n_sweeps=120, record_every=4, rng=1
        )
        assert res.m_mean[0] == pytest.approx(want, abs=0.02)


# -- 6. bad inputs ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(T=-0.1), "T"),
        (dict(T=float("nan")), "T"),
        (dict(T=float("inf")), "T"),
        (dict(n_sweeps=0), "n_sweeps"),
        (dict(algorithm="foo"), "algorithm: got 'foo'"),
        (dict(order="backwards"), "order: got 'backwards'"),
        (dict(record_every=0), "record_every"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    net = Network(rademacher(2, 20, rng=0), Classical())
    args = dict(T=1.0, n_sweeps=3) | kwargs
    with pytest.raises(ValueError, match=match):
        run_montecarlo(net, np.ones(20, dtype=np.int8), **args)


@pytest.mark.parametrize(
    "spins",
    [np.r_[np.ones(19), 0.0], np.ones(21), np.ones((2, 19)), np.ones((2, 3, 20)), np.full(20, 2)],
)
def test_bad_spins_raise(spins):
    net = Network(rademacher(2, 20, rng=0), Classical())
    with pytest.raises(ValueError, match="spins0"):
        run_montecarlo(net, spins, T=1.0, n_sweeps=1)
