"""Commands of the Hopfield-flow line of work: flow (deterministic) and density (stochastic)."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import typer

from ._app import JsonOpt, app, guard
from ._output import console, emit_json, progress_bar


def _floats(text: str, name: str) -> list[float]:
    try:
        return [float(v) for v in text.replace(";", ",").split(",") if v.strip()]
    except ValueError as exc:
        raise ValueError(f"{name}: got {text!r}, expected comma-separated numbers") from exc


def _matrix(text: str) -> np.ndarray:
    rows = [_floats(r, "W") for r in text.split(";") if r.strip()]
    if len({len(r) for r in rows}) != 1:
        raise ValueError(f"W: got {text!r}, expected rows of equal length separated by ';'")
    return np.array(rows)


@app.command()
def flow(
    activation: Annotated[str, typer.Option(help="logistic, tanh, arctan or identity.")] = "logistic",
    form: Annotated[str, typer.Option(help="x, natural (natural gradient in y) or mirror (discrete).")] = "x",
    weights: Annotated[str, typer.Option("--W", help="Symmetric weights, rows separated by ';'.")] = "0,4;4,0",
    bias: Annotated[str, typer.Option("--b", help="Bias, comma-separated.")] = "-2,-2",
    tau: Annotated[float, typer.Option(help="Time constant τ (same for all neurons).")] = 1.0,
    gain: Annotated[float, typer.Option(help="Activation gain λ.")] = 1.0,
    x0: Annotated[str, typer.Option(help="Initial state, comma-separated.")] = "0.3,-0.5",
    t_final: Annotated[float, typer.Option("--t-final", help="Final time.")] = 6.0,
    step: Annotated[float, typer.Option(help="Mirror-descent step h.")] = 0.01,
    as_json: JsonOpt = False,
) -> None:
    """Deterministic network flow: trajectory end point, energy decrease, equilibrium.

    Examples: hopfieldlab flow --activation tanh --form natural --json;
    hopfieldlab flow --W "0,4;4,0" --b "-2,-2" --form mirror --step 0.01
    """
    from ..dynamics.flow import HopfieldNetwork, find_equilibrium, run_flow

    def run():
        net = HopfieldNetwork(_matrix(weights), _floats(bias, "b"), tau, activation, gain=gain)
        res = run_flow(net, _floats(x0, "x0"), t_final, form=form, step=step)
        eq = find_equilibrium(net, res.x[-1], on_fail="ignore")
        return net, res, eq

    _net, res, eq = guard(run)
    de = np.diff(res.energy)
    payload = {"activation": activation, "form": form, "t_final": float(res.t[-1]),
               "y_final": res.y[-1], "x_final": res.x[-1], "energy_initial": float(res.energy[0]),
               "energy_final": float(res.energy[-1]),
               "energy_monotone": bool(np.all(de <= 1e-8 * (1 + np.abs(res.energy[:-1])))),
               "equilibrium_y": eq.y, "equilibrium_stable": eq.stable, "success": res.success,
               "steps": res.nfev}
    if as_json:
        emit_json(payload)
        return
    console.print(f"[bold]{activation}[/] network, {form} form, t = {payload['t_final']:.3g}: "
                  f"y = {np.round(res.y[-1], 6).tolist()}")
    console.print(f"E: {payload['energy_initial']:.6g} → {payload['energy_final']:.6g} "
                  f"(monotone: {payload['energy_monotone']}); nearest equilibrium y = "
                  f"{np.round(eq.y, 6).tolist()} (stable: {eq.stable})")


@app.command()
def density(
    ou: Annotated[bool, typer.Option("--ou", help="Ornstein–Uhlenbeck test case (closed form) "
                                     "instead of the 1-neuron network.")] = False,
    temperature: Annotated[float, typer.Option("--T", help="Temperature T > 0.")] = 1.0,
    weight: Annotated[float, typer.Option("--w", help="Self-weight of the 1-neuron network.")] = 8.0,
    bias: Annotated[float, typer.Option("--b", help="Bias of the 1-neuron network.")] = -4.0,
    particles: Annotated[int, typer.Option(help="Samples N of the proximal recursion.")] = 400,
    h: Annotated[float, typer.Option(help="Time step.")] = 2e-3,
    t_final: Annotated[float, typer.Option("--t-final", help="Final time.")] = 2.0,
    eps: Annotated[float, typer.Option(help="Entropic regularisation ε.")] = 0.05,
    samples: Annotated[int, typer.Option(help="SDE ensemble size for the comparison.")] = 10_000,
    seed: Annotated[int | None, typer.Option(help="Seed.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Density of the stochastic network by the proximal (JKO) recursion, vs SDE/closed form.

    Examples: hopfieldlab density --T 1 --particles 400 --json;
    hopfieldlab density --ou --particles 400 --h 0.001 --t-final 2 --json
    """
    from ..experiments import flow as exp

    def run():
        steps = max(1, round(t_final / h))
        with progress_bar("proximal recursion", steps, enabled=not as_json) as cb:
            if ou:
                return exp.ou_proximal(T=temperature, n_particles=particles, h=h, t_final=t_final,
                                       eps=eps, rng=seed, progress=cb)
            return exp.density_evolution(W=[[weight]], b=[bias], T=temperature, n_particles=particles,
                                         h=h, t_final=t_final, eps=eps, n_sde=samples, rng=seed,
                                         progress=cb)

    ds = guard(run)
    payload = {"case": "ou" if ou else "network", "time": ds.time.values,
               "mean": {str(s): ds.mu.sel(source=s).values for s in ds.source.values},
               "variance": {str(s): ds.variance.sel(source=s).values for s in ds.source.values},
               "max_sweeps": int(ds.n_iter.max())}
    if "free_energy_gibbs" in ds:
        payload["free_energy"] = ds.free_energy.values
        payload["free_energy_gibbs"] = float(ds.free_energy_gibbs)
    else:
        payload["free_energy"] = ds.free_energy.sel(source="proximal").values
    if as_json:
        emit_json(payload)
        return
    from rich.table import Table

    table = Table(title=f"{payload['case']}: mean / variance over time")
    table.add_column("t")
    for s in ds.source.values:
        table.add_column(str(s))
    for k, t in enumerate(ds.time.values):
        table.add_row(f"{t:.3g}", *[f"{payload['mean'][str(s)][k]:.4f} / {payload['variance'][str(s)][k]:.4f}"
                                     for s in ds.source.values])
    console.print(table)
