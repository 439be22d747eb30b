"""The command line as users meet it: JSON payloads carry the physics, errors are one line."""

import json
import math

import pytest
from typer.testing import CliRunner

from hopfieldlab.cli.main import app

runner = CliRunner()


def _json(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_help_lists_commands():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for cmd in ("expand", "theory", "simulate", "report"):
        assert cmd in res.output
    for cmd in ("expand", "theory", "simulate", "report"):
        assert runner.invoke(app, [cmd, "--help"]).exit_code == 0


def test_expand_json_has_alternating_signs():
    out = _json(["expand", "--model", "relativistic", "--order", "12", "--json"])
    vals = [t["value"] for t in out["terms"][1:]]
    assert len(vals) == 12
    assert all(a * b < 0 for a, b in zip(vals, vals[1:]))
    assert out["terms"][2]["coefficient"] == "-1/8"


def test_theory_mixture_json():
    out = _json(["theory", "--model", "relativistic", "--state", "mixture:3", "--T", "0.3", "--json"])
    assert set(out) >= {"model", "T", "m", "free_energy", "stable", "margin"}
    m = out["m"][:3]
    assert m[0] == pytest.approx(m[1]) == pytest.approx(m[2])
    # relativistic fixed point at β is the classical one at β_eff = β/√(1+|m|²): check the equation
    beta_eff = (1 / 0.3) / math.sqrt(1 + sum(x * x for x in out["m"]))
    rhs = 0.25 * (math.tanh(3 * beta_eff * m[0]) + math.tanh(beta_eff * m[0]))
    assert m[0] == pytest.approx(rhs, abs=1e-9)
    assert out["stable"] is True and out["margin"] > 0


def test_theory_stability_threshold_json():
    rel = _json(["theory", "--model", "relativistic", "--state", "mixture:3", "--stability-threshold", "--json"])
    cl = _json(["theory", "--model", "classical", "--state", "mixture:3", "--stability-threshold", "--json"])
    assert cl["T_star"] == pytest.approx(0.461, abs=0.005)  # Amit–Gutfreund–Sompolinsky
    assert rel["T_star"] < cl["T_star"]


def test_simulate_json_agrees_with_theory():
    out = _json(["simulate", "--model", "relativistic", "--N", "4000", "--P", "3", "--T", "0.5",
                 "--init", "pattern:1", "--sweeps", "60", "--replicas", "2", "--seed", "1", "--json"])
    assert set(out) >= {"m_mean", "m_final", "energy_mean", "flips_per_second"}
    assert len(out["m_final"]) == 2 and len(out["m_final"][0]) == 3
    # m = tanh(2m/√(1+m²)) has the root 0.8636 (finite N = 4000: allow 0.03)
    assert out["m_mean"][0] == pytest.approx(0.8636, abs=0.03)
    assert out["flips_per_second"] > 0


@pytest.mark.parametrize(
    "args, word",
    [
        (["theory", "--T", "-1", "--json"], "T"),
        (["theory", "--T", "nan", "--json"], "T"),
        (["theory", "--state", "mixture:0", "--json"], "state"),
        (["simulate", "--N", "100", "--P", "0", "--sweeps", "2", "--json"], "n_patterns"),
        (["simulate", "--N", "100", "--T", "-0.5", "--sweeps", "2", "--json"], "T"),
        (["simulate", "--N", "100", "--init", "foo", "--sweeps", "2", "--json"], "init"),
        (["expand", "--model", "quantum"], "model"),
    ],
)
def test_errors_are_one_clear_line(args, word):
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert word in res.output


COMMANDS = ["expand", "theory", "simulate", "flow", "density", "capacity", "retrieve", "phase-diagram",
            "sweep", "sweep-status", "plot", "report", "family"]


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_examples_and_json(cmd):
    res = runner.invoke(app, [cmd, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output and "--json" in res.output


def test_report_json_tallies_checks(tmp_path):
    out = _json(["report", "--only", "relativistic", "--size", "tiny", "--out", str(tmp_path), "--json"])
    part = out["parts"]["relativistic"]
    assert part["checks"] >= 20 and part["within_tolerance"] <= part["checks"]
    # closed-form checks (T_c, T = 0 overlaps and energies, AGS threshold) hold even at tiny size
    assert not [q for q in part["failed"] if "T_c" in q or "T=0" in q or "T*" in q]
    assert (tmp_path / "index.html").exists()
