"""The relativistic experiments: Dataset conventions and theory-vs-simulation agreement."""

import json

import numpy as np
import pytest
import xarray as xr

from hopfieldlab.experiments import relativistic as exp
from hopfieldlab.io import cached_dataset, load_dataset, save_dataset
from hopfieldlab.plotting import plot_mixture_stability, plot_overlap_vs_temperature, plot_spurious_escape


def _conventions(ds: xr.Dataset):
    for name, var in ds.data_vars.items():
        if var.dtype.kind == "f":
            assert "long_name" in var.attrs and "units" in var.attrs, name
    assert "hopfieldlab_version" in ds.attrs
    json.loads(ds.attrs["parameters"])


def test_overlap_vs_temperature_matches_theory():
    ds = exp.overlap_vs_temperature([0.2, 0.5, 1.1], [0.4, 0.6], n_neurons=6000, n_sweeps=60,
                                    n_replicas=2, rng=3)
    _conventions(ds)
    assert float(ds.m_theory.sel(model="classical", T=1.1)) == 0.0  # paramagnet above T_c = 1
    # the relativistic overlap is below the classical one at the same T < T_c
    assert (ds.m_theory.sel(model="relativistic", T=0.5) < ds.m_theory.sel(model="classical", T=0.5)).item()
    th = xr.DataArray([[0.9869, 0.9066], [0.9385, 0.7663]], dims=("model", "T_mc"))  # from m = tanh(...)
    np.testing.assert_allclose(ds.m_mc.values, th.values, atol=0.03)


def test_mixture_stability_dataset_and_identity():
    ds = exp.mixture_stability(np.linspace(0.1, 0.6, 11), n_values=[3])
    _conventions(ds)
    t_cl = float(ds.T_star.sel(model="classical", n=3))
    t_rel = float(ds.T_star.sel(model="relativistic", n=3))
    assert t_cl == pytest.approx(0.461, abs=0.005)
    assert t_rel == pytest.approx(float(ds.T_star_beta_eff.sel(n=3)), abs=1e-6)
    # the sign of the margin changes at T*
    m = ds.margin.sel(model="classical", n=3)
    assert (m.sel(T=slice(None, t_cl - 0.02)) > 0).all() and (m.sel(T=slice(t_cl + 0.02, None)) < 0).all()


def test_spurious_escape_relativistic_leaves_mixtures_more_readily():
    """Theory: 3-mixtures are stable below T* = 0.46 (classical) and 0.37 (relativistic). Deep in
    the stable phase (T = 0.1) both keep the mixture; at T = 0.33, nearer the relativistic threshold,
    finite-N barriers are lower for the relativistic cost, which escapes at least as often.
    (Fixed seed: the outcome is deterministic; N = 8000, 60 sweeps, 6 trials.)"""
    ds = exp.spurious_escape([0.1, 0.33], n_neurons=8000, n_sweeps=60, n_trials=6, inits=["mixture"], rng=5)
    _conventions(ds)
    frac = ds.fraction.sel(init="mixture", outcome="mixture")
    np.testing.assert_allclose(ds.fraction.sum("outcome"), 1.0)
    # deep in the stable phase both models keep the mixture
    assert float(frac.sel(model="classical", T=0.1)) == 1.0
    assert float(frac.sel(model="relativistic", T=0.1)) == 1.0
    # closer to the relativistic threshold the relativistic model escapes at least as often
    assert float(frac.sel(model="relativistic", T=0.33)) <= float(frac.sel(model="classical", T=0.33))


def test_taylor_table():
    ds = exp.taylor_table(6)
    assert list(ds.numerator.values[:4]) == [1, 1, -1, 1]
    assert list(ds.denominator.values[:4]) == [1, 2, 8, 16]
    assert ds.reading.values[2].startswith("anti-Hebbian")


def test_store_round_trip_and_cache(tmp_path):
    ds = exp.taylor_table(4)
    for name in ("a.zarr", "b.nc"):
        back = load_dataset(save_dataset(ds, tmp_path / name))
        xr.testing.assert_identical(back, ds)
    calls = []

    def compute():
        calls.append(1)
        return ds

    _, hit1 = cached_dataset(tmp_path, "t", {"x": 1}, compute)
    _, hit2 = cached_dataset(tmp_path, "t", {"x": 1}, compute)
    _, hit3 = cached_dataset(tmp_path, "t", {"x": 2}, compute)
    assert (hit1, hit2, hit3) == (False, True, False) and len(calls) == 2


def test_figures_draw(tmp_path):
    ds1 = exp.overlap_vs_temperature([0.3, 0.9], [0.5], n_neurons=500, n_sweeps=10, n_replicas=2, rng=0)
    ds2 = exp.mixture_stability([0.2, 0.5], n_values=[3])
    ds3 = exp.spurious_escape([0.2], n_neurons=500, n_sweeps=5, n_trials=2, rng=0)
    for fig in (plot_overlap_vs_temperature(ds1), plot_mixture_stability(ds2), plot_spurious_escape(ds3)):
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
        fig.savefig(tmp_path / "f.png")
