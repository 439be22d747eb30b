"""Commands of the exponential-capacity line of work: capacity (theory) and retrieve (finite N)."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table

from ._app import JsonOpt, app, guard
from ._output import console, emit_json, fail

EnsembleOpt = Annotated[str, typer.Option("--ensemble", help="Pattern ensemble: spherical or gaussian.")]
LamOpt = Annotated[float, typer.Option("--lam", help="Inverse temperature λ > 0 ('inf' accepted).")]


def _print(payload: dict, title: str) -> None:
    table = Table(title=title)
    table.add_column("quantity")
    table.add_column("value")
    for k, v in payload.items():
        table.add_row(k, f"{v:.6g}" if isinstance(v, float) else str(v))
    console.print(table)


@app.command()
def capacity(
    ensemble: EnsembleOpt = "spherical",
    lam: LamOpt = 2.0,
    basin: Annotated[bool, typer.Option("--basin", help="Print the initial overlap ρ_min needed at --alpha.")] = False,
    alpha: Annotated[float | None, typer.Option("--alpha", help="Load α = log(P)/N (with --basin).")] = None,
    n_neurons: Annotated[int | None, typer.Option(
        "--N", help="Also print the finite-N one-step threshold α_1/2(N) (spherical or gaussian).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Retrieval thresholds α₁(λ), α_c(λ) at P = e^{αN}, or the basin ρ_min(α, λ).

    Examples: hopfieldlab capacity --ensemble spherical --lam 2.0 --json;
    hopfieldlab capacity --ensemble gaussian --lam 2.0 --basin --alpha 0.1 --json;
    hopfieldlab capacity --ensemble spherical --lam 0.3 --N 20 --json
    """
    from .._validation import check_choice
    from ..theory.dense import alpha_1, alpha_c, rho_min
    from ..theory.dense_finite import one_step_threshold

    guard(lambda: check_choice(ensemble, "ensemble", ("spherical", "gaussian", "binary")))
    if basin:
        if alpha is None:
            fail("alpha: got nothing, expected --alpha with --basin")
        r = guard(lambda: rho_min(alpha, lam, ensemble))
        payload = {"ensemble": ensemble, "lam": lam, "alpha": alpha, "rho_min": r}
    else:
        a1 = guard(lambda: alpha_1(lam, ensemble))
        payload = {"ensemble": ensemble, "lam": lam, "alpha_1": a1, "alpha_c": guard(lambda: alpha_c(lam, ensemble))}
        if n_neurons is not None:
            th = guard(lambda: one_step_threshold(lam, n_neurons, ensemble))
            payload.update(N=n_neurons, alpha_half_N=th.alpha_half, finite_n_status=th.status)
    if as_json:
        emit_json(payload)
    else:
        _print(payload, f"{ensemble} patterns, λ = {lam}")


@app.command()
def retrieve(
    ensemble: EnsembleOpt = "spherical",
    n_neurons: Annotated[int, typer.Option("--N", help="Number of neurons N.")] = 30,
    alpha: Annotated[float, typer.Option("--alpha", help="Load α; P = round(e^{αN}).")] = 0.2,
    lam: LamOpt = 4.0,
    rho: Annotated[float, typer.Option("--rho", help="Initial overlap of the cue (1: the pattern).")] = 1.0,
    trials: Annotated[int, typer.Option("--trials", help="Number of retrieval trials.")] = 200,
    seed: Annotated[int | None, typer.Option("--seed", help="Root seed.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Finite-N retrieval probability of a typical pattern (one-step softmax-weight criterion).

    Example: hopfieldlab retrieve --ensemble spherical --N 30 --alpha 0.2 --lam 4 --trials 200 --seed 1 --json
    """
    from ..experiments.capacity import retrieval_point
    from ..theory.dense_finite import one_step_probability

    pt = guard(lambda: retrieval_point(ensemble, n_neurons, alpha, lam, rho=rho, n_trials=trials, rng=seed))
    # finite-N theory at the realised P (log-normal REM law; finite λ only)
    p_th = (one_step_probability(math.log(pt.n_patterns) / n_neurons, lam, n_neurons, ensemble, rho)
            if math.isfinite(lam) else None)
    payload = {"p_retrieval": pt.p_retrieval, "p_err": pt.p_err, "P": pt.n_patterns,
               "queries_per_second": pt.queries_per_second, "p_theory_finite_n": p_th}
    if as_json:
        emit_json(payload)
    else:
        _print(payload, f"{ensemble}, N = {n_neurons}, α = {alpha}, λ = {lam}, ρ = {rho}")
