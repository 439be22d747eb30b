"""States are named by the mean-field solution they are nearest to at their temperature."""

import numpy as np
import pytest

from hopfieldlab.dynamics import run_montecarlo
from hopfieldlab.experiments.registry import get_experiment
from hopfieldlab.models import Classical, Network, Relativistic
from hopfieldlab.observables import mixture_state
from hopfieldlab.patterns import rademacher
from hopfieldlab.theory import classify_overlaps, reference_states, solve_state


def test_retrieval_near_tc_is_pure_in_the_sweep_outputs():
    # relativistic retrieval at T = 0.8 has m = 0.52 (theory); a fixed threshold of 0.7 called it
    # a paramagnet. The Monte Carlo state is checked against the theory before its label is.
    params = {"model": "relativistic", "N": 4000, "P": 3, "T": 0.8, "sweeps": 60, "c": 1.0,
              "init": "pattern", "algorithm": "heatbath"}
    out = get_experiment("relativistic_mc").run_point(params, np.random.default_rng(5))
    m_theory = solve_state(Relativistic(), 0.8, "pure").m[0]
    assert abs(out["m_mean"] - m_theory) < 0.03
    assert out["pure"] == 1.0 and out["mixture"] == 0.0


@pytest.mark.parametrize("cost", [Classical(), Relativistic()], ids=["classical", "relativistic"])
def test_monte_carlo_states_get_the_theorys_name(cost):
    n, p = 3000, 5
    xi = rademacher(p, n, rng=3)
    net = Network(xi, cost)
    cases = [  # (start, T, expected): the 3-mixture is stable at T = 0.2 for both costs
        (mixture_state(xi, [0, 1, 2]), 0.2, ("mixture", 3)),
        (np.where(xi[1] > 0, 1, -1).astype(np.int8), 0.75, ("pure", 1)),
        (np.where(xi[1] > 0, 1, -1).astype(np.int8), 1.3, ("paramagnet", 0)),
    ]
    for s0, T, want in cases:
        res = run_montecarlo(net, s0, T=T, n_sweeps=40, record_every=40, rng=7)
        label = classify_overlaps(res.m_final[0], cost, T, n_neurons=n)
        assert (label.kind, label.n) == want, (T, res.m_final[0], label)


def test_spread_out_overlaps_are_not_called_mixtures():
    # no mean-field state has overlaps (0.45, 0.30, 0.15): the nearest, the 3-mixture, is 0.37 away
    label = classify_overlaps([0.45, -0.30, 0.15], Classical(), 0.0)
    assert label.kind == "other" and label.n == 3 and label.distance > 0.3


def test_references_are_the_closed_forms_at_zero_temperature():
    # T = 0: pure m = 1, symmetric n-mixture m_n = 2^(1-n) C(n-1, (n-1)/2)
    refs = reference_states(Relativistic(), 0.0, 7)
    assert refs == pytest.approx({1: 1.0, 3: 0.5, 5: 0.375, 7: 0.3125}, abs=1e-12)
    assert reference_states(Classical(), 1.2, 5) == {}  # above T_c only the paramagnet


def test_bad_overlaps_are_refused():
    with pytest.raises(ValueError, match="m:"):
        classify_overlaps([np.nan, 0.1], Classical(), 0.5)
    with pytest.raises(ValueError, match="tol"):
        classify_overlaps([0.9, 0.1], Classical(), 0.5, tol=-1.0)
