"""Sweep specifications: which experiment, fixed parameters, grid axes, seeds; read from TOML.

A spec file looks like::

    experiment = "relativistic_mc"
    seeds = 4                      # replicas per grid point (the ``seed`` dimension)
    entropy = 20240917             # root entropy; optional (derived from the spec when absent)

    [fixed]
    N = 2000
    P = 3
    sweeps = 40

    [axes]                         # the order of the axes is the order of the dimensions
    model = ["classical", "relativistic"]
    T = { start = 0.1, stop = 1.3, num = 7 }     # also { start, stop, step } and log = true

Every key is checked against the experiment's declared parameters before any work starts.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import HopfieldlabError
from .registry import REQUIRED, Experiment, get_experiment

__all__ = ["SpecError", "SweepSpec", "load_spec"]

TOP_KEYS = ("experiment", "name", "seeds", "entropy", "fixed", "axes")
AXIS_FORM = ("a non-empty list of values, or a table { start, stop, num } (evenly spaced, "
             "stop included; log = true for geometric spacing) or { start, stop, step }")


class SpecError(HopfieldlabError, ValueError):
    """A sweep spec is malformed; the message names the key and the expected form."""


def _expand_range(key: str, table: Mapping[str, Any]) -> list[Any]:
    extra = set(table) - {"start", "stop", "num", "step", "log"}
    if extra:
        raise SpecError(f"axes.{key}: unknown key {sorted(extra)[0]!r} in a range table, "
                        f"expected {AXIS_FORM}")
    if "start" not in table or "stop" not in table or ("num" in table) == ("step" in table):
        raise SpecError(f"axes.{key}: got {dict(table)}, expected {AXIS_FORM}")
    for k in ("start", "stop", "num", "step"):
        v = table.get(k, 0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise SpecError(f"axes.{key}.{k}: got {v!r}, expected a finite number")
    start, stop, log = table["start"], table["stop"], bool(table.get("log", False))
    ints = all(isinstance(table.get(k, 0), int) for k in ("start", "stop", "step"))
    if "num" in table:
        num = table["num"]
        if not isinstance(num, int) or num < 1:
            raise SpecError(f"axes.{key}.num: got {num!r}, expected an integer >= 1")
        if log:
            if start <= 0 or stop <= 0:
                raise SpecError(f"axes.{key}: log spacing needs start > 0 and stop > 0, "
                                f"got start = {start}, stop = {stop}")
            vals = np.geomspace(start, stop, num)
        else:
            vals = np.linspace(start, stop, num)
        return [_tidy(v) for v in vals]
    step = table["step"]
    if log or step == 0 or (stop - start) * step < 0:
        raise SpecError(f"axes.{key}.step: got {step!r} for start = {start}, stop = {stop}, "
                        "expected a non-zero step pointing from start to stop (no log)")
    count = math.floor((stop - start) / step * (1 + 1e-12) + 1e-9) + 1
    if ints:
        return [int(start + i * step) for i in range(count)]
    return [_tidy(start + i * step) for i in range(count)]


def _tidy(x: float) -> float:
    """Drop binary round-off from generated values (0.30000000000000004 -> 0.3)."""
    return float(f"{float(x):.12g}")


def _axis_values(key: str, raw: Any) -> tuple[Any, ...]:
    if isinstance(raw, Mapping):
        vals = _expand_range(key, raw)
    elif isinstance(raw, (list, tuple, np.ndarray)):
        vals = list(raw.tolist() if isinstance(raw, np.ndarray) else raw)
    else:
        raise SpecError(f"axes.{key}: got {raw!r}, expected {AXIS_FORM}")
    if not vals:
        raise SpecError(f"axes.{key}: got an empty list, expected {AXIS_FORM}")
    return tuple(vals)


def _entropy(value: Any, where: str = "entropy") -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise SpecError(f"{where}: got {value!r}, expected a non-negative integer")
    return int(value)


def _derived_entropy(experiment: str, fixed: Mapping[str, Any], axes: Mapping[str, Any]) -> int:
    blob = json.dumps({"experiment": experiment, "fixed": dict(sorted(fixed.items())),
                       "axes": {k: list(v) for k, v in axes.items()}}, default=str)
    return int.from_bytes(hashlib.sha256(blob.encode()).digest()[:8], "big") >> 1


@dataclass(frozen=True)
class SweepSpec:
    """A parameter grid over one registered experiment.

    Parameters
    ----------
    experiment : str
        A name from :func:`hopfieldlab.experiments.registry.available_experiments`.
    axes : mapping of str to sequence
        Grid axes in dimension order; each a non-empty sequence of distinct values.
    fixed : mapping of str to value
        Parameters held fixed; the experiment's defaults fill the ones left out.
    seeds : int
        Independent replicas per grid point (the trailing ``seed`` dimension), >= 1.
    entropy : int, optional
        Root entropy of every point's random stream. None derives it from a hash of
        (experiment, fixed, axes), so the same spec always gives the same numbers.
    name : str
        A label for the sweep (not part of its identity).

    Every cell (grid point and seed) is one task with flat index ``i`` in C order over
    ``shape``; its generator is ``SeedSequence(entropy, spawn_key=(i,))``.
    """

    experiment: str
    axes: Mapping[str, tuple[Any, ...]]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    seeds: int = 1
    entropy: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.experiment, str):
            raise SpecError(f"experiment: got {self.experiment!r}, expected a string")
        try:
            exp = get_experiment(self.experiment)
        except ValueError as exc:
            raise SpecError(str(exc)) from None
        if not isinstance(self.axes, Mapping) or not self.axes:
            raise SpecError(f"axes: got {self.axes!r}, expected a table with at least one axis, "
                            f"each {AXIS_FORM}")
        if not isinstance(self.fixed, Mapping):
            raise SpecError(f"fixed: got {self.fixed!r}, expected a table of parameter values")
        axes = {str(k): _axis_values(str(k), v) for k, v in self.axes.items()}
        fixed = dict(self.fixed)
        for key in list(axes) + list(fixed):
            if key not in exp.param_names:
                where = "axes" if key in axes else "fixed"
                raise SpecError(f"{where}.{key}: unknown parameter of experiment {exp.name!r}, "
                                f"expected one of {', '.join(exp.param_names)}")
        for key in axes:
            if key in fixed:
                raise SpecError(f"axes.{key}: also given in [fixed], expected it in one place only")
            try:
                vals = tuple(exp.param(key).check(v, f"axes.{key}[{i}]") for i, v in enumerate(axes[key]))
            except (TypeError, ValueError) as exc:
                raise SpecError(str(exc)) from None
            if len(set(vals)) != len(vals):
                raise SpecError(f"axes.{key}: got repeated values {list(vals)}, expected distinct values")
            axes[key] = vals
        for key in fixed:
            try:
                fixed[key] = exp.param(key).check(fixed[key], f"fixed.{key}")
            except (TypeError, ValueError) as exc:
                raise SpecError(str(exc)) from None
        for p in exp.params:
            if p.default is REQUIRED and p.name not in axes and p.name not in fixed:
                raise SpecError(f"fixed.{p.name}: missing; experiment {exp.name!r} needs {p.name} "
                                f"({p.expected}) in [fixed] or [axes]")
        seeds = self.seeds
        if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
            raise SpecError(f"seeds: got {seeds!r}, expected an integer >= 1")
        if not isinstance(self.name, str):
            raise SpecError(f"name: got {self.name!r}, expected a string")
        entropy = (_derived_entropy(exp.name, fixed, axes) if self.entropy is None
                   else _entropy(self.entropy))
        object.__setattr__(self, "axes", axes)
        object.__setattr__(self, "fixed", dict(sorted(fixed.items())))
        object.__setattr__(self, "seeds", int(seeds))
        object.__setattr__(self, "entropy", entropy)
        self._check_points(exp)

    def _check_points(self, exp: Experiment) -> None:
        """Run the experiment's joint check and output-shape check on every grid point."""
        shapes: dict[str, tuple[int, ...]] = {}
        for combo in product(*self.axes.values()):
            params = {**self.resolved_fixed, **dict(zip(self.axes, combo))}
            where = ", ".join(f"{k} = {v!r}" for k, v in zip(self.axes, combo))
            if exp.check is not None:
                try:
                    exp.check(params)
                except (TypeError, ValueError) as exc:
                    raise SpecError(f"{exc} (at the grid point {where})") from None
            for o in exp.outputs:
                shp = o.shape(params)
                if shapes.setdefault(o.name, shp) != shp:
                    raise SpecError(f"axes: output {o.name!r} changes shape across the grid "
                                    f"({shapes[o.name]} vs {shp} at {where}); keep the parameters "
                                    "that set its length in [fixed]")

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    # -- grid ---------------------------------------------------------------------------------

    @property
    def experiment_obj(self) -> Experiment:
        """The registered :class:`Experiment`."""
        return get_experiment(self.experiment)

    @property
    def resolved_fixed(self) -> dict[str, Any]:
        """Fixed parameters with the experiment's defaults filled in (axes excluded)."""
        out = {p.name: p.default for p in self.experiment_obj.params
               if p.default is not REQUIRED and p.name not in self.axes}
        out.update(self.fixed)
        return dict(sorted(out.items()))

    @property
    def dims(self) -> tuple[str, ...]:
        """Dimension names: the axes in order, then ``seed``."""
        return (*self.axes, "seed")

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape, seeds last."""
        return (*(len(v) for v in self.axes.values()), self.seeds)

    @property
    def n_points(self) -> int:
        """Number of tasks (grid points times seeds)."""
        return int(np.prod(self.shape))

    def point(self, index: int) -> dict[str, Any]:
        """Parameters of task ``index`` (flat C-order index over :attr:`shape`)."""
        if not 0 <= index < self.n_points:
            raise ValueError(f"index: got {index}, expected 0 <= index < {self.n_points}")
        pos = np.unravel_index(index, self.shape)
        params = dict(self.resolved_fixed)
        for (key, vals), i in zip(self.axes.items(), pos):
            params[key] = vals[int(i)]
        return params

    def iter_points(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Yield ``(index, params)`` for every task in flat order."""
        for i in range(self.n_points):
            yield i, self.point(i)

    # -- serialisation ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form (axes as explicit lists, in order)."""
        d: dict[str, Any] = {"experiment": self.experiment}
        if self.name:
            d["name"] = self.name
        d.update(seeds=self.seeds, entropy=self.entropy, fixed=dict(self.fixed),
                 axes={k: list(v) for k, v in self.axes.items()})
        return d

    def to_json(self) -> str:
        """JSON of :meth:`to_dict` (axes keep their order)."""
        return json.dumps(self.to_dict())

    def fingerprint(self) -> str:
        """JSON of what determines the numbers: experiment, resolved parameters, grid, entropy."""
        return json.dumps({"experiment": self.experiment, "fixed": self.resolved_fixed,
                           "axes": {k: list(v) for k, v in self.axes.items()},
                           "seeds": self.seeds, "entropy": str(self.entropy)}, default=str)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepSpec:
        """Build from the parsed TOML/JSON form, rejecting unknown keys."""
        if not isinstance(data, Mapping):
            raise SpecError(f"spec: got {type(data).__name__}, expected a table")
        for key in data:
            if key not in TOP_KEYS:
                raise SpecError(f"{key}: unknown key at the top level of the spec, "
                                f"expected one of {', '.join(TOP_KEYS)}")
        for key in ("experiment", "axes"):
            if key not in data:
                raise SpecError(f"{key}: missing, the spec needs it")
        if not isinstance(data["axes"], Mapping):
            raise SpecError(f"axes: got {data['axes']!r}, expected a table [axes] of name = values")
        fixed = data.get("fixed", {})
        if not isinstance(fixed, Mapping):
            raise SpecError(f"fixed: got {fixed!r}, expected a table [fixed] of name = value")
        entropy = data.get("entropy")
        return cls(experiment=data["experiment"], axes=dict(data["axes"]), fixed=dict(fixed),
                   seeds=data.get("seeds", 1),
                   entropy=None if entropy is None else _entropy(entropy),
                   name=data.get("name", ""))

    @classmethod
    def from_json(cls, text: str) -> SweepSpec:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_toml(cls, text: str) -> SweepSpec:
        """Parse TOML text (see the module docstring for the form)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(f"spec: not valid TOML ({exc})") from None
        return cls.from_dict(data)

    def to_toml(self) -> str:
        """TOML text that :meth:`from_toml` reads back to an equal spec."""
        lines = [f"experiment = {_toml_value(self.experiment)}"]
        if self.name:
            lines.append(f"name = {_toml_value(self.name)}")
        ent = self.entropy if self.entropy < 2**63 else str(self.entropy)
        lines += [f"seeds = {self.seeds}", f"entropy = {_toml_value(ent)}", "", "[fixed]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in self.fixed.items()]
        lines += ["", "[axes]"]
        lines += [f"{k} = [{', '.join(_toml_value(x) for x in v)}]" for k, v in self.axes.items()]
        return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    raise SpecError(f"spec: cannot write a value of type {type(v).__name__} to TOML")


def load_spec(path: str | Path) -> SweepSpec:
    """Read a spec from a TOML file (or a JSON file ending in .json)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"spec: {path} does not exist")
    text = path.read_text()
    return SweepSpec.from_json(text) if path.suffix == ".json" else SweepSpec.from_toml(text)
