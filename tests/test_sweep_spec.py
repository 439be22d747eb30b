"""Sweep specs: TOML in and out, grid expansion, and bad specs rejected with the key named."""

import json

import numpy as np
import pytest

from hopfieldlab.experiments.registry import available_experiments, get_experiment
from hopfieldlab.experiments.spec import SpecError, SweepSpec, load_spec

GOOD = """
experiment = "relativistic_mc"
seeds = 3
entropy = 42

[fixed]
N = 500
P = 3
sweeps = 10

[axes]
T = { start = 0.1, stop = 0.5, num = 5 }
model = ["classical", "relativistic"]
"""


def test_builtin_experiments_are_registered():
    assert {"relativistic_mc", "relativistic_theory", "dam_retrieval", "noise"} <= set(
        available_experiments())
    exp = get_experiment("relativistic_mc")
    assert exp.plot_var in {o.name for o in exp.outputs}
    assert all(o.long_name and o.units for o in exp.outputs)


def test_toml_round_trip_and_grid_order():
    spec = SweepSpec.from_toml(GOOD)
    assert spec.axes["T"] == (0.1, 0.2, 0.3, 0.4, 0.5)
    assert spec.dims == ("T", "model", "seed") and spec.shape == (5, 2, 3)
    assert spec.n_points == 30
    again = SweepSpec.from_toml(spec.to_toml())
    assert again == spec and again.fingerprint() == spec.fingerprint()
    assert SweepSpec.from_json(spec.to_json()) == spec
    # flat index in C order, seed last; defaults filled in
    p = spec.point(7)  # (T index 1, model index 0, seed 1)
    assert p["T"] == 0.2 and p["model"] == "classical"
    assert p["c"] == 1.0 and p["init"] == "pattern" and p["N"] == 500
    with pytest.raises(ValueError, match="index"):
        spec.point(30)


def test_range_forms():
    spec = SweepSpec("noise", axes={"mu": {"start": 0, "stop": 1, "step": 0.1},
                                    "sigma": {"start": 1, "stop": 7, "step": 2}})
    assert spec.axes["mu"] == tuple(round(0.1 * i, 10) for i in range(11))
    assert spec.axes["sigma"] == (1.0, 3.0, 5.0, 7.0)
    log = SweepSpec("noise", axes={"sigma": {"start": 0.01, "stop": 1, "num": 3, "log": True}})
    np.testing.assert_allclose(log.axes["sigma"], [0.01, 0.1, 1.0])


def test_entropy_is_derived_from_the_spec_when_absent():
    a = SweepSpec("noise", axes={"mu": [0.0, 1.0]})
    b = SweepSpec("noise", axes={"mu": [0.0, 1.0]})
    c = SweepSpec("noise", axes={"mu": [0.0, 2.0]})
    assert a.entropy == b.entropy != c.entropy
    assert 0 <= a.entropy < 2**63
    assert SweepSpec("noise", axes={"mu": [0.0]}, entropy=5).entropy == 5


def test_load_spec_from_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD)
    assert load_spec(path).experiment == "relativistic_mc"
    with pytest.raises(FileNotFoundError, match="spec"):
        load_spec(tmp_path / "missing.toml")


def test_example_specs_are_valid():
    from pathlib import Path

    files = sorted((Path(__file__).parents[1] / "examples" / "sweeps").glob("*.toml"))
    assert len(files) >= 2
    for f in files:
        spec = load_spec(f)
        assert spec.n_points <= 200  # small enough for a few minutes on 2 cores


def _with(replace_from, replace_to):
    assert replace_from in GOOD
    return GOOD.replace(replace_from, replace_to)


@pytest.mark.parametrize(
    "text, key, expected",
    [
        (_with('"relativistic_mc"', '"relativistc_mc"'), "experiment", "relativistic_mc"),
        (_with("seeds = 3", "seeds = 3\nseed = 1"), "seed", "top level"),
        (_with("N = 500", "N = 500\nQ = 1"), "fixed.Q", "unknown parameter"),
        (_with("N = 500", 'N = "big"'), "fixed.N", "integer"),
        (_with("N = 500", "N = -5"), "fixed.N", ">= 2"),
        (_with("sweeps = 10", "sweeps = 2.5"), "fixed.sweeps", "integer"),
        (_with('model = ["classical", "relativistic"]', "model = []"), "axes.model", "non-empty"),
        (_with('model = ["classical", "relativistic"]', 'model = ["classical", "quantum"]'),
         r"axes.model\[1\]", "one of"),
        (_with('model = ["classical", "relativistic"]', 'model = "classical"'), "axes.model",
         "list"),
        (_with('model = ["classical", "relativistic"]', 'model = ["classical", "classical"]'),
         "axes.model", "distinct"),
        (_with("T = { start = 0.1, stop = 0.5, num = 5 }", "T = { start = 0.1, stop = 0.5 }"),
         "axes.T", "num"),
        (_with("T = { start = 0.1, stop = 0.5, num = 5 }", "T = { start = 0.1, stop = 0.5, n = 5 }"),
         "axes.T", "unknown key 'n'"),
        (_with("T = { start = 0.1, stop = 0.5, num = 5 }", "T = [0.1, -0.2]"), r"axes.T\[1\]",
         ">= 0"),
        (_with("sweeps = 10\n", ""), "fixed.sweeps", "missing"),
        (_with("N = 500", "N = 500\nT = 0.3"), "axes.T", "one place"),
        (_with("seeds = 3", "seeds = 0"), "seeds", ">= 1"),
        (_with("entropy = 42", "entropy = -1"), "entropy", "non-negative"),
        (_with('P = 3', 'P = 2\ninit = "mixture"'), "P", "mixture"),
        (_with("[axes]", "[grid]"), "grid", "top level"),
        (_with("[fixed]", "[fixed"), "spec", "TOML"),
    ],
)
def test_bad_specs_name_the_key(text, key, expected):
    with pytest.raises(SpecError, match=key) as info:
        SweepSpec.from_toml(text)
    assert expected in str(info.value)
    assert isinstance(info.value, ValueError)


def test_joint_checks_of_other_experiments():
    with pytest.raises(SpecError, match="state"):
        SweepSpec("relativistic_theory", axes={"T": [0.1]},
                  fixed={"model": "classical", "state": "mixtur:3"})
    with pytest.raises(SpecError, match="max_patterns"):
        SweepSpec("dam_retrieval", axes={"alpha": [0.1, 1.5]},
                  fixed={"ensemble": "spherical", "N": 20, "lam": 1.0})
    # an array output whose length would change across the grid is refused
    with pytest.raises(SpecError, match="overlaps"):
        SweepSpec("relativistic_mc", axes={"P": [3, 4]},
                  fixed={"model": "classical", "N": 50, "T": 0.5, "sweeps": 3})


def test_spec_json_is_plain():
    spec = SweepSpec.from_toml(GOOD)
    d = json.loads(spec.to_json())
    assert list(d["axes"]) == ["T", "model"] and d["entropy"] == 42
