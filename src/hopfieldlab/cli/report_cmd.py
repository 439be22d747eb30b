"""The report command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ._app import app, guard
from ._output import console, emit_json


@app.command()
def report(
    size: Annotated[str, typer.Option(
        help="small (minutes on a laptop), full (paper scale) or tiny (a smoke test).")] = "small",
    out: Annotated[Path, typer.Option(help="Output folder; index.html is written there.")] = Path("report"),
    only: Annotated[str | None, typer.Option(help="One part only: relativistic, flow, capacity, highstorage or family.")] = None,
    seed: Annotated[int, typer.Option(help="Root seed of every stochastic computation.")] = 2018,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tally of checks as JSON.")] = False,
) -> None:
    """Recompute the papers' results and write a self-contained HTML report.

    Examples: hopfieldlab report --size small --out report;
    hopfieldlab report --only relativistic --size tiny --json
    """
    from ..report import build_report

    path = guard(lambda: build_report(out, size=size, only=only, seed=seed, show_progress=not as_json))
    summary = json.loads((path.parent / "summary.json").read_text())
    if as_json:
        emit_json({"path": str(path), **summary})
        return
    for slug, part in summary["parts"].items():
        console.print(f"{part['title']}: {part['within_tolerance']}/{part['checks']} checks within tolerance")
    console.print(f"report written to {path}")


