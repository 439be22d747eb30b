"""Sweeps: the same numbers on every backend, resume after SIGKILL, failures kept, stores guarded."""

import json
import os
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import zarr
from typer.testing import CliRunner

import hopfieldlab
import hopfieldlab.cli.sweep  # registers sweep, sweep-status and plot on the app
from hopfieldlab.cli._app import app
from hopfieldlab.experiments.spec import SweepSpec
from hopfieldlab.experiments.sweep import (
    StoreMismatchError,
    load_sweep,
    run_point,
    run_sweep,
    sweep_status,
)

runner = CliRunner()
TIMING = ["finished_at", "elapsed_s"]

MC = SweepSpec("relativistic_mc", axes={"T": [0.4, 1.4], "model": ["classical", "relativistic"]},
               fixed={"N": 300, "P": 3, "sweeps": 6}, seeds=2, entropy=11)


def results(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset without wall-clock bookkeeping and provenance attrs (creation time, command)."""
    out = ds.drop_vars(TIMING)
    out.attrs = {}
    return out


@pytest.fixture(scope="module")
def serial_mc(tmp_path_factory):
    path = tmp_path_factory.mktemp("mc") / "serial.zarr"
    calls = []
    res = run_sweep(MC, path, workers=1, progress=lambda d, t: calls.append((d, t)))
    assert res.complete and res.n_computed == MC.n_points and res.n_failed == 0
    assert calls[0] == (0, 8) and calls[-1] == (8, 8)
    assert all(b[0] > a[0] for a, b in pairwise(calls))
    return load_sweep(path)


def test_dataset_conventions(serial_mc):
    ds = serial_mc
    assert ds["m_mean"].dims == ("T", "model", "seed")
    assert ds["overlaps"].dims == ("T", "model", "seed", "pattern")
    assert list(ds["model"].values) == ["classical", "relativistic"]
    np.testing.assert_array_equal(ds["seed"], [0, 1])
    for name in list(ds.data_vars) + ["T", "model", "seed"]:
        assert ds[name].attrs.get("long_name") and ds[name].attrs.get("units"), name
    assert ds.attrs["hopfieldlab_version"] == hopfieldlab.__version__
    assert SweepSpec.from_json(ds.attrs["sweep_spec"]) == MC
    assert ds.attrs["root_entropy"] == "11"
    assert bool(ds["done"].all()) and set(np.asarray(ds["error"].values).ravel()) == {""}
    # physics sanity: retrieval below T = 1, none above (P = 3, classical and relativistic)
    m = ds["m_mean"].mean("seed")
    assert float(m.sel(T=0.4).min()) > 0.8 and float(abs(m.sel(T=1.4)).max()) < 0.3


def test_every_point_recomputed_alone_matches(serial_mc):
    for index in (0, 3, 5, MC.n_points - 1):
        pos = np.unravel_index(index, MC.shape)
        alone = run_point(MC, index)
        for name, value in alone.items():
            stored = serial_mc[name].values[pos]
            np.testing.assert_array_equal(stored, value)


def test_processes_and_dask_local_cluster_give_identical_datasets(serial_mc, tmp_path):
    from distributed import Client, LocalCluster

    two = run_sweep(MC, tmp_path / "procs.zarr", workers=2)
    assert two.complete
    xr.testing.assert_identical(results(load_sweep(tmp_path / "procs.zarr")), results(serial_mc))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        res = run_sweep(MC, tmp_path / "dask.zarr", client=client)
    assert res.complete and res.n_failed == 0
    xr.testing.assert_identical(results(load_sweep(tmp_path / "dask.zarr")), results(serial_mc))


NOISE = SweepSpec("noise", axes={"mu": [0.0, 1.0, 2.0, 3.0]}, fixed={"fail_above": 1.5},
                  seeds=2, entropy=5)


def test_failing_points_are_recorded_and_the_rest_completed(tmp_path):
    store = tmp_path / "fail.zarr"
    res = run_sweep(NOISE, store, workers=1)
    assert res.n_computed == 4 and res.n_failed == 4 and not res.complete
    assert {i for i, _ in res.failures} == {4, 5, 6, 7}
    assert all("ValueError: mu = " in msg and "fail_above" in msg for _, msg in res.failures)
    ds = load_sweep(store)
    np.testing.assert_array_equal(ds["done"].values, [[1, 1], [1, 1], [0, 0], [0, 0]])
    assert np.isfinite(ds["value"].sel(mu=[0.0, 1.0])).all()
    assert np.isnan(ds["value"].sel(mu=[2.0, 3.0])).all()
    st = sweep_status(store)
    assert (st.n_done, st.n_failed, st.n_total) == (4, 4, 8)
    assert st.failures[0][1] == {"mu": 2.0, "seed": 0}
    # a rerun skips the finished points and retries only the failed ones
    again = run_sweep(NOISE, store, workers=1)
    assert (again.n_skipped, again.n_computed, again.n_failed) == (4, 0, 4)
    ds2 = load_sweep(store)
    xr.testing.assert_identical(ds2["value"], ds["value"])
    np.testing.assert_array_equal(ds2["run"].values, [[1, 1], [1, 1], [2, 2], [2, 2]])
    # the command line: exit status 1 when points failed, status lists them
    spec_file = tmp_path / "noise.toml"
    spec_file.write_text(NOISE.to_toml())
    out = runner.invoke(app, ["sweep", str(spec_file), "--out", str(tmp_path / "cli.zarr"),
                              "--workers", "1", "--json"])
    assert out.exit_code == 1, out.output
    assert json.loads(out.stdout)["failed"] == 4
    status = runner.invoke(app, ["sweep", "status", str(tmp_path / "cli.zarr"), "--json"])
    assert status.exit_code == 0, status.output
    payload = json.loads(status.stdout)
    assert payload["done"] == 4 and payload["failed"] == 4
    assert "fail_above" in payload["failures"][0]["error"]
    assert runner.invoke(app, ["sweep-status", str(tmp_path / "cli.zarr")]).exit_code == 0


def test_a_store_from_another_spec_is_refused(tmp_path):
    store = tmp_path / "a.zarr"
    spec = SweepSpec("noise", axes={"mu": [0.0, 1.0]}, entropy=1)
    run_sweep(spec, store, workers=1)
    before = load_sweep(store)
    other = SweepSpec("noise", axes={"mu": [0.0, 1.0]}, fixed={"sigma": 2.0}, entropy=1)
    with pytest.raises(StoreMismatchError, match="different spec .*fixed.sigma"):
        run_sweep(other, store, workers=1)
    with pytest.raises(StoreMismatchError, match="entropy"):
        run_sweep(SweepSpec("noise", axes={"mu": [0.0, 1.0]}, entropy=2), store, workers=1)
    xr.testing.assert_identical(load_sweep(store), before)  # nothing was mixed in
    (tmp_path / "junk").mkdir()
    with pytest.raises(StoreMismatchError, match="not a sweep store"):
        run_sweep(spec, tmp_path / "junk", workers=1)
    spec_file = tmp_path / "other.toml"
    spec_file.write_text(other.to_toml())
    out = runner.invoke(app, ["sweep", str(spec_file), "--out", str(store), "--workers", "1"])
    assert out.exit_code == 2 and "different spec" in out.output


def test_bad_spec_fails_before_any_work(tmp_path):
    spec_file = tmp_path / "bad.toml"
    spec_file.write_text('experiment = "noise"\n[axes]\nmu = []\n')
    out = runner.invoke(app, ["sweep", str(spec_file), "--out", str(tmp_path / "s.zarr")])
    assert out.exit_code == 2 and "axes.mu" in out.output
    assert not (tmp_path / "s.zarr").exists()


def test_netcdf_export_and_standard_figure(serial_mc, tmp_path):
    import matplotlib

    from hopfieldlab.plotting.sweep import plot_sweep

    store = tmp_path / "n.zarr"
    res = run_sweep(NOISE, store, workers=1, netcdf=tmp_path / "n.nc")
    nc = xr.load_dataset(res.netcdf)
    xr.testing.assert_identical(nc.drop_vars("error"), load_sweep(store).drop_vars("error"))
    assert list(nc["error"].values.ravel()) == list(load_sweep(store)["error"].values.ravel())
    fig = plot_sweep(serial_mc)
    assert isinstance(fig, matplotlib.figure.Figure)
    lines = fig.axes[0].containers
    assert len(lines) == 2  # one errorbar series per model
    np.testing.assert_allclose(lines[0].lines[0].get_ydata(),
                               serial_mc["m_mean"].sel(model="classical").mean("seed"))
    with pytest.raises(ValueError, match="var"):
        plot_sweep(serial_mc, var="done")
    out = runner.invoke(app, ["plot", str(store), "--out", str(tmp_path / "fig.png")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "fig.png").stat().st_size > 1000


KILL = SweepSpec("noise", axes={"mu": [float(i) for i in range(12)]}, fixed={"sleep": 0.08},
                 seeds=1, entropy=99)
CLI = ("import sys; import hopfieldlab.cli.sweep; from hopfieldlab.cli._app import app; "
       "sys.argv[0] = 'hopfieldlab'; app()")


def _n_done(store: Path) -> int:
    try:
        return int(np.asarray(zarr.open_group(str(store), mode="r")["done"][...]).sum())
    except Exception:  # noqa: BLE001 - not created yet, or caught mid-creation
        return 0


def test_sigkill_then_resume_keeps_finished_points(tmp_path):
    spec_file = tmp_path / "kill.toml"
    spec_file.write_text(KILL.to_toml())
    store = tmp_path / "kill.zarr"
    cmd = [sys.executable, "-c", CLI, "sweep", str(spec_file), "--out", str(store),
           "--workers", "1", "--quiet", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while _n_done(store) < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    before = load_sweep(store)
    kept = before["done"].values.copy()
    assert 4 <= kept.sum() < KILL.n_points, "the sweep should be killed part-way"

    resumed = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["skipped"] == kept.sum()
    assert summary["computed"] == KILL.n_points - kept.sum()  # nothing done twice
    after = load_sweep(store)
    # finished points untouched: same values, same write time, computed by the first run
    for name in ("value", "sample", "finished_at", "elapsed_s"):
        np.testing.assert_array_equal(after[name].values[kept], before[name].values[kept])
    np.testing.assert_array_equal(after["run"].values, np.where(kept, 1, 2))

    reference = tmp_path / "ref.zarr"
    run_sweep(KILL, reference, workers=1)
    xr.testing.assert_identical(results(after).drop_vars("run"),
                                results(load_sweep(reference)).drop_vars("run"))
