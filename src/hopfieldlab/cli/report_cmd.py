"""The report command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, guard
from ._output import console


@app.command()
def report(
    size: Annotated[str, typer.Option(help="small (minutes on a laptop) or full (paper scale).")] = "small",
    out: Annotated[Path, typer.Option(help="Output folder; index.html is written there.")] = Path("report"),
    only: Annotated[str | None, typer.Option(help="Run one part only, e.g. relativistic.")] = None,
    seed: Annotated[int, typer.Option(help="Root seed of every stochastic computation.")] = 2018,
) -> None:
    """Recompute the papers' results and write a self-contained HTML report.

    Example: hopfieldlab report --size small --out report
    """
    from ..report import build_report

    path = guard(lambda: build_report(out, size=size, only=only, seed=seed, show_progress=True))
    console.print(f"report written to {path}")


