"""Densities of the stochastic Hopfield network (diffusion machine) in closed form or by quadrature.

For dx = −∇_yE(σ(x)) dt + √(2T/σ'(x)) dw (spec ``hnn_flow.md`` §3) the Lebesgue density ρ of the
outputs y = σ(x) solves ∂ρ/∂t = ∇·(ρ G⁻¹∇(E + T log ρ)) and its stationary law is Gibbs **in y**,

    ρ_∞(y) = exp(−E(y)/T)/Z,      Z = ∫_M exp(−E/T) dy,

which reads p_∞(x) = Π_i σ'(x_i) · ρ_∞(σ(x)) in the states and ρ_u ∝ exp(−V/T) in the geodesic
(Lamperti) coordinates u = Φ(y), V = E + (T/2) Σ log g. The free energy
F(ρ) = ∫Eρ dy + T∫ρ log ρ dy decreases along the flow and is the same number in every coordinate
system (the Jacobians cancel between the energy and the entropy term).

Functions here take a *network-like* object: anything with ``energy(y)``, ``act`` (an
:class:`~hopfieldlab.models.activations.Activation`), ``W``, ``b``, ``tau`` and ``n_neurons``, such as
:class:`hopfieldlab.dynamics.HopfieldNetwork` (theory does not import dynamics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

from .._validation import check_int, check_scalar

__all__ = [
    "GaussianLaw",
    "GibbsDensity",
    "free_energy_from_samples",
    "free_energy_with_error",
    "gaussian_free_energy",
    "gibbs_density",
    "linear_gaussian_law",
    "normalise_density_values",
    "ou_moments",
]


# ---------------------------------------------------------------------------------------------
# Gibbs density of the outputs, by tensor Gauss-Legendre quadrature (n = 1 or 2)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GibbsDensity:
    """The stationary law exp(−E(y)/T)/Z of a network with a bounded activation.

    Attributes
    ----------
    T : float
        Temperature.
    log_Z : float
        log ∫_M exp(−E(y)/T) dy (Lebesgue measure on the output box M).
    nodes : ndarray, shape (m, n)
        Quadrature nodes in y.
    weights : ndarray, shape (m,)
        Probability of each node (quadrature weight × density), summing to 1.
    """

    network: Any
    T: float
    log_Z: float
    nodes: np.ndarray
    weights: np.ndarray

    def logpdf_y(self, y: object) -> np.ndarray:
        """log ρ_∞(y) for outputs of shape (..., n) inside the box."""
        return -self.network.energy(y) / self.T - self.log_Z

    def pdf_y(self, y: object) -> np.ndarray:
        """ρ_∞(y) = exp(−E(y)/T)/Z."""
        return np.exp(self.logpdf_y(y))

    def pdf_x(self, x: object) -> np.ndarray:
        """p_∞(x) = Π_i σ'(x_i) · ρ_∞(σ(x)): the same law in the states (Jacobian included)."""
        xa = np.asarray(x, dtype=float)
        act = self.network.act
        log_jac = np.sum(np.log(act.derivative(xa)), axis=-1)
        return np.exp(-self.network.energy_x(xa) / self.T - self.log_Z + log_jac)

    def pdf_u(self, u: object) -> np.ndarray:
        """ρ_u(u) = ρ_∞(y(u)) · Π_i dy_i/du_i = ρ_∞ / √det G in the geodesic coordinates."""
        act = self.network.act
        y = act.isometry_inverse(u)
        lo, hi = np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf)
        y = np.clip(y, lo, hi)
        return np.exp(self.logpdf_y(y) - 0.5 * np.sum(np.log(act.metric(y)), axis=-1))

    def expect(self, fn: Any) -> np.ndarray:
        """E_∞[fn(y)] by the quadrature; ``fn`` maps (m, n) nodes to (m, ...) values."""
        vals = np.asarray(fn(self.nodes), dtype=float)
        return np.tensordot(self.weights, vals, axes=(0, 0))

    @property
    def mean(self) -> np.ndarray:
        """E_∞[y], shape (n,)."""
        return self.expect(lambda y: y)

    @property
    def covariance(self) -> np.ndarray:
        """Cov_∞[y], shape (n, n)."""
        m = self.mean
        return self.expect(lambda y: (y - m)[:, :, None] * (y - m)[:, None, :])

    def marginal_cdf(self, y: object, axis: int = 0) -> np.ndarray:
        """P_∞(y_axis ≤ y), by integrating the 1-D marginal density with the same quadrature."""
        ya = np.asarray(y, dtype=float)
        col = self.nodes[:, axis]
        return np.array([float(self.weights @ (col <= v)) for v in ya.ravel()]).reshape(ya.shape)

    def bin_probabilities(self, edges: object, axis: int = 0, n_sub: int = 64) -> np.ndarray:
        """Probability of each bin [e_k, e_{k+1}) of the marginal of y_axis (for χ² tests).

        Integrates the marginal density by Gauss–Legendre within each bin, so the result does not
        depend on how the global nodes fall with respect to the bin edges.
        """
        e = np.asarray(edges, dtype=float)
        net, act = self.network, self.network.act
        if net.n_neurons == 1:
            g, w = special.roots_legendre(n_sub)
            mid, half = 0.5 * (e[1:] + e[:-1]), 0.5 * np.diff(e)
            pts = mid[:, None] + half[:, None] * g[None, :]
            lo, hi = np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf)
            dens = self.pdf_y(np.clip(pts, lo, hi)[..., None])
            return np.sum(dens * w[None, :], axis=1) * half
        if axis not in (0, 1):
            raise ValueError(f"axis: got {axis!r}, expected 0 or 1")
        # n = 2: integrate out the other coordinate with the box rule, then Gauss-Legendre per bin
        mid, half = 0.5 * (e[1:] + e[:-1]), 0.5 * np.diff(e)
        g, w = special.roots_legendre(n_sub)
        pts = (mid[:, None] + half[:, None] * g[None, :]).ravel()
        og, ow = _box_rule(act.lower, act.upper, 256)
        grid = np.empty((pts.size, og.size, 2))
        grid[..., axis] = pts[:, None]
        grid[..., 1 - axis] = og[None, :]
        lo, hi = np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf)
        dens = self.pdf_y(np.clip(grid, lo, hi)) @ ow
        return np.sum(dens.reshape(mid.size, n_sub) * w[None, :], axis=1) * half


def _box_rule(lo: float, hi: float, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre on (lo, hi) after the substitution y = lo + (hi−lo)(1−cos θ)/2.

    The cosine map clusters nodes at the ends of the box, where Gibbs densities of saturating
    units pile up at low temperature.
    """
    g, w = special.roots_legendre(m)
    theta = 0.5 * math.pi * (g + 1.0)
    y = lo + 0.5 * (hi - lo) * (1.0 - np.cos(theta))
    wy = w * 0.5 * math.pi * 0.5 * (hi - lo) * np.sin(theta)
    return y, wy


def gibbs_density(network: Any, T: float, *, n_nodes: int | None = None) -> GibbsDensity:
    """Normalise exp(−E(y)/T) over the output box by quadrature (n = 1 or 2 neurons).

    Parameters
    ----------
    network : HopfieldNetwork-like
        Symmetric network with a bounded activation.
    T : float
        Temperature > 0.
    n_nodes : int, optional
        Nodes per coordinate (default 2000 for n = 1, 300 for n = 2).

    Returns
    -------
    GibbsDensity
    """
    temp = check_scalar(T, "T", low=0.0, low_inclusive=False)
    n = int(network.n_neurons)
    if n not in (1, 2):
        raise ValueError(f"network: got {n} neurons, expected 1 or 2 for quadrature")
    act = network.act
    if not (math.isfinite(act.lower) and math.isfinite(act.upper)):
        raise ValueError(f"network: activation {act.name!r} is unbounded; use linear_gaussian_law")
    m = check_int(n_nodes if n_nodes is not None else (2000 if n == 1 else 300), "n_nodes", low=8)
    y1, w1 = _box_rule(act.lower, act.upper, m)
    lo, hi = np.nextafter(act.lower, np.inf), np.nextafter(act.upper, -np.inf)
    y1 = np.clip(y1, lo, hi)
    if n == 1:
        nodes, wq = y1[:, None], w1
    else:
        a, b = np.meshgrid(y1, y1, indexing="ij")
        nodes = np.stack([a.ravel(), b.ravel()], axis=-1)
        wq = np.outer(w1, w1).ravel()
    logf = -network.energy(nodes) / temp + np.log(wq)
    log_z = float(special.logsumexp(logf))
    return GibbsDensity(network=network, T=temp, log_Z=log_z, nodes=nodes,
                        weights=np.exp(logf - log_z))


# ---------------------------------------------------------------------------------------------
# linear-Gaussian laws: Ornstein-Uhlenbeck and the identity-activation network
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaussianLaw:
    """Mean and covariance of dX = (−A X + c) dt + √(2T) dw at the requested times.

    Attributes
    ----------
    t : ndarray, shape (m,)
    mean : ndarray, shape (m, n)
    cov : ndarray, shape (m, n, n)
    stationary_mean, stationary_cov : ndarray
        A⁻¹c and T A⁻¹ (A symmetric positive definite).
    """

    t: np.ndarray
    mean: np.ndarray
    cov: np.ndarray
    stationary_mean: np.ndarray
    stationary_cov: np.ndarray


def linear_gaussian_law(A: object, c: object, T: float, mean0: object, cov0: object,
                        t: object) -> GaussianLaw:
    """Exact Gaussian law of the linear SDE dX = (−AX + c)dt + √(2T)dw with symmetric A ≻ 0.

    With A = QΛQᵀ: m(t) = m∞ + e^{−At}(m0 − m∞), Σ(t) = Σ∞ + e^{−At}(Σ0 − Σ∞)e^{−At},
    m∞ = A⁻¹c, Σ∞ = T A⁻¹. The identity-activation network is this law with A = diag(1/τ) − W,
    c = b, since σ' = 1 makes its noise additive.
    """
    a = np.atleast_2d(np.asarray(A, dtype=float))
    n = a.shape[0]
    if a.shape != (n, n) or not np.allclose(a, a.T):
        raise ValueError(f"A: got shape {a.shape}, expected a symmetric square matrix")
    lam, q = np.linalg.eigh(0.5 * (a + a.T))
    if lam[0] <= 0:
        raise ValueError(f"A: smallest eigenvalue {lam[0]:.3g}, expected positive definite")
    temp = check_scalar(T, "T", low=0.0, low_inclusive=False)
    cv = np.broadcast_to(np.asarray(c, dtype=float), (n,))
    m0 = np.broadcast_to(np.asarray(mean0, dtype=float), (n,))
    s0 = np.asarray(cov0, dtype=float)
    s0 = s0 * np.eye(n) if s0.ndim == 0 else s0.reshape(n, n)
    ts = np.atleast_1d(np.asarray(t, dtype=float))
    a_inv = (q / lam) @ q.T
    m_inf, s_inf = a_inv @ cv, temp * a_inv
    decay = np.einsum("ik,tk,jk->tij", q, np.exp(-np.outer(ts, lam)), q)
    mean = m_inf + np.einsum("tij,j->ti", decay, m0 - m_inf)
    cov = s_inf + np.einsum("tij,jk,tlk->til", decay, s0 - s_inf, decay)
    return GaussianLaw(t=ts, mean=mean, cov=cov, stationary_mean=m_inf, stationary_cov=s_inf)


def ou_moments(t: object, *, a: float = 1.0, beta: float = 1.0, mean0: float = 5.0,
               var0: float = 0.04) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of dX = −aX dt + √(2/β) dw from N(mean0, var0) (TAC's OU example).

    μ(t) = μ0 e^{−at},  σ²(t) = (σ0² − 1/(aβ)) e^{−2at} + 1/(aβ).
    """
    ts = np.asarray(t, dtype=float)
    av = check_scalar(a, "a", low=0.0, low_inclusive=False)
    bv = check_scalar(beta, "beta", low=0.0, low_inclusive=False)
    s_inf = 1.0 / (av * bv)
    return mean0 * np.exp(-av * ts), (var0 - s_inf) * np.exp(-2.0 * av * ts) + s_inf


def gaussian_free_energy(mean: object, cov: object, A: object, c: object, T: float) -> float:
    """F(ρ) = E_ρ[½XᵀAX − cᵀX] + T E_ρ[log ρ] for ρ = N(mean, cov) (closed form)."""
    m = np.atleast_1d(np.asarray(mean, dtype=float))
    n = m.size
    s = np.asarray(cov, dtype=float).reshape(n, n)
    a = np.asarray(A, dtype=float).reshape(n, n)
    cv = np.broadcast_to(np.asarray(c, dtype=float), (n,))
    energy = 0.5 * (np.trace(a @ s) + m @ a @ m) - cv @ m
    entropy = 0.5 * (n * (1.0 + math.log(2.0 * math.pi)) + np.linalg.slogdet(s)[1])
    return float(energy - T * entropy)


# ---------------------------------------------------------------------------------------------
# free energy of a weighted sample cloud
# ---------------------------------------------------------------------------------------------


def normalise_density_values(points: object, values: object) -> np.ndarray:
    """Rescale unnormalised density values at sample points so that they integrate to 1.

    In 1-D the integral is the trapezoid rule over the sorted points (as in the reference MATLAB
    code); in higher dimension it is the importance estimate mean(values/q) with q a Gaussian
    kernel density estimate of the points themselves (the points are draws of the density).
    """
    pts = np.asarray(points, dtype=float)
    vals = np.asarray(values, dtype=float)
    pts = pts[:, None] if pts.ndim == 1 else pts
    if pts.shape[0] != vals.shape[0]:
        raise ValueError(f"values: got {vals.shape[0]} values for {pts.shape[0]} points")
    if pts.shape[1] == 1:
        order = np.argsort(pts[:, 0])
        mass = float(np.trapezoid(vals[order], pts[order, 0]))
    else:
        kde = stats.gaussian_kde(pts.T)
        mass = float(np.mean(vals / kde(pts.T)))
    if not mass > 0:
        raise ValueError("values: expected positive density values with a positive integral")
    return vals / mass


def free_energy_from_samples(points: object, density: object, potential: object,
                             T: float) -> float:
    """Monte Carlo estimate of F(ρ) = ∫ψρ + T∫ρ log ρ from draws of ρ and ρ's values at them.

    Parameters
    ----------
    points : array_like, shape (N,) or (N, n)
        Draws of ρ (e.g. the Euler–Maruyama particles of the proximal recursion).
    density : array_like, shape (N,)
        Normalised values ρ(points) (see :func:`normalise_density_values`).
    potential : array_like, shape (N,)
        ψ(points).
    T : float
        Temperature.
    """
    rho = np.asarray(density, dtype=float)
    psi = np.asarray(potential, dtype=float)
    if np.any(rho <= 0):
        raise ValueError("density: expected positive values")
    del points
    return float(np.mean(psi + T * np.log(rho)))


def free_energy_with_error(points: object, density: object, potential: object,
                           T: float) -> tuple[float, float]:
    """:func:`free_energy_from_samples` and its Monte Carlo standard error.

    The estimate is the sample mean of f_i = ψ(x_i) + T log ρ(x_i) over N draws, so its standard
    error is sd(f)/√N. Near equilibrium f is almost constant (ψ + T log ρ_∞ = −T log Z), so the
    error shrinks there, but so does the true decrease of F between records: a rise of F along a
    recursion is a violation of the JKO descent only if it exceeds a few of these errors.

    Returns
    -------
    value : float
        The estimate of F(ρ).
    standard_error : float
        sd(f)/√N (ddof = 1).
    """
    rho = np.asarray(density, dtype=float)
    psi = np.asarray(potential, dtype=float)
    if rho.ndim != 1 or psi.shape != rho.shape or rho.size < 2:
        raise ValueError(f"density: got shape {rho.shape} with potential {psi.shape}, expected "
                         "two (N,) arrays, N >= 2")
    if np.any(rho <= 0):
        raise ValueError("density: expected positive values")
    f = psi + check_scalar(T, "T", low=0.0, low_inclusive=False) * np.log(rho)
    del points
    return float(np.mean(f)), float(np.std(f, ddof=1) / math.sqrt(f.size))
