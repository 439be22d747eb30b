"""Hopfield network flow, geometric view (Halder, Caluya, Travacca, Moura 2019) as Datasets.

* :func:`flow_trajectories`: the deterministic flow in its three forms (x-coordinates, natural
  gradient in y, mirror descent) for several activations on the same W, b, with the energy.
* :func:`mirror_descent_order`: error of mirror descent against the continuous flow vs step h.
* :func:`gibbs_histogram`: long-run histograms of the diffusion machine against exp(−E/T)/Z,
  with a χ² goodness-of-fit test.
* :func:`ou_proximal` and :func:`density_evolution`: the proximal (JKO) recursion against the
  closed-form law (Ornstein–Uhlenbeck) and against the SDE ensemble and the Gibbs law (network).
* :func:`proximal_convergence`: the recursion's OU error split into the entropic bias of the
  weights (vs ε), the sampling error (vs N) and the Euler–Maruyama error (vs h), with orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr
from scipy import stats

from .._rng import as_generator
from .._typing import RNGLike
from .._validation import check_int, check_scalar
from ..dynamics.flow import HopfieldNetwork, integrate_flow, mirror_descent
from ..dynamics.sde import simulate_sde
from ..dynamics.wasserstein import hopfield_outputs, hopfield_proximal, proximal_recursion
from ..io import annotate, provenance_attrs
from ..theory.flow_density import (
    free_energy_with_error,
    gaussian_free_energy,
    gibbs_density,
    normalise_density_values,
    ou_moments,
)

Progress = Callable[[int, int], None] | None
FORMS = ("x", "natural", "mirror")

# default instances: a 2-neuron network with two attractors, and a 1-neuron double well
W2 = [[0.0, 4.0], [4.0, 0.0]]
B2 = [-2.0, -2.0]
W1 = [[8.0]]
B1 = [-4.0]



def flow_trajectories(
    activations: Sequence[str] = ("logistic", "tanh", "arctan"),
    *,
    W: object = W2,
    b: object = B2,
    tau: float = 1.0,
    x0: object = (0.3, -0.5),
    t_final: float = 6.0,
    n_times: int = 121,
    mirror_step: float = 0.01,
) -> xr.Dataset:
    """Trajectories of the same network under different activations, in all three forms.

    Returns
    -------
    Dataset with ``y``, ``x`` (activation, form, time, neuron) and ``energy`` (activation, form,
    time); ``energy_monotone`` (activation, form) says whether E never increased (beyond the
    solver's relative tolerance 1e-8).
    """
    nt = check_int(n_times, "n_times", low=2)
    t1 = check_scalar(t_final, "t_final", low=0.0, low_inclusive=False)
    h = check_scalar(mirror_step, "mirror_step", low=0.0, low_inclusive=False)
    times = np.linspace(0.0, t1, nt)
    n_steps = max(1, round(t1 / h))
    h = t1 / n_steps
    every = max(1, n_steps // (nt - 1))
    if n_steps % (nt - 1):
        raise ValueError(f"mirror_step: t_final/mirror_step = {n_steps} must be a multiple of "
                         f"n_times − 1 = {nt - 1}")
    acts = list(activations)
    first = HopfieldNetwork(W, b, tau, acts[0])
    n = first.n_neurons
    ys = np.zeros((len(acts), 3, nt, n))
    xs = np.zeros_like(ys)
    es = np.zeros((len(acts), 3, nt))
    for i, a in enumerate(acts):
        net = HopfieldNetwork(W, b, tau, a)
        for j, form in enumerate(FORMS):
            if form == "mirror":
                res = mirror_descent(net, x0, h, n_steps, record_every=every)
            else:
                res = integrate_flow(net, x0, t1, form=form, t_eval=times)
            ys[i, j], xs[i, j], es[i, j] = res.y, res.x, res.energy
    slack = 1e-8 * (1.0 + np.abs(es[..., :-1]))
    monotone = np.all(np.diff(es, axis=-1) <= slack, axis=-1)
    ds = xr.Dataset(
        {"y": (("activation", "form", "time", "neuron"), ys),
         "x": (("activation", "form", "time", "neuron"), xs),
         "energy": (("activation", "form", "time"), es),
         "energy_monotone": (("activation", "form"), monotone)},
        coords={"activation": acts, "form": list(FORMS), "time": times, "neuron": np.arange(n)},
    )
    annotate(ds, {"y": ("outputs y = σ(x)", "1"), "x": ("states (dual coordinates)", "1"),
                "energy": ("Hopfield energy E(y)", "1"),
                "energy_monotone": ("E non-increasing along the trajectory", "1"),
                "time": ("time", "τ")})
    ds.attrs.update(provenance_attrs("flow_trajectories", {
        "activations": acts, "W": np.asarray(W).tolist(), "b": np.asarray(b).tolist(), "tau": tau,
        "x0": list(np.asarray(x0, dtype=float)), "t_final": t1, "n_times": nt, "mirror_step": h}))
    return ds


def mirror_descent_order(
    steps: Sequence[float] = (0.2, 0.1, 0.05, 0.025, 0.0125),
    *,
    activation: str = "logistic",
    W: object = W2,
    b: object = B2,
    tau: float = 1.0,
    x0: object = (0.3, -0.5),
    t_final: float = 2.0,
) -> xr.Dataset:
    """Max-norm error of mirror descent (step h) against the continuous flow at t_final.

    Returns
    -------
    Dataset with ``error`` (step); attribute-free scalar ``order``: the least-squares slope of
    log error vs log h (first order: 1).
    """
    net = HopfieldNetwork(W, b, tau, activation)
    t1 = check_scalar(t_final, "t_final", low=0.0, low_inclusive=False)
    ref = integrate_flow(net, x0, t1, method="DOP853", rtol=1e-12, atol=1e-13, t_eval=[t1])
    hs = np.array([check_scalar(h, "steps", low=0.0, low_inclusive=False) for h in steps])
    err = np.zeros(hs.size)
    for k, h in enumerate(hs):
        n_steps = max(1, round(t1 / h))
        res = mirror_descent(net, x0, t1 / n_steps, n_steps, record_every=n_steps)
        err[k] = float(np.max(np.abs(res.y[-1] - ref.y[-1])))
    slope = float(np.polyfit(np.log(hs), np.log(err), 1)[0])
    ds = xr.Dataset({"error": ("step", err), "order": ((), slope)}, coords={"step": hs})
    annotate(ds, {"error": ("max |y_mirror(t) − y_flow(t)| at t_final", "1"),
                "order": ("slope of log error vs log step", "1"), "step": ("step h", "τ")})
    ds.attrs.update(provenance_attrs("mirror_descent_order", {
        "steps": hs.tolist(), "activation": activation, "W": np.asarray(W).tolist(),
        "b": np.asarray(b).tolist(), "tau": tau, "t_final": t1}))
    return ds


def gibbs_histogram(
    *,
    W: object = W1,
    b: object = B1,
    tau: float = 1.0,
    activation: str = "logistic",
    T: float = 0.5,
    n_samples: int = 4000,
    t_final: float = 5.0,
    dt: float = 2e-3,
    n_bins: int = 20,
    coords: str = "u",
    rng: RNGLike = None,
) -> xr.Dataset:
    """Histogram of the diffusion machine at t_final against the Gibbs law exp(−E(y)/T)/Z.

    Samples start uniformly on the output box (independent paths, so the counts are multinomial).
    The χ² test pools bins with fewer than 5 expected counts; its false-failure rate at level α
    is α (plus the O(dt) discretisation bias and the residual t_final transient). The Jacobian-free
    law ∝ exp(−E(σ(x))/T) in x (i.e. ∝ g(y) exp(−E/T) in y) is tested on the same counts as a
    control that the test has power.

    Returns
    -------
    Dataset with ``density_sde``, ``density_gibbs``, ``density_wrong`` (neuron, bin),
    ``counts``, ``expected`` (neuron, bin), ``chi2``, ``p_value``, ``p_value_wrong`` (neuron),
    and ``x_density_sde``, ``x_density_gibbs`` (neuron, x_bin): the same law in the states.
    """
    net = HopfieldNetwork(W, b, tau, activation)
    temp = check_scalar(T, "T", low=0.0, low_inclusive=False)
    s = check_int(n_samples, "n_samples", low=10)
    nb = check_int(n_bins, "n_bins", low=3)
    gen = as_generator(rng)
    act, n = net.act, net.n_neurons
    y0 = act.lower + (act.upper - act.lower) * gen.uniform(0.02, 0.98, size=(s, n))
    res = simulate_sde(net, act.inverse(y0), temp, t_final, dt, n_samples=s, coords=coords,
                       n_records=2, rng=gen)
    if not res.success:
        raise RuntimeError(res.message)
    gibbs = gibbs_density(net, temp)
    edges = np.linspace(act.lower, act.upper, nb + 1)
    width = np.diff(edges)
    counts = np.zeros((n, nb))
    probs, wrong = np.zeros((n, nb)), np.zeros((n, nb))
    chi2, pval, pwrong = np.zeros(n), np.zeros(n), np.zeros(n)
    # the wrong law g(y)exp(−E/T): reweight the Gibbs quadrature by g
    g_nodes = np.prod(act.metric(gibbs.nodes), axis=1)
    for i in range(n):
        counts[i] = np.histogram(res.y[-1, :, i], edges)[0]
        probs[i] = gibbs.bin_probabilities(edges, axis=i)
        wq = gibbs.weights * g_nodes
        wrong[i] = np.histogram(gibbs.nodes[:, i], edges, weights=wq / wq.sum())[0]
        chi2[i], pval[i] = _chi2(counts[i], probs[i])
        pwrong[i] = _chi2(counts[i], wrong[i])[1]
    # the same law in x: histogram of x against p_x = σ'(x) ρ(σ(x)) (marginal of neuron 0)
    x_last = res.x[-1, :, 0]
    lo, hi = np.quantile(x_last, [0.005, 0.995])
    x_edges = np.linspace(lo, hi, 41)
    x_centres = 0.5 * (x_edges[1:] + x_edges[:-1])
    x_hist = np.histogram(x_last, x_edges)[0] / (s * np.diff(x_edges))
    if n == 1:
        x_pdf = gibbs.pdf_x(x_centres[:, None])
    else:
        y_c = act.sigma(x_centres)
        y_edges_c = np.concatenate([[act.lower], 0.5 * (y_c[1:] + y_c[:-1]), [act.upper]])
        x_pdf = gibbs.bin_probabilities(y_edges_c, axis=0) / np.diff(y_edges_c) * act.derivative(x_centres)
    centres = 0.5 * (edges[1:] + edges[:-1])
    ds = xr.Dataset(
        {"density_sde": (("neuron", "bin"), counts / (s * width)),
         "density_gibbs": (("neuron", "bin"), probs / width),
         "density_wrong": (("neuron", "bin"), wrong / width),
         "counts": (("neuron", "bin"), counts), "expected": (("neuron", "bin"), probs * s),
         "chi2": ("neuron", chi2), "p_value": ("neuron", pval), "p_value_wrong": ("neuron", pwrong),
         "x_density_sde": ("x_bin", x_hist), "x_density_gibbs": ("x_bin", x_pdf),
         "mean_sde": ("neuron", res.y[-1].mean(axis=0)), "mean_gibbs": ("neuron", gibbs.mean)},
        coords={"neuron": np.arange(n), "bin": centres, "x_bin": x_centres},
    )
    annotate(ds, {"density_sde": ("histogram density of y at t_final", "1"),
                "density_gibbs": ("Gibbs density exp(−E/T)/Z averaged over the bin", "1"),
                "density_wrong": ("Jacobian-free law ∝ g(y)exp(−E/T), bin average", "1"),
                "counts": ("samples per bin", "1"), "expected": ("Gibbs expected counts", "1"),
                "chi2": ("χ² statistic (bins pooled to ≥ 5 expected)", "1"),
                "p_value": ("χ² p-value against the Gibbs law", "1"),
                "p_value_wrong": ("χ² p-value against the Jacobian-free law", "1"),
                "x_density_sde": ("histogram density of x_0", "1"),
                "x_density_gibbs": ("p_∞(x_0) = σ'(x_0)ρ_∞ marginal", "1"),
                "mean_sde": ("sample mean of y", "1"), "mean_gibbs": ("Gibbs mean of y", "1"),
                "bin": ("bin centre (output y)", "1"), "x_bin": ("bin centre (state x_0)", "1")})
    ds.attrs.update(provenance_attrs("gibbs_histogram", {
        "W": np.asarray(W).tolist(), "b": np.asarray(b).tolist(), "tau": tau, "activation": activation, "T": temp,
        "n_samples": s, "t_final": t_final, "dt": dt, "n_bins": nb, "coords": coords}))
    return ds


def _chi2(counts: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """Pearson χ² with adjacent bins pooled until each expects ≥ 5 counts."""
    total = counts.sum()
    p = probs / probs.sum()
    obs, exp, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(counts, p * total, strict=True):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= 5.0:
            obs.append(acc_o)
            exp.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_e > 0 and exp:
        obs[-1] += acc_o
        exp[-1] += acc_e
    res = stats.chisquare(np.array(obs), np.array(exp))
    return float(res.statistic), float(res.pvalue)


def _weighted_moments(points: np.ndarray, rho: np.ndarray) -> tuple[float, float]:
    """Mean and variance of a 1-D density given by values at sample points (trapezoid rule)."""
    o = np.argsort(points)
    p, r = points[o], rho[o]
    mass = np.trapezoid(r, p)
    mean = np.trapezoid(p * r, p) / mass
    return float(mean), float(np.trapezoid((p - mean) ** 2 * r, p) / mass)


def ou_proximal(
    *,
    a: float = 1.0,
    T: float = 1.0,
    mean0: float = 5.0,
    var0: float = 0.04,
    n_particles: int = 400,
    h: float = 1e-3,
    t_final: float = 2.0,
    eps: float = 0.05,
    n_records: int = 9,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """The proximal recursion on the Ornstein–Uhlenbeck process dX = −aX dt + √(2T) dw.

    The density is Gaussian in closed form; the recursion's weighted moments (trapezoid rule over
    the sorted samples, as in the reference code), the particles' plain moments and the exact
    ones are stored side by side, with the free energy F = ∫(a x²/2)ρ + T∫ρ log ρ.

    Returns
    -------
    Dataset with ``mu``, ``variance``, ``free_energy`` (source, time) for source in (proximal,
    particles, exact), ``free_energy_se`` (time): the standard error of the proximal free energy
    (:func:`~hopfieldlab.theory.flow_density.free_energy_with_error`), ``n_iter`` (step) and
    ``converged`` (step).
    """
    av = check_scalar(a, "a", low=0.0, low_inclusive=False)
    temp = check_scalar(T, "T", low=0.0, low_inclusive=False)
    npart = check_int(n_particles, "n_particles", low=10)
    hv = check_scalar(h, "h", low=0.0, low_inclusive=False)
    steps = max(1, round(check_scalar(t_final, "t_final", low=0.0, low_inclusive=False) / hv))
    gen = as_generator(rng)
    x0 = gen.normal(mean0, np.sqrt(var0), npart)
    p0 = stats.norm.pdf(x0, mean0, np.sqrt(var0))
    res = proximal_recursion(lambda x, _T: av * x, lambda x, _T: 0.5 * av * x[:, 0] ** 2, x0, p0,
                             temp, hv, steps, eps=eps, n_records=n_records, rng=gen,
                             progress=progress)
    m_ex, v_ex = ou_moments(res.t, a=av, beta=1.0 / temp, mean0=mean0, var0=var0)
    m, v, f = np.zeros((3, res.t.size)), np.zeros((3, res.t.size)), np.zeros((3, res.t.size))
    f_se = np.zeros(res.t.size)
    for k in range(res.t.size):
        pts = res.points[k, :, 0]
        rho = normalise_density_values(pts, res.weights[k])
        m[0, k], v[0, k] = _weighted_moments(pts, rho)
        m[1, k], v[1, k] = pts.mean(), pts.var()
        f[0, k], f_se[k] = free_energy_with_error(pts, rho, 0.5 * av * pts**2, temp)
        f[1, k] = gaussian_free_energy(m[1, k], v[1, k], av, 0.0, temp)
        f[2, k] = gaussian_free_energy(m_ex[k], v_ex[k], av, 0.0, temp)
    m[2], v[2] = m_ex, v_ex
    methods = ["proximal", "particles", "exact"]
    ds = xr.Dataset(
        {"mu": (("source", "time"), m), "variance": (("source", "time"), v),
         "free_energy": (("source", "time"), f), "free_energy_se": ("time", f_se),
         "n_iter": ("step", res.n_iter), "converged": ("step", res.converged)},
        coords={"source": methods, "time": res.t, "step": np.arange(1, steps + 1)},
    )
    annotate(ds, {"mu": ("mean of X", "1"), "variance": ("variance of X", "1"),
                "free_energy": ("free energy ∫ψρ + T∫ρlogρ (particles: Gaussian fit)", "1"),
                "free_energy_se": ("Monte Carlo standard error of the proximal free energy", "1"),
                "n_iter": ("fixed-point sweeps per step", "1"),
                "converged": ("fixed point converged", "1"), "time": ("time", "1")})
    ds.attrs.update(provenance_attrs("ou_proximal", {
        "a": av, "T": temp, "mean0": mean0, "var0": var0, "n_particles": npart, "h": hv, "n_steps": steps, "eps": eps}))
    return ds


def density_evolution(
    *,
    W: object = W1,
    b: object = B1,
    tau: float = 1.0,
    activation: str = "logistic",
    T: float = 1.0,
    x0_mean: float = 1.0,
    x0_std: float = 0.5,
    n_particles: int = 400,
    h: float = 2e-3,
    t_final: float = 2.0,
    eps: float = 0.05,
    n_records: int = 5,
    n_sde: int = 20_000,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Density of a 1-neuron diffusion machine: proximal recursion vs SDE ensemble vs Gibbs.

    The recursion runs in the geodesic coordinates (cost = squared geodesic distance); its
    weights are converted to the Lebesgue density of y. The SDE ensemble (``n_sde`` paths,
    u-form Euler–Maruyama with step h/2) gives the reference moments at the same times; the
    Gibbs law is the t → ∞ limit.

    Returns
    -------
    Dataset with ``mu``, ``variance`` (source, time) for source in (proximal, sde, gibbs),
    ``free_energy`` and its standard error ``free_energy_se`` (time), ``y`` and ``density``
    (time, sample) of the recursion, ``gibbs_pdf``
    (grid), the same in the geodesic coordinate: ``u``, ``density_u`` (time, sample) and
    ``gibbs_pdf_u`` (u_grid), and ``n_iter`` (step).
    """
    net = HopfieldNetwork(W, b, tau, activation)
    if net.n_neurons != 1:
        raise ValueError(f"W: got {net.n_neurons} neurons, expected a 1-neuron network")
    temp = check_scalar(T, "T", low=0.0, low_inclusive=False)
    npart = check_int(n_particles, "n_particles", low=10)
    hv = check_scalar(h, "h", low=0.0, low_inclusive=False)
    steps = max(1, round(check_scalar(t_final, "t_final", low=0.0, low_inclusive=False) / hv))
    gen = as_generator(rng)
    x0 = gen.normal(x0_mean, x0_std, (npart, 1))
    p0 = stats.norm.pdf(x0[:, 0], x0_mean, x0_std)
    res = hopfield_proximal(net, x0, p0, temp, hv, steps, eps=eps, n_records=n_records, rng=gen,
                            progress=progress)
    y, wy = hopfield_outputs(net, res)
    sde = simulate_sde(net, gen.normal(x0_mean, x0_std, (n_sde, 1)), temp, steps * hv, hv / 2,
                       n_samples=n_sde, n_records=n_records, rng=gen)
    gibbs = gibbs_density(net, temp)
    nt = res.t.size
    mean, var, fe, fe_se = np.zeros((3, nt)), np.zeros((3, nt)), np.zeros(nt), np.zeros(nt)
    dens = np.zeros((nt, npart))
    dens_u = np.zeros((nt, npart))
    act = net.act
    for k in range(nt):
        yy = y[k, :, 0]
        rho = normalise_density_values(yy, wy[k])
        dens[k] = rho
        # the recursion's own density, in u = Φ(y): ρ_y = ρ_u √g(y) has a factor 1/√(y(1−y))
        # (logistic) that turns the entropic blur of the u-weights near the box face into a
        # spike at y → 1, so the figure shows ρ_u, which stays bounded
        dens_u[k] = normalise_density_values(res.points[k, :, 0], res.weights[k])
        mean[0, k], var[0, k] = _weighted_moments(yy, rho)
        mean[1, k], var[1, k] = sde.y[k, :, 0].mean(), sde.y[k, :, 0].var()
        fe[k], fe_se[k] = free_energy_with_error(yy, rho, net.energy(y[k]), temp)
    mean[2], var[2] = float(gibbs.mean[0]), float(gibbs.covariance[0, 0])
    grid = np.linspace(act.lower, act.upper, 201)[1:-1]
    u_lo, u_hi = act.isometry_range()
    u_grid = np.linspace(u_lo, u_hi, 201)[1:-1]
    ds = xr.Dataset(
        {"mu": (("source", "time"), mean), "variance": (("source", "time"), var),
         "free_energy": ("time", fe), "free_energy_se": ("time", fe_se),
         "free_energy_gibbs": ((), float(-temp * gibbs.log_Z)),
         "y": (("time", "sample"), y[:, :, 0]), "density": (("time", "sample"), dens),
         "gibbs_pdf": ("grid", gibbs.pdf_y(grid[:, None])), "n_iter": ("step", res.n_iter),
         "u": (("time", "sample"), res.points[:, :, 0]), "density_u": (("time", "sample"), dens_u),
         "gibbs_pdf_u": ("u_grid", gibbs.pdf_u(u_grid[:, None]))},
        coords={"source": ["proximal", "sde", "gibbs"], "time": res.t, "sample": np.arange(npart),
                "grid": grid, "u_grid": u_grid, "step": np.arange(1, steps + 1)},
    )
    annotate(ds, {"mu": ("mean of y", "1"), "variance": ("variance of y", "1"),
                "free_energy": ("free energy ∫Eρ + T∫ρ log ρ of the recursion", "1"),
                "free_energy_se": ("Monte Carlo standard error of free_energy", "1"),
                "free_energy_gibbs": ("minimum free energy −T log Z", "1"),
                "y": ("sample outputs", "1"), "density": ("Lebesgue density of y at the samples", "1"),
                "gibbs_pdf": ("Gibbs density exp(−E/T)/Z", "1"),
                "u": ("sample geodesic coordinates u = Φ(y)", "1"),
                "density_u": ("density of u = Φ(y) at the samples", "1"),
                "gibbs_pdf_u": ("Gibbs density of u, exp(−V/T)/Z", "1"),
                "u_grid": ("geodesic coordinate u = Φ(y)", "1"),
                "n_iter": ("fixed-point sweeps per step", "1"), "time": ("time", "τ")})
    ds.attrs.update(provenance_attrs("density_evolution", {
        "W": np.asarray(W).tolist(), "b": np.asarray(b).tolist(), "tau": tau, "activation": activation,
        "T": temp, "x0_mean": x0_mean, "x0_std": x0_std, "n_particles": npart, "h": hv, "n_steps": steps, "eps": eps,
        "n_sde": n_sde}))
    return ds


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of log y vs log x (NaN unless every y is finite and positive)."""
    if not (np.all(np.isfinite(y)) and np.all(y > 0)):
        return float("nan")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def proximal_convergence(
    *,
    eps: Sequence[float] = (0.2, 0.1, 0.05),
    n_particles: Sequence[int] = (100, 200, 400, 800, 1600),
    step_counts: Sequence[int] = (8, 16, 32, 64),
    a: float = 1.0,
    T: float = 1.0,
    mean0: float = 5.0,
    var0: float = 0.04,
    t_eval: float = 0.25,
    eps_particles: int = 400,
    eps_step: float = 2e-3,
    n_seeds: int = 4,
    n_seeds_cloud: int = 100,
    n_paths: int = 20_000,
    rng: RNGLike = None,
    progress: Progress = None,
) -> xr.Dataset:
    """Error of the proximal recursion on the Ornstein–Uhlenbeck law vs ε, N and h.

    The recursion's variance at ``t_eval`` differs from the closed form by three parts, each
    measured on its own with the others held fixed, and each with its observed order:

    * **entropic bias of the weights** (vs ε): the weights live on the Euler–Maruyama cloud, so
      the paired difference v_weights − v_cloud (same seed, hence the same cloud, for every ε;
      v_cloud through the same trapezoid rule, from the values of the cloud's Gaussian fit at
      the same points) isolates what the weights add; the kernel exp(−C/2ε) blurs them, a bias of order ε
      (expected order 1; ``eps_particles`` samples, step ``eps_step``, ``n_seeds`` seeds);
    * **sampling error** (vs N): RMS over ``n_seeds_cloud`` clouds of v_cloud − v_exact, against
      the closed form v√(2/(N − 1)) of a Gaussian sample variance (expected order −1/2);
    * **step error** (vs h): the samples move by Euler–Maruyama; with common Brownian paths
      (increments of a grid 16× finer than the finest step, summed), the RMS distance of the
      samples at ``t_eval`` to the exact OU transition driven by the same path (expected strong
      order 1 for additive noise), and the error of their mean (first order too).

    Parameters
    ----------
    eps : sequence of float
        Entropic regularisations of the ε study.
    n_particles : sequence of int
        Sample sizes of the N study.
    step_counts : sequence of int
        Steps to ``t_eval`` of the h study (h = t_eval / count).
    a, T, mean0, var0 : float
        dX = −aX dt + √(2T) dw from N(mean0, var0).
    t_eval : float
        Time at which errors are measured.
    eps_particles, eps_step : int, float
        Samples and step of the ε study.
    n_seeds, n_seeds_cloud : int
        Seeds of the ε study (recursions) and clouds of the N study.
    n_paths : int
        Sample paths of the h study.
    rng : Generator, int, SeedSequence or None
        Root of every seed.
    progress : callable, optional
        Called as progress(done, total) after each recursion of the ε study.

    Returns
    -------
    Dataset with ``variance_weights``, ``variance_cloud``, ``converged`` (seed, eps);
    ``weight_bias``, ``weight_bias_se`` (eps); ``sampling_error``, ``sampling_error_theory``
    (n_particles); ``step_error``, ``step_error_mean`` (step); the fitted slopes ``order_eps``,
    ``order_n``, ``order_h``, ``order_h_mean``; and ``variance_exact``. A recursion whose fixed
    point did not converge leaves NaN in its cell (and NaN orders).
    """
    epss = np.array([check_scalar(e, "eps", low=0.0, low_inclusive=False) for e in eps])
    ns = np.array([check_int(n, "n_particles", low=10) for n in n_particles])
    counts = np.array([check_int(c, "step_counts", low=1) for c in step_counts])
    if epss.size < 2 or ns.size < 2 or counts.size < 2:
        raise ValueError(f"eps, n_particles, step_counts: got {epss.size}, {ns.size}, {counts.size} "
                         "values, expected at least 2 each (an order needs two points)")
    av = check_scalar(a, "a", low=0.0, low_inclusive=False)
    temp = check_scalar(T, "T", low=0.0, low_inclusive=False)
    s0 = check_scalar(var0, "var0", low=0.0, low_inclusive=False)
    t1 = check_scalar(t_eval, "t_eval", low=0.0, low_inclusive=False)
    n_eps = check_int(eps_particles, "eps_particles", low=10)
    h_eps = check_scalar(eps_step, "eps_step", low=0.0, low_inclusive=False)
    k_eps = max(1, round(t1 / h_eps))
    h_eps = t1 / k_eps
    n_s = check_int(n_seeds, "n_seeds", low=2)
    n_c = check_int(n_seeds_cloud, "n_seeds_cloud", low=2)
    root = np.random.SeedSequence(int(as_generator(rng).integers(0, 2**63 - 1)))
    seq_eps, seq_n, seq_h = root.spawn(3)
    m_ex, v_ex = (float(z[0]) for z in ou_moments([t1], a=av, beta=1.0 / temp, mean0=mean0,
                                                  var0=s0))

    # ε study: the same seed gives the same cloud for every ε (the samples do not see ε)
    v_w = np.full((n_s, epss.size), np.nan)
    v_c = np.full((n_s, epss.size), np.nan)
    conv = np.zeros((n_s, epss.size), dtype=bool)
    seeds = seq_eps.spawn(n_s)
    total, done = n_s * epss.size, 0
    for i, sd in enumerate(seeds):
        for j, e in enumerate(epss):
            gen = np.random.default_rng(sd)
            x0 = gen.normal(mean0, np.sqrt(s0), n_eps)
            res = proximal_recursion(lambda x, _T: av * x, lambda x, _T: 0.5 * av * x[:, 0] ** 2,
                                     x0, stats.norm.pdf(x0, mean0, np.sqrt(s0)), temp, h_eps,
                                     k_eps, eps=float(e), n_records=2, rng=gen)
            pts = res.points[-1, :, 0]
            # the cloud's variance through the same trapezoid rule over the same points (a
            # Gaussian fit's values there), so the rule's truncation at the extreme samples
            # (−3.7% of the variance at N = 400) cancels in the difference
            fit = normalise_density_values(pts, stats.norm.pdf(pts, pts.mean(), pts.std()))
            v_c[i, j] = _weighted_moments(pts, fit)[1]
            conv[i, j] = res.success
            if res.success:
                v_w[i, j] = _weighted_moments(pts, normalise_density_values(pts, res.weights[-1]))[1]
            done += 1
            if progress is not None:
                progress(done, total)
    diff = v_w - v_c
    bias = diff.mean(axis=0)
    bias_se = diff.std(axis=0, ddof=1) / np.sqrt(n_s)

    # N study: clouds only, all seeds at once
    samp = np.zeros(ns.size)
    for j, (n, sd) in enumerate(zip(ns, seq_n.spawn(ns.size), strict=True)):
        gen = np.random.default_rng(sd)
        x = gen.normal(mean0, np.sqrt(s0), (n_c, n))
        for _ in range(k_eps):
            x += -av * h_eps * x + np.sqrt(2.0 * temp * h_eps) * gen.standard_normal(x.shape)
        samp[j] = float(np.sqrt(np.mean((x.var(axis=1) - v_ex) ** 2)))
    samp_th = v_ex * np.sqrt(2.0 / (ns - 1))

    # h study: Euler–Maruyama on coarse grids vs the exact transition on a 16× finer grid,
    # all driven by the same Brownian increments
    n_fine = 16 * int(counts.max())
    if np.any(n_fine % counts):
        raise ValueError(f"step_counts: got {counts.tolist()}, expected divisors of 16·max")
    dt = t1 / n_fine
    gen = np.random.default_rng(seq_h)
    n_p = check_int(n_paths, "n_paths", low=2)
    x0 = gen.normal(mean0, np.sqrt(s0), n_p)
    ref = x0.copy()
    hs = t1 / counts
    xs = [x0.copy() for _ in counts]
    incr = [np.zeros(n_p) for _ in counts]
    decay, damp = np.exp(-av * dt), np.sqrt(2.0 * temp) * np.exp(-0.5 * av * dt)
    for k in range(1, n_fine + 1):
        dw = np.sqrt(dt) * gen.standard_normal(n_p)
        # exact OU transition over dt driven by the increment dW: ∫e^{−a(dt−s)}dW_s is replaced
        # by e^{−a dt/2}ΔW (error O(dt^{3/2}) per step, 1/16 of the finest coarse step's in all)
        ref = decay * ref + damp * dw
        for j, c in enumerate(counts):
            incr[j] += dw
            if k % (n_fine // int(c)) == 0:
                xs[j] = xs[j] - av * hs[j] * xs[j] + np.sqrt(2.0 * temp) * incr[j]
                incr[j][:] = 0.0
    err = np.array([float(np.sqrt(np.mean((x - ref) ** 2))) for x in xs])
    err_m = np.array([float(abs(np.mean(x) - np.mean(ref))) for x in xs])

    ds = xr.Dataset(
        {"variance_weights": (("seed", "eps"), v_w), "variance_cloud": (("seed", "eps"), v_c),
         "converged": (("seed", "eps"), conv),
         "weight_bias": ("eps", bias), "weight_bias_se": ("eps", bias_se),
         "sampling_error": ("n_particles", samp), "sampling_error_theory": ("n_particles", samp_th),
         "step_error": ("step", err), "step_error_mean": ("step", err_m),
         "order_eps": ((), _slope(epss, bias)), "order_n": ((), _slope(ns, samp)),
         "order_h": ((), _slope(hs, err)), "order_h_mean": ((), _slope(hs, err_m)),
         "variance_exact": ((), v_ex), "mean_exact": ((), m_ex)},
        coords={"seed": np.arange(n_s), "eps": epss, "n_particles": ns, "step": hs},
    )
    annotate(ds, {
        "variance_weights": ("variance of the recursion's weights at t_eval (trapezoid)", "1"),
        "variance_cloud": ("variance of the samples' Gaussian fit at t_eval, same trapezoid rule", "1"),
        "converged": ("every fixed point of the recursion converged", "1"),
        "weight_bias": ("mean over seeds of variance_weights − variance_cloud", "1"),
        "weight_bias_se": ("standard error of weight_bias", "1"),
        "sampling_error": ("RMS over clouds of sample variance − exact variance", "1"),
        "sampling_error_theory": ("v√(2/(N − 1)): s.e. of a Gaussian sample variance", "1"),
        "step_error": ("RMS |X_h(t) − X(t)| over samples, common Brownian paths", "1"),
        "step_error_mean": ("|mean X_h(t) − mean X(t)|, common Brownian paths", "1"),
        "order_eps": ("slope of log weight_bias vs log ε (expected 1)", "1"),
        "order_n": ("slope of log sampling_error vs log N (expected −1/2)", "1"),
        "order_h": ("slope of log step_error vs log h (expected 1)", "1"),
        "order_h_mean": ("slope of log step_error_mean vs log h (expected 1)", "1"),
        "variance_exact": ("closed-form OU variance at t_eval", "1"),
        "mean_exact": ("closed-form OU mean at t_eval", "1"),
        "eps": ("entropic regularisation ε", "1"), "n_particles": ("samples N", "1"),
        "step": ("time step h", "1")})
    ds.attrs.update(provenance_attrs("proximal_convergence", {
        "eps": epss.tolist(), "n_particles": ns.tolist(), "step_counts": counts.tolist(), "a": av,
        "T": temp, "mean0": mean0, "var0": s0, "t_eval": t1, "eps_particles": n_eps,
        "eps_step": h_eps, "n_seeds": n_s, "n_seeds_cloud": n_c, "n_paths": n_p}))
    return ds
