"""Fuzzed inputs: anything outside the documented domain raises a ValueError/TypeError that names
the argument; nothing returns NaN."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopfieldlab import patterns
from hopfieldlab.dynamics import run_montecarlo
from hopfieldlab.models import Classical, Network, Relativistic
from hopfieldlab.theory import solve_state

XI = patterns.rademacher(2, 12, rng=0)
NET = Network(XI, Relativistic())
S0 = np.where(XI[0] > 0, 1, -1).astype(np.int8)
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=60, deadline=None)
@given(T=floats)
def test_temperature_domain(T):
    if math.isfinite(T) and T >= 0:
        res = solve_state(Classical(), T, "pure", n_patterns=2)
        assert np.all(np.isfinite(res.m)) and math.isfinite(res.free_energy)
        mc = run_montecarlo(NET, S0, T=T, n_sweeps=1, rng=1)
        assert np.all(np.isfinite(mc.energy))
    else:
        with pytest.raises(ValueError, match="T"):
            solve_state(Classical(), T, "pure", n_patterns=2)
        with pytest.raises(ValueError, match="T"):
            run_montecarlo(NET, S0, T=T, n_sweeps=1, rng=1)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(-3, 3), min_size=1, max_size=20))
def test_spin_domain(values):
    spins = np.array(values)
    valid = spins.size == 12 and np.all(np.abs(spins) == 1)
    if valid:
        assert math.isfinite(NET.energy(spins))
    else:
        with pytest.raises(ValueError, match="spins"):
            NET.energy(spins)
        with pytest.raises(ValueError, match="spins"):
            run_montecarlo(NET, spins, T=0.5, n_sweeps=1, rng=1)


@settings(max_examples=40, deadline=None)
@given(p=st.integers(-2, 3), n=st.integers(-2, 5))
def test_pattern_shapes(p, n):
    if p >= 1 and n >= 1:
        assert patterns.rademacher(p, n, rng=0).shape == (p, n)
    else:
        with pytest.raises(ValueError, match="n_patterns" if p < 1 else "n_neurons"):
            patterns.rademacher(p, n, rng=0)
