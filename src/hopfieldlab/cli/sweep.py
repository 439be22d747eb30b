"""Commands for parameter sweeps: sweep (run or resume), sweep status / sweep-status, plot."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ._app import JsonOpt, app, guard
from ._output import console, emit_json, err_console, fail

EXIT_FAILED_POINTS = 1
EXIT_INTERRUPTED = 130


class _RateColumn(ProgressColumn):
    """Points finished per second (or seconds per point when slower than one a second)."""

    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        if not speed:
            return Text("-- pts/s", style="progress.data.speed")
        text = f"{speed:.2f} pts/s" if speed >= 1 else f"{1 / speed:.1f} s/pt"
        return Text(text, style="progress.data.speed")


class _Reporter:
    """The (done, total) callback: a rich bar, or a log line every 10% with ``--quiet``."""

    def __init__(self, label: str, quiet: bool, silent: bool = False):
        self.label, self.quiet, self.silent = label, quiet or silent, silent
        self.progress: Progress | None = None
        self.task = None
        self.next_log = 0.0
        self.t0 = time.perf_counter()

    def __enter__(self) -> _Reporter:
        if not self.quiet:
            self.progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=err_console, transient=False)
            self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)

    def __call__(self, done: int, total: int) -> None:
        if self.progress is not None:
            if self.task is None:  # start at the resumed count, so the rate counts new points only
                self.task = self.progress.add_task(self.label, total=total, completed=done)
            else:
                self.progress.update(self.task, completed=done, total=total)
        elif not self.silent and done >= self.next_log * total:
            err_console.print(f"{self.label}: {done}/{total} points "
                              f"({time.perf_counter() - self.t0:.0f} s)", highlight=False)
            self.next_log = (int(done * 10 / max(total, 1)) + 1) / 10


def _run(spec_path: str, out: str | None, workers: int | None, cluster: str | None,
         scheduler: str | None, fmt: str, quiet: bool, as_json: bool) -> None:
    from ..experiments.spec import load_spec
    from ..experiments.sweep import run_sweep

    if out is None:
        fail("out: missing, expected --out STORE.zarr (the store to create or resume)")
    if fmt not in ("zarr", "netcdf"):
        fail(f"format: got {fmt!r}, expected 'zarr' or 'netcdf'")
    if scheduler is not None and (cluster is not None or workers is not None):
        fail("scheduler: got it with --cluster or --workers, expected --scheduler alone "
             "(the remote cluster has its own workers)")
    try:
        spec = guard(lambda: load_spec(spec_path))
    except FileNotFoundError as exc:
        fail(str(exc))
    nc = Path(out).with_suffix(".nc") if fmt == "netcdf" else None
    command = "hopfieldlab " + " ".join(sys.argv[1:]) if sys.argv else None
    try:
        with _Reporter(f"{spec.name or spec.experiment}", quiet, silent=as_json) as rep:
            res = guard(lambda: run_sweep(spec, out, workers=workers, cluster=cluster,
                                          scheduler=scheduler, progress=rep, netcdf=nc,
                                          command=command))
    except KeyboardInterrupt:
        err_console.print(f"interrupted: finished points are kept in {out}; "
                          "run the same command again to resume")
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    payload = {"store": str(res.store), "total": res.n_total, "skipped": res.n_skipped,
               "computed": res.n_computed, "failed": res.n_failed,
               "done": res.n_skipped + res.n_computed, "elapsed_s": res.elapsed_s,
               "netcdf": None if res.netcdf is None else str(res.netcdf),
               "failures": [{"index": i, "error": m} for i, m in res.failures]}
    if as_json:
        emit_json(payload)
    else:
        console.print(f"{res.store}: {payload['done']}/{res.n_total} points done "
                      f"({res.n_computed} computed now, {res.n_skipped} resumed, "
                      f"{res.n_failed} failed) in {res.elapsed_s:.1f} s", highlight=False)
        for i, msg in res.failures[:10]:
            console.print(f"  failed [{i}]: {msg}", highlight=False)
        if res.netcdf is not None:
            console.print(f"netCDF: {res.netcdf}", highlight=False)
    if res.n_failed:
        raise typer.Exit(code=EXIT_FAILED_POINTS)


def _status(store: str, as_json: bool) -> None:
    from ..experiments.sweep import iter_failures, sweep_status

    try:
        st = guard(lambda: sweep_status(store))
    except FileNotFoundError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"store": str(st.store), "experiment": st.spec.experiment, "total": st.n_total,
                   "done": st.n_done, "failed": st.n_failed,
                   "failures": [{"index": i, "coords": c, "error": m} for i, c, m in st.failures]})
        return
    console.print(f"{st.store} ({st.spec.experiment}): {st.n_done}/{st.n_total} points done, "
                  f"{st.n_failed} failed, {st.n_total - st.n_done - st.n_failed} pending",
                  highlight=False)
    for line in iter_failures(st):
        console.print("  " + line, highlight=False)


@app.command("sweep")
def sweep(
    spec: Annotated[str, typer.Argument(
        metavar="SPEC.toml", help="Sweep spec (TOML); or the word 'status' followed by a store.")],
    store: Annotated[str | None, typer.Argument(
        metavar="[STORE.zarr]", help="Only after 'status': the store to report on.")] = None,
    out: Annotated[str | None, typer.Option("--out", help="Zarr store to create or resume.")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="Local processes (default: every core; 1: serial).")] = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="'local': start a Dask LocalCluster for this sweep.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address tcp://HOST:PORT of a running Dask scheduler.")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="zarr (the store only) or netcdf (also export STORE.nc at the end).")] = "zarr",
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar; a log line per 10%.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run a parameter grid into a zarr store, resuming whatever is already done there.

    Exit status: 0 when every point is done, 1 when some points failed (their errors are in
    the store; see 'sweep status'), 2 on bad input, 130 when interrupted.

    Examples: hopfieldlab sweep examples/sweeps/relativistic_overlap.toml --out m_T.zarr;
    hopfieldlab sweep spec.toml --out s.zarr --cluster local --workers 4;
    hopfieldlab sweep status s.zarr
    """
    if spec == "status":
        if store is None:
            fail("store: missing, expected 'hopfieldlab sweep status STORE.zarr'")
        _status(store, as_json)
        return
    if store is not None:
        fail(f"store: got an extra argument {store!r}; give the store with --out")
    _run(spec, out, workers, cluster, scheduler, fmt, quiet, as_json)


@app.command("sweep-status")
def sweep_status_cmd(
    store: Annotated[str, typer.Argument(metavar="STORE.zarr", help="A sweep store.")],
    as_json: JsonOpt = False,
) -> None:
    """Points done / total of a sweep store, and every failed point with its error.

    Example: hopfieldlab sweep-status s.zarr --json
    """
    _status(store, as_json)


@app.command("plot")
def plot(
    store: Annotated[str, typer.Argument(metavar="STORE.zarr", help="A sweep store (or .nc export).")],
    var: Annotated[str | None, typer.Option(help="Output to draw (default: the headline one).")] = None,
    out: Annotated[str | None, typer.Option(
        "--out", help="Image file (default: the store's path with .png).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figure's path as JSON.")] = False,
) -> None:
    """The standard figure of a sweep: an output over the first axis, one line per second axis.

    Example: hopfieldlab plot m_T.zarr --out m_T.png
    """
    import matplotlib
    import xarray as xr

    from ..experiments.sweep import load_sweep
    from ..plotting.sweep import plot_sweep

    matplotlib.use("Agg")  # this command's own process only writes a file

    path = Path(store)
    if not path.exists():
        fail(f"store: {path} does not exist")
    ds = guard(lambda: xr.load_dataset(path) if path.suffix == ".nc" else load_sweep(path))
    fig = guard(lambda: plot_sweep(ds, var))
    target = Path(out) if out else path.with_suffix(".png")
    fig.savefig(target, dpi=130)
    if as_json:
        emit_json({"store": str(path), "figure": str(target)})
        return
    console.print(f"figure: {target}", highlight=False)
