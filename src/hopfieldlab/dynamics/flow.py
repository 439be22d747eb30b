"""The deterministic continuous Hopfield network as a gradient flow (spec ``hnn_flow.md`` §1-2).

    dx/dt = −x/τ + W σ(x) + b,    y = σ(x),
    E(y)  = −½ yᵀWy − bᵀy + Σ_i ψ(y_i)/τ_i,       ψ' = σ⁻¹  (the "integral term"),

so that dx/dt = −∇_y E(y) when W is symmetric. The same flow reads, in the outputs y,
dy/dt = −G(y)⁻¹∇E(y) with G = diag(g), g = (σ⁻¹)' (Amari's natural gradient), and forward
Euler in x with step h is mirror descent in y with mirror map ψ (Halder, Caluya, Travacca,
Moura 2019). :func:`integrate_flow` integrates the first two with ``scipy.integrate.solve_ivp``,
:func:`mirror_descent` iterates the third, :func:`find_equilibrium` solves x = τ(Wσ(x) + b), and
:func:`box_qp_flow` uses the flow as an analog optimiser over a box.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.integrate import OdeSolution, solve_ivp

from .._rng import as_generator
from .._validation import check_choice, check_int, check_scalar
from ..errors import ConvergenceWarning, NotConvergedError
from ..models.activations import Activation, get_activation

__all__ = [
    "BoxFlowResult",
    "EquilibriumResult",
    "FlowResult",
    "HopfieldNetwork",
    "NoEnergyWarning",
    "box_qp_flow",
    "box_qp_network",
    "find_equilibrium",
    "integrate_flow",
    "mirror_descent",
    "run_flow",
]

IVP_METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")
_IMPLICIT = ("Radau", "BDF", "LSODA")  # the solve_ivp methods that use a Jacobian


class NoEnergyWarning(UserWarning):
    """A network with non-symmetric weights was built: it has no energy (Lyapunov) function."""


# ---------------------------------------------------------------------------------------------
# input checks
# ---------------------------------------------------------------------------------------------


def _finite_array(value: object, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name}: got dtype {arr.dtype}, expected real numbers")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: contains NaN or infinite entries, expected finite numbers")
    return arr


def _square_matrix(value: object, name: str) -> np.ndarray:
    mat = _finite_array(value, name)
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1] or mat.shape[0] < 1:
        raise ValueError(f"{name}: got shape {mat.shape}, expected a square (n, n) matrix, n >= 1")
    return mat


def _vector(value: object, name: str, n: int) -> np.ndarray:
    vec = _finite_array(value, name)
    if vec.ndim == 0:
        return np.full(n, float(vec))
    if vec.shape != (n,):
        raise ValueError(f"{name}: got shape {vec.shape}, expected a scalar or shape ({n},)")
    return vec


def _time_constants(value: object, n: int) -> np.ndarray:
    tau = np.asarray(value, dtype=float)
    tau = np.full(n, float(tau)) if tau.ndim == 0 else tau
    # inf is allowed: no leak (the optimiser form of spec §1.2)
    if tau.shape != (n,) or np.any(np.isnan(tau)) or np.any(tau <= 0):
        raise ValueError(f"tau: got {value!r}, expected positive time constants of shape ({n},)")
    return tau


def _weights(value: object, allow_asymmetric: bool) -> np.ndarray:
    weights = _square_matrix(value, "W")
    if _is_symmetric(weights):
        # remove round-off asymmetry so that the energy is exactly a Lyapunov function
        return 0.5 * (weights + weights.T)
    if not allow_asymmetric:
        raise ValueError("W: not symmetric; pass allow_asymmetric=True to accept it (no energy)")
    warnings.warn(
        "W is not symmetric: the network has no energy function and need not converge",
        NoEnergyWarning,
        stacklevel=4,  # _weights <- __post_init__ <- __init__ <- caller
    )
    return weights


def _is_symmetric(mat: np.ndarray) -> bool:
    scale = float(np.max(np.abs(mat))) if mat.size else 0.0
    return bool(np.allclose(mat, mat.T, rtol=0.0, atol=1e-12 * max(scale, 1.0)))


def _report(message: str, on_fail: str) -> None:
    if on_fail == "raise":
        raise NotConvergedError(message)
    if on_fail == "warn":
        warnings.warn(message, ConvergenceWarning, stacklevel=3)


# ---------------------------------------------------------------------------------------------
# the network
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class HopfieldNetwork:
    """A continuous Hopfield network dx/dt = −x/τ + W σ(x) + b.

    Parameters
    ----------
    W : array_like, shape (n, n)
        Weights; must be symmetric (up to round-off, then symmetrised exactly) unless
        ``allow_asymmetric`` is True.
    b : array_like, shape (n,) or scalar, optional
        Bias (input currents); default 0.
    tau : array_like, shape (n,) or scalar
        Time constants τ_i > 0; ``math.inf`` removes the leak (the optimiser form of §1.2).
    activation : str or Activation
        Registry name (see :func:`hopfieldlab.models.available_activations`) or entry.
    gain : float
        Gain λ applied on top of the activation's own gain.
    allow_asymmetric : bool
        Accept a non-symmetric W, with a :class:`NoEnergyWarning`; ``energy`` is then undefined.
    """

    W: np.ndarray
    b: np.ndarray | float | None = None
    tau: np.ndarray | float = 1.0
    activation: Activation | str = "logistic"
    gain: float = 1.0
    allow_asymmetric: bool = False

    def __post_init__(self) -> None:
        weights = _weights(self.W, self.allow_asymmetric)
        n = weights.shape[0]
        bias = np.zeros(n) if self.b is None else _vector(self.b, "b", n)
        tau = _time_constants(self.tau, n)
        gain = check_scalar(self.gain, "gain", low=0.0, low_inclusive=False)
        act = get_activation(self.activation, gain)
        for name, val in (("W", weights), ("b", bias), ("tau", tau), ("activation", act)):
            object.__setattr__(self, name, val)
        object.__setattr__(self, "gain", 1.0)  # folded into ``activation``
        for arr in (weights, bias, tau):
            arr.setflags(write=False)

    # -- basic quantities ----------------------------------------------------------------------
    @property
    def n_neurons(self) -> int:
        """Number n of neurons."""
        return int(self.W.shape[0])

    @property
    def symmetric(self) -> bool:
        """Whether W is symmetric (the network then has an energy)."""
        return _is_symmetric(self.W)

    @property
    def act(self) -> Activation:
        """The activation entry (gain included)."""
        return self.activation  # type: ignore[return-value]

    @property
    def leak(self) -> np.ndarray:
        """1/τ per neuron (0 where τ is infinite)."""
        return 1.0 / self.tau

    def velocity(self, x: np.ndarray) -> np.ndarray:
        """dx/dt = −x/τ + W σ(x) + b for states x of shape (..., n)."""
        return -x * self.leak + self.act.sigma(x) @ self.W.T + self.b

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """∂(dx/dt)/∂x = −diag(1/τ) + W diag(σ'(x)) at one state x of shape (n,)."""
        return -np.diag(self.leak) + self.W * self.act.derivative(x)[None, :]

    def gradient(self, y: np.ndarray) -> np.ndarray:
        """∇_y E(y) = −W y − b + σ⁻¹(y)/τ for outputs y of shape (..., n) inside the box."""
        return -(y @ self.W.T) - self.b + self.act.inverse(y) * self.leak

    def natural_velocity(self, y: np.ndarray) -> np.ndarray:
        """dy/dt = −G(y)⁻¹ ∇E(y), the natural-gradient form of the flow."""
        return -self.act.inverse_metric(y) * self.gradient(y)

    def _require_energy(self) -> None:
        if not self.symmetric:
            raise ValueError("W: not symmetric, so the network has no energy function")

    def energy(self, y: np.ndarray) -> np.ndarray:
        """E(y) = −½ yᵀWy − bᵀy + Σ ψ(y_i)/τ_i for y of shape (..., n); returns shape (...)."""
        self._require_energy()
        ya = self.act.check_output(y, "y")
        return self._quadratic(ya) + np.sum(self.act.mirror(ya) * self.leak, axis=-1)

    def energy_x(self, x: np.ndarray) -> np.ndarray:
        """E(σ(x)) from the states x, stable for saturated neurons (ψ(σ(x)) by duality)."""
        self._require_energy()
        xa = _finite_array(x, "x")
        y = self.act.sigma(xa)
        return self._quadratic(y) + np.sum(self.act.mirror_from_x(xa) * self.leak, axis=-1)

    def _quadratic(self, y: np.ndarray) -> np.ndarray:
        return -0.5 * np.sum((y @ self.W.T) * y, axis=-1) - y @ self.b

    def _check_state(self, x0: object, name: str = "x0") -> np.ndarray:
        return _vector(x0, name, self.n_neurons)


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FlowResult:
    """A trajectory of the network in one of its three forms.

    Attributes
    ----------
    t : ndarray, shape (m,)
        Times (for mirror descent, k·h).
    x : ndarray, shape (m, n)
        States (membrane potentials, the mirror/dual coordinates).
    y : ndarray, shape (m, n)
        Outputs σ(x) (the primal coordinates on the box).
    energy : ndarray, shape (m,)
        E along the trajectory (NaN for a non-symmetric W).
    form : str
        ``"x"``, ``"natural"`` or ``"mirror"``.
    method : str
        solve_ivp method, or ``"mirror-descent"``.
    status : int
        solve_ivp's status (0: reached the end; −1: failed); mirror descent: 0 or −1 (overflow).
    success : bool
        ``status >= 0``.
    message : str
        Solver message.
    nfev : int
        Evaluations of the right-hand side (steps for mirror descent).
    sol : OdeSolution or None
        Dense output in the form's own coordinates (x for ``"x"``, y for ``"natural"``).
    """

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    energy: np.ndarray
    form: str
    method: str
    status: int
    success: bool
    message: str
    nfev: int
    sol: OdeSolution | None = None
    activation: Activation | None = None

    def y_at(self, t: object) -> np.ndarray:
        """Outputs at times ``t`` from the dense output, shape (len(t), n) or (n,)."""
        if self.sol is None or self.activation is None:
            raise ValueError("t: no dense output; integrate with dense_output=True")
        vals = np.asarray(self.sol(np.asarray(t, dtype=float))).T
        return self.activation.sigma(vals) if self.form == "x" else vals


@dataclass(frozen=True, eq=False)
class EquilibriumResult:
    """An equilibrium x = τ(Wσ(x) + b) of the network.

    Attributes
    ----------
    x, y : ndarray, shape (n,)
        State and output.
    energy : float
        E(y) (NaN for a non-symmetric W).
    residual : float
        max_i |x_i − τ_i((Wσ(x))_i + b_i)| (``max |dx/dt|`` where τ is infinite).
    converged : bool
        Whether the residual met the tolerance.
    eigenvalues : ndarray, shape (n,)
        Real parts of the eigenvalues of the flow's Jacobian at x, ascending.
    stable : bool
        All eigenvalues < 0 (a local minimum of E for symmetric W).
    message : str
        Solver message.
    nfev : int
        Function evaluations.
    """

    x: np.ndarray
    y: np.ndarray
    energy: float
    residual: float
    converged: bool
    eigenvalues: np.ndarray
    stable: bool
    message: str
    nfev: int


@dataclass(frozen=True, eq=False)
class BoxFlowResult:
    """Minimiser of ½vᵀQv + cᵀv over a box found by the network flow (see :func:`box_qp_flow`).

    Attributes
    ----------
    v : ndarray, shape (n,)
        The point found, inside the box.
    y : ndarray, shape (n,)
        The network outputs (v rescaled to the activation's range).
    objective : float
        ½vᵀQv + cᵀv at v (without the barrier).
    barrier_objective : float
        The network energy (objective + barrier term) at v, up to a constant.
    converged : bool
        Whether the equilibrium residual met the tolerance.
    residual : float
        max |dx/dt| at the end.
    message : str
        What happened.
    flow : FlowResult
        The flow's trajectory.
    network : HopfieldNetwork
        The network that realises the problem.
    """

    v: np.ndarray
    y: np.ndarray
    objective: float
    barrier_objective: float
    converged: bool
    residual: float
    message: str
    flow: FlowResult
    network: HopfieldNetwork


# ---------------------------------------------------------------------------------------------
# the three forms
# ---------------------------------------------------------------------------------------------


def _energies(network: HopfieldNetwork, x: np.ndarray) -> np.ndarray:
    if not network.symmetric:
        return np.full(x.shape[0], np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        # a diverging (unstable linear) trajectory has an energy tending to -inf; report it
        return network.energy_x(x)


def _inner_clip(act: Activation, y: np.ndarray) -> np.ndarray:
    # trial Runge-Kutta stages may step just outside the box; they are rejected by the error
    # control, but must be evaluable, so clamp them to the largest floats inside
    return np.clip(y, np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf))


def _t_span(t_span: object) -> tuple[float, float]:
    if np.ndim(t_span) == 0:
        return 0.0, check_scalar(t_span, "t_span", low=0.0, low_inclusive=False)
    if np.shape(t_span) != (2,):
        raise ValueError(f"t_span: got {t_span!r}, expected t_final or (t0, t_final)")
    t0 = check_scalar(t_span[0], "t_span[0]")  # type: ignore[index]
    t1 = check_scalar(t_span[1], "t_span[1]", low=t0, low_inclusive=False)  # type: ignore[index]
    return t0, t1


def integrate_flow(
    network: HopfieldNetwork,
    x0: object,
    t_span: object,
    *,
    form: str = "x",
    method: str = "RK45",
    t_eval: object = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    dense_output: bool = True,
    max_step: float = math.inf,
) -> FlowResult:
    """Integrate the network flow with ``scipy.integrate.solve_ivp``.

    Parameters
    ----------
    network : HopfieldNetwork
        The network.
    x0 : array_like, shape (n,)
        Initial state (the natural form starts from y0 = σ(x0), which must not round onto the
        boundary of the box).
    t_span : float or (float, float)
        Final time, or (t0, t_final).
    form : {"x", "natural"}
        ``"x"``: dx/dt = −x/τ + Wσ(x) + b. ``"natural"``: dy/dt = −G(y)⁻¹∇E(y) in the outputs.
    method : str
        Any solve_ivp method (RK45, RK23, DOP853, Radau, BDF, LSODA); implicit ones get the
        analytic Jacobian in the x-form.
    t_eval : array_like, optional
        Output times; default: the solver's steps.
    rtol, atol : float
        Solver tolerances.
    dense_output : bool
        Keep solve_ivp's interpolant (``FlowResult.sol`` / ``FlowResult.y_at``).
    max_step : float
        Largest step.

    Returns
    -------
    FlowResult
    """
    check_choice(form, "form", ("x", "natural"))
    check_choice(method, "method", IVP_METHODS)
    t0, t1 = _t_span(t_span)
    x_init = network._check_state(x0)
    act = network.act
    opts: dict[str, object] = {}
    if form == "x":
        start = x_init

        def rhs(_t: float, state: np.ndarray) -> np.ndarray:
            return network.velocity(state)

        if method in _IMPLICIT:
            opts["jac"] = lambda _t, state: network.jacobian(state)
    else:
        start = act.check_output(act.sigma(x_init), "x0")

        def rhs(_t: float, state: np.ndarray) -> np.ndarray:
            return network.natural_velocity(_inner_clip(act, state))

    teval = None if t_eval is None else _finite_array(t_eval, "t_eval")
    sol = solve_ivp(rhs, (t0, t1), start, method=method, t_eval=teval, rtol=rtol, atol=atol,
                    dense_output=dense_output, max_step=max_step, **opts)
    states = np.asarray(sol.y, dtype=float).T
    if form == "x":
        x, y = states, act.sigma(states)
    else:
        y = _inner_clip(act, states)
        x = act.inverse(y)
    return FlowResult(
        t=np.asarray(sol.t, dtype=float), x=x, y=y, energy=_energies(network, x), form=form,
        method=method, status=int(sol.status), success=bool(sol.status >= 0),
        message=str(sol.message), nfev=int(sol.nfev), sol=sol.sol, activation=act,
    )


def mirror_descent(
    network: HopfieldNetwork,
    x0: object,
    step: float,
    n_steps: int,
    *,
    record_every: int = 1,
) -> FlowResult:
    """Discrete mirror descent y_{k+1} = argmin_y h⟨∇E(y_k), y⟩ + D_ψ(y, y_k).

    In the dual coordinates this is x_{k+1} = x_k − h∇_yE(y_k) = x_k + h·(dx/dt)(x_k): forward
    Euler of the x-form, so y_k follows the continuous flow with O(h) error and never leaves
    the box.

    Parameters
    ----------
    network : HopfieldNetwork
        The network.
    x0 : array_like, shape (n,)
        Initial state.
    step : float
        Step h > 0.
    n_steps : int
        Number of steps.
    record_every : int
        Record every this many steps (the initial and final states are always recorded).

    Returns
    -------
    FlowResult
        ``form="mirror"``, ``t = k h`` at the recorded steps; ``status = −1`` on overflow.
    """
    h = check_scalar(step, "step", low=0.0, low_inclusive=False)
    n = check_int(n_steps, "n_steps", low=1)
    every = check_int(record_every, "record_every", low=1)
    x = network._check_state(x0)
    ks, xs = [0], [x]
    status, message = 0, "completed the requested steps"
    for k in range(1, n + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            # an unstable flow (e.g. identity units) diverges; that is reported, not warned
            x = x + h * network.velocity(x)
        if not np.all(np.isfinite(x)):
            status, message = -1, f"the iterates overflowed at step {k}; decrease step"
            break
        if k % every == 0 or k == n:
            ks.append(k)
            xs.append(x)
    xa = np.array(xs)
    return FlowResult(
        t=h * np.array(ks, dtype=float), x=xa, y=network.act.sigma(xa),
        energy=_energies(network, xa), form="mirror", method="mirror-descent", status=status,
        success=status >= 0, message=message, nfev=len(ks) if status < 0 else n,
        activation=network.act,
    )


def run_flow(
    network: HopfieldNetwork,
    x0: object,
    t_final: float,
    *,
    form: str = "x",
    step: float | None = None,
    method: str = "RK45",
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> FlowResult:
    """Run the flow up to ``t_final`` in the chosen form, for side-by-side comparisons.

    Parameters
    ----------
    network : HopfieldNetwork
        The network.
    x0 : array_like, shape (n,)
        Initial state.
    t_final : float
        Final time.
    form : {"x", "natural", "mirror"}
        Coordinates of the continuous flow, or discrete mirror descent.
    step : float, optional
        Mirror-descent step (default t_final/1000); rounded so that an integer number of
        steps reaches t_final.
    method, rtol, atol
        Passed to :func:`integrate_flow` for the continuous forms.

    Returns
    -------
    FlowResult
    """
    check_choice(form, "form", ("x", "natural", "mirror"))
    t1 = check_scalar(t_final, "t_final", low=0.0, low_inclusive=False)
    if form != "mirror":
        return integrate_flow(network, x0, t1, form=form, method=method, rtol=rtol, atol=atol)
    h = t1 / 1000 if step is None else check_scalar(step, "step", low=0.0, low_inclusive=False)
    n_steps = max(1, round(t1 / h))
    return mirror_descent(network, x0, t1 / n_steps, n_steps)


# ---------------------------------------------------------------------------------------------
# equilibria
# ---------------------------------------------------------------------------------------------


def _residual(network: HopfieldNetwork, x: np.ndarray) -> float:
    v = network.velocity(x)
    # x − τ(Wσ(x)+b) = −τ·dx/dt; use dx/dt itself where τ is infinite (no leak)
    scale = np.where(np.isfinite(network.tau), network.tau, 1.0)
    return float(np.max(np.abs(scale * v)))


def find_equilibrium(
    network: HopfieldNetwork,
    x0: object = None,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
    on_fail: str = "warn",
) -> EquilibriumResult:
    """Solve x = τ(Wσ(x) + b) with ``scipy.optimize.root`` (MINPACK hybrid, analytic Jacobian).

    Which equilibrium is found depends on ``x0``; start from the end of a trajectory
    (:func:`integrate_flow`) to find the attractor it tends to.

    Parameters
    ----------
    network : HopfieldNetwork
        The network.
    x0 : array_like, shape (n,), optional
        Starting point (default 0).
    tol : float
        Target max-norm of the residual x − τ(Wσ(x) + b).
    max_iter : int
        Function-evaluation budget.
    on_fail : {"warn", "raise", "ignore"}
        What to do when the tolerance is not met (:class:`ConvergenceWarning` or
        :class:`NotConvergedError`); the result always carries ``converged``.

    Returns
    -------
    EquilibriumResult
    """
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    max_iter = check_int(max_iter, "max_iter", low=1)
    check_choice(on_fail, "on_fail", ("warn", "raise", "ignore"))
    start = np.zeros(network.n_neurons) if x0 is None else network._check_state(x0)

    def fun_jac(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # dx/dt = 0 in the form F(x) = 0 (scaled by τ where finite, so F = x − τ(Wσ(x)+b))
        scale = np.where(np.isfinite(network.tau), network.tau, 1.0)[:, None]
        return -scale[:, 0] * network.velocity(x), -scale * network.jacobian(x)

    sol = optimize.root(fun_jac, start, jac=True, method="hybr",
                        options={"xtol": 1e-14, "maxfev": max_iter})
    x = np.asarray(sol.x, dtype=float)
    res = _residual(network, x)
    converged = bool(res <= tol)
    if not converged:
        _report(f"find_equilibrium: residual {res:.3g} > tol={tol:g} ({sol.message}); try "
                "another x0 (e.g. the end of a trajectory) or raise max_iter", on_fail)
    eig = np.sort(np.linalg.eigvals(network.jacobian(x)).real)
    energy = float(network.energy_x(x)) if network.symmetric else math.nan
    return EquilibriumResult(
        x=x, y=network.act.sigma(x), energy=energy, residual=res, converged=converged,
        eigenvalues=eig, stable=bool(eig[-1] < 0), message=str(sol.message), nfev=int(sol.nfev),
    )


# ---------------------------------------------------------------------------------------------
# analog optimiser
# ---------------------------------------------------------------------------------------------


def _box(lower: object, upper: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = _vector(lower, "lower", n), _vector(upper, "upper", n)
    if np.any(hi <= lo):
        raise ValueError("upper: expected upper > lower in every coordinate")
    return lo, hi


def box_qp_network(
    Q: object,
    c: object,
    lower: object,
    upper: object,
    *,
    barrier: float = 1e-4,
    gain: float = 1.0,
    activation: str | Activation = "logistic",
) -> tuple[HopfieldNetwork, np.ndarray, np.ndarray]:
    """The network whose energy is ½vᵀQv + cᵀv + barrier·Σψ(y_i), v = lower + D(y − a).

    With y in the activation's range (a, a'), D = diag((upper − lower)/(a' − a)) maps the
    network's box onto [lower, upper]; then W = −DQD, b = −D(Q v₀ + c) with v₀ = lower − D a,
    and τ = 1/barrier: the integral term of the Hopfield energy is the (entropic, for
    logistic units) barrier of the box.

    Returns
    -------
    network : HopfieldNetwork
    scale : ndarray, shape (n,)
        The diagonal of D.
    offset : ndarray, shape (n,)
        v₀, so that v = v₀ + D y.
    """
    q = _square_matrix(Q, "Q")
    if not _is_symmetric(q):
        raise ValueError("Q: expected a symmetric matrix (the objective's Hessian)")
    n = q.shape[0]
    cvec = _vector(c, "c", n)
    lo, hi = _box(lower, upper, n)
    mu = check_scalar(barrier, "barrier", low=0.0, low_inclusive=False)
    act = get_activation(activation, gain)
    if not (math.isfinite(act.lower) and math.isfinite(act.upper)):
        raise ValueError(f"activation: {act.name!r} has an unbounded range; expected a sigmoid")
    scale = (hi - lo) / (act.upper - act.lower)
    offset = lo - scale * act.lower
    weights = -(scale[:, None] * q * scale[None, :])
    bias = -scale * (q @ offset + cvec)
    return HopfieldNetwork(weights, bias, 1.0 / mu, act), scale, offset


def box_qp_flow(
    Q: object,
    c: object,
    lower: object,
    upper: object,
    *,
    barrier: float = 1e-4,
    gain: float = 1.0,
    activation: str | Activation = "logistic",
    x0: object = None,
    t_final: float | None = None,
    method: str = "LSODA",
    tol: float = 1e-8,
    rng: np.random.Generator | int | np.random.SeedSequence | None = None,
) -> BoxFlowResult:
    """Minimise f(v) = ½vᵀQv + cᵀv over the box [lower, upper] with the network flow.

    The network of :func:`box_qp_network` has energy f + barrier·Σψ, so it descends f while the
    integral term keeps it inside the box (an interior-point barrier of weight
    ``barrier/gain``). The flow is integrated up to ``t_final`` and its end point polished to the
    equilibrium with :func:`find_equilibrium`. For convex f the result tends to the box
    minimiser as the barrier weight tends to 0 (bias O(barrier/gain) in the free coordinates).
    With a high gain and a nonconvex f the outputs go to corners: the classical binary use.

    Parameters
    ----------
    Q : array_like, shape (n, n)
        Symmetric Hessian.
    c : array_like, shape (n,)
        Linear term.
    lower, upper : array_like, shape (n,) or scalar
        Finite box bounds, upper > lower.
    barrier : float
        Weight 1/τ of the integral term.
    gain : float
        Activation gain (the barrier acts with weight barrier/gain).
    activation : str or Activation
        A bounded activation (logistic, tanh, arctan).
    x0 : array_like, optional
        Initial state; default: the box centre plus tiny noise from ``rng`` (breaks symmetric
        ties in the binary use).
    t_final : float, optional
        Integration time; default 20/barrier + 100 (the slowest mode relaxes at rate barrier).
    method : str
        solve_ivp method; a stiff one (LSODA, BDF, Radau) suits the long horizon.
    tol : float
        Residual tolerance of the equilibrium.
    rng : Generator, int, SeedSequence or None
        Source of the default initial noise.

    Returns
    -------
    BoxFlowResult
    """
    net, scale, offset = box_qp_network(Q, c, lower, upper, barrier=barrier, gain=gain,
                                        activation=activation)
    n = net.n_neurons
    if x0 is None:
        mid = net.act.inverse(np.full(n, 0.5 * (net.act.lower + net.act.upper)))
        start = mid + 1e-3 * as_generator(rng).standard_normal(n)
    else:
        start = net._check_state(x0)
    mu = 1.0 / float(net.tau[0])
    horizon = 20.0 / mu + 100.0 if t_final is None else check_scalar(
        t_final, "t_final", low=0.0, low_inclusive=False)
    flow = integrate_flow(net, start, horizon, method=method, dense_output=False)
    eq = find_equilibrium(net, flow.x[-1], tol=tol, on_fail="ignore")
    # keep the polished point only if it is the attractor the flow was heading to
    use_eq = eq.converged and eq.stable
    x_end = eq.x if use_eq else flow.x[-1]
    y = net.act.sigma(x_end)
    v = np.clip(offset + scale * y, *_box(lower, upper, n))
    q = _square_matrix(Q, "Q")
    cvec = _vector(c, "c", n)
    residual = _residual(net, x_end)
    message = ("flow + equilibrium polish" if use_eq
               else f"flow end point; polish failed ({eq.message})")
    return BoxFlowResult(
        v=v, y=y, objective=float(0.5 * v @ q @ v + cvec @ v),
        barrier_objective=float(net.energy_x(x_end)), converged=bool(residual <= tol),
        residual=residual, message=message, flow=flow, network=net,
    )
