"""High-storage RS lines: T_M is the true fold (checked with solve_rs), absent lines are NaN/null."""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from hopfieldlab.cli._output import to_jsonable
from hopfieldlab.models import Classical, Relativistic
from hopfieldlab.theory import highstorage as hs

CL, REL = Classical(), Relativistic()
AC = hs.alpha_c()[0]


def _retrieves(st) -> bool:
    return bool(st.converged and st.m > 0.5)


@pytest.mark.parametrize("cost", [CL, REL], ids=["classical", "relativistic"])
def test_no_retrieval_state_above_t_m_and_one_just_below(cost):
    # Independent check with solve_rs: continue the retrieval state from T = 0.01 up to T_M − δ
    # in steps that shrink geometrically towards T_M (near a fold m − m_M ~ √(T_M − T), so the
    # warm start stays close), then look for it at T_M + δ from that state and from others.
    # The old tracer stopped before the fold near α_c (e.g. α = 0.11, 0.13, 0.137) and reported
    # T_M up to 3e-3 too low, where solve_rs still finds m ≈ 0.96.
    delta = 2e-4
    for alpha in np.r_[np.linspace(0.101, 0.137, 19), AC * (1 - 1e-4), AC]:
        tm = hs.retrieval_temperature(cost, float(alpha))
        assert np.isfinite(tm) and tm > 0.03, alpha
        ts = tm - np.geomspace(tm - 0.01, delta, 14)
        branch = hs.rs_branch(cost, float(alpha), ts)
        below = branch[-1]
        assert all(_retrieves(st) for st in branch), (alpha, tm, [st.T for st in branch if not st.converged])
        for guess in (below, branch[-4], branch[len(branch) // 2], None):
            above = hs.solve_rs(cost, float(alpha), tm + delta, guess=guess)
            assert not _retrieves(above), (alpha, tm, above.m)


def test_first_order_line_is_the_free_energy_crossing_including_the_reentrant_loads():
    # Near α ≈ 0.052 the T_c line is re-entrant: retrieval wins over the spin glass only in a
    # window of T (the old code returned T_c = 0 there). Check the crossing with solve_rs.
    for cost in (CL, REL):
        for alpha in (0.05, 0.052, 0.0525):
            tc = hs.transition_temperature(cost, alpha)
            assert np.isfinite(tc) and tc > 0.05, (cost.name, alpha, tc)
            d = []
            for T in (tc - 2e-3, tc + 2e-3):
                r = hs.solve_rs(cost, alpha, T)
                sg = hs.solve_rs(cost, alpha, T, "spin-glass")
                assert r.converged and sg.converged
                d.append(r.free_energy - sg.free_energy)
            assert d[0] < 0 < d[1], (cost.name, alpha, tc, d)


def test_retrieval_region_is_reentrant_beyond_alpha_c():
    # RS: T_M(α_c) > 0, and a retrieval state exists slightly beyond α_c at T ≈ 0.02 (the
    # T = 0 capacity is α_c, the RS maximum ≈ 0.1382); it is why T_M does not reach 0 at α_c
    tm = hs.retrieval_temperature(CL, AC)
    assert 0.04 < tm < 0.05
    st = hs.solve_rs(CL, AC * 1.001, 0.02, guess=hs.solve_rs(CL, AC, 0.02))
    assert _retrieves(st) and st.m > 0.96
    assert not _retrieves(hs.solve_rs(CL, AC * 1.004, 0.02, guess=st))
    assert math.isnan(hs.retrieval_temperature(CL, 0.15))


def test_absent_lines_are_nan_with_a_reason_and_alpha_zero_is_low_storage():
    lines = hs.phase_lines(REL, [0.0, 0.03, 0.06, 0.12, AC, 0.15])
    st = lines.status
    # α = 0: continuous low-storage transition at T = G'(0) = 1; λ_AT ∝ α vanishes
    assert lines.T_M[0] == 1.0 and lines.T_c[0] == 1.0 and lines.T_AT[0] == 0.0
    assert lines.T_g[0] == pytest.approx(1.0, abs=1e-15)
    # at α = 0.03 the AT line lies below the traced range; at 0.06 retrieval never wins (T = 0
    # free energies: retrieval above the spin glass beyond α ≈ 0.0518, every radial cost)
    assert math.isnan(lines.T_AT[1]) and "below the lowest traced" in st["T_AT"][1]
    assert math.isnan(lines.T_c[2]) and "never the global minimum" in st["T_c"][2]
    f0 = hs.solve_rs(REL, 0.06, 0.0).free_energy - hs.solve_rs(REL, 0.06, 0.0, "spin-glass").free_energy
    assert f0 > 0
    assert np.isfinite(lines.T_AT[3]) and st["T_AT"][3] == "ok"
    assert np.isfinite(lines.T_M[4]) and st["T_M"][4] == "ok"
    assert all(math.isnan(getattr(lines, k)[5]) for k in ("T_M", "T_c", "T_AT"))
    assert "alpha_c" in st["T_M"][5]
    ok = [s.startswith("ok") for k in ("T_M", "T_c", "T_AT") for s in st[k]]
    vals = [np.isfinite(v) for k in ("T_M", "T_c", "T_AT") for v in getattr(lines, k)]
    assert ok == vals


def test_phase_diagram_json_writes_null_with_status():
    assert to_jsonable({"a": [1.0, math.inf, -math.inf, math.nan], "b": np.float64("nan")}) == \
        {"a": [1.0, None, None, None], "b": None}
    from hopfieldlab.cli import phase  # noqa: F401  (registers the command)
    from hopfieldlab.cli._app import app

    out = CliRunner().invoke(app, ["phase-diagram", "--json", "--n-alpha", "2", "--alpha-max", "0.15"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["T_M"][1] is None and payload["T_c"] == [None, None]
    assert payload["T_AT"][0] is None and "below the lowest traced" in payload["status"]["T_AT"][0]
    assert "never the global minimum" in payload["status"]["T_c"][0]
    assert payload["T_M"][0] > 0 and payload["status"]["T_M"] [0] == "ok"
    text = CliRunner().invoke(app, ["phase-diagram", "--n-alpha", "2", "--alpha-max", "0.15"])
    assert text.exit_code == 0 and "0.0000" not in text.output and "never the global" in text.output


def test_report_grid_runs_from_zero_to_alpha_c():
    a = hs.phase_alphas(6)
    assert a[0] == 0.0 and a[-1] == AC and np.all(np.diff(a) > 0)
    assert np.sum(a > 0.99 * AC) >= 3  # crowded towards α_c, where T_M falls steeply
    from hopfieldlab.experiments import highstorage as exp

    ds = exp.phase_diagram(a[[0, -1]], at_line=False)
    assert float(ds.T_M.sel(model="classical", alpha=0.0)) == 1.0
    assert float(ds.T_M.sel(model="classical", alpha=AC)) == pytest.approx(
        hs.retrieval_temperature(CL, AC), rel=1e-12)
    assert str(ds.T_c_status.sel(model="relativistic", alpha=AC).item()).startswith("retrieval is never")
