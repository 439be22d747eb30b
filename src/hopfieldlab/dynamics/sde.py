"""The stochastic Hopfield network (Wong's diffusion machine), simulated for many samples at once.

    dx_i = (−x_i/τ_i + (Wσ(x))_i + b_i) dt + √(2T/σ'(x_i)) dw_i          (Itô)

The noise factor 1/σ' makes the stationary law of y = σ(x) the Gibbs density exp(−E(y)/T)/Z on
the output box (spec ``hnn_flow.md`` §3). Three equivalent coordinate systems are offered:

* ``"x"``: Euler–Maruyama on the equation above. For logistic/tanh units the noise grows like
  e^{|x|/2} as a neuron saturates, so explicit steps can overflow (spec §3.1 measured a third of
  the paths lost); the run then stops with ``status = −1``.
* ``"y"``: Itô's formula for y = σ(x) gives, with (dx)² = 2T/σ'(x) dt,
  dy = σ'dx + ½σ''(dx)² = [−g⁻¹∂_yE + T σ''/σ'] dt + √(2Tσ') dw, and σ''(x)/σ'(x) is exactly
  (g⁻¹)'(y) because g⁻¹(y) = σ'(σ⁻¹(y)). Steps that leave the box are reflected back.
* ``"u"`` (default): the geodesic/Lamperti coordinates u = Φ(y), Φ' = √g. Itô again:
  du = Φ'dy + ½Φ''(dy)² with Φ'' = g'/(2√g) gives the isotropic Langevin equation
  du = −∇_uV dt + √(2T) dw,  V = E + (T/2)Σ log g,  ∇_uV = (∂_yE − (T/2)(g⁻¹)'g)/√g.
  Reflection at the (finite) ends of Φ's range keeps samples in the box; this is the form the
  proximal recursion works in.

Temperatures may follow an annealing schedule (:class:`TemperatureSchedule`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_choice, check_int, check_scalar
from ..models.activations import Activation
from .flow import HopfieldNetwork

__all__ = [
    "SDEResult",
    "TemperatureSchedule",
    "inverse_metric_slope",
    "lamperti_drift",
    "lamperti_potential",
    "reflect",
    "simulate_sde",
]

COORDS = ("u", "y", "x")
SCHEDULES = ("constant", "logarithmic", "geometric")


# ---------------------------------------------------------------------------------------------
# temperature schedules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemperatureSchedule:
    """Temperature T(t) of the diffusion machine.

    * ``"constant"``: T(t) = T0.
    * ``"logarithmic"``: T(t) = T0 log 2 / log(2 + rate·t), the Geman–Hwang-type schedule
      (c/log t with c above the largest barrier guarantees convergence to global minima).
    * ``"geometric"``: T(t) = max(T_min, T0 e^{−rate·t}), the continuous-time form of the
      common T_{k+1} = αT_k rule (fast, no guarantee).

    Parameters
    ----------
    kind : {"constant", "logarithmic", "geometric"}
    T0 : float
        T(0) > 0.
    rate : float
        Time scale of the decrease (ignored for "constant").
    T_min : float
        Floor of the geometric schedule (≥ 0).
    """

    kind: str = "constant"
    T0: float = 1.0
    rate: float = 1.0
    T_min: float = 0.0

    def __post_init__(self) -> None:
        check_choice(self.kind, "kind", SCHEDULES)
        check_scalar(self.T0, "T0", low=0.0, low_inclusive=False)
        check_scalar(self.rate, "rate", low=0.0)
        check_scalar(self.T_min, "T_min", low=0.0)

    def __call__(self, t: object) -> np.ndarray:
        """T at times ``t`` (array_like, ≥ 0)."""
        ta = np.asarray(t, dtype=float)
        if self.kind == "constant":
            return np.full(ta.shape, self.T0)
        if self.kind == "logarithmic":
            return self.T0 * math.log(2.0) / np.log(2.0 + self.rate * ta)
        return np.maximum(self.T_min, self.T0 * np.exp(-self.rate * ta))

    @classmethod
    def coerce(cls, T: float | TemperatureSchedule) -> TemperatureSchedule:
        """A schedule from a constant temperature or a schedule (returned unchanged)."""
        if isinstance(T, TemperatureSchedule):
            return T
        return cls("constant", check_scalar(T, "T", low=0.0, low_inclusive=False))


# ---------------------------------------------------------------------------------------------
# geometry helpers shared with the proximal recursion
# ---------------------------------------------------------------------------------------------


def inverse_metric_slope(act: Activation, y: np.ndarray) -> np.ndarray:
    """(g⁻¹)'(y) = σ''(σ⁻¹y)/σ'(σ⁻¹y): the Itô drift of the y-form per unit temperature.

    Closed forms for the built-ins (gain λ): logistic λ(1−2y), tanh −2λy, arctan −λ sin 2y,
    identity 0; a user activation gets a centred difference of g⁻¹.
    """
    lam = act.gain
    if act.closed_form and act.name == "logistic":
        return lam * (1.0 - 2.0 * y)
    if act.closed_form and act.name == "tanh":
        return -2.0 * lam * y
    if act.closed_form and act.name == "arctan":
        return -lam * np.sin(2.0 * y)
    if act.closed_form and act.name == "identity":
        return np.zeros_like(y)
    span = act.upper - act.lower
    step = 1e-5 * (span if math.isfinite(span) else 1.0)
    lo, hi = np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf)
    yp, ym = np.minimum(y + step, hi), np.maximum(y - step, lo)
    return (act.inverse_metric(yp) - act.inverse_metric(ym)) / (yp - ym)


def _interior(act: Activation, y: np.ndarray) -> np.ndarray:
    # a sample can round onto the box's faces (σ saturates in floating point); keep it evaluable
    return np.clip(y, np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf))


def lamperti_potential(network: HopfieldNetwork, u: np.ndarray, T: float) -> np.ndarray:
    """V(u) = E(y(u)) + (T/2) Σ log g(y(u)), the potential of the isotropic u-Langevin equation."""
    act = network.act
    y = _interior(act, act.isometry_inverse(u))
    return network.energy(y) + 0.5 * T * np.sum(np.log(act.metric(y)), axis=-1)


def lamperti_drift(network: HopfieldNetwork, y: np.ndarray, T: float) -> np.ndarray:
    """−∇_uV at outputs y: (−∂_yE + (T/2)(g⁻¹)'(y) g(y)) / √g(y), shape like ``y``."""
    act = network.act
    g = act.metric(y)
    return (-network.gradient(y) + 0.5 * T * inverse_metric_slope(act, y) * g) / np.sqrt(g)


def reflect(u: np.ndarray, lower: float, upper: float) -> tuple[np.ndarray, int]:
    """Fold ``u`` into [lower, upper] by mirror reflection at the ends (any number of times).

    Infinite ends are left alone. Returns the folded array and how many entries were outside.
    """
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return u, 0
    outside = (u < lower) | (u > upper)
    n_out = int(np.count_nonzero(outside))
    if n_out == 0:
        return u, 0
    width = upper - lower
    z = np.mod(u - lower, 2.0 * width)
    return lower + np.where(z > width, 2.0 * width - z, z), n_out


# ---------------------------------------------------------------------------------------------
# Euler-Maruyama
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SDEResult:
    """Samples of the diffusion machine at the recorded times.

    Attributes
    ----------
    t : ndarray, shape (m,)
        Record times (t = 0 included).
    T : ndarray, shape (m,)
        Temperature at the record times.
    y : ndarray, shape (m, S, n)
        Outputs of the S samples.
    x : ndarray, shape (m, S, n)
        States σ⁻¹(y) (large but finite for saturated neurons).
    coords : str
        Coordinates the equation was stepped in.
    dt : float
        Step.
    n_steps : int
        Steps taken.
    n_reflected : int
        Sample coordinates folded back into the box (all steps together).
    status : int
        0: finished; −1: non-finite values (the x-form overflowed); the records stop there.
    success : bool
        ``status == 0``.
    message : str
        What happened.
    """

    t: np.ndarray
    T: np.ndarray
    y: np.ndarray
    x: np.ndarray
    coords: str
    dt: float
    n_steps: int
    n_reflected: int
    status: int
    success: bool
    message: str


def _initial(network: HopfieldNetwork, x0: object, n_samples: int) -> np.ndarray:
    x = np.asarray(x0, dtype=float)
    n = network.n_neurons
    if x.ndim == 1 and x.shape == (n,):
        x = np.broadcast_to(x, (n_samples, n))
    elif x.ndim == 0:
        x = np.full((n_samples, n), float(x))
    if x.shape != (n_samples, n):
        raise ValueError(f"x0: got shape {x.shape}, expected ({n},) or ({n_samples}, {n})")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0: contains NaN or infinite entries, expected finite states")
    return np.array(x, dtype=float)


def simulate_sde(
    network: HopfieldNetwork,
    x0: object,
    T: float | TemperatureSchedule,
    t_final: float,
    dt: float,
    *,
    n_samples: int = 1000,
    coords: str = "u",
    n_records: int = 11,
    rng: RNGLike = None,
) -> SDEResult:
    """Euler–Maruyama for the diffusion machine, vectorised over ``n_samples`` samples.

    Parameters
    ----------
    network : HopfieldNetwork
        Symmetric network (the y- and u-forms need the energy gradient).
    x0 : array_like, shape (n,) or (n_samples, n)
        Initial states (one for all samples, or one per sample).
    T : float or TemperatureSchedule
        Temperature or annealing schedule; step k uses T(k·dt).
    t_final : float
        End time.
    dt : float
        Step (rounded so that an integer number of steps reaches ``t_final``).
    n_samples : int
        Number of independent samples S.
    coords : {"u", "y", "x"}
        Coordinates the equation is stepped in (see the module docstring).
    n_records : int
        Number of equally spaced records including t = 0 and t_final.
    rng : Generator, int, SeedSequence or None
        Source of the Brownian increments; the same seed gives the same samples.

    Returns
    -------
    SDEResult
    """
    check_choice(coords, "coords", COORDS)
    sched = TemperatureSchedule.coerce(T)
    t1 = check_scalar(t_final, "t_final", low=0.0, low_inclusive=False)
    h = check_scalar(dt, "dt", low=0.0, low_inclusive=False)
    s = check_int(n_samples, "n_samples", low=1)
    n_rec = check_int(n_records, "n_records", low=2)
    if not network.symmetric:
        raise ValueError("network: W is not symmetric; the diffusion machine needs an energy")
    n_steps = max(1, round(t1 / h))
    h = t1 / n_steps
    rec_steps = np.unique(np.round(np.linspace(0, n_steps, n_rec)).astype(int))
    gen = as_generator(rng)
    act = network.act
    x = _initial(network, x0, s)
    y = _interior(act, act.sigma(x))
    u = act.isometry(y) if coords == "u" else None
    u_lo, u_hi = act.isometry_range()
    ys, ts = [y.copy()], [0.0]
    n_ref, status, message = 0, 0, "completed the requested steps"
    sqrt_h = math.sqrt(h)
    for k in range(1, n_steps + 1):
        temp = float(sched((k - 1) * h))
        noise = gen.standard_normal(x.shape)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if coords == "x":
                x = x + h * network.velocity(x) + np.sqrt(2.0 * temp / act.derivative(x)) * sqrt_h * noise
                y = act.sigma(x)
                ok = np.all(np.isfinite(x))
            elif coords == "y":
                drift = -act.inverse_metric(y) * network.gradient(y) + temp * inverse_metric_slope(act, y)
                y_new = y + h * drift + np.sqrt(2.0 * temp * act.inverse_metric(y)) * sqrt_h * noise
                y_new, nr = reflect(y_new, act.lower, act.upper)
                n_ref += nr
                y = _interior(act, y_new)
                ok = np.all(np.isfinite(y))
            else:
                u_new = u + h * lamperti_drift(network, y, temp) + math.sqrt(2.0 * temp) * sqrt_h * noise
                u, nr = reflect(u_new, u_lo, u_hi)
                n_ref += nr
                ok = np.all(np.isfinite(u))
                if ok:
                    y = _interior(act, act.isometry_inverse(u))
        if not ok:
            status = -1
            message = (f"non-finite states at step {k} (t = {k * h:.4g}) in {coords!r} coordinates; "
                       "use coords='u' or a smaller dt")
            break
        if k in rec_steps:
            ys.append(y.copy())
            ts.append(k * h)
    ya = np.array(ys)
    xa = act.inverse(_interior(act, ya))
    t_arr = np.array(ts)
    return SDEResult(t=t_arr, T=sched(t_arr), y=ya, x=xa, coords=coords, dt=h,
                     n_steps=k if status < 0 else n_steps, n_reflected=n_ref, status=status,
                     success=status == 0, message=message)
