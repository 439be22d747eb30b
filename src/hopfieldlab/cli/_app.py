"""The typer application, its global options and the helpers every command module shares."""

from __future__ import annotations

from typing import Annotated

import typer

from ._output import fail

app = typer.Typer(
    name="hopfieldlab",
    help="A laboratory for Hopfield-type associative memories: models, dynamics and theory side by side.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_STATE = {"debug": False}

ModelOpt = Annotated[str, typer.Option("--model", help="Cost: classical, relativistic or pbody.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False) -> None:
    _STATE["debug"] = debug


def make_cli_cost(model: str, c: float, p: int):
    from ..models import make_cost

    if model == "relativistic":
        return make_cost(model, c=c)
    if model == "pbody":
        return make_cost(model, p=p)
    return make_cost(model)


def guard(fn):
    """Run ``fn`` and turn the library's input errors into one-line CLI errors."""
    try:
        return fn()
    except (ValueError, TypeError, NotImplementedError, RuntimeError) as exc:
        fail(str(exc), _STATE["debug"], exc)


