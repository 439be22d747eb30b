"""The `hopfieldlab family` command: JSON output, theory beside simulation, input errors."""

import json

import pytest
from typer.testing import CliRunner

from hopfieldlab.cli import family as _family  # noqa: F401  (registers family)
from hopfieldlab.cli._app import app
from hopfieldlab.experiments.family_more import cue_bit_error_theory, noisy_cue_retrieval

runner = CliRunner()


def _run(*args: str) -> dict:
    res = runner.invoke(app, ["family", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_polynomial_below_capacity_retrieves_and_matches_theory():
    # n = 3, N = 60, P = 120: P/N^2 = 1/30, one-step error Φ(-0.64·√10) ≈ 0.02; iterating cleans it up
    out = _run("--model", "polynomial", "--degree", "3", "--N", "60", "--P", "120", "--T", "0",
               "--noise", "0.1", "--seed", "1")
    assert out["retrieved_fraction"] == 1.0
    assert out["bit_error"] == 0.0
    assert out["bit_error_theory"] == pytest.approx(cue_bit_error_theory("polynomial", 3, 60, 120, 0.1))
    assert 0.01 < out["bit_error_theory"] < 0.03


def test_polynomial_overloaded_tracks_signal_to_noise():
    # P/N^2 = 0.11, beyond capacity: the one-step estimate (~0.13) sets the scale of the final error,
    # which the iterated dynamics only increase
    out = _run("--model", "polynomial", "--degree", "3", "--N", "60", "--P", "400", "--T", "0",
               "--noise", "0.1", "--replicas", "16", "--seed", "3")
    assert out["retrieved_fraction"] < 1.0
    assert out["bit_error_theory"] - 0.03 < out["bit_error"] < 0.4


def test_exponential_below_and_above_bound():
    below = _run("--model", "exponential", "--N", "20", "--P", "100", "--noise", "0.05", "--seed", "2")
    assert below["theory_retrieves"] and below["retrieved_fraction"] == 1.0
    above = _run("--model", "exponential", "--N", "12", "--P", "4000", "--noise", "0.2", "--seed", "2")
    assert not above["theory_retrieves"]
    assert above["retrieved_fraction"] < 1.0


def test_rectified_runs_and_same_seed_same_numbers():
    a = _run("--model", "rectified", "--N", "40", "--P", "200", "--seed", "5")
    b = _run("--model", "rectified", "--N", "40", "--P", "200", "--seed", "5")
    assert a == b
    assert 0.0 <= a["bit_error_theory"] < cue_bit_error_theory("polynomial", 3, 40, 200, 0.1)


def test_human_output_and_help_examples():
    res = runner.invoke(app, ["family", "--N", "30", "--P", "20", "--seed", "1"])
    assert res.exit_code == 0 and "retrieved" in res.output and "theory" in res.output
    res = runner.invoke(app, ["family", "--help"])
    assert res.exit_code == 0 and "Examples" in res.output


@pytest.mark.parametrize(("args", "word"), [
    (["--model", "hopfield"], "model"),
    (["--noise", "0.7"], "noise"),
    (["--N", "2"], "n_neurons"),
    (["--model", "exponential", "--N", "700"], "lam"),
])
def test_bad_input_is_one_line_error(args, word):
    res = runner.invoke(app, ["family", *args])
    assert res.exit_code == 2
    assert word in res.output


def test_noisy_cue_retrieval_dataset_metadata():
    ds = noisy_cue_retrieval("polynomial", 30, 10, degree=2, n_replicas=3, rng=0)
    for v in ds.data_vars:
        assert ds[v].attrs["long_name"] and "units" in ds[v].attrs
    assert ds.attrs["experiment"] == "family_more.noisy_cue_retrieval"
    assert ds.overlap.shape == (3,)
