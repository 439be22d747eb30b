"""Run a :class:`SweepSpec` grid serially, on local processes or on a Dask cluster, into zarr.

The store is pre-allocated from the spec (outputs NaN, ``done`` False) and each finished task
is written into its own cell as soon as its result reaches this process, values first and the
``done`` flag last; zarr replaces chunk files atomically and only this process writes, so a
killed sweep loses at most the tasks that were running. Re-running on the same store skips the
cells marked done. Task ``i`` draws from ``SeedSequence(entropy, spawn_key=(i,))`` wherever it
runs, so every backend gives the same numbers.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .._rng import task_generator
from ..errors import HopfieldlabError
from ..io import provenance_attrs
from .spec import SweepSpec

__all__ = [
    "BOOKKEEPING",
    "StoreMismatchError",
    "SweepResult",
    "SweepStatus",
    "export_netcdf",
    "iter_failures",
    "load_sweep",
    "run_point",
    "run_sweep",
    "sweep_status",
]

FORMAT = "hopfieldlab-sweep/1"
# per-cell bookkeeping next to the outputs: name -> (long_name, units)
BOOKKEEPING = {
    "done": ("task finished without error", "1"),
    "error": ("error message of a failed task (empty if none)", "1"),
    "run": ("invocation of the sweep on this store that computed the task (0: not yet)", "1"),
    "finished_at": ("time the task's result was written", "s (Unix time)"),
    "elapsed_s": ("wall time of the task on its worker", "s"),
}
Progress = Callable[[int, int], None] | None


class StoreMismatchError(HopfieldlabError, ValueError):
    """The store at ``--out`` was made from another spec (or is not a sweep store)."""


@dataclass(frozen=True)
class SweepResult:
    """What a call of :func:`run_sweep` did.

    Attributes
    ----------
    store : Path
    n_total : int
        Tasks in the grid (points times seeds).
    n_skipped : int
        Tasks already done in the store before this call.
    n_computed : int
        Tasks finished successfully in this call.
    n_failed : int
        Tasks whose experiment raised (recorded in the store's ``error`` variable).
    failures : tuple of (int, str)
        Flat index and message of each failed task.
    elapsed_s : float
    netcdf : Path or None
        The exported netCDF file, if requested.
    """

    store: Path
    n_total: int
    n_skipped: int
    n_computed: int
    n_failed: int
    failures: tuple[tuple[int, str], ...]
    elapsed_s: float
    netcdf: Path | None = None

    @property
    def complete(self) -> bool:
        """Whether every task of the grid is done."""
        return self.n_skipped + self.n_computed == self.n_total


@dataclass(frozen=True)
class SweepStatus:
    """State of a sweep store: the spec, how many tasks are done, which failed and why."""

    store: Path
    spec: SweepSpec
    n_total: int
    n_done: int
    failures: tuple[tuple[int, dict[str, Any], str], ...]

    @property
    def n_failed(self) -> int:
        return len(self.failures)


# -- tasks --------------------------------------------------------------------------------------


def _task(fn: Callable, params: dict[str, Any], entropy: int, index: int) -> tuple:
    """Run one task (in whatever process); never raises: errors come back as a message."""
    t0 = time.perf_counter()
    try:
        raw = fn(dict(params), task_generator(entropy, index))
        values = {k: np.asarray(v, dtype=np.float64) for k, v in dict(raw).items()}
        err = ""
    except Exception as exc:  # noqa: BLE001 - any failure of a point is recorded, not raised
        values, err = None, f"{type(exc).__name__}: {exc}"
    return index, values, err, time.perf_counter() - t0


def run_point(spec: SweepSpec, index: int) -> dict[str, np.ndarray]:
    """Compute task ``index`` of ``spec`` alone, exactly as a sweep computes it.

    Raises whatever the experiment raises.
    """
    exp = spec.experiment_obj
    params = spec.point(index)
    return exp.run_point(params, task_generator(spec.entropy, index))


# -- the store ----------------------------------------------------------------------------------


def _template(spec: SweepSpec, command: str | None) -> tuple[xr.Dataset, dict[str, Any]]:
    exp = spec.experiment_obj
    dims, shape = spec.dims, spec.shape
    params0 = spec.point(0)
    data: dict[str, Any] = {}
    encoding: dict[str, Any] = {}
    cell = tuple(1 for _ in spec.axes) + (spec.seeds,)  # one chunk per grid point
    for o in exp.outputs:
        extra = o.shape(params0)
        data[o.name] = ((*dims, *o.dims), np.full(shape + extra, np.nan),
                        {"long_name": o.long_name, "units": o.units})
        encoding[o.name] = {"chunks": cell + extra}
    fills = {"done": np.zeros(shape, bool), "error": np.full(shape, "", dtype=object),
             "run": np.zeros(shape, np.int32), "finished_at": np.full(shape, np.nan),
             "elapsed_s": np.full(shape, np.nan)}
    for name, arr in fills.items():
        long_name, units = BOOKKEEPING[name]
        data[name] = (dims, arr, {"long_name": long_name, "units": units})
        encoding[name] = {"chunks": cell}
    coords = {k: ((k,), np.asarray(v), {"long_name": exp.param(k).doc or k, "units": exp.param(k).units})
              for k, v in spec.axes.items()}
    coords["seed"] = (("seed",), np.arange(spec.seeds), {"long_name": "replica index", "units": "1"})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(provenance_attrs(spec.experiment, spec.to_dict(), command))
    ds.attrs.update(sweep_format=FORMAT, sweep_spec=spec.to_json(),
                    sweep_fingerprint=spec.fingerprint(), root_entropy=str(spec.entropy),
                    sweep_outputs=json.dumps([o.name for o in exp.outputs]),
                    sweep_plot_var=exp.plot_var, sweep_runs=0)
    return ds, encoding


def _fingerprint_diff(a: SweepSpec, b: SweepSpec) -> str:
    da, db = json.loads(a.fingerprint()), json.loads(b.fingerprint())
    diffs = []
    for key in da:
        if isinstance(da[key], dict):
            for k in sorted(set(da[key]) | set(db.get(key, {}))):
                if da[key].get(k) != db.get(key, {}).get(k):
                    diffs.append(f"{key}.{k}")
            if list(da[key]) != list(db.get(key, {})) and key == "axes" and not diffs:
                diffs.append("axes (order)")
        elif da[key] != db.get(key):
            diffs.append(key)
    return ", ".join(diffs) or "unknown"


def _open_store(spec: SweepSpec, path: Path, command: str | None):
    """Create the store, or reopen it after checking it was made from ``spec``."""
    import zarr

    if path.exists():
        try:
            group = zarr.open_group(str(path), mode="r+", zarr_format=2)
            fmt, stored = group.attrs.get("sweep_format"), group.attrs.get("sweep_spec")
        except Exception as exc:  # noqa: BLE001 - anything unreadable is not our store
            raise StoreMismatchError(f"out: {path} exists and is not a sweep store ({exc}); "
                                     "choose another path or delete it") from None
        if fmt != FORMAT or stored is None:
            raise StoreMismatchError(f"out: {path} exists and is not a sweep store; "
                                     "choose another path or delete it")
        old = SweepSpec.from_json(stored)
        if old.fingerprint() != spec.fingerprint():
            raise StoreMismatchError(
                f"out: {path} was made from a different spec (differs in {_fingerprint_diff(old, spec)}); "
                "results are never mixed: use another --out path, or delete the store to start over")
    else:
        ds, enc = _template(spec, command)
        path.parent.mkdir(parents=True, exist_ok=True)
        ds.to_zarr(str(path), mode="w-", zarr_format=2, consolidated=False, encoding=enc)
        group = zarr.open_group(str(path), mode="r+", zarr_format=2)
    run_no = int(group.attrs.get("sweep_runs", 0)) + 1
    group.attrs["sweep_runs"] = run_no
    return group, run_no


class _Writer:
    """Writes finished tasks into their cells and keeps the tallies."""

    def __init__(self, spec: SweepSpec, group: Any, run_no: int, progress: Progress, done0: int):
        self.spec, self.group, self.run_no, self.progress = spec, group, run_no, progress
        self.exp = spec.experiment_obj
        self.done = done0
        self.computed = 0
        self.failures: list[tuple[int, str]] = []

    def __call__(self, index: int, values: dict | None, err: str, elapsed: float) -> None:
        pos = tuple(int(i) for i in np.unravel_index(index, self.spec.shape))
        if values is not None:
            try:
                values = self.exp.validate_results(values, self.spec.point(index))
            except (TypeError, ValueError) as exc:
                values, err = None, f"{type(exc).__name__}: {exc}"
        g = self.group
        if values is not None:
            for name, arr in values.items():
                g[name][pos] = arr
        g["error"][pos] = np.array(err, dtype=object)  # a bare str is refused by older NumPy + VLenUTF8
        g["run"][pos] = self.run_no
        g["elapsed_s"][pos] = elapsed
        g["finished_at"][pos] = time.time()
        g["done"][pos] = values is not None  # last: a cell is done only once its values are on disk
        if values is None:
            self.failures.append((index, err))
        else:
            self.computed += 1
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.spec.n_points)


# -- executors ----------------------------------------------------------------------------------


def _serial(spec: SweepSpec, todo: list[int], write: _Writer) -> None:
    fn = spec.experiment_obj.function
    for i in todo:
        idx, values, err, el = _task(fn, spec.point(i), spec.entropy, i)
        write(idx, values, err, el)


def _processes(spec: SweepSpec, todo: list[int], write: _Writer, workers: int) -> None:
    fn = spec.experiment_obj.function
    # spawn: children start clean (no copies of this process's zarr/numba threads)
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    pending = iter(todo)
    inflight: set = set()
    try:
        while True:
            while len(inflight) < 2 * workers and (i := next(pending, None)) is not None:
                inflight.add(pool.submit(_task, fn, spec.point(i), spec.entropy, i))
            if not inflight:
                break
            finished, inflight = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in finished:
                write(*fut.result())
    except BrokenProcessPool as exc:
        pool.shutdown(wait=False, cancel_futures=True)
        raise RuntimeError(
            "workers: a worker process died (killed, out of memory, or a script that starts a "
            "sweep without an `if __name__ == '__main__':` guard); finished points are kept in "
            "the store, run again to resume") from exc
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _dask(spec: SweepSpec, todo: list[int], write: _Writer, client: Any) -> None:
    from distributed import as_completed

    fn = spec.experiment_obj.function
    threads = sum(client.nthreads().values()) if client.nthreads() else 0
    window = max(4 * threads, 256)  # an adaptive cluster may grow after the start
    pending = iter(todo)
    owner: dict[Any, int] = {}

    def submit(ac: Any) -> None:
        i = next(pending, None)
        if i is not None:
            fut = client.submit(_task, fn, spec.point(i), spec.entropy, i, pure=False)
            owner[fut] = i
            ac.add(fut)

    ac = as_completed()
    for _ in range(window):
        submit(ac)
    try:
        for fut in ac:
            i = owner.pop(fut)
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - e.g. a worker died: record, go on
                res = (i, None, f"{type(exc).__name__}: {exc}", float("nan"))
            write(*res)
            fut.release()
            submit(ac)
    except BaseException:
        for fut in list(owner):
            fut.cancel()
        raise


def _resolve_workers(workers: int | None) -> int:
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"workers: got {workers!r}, expected an integer >= 1 or None (every core)")
    return int(workers)


def run_sweep(
    spec: SweepSpec,
    store: str | Path,
    *,
    workers: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    cluster: str | None = None,
    progress: Progress = None,
    netcdf: str | Path | None = None,
    command: str | None = None,
) -> SweepResult:
    """Run (or resume) every task of ``spec`` not yet done in the zarr ``store``.

    Parameters
    ----------
    spec : SweepSpec
    store : path
        Zarr store to create, or to resume when it exists (it must come from the same spec,
        otherwise :class:`StoreMismatchError`).
    workers : int or None
        Local processes (None: every core; 1: serially in this process). With
        ``cluster='local'``, the number of LocalCluster workers.
    client : distributed.Client, optional
        Run on this Dask cluster (e.g. a ``dask_jobqueue.SLURMCluster``'s client); not closed.
    scheduler : str, optional
        Address ``tcp://host:port`` of a running Dask scheduler to connect to.
    cluster : {'local'}, optional
        Start a ``distributed.LocalCluster`` (processes, one thread each) for this sweep.
    progress : callable(done, total), optional
        Called after every task with the tasks done so far (earlier runs included).
    netcdf : path, optional
        Also export the finished Dataset to this netCDF file.
    command : str, optional
        Command line recorded in the provenance attributes.

    Returns
    -------
    SweepResult
        Failed tasks are recorded in the store and counted, never raised.
    """
    if not isinstance(spec, SweepSpec):
        raise TypeError(f"spec: got {type(spec).__name__}, expected a SweepSpec")
    given = [n for n, v in (("client", client), ("scheduler", scheduler), ("cluster", cluster))
             if v is not None]
    if len(given) > 1:
        raise ValueError(f"{given[1]}: got both {given[0]} and {given[1]}, expected at most one backend")
    if cluster is not None and cluster != "local":
        raise ValueError(f"cluster: got {cluster!r}, expected 'local'")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise ValueError(f"scheduler: got {scheduler!r}, expected an address like tcp://host:8786")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress: got {type(progress).__name__}, expected a callable or None")
    n_workers = _resolve_workers(workers)
    path = Path(store)
    t0 = time.perf_counter()
    group, run_no = _open_store(spec, path, command)
    done_mask = np.asarray(group["done"][...], dtype=bool)
    todo = [int(i) for i in np.flatnonzero(~done_mask.ravel())]
    skipped = spec.n_points - len(todo)
    write = _Writer(spec, group, run_no, progress, skipped)
    if progress is not None:
        progress(skipped, spec.n_points)
    if todo:
        if given:
            _with_dask(spec, todo, write, client, scheduler, cluster, n_workers if workers else None)
        elif n_workers == 1 or len(todo) == 1:
            _serial(spec, todo, write)
        else:
            _processes(spec, todo, write, min(n_workers, len(todo)))
    out_nc = export_netcdf(path, netcdf) if netcdf is not None else None
    return SweepResult(path, spec.n_points, skipped, write.computed, len(write.failures),
                       tuple(write.failures), time.perf_counter() - t0, out_nc)


def _with_dask(spec, todo, write, client, scheduler, cluster, workers) -> None:
    from distributed import Client, LocalCluster

    if client is not None:
        _dask(spec, todo, write, client)
        return
    if scheduler is not None:
        with Client(scheduler) as c:
            _dask(spec, todo, write, c)
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                      dashboard_address=None) as lc, Client(lc) as c:
        _dask(spec, todo, write, c)


# -- reading ------------------------------------------------------------------------------------


def load_sweep(store: str | Path) -> xr.Dataset:
    """The sweep store as an in-memory Dataset (unfinished cells hold NaN, ``done`` False)."""
    path = Path(store)
    if not path.exists():
        raise FileNotFoundError(f"store: {path} does not exist")
    ds = xr.open_zarr(str(path), consolidated=False).load()
    if ds.attrs.get("sweep_format") != FORMAT:
        raise StoreMismatchError(f"store: {path} is not a sweep store")
    # plain Python strings (zarr hands back NumPy's StringDType), outputs before bookkeeping
    err = ds["error"]
    # a new variable, not err.copy(): the zarr encoding would carry StringDType into to_netcdf
    ds["error"] = xr.Variable(err.dims, np.array(err.values.tolist(), dtype=object).reshape(err.shape),
                              attrs=err.attrs)
    order = json.loads(ds.attrs["sweep_outputs"]) + list(BOOKKEEPING)
    return ds[order]


def export_netcdf(store: str | Path, path: str | Path) -> Path:
    """Write the sweep store to a netCDF file (h5netcdf) and return its path."""
    ds = load_sweep(store)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(out, engine="h5netcdf")
    return out


def sweep_status(store: str | Path) -> SweepStatus:
    """Done / total and the failed tasks (with their grid coordinates and messages) of a store."""
    ds = load_sweep(store)
    spec = SweepSpec.from_json(ds.attrs["sweep_spec"])
    done = np.asarray(ds["done"].values, dtype=bool).ravel()
    errors = np.asarray(ds["error"].values, dtype=object).ravel()
    failures = []
    for i in np.flatnonzero(~done & (errors != "")):
        pos = np.unravel_index(int(i), spec.shape)
        coords = {d: spec.axes[d][int(k)] for d, k in zip(spec.axes, pos)}
        coords["seed"] = int(pos[-1])
        failures.append((int(i), coords, str(errors[i])))
    return SweepStatus(Path(store), spec, spec.n_points, int(done.sum()), tuple(failures))


def iter_failures(status: SweepStatus) -> Iterator[str]:
    """One line per failed task, for logs."""
    for i, coords, msg in status.failures:
        where = ", ".join(f"{k}={v}" for k, v in coords.items())
        yield f"[{i}] {where}: {msg}"
