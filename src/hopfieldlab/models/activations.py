"""Activations of continuous Hopfield networks and the geometry each one induces.

An activation σ (strictly increasing, onto an open interval) fixes the Riemannian metric of the
network's output space (Halder, Caluya, Travacca, Moura 2019; spec ``hnn_flow.md`` §2):

* metric ``g(y) = (σ⁻¹)'(y) = 1/σ'(σ⁻¹(y))`` (diagonal, one coordinate at a time, hence flat);
* mirror map ``ψ`` with ``ψ' = σ⁻¹`` and its convex conjugate ``ψ*`` with ``ψ*' = σ``;
* Bregman divergence ``D_ψ(y, z) = ψ(y) − ψ(z) − σ⁻¹(z)(y − z)``;
* isometry ``Φ(y) = ∫√g`` onto an interval of the real line, so geodesics are straight lines in
  ``u = Φ(y)`` and ``d(y, z) = ‖Φ(y) − Φ(z)‖₂``.

A gain λ means ``σ_λ(x) = σ(λx)``; then ``g_λ = g/λ``, ``ψ_λ = ψ/λ``, ``ψ*_λ(x) = ψ*(λx)/λ`` and
``Φ_λ = Φ/√λ``, so every entry stores its gain-1 forms and applies the gain on the fly.

Built-in entries have closed forms. :func:`register_activation` accepts a user activation from
σ and σ⁻¹ alone and derives the rest with SciPy's elementwise differentiation (with its error
estimate), tanh-sinh quadrature, extrapolation of the boundary tails and a bracketing root
finder (with a :class:`ClosedFormWarning`); what cannot reach its accuracy raises.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import special
from scipy.differentiate import derivative as _fd_derivative
from scipy.integrate import tanhsinh
from scipy.optimize import elementwise as _elementwise

from .._validation import check_scalar

__all__ = [
    "Activation",
    "ClosedFormWarning",
    "available_activations",
    "get_activation",
    "register_activation",
    "unregister_activation",
]

ArrayFn = Callable[[np.ndarray], np.ndarray]


class ClosedFormWarning(UserWarning):
    """An activation was registered without closed forms; its geometry is computed numerically."""


@dataclass(frozen=True)
class _Forms:
    """Gain-1 forms of one activation; every callable is elementwise on float arrays."""

    sigma: ArrayFn
    inverse: ArrayFn
    derivative: ArrayFn
    metric: ArrayFn
    mirror: ArrayFn
    conjugate: ArrayFn
    isometry: ArrayFn
    isometry_inverse: ArrayFn
    iso_lower: float
    iso_upper: float
    bregman: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None


def _as_float(value: object, name: str) -> np.ndarray:
    """Return ``value`` as a float array; NaN or non-real input raises, naming the argument."""
    arr = np.asarray(value)
    if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name}: got dtype {arr.dtype}, expected real numbers")
    arr = arr.astype(float, copy=False)
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name}: contains NaN entries, expected real numbers")
    return arr


@dataclass(frozen=True)
class Activation:
    """A strictly increasing activation σ with range (lower, upper) and its geometry.

    Obtain entries with :func:`get_activation`; all methods are vectorised and elementwise
    unless they say they reduce over an axis.

    Attributes
    ----------
    name : str
        Registry name.
    lower, upper : float
        The open range of σ (infinite for the identity); a gain does not change it.
    gain : float
        λ > 0 in σ_λ(x) = σ(λx).
    closed_form : bool
        False for user entries whose geometry is computed by quadrature and differentiation.
    """

    name: str
    lower: float
    upper: float
    _forms: _Forms = field(repr=False, compare=False)
    gain: float = 1.0
    closed_form: bool = True

    # -- coordinate changes -------------------------------------------------------------------
    def with_gain(self, gain: float) -> Activation:
        """Return the same activation with gain ``gain`` (> 0)."""
        return replace(self, gain=check_scalar(gain, "gain", low=0.0, low_inclusive=False))

    def check_output(self, y: object, name: str = "y") -> np.ndarray:
        """Return ``y`` as a float array after checking it lies in the open range of σ."""
        arr = _as_float(y, name)
        outside = ~((arr > self.lower) & (arr < self.upper))
        if np.any(outside):
            bad = arr[outside].ravel()[:3]
            raise ValueError(
                f"{name}: got values such as {bad!r}, expected values in the open range "
                f"({self.lower}, {self.upper}) of the {self.name!r} activation"
            )
        return arr

    def sigma(self, x: object) -> np.ndarray:
        """σ_λ(x) = σ(λx)."""
        return self._forms.sigma(self.gain * _as_float(x, "x"))

    def inverse(self, y: object) -> np.ndarray:
        """σ_λ⁻¹(y) = σ⁻¹(y)/λ; ``y`` must lie in the open range of σ."""
        return self._forms.inverse(self.check_output(y)) / self.gain

    def derivative(self, x: object) -> np.ndarray:
        """σ_λ'(x) = λ σ'(λx) (> 0)."""
        return self.gain * self._forms.derivative(self.gain * _as_float(x, "x"))

    # -- geometry -----------------------------------------------------------------------------
    def metric(self, y: object) -> np.ndarray:
        """Riemannian metric g(y) = (σ_λ⁻¹)'(y) = 1/σ_λ'(σ_λ⁻¹(y)), one entry per coordinate."""
        return self._forms.metric(self.check_output(y)) / self.gain

    def inverse_metric(self, y: object) -> np.ndarray:
        """1/g(y) = σ_λ'(σ_λ⁻¹(y)): the factor of the natural gradient −G⁻¹∇E."""
        return 1.0 / self.metric(y)

    def mirror(self, y: object) -> np.ndarray:
        """Mirror map ψ_λ(y) (per coordinate), with ψ_λ' = σ_λ⁻¹ (convex, Legendre type)."""
        return self._forms.mirror(self.check_output(y)) / self.gain

    def conjugate(self, x: object) -> np.ndarray:
        """Convex conjugate ψ*_λ(x) = ψ*(λx)/λ (per coordinate), with ψ*_λ' = σ_λ."""
        return self._forms.conjugate(self.gain * _as_float(x, "x")) / self.gain

    def mirror_from_x(self, x: object) -> np.ndarray:
        """ψ_λ(σ_λ(x)) computed from x by Legendre duality, x σ_λ(x) − ψ*_λ(x).

        Stable where σ_λ(x) rounds to the boundary of its range (saturated neurons).
        """
        xa = _as_float(x, "x")
        with np.errstate(invalid="ignore"):
            # identity-like activations with |x| = inf give inf - inf; such x are not states
            return xa * self.sigma(xa) - self.conjugate(xa)

    def bregman(self, y: object, z: object, *, axis: int | None = -1) -> np.ndarray:
        """Bregman divergence D_ψ(y, z) = ψ(y) − ψ(z) − σ⁻¹(z)(y − z) (≥ 0, 0 iff y = z).

        Parameters
        ----------
        y, z : array_like
            Points in the open range of σ, broadcastable.
        axis : int or None
            Axis summed over (the coordinates of separable ψ); None, or 0-d input, keeps the
            per-coordinate divergences.
        """
        ya, za = self.check_output(y, "y"), self.check_output(z, "z")
        if self._forms.bregman is not None:
            d = self._forms.bregman(ya, za) / self.gain
        else:
            d = self.mirror(ya) - self.mirror(za) - self.inverse(za) * (ya - za)
            # the exact value is >= 0 by convexity; negatives are round-off near the diagonal
            d = np.maximum(d, 0.0)
        return _reduce(d, axis, square=False)

    def isometry(self, y: object) -> np.ndarray:
        """Φ_λ(y) = ∫√g: maps (M, g) isometrically onto an interval of the real line."""
        return self._forms.isometry(self.check_output(y)) / math.sqrt(self.gain)

    def isometry_range(self) -> tuple[float, float]:
        """Closed interval swept by Φ_λ (infinite ends: the boundary is infinitely far)."""
        s = math.sqrt(self.gain)
        return self._forms.iso_lower / s, self._forms.iso_upper / s

    def isometry_inverse(self, u: object) -> np.ndarray:
        """Φ_λ⁻¹(u) for u in :meth:`isometry_range`."""
        ua = _as_float(u, "u")
        lo, hi = self.isometry_range()
        if np.any((ua < lo) | (ua > hi)):
            bad = ua[(ua < lo) | (ua > hi)].ravel()[:3]
            raise ValueError(f"u: got values such as {bad!r}, expected values in [{lo}, {hi}]")
        return self._forms.isometry_inverse(math.sqrt(self.gain) * ua)

    def distance(self, y: object, z: object, *, axis: int | None = -1) -> np.ndarray:
        """Geodesic distance d(y, z) = ‖Φ(y) − Φ(z)‖₂ over ``axis`` (None: per coordinate)."""
        diff = self.isometry(self.check_output(y, "y")) - self.isometry(self.check_output(z, "z"))
        return _reduce(diff, axis, square=True)

    def geodesic(self, y: object, z: object, s: object) -> np.ndarray:
        """Points of the geodesic from ``y`` (s = 0) to ``z`` (s = 1), constant speed d(y, z).

        Parameters
        ----------
        y, z : array_like, shape (n,) or ()
            End points in the open range of σ.
        s : array_like, shape (m,) or ()
            Curve parameters in [0, 1].

        Returns
        -------
        ndarray, shape s.shape + broadcast(y, z).shape
        """
        sa = _as_float(s, "s")
        if np.any((sa < 0.0) | (sa > 1.0)):
            raise ValueError(f"s: got values outside [0, 1], e.g. {sa[(sa < 0) | (sa > 1)][:3]!r}")
        uy = self.isometry(self.check_output(y, "y"))
        uz = self.isometry(self.check_output(z, "z"))
        sb = sa.reshape(sa.shape + (1,) * np.broadcast(uy, uz).ndim)
        # straight segment in the flat u-coordinates; clip guards round-off past the ends
        u = np.clip((1.0 - sb) * uy + sb * uz, *self.isometry_range())
        return self.isometry_inverse(u)


def _reduce(d: np.ndarray, axis: int | None, *, square: bool) -> np.ndarray:
    if axis is None or d.ndim == 0:
        return np.abs(d) if square else d
    if square:
        return np.sqrt(np.sum(d * d, axis=axis))
    return np.sum(d, axis=axis)


# ---------------------------------------------------------------------------------------------
# built-in closed forms (gain 1); spec hnn_flow.md §2.3-2.4, each checked in tests
# ---------------------------------------------------------------------------------------------


def _sech2(x: np.ndarray) -> np.ndarray:
    # 4 t / (1 + t)^2 with t = exp(-2|x|): no overflow of cosh for large |x|
    t = np.exp(-2.0 * np.abs(x))
    return 4.0 * t / (1.0 + t) ** 2


def _logcosh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax)) - math.log(2.0)


def _logistic() -> Activation:
    forms = _Forms(
        sigma=special.expit,
        inverse=special.logit,
        derivative=lambda x: special.expit(x) * special.expit(-x),
        metric=lambda y: 1.0 / (y * (1.0 - y)),
        mirror=lambda y: special.xlogy(y, y) + special.xlogy(1.0 - y, 1.0 - y),
        conjugate=lambda x: np.logaddexp(0.0, x),
        isometry=lambda y: 2.0 * np.arcsin(np.sqrt(y)),
        isometry_inverse=lambda u: np.sin(0.5 * u) ** 2,
        iso_lower=0.0,
        iso_upper=math.pi,
        # binary KL; kl_div's extra -a + b terms cancel between the two entries
        bregman=lambda y, z: special.kl_div(y, z) + special.kl_div(1.0 - y, 1.0 - z),
    )
    return Activation("logistic", 0.0, 1.0, forms)


def _tanh() -> Activation:
    forms = _Forms(
        sigma=np.tanh,
        inverse=np.arctanh,
        derivative=_sech2,
        metric=lambda y: 1.0 / ((1.0 - y) * (1.0 + y)),
        mirror=lambda y: 0.5 * (special.xlogy(1.0 + y, 1.0 + y) + special.xlogy(1.0 - y, 1.0 - y)),
        conjugate=_logcosh,
        isometry=np.arcsin,
        isometry_inverse=np.sin,
        iso_lower=-0.5 * math.pi,
        iso_upper=0.5 * math.pi,
        bregman=lambda y, z: 0.5 * (
            special.kl_div(1.0 + y, 1.0 + z) + special.kl_div(1.0 - y, 1.0 - z)
        ),
    )
    return Activation("tanh", -1.0, 1.0, forms)


def _arctan() -> Activation:
    def inv_sq_hypot(x: np.ndarray) -> np.ndarray:
        # 1/(1 + x^2) without overflowing x^2
        return (1.0 / np.hypot(1.0, x)) ** 2

    forms = _Forms(
        sigma=np.arctan,
        inverse=np.tan,
        derivative=inv_sq_hypot,
        metric=lambda y: 1.0 / np.cos(y) ** 2,
        mirror=lambda y: -np.log(np.cos(y)),
        conjugate=lambda x: x * np.arctan(x) - np.log(np.hypot(1.0, x)),
        isometry=lambda y: np.arctanh(np.sin(y)),
        isometry_inverse=lambda u: np.arcsin(np.tanh(u)),
        iso_lower=-math.inf,
        iso_upper=math.inf,
    )
    return Activation("arctan", -0.5 * math.pi, 0.5 * math.pi, forms)


def _identity() -> Activation:
    forms = _Forms(
        sigma=lambda x: np.array(x, dtype=float, copy=True),
        inverse=lambda y: np.array(y, dtype=float, copy=True),
        derivative=np.ones_like,
        metric=np.ones_like,
        mirror=lambda y: 0.5 * y * y,
        conjugate=lambda x: 0.5 * x * x,
        isometry=lambda y: np.array(y, dtype=float, copy=True),
        isometry_inverse=lambda u: np.array(u, dtype=float, copy=True),
        iso_lower=-math.inf,
        iso_upper=math.inf,
        bregman=lambda y, z: 0.5 * (y - z) ** 2,
    )
    return Activation("identity", -math.inf, math.inf, forms)


_BUILTIN = {a.name: a for a in (_logistic(), _tanh(), _arctan(), _identity())}
_REGISTRY: dict[str, Activation] = dict(_BUILTIN)


# ---------------------------------------------------------------------------------------------
# numerical forms for user activations
# ---------------------------------------------------------------------------------------------


# relative accuracy asked of a finite-difference σ' (its √ enters the isometry)
_DERIV_RTOL = 1e-9
# relative accuracy of the boundary distances (the isometry range)
_RANGE_RTOL = 1e-8


def _fd_with_error(sigma: ArrayFn, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """σ'(x) by Richardson-extrapolated differences, with an error estimate.

    The first step grows with |x| (the scale on which a saturating σ varies), so differences
    stay resolvable in the tails; they are one-sided away from 0 for |x| < 1; the error is
    SciPy's estimate, +inf where it did not converge.
    """
    x = np.asarray(x, dtype=float)
    df = np.zeros_like(x)
    err = np.zeros_like(x)
    fin = np.isfinite(x)  # σ' -> 0 at ±inf for a bounded monotone σ
    if np.any(fin):
        xf = x[fin]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # one-sided away from 0 for |x| < 1: never straddles a kink at 0 (softsign)
            res = _fd_derivative(sigma, xf, initial_step=0.1 * np.maximum(1.0, np.abs(xf)),
                                 step_direction=np.where(np.abs(xf) < 1.0, np.sign(xf), 0).astype(int))
        df[fin] = np.where(np.isfinite(res.df), res.df, 0.0)
        # σ' > 0 for a strictly increasing σ: a zero means all differences rounded away
        ok = res.success & np.isfinite(res.error) & (df[fin] > 0)
        err[fin] = np.where(ok, res.error, np.inf)
    return df, err


def _numeric_derivative(sigma: ArrayFn) -> ArrayFn:
    def dsigma(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        df, err = _fd_with_error(sigma, x)
        bad = np.isfinite(x) & ~(err <= _DERIV_RTOL * np.abs(df))
        if np.any(bad):
            raise ValueError(
                f"x: sigma' at values such as {x[bad].ravel()[:3]!r} cannot be computed to "
                f"{_DERIV_RTOL:g} from sigma by finite differences (sigma saturates in floating "
                "point there); register the activation with derivative="
            )
        return df

    return dsigma


def _boundary_distance(
    root_speed: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    inverse: ArrayFn,
    y0: float,
    end: float,
) -> tuple[float, float]:
    """Φ at one end of the range, ∫_0^{σ⁻¹(end)} √σ', with an error estimate.

    The integral is cut at x_k = σ⁻¹(end − t_k), t_k = t_0 2^-k (x_k = ±2^k for an infinite
    end), block by block, while σ' stays resolvable. Near a boundary the missing part behaves
    as t^β (β = 1/2 for exponentially saturating σ, 1/4 for ISRU), so the partial sums converge
    geometrically in k and Aitken's Δ² extrapolation gives the limit; the change between
    successive extrapolations is the error estimate. Increments that stop shrinking (ratio
    >= 1 - 1e-4 three blocks running, as for softsign) mean the end is infinitely far.

    Returns
    -------
    value, error : float
        error is +inf where the requested accuracy was not reached.
    """
    sign = 1.0 if end > y0 else -1.0
    total, prev_x, fd_err = 0.0, 0.0, 0.0
    sums: list[float] = []
    incs: list[float] = []
    best, best_err = math.nan, math.inf
    for k in range(200):
        if math.isinf(end):
            x = sign * 2.0**k
        else:
            t = abs(end - y0) * 0.5 ** (k + 1)
            if t < 64 * np.spacing(abs(end)) + 1e-300:
                break
            x = float(inverse(np.array(end - sign * t)))
        worst = [0.0]

        def integrand(u: np.ndarray) -> np.ndarray:
            val, rel = root_speed(u)
            worst[0] = max(worst[0], float(np.max(rel, initial=0.0)))
            return val

        res = tanhsinh(integrand, prev_x, x, rtol=1e-13, atol=0.0)
        inc = float(res.integral)
        # a relative error r of σ' is r/2 in √σ': this block's share of the error
        block_err = 0.5 * worst[0] * abs(inc) + float(res.error)
        if not (bool(res.success) and fd_err + block_err <= 0.1 * _RANGE_RTOL * abs(total + inc)):
            break  # σ' no longer resolvable: stop refining, extrapolate from what is known
        fd_err += block_err
        total += inc
        prev_x = x
        sums.append(total)
        incs.append(inc)
        if abs(inc) <= 1e-16 * abs(total):
            return total, abs(inc) + fd_err
        if len(incs) >= 4 and all(
            abs(incs[-i]) >= (1 - 1e-4) * abs(incs[-i - 1]) for i in (1, 2, 3)
        ):
            return sign * math.inf, 0.0
        if len(sums) >= 3:
            est = _wynn_epsilon(sums)
            err = (abs(est - best) if math.isfinite(best) else math.inf) + fd_err
            best = est
            if err <= _RANGE_RTOL * abs(est):
                return est, err
            best_err = err
    return best, best_err if math.isfinite(best) else math.inf


def _wynn_epsilon(sums: list[float]) -> float:
    """Limit of partial sums by Wynn's ε algorithm (removes several geometric error terms).

    The tail t^β (1 + a t + …) sampled at t_k = t_0 2^-k is a sum of geometric sequences in k;
    one Aitken step removes only the first, leaving an O(t^(β+1)) error.
    """
    prev = [0.0] * (len(sums) + 1)
    cur = list(sums)
    best = cur[-1]
    for col in range(1, len(sums)):
        nxt = []
        for j in range(len(cur) - 1):
            diff = cur[j + 1] - cur[j]
            if diff == 0.0:
                return cur[j + 1] if col % 2 == 1 else best
            nxt.append(prev[j + 1] + 1.0 / diff)
        prev, cur = cur, nxt
        if col % 2 == 0:
            best = cur[-1]
    return best


def _integral(fn: ArrayFn, a: np.ndarray | float, b: np.ndarray) -> np.ndarray:
    b = np.asarray(b, dtype=float)
    if b.size == 0:
        return np.zeros_like(b)
    res = tanhsinh(fn, a, b)
    return np.asarray(res.integral, dtype=float)


def _numeric_forms(
    sigma: ArrayFn, inverse: ArrayFn, dsigma: ArrayFn, exact_derivative: ArrayFn | None,
    lower: float, upper: float,
) -> _Forms:
    def root_speed_err(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # √σ' and the relative error of σ' (0 for a given derivative)
        if exact_derivative is not None:
            d = np.asarray(exact_derivative(t), dtype=float)
            return np.sqrt(np.maximum(d, 0.0)), np.zeros_like(d)
        d, err = _fd_with_error(sigma, t)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(err == 0.0, 0.0, err / np.abs(d))
        return np.sqrt(np.maximum(d, 0.0)), rel

    def root_speed(t: np.ndarray) -> np.ndarray:
        return root_speed_err(t)[0]

    def conjugate(x: np.ndarray) -> np.ndarray:
        # normalised by ψ*(0) = 0, hence ψ(σ(0)) = 0 by duality
        return _integral(sigma, 0.0, x)

    def iso_x(x: np.ndarray) -> np.ndarray:
        # Φ(σ(x)) = ∫_0^x √σ'(t) dt: the substitution s = σ(t) removes the boundary singularity
        return _integral(root_speed, 0.0, x)

    def mirror(y: np.ndarray) -> np.ndarray:
        x = inverse(y)
        return x * y - conjugate(x)

    y0 = float(np.asarray(sigma(np.array(0.0)), dtype=float))
    ends = []
    for name, end in (("lower", lower), ("upper", upper)):
        val, err = _boundary_distance(root_speed_err, inverse, y0, end)
        if not (err <= _RANGE_RTOL * max(1.0, abs(val)) or math.isinf(val)):
            raise ValueError(
                f"sigma: the geodesic distance from sigma(0) to the {name} end {end} could not be "
                f"computed to {_RANGE_RTOL:g} from sigma alone (estimate {val:.10g}, error "
                f"{err:.2g}); register the activation with derivative="
            )
        ends.append(val)
    iso_lo, iso_hi = ends

    def isometry_inverse(u: np.ndarray) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        flat = u.ravel()
        x = np.empty_like(flat)
        for edge, val in ((iso_lo, -np.inf), (iso_hi, np.inf)):
            x[flat == edge] = val
        inner = (flat > iso_lo) & (flat < iso_hi)
        if np.any(inner):
            x[inner] = _solve_iso(iso_x, flat[inner])
        return sigma(x).reshape(u.shape)

    return _Forms(
        sigma=sigma,
        inverse=inverse,
        derivative=dsigma,
        metric=lambda y: 1.0 / dsigma(inverse(y)),
        mirror=mirror,
        conjugate=conjugate,
        isometry=lambda y: iso_x(inverse(y)),
        isometry_inverse=isometry_inverse,
        iso_lower=iso_lo,
        iso_upper=iso_hi,
    )


def _solve_iso(iso_x: ArrayFn, u: np.ndarray) -> np.ndarray:
    """Solve ∫_0^x √σ' = u for x (monotone in x) by bracketing and Chandrupatla's method."""

    def f(x: np.ndarray, target: np.ndarray) -> np.ndarray:
        return iso_x(x) - target

    bracket = _elementwise.bracket_root(f, -1.0, 1.0, args=(u,))
    if not np.all(bracket.success):
        raise ValueError("u: no preimage found under the numerical isometry Φ")
    res = _elementwise.find_root(f, bracket.bracket, args=(u,))
    return np.asarray(res.x, dtype=float)


# ---------------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------------


def available_activations() -> tuple[str, ...]:
    """Names of the registered activations (built-ins first)."""
    return tuple(_REGISTRY)


def get_activation(name: str | Activation, gain: float = 1.0) -> Activation:
    """Return the registered activation ``name`` with gain ``gain``.

    Parameters
    ----------
    name : str or Activation
        A registry name (see :func:`available_activations`); an :class:`Activation` is returned
        with its gain multiplied by ``gain``.
    gain : float
        λ > 0 in σ_λ(x) = σ(λx).
    """
    lam = check_scalar(gain, "gain", low=0.0, low_inclusive=False)
    if isinstance(name, Activation):
        return name.with_gain(name.gain * lam)
    if name not in _REGISTRY:
        raise ValueError(
            f"activation: got {name!r}, expected one of {', '.join(map(repr, _REGISTRY))}"
        )
    return _REGISTRY[name].with_gain(lam)


def register_activation(
    name: str,
    sigma: ArrayFn,
    inverse: ArrayFn,
    *,
    derivative: ArrayFn | None = None,
    lower: float | None = None,
    upper: float | None = None,
    overwrite: bool = False,
) -> Activation:
    """Register an activation from σ and σ⁻¹; the geometry is computed numerically.

    σ' comes from ``scipy.differentiate.derivative`` (unless ``derivative`` is given), ψ* and Φ
    from tanh-sinh quadrature (normalised by ψ*(0) = 0 and Φ(σ(0)) = 0), ψ by Legendre duality,
    and Φ⁻¹ by a bracketing root finder. Emits a :class:`ClosedFormWarning`.

    σ must be accurate in floating point for large |x| (write x/hypot(1, x), not
    x/sqrt(1 + x*x)). Finite differences of σ (steps growing with |x|, SciPy's error estimate)
    lose their relative accuracy once 1 − |σ| nears machine precision, so the boundary distances
    (``isometry_range``) integrate √σ' out to where σ' is still resolved and extrapolate the rest
    of the tail (Wynn's ε on cuts at σ⁻¹(end ∓ t_0 2^-k)), with an error estimate; registration
    raises a ValueError when that estimate exceeds 1e-8 relative, and :meth:`Activation.derivative`
    / :meth:`Activation.metric` raise where σ' cannot be resolved to 1e-9. A given ``derivative``
    is used as exact.

    Parameters
    ----------
    name : str
        New registry name.
    sigma, inverse : callable
        Vectorised σ: R → (lower, upper), strictly increasing, and its inverse.
    derivative : callable, optional
        Vectorised σ', if known.
    lower, upper : float, optional
        The range of σ; by default σ(−inf) and σ(+inf), which must then evaluate to numbers.
    overwrite : bool
        Replace an existing user entry of the same name (built-ins are never replaced).

    Returns
    -------
    Activation
        The new entry (gain 1).
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: got {name!r}, expected a non-empty string")
    if name in _BUILTIN or (name in _REGISTRY and not overwrite):
        raise ValueError(f"name: {name!r} is already registered; choose another name")
    for arg, fn in (("sigma", sigma), ("inverse", inverse)):
        if not callable(fn):
            raise TypeError(f"{arg}: got {type(fn).__name__}, expected a vectorised callable")
    lower, upper = _check_monotone(sigma, inverse, lower, upper)
    dsigma = derivative if derivative is not None else _numeric_derivative(sigma)
    forms = _numeric_forms(sigma, inverse, dsigma, derivative, lower, upper)
    act = Activation(name, lower, upper, forms, closed_form=False)
    warnings.warn(
        f"activation {name!r}: no closed forms given; metric, mirror map, isometry and geodesics "
        "are computed by numerical differentiation and quadrature (slower, ~1e-8 accurate)",
        ClosedFormWarning,
        stacklevel=2,
    )
    _REGISTRY[name] = act
    return act


def unregister_activation(name: str) -> None:
    """Remove a user activation from the registry (built-ins cannot be removed)."""
    if name in _BUILTIN:
        raise ValueError(f"name: {name!r} is a built-in activation and cannot be removed")
    if name not in _REGISTRY:
        raise ValueError(f"name: {name!r} is not registered")
    del _REGISTRY[name]


def _check_monotone(
    sigma: ArrayFn, inverse: ArrayFn, lower: float | None, upper: float | None
) -> tuple[float, float]:
    """Range of σ, after checking σ increases and σ⁻¹ inverts it on a grid."""
    grid = np.linspace(-8.0, 8.0, 33)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        ys = np.asarray(sigma(grid), dtype=float)
        limits = np.asarray(sigma(np.array([-np.inf, np.inf])), dtype=float)
    if ys.shape != grid.shape or not np.all(np.isfinite(ys)) or np.any(np.diff(ys) < 0):
        raise ValueError("sigma: expected a vectorised, strictly increasing, finite function")
    lo = float(limits[0]) if lower is None else check_scalar(lower, "lower", allow_inf=True)
    hi = float(limits[1]) if upper is None else check_scalar(upper, "upper", allow_inf=True)
    for name, val in (("lower", lo), ("upper", hi)):
        if math.isnan(val):
            raise ValueError(f"{name}: sigma(-inf/+inf) is undefined; pass lower= and upper=")
    if not (lo <= ys[0] and ys[-1] <= hi):
        raise ValueError(f"lower: the range ({lo}, {hi}) does not contain sigma([-8, 8])")
    inner = (ys > lo) & (ys < hi)  # points that did not round onto the range's ends
    # strict increase is only testable where σ has not saturated onto an end in floating point
    # (erf(6) == 1.0): there it must be non-decreasing, and strictly increasing inside
    diffs = np.diff(ys)
    both_inner = inner[:-1] & inner[1:]
    if np.any(diffs < 0) or not np.all(diffs[both_inner] > 0) or np.count_nonzero(inner) < 3:
        raise ValueError("sigma: expected a vectorised, strictly increasing, finite function")
    # σ⁻¹(σ(x)) recovers x only where σ(x) is well away from the ends (conditioning ~ 1/σ'):
    # there compare in x; elsewhere σ(σ⁻¹(y)) = y
    far = inner & (ys - lo > 1e-6) & (hi - ys > 1e-6)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        back = np.asarray(sigma(np.asarray(inverse(ys[inner]), dtype=float)), dtype=float)
        ok = np.allclose(back, ys[inner], rtol=1e-12, atol=1e-15)
    if not (ok and np.allclose(inverse(ys[far]), grid[far], rtol=1e-8, atol=1e-8)):
        raise ValueError("inverse: does not invert sigma on [-8, 8]")
    return lo, hi
