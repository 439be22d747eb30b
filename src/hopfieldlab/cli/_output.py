"""Shared output helpers: JSON for scripts, rich tables for people, one-line errors."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

console = Console()
err_console = Console(stderr=True)


def to_jsonable(obj: Any) -> Any:
    """Convert NumPy scalars/arrays and Fractions into plain JSON values.

    Non-finite floats (NaN, ±inf) become ``null``: JSON has no such numbers, and a string such
    as "inf" would read as a value. Payloads that can hold an absent value carry a status saying
    why it is absent.
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        return x if math.isfinite(x) else None
    return obj


def emit_json(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(to_jsonable(payload), indent=2))


def fail(message: str, debug: bool = False, exc: BaseException | None = None) -> None:
    """Print one clear error line (a traceback only with --debug) and exit with status 2."""
    if debug and exc is not None:
        raise exc
    err_console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=2)


@contextmanager
def progress_bar(description: str, total: int, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar whose update callback has the library's (done, total) signature."""
    if not enabled:
        yield lambda done, tot: None
        return
    cols = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*cols, console=err_console, transient=True) as prog:
        task = prog.add_task(description, total=total)
        yield lambda done, tot: prog.update(task, completed=done, total=tot)
