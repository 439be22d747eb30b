"""The report builds end to end at the smoke-test size and re-renders from its cache."""

import re

from hopfieldlab.experiments import highstorage as hs_exp
from hopfieldlab.experiments import relativistic as exp
from hopfieldlab.report import build_report


def test_tiny_report_builds_and_uses_cache(tmp_path, monkeypatch):
    page = build_report(tmp_path, size="tiny", seed=1)
    text = page.read_text()
    for stem in ("rel_overlap_vs_T", "rel_mixture_stability", "rel_spurious_escape"):
        assert f"figures/{stem}.png" in text
        assert (tmp_path / "figures" / f"{stem}.png").stat().st_size > 1000
        assert (tmp_path / "figures" / f"{stem}.svg").exists()
    # closed-form checks hold whatever the size: T_c, T = 0 overlaps and energies, AGS threshold
    for q in ("relativistic T_c", "classical 3-mixture T*", "relativistic T=0 overlap, 3-mixture"):
        row = re.search(re.escape(q) + r".*?</tr>", text)
        assert row and 'class="ok"' in row.group(0), q
    assert "http://" not in text and "https://" not in text  # works offline

    # a second build re-renders from the cache: the experiments must not run again
    def forbidden(*args, **kwargs):
        raise AssertionError("experiment recomputed although cached")

    for name in ("overlap_vs_temperature", "mixture_stability", "spurious_escape"):
        monkeypatch.setattr(exp, name, forbidden)
    for name in ("phase_diagram", "retrieval_grid"):
        monkeypatch.setattr(hs_exp, name, forbidden)
    second = build_report(tmp_path, size="tiny", seed=1).read_text()
    assert second.count("loaded from cache") >= 5 and "computed in" not in second
