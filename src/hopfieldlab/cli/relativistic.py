"""Commands of the relativistic line of work: expand, theory, simulate."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from ._app import JsonOpt, ModelOpt, app, guard, make_cli_cost
from ._output import console, emit_json, fail, progress_bar


@app.command()
def expand(
    model: ModelOpt = "relativistic",
    order: Annotated[int, typer.Option(help="Highest power k of |m|² (a 2k-body term).")] = 12,
    c: Annotated[float, typer.Option(help="Speed of light of the relativistic cost.")] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Taylor series of F(|m|²) as exact fractions, with each term's reading.

    Example: hopfieldlab expand --model relativistic --order 12
    """
    from ..models import expansion_table

    def run():
        cost = make_cli_cost(model, c, 2)
        return expansion_table(cost.radial_series(order))

    rows = guard(run)
    if as_json:
        emit_json({"model": model, "order": order, "terms": [
            {"k": r.k, "body": r.body, "coefficient": r.coefficient, "value": float(r.coefficient),
             "reading": r.reading} for r in rows]})
        return
    table = Table(title=f"-H/N = F(|m|²) for the {model} cost: Σ_k c_k |m|^(2k)")
    for col in ("k", "interaction", "c_k", "value", "reading"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r.k), f"{r.body}-body" if r.k else "-", str(r.coefficient),
                      f"{float(r.coefficient):+.6g}", r.reading)
    console.print(table)


@app.command()
def theory(
    model: ModelOpt = "relativistic",
    state: Annotated[str, typer.Option(help="pure, mixture:n, or comma-separated overlaps.")] = "pure",
    temperature: Annotated[float, typer.Option("--T", help="Temperature T >= 0.")] = 0.5,
    stability_threshold: Annotated[bool, typer.Option(
        "--stability-threshold", help="Print the temperature T* below which the state is stable.")] = False,
    n_patterns: Annotated[int | None, typer.Option(
        help="Number of stored patterns P (default: condensed ones + 1).")] = None,
    c: Annotated[float, typer.Option(help="Speed of light of the relativistic cost.")] = 1.0,
    p: Annotated[int, typer.Option(help="Order of the pbody cost.")] = 4,
    as_json: JsonOpt = False,
) -> None:
    """Low-storage mean-field theory: fixed point, free energy and stability of a state.

    Examples: hopfieldlab theory --model relativistic --state mixture:3 --T 0.3 --json;
    hopfieldlab theory --model relativistic --state mixture:3 --stability-threshold --json
    """
    from ..theory import solve_state
    from ..theory import stability_threshold as threshold

    cost = guard(lambda: make_cli_cost(model, c, p))
    if stability_threshold:
        if state == "pure":
            n = 1
        elif state.startswith("mixture:"):
            n = guard(lambda: int(state.split(":", 1)[1]))
        else:
            fail(f"state: got {state!r}, expected 'pure' or 'mixture:n' with --stability-threshold")
        t_star = guard(lambda: threshold(cost, n, n_patterns=n_patterns))
        payload = {"model": model, "state": state, "T_star": t_star}
        if as_json:
            emit_json(payload)
        else:
            console.print(f"{model} {state}: stable below T* = {t_star:.6f}")
        return
    st = state
    if "," in state:
        st = guard(lambda: np.array([float(x) for x in state.split(",")]))
    res = guard(lambda: solve_state(cost, temperature, st, n_patterns=n_patterns))
    payload = {"model": model, "T": temperature, "m": list(map(float, res.m)),
               "free_energy": float(res.free_energy), "stable": bool(res.stable),
               "margin": float(res.margin), "converged": bool(res.converged)}
    if as_json:
        emit_json(payload)
        return
    table = Table(title=f"{model}, state {state}, T = {temperature}")
    table.add_column("quantity")
    table.add_column("value")
    for k, v in payload.items():
        table.add_row(k, str(np.round(v, 6).tolist() if isinstance(v, list) else v))
    console.print(table)


def _initial_spins(init: str, xi: np.ndarray, replicas: int, rng: np.random.Generator) -> np.ndarray:
    from ..observables import mixture_state

    kind, _, arg = init.partition(":")
    n = xi.shape[1]
    if kind == "random":
        return rng.choice(np.array([-1, 1], dtype=np.int8), size=(replicas, n))
    if kind == "pattern":
        k = int(arg or 1)
        if not 1 <= k <= xi.shape[0]:
            raise ValueError(f"init: got pattern {k}, expected 1..{xi.shape[0]}")
        return np.repeat(np.where(xi[k - 1] > 0, 1, -1).astype(np.int8)[None], replicas, axis=0)
    if kind == "mixture":
        k = int(arg or 3)
        return np.repeat(mixture_state(xi, list(range(k)))[None], replicas, axis=0)
    raise ValueError(f"init: got {init!r}, expected 'random', 'pattern:k' or 'mixture:n'")


@app.command()
def simulate(
    model: ModelOpt = "relativistic",
    n_neurons: Annotated[int, typer.Option("--N", help="Number of neurons.")] = 10_000,
    n_patterns: Annotated[int, typer.Option("--P", help="Number of Rademacher patterns.")] = 3,
    temperature: Annotated[float, typer.Option("--T", help="Temperature T >= 0.")] = 0.5,
    init: Annotated[str, typer.Option(help="pattern:k (1-based), mixture:n or random.")] = "pattern:1",
    sweeps: Annotated[int, typer.Option(help="Monte Carlo sweeps (N attempts each).")] = 200,
    replicas: Annotated[int, typer.Option(help="Independent replicas run in parallel.")] = 4,
    algorithm: Annotated[str, typer.Option(help="heatbath, metropolis or descent.")] = "heatbath",
    order: Annotated[str, typer.Option(help="random (random-sequential) or sequential.")] = "random",
    seed: Annotated[int | None, typer.Option(help="Seed for patterns and dynamics.")] = None,
    c: Annotated[float, typer.Option(help="Speed of light of the relativistic cost.")] = 1.0,
    p: Annotated[int, typer.Option(help="Order of the pbody cost.")] = 4,
    as_json: JsonOpt = False,
) -> None:
    """Single-spin-flip Monte Carlo of a network with Rademacher patterns.

    Example: hopfieldlab simulate --model relativistic --N 10000 --P 3 --T 0.5 --init pattern:1
    --sweeps 200 --replicas 4 --seed 1 --json
    """
    from .. import patterns
    from ..dynamics import run_montecarlo
    from ..models import Network

    def run():
        rng = np.random.default_rng(seed)
        xi = patterns.rademacher(n_patterns, n_neurons, rng=rng)
        net = Network(xi, make_cli_cost(model, c, p))
        s0 = _initial_spins(init, xi, replicas, rng)
        with progress_bar("Monte Carlo sweeps", sweeps, enabled=not as_json) as cb:
            return run_montecarlo(net, s0, T=temperature, n_sweeps=sweeps, algorithm=algorithm,
                                  order=order, rng=rng, progress=cb)

    res = guard(run)
    half = res.energy[res.energy.shape[0] // 2:]
    payload = {"model": model, "N": n_neurons, "P": n_patterns, "T": temperature,
               "m_mean": list(map(float, res.m_mean)), "m_final": res.m_final.tolist(),
               "energy_mean": float(half.mean()) / n_neurons, "flips_per_second": res.flips_per_second}
    if as_json:
        emit_json(payload)
        return
    console.print(f"[bold]{model}[/] N={n_neurons} P={n_patterns} T={temperature} ({sweeps} sweeps, "
                  f"{replicas} replicas): {res.flips_per_second:.3g} flips/s")
    console.print(f"⟨m⟩ = {np.round(res.m_mean, 4).tolist()}, ⟨H⟩/N = {payload['energy_mean']:.5f}")


