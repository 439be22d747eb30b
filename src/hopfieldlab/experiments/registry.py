"""Experiments runnable at one grid point, registered by name for sweeps.

A point function takes the point's parameters (a dict) and its own random generator and returns
a dict of named numeric results. Registration declares everything a sweep needs to check a spec
before any work starts and to pre-allocate the result store: the parameters (type, range, default)
and the outputs (long name, units, trailing dimensions).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_choice, check_int, check_scalar

__all__ = [
    "REQUIRED",
    "Experiment",
    "Output",
    "Param",
    "available_experiments",
    "get_experiment",
    "register",
]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""Marker for a parameter without a default."""

PointFunction = Callable[[dict[str, Any], np.random.Generator], dict[str, Any]]


@dataclass(frozen=True)
class Param:
    """A parameter of a point function.

    Attributes
    ----------
    name : str
    kind : {'int', 'float', 'str', 'bool'}
    default : value or REQUIRED
    low, high : float or None
        Inclusive bounds for numbers (``low_open``: exclusive lower bound).
    choices : tuple of str or None
        Allowed values of a 'str' parameter.
    allow_inf : bool
        Whether a float may be infinite.
    doc : str
        One line, also the ``long_name`` of the coordinate when the parameter is a grid axis.
    units : str
        Units of the coordinate ("1" for dimensionless).
    """

    name: str
    kind: str
    default: Any = REQUIRED
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] | None = None
    allow_inf: bool = False
    doc: str = ""
    units: str = "1"

    @property
    def expected(self) -> str:
        """The expected form, in words, for error messages."""
        if self.kind == "str":
            return "one of " + ", ".join(map(repr, self.choices)) if self.choices else "a string"
        word = {"int": "an integer", "float": "a number", "bool": "true or false"}[self.kind]
        if self.low is not None:
            word += f" {'>' if self.low_open else '>='} {self.low:g}"
        if self.high is not None:
            word += f" <= {self.high:g}"
        return word

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` converted to this parameter's kind; raise naming ``where`` if bad."""
        if self.kind == "int":
            return check_int(value, where, low=None if self.low is None else math.ceil(
                self.low + (1 if self.low_open else 0)), high=None if self.high is None else int(self.high))
        if self.kind == "float":
            return check_scalar(value, where, low=self.low, high=self.high,
                                low_inclusive=not self.low_open, allow_inf=self.allow_inf)
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{where}: got {value!r}, expected true or false")
            return bool(value)
        if not isinstance(value, str):
            raise TypeError(f"{where}: got {value!r}, expected {self.expected}")
        if self.choices is not None:
            check_choice(value, where, self.choices)
        return value


@dataclass(frozen=True)
class Output:
    """A declared result of a point function.

    Attributes
    ----------
    name, long_name, units : str
    dims : tuple of str
        Trailing dimensions of an array result (empty for a scalar).
    size : callable(params) -> tuple of int, or None
        The trailing shape for the given point's parameters (required when ``dims`` is not empty).
    """

    name: str
    long_name: str
    units: str = "1"
    dims: tuple[str, ...] = ()
    size: Callable[[dict[str, Any]], tuple[int, ...]] | None = None

    def shape(self, params: dict[str, Any]) -> tuple[int, ...]:
        """Shape of this output at a point."""
        if not self.dims:
            return ()
        if self.size is None:
            raise ValueError(f"output {self.name}: has dims {self.dims} but no size function")
        return tuple(int(s) for s in self.size(params))


@dataclass(frozen=True)
class Experiment:
    """A registered experiment: its point function, parameters and outputs.

    ``plot_var`` names the output drawn by the standard sweep figure; ``check`` validates a whole
    point's parameters together (constraints between parameters) and raises ValueError.
    """

    name: str
    function: PointFunction
    params: tuple[Param, ...]
    outputs: tuple[Output, ...]
    doc: str = ""
    plot_var: str = ""
    check: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False)

    def param(self, name: str) -> Param:
        """The declared parameter ``name`` (KeyError if there is none)."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    def validate_results(self, raw: Any, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Check a point function's return value against the declared outputs; float arrays."""
        if not isinstance(raw, Mapping):
            raise TypeError(f"experiment {self.name}: returned {type(raw).__name__}, expected a dict")
        names = {o.name for o in self.outputs}
        if set(raw) != names:
            raise ValueError(f"experiment {self.name}: returned results {sorted(raw)}, "
                             f"declared {sorted(names)}")
        out = {}
        for o in self.outputs:
            arr = np.asarray(raw[o.name], dtype=np.float64)
            want = o.shape(dict(params))
            if arr.shape != want:
                raise ValueError(f"experiment {self.name}: result {o.name} has shape {arr.shape}, "
                                 f"declared {want}")
            out[o.name] = arr
        return out

    def run_point(self, params: Mapping[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Call the point function and check its results against the declared outputs."""
        return self.validate_results(self.function(dict(params), rng), params)


_REGISTRY: dict[str, Experiment] = {}


def register(
    name: str,
    *,
    params: tuple[Param, ...] | list[Param],
    outputs: tuple[Output, ...] | list[Output],
    plot_var: str | None = None,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> Callable[[PointFunction], PointFunction]:
    """Decorator registering a point function as experiment ``name``.

    The function must be defined at module level (so that worker processes can import it).
    Registering a name twice replaces the earlier entry.
    """
    outs = tuple(outputs)
    if not outs:
        raise ValueError(f"outputs: got none for experiment {name!r}, expected at least one")
    pv = plot_var or outs[0].name
    if pv not in {o.name for o in outs}:
        raise ValueError(f"plot_var: got {pv!r}, expected one of the outputs of {name!r}")

    def deco(fn: PointFunction) -> PointFunction:
        doc = (fn.__doc__ or "").strip().split("\n")[0]
        _REGISTRY[name] = Experiment(name, fn, tuple(params), outs, doc, pv, check)
        return fn

    return deco


def get_experiment(name: str) -> Experiment:
    """The experiment registered as ``name``; ValueError listing the registered names otherwise."""
    if name not in _REGISTRY:
        raise ValueError(f"experiment: got {name!r}, expected one of "
                         f"{', '.join(map(repr, sorted(_REGISTRY)))}")
    return _REGISTRY[name]


def available_experiments() -> tuple[str, ...]:
    """Names of the registered experiments, sorted."""
    return tuple(sorted(_REGISTRY))


# ----------------------------------------------------------------------------------------------
# Built-in experiments


@register(
    "noise",
    params=(
        Param("mu", "float", 0.0, doc="mean of the draws"),
        Param("sigma", "float", 1.0, low=0.0, doc="standard deviation of the draws"),
        Param("size", "int", 3, low=1, doc="length of the vector result"),
        Param("sleep", "float", 0.0, low=0.0, doc="seconds to wait (to mimic a slow point)"),
        Param("fail_above", "float", math.inf, allow_inf=True,
              doc="raise an error at points with mu > fail_above"),
    ),
    outputs=(
        Output("value", "one Gaussian draw mu + sigma z"),
        Output("sample", "a vector of Gaussian draws", dims=("draw",), size=lambda p: (p["size"],)),
    ),
)
def _noise(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Gaussian draws: a cheap synthetic experiment for trying out executors, resume and failures."""
    if params["sleep"] > 0:
        time.sleep(params["sleep"])
    if params["mu"] > params["fail_above"]:
        raise ValueError(f"mu = {params['mu']} is above fail_above = {params['fail_above']}")
    z = rng.standard_normal(1 + params["size"])
    return {"value": params["mu"] + params["sigma"] * z[0],
            "sample": params["mu"] + params["sigma"] * z[1:]}


def _check_mc(params: dict[str, Any]) -> None:
    if params["init"] == "mixture" and params["P"] < 3:
        raise ValueError(f"P: got {params['P']}, expected P >= 3 with init = 'mixture'")


@register(
    "relativistic_mc",
    params=(
        Param("model", "str", REQUIRED, choices=("classical", "relativistic"), doc="overlap cost"),
        Param("N", "int", REQUIRED, low=2, doc="number of neurons"),
        Param("P", "int", REQUIRED, low=1, doc="number of Rademacher patterns"),
        Param("T", "float", REQUIRED, low=0.0, doc="temperature"),
        Param("sweeps", "int", REQUIRED, low=2, doc="Monte Carlo sweeps"),
        Param("c", "float", 1.0, low=0.0, low_open=True, doc="speed of light of the relativistic cost"),
        Param("init", "str", "pattern", choices=("pattern", "mixture", "random"),
              doc="start at pattern 1, at the 3-mixture of patterns 1-3, or at random"),
        Param("algorithm", "str", "heatbath", choices=("heatbath", "metropolis", "descent")),
    ),
    outputs=(
        Output("m_final", "overlap m_1 after the last sweep"),
        Output("m_mean", "overlap m_1 (mean over the second half)"),
        Output("energy", "energy per neuron H/N after the last sweep"),
        Output("acceptance", "flip acceptance rate, average over the second half"),
        Output("pure", "final state nearest the mean-field pure state at T (1) or not (0)"),
        Output("mixture", "final state nearest a symmetric mean-field mixture at T (1) or not (0)"),
        Output("overlaps", "overlaps with every pattern after the last sweep",
               dims=("pattern",), size=lambda p: (p["P"],)),
    ),
    plot_var="m_mean",
    check=_check_mc,
)
def _relativistic_mc(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Single-spin-flip Monte Carlo of a network with fresh Rademacher patterns at one point."""
    from ..dynamics import run_montecarlo
    from ..models import Network, make_cost
    from ..observables import mixture_state
    from ..patterns import rademacher
    from ..theory import classify_overlaps

    n, p = params["N"], params["P"]
    cost = make_cost("relativistic", c=params["c"]) if params["model"] == "relativistic" \
        else make_cost("classical")
    xi = rademacher(p, n, rng=rng)
    if params["init"] == "pattern":
        s0 = np.where(xi[0] > 0, 1, -1).astype(np.int8)
    elif params["init"] == "mixture":
        s0 = mixture_state(xi, [0, 1, 2])
    else:
        s0 = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
    res = run_montecarlo(Network(xi, cost), s0, T=params["T"], n_sweeps=params["sweeps"],
                         algorithm=params["algorithm"], rng=rng, n_threads=1)
    half = res.overlaps.shape[0] // 2
    final = res.overlaps[-1, 0]
    # labelled against the theory at this T, not a fixed overlap threshold
    label = classify_overlaps(final, cost, params["T"], n_neurons=n).kind
    return {
        "m_final": final[0],
        "m_mean": res.overlaps[half:, 0, 0].mean(),
        "energy": res.energy[-1, 0] / n,
        "acceptance": res.acceptance[half:, 0].mean(),
        "pure": float(label == "pure"),
        "mixture": float(label == "mixture"),
        "overlaps": final,
    }


def _check_state(params: dict[str, Any]) -> None:
    st = params["state"]
    if st == "pure":
        return
    kind, _, arg = st.partition(":")
    if kind != "mixture" or not arg.isdigit() or int(arg) < 1:
        raise ValueError(f"state: got {st!r}, expected 'pure' or 'mixture:n' with n >= 1")


@register(
    "relativistic_theory",
    params=(
        Param("model", "str", REQUIRED, choices=("classical", "relativistic"), doc="overlap cost"),
        Param("T", "float", REQUIRED, low=0.0, doc="temperature"),
        Param("state", "str", "pure", doc="'pure' or 'mixture:n'"),
        Param("c", "float", 1.0, low=0.0, low_open=True, doc="speed of light of the relativistic cost"),
    ),
    outputs=(
        Output("m", "overlap of the state with pattern 1 (mean-field theory)"),
        Output("free_energy", "free energy per neuron (mean-field theory)"),
        Output("margin", "stability margin 1 − max eig(βC∇²F)"),
        Output("stable", "locally stable (1) or not (0)"),
        Output("converged", "self-consistency solved to tolerance (1) or not (0)"),
    ),
    plot_var="m",
    check=_check_state,
)
def _relativistic_theory(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Low-storage mean-field fixed point of a pure or mixture state (deterministic)."""
    from ..models import make_cost
    from ..theory import solve_state

    cost = make_cost("relativistic", c=params["c"]) if params["model"] == "relativistic" \
        else make_cost("classical")
    st = solve_state(cost, params["T"], params["state"], on_fail="ignore")
    return {"m": st.m[0], "free_energy": st.free_energy, "margin": st.margin,
            "stable": float(st.stable), "converged": float(st.converged)}


def _n_patterns_dam(params: dict[str, Any]) -> int:
    return max(1, round(math.exp(params["alpha"] * params["N"])))


def _check_dam(params: dict[str, Any]) -> None:
    p = _n_patterns_dam(params)
    if p > params["max_patterns"]:
        raise ValueError(f"alpha: exp(alpha N) = {p} patterns at alpha = {params['alpha']}, "
                         f"N = {params['N']}, expected at most max_patterns = {params['max_patterns']}")


@register(
    "dam_retrieval",
    params=(
        Param("ensemble", "str", REQUIRED, choices=("gaussian", "spherical", "binary")),
        Param("N", "int", REQUIRED, low=2, doc="number of neurons"),
        Param("alpha", "float", REQUIRED, low=0.0, doc="load: P = round(exp(alpha N)) patterns"),
        Param("lam", "float", REQUIRED, low=0.0, low_open=True, allow_inf=True,
              doc="inverse temperature of the softmax update"),
        Param("rho", "float", 1.0, low=-1.0, high=1.0, doc="cosine of each cue with its pattern"),
        Param("trials", "int", 8, low=1, doc="cued patterns per point"),
        Param("max_iter", "int", 50, low=1, doc="updates per retrieval"),
        Param("threshold", "float", 0.9, low=-1.0, high=1.0,
              doc="final overlap above which a retrieval counts as a success"),
        Param("max_patterns", "int", 2_000_000, low=1, doc="refuse points with more patterns"),
    ),
    outputs=(
        Output("success", "fraction of cued patterns retrieved (final overlap > threshold)"),
        Output("overlap", "mean final overlap with the cued pattern"),
        Output("n_patterns", "number of stored patterns P = round(exp(alpha N))"),
    ),
    plot_var="success",
    check=_check_dam,
)
def _dam_retrieval(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Softmax (dense associative memory) retrieval from noisy cues over exp(alpha N) patterns."""
    from ..dynamics.retrieval import retrieve
    from ..patterns import PatternBank, noisy_cue

    p = _n_patterns_dam(params)
    bank = PatternBank(params["ensemble"], p, params["N"], seed=int(rng.integers(2**63 - 1)),
                       chunk=8192, dtype="float64")
    k = min(params["trials"], p)
    targets = np.arange(k)
    xi = np.stack([bank.pattern(int(t)) for t in targets])
    x0 = noisy_cue(xi, params["rho"], rng=rng)
    # the plain softmax update of Lucibello & Mézard (no rescaling to the sphere), stated explicitly
    res = retrieve(bank, x0, params["lam"], target=targets, max_iter=params["max_iter"],
                   project_to_sphere=False)
    ov = np.asarray(res.overlap)
    return {"success": float(np.mean(ov > params["threshold"])), "overlap": float(ov.mean()),
            "n_patterns": float(p)}


@register(
    "highstorage_mc",
    params=(
        Param("model", "str", REQUIRED, choices=("classical", "relativistic"), doc="overlap cost"),
        Param("N", "int", REQUIRED, low=2, doc="number of neurons"),
        Param("alpha", "float", REQUIRED, low=0.0, low_open=True,
              doc="load: P = max(1, round(alpha N)) Rademacher patterns"),
        Param("T", "float", REQUIRED, low=0.0, doc="temperature"),
        Param("sweeps", "int", 20, low=2, doc="Monte Carlo sweeps"),
        Param("c", "float", 1.0, low=0.0, low_open=True, doc="speed of light of the relativistic cost"),
        Param("threshold", "float", 0.75, low=0.0, high=1.0,
              doc="overlap m above which the run counts as retrieved"),
    ),
    outputs=(
        Output("m", "overlap with the initial pattern (mean over the second half)"),
        Output("m_final", "overlap with the initial pattern after the last sweep"),
        Output("retrieved", "m > threshold (1) or not (0)"),
    ),
    plot_var="retrieved",
)
def _highstorage_mc(params: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """High storage P = alpha N: Monte Carlo from a stored pattern, fresh patterns per point."""
    from ._common import model_costs
    from .highstorage import retrieval_point

    cost = model_costs(params["c"])[params["model"]]
    m, m_final = retrieval_point(cost, params["N"], params["alpha"], params["T"], params["sweeps"],
                                 rng=rng)
    return {"m": m, "m_final": m_final, "retrieved": float(m > params["threshold"])}
