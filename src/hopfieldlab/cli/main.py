"""Entry point of the ``hopfieldlab`` command line: the app with every command module registered."""

from __future__ import annotations

from . import relativistic as _relativistic  # noqa: F401  (registers expand, theory, simulate)
from . import capacity as _capacity  # noqa: F401  (registers capacity, retrieve)
from . import family as _family  # noqa: F401  (registers family)
from . import flow as _flow  # noqa: F401  (registers flow, density)
from . import phase as _phase  # noqa: F401  (registers phase-diagram)
from . import report_cmd as _report_cmd  # noqa: F401  (registers report)
from . import sweep as _sweep  # noqa: F401  (registers sweep, sweep-status, plot)
from ._app import app

__all__ = ["app"]


def main() -> None:  # pragma: no cover - console script shim
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
