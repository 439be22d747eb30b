"""The package's layers: lower layers never import higher ones (STYLE.md §3b)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hopfieldlab"
# rank of each subpackage/module; an import must go to an equal-or-lower rank, siblings excluded
RANK = {
    "_typing": 0, "errors": 0, "_validation": 1, "_rng": 1, "_optional": 1,
    "patterns": 2, "observables": 2, "io": 2,
    "models": 3, "dynamics": 4, "theory": 4, "experiments": 5, "plotting": 5, "report": 6, "cli": 7, "torch": 5,
}
SIBLINGS_FORBIDDEN = {("dynamics", "theory"), ("theory", "dynamics"), ("plotting", "experiments")}
PHYSICS = {"patterns", "observables", "models", "dynamics", "theory"}
NOT_IN_PHYSICS = {"xarray", "matplotlib", "distributed", "typer", "rich"}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC).parts
    return rel[0].removesuffix(".py")


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    pkg_parts = path.relative_to(SRC).parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(pkg_parts[: len(pkg_parts) - node.level + 1])
                mod = (node.module or "").split(".") if node.module else []
                target = base + mod
                if not target:
                    target = [a.name for a in node.names][:1]
                yield "hopfieldlab", target[0] if target else ""
            else:
                parts = (node.module or "").split(".")
                yield parts[0], parts[1] if len(parts) > 1 else ""
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                yield parts[0], parts[1] if len(parts) > 1 else ""


FILES = [p for p in SRC.rglob("*.py") if _layer(p) in RANK]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_respect_layers(path):
    me = _layer(path)
    for top, sub in _imports(path):
        if top == "hopfieldlab" and sub in RANK and sub != me:
            assert RANK[sub] <= RANK[me], f"{me} imports higher layer {sub}"
            assert (me, sub) not in SIBLINGS_FORBIDDEN, f"{me} must not import {sub}"
        if me in PHYSICS:
            assert top not in NOT_IN_PHYSICS, f"physics layer {me} imports {top}"
