"""The report section on the wider family: figures, checks, cache reuse (tiny size)."""

import json

from hopfieldlab.report.family import SIZES, build_section


def test_tiny_section_builds_and_caches(tmp_path):
    sec = build_section(tmp_path, "tiny", 7, tmp_path / "cache")
    assert sec.title.startswith("5. The wider family")
    for stem, _ in sec.figures:
        assert (tmp_path / "figures" / f"{stem}.png").exists()
        assert (tmp_path / "figures" / f"{stem}.svg").exists()
    names = [c.quantity for c in sec.checks]
    assert any("random features" in n for n in names)
    # closed-form and deterministic rows must hold even at the tiny size
    must = ("error law", "exponential bound", "sparsemax: exactly", "softmax: support", "entmax")
    for c in sec.checks:
        if any(m in c.quantity for m in must):
            assert c.ok, c
    assert len(sec.provenance) == 6 and "reproduce" in sec.provenance[0]
    again = build_section(tmp_path, "tiny", 7, tmp_path / "cache")
    assert all("loaded from cache" in p for p in again.provenance)
    assert [c.computed for c in again.checks] == [c.computed for c in sec.checks]


def test_sizes_are_ordered():
    assert set(SIZES) == {"tiny", "small", "full"}
    for key in ("poly_N", "rf_Y"):
        assert max(SIZES["tiny"][key]) <= max(SIZES["small"][key]) <= max(SIZES["full"][key])
    json.dumps(SIZES)
