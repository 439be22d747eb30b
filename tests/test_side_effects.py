"""Using the library leaves the user's process as it was: no backend switched behind their back."""

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "hopfieldlab"
# the report and the command line run in processes of their own and only write files
MAY_CHOOSE_BACKEND = {"report", "cli"}


def test_plotting_keeps_the_users_backend():
    code = (
        "import matplotlib\n"
        "matplotlib.use('svg')\n"
        "import numpy as np\n"
        "from hopfieldlab.plotting._style import new_axes, new_axes_pair\n"
        "import hopfieldlab.plotting as hp\n"
        "new_axes(); new_axes_pair()\n"
        "print(matplotlib.get_backend())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().lower() == "svg", out.stdout + out.stderr


def test_only_report_and_cli_call_matplotlib_use():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).parts[0] in MAY_CHOOSE_BACKEND:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "use" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "matplotlib"):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders, f"matplotlib.use() outside the report and CLI: {offenders}"
