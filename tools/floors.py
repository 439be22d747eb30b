"""Print the declared dependency floors of pyproject.toml as exact pins, one per line.

``make test`` installs these pins into a separate environment and runs a fast subset of the
suite there, so a floor that the code has outgrown fails the build instead of a user's import.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path


def floor_pins(pyproject: Path) -> list[str]:
    """Turn every ``name[extra]>=X`` of ``[project].dependencies`` into ``name[extra]==X``."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for dep in deps:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)\s*>=\s*([^,;\s]+)\s*", dep)
        if match is None:
            sys.exit(f"dependency {dep!r}: expected the form 'name>=floor' so its floor can be tested")
        pins.append(f"{match[1]}=={match[2]}")
    return pins


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    print("\n".join(floor_pins(root / "pyproject.toml")))
