"""Experiments, figures, report section and CLI of the Hopfield-flow line of work (tiny sizes)."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

import hopfieldlab.cli.flow  # noqa: F401  (registers the commands on the shared app)
from hopfieldlab.cli._app import app
from hopfieldlab.experiments import flow as exp
from hopfieldlab.plotting import flow as fig


def _conventions(ds):
    assert "experiment" in ds.attrs and "parameters" in ds.attrs
    for name, var in ds.data_vars.items():
        assert "long_name" in var.attrs and "units" in var.attrs, name


def test_trajectories_three_forms_agree_and_energy_monotone():
    ds = exp.flow_trajectories(("logistic", "tanh"), n_times=31, t_final=3.0, mirror_step=0.01)
    _conventions(ds)
    assert bool(ds.energy_monotone.all())
    gap = np.abs(ds.y.sel(form="natural") - ds.y.sel(form="x")).max()
    assert float(gap) < 1e-6
    # mirror descent with h = 0.01 is O(h) away from the flow
    assert float(np.abs(ds.y.sel(form="mirror") - ds.y.sel(form="x")).max()) < 0.05
    fig.plot_trajectories(ds)
    fig.plot_energy(ds)


def test_mirror_descent_first_order():
    ds = exp.mirror_descent_order((0.1, 0.05, 0.025))
    assert abs(float(ds.order) - 1.0) < 0.1
    fig.plot_mirror_order(ds)


def test_gibbs_histogram_dataset():
    ds = exp.gibbs_histogram(n_samples=1500, t_final=2.0, dt=2e-3, rng=3)
    _conventions(ds)
    assert float(ds.p_value[0]) > 1e-3 and float(ds.p_value_wrong[0]) < 1e-6
    assert_allclose(float(ds.expected.sum()), 1500, rtol=1e-6)
    fig.plot_gibbs_histogram(ds)


def test_ou_and_density_evolution_datasets():
    ou = exp.ou_proximal(n_particles=150, h=1e-2, t_final=0.5, n_records=3, rng=1)
    _conventions(ou)
    assert bool(ou.converged.all())
    assert np.all(np.diff(ou.free_energy.sel(source="proximal")) < 0)
    de = exp.density_evolution(n_particles=120, h=1e-2, t_final=0.4, n_records=3, n_sde=1000, rng=2)
    _conventions(de)
    assert de.free_energy[-1] < de.free_energy[0]
    for f in (fig.plot_moments(ou), fig.plot_density_snapshots(de), fig.plot_free_energy(de)):
        assert f is not None
    again = exp.ou_proximal(n_particles=150, h=1e-2, t_final=0.5, n_records=3, rng=1)
    assert_allclose(again.mu.values, ou.mu.values, rtol=0, atol=0)


def test_report_section_tiny(tmp_path):
    from hopfieldlab.report.flow import build_section

    sec = build_section(tmp_path, "tiny", 1, tmp_path / "cache")
    assert sec.title.startswith("2. Hopfield network flow")
    assert len(sec.checks) > 10
    assert (tmp_path / "figures" / "flow_density.png").exists()


def test_cli_flow_and_density_json():
    runner = CliRunner()
    res = runner.invoke(app, ["flow", "--activation", "tanh", "--form", "natural", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["energy_monotone"] and out["energy_final"] < out["energy_initial"]
    res = runner.invoke(app, ["density", "--ou", "--particles", "60", "--h", "0.02", "--t-final",
                              "0.2", "--seed", "1", "--json"])
    assert res.exit_code == 0, res.output
    assert "proximal" in json.loads(res.output)["mean"]
    bad = runner.invoke(app, ["flow", "--activation", "relu"])
    assert bad.exit_code == 2 and "activation" in bad.output


@pytest.mark.parametrize("kw", [{"n_times": 1}, {"mirror_step": 0.0}])
def test_bad_input(kw):
    with pytest.raises((ValueError, TypeError)):
        exp.flow_trajectories(**kw)
