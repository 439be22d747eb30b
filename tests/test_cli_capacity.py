"""CLI of the capacity line of work, checked against theory values (limits and closed forms)."""

import json
import math

import pytest
from typer.testing import CliRunner

from hopfieldlab.cli import capacity as _capacity  # noqa: F401  (registers capacity, retrieve)
from hopfieldlab.cli._app import app

runner = CliRunner()


def _json(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_capacity_keys_and_spherical_no_gap():
    out = _json(["capacity", "--ensemble", "spherical", "--lam", "2.0", "--json"])
    assert set(out) == {"ensemble", "lam", "alpha_1", "alpha_c"}
    assert out["alpha_1"] == out["alpha_c"]
    m = (math.sqrt(1 + 16) - 1) / 4  # m*(λ = 2) from I'(m) = λ
    assert out["alpha_1"] == pytest.approx(2 * (1 - m) - 0.5 * math.log(m / 2), rel=1e-12)


def test_capacity_gaussian_infinite_lambda_limits():
    out = _json(["capacity", "--ensemble", "gaussian", "--lam", "inf", "--json"])
    assert out["alpha_1"] == pytest.approx(0.5)
    assert out["alpha_c"] == pytest.approx(math.log(2) / 4)


def test_capacity_basin_gaussian_closed_form():
    out = _json(["capacity", "--ensemble", "gaussian", "--lam", "2.0", "--basin", "--alpha", "0.1", "--json"])
    assert set(out) == {"ensemble", "lam", "alpha", "rho_min"}
    assert out["rho_min"] == pytest.approx(math.sqrt(0.2), rel=1e-12)  # condensed noise: √(2α)


def test_retrieve_json_below_and_above_alpha_1():
    # spherical λ = 0.3: α₁ ≈ 0.257
    lo = _json(["retrieve", "--ensemble", "spherical", "--N", "24", "--alpha", "0.18", "--lam", "0.3",
                "--trials", "60", "--seed", "1", "--json"])
    assert {"p_retrieval", "p_err", "P", "queries_per_second"} <= set(lo)
    assert lo["P"] == round(math.exp(0.18 * 24)) and lo["p_retrieval"] > 0.9
    hi = _json(["retrieve", "--ensemble", "spherical", "--N", "24", "--alpha", "0.34", "--lam", "0.3",
                "--trials", "60", "--seed", "1", "--json"])
    assert hi["p_retrieval"] < 0.1


def test_finite_n_threshold_and_theory_beside_the_simulation():
    a1 = _json(["capacity", "--ensemble", "spherical", "--lam", "0.3", "--json"])["alpha_1"]
    small, big = (_json(["capacity", "--ensemble", "spherical", "--lam", "0.3", "--N", str(n), "--json"])
                  for n in (12, 200))
    # the one-step crossing sits above α₁ at small N (P − 1 competitors, log-normal shift) and tends to it
    assert small["alpha_half_N"] > a1 + 1e-3 and abs(big["alpha_half_N"] - a1) < 1e-4
    out = _json(["retrieve", "--ensemble", "spherical", "--N", "20", "--alpha", f"{a1:.4f}", "--lam", "0.3",
                 "--trials", "400", "--seed", "3", "--json"])
    assert 0.3 < out["p_theory_finite_n"] < 0.7
    assert abs(out["p_retrieval"] - out["p_theory_finite_n"]) < 4 * math.sqrt(0.25 / 400) + 0.02


@pytest.mark.parametrize("args, word", [
    (["capacity", "--N", "1"], "n_neurons"),
    (["capacity", "--lam", "-1"], "lam"),
    (["capacity", "--ensemble", "ising"], "ensemble"),
    (["capacity", "--basin"], "alpha"),
    (["retrieve", "--alpha", "-0.1"], "alpha"),
])
def test_bad_input_is_one_clear_error(args, word):
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and word in res.output
