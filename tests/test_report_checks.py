"""Comparison rows of the report: two-sided and one-sided checks."""

import pytest

from hopfieldlab.report._html import Check, checks_table


def test_within_is_two_sided():
    assert Check("q", 1.0, 1.05, 0.1, "s").ok
    assert not Check("q", 1.0, 1.2, 0.1, "s").ok
    assert not Check("q", 1.0, 0.8, 0.1, "s").ok


def test_one_sided_checks():
    assert Check("p-value", 1e-3, 0.6, 0.0, "s", kind="at_least").ok
    assert not Check("p-value", 1e-3, 1e-4, 0.0, "s", kind="at_least").ok
    assert Check("error", 0.05, 0.01, 0.0, "s", kind="at_most").ok
    assert not Check("error", 0.05, 0.2, 0.0, "s", kind="at_most").ok


def test_unknown_kind_and_rendering():
    with pytest.raises(ValueError, match="kind"):
        Check("q", 1.0, 1.0, 0.0, "s", kind="about")
    html = checks_table([Check("a", 1.0, 2.0, 0.1, "s"), Check("b", 1e-3, 0.5, 0.0, "s", kind="at_least")])
    assert html.count('class="bad"') == 1 and html.count('class="ok"') == 1


def test_flow_report_sizes_sample_the_mirror_steps_evenly():
    """Every report size must be runnable: the saved times fall on mirror-descent steps."""
    from hopfieldlab.report.flow import FLOW_T_FINAL, MIRROR_STEP, SIZES

    steps = round(FLOW_T_FINAL / MIRROR_STEP)
    for name, cfg in SIZES.items():
        assert steps % (cfg["n_times"] - 1) == 0, f"size {name!r}: n_times = {cfg['n_times']}"
