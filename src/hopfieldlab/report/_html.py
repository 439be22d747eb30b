"""A tiny static-HTML writer: sections with prose, figures (PNG + SVG) and comparison tables."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Check:
    """One row of a comparison table: a reference value against the value computed here.

    ``kind`` is the comparison: ``"within"`` (default) passes when |computed − reference| ≤
    tolerance; ``"at_least"`` / ``"at_most"`` are one-sided thresholds (computed ≥ reference −
    tolerance, computed ≤ reference + tolerance), e.g. a p-value against a test level.
    """

    quantity: str
    reference: float
    computed: float
    tolerance: float
    source: str
    kind: str = "within"

    def __post_init__(self) -> None:
        if self.kind not in ("within", "at_least", "at_most"):
            raise ValueError(f"kind: got {self.kind!r}, expected 'within', 'at_least' or 'at_most'")

    @property
    def difference(self) -> float:
        return self.computed - self.reference

    @property
    def ok(self) -> bool:
        if self.kind == "at_least":
            return self.computed >= self.reference - self.tolerance
        if self.kind == "at_most":
            return self.computed <= self.reference + self.tolerance
        return abs(self.difference) <= self.tolerance

    @property
    def tolerance_text(self) -> str:
        """The tolerance column: the band, or the one-sided rule."""
        if self.kind == "at_least":
            return "≥ reference" if self.tolerance == 0 else f"≥ reference − {self.tolerance:.1e}"
        if self.kind == "at_most":
            return "≤ reference" if self.tolerance == 0 else f"≤ reference + {self.tolerance:.1e}"
        return f"{self.tolerance:.1e}"


@dataclass
class Section:
    """A part of the report (one paper): statement, figures, checks and provenance."""

    slug: str
    title: str
    intro_html: str
    figures: list[tuple[str, str]] = field(default_factory=list)  # (file stem, caption)
    checks: list[Check] = field(default_factory=list)
    tables_html: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)


def provenance_line(ds: Any, command: str, seconds: float, cached: bool) -> str:
    """One provenance item: experiment, parameters, run time or cache hit, version, command."""
    params = json.loads(ds.attrs.get("parameters", "{}"))
    how = "loaded from cache" if cached else f"computed in {seconds:.1f} s"
    return (f"<b>{html.escape(ds.attrs.get('experiment', ''))}</b>: {html.escape(json.dumps(params))}; "
            f"{how}; hopfieldlab {html.escape(ds.attrs.get('hopfieldlab_version', ''))}; "
            f"reproduce: <code>{html.escape(command)}</code>")


def save_figure(fig: Any, folder: Path, stem: str) -> None:
    """Save a matplotlib figure as PNG (shown in the page) and SVG (linked)."""
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{stem}.png", dpi=130)
    fig.savefig(folder / f"{stem}.svg")
    plt.close(fig)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def checks_table(checks: list[Check]) -> str:
    head = ("<tr><th>quantity</th><th>paper / closed form</th><th>computed here</th>"
            "<th>difference</th><th>tolerance</th><th>within tolerance?</th><th>source</th></tr>")
    rows = []
    for c in checks:
        verdict = '<td class="ok">yes</td>' if c.ok else '<td class="bad">no</td>'
        rows.append(f"<tr><td>{html.escape(c.quantity)}</td><td>{_fmt(c.reference)}</td>"
                    f"<td>{_fmt(c.computed)}</td><td>{c.difference:+.2e}</td><td>{html.escape(c.tolerance_text)}</td>"
                    f"{verdict}<td>{html.escape(c.source)}</td></tr>")
    return f'<table class="checks">{head}{"".join(rows)}</table>'


CSS = """
body{font-family:Georgia,serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif;color:#183a5a}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#eef2f6} td:first-child,th:first-child{text-align:left}
td.ok{color:#17702b;font-weight:bold} td.bad{color:#b3261e;font-weight:bold}
figure{display:inline-block;margin:0.6em;vertical-align:top;max-width:460px}
figure img{max-width:100%} figcaption{font-size:0.85em;color:#444}
code,pre{background:#f5f5f5;padding:1px 4px;font-size:0.88em} pre{padding:0.6em;overflow-x:auto}
.prov{font-size:0.8em;color:#555}
"""


def summary_table(sections: list[Section]) -> str:
    """Table of contents with each part's tally of checks within tolerance."""
    rows = "".join(
        f"<tr><td><a href='#{s.slug}'>{html.escape(s.title)}</a></td>"
        f"<td>{sum(c.ok for c in s.checks)} / {len(s.checks)}</td></tr>" for s in sections)
    return f"<table><tr><th>part</th><th>checks within tolerance</th></tr>{rows}</table>"


def write_page(path: Path, title: str, preamble_html: str, sections: list[Section]) -> Path:
    """Write the whole report as one static page; images are referenced relatively."""
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
             f"</title><link rel='icon' href='data:,'><style>{CSS}</style></head><body>"
             f"<h1>{html.escape(title)}</h1>{preamble_html}", summary_table(sections)]
    for s in sections:
        parts.append(f"<h2 id='{s.slug}'>{html.escape(s.title)}</h2>{s.intro_html}")
        for stem, caption in s.figures:
            parts.append(f"<figure><img src='figures/{stem}.png' alt='{html.escape(caption)}'>"
                         f"<figcaption>{html.escape(caption)} (<a href='figures/{stem}.svg'>SVG</a>)"
                         "</figcaption></figure>")
        if s.checks:
            n_ok = sum(c.ok for c in s.checks)
            parts.append(f"<h3>Checks: {n_ok} of {len(s.checks)} within tolerance</h3>")
            parts.append(checks_table(s.checks))
        parts.extend(s.tables_html)
        if s.provenance:
            items = "".join(f"<li>{p}</li>" for p in s.provenance)
            parts.append(f"<h3>Provenance</h3><ul class='prov'>{items}</ul>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
