"""Interrupting the long Monte Carlo experiments loses only the unit in progress."""

import numpy as np
import pytest

import hopfieldlab.experiments.highstorage as hs


class Stop(KeyboardInterrupt):
    pass


def _stop_at(k):
    def progress(done, total):
        if done == k:
            raise Stop()
    return progress


def test_retrieval_grid_resumes_per_load(tmp_path, monkeypatch):
    args = ([0.02, 0.08], [0.2, 0.6])
    kw = {"n_neurons": 100, "n_seeds": 2, "n_sweeps": 6, "rng": 5}
    fresh = hs.retrieval_grid(*args, **kw)
    calls = []
    real = hs._grid_load
    monkeypatch.setattr(hs, "_grid_load", lambda *a: calls.append(a) or real(*a))
    with pytest.raises(KeyboardInterrupt):
        hs.retrieval_grid(*args, cache=tmp_path, progress=_stop_at(1), **kw)
    assert len(calls) == 1  # the first load finished and was stored
    calls.clear()
    resumed = hs.retrieval_grid(*args, cache=tmp_path, **kw)
    assert len(calls) == 1  # only the second load is computed
    np.testing.assert_array_equal(resumed.m.values, fresh.m.values)


def test_boundary_vs_n_resumes_per_point(tmp_path, monkeypatch):
    args = ([60, 80], [0.0], [0.8, 1.6])
    kw = {"n_seeds": 2, "n_sweeps": 6, "rng": 2}
    fresh = hs.retrieval_boundary_vs_n(*args, **kw)
    calls = []
    real = hs.retrieval_point
    monkeypatch.setattr(hs, "retrieval_point", lambda *a, **k: calls.append(a) or real(*a, **k))
    with pytest.raises(KeyboardInterrupt):
        hs.retrieval_boundary_vs_n(*args, cache=tmp_path, progress=_stop_at(4), **kw)
    assert len(calls) == 4  # two points of two seeds each
    calls.clear()
    resumed = hs.retrieval_boundary_vs_n(*args, cache=tmp_path, **kw)
    assert len(calls) == 4  # the two remaining points only
    np.testing.assert_array_equal(resumed.m.values, fresh.m.values)


def test_polynomial_scaling_resumes_per_point(tmp_path, monkeypatch):
    import hopfieldlab.experiments.family as fam

    args = ([2], [20, 30], [0.1, 0.3])
    kw = {"n_samples": 2, "max_tested": 10, "rng": 4}
    fresh = fam.polynomial_capacity_scaling(*args, **kw)
    calls = []
    real = fam._polynomial_rates
    monkeypatch.setattr(fam, "_polynomial_rates", lambda **k: calls.append(k) or real(**k))
    with pytest.raises(KeyboardInterrupt):
        fam.polynomial_capacity_scaling(*args, cache=tmp_path, progress=_stop_at(3), **kw)
    assert len(calls) == 3
    calls.clear()
    resumed = fam.polynomial_capacity_scaling(*args, cache=tmp_path, **kw)
    assert len(calls) == 1
    np.testing.assert_array_equal(resumed.bit_error.values, fresh.bit_error.values)
