"""Command of the wider family: Monte Carlo retrieval in dense and exponential memories."""

from __future__ import annotations

from typing import Annotated

import typer

from ._app import JsonOpt, app, guard
from ._output import console, emit_json, progress_bar


@app.command()
def family(
    model: Annotated[str, typer.Option("--model", help="polynomial, rectified or exponential.")] = "polynomial",
    n_neurons: Annotated[int, typer.Option("--N", help="Number of binary neurons.")] = 100,
    n_patterns: Annotated[int, typer.Option("--P", help="Number of Rademacher patterns.")] = 500,
    temperature: Annotated[float, typer.Option("--T", help="Temperature T >= 0 (0: descent).")] = 0.0,
    degree: Annotated[int, typer.Option("--degree", help="Degree n of F(x) = x^n (polynomial models).")] = 3,
    lam: Annotated[float, typer.Option("--lam", help="λ of F(x) = exp(λx) (exponential model).")] = 1.0,
    noise: Annotated[float, typer.Option(help="Fraction of flipped bits in each cue, in [0, 0.5).")] = 0.1,
    sweeps: Annotated[int, typer.Option(help="Monte Carlo sweeps (N flip attempts each).")] = 10,
    replicas: Annotated[int, typer.Option(help="Independent cues (replica r cues pattern r mod P).")] = 8,
    threshold: Annotated[float, typer.Option(help="Final overlap counted as retrieved.")] = 0.95,
    seed: Annotated[int | None, typer.Option(help="Seed for patterns, cues and dynamics.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Retrieve stored patterns from noisy cues in a dense (Krotov–Hopfield) or exponential memory.

    Prints the retrieved fraction, the final bit error and, where theory exists, its prediction:
    the one-step signal-to-noise bit error for the polynomial models, the load ln(P)/N against
    the Demircigil et al. bound I(1-2ρ)/2 for the exponential one.

    Examples: hopfieldlab family --model polynomial --degree 3 --N 100 --P 1000 --T 0 --noise 0.1 --json;
    hopfieldlab family --model exponential --N 20 --P 150 --noise 0.05 --seed 1
    """
    from ..experiments.family_more import noisy_cue_retrieval

    def run():
        with progress_bar("Monte Carlo sweeps", sweeps, enabled=not as_json) as cb:
            return noisy_cue_retrieval(model, n_neurons, n_patterns, T=temperature, noise=noise,
                                       degree=degree, lam=lam, n_sweeps=sweeps, n_replicas=replicas,
                                       threshold=threshold, rng=seed, progress=cb)

    ds = guard(run)
    payload = {"model": model, "N": n_neurons, "P": n_patterns, "T": temperature, "noise": noise,
               "retrieved_fraction": float(ds.retrieved_fraction), "bit_error": float(ds.bit_error),
               "overlaps": ds.overlap.values.tolist(), "alpha": float(ds.alpha)}
    if model == "exponential":
        payload.update(lam=lam, alpha_bound=float(ds.alpha_bound),
                       theory_retrieves=bool(float(ds.alpha) < float(ds.alpha_bound)))
    else:
        payload.update(degree=degree, bit_error_theory=float(ds.bit_error_theory))
    if as_json:
        emit_json(payload)
        return
    console.print(f"[bold]{model}[/] N={n_neurons} P={n_patterns} T={temperature} noise={noise}: "
                  f"retrieved {payload['retrieved_fraction']:.3f} of {replicas} cues, "
                  f"final bit error {payload['bit_error']:.4f}")
    if model == "exponential":
        console.print(f"theory: ln(P)/N = {payload['alpha']:.4f} vs bound {payload['alpha_bound']:.4f} -> "
                      f"{'retrieval expected' if payload['theory_retrieves'] else 'beyond the bound'}")
    else:
        console.print(f"theory: P/N^(n-1) = {payload['alpha']:.4g}, one-step bit error "
                      f"{payload['bit_error_theory']:.4f}")
