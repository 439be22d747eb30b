"""Build the self-contained HTML report of the papers' results (``make report``)."""

from __future__ import annotations

import html
import importlib
import json
import platform
import time
from pathlib import Path

from .._validation import check_choice
from ._html import write_page

# part name -> module with build_section(out, size, seed, cache, progress), in page order
PARTS = {
    "relativistic": ".relativistic",
    "flow": ".flow",
    "capacity": ".capacity",
    "highstorage": ".highstorage",
    "family": ".family",
}


def build_report(out: str | Path = "report", *, size: str = "small", only: str | None = None,
                 seed: int = 2018, show_progress: bool = False) -> Path:
    """Compute every part of the report and write ``out/index.html``.

    Parameters
    ----------
    out : path
        Output folder (figures go to ``out/figures``, cached results to ``out/cache``).
    size : {'tiny', 'small', 'full'}
        'small' runs in minutes on two cores; 'full' uses paper-scale sizes; 'tiny' is a smoke
        test (seconds) whose Monte Carlo numbers are too noisy to mean much.
    only : str, optional
        Build a single part: 'relativistic', 'flow', 'capacity', 'highstorage' or 'family'.
    seed : int
        Root seed of all stochastic computations.
    show_progress : bool
        Show rich progress bars.

    Returns
    -------
    Path
        ``out/index.html``; ``out/summary.json`` holds the tally of checks per part.
    """
    import matplotlib

    from .. import __version__
    check_choice(size, "size", ("tiny", "small", "full"))
    # the report only writes files: with the CLI, the one place that picks a backend
    matplotlib.use("Agg")
    parts = list(PARTS) if only is None else [check_choice(only, "only", PARTS)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cache = out / "cache"
    start = time.perf_counter()
    sections = []
    with _progress(show_progress) as progress:
        for name in parts:
            module = importlib.import_module(PARTS[name], __name__)
            sections.append(module.build_section(out, size, seed, cache, progress))
    elapsed = time.perf_counter() - start
    preamble = (f"<p class='prov'>hopfieldlab {html.escape(__version__)}, Python {platform.python_version()}, "
                f"size '{size}', root seed {seed}; built in {elapsed:.1f} s. Rebuild with "
                f"<code>make report</code> (or <code>hopfieldlab report --size {size}</code>); results are "
                "cached in <code>cache/</code>, so a second run only re-renders.</p>")
    _write_summary(out / "summary.json", size, seed, elapsed, sections)
    return write_page(out / "index.html", "hopfieldlab report", preamble, sections)


def _write_summary(path: Path, size: str, seed: int, elapsed: float, sections: list) -> None:
    """Machine-readable tally of the checks beside the page (read by ``hopfieldlab report --json``)."""
    from .. import __version__

    parts = {
        s.slug: {"title": s.title, "checks": len(s.checks), "within_tolerance": int(sum(bool(c.ok) for c in s.checks)),
                 "failed": [c.quantity for c in s.checks if not c.ok]}
        for s in sections
    }
    payload = {"version": __version__, "size": size, "seed": seed, "elapsed_s": round(elapsed, 2),
               "page": "index.html", "parts": parts}
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")


class _progress:
    """Context manager giving a (name, done, total) callback backed by a rich progress bar."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._prog = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._prog = Progress(transient=False)
        self._prog.__enter__()
        return self.update

    def update(self, name: str, done: int, total: int) -> None:
        if name not in self._tasks:
            self._tasks[name] = self._prog.add_task(name, total=total)
        self._prog.update(self._tasks[name], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._prog is not None:
            self._prog.__exit__(*exc)
