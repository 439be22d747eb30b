"""The Fokker–Planck density as a Wasserstein gradient flow: Caluya–Halder proximal recursion.

The law ρ of dX = −∇ψ(X) dt + √(2/β) dw is the gradient flow of the free energy
F(ρ) = ∫ψρ + β⁻¹∫ρ log ρ in the Wasserstein-2 metric, and the JKO scheme
ρ_k = argmin ½W²(ρ_{k−1}, ρ) + hF(ρ) follows it with O(h) error. Caluya & Halder (IEEE TAC 2020,
arXiv:1908.00533; spec ``hnn_flow.md`` §4) solve one step on N weighted samples:

* the samples move by Euler–Maruyama: x_k = x_{k−1} − h∇ψ(x_{k−1}) + √(2h/β) ξ;
* the weights ϱ (density values, handled as a probability vector) solve the entropically
  regularised step with cost C_ij = ‖x^i_{k−1} − x^j_k‖² and potential ψ at the old points.
  With Γ = exp(−C/2ε), ξ = exp(−βψ − 1) and r = 1/(1 + βε/h) its optimality conditions are the
  fixed point  y = ϱ_{k−1}/(Γz),  z = (ξ/(Γᵀy))^r,  and ϱ_k = z ⊙ Γᵀy.

The fixed point is a contraction of factor r (tiny: 1/51 for β = 1, ε = 0.05, h = 10⁻³) in
Thompson's metric, so a few sweeps reach machine precision. Here the sweep runs on the
log-potentials a = log y, b = log z (so a small ε cannot underflow Γ). The N×N work is one
exponential per step and two BLAS matrix–vector products per sweep: with K = exp(logΓ − rowmax)
every row of K holds a 1, and each log-sum-exp is a product with K plus a check that the sum lies
far above the underflow level (otherwise that row or column is recomputed by an exact
log-sum-exp), so the log-domain result is exact to rounding. The kernel may be float32
(``dtype="float32"``: half the memory, single-precision exp, about 2× faster per step, weights
within ~1e-6 of float64); the row shift keeps every entry in float32 range.

For the Hopfield diffusion machine (:func:`hopfield_proximal`) the canonical coordinates are the
geodesic ones, u = Φ(y): the cost ‖u − u'‖² is the squared geodesic distance of the activation's
metric, ψ = V = E + (T/2)Σ log g and β = 1/T (spec §4.8, recipe A). With ``cost="euclidean"``
the recursion instead runs in the outputs y with cost ‖y − y'‖² and ψ = E: the standard JKO
scheme of the Euclidean-Wasserstein flow ∂ρ/∂t = ∇·(ρ∇E) + TΔρ, which shares the free energy
and the Gibbs stationary law with the diffusion machine but not its transient.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.spatial.distance import cdist

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_choice, check_int, check_scalar
from .flow import HopfieldNetwork
from .sde import TemperatureSchedule, _interior, lamperti_drift, lamperti_potential, reflect

__all__ = [
    "COSTS",
    "ProxStepResult",
    "ProximalResult",
    "hopfield_outputs",
    "hopfield_proximal",
    "prox_step",
    "proximal_recursion",
    "squared_distances",
]

# Per-precision constants of the kernel. Kernel and vector entries are clamped from below at
# FLUSH (never 0, never subnormal): the product of two clamped entries, FLUSH², is still a normal
# number, so BLAS never meets subnormals (x86 handles them ~100× slower; this alone once made a
# step 10× slower). Clamping a kernel or vector entry adds < FLUSH to a sum whose largest possible
# term is 1, so a sum s ≥ TINY is off by at most 2N·FLUSH/TINY relative, at the precision's
# rounding level for N ≤ 10⁴; a smaller sum is recomputed by an exact float64 log-sum-exp.
#   float64: FLUSH = 1e-150 (FLUSH² = 1e-300 > 2.2e-308), TINY = 1e-130: error ≤ 2e-16.
#   float32: FLUSH = 1e-18 (FLUSH² = 1e-36 > 1.2e-38), TINY = 1e-7: error ≤ 2e-7 (eps 6e-8).
_PRECISION = {
    "float64": (np.float64, 1e-150, 1e-130),
    "float32": (np.float32, 1e-18, 1e-7),
}
# Default stopping tolerance per precision: the weights' error from stopping is ≈ r·tol, so for
# float32 a tolerance below ~1e-4 buys sweeps but no accuracy (rounding gives ~1e-6 anyway).
_DEFAULT_TOL = {"float64": 1e-10, "float32": 1e-4}


@dataclass(frozen=True)
class ProxStepResult:
    """One entropic JKO step.

    Attributes
    ----------
    weights : ndarray, shape (N,)
        ϱ_k (same total mass as ϱ_{k−1}, to the working precision).
    log_y, log_z : ndarray, shape (N,)
        Log-potentials at exit; the coupling is M_ij = y_i Γ_ij z_j.
    n_iter : int
        Sweeps done.
    converged : bool
        Whether max|Δlog y| and max|Δlog z| fell below ``tol``.
    change : float
        The last sweep's max|Δlog z|.
    n_exact : int
        Rows/columns whose kernel sum needed the exact log-sum-exp fallback.
    """

    weights: np.ndarray
    log_y: np.ndarray
    log_z: np.ndarray
    n_iter: int
    converged: bool
    change: float
    n_exact: int = 0


def squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """C_ij = ‖a_i − b_j‖² for point sets of shape (N, n), (M, n) (SciPy's compiled cdist)."""
    return cdist(np.asarray(a, dtype=float), np.asarray(b, dtype=float), "sqeuclidean")


class _LogKernel:
    """Row/column log-sum-exp of L + potentials with L = −C/(2ε), by BLAS products.

    K = exp(L − rowmax L) is built in one buffer of the working precision (every row holds a 1,
    so no entry overflows); the float64 cost matrix is kept by reference for the exact fallback.
    Potentials, logs and the fallback stay float64: only the N² kernel and the BLAS products run
    in the working precision.
    """

    def __init__(self, cost: np.ndarray, eps: float, dtype: str = "float64") -> None:
        self.dtype, flush, self.tiny = _PRECISION[dtype]
        self.flush = flush
        self.cost, self.scale = cost, -0.5 / eps
        cmin = np.min(cost, axis=1)
        self.r = self.scale * cmin
        k = np.empty(cost.shape, dtype=self.dtype)
        # C − min C in float64 (exact where it matters: near the row minimum), then one rounding
        np.subtract(cost, cmin[:, None], out=k, casting="same_kind")
        k *= self.dtype(self.scale)
        np.maximum(k, self.dtype(math.log(flush)), out=k)
        self.K = np.exp(k, out=k)
        self.n_exact = 0

    def _vec(self, s: np.ndarray) -> tuple[float, np.ndarray]:
        top = float(np.max(s))
        v = np.exp(s - top)
        np.maximum(v, self.flush, out=v)
        return top, v.astype(self.dtype, copy=False)

    def rows(self, b: np.ndarray) -> np.ndarray:
        """log Σ_j Γ_ij e^{b_j}."""
        top, v = self._vec(b)
        s = (self.K @ v).astype(float, copy=False)
        out = self.r + top + np.log(np.maximum(s, self.tiny))
        bad = s < self.tiny
        if np.any(bad):
            self.n_exact += int(np.count_nonzero(bad))
            out[bad] = special.logsumexp(self.scale * self.cost[bad] + b[None, :], axis=1)
        return out

    def cols(self, a: np.ndarray) -> np.ndarray:
        """log Σ_i Γ_ij e^{a_i}."""
        top, v = self._vec(a + self.r)
        s = (v @ self.K).astype(float, copy=False)
        out = top + np.log(np.maximum(s, self.tiny))
        bad = s < self.tiny
        if np.any(bad):
            self.n_exact += int(np.count_nonzero(bad))
            out[bad] = special.logsumexp(self.scale * self.cost[:, bad] + a[:, None], axis=0)
        return out


def prox_step(
    rho_prev: object,
    psi_prev: object,
    cost: object,
    beta: float,
    h: float,
    eps: float,
    *,
    tol: float | None = None,
    max_iter: int = 100,
    method: str = "log",
    dtype: str = "float64",
) -> ProxStepResult:
    """PROXRECUR: one entropic JKO step for the weights (Caluya & Halder, Algorithm 1).

    Parameters
    ----------
    rho_prev : array_like, shape (N,)
        Positive weights ϱ_{k−1} (density values at the old points).
    psi_prev : array_like, shape (N,)
        Potential ψ at the old points.
    cost : array_like, shape (N, N)
        C_ij = squared distance from old point i to new point j.
    beta : float
        Inverse temperature β > 0.
    h : float
        Time step > 0.
    eps : float
        Entropic regularisation ε > 0.
    tol : float, optional
        Stop when the largest change of a log-potential in a sweep is below ``tol``. Default
        1e-10 for float64 and 1e-4 for float32. The sweep contracts by a factor ≈ r (≈ 1/50 for
        β = 1, ε = 0.05, h = 10⁻³), so the weights at exit are within about r·tol of the fixed
        point: N = 2000 OU step, float64, tol 1e-10: 7 sweeps, weight error < 1e-14; tol 1e-6:
        4 sweeps, 8e-11; tol 1e-4: 3 sweeps, 5e-9; float32, tol 1e-4: 3 sweeps, 8e-7, set by
        float32 rounding (a smaller tol adds sweeps, not accuracy). The
        published MATLAB reference stops at δ = 1e-3.
    max_iter : int
        Largest number of sweeps.
    method : {"log", "linear"}
        ``"log"``: log-potentials with the underflow-checked kernel (default). ``"linear"``: the
        published linear-domain iteration on Γ itself (underflows for small ε; then the result
        has NaN weights and ``converged=False``).
    dtype : {"float64", "float32"}
        Precision of the N×N kernel and its BLAS products (``"log"`` only; potentials, logs and
        the exact fallback stay float64). float32 halves the memory traffic and runs the
        exponential in single precision (about 2× faster per step); the weights then agree with
        float64 to a relative ~1e-6 (tested at 1e-5), far below the O(h) error of the scheme.

    Returns
    -------
    ProxStepResult
    """
    check_choice(method, "method", ("log", "linear"))
    check_choice(dtype, "dtype", tuple(_PRECISION))
    rho = np.asarray(rho_prev, dtype=float)
    psi = np.asarray(psi_prev, dtype=float)
    c = np.asarray(cost, dtype=float)
    n = rho.shape[0]
    if rho.ndim != 1 or n < 1:
        raise ValueError(f"rho_prev: got shape {rho.shape}, expected (N,)")
    if not np.all(rho > 0) or not np.all(np.isfinite(rho)):
        raise ValueError("rho_prev: expected positive finite weights")
    if psi.shape != (n,) or not np.all(np.isfinite(psi)):
        raise ValueError(f"psi_prev: got shape {psi.shape}, expected ({n},) finite values")
    if c.ndim != 2 or c.shape[0] != n or c.shape[1] != n:
        raise ValueError(f"cost: got shape {c.shape}, expected ({n}, {n})")
    b_ = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    hv = check_scalar(h, "h", low=0.0, low_inclusive=False)
    ev = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
    tv = check_scalar(_DEFAULT_TOL[dtype] if tol is None else tol, "tol", low=0.0,
                      low_inclusive=False)
    iters = check_int(max_iter, "max_iter", low=1)
    r = 1.0 / (1.0 + b_ * ev / hv)
    log_xi = -b_ * (psi - np.min(psi)) - 1.0  # a constant shift of ψ leaves ϱ_k unchanged
    if method == "linear":
        return _prox_linear(rho, log_xi, c, ev, r, tv, iters)
    kern = _LogKernel(c, ev, dtype)
    log_rho = np.log(rho)
    lb = np.zeros(n)
    la = log_rho - kern.rows(lb)
    converged, change, it = False, math.inf, 0
    for it in range(1, iters + 1):
        lb_new = r * (log_xi - kern.cols(la))
        la_new = log_rho - kern.rows(lb_new)
        change = float(max(np.max(np.abs(lb_new - lb)), np.max(np.abs(la_new - la))))
        la, lb = la_new, lb_new
        if change < tv:
            converged = True
            break
    weights = np.exp(lb + kern.cols(la))
    return ProxStepResult(weights, la, lb, it, converged, change, kern.n_exact)


def _prox_linear(rho: np.ndarray, log_xi: np.ndarray, c: np.ndarray, eps: float, r: float,
                 tol: float, iters: int) -> ProxStepResult:
    gamma = np.exp(-c / (2.0 * eps))
    xi = np.exp(log_xi)
    z = np.ones_like(rho)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        y = rho / (gamma @ z)
        converged, change, it = False, math.inf, 0
        for it in range(1, iters + 1):
            z_new = (xi / (gamma.T @ y)) ** r
            y_new = rho / (gamma @ z_new)
            change = float(max(np.max(np.abs(np.log(z_new / z))), np.max(np.abs(np.log(y_new / y)))))
            y, z = y_new, z_new
            if change < tol:
                converged = True
                break
        weights = z * (gamma.T @ y)
        ok = bool(np.all(np.isfinite(weights)) and np.all(weights > 0))
        return ProxStepResult(weights, np.log(y), np.log(z), it, converged and ok,
                              change if ok else math.nan)


# ---------------------------------------------------------------------------------------------
# the recursion for a canonical-form SDE
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ProximalResult:
    """Weighted samples of the density along the proximal recursion.

    Attributes
    ----------
    t : ndarray, shape (m,)
        Record times (t = 0 included).
    points : ndarray, shape (m, N, n)
        Sample positions in the canonical coordinates.
    weights : ndarray, shape (m, N)
        Weights ϱ_k as probability vectors (sum 1).
    beta : ndarray, shape (m,)
        Inverse temperature at each record.
    n_iter : ndarray of int, shape (n_steps,)
        Fixed-point sweeps of every step.
    converged : ndarray of bool, shape (n_steps,)
        Convergence status of every step.
    h, eps : float
        Time step and regularisation.
    n_reflected : int
        Sample coordinates folded back into the box.
    success : bool
        Every step converged.
    coords : str
        What ``points`` are: ``"canonical"`` (:func:`proximal_recursion`), ``"u"`` (geodesic
        coordinates of a network) or ``"y"`` (network outputs, Euclidean cost).
    """

    t: np.ndarray
    points: np.ndarray
    weights: np.ndarray
    beta: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    h: float
    eps: float
    n_reflected: int
    success: bool
    coords: str = "canonical"


def _as_points(x0: object, name: str = "x0") -> np.ndarray:
    pts = np.asarray(x0, dtype=float)
    pts = pts[:, None] if pts.ndim == 1 else pts
    if pts.ndim != 2 or pts.shape[0] < 2 or not np.all(np.isfinite(pts)):
        raise ValueError(f"{name}: got shape {np.shape(x0)}, expected (N, n) finite points, N >= 2")
    return np.array(pts)


def proximal_recursion(
    grad_potential: Callable[[np.ndarray, float], np.ndarray],
    potential: Callable[[np.ndarray, float], np.ndarray],
    x0: object,
    rho0: object,
    T: float | TemperatureSchedule,
    h: float,
    n_steps: int,
    *,
    eps: float = 0.05,
    box: tuple[float, float] | None = None,
    tol: float | None = None,
    max_iter: int = 100,
    n_records: int = 11,
    rng: RNGLike = None,
    progress: Callable[[int, int], None] | None = None,
    dtype: str = "float32",
) -> ProximalResult:
    """Propagate the density of dX = −∇ψ dt + √(2T) dw by the Caluya–Halder recursion.

    Parameters
    ----------
    grad_potential, potential : callable
        ∇ψ(x, T) with x of shape (N, n) returning (N, n), and ψ(x, T) returning (N,); T is passed
        because the Lamperti potential of a network depends on it.
    x0 : array_like, shape (N,) or (N, n)
        Initial samples (draws of ρ0).
    rho0 : array_like, shape (N,)
        ρ0 at the samples (normalised to a probability vector here).
    T : float or TemperatureSchedule
        Temperature (β = 1/T), possibly annealed.
    h : float
        Time step.
    n_steps : int
        Number of steps.
    eps : float
        Entropic regularisation ε.
    box : (float, float), optional
        Reflect the samples into this interval in every coordinate.
    tol, max_iter : float, int
        Fixed-point stopping rule (see :func:`prox_step`; default tol per ``dtype``).
    n_records : int
        Equally spaced records including t = 0.
    rng : Generator, int, SeedSequence or None
        Source of the Euler–Maruyama increments.
    progress : callable, optional
        Called as progress(done, total) after each step.
    dtype : {"float32", "float64"}
        Precision of the N×N kernel (see :func:`prox_step`). float32 (default) is about twice as
        fast per step; its ~1e-6 relative weight error is far below the scheme's O(h) error.

    Returns
    -------
    ProximalResult
    """
    check_choice(dtype, "dtype", tuple(_PRECISION))
    sched = TemperatureSchedule.coerce(T)
    hv = check_scalar(h, "h", low=0.0, low_inclusive=False)
    steps = check_int(n_steps, "n_steps", low=1)
    ev = check_scalar(eps, "eps", low=0.0, low_inclusive=False)
    n_rec = check_int(n_records, "n_records", low=2)
    pts = _as_points(x0)
    rho = np.asarray(rho0, dtype=float)
    if rho.shape != (pts.shape[0],) or not np.all(rho > 0):
        raise ValueError(f"rho0: expected {pts.shape[0]} positive values, got shape {rho.shape}")
    rho = rho / rho.sum()
    gen = as_generator(rng)
    rec = set(np.round(np.linspace(0, steps, n_rec)).astype(int).tolist())
    ts, ps, ws, bs = [0.0], [pts.copy()], [rho.copy()], [1.0 / float(sched(0.0))]
    n_iter = np.zeros(steps, dtype=int)
    conv = np.zeros(steps, dtype=bool)
    n_ref = 0
    for k in range(1, steps + 1):
        temp = float(sched((k - 1) * hv))
        new = pts - hv * grad_potential(pts, temp) + math.sqrt(2.0 * temp * hv) * gen.standard_normal(pts.shape)
        if box is not None:
            new, nr = reflect(new, box[0], box[1])
            n_ref += nr
        step = prox_step(rho, potential(pts, temp), squared_distances(pts, new), 1.0 / temp, hv, ev,
                         tol=tol, max_iter=max_iter, dtype=dtype)
        n_iter[k - 1], conv[k - 1] = step.n_iter, step.converged
        pts, rho = new, step.weights / np.sum(step.weights)
        if k in rec:
            ts.append(k * hv)
            ps.append(pts.copy())
            ws.append(rho.copy())
            bs.append(1.0 / temp)
        if progress is not None:
            progress(k, steps)
    return ProximalResult(t=np.array(ts), points=np.array(ps), weights=np.array(ws),
                          beta=np.array(bs), n_iter=n_iter, converged=conv, h=hv, eps=ev,
                          n_reflected=n_ref, success=bool(np.all(conv)))


# ---------------------------------------------------------------------------------------------
# the Hopfield diffusion machine in geodesic coordinates
# ---------------------------------------------------------------------------------------------


def hopfield_outputs(network: HopfieldNetwork, result: ProximalResult) -> tuple[np.ndarray, np.ndarray]:
    """Outputs y of a :func:`hopfield_proximal` run and the weights as y-density values.

    For a geodesic run (``result.coords == "u"``) y = Φ⁻¹(u) and ρ_y = ρ_u · Π_i Φ'(y_i) =
    ρ_u √det G(y); for a Euclidean run (``"y"``) the points and weights are already in y. The
    returned values are proportional to ρ_y at the samples (normalise them with
    ``theory.flow_density.normalise_density_values``).

    Returns
    -------
    y : ndarray, shape (m, N, n)
    weights_y : ndarray, shape (m, N)
    """
    check_choice(result.coords, "result.coords", ("u", "y"))
    act = network.act
    if result.coords == "y":
        return _interior(act, result.points), result.weights
    y = _interior(act, act.isometry_inverse(result.points))
    return y, result.weights * np.prod(np.sqrt(act.metric(y)), axis=-1)


COSTS = ("geodesic", "euclidean")


def hopfield_proximal(
    network: HopfieldNetwork,
    x0: object,
    p0: object,
    T: float | TemperatureSchedule,
    h: float = 1e-3,
    n_steps: int = 1000,
    *,
    cost: str = "geodesic",
    eps: float = 0.05,
    tol: float | None = None,
    max_iter: int = 100,
    n_records: int = 11,
    rng: RNGLike = None,
    progress: Callable[[int, int], None] | None = None,
    dtype: str = "float32",
) -> ProximalResult:
    """Proximal recursion for the density of a network's outputs (spec §4.8).

    ``cost="geodesic"`` (default, recipe A): the ground cost is the squared geodesic distance of
    the activation's metric, d_G(y, y')² = ‖Φ(y) − Φ(y')‖², so the recursion runs in u = Φ(y)
    (where the diffusion machine's noise is additive) with Euclidean cost, the Lamperti potential
    V = E + (T/2)Σ log g and β = 1/T; the initial weights are the u-density
    p0(x)·Π|dx_i/du_i| = p0(x)·Π√g(y_i). It approximates the diffusion machine's own law,
    ∂ρ/∂t = ∇·(ρ G⁻¹∇(E + T log ρ)).

    ``cost="euclidean"``: the ground cost is ‖y − y'‖² in the **outputs** y (Euclidean in u would
    be the geodesic cost again). The samples then move by Euler–Maruyama of the additive-noise
    Langevin equation dy = −∇_yE dt + √(2T) dw (reflected into the output box), ψ = E, and the
    initial weights are the y-density p0(x)·Π g(y_i). This is the standard Euclidean JKO scheme:
    it approximates ∂ρ/∂t = ∇·(ρ∇E) + TΔρ with no-flux walls, the Wasserstein-2 gradient flow of
    the same free energy F = ∫Eρ + T∫ρ log ρ. Its stationary law is the same Gibbs density
    exp(−E(y)/T)/Z, but its transient is not the diffusion machine's (the metric G is replaced by
    the identity), so only the t → ∞ limit is comparable with :func:`~.sde.simulate_sde`. Length
    scales in y are smaller than in u (the logistic box has width 1 in y, π in u), so ε and h
    should be scaled down accordingly (ε ≈ 5e-3 where the geodesic run uses 0.05).

    Parameters
    ----------
    network : HopfieldNetwork
        Symmetric network with a bounded activation of finite geodesic diameter (logistic,
        tanh), or any activation whose Φ-range is the whole line (no reflection then).
    x0 : array_like, shape (N, n)
        Initial states (draws of p0).
    p0 : array_like, shape (N,)
        Density of the initial states at x0 (in x-coordinates).
    cost : {"geodesic", "euclidean"}
        Ground cost, as above.
    T, h, n_steps, eps, tol, max_iter, n_records, rng, progress, dtype
        As in :func:`proximal_recursion`.

    Returns
    -------
    ProximalResult
        In u-coordinates (``coords="u"``) or outputs (``coords="y"``); :func:`hopfield_outputs`
        gives the outputs and their y-density in both cases.
    """
    check_choice(cost, "cost", COSTS)
    if not network.symmetric:
        raise ValueError("network: W is not symmetric; the density flow needs an energy")
    act = network.act
    x = _as_points(x0)
    if x.shape[1] != network.n_neurons:
        raise ValueError(f"x0: got {x.shape[1]} coordinates, expected {network.n_neurons}")
    p = np.asarray(p0, dtype=float)
    y = _interior(act, act.sigma(x))

    if cost == "euclidean":
        # change of variables x -> y: dx/dy = 1/σ'(x) = g(y)
        rho_y = p * np.prod(act.metric(y), axis=1)

        def grad(ypts: np.ndarray, _temp: float) -> np.ndarray:
            return network.gradient(_interior(act, ypts))

        def pot(ypts: np.ndarray, _temp: float) -> np.ndarray:
            return network.energy(_interior(act, ypts))

        start, lo, hi, rho = y, act.lower, act.upper, rho_y
    else:
        # change of variables x -> u: dx/du = (dx/dy)(dy/du) = g(y) / √g(y) = √g(y)
        rho_u = p * np.prod(np.sqrt(act.metric(y)), axis=1)

        def grad(upts: np.ndarray, temp: float) -> np.ndarray:
            return -lamperti_drift(network, _interior(act, act.isometry_inverse(upts)), temp)

        def pot(upts: np.ndarray, temp: float) -> np.ndarray:
            return lamperti_potential(network, upts, temp)

        lo, hi = act.isometry_range()
        start, rho = act.isometry(y), rho_u
    box = (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else None
    res = proximal_recursion(grad, pot, start, rho, T, h, n_steps, eps=eps, box=box, tol=tol,
                             max_iter=max_iter, n_records=n_records, rng=rng, progress=progress,
                             dtype=dtype)
    return dataclasses.replace(res, coords="y" if cost == "euclidean" else "u")
