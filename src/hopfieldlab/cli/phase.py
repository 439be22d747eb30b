"""The ``phase-diagram`` command: replica-symmetric lines at high storage (P = αN)."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from ._app import JsonOpt, ModelOpt, app, guard, make_cli_cost
from ._output import console, emit_json, progress_bar


@app.command("phase-diagram")
def phase_diagram(
    model: ModelOpt = "classical",
    c: Annotated[float, typer.Option(help="Speed of light of the relativistic cost.")] = 1.0,
    alpha_max: Annotated[float, typer.Option(help="Largest load α on the grid.")] = 0.14,
    n_alpha: Annotated[int, typer.Option(help="Number of loads on the grid.")] = 8,
    at_line: Annotated[bool, typer.Option(
        "--at-line/--no-at-line", help="Also compute the de Almeida–Thouless line.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """RS phase diagram: T_g(α), T_M(α), T_c(α), T_AT(α) and α_c at T = 0.

    Example: hopfieldlab phase-diagram --model relativistic --json
    """
    from ..theory.highstorage import phase_lines

    def grid() -> np.ndarray:
        if not 0.0 < alpha_max <= 1.0:
            raise ValueError(f"alpha_max: got {alpha_max}, expected 0 < alpha_max <= 1")
        if n_alpha < 1:
            raise ValueError(f"n_alpha: got {n_alpha}, expected an integer >= 1")
        return np.linspace(alpha_max / n_alpha, alpha_max, n_alpha)

    cost = guard(lambda: make_cli_cost(model, c, 2))
    alphas = guard(grid)
    with progress_bar("phase lines", len(alphas), enabled=not as_json) as cb:
        lines = guard(lambda: phase_lines(cost, alphas, at_line=at_line, progress=cb))
    payload = {"model": model, "alpha": lines.alpha, "T_g": lines.T_g, "T_M": lines.T_M,
               "T_c": lines.T_c, "T_AT": lines.T_AT, "alpha_c": lines.alpha_c,
               "m_c": lines.m_c,
               # per line and load: "ok…" where the value is a result, else why it is null
               "status": {k: v.tolist() for k, v in lines.status.items()}}
    if model == "relativistic":
        payload["c"] = c
    if as_json:
        emit_json(payload)
        return
    table = Table(title=f"{model}: RS phase diagram (α_c = {lines.alpha_c:.5f}, m_c = {lines.m_c:.4f})")
    for col in ("alpha", "T_g", "T_M", "T_c", "T_AT"):
        table.add_column(col)
    notes: dict[str, int] = {}

    def cell(name: str, i: int) -> str:
        v = float(payload[name][i])
        if np.isfinite(v):
            return f"{v:.4f}"
        why = lines.status[name][i]
        notes.setdefault(why, len(notes) + 1)
        return f"— ({notes[why]})"

    for i in range(lines.alpha.size):
        table.add_row(f"{lines.alpha[i]:.4f}", f"{lines.T_g[i]:.4f}",
                      *(cell(k, i) for k in ("T_M", "T_c", "T_AT")))
    console.print(table)
    for why, n in notes.items():
        console.print(f"({n}) {why}", highlight=False, markup=False)
