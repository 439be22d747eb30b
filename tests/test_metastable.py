"""Ramsauer's metastable states: pitchfork closed form, stability edges, the metastable window."""

import math

import matplotlib
import numpy as np
import pytest
from numpy.testing import assert_allclose

matplotlib.use("Agg")

from hopfieldlab.experiments.metastable import (
    KINDS,
    clustered_patterns,
    global_critical_beta,
    metastable_diagram,
    pitchfork_amplitude,
    pitchfork_diagram,
    separation_condition,
    stability_edge,
    within_critical_beta,
)
from hopfieldlab.models.attention import attention, iterate_retrieval
from hopfieldlab.plotting.metastable import plot_metastable_diagram, plot_pitchfork


def test_pitchfork_amplitude_inverts_the_closed_form():
    # s = tanh(g s) has the explicit inverse g = atanh(s)/s
    s = np.array([1e-3, 0.05, 0.3, 0.7, 0.95, 0.999])
    # atol: near g = 1, s* ≈ √(3(g − 1)) amplifies the rounding of g by 3/(2s) (2e-13 at s = 1e-3)
    assert_allclose(pitchfork_amplitude(np.arctanh(s) / s), s, rtol=1e-12, atol=1e-12)
    assert_allclose(pitchfork_amplitude([0.0, 0.3, 1.0]), 0.0, atol=0)
    # near the bifurcation s* ≈ √(3(g − 1))
    assert pitchfork_amplitude(1.0 + 1e-6) == pytest.approx(math.sqrt(3e-6), rel=1e-5)


def test_two_patterns_iterate_to_the_pitchfork_roots(rng):
    d, norm = 5, 1.7
    e1 = rng.normal(size=d)
    e1 /= np.linalg.norm(e1)
    x = np.stack([norm * e1, -norm * e1])
    assert global_critical_beta(x) == pytest.approx(1.0 / norm**2, rel=1e-12)  # = 4/|x1 - x2|^2
    starts = 3.0 * rng.normal(size=(6, d))
    sign = np.sign(starts @ e1)
    for s_star in (0.3, 0.7, 0.95):
        beta = math.atanh(s_star) / s_star / norm**2
        res = iterate_retrieval(x, starts, beta, max_iter=20_000, tol=1e-13)
        assert res.converged
        assert_allclose(res.xi, np.outer(sign * s_star * norm, e1), atol=1e-8)
    for g in (0.3, 0.9):  # below β_c every start falls to the global average 0
        res = iterate_retrieval(x, starts, g / norm**2, max_iter=20_000, tol=1e-13)
        assert np.max(np.abs(res.xi)) < 1e-8
        assert all(r.kind == "global" for r in res.reports)


def test_pitchfork_dataset_matches_theory():
    ds = pitchfork_diagram([0.3, 0.8, 1.2, 2.0, 40.0], norm=0.5, dim=4, n_starts=4, rng=3)
    assert float(ds.beta_c) == pytest.approx(4.0)
    assert float(ds.abs_error.max()) < 1e-8 and float(ds.orthogonal.max()) < 1e-12
    assert bool(ds.converged.all())
    assert_allclose(ds.s.sel(beta=[0.3, 0.8]), 0.0, atol=1e-8)
    assert np.all(np.abs(ds.s.sel(beta=40.0)) > 0.99)
    plot_pitchfork(ds)


def _numerical_jacobian(x, xi, beta, h=1e-6):
    d = x.shape[1]
    jac = np.empty((d, d))
    for k in range(d):
        e = np.zeros(d)
        e[k] = h
        jac[:, k] = (attention(xi + e, x, beta=beta) - attention(xi - e, x, beta=beta)) / (2 * h)
    return jac


def test_global_edge_from_jacobian_equals_loss_of_stability(rng):
    x = rng.normal(size=(7, 4)) * [1.0, 0.8, 0.5, 0.3]
    x -= x.mean(axis=0)
    bc = global_critical_beta(x)
    # Jacobian at ξ = 0 is β Σ with Σ the population covariance
    jac = _numerical_jacobian(x, np.zeros(4), 0.7 * bc)
    assert_allclose(jac, 0.7 * bc * x.T @ x / len(x), atol=1e-8)
    edge = stability_edge(x, np.zeros(4), 0.5 * bc, 2.0 * bc, rtol=1e-3, rng=1)
    assert edge.bracketed and edge.lower <= bc * (1 + 1e-4) and edge.upper >= bc * (1 - 1e-4)
    assert edge.upper / edge.lower - 1 <= 1e-3
    # direct look on either side: a small push dies at 0.97 β_c and grows at 1.03 β_c
    push = 1e-5 * rng.normal(size=(4, 4))
    assert np.max(np.abs(iterate_retrieval(x, push, 0.97 * bc, max_iter=3000).xi)) < 1e-8
    assert np.min(np.linalg.norm(iterate_retrieval(x, push, 1.03 * bc, max_iter=3000).xi, axis=1)) > 1e-2
    # an interval that does not contain the edge is reported, not bisected
    assert not stability_edge(x, np.zeros(4), 0.2 * bc, 0.5 * bc, rng=1).bracketed


def test_clustered_patterns_are_exactly_structured():
    x, labels, centres = clustered_patterns(3, 4, 16, 0.3, rng=5)
    assert x.shape == (12, 16) and np.all(np.bincount(labels) == 4)
    assert_allclose(x.mean(axis=0), 0.0, atol=1e-14)
    assert_allclose(np.linalg.norm(centres, axis=1), 1.0, rtol=1e-12)
    assert_allclose(centres @ centres.T, 1.5 * np.eye(3) - 0.5, atol=1e-12)  # simplex, -1/(k-1)
    for j in range(3):
        u = x[labels == j] - centres[j]
        assert_allclose(u.mean(axis=0), 0.0, atol=1e-14)
        assert_allclose(u @ centres.T, 0.0, atol=1e-12)  # offsets orthogonal to every centre
    # between-cluster covariance: the simplex gives λ_max = 1/(k-1)
    assert global_critical_beta(x) == pytest.approx(2.0, rel=1e-12)
    assert np.all(within_critical_beta(x, labels) > 10)


def test_two_cluster_diagram_matches_theory():
    betas = [0.5, 0.9, 1.1, 6.0, 12.0, 600.0, 2000.0]
    ds = metastable_diagram(betas, per_cluster=4, n_starts=8, rng=11)
    bc, bw = float(ds.beta_c_global), ds.beta_c_within.values
    assert bc == pytest.approx(1.0, rel=1e-12) and np.all(bw > 20 * bc)
    frac = ds.fraction.sel(kind="global")
    assert np.all(frac.sel(beta=[0.5, 0.9]) == 1) and np.all(frac.sel(beta=[1.1, 6.0]) == 0)
    # the edges seen in the dynamics agree with the Jacobian ones to the bisection resolution
    assert float(ds.beta_c_global_observed) == pytest.approx(bc, rel=2e-3)
    assert_allclose(ds.beta_c_within_observed, bw, rtol=2e-3)
    # metastable window: each start stops at the mean of its own cluster (uniform weights on 4)
    for b in (6.0, 12.0):
        pt = ds.sel(beta=b)
        assert float(pt.fraction.sel(kind="metastable")) == 1.0
        assert float(pt.own_cluster_fraction) == 1.0
        assert float(pt.participation) == pytest.approx(4.0, abs=1e-3)  # leakage ~ 4 e^(-2β)
    # large β: separation condition holds, every start retrieves its own pattern within the bound
    for b in (600.0, 2000.0):
        pt = ds.sel(beta=b)
        assert bool(pt.separated) and float(pt.own_pattern_fraction) == 1.0
        assert float(pt.bound_ratio) <= 1.0
    assert not bool(ds.separated.sel(beta=12.0))
    assert_allclose(ds.fraction.sum("kind"), 1.0)
    assert list(ds.kind.values) == list(KINDS) and "parameters" in ds.attrs
    plot_metastable_diagram(ds)


def test_three_clusters_leave_the_global_state_early_but_its_edge_stays():
    # k = 3: first-order (Potts-like) transition, so starts near patterns leave ξ = 0 below β_c,
    # while a small push off ξ = 0 still only grows past 1/λ_max(Σ) = 2
    ds = metastable_diagram([1.94, 2.06], n_clusters=3, per_cluster=3, dim=16, n_starts=6, rng=2)
    assert float(ds.beta_c_global) == pytest.approx(2.0, rel=1e-12)
    assert float(ds.fraction.sel(beta=1.94, kind="global")) == 0.0
    assert float(ds.beta_c_global_observed) == pytest.approx(2.0, rel=2e-3)


def test_same_seed_same_numbers():
    kw = dict(n_starts=4, per_cluster=3, dim=12, rng=7)
    a, b = metastable_diagram([0.5, 5.0], **kw), metastable_diagram([0.5, 5.0], **kw)
    for v in ("fraction", "participation", "beta_c_within", "beta_c_within_observed"):
        assert_allclose(a[v], b[v], rtol=0, atol=0)
    c = metastable_diagram([0.5, 5.0], **{**kw, "rng": 8})
    assert not np.allclose(a.beta_c_within, c.beta_c_within)
    g1, g2 = np.random.default_rng(4), np.random.default_rng(4)
    assert_allclose(clustered_patterns(2, 3, 8, 0.2, rng=g1)[0], clustered_patterns(2, 3, 8, 0.2, rng=g2)[0])


@pytest.mark.parametrize("kwargs,match", [
    (dict(betas=[1.0, 0.0]), "betas"),
    (dict(betas=[-1.0]), "betas"),
    (dict(betas=[float("nan")]), "betas"),
    (dict(betas=[[1.0, 2.0]]), "betas"),
    (dict(betas=[]), "betas"),
    (dict(betas=[1.0], n_clusters=0), "n_clusters"),
    (dict(betas=[1.0], per_cluster=1), "per_cluster"),
    (dict(betas=[1.0], n_clusters=4, dim=4), "dim"),
    (dict(betas=[1.0], spread=0.0), "spread"),
    (dict(betas=[1.0], noise=-0.1), "noise"),
    (dict(betas=[1.0], n_starts=0), "n_starts"),
    (dict(betas=[1.0], mass_tol=1.0), "mass_tol"),
    (dict(betas=[1.0], state_tol=0.0), "state_tol"),
])
def test_diagram_validation(kwargs, match):
    betas = kwargs.pop("betas")
    with pytest.raises(ValueError, match=match):
        metastable_diagram(betas, rng=0, **kwargs)


def test_other_validation():
    x = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match="centred"):
        global_critical_beta(x)
    with pytest.raises(ValueError, match="patterns"):
        global_critical_beta(np.ones(3))
    with pytest.raises(ValueError, match="patterns"):
        global_critical_beta([[np.nan, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="labels"):
        within_critical_beta(x, [0, 1])
    xc = x - x.mean(axis=0)
    with pytest.raises(ValueError, match="beta_hi"):
        stability_edge(xc, np.zeros(2), 2.0, 1.0)
    with pytest.raises(ValueError, match="centre"):
        stability_edge(xc, np.zeros(3), 1.0, 2.0)
    with pytest.raises(ValueError, match="eps"):
        stability_edge(xc, np.zeros(2), 1.0, 2.0, eps=0.5)
    with pytest.raises(ValueError, match="beta"):
        separation_condition(xc, 0.0)
    with pytest.raises(ValueError, match="gain"):
        pitchfork_amplitude(-1.0)
    with pytest.raises(ValueError, match="norm"):
        pitchfork_diagram([1.0], norm=0.0)
    with pytest.raises(ValueError, match="betas"):
        pitchfork_diagram([1.0, float("nan")])


def test_report_part_tiny(tmp_path):
    from hopfieldlab.report._html import Section
    from hopfieldlab.report.family import SIZES, _metastable_part

    sec = Section("x", "x", "")
    _metastable_part(sec, SIZES["tiny"], 3, tmp_path / "cache", tmp_path / "figures", lambda name: None)
    assert len(sec.checks) >= 6 and all(c.ok for c in sec.checks), [c for c in sec.checks if not c.ok]
    for stem, _ in sec.figures:
        assert (tmp_path / "figures" / f"{stem}.png").exists()
    assert len(sec.provenance) == 2
