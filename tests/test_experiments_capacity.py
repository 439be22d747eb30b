"""Capacity experiments: theory Datasets, finite-N retrieval vs α₁, basins vs ρ_min, fast kernels."""

import math

import numba
import numpy as np
import pytest
from scipy.special import softmax

from hopfieldlab.experiments.capacity import (
    basin_curves,
    basin_theory,
    condensation_line,
    crossing_estimate,
    phase_diagram,
    retrieval_point,
    retrieval_vs_alpha,
)
from hopfieldlab.models.lse import softmax_stats
from hopfieldlab.patterns import PatternBank, gaussian


@pytest.mark.parametrize("kernel", ["fused", "blas"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kernels_equal_unchunked_softmax(kernel, dtype):
    xi = gaussian(20_000, 16, rng=1, dtype=dtype)  # several segments
    x = gaussian(5, 16, rng=2, dtype=dtype) * 0.5
    ref = softmax(0.7 * (x.astype(np.float64) @ xi.T.astype(np.float64)), axis=1) @ xi.astype(np.float64)
    st = softmax_stats(xi, x, 0.7, kernel=kernel)
    tol = 2e-4 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(st.mean, ref, rtol=0, atol=tol)
    s = x.astype(np.float64) @ xi.T.astype(np.float64)
    np.testing.assert_array_equal(st.argmax, s.argmax(axis=1))


@pytest.mark.parametrize("kernel", ["fused", "blas"])
def test_result_independent_of_thread_count(kernel):
    xi = gaussian(30_000, 12, rng=3, dtype="float32")
    x = gaussian(4, 12, rng=4, dtype="float32")
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = softmax_stats(xi, x, 1.3, kernel=kernel, threads=1)
        numba.set_num_threads(before)
        many = softmax_stats(xi, x, 1.3, kernel=kernel, threads=max(2, before))
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.mean, many.mean)  # bit-identical: fixed segments, ordered merge
    np.testing.assert_array_equal(one.log_partition, many.log_partition)


@pytest.mark.parametrize("kernel", ["fused", "blas"])
def test_non_finite_pattern_is_rejected(kernel):
    xi = gaussian(100, 8, rng=5)
    xi[37, 3] = np.nan
    with pytest.raises(ValueError, match="patterns"):
        softmax_stats(xi, gaussian(3, 8, rng=6), 1.0, kernel=kernel)


def test_bank_rows_match_patterns():
    bank = PatternBank("spherical", 500, 6, seed=2, chunk=64)
    idx = np.array([499, 0, 130, 130, 64])
    np.testing.assert_array_equal(bank.rows(idx), np.stack([bank.pattern(int(i)) for i in idx]))


def test_phase_diagram_limits_and_orderings():
    ds = phase_diagram([0.01, 0.5, 1.0, 2.0, 50.0, math.inf])
    g, s = ds.sel(ensemble="gaussian"), ds.sel(ensemble="spherical")
    assert float(g.alpha_1.sel(lam=math.inf)) == pytest.approx(0.5)
    assert float(g.alpha_c.sel(lam=math.inf)) == pytest.approx(math.log(2) / 4)
    assert math.isinf(float(s.alpha_1.sel(lam=math.inf)))
    np.testing.assert_allclose(s.alpha_c.values, s.alpha_1.values)  # spherical: no gap
    assert np.all(g.alpha_c.values <= g.alpha_1.values + 1e-15)  # Gaussian: gap
    # small λ: both ≈ λ − λ²/2
    for ens in ("gaussian", "spherical"):
        assert float(ds.alpha_1.sel(ensemble=ens, lam=0.01)) == pytest.approx(0.01 - 0.5e-4, rel=1e-3)
    assert ds.alpha_1.attrs["long_name"] and "parameters" in ds.attrs


def test_condensation_line_and_basin_theory():
    cl = condensation_line([0.0, 0.1, 0.3, 0.6], rhos=(1.0,))
    np.testing.assert_allclose(cl.lambda_star.sel(rho=1.0).values[:3], 1 - np.sqrt(1 - 2 * np.array([0, .1, .3])))
    assert np.isnan(float(cl.lambda_star.sel(rho=1.0, alpha=0.6)))
    bt = basin_theory([2.0], [0.1, 0.2], ensembles=("gaussian",))
    np.testing.assert_allclose(bt.rho_min.sel(ensemble="gaussian", lam=2.0).values, np.sqrt([0.2, 0.4]))


def test_finite_n_curves_cross_near_alpha_1():
    ds = retrieval_vs_alpha([0.8, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1, 1.3], [16, 24], lam=0.3,
                            n_trials=200, rng=11)
    p = ds.p_retrieval.sel(rho=1.0)
    assert np.all(p.sel(alpha=ds.alpha[0]).values > 0.9)  # well below α₁
    assert np.all(p.sel(alpha=ds.alpha[-1]).values < 0.1)  # well above α₁
    # every point against the finite-N theory: binomial 4σ (floor 1/n) plus 0.02 for the
    # log-normal approximation (its error at N = 16 is < 0.01 against exact sampling)
    sigma = np.sqrt(np.maximum(ds.p_theory * (1 - ds.p_theory), 1 / 200) / 200)
    assert float(np.max(np.abs(ds.p_retrieval - ds.p_theory) - 4 * sigma)) < 0.02
    est = crossing_estimate(ds)
    # α_{1/2}(N) against the finite-N theory, and within 5% of α₁ already at N = 16 (spec §4.1)
    np.testing.assert_allclose(est.alpha_half.values, float(est.alpha_1_theory), rtol=0.05)
    dev = np.abs(est.alpha_half - est.alpha_half_theory) / est.alpha_half_err
    assert np.all(dev.values < 3.5), dev.values
    sigma_a1 = float(est.alpha_1_estimate_err)
    assert 0 < sigma_a1 < 0.03 * float(est.alpha_1_theory)
    assert abs(float(est.alpha_1_estimate) - float(est.alpha_1_theory)) < 3 * sigma_a1
    assert np.all(ds.p_err.values <= 0.5 / math.sqrt(200) + 1e-12)


def test_probit_crossing_recovers_a_known_curve():
    """Counts drawn from Φ((a − α)/w): the fit finds a within its error, in most repetitions."""
    from scipy.special import ndtr

    from hopfieldlab.experiments.capacity import _half_crossing_err

    alphas = np.linspace(0.2, 0.3, 11)
    a, w, n = 0.2537, 0.012, 300
    gen = np.random.default_rng(2)
    pulls = []
    for _ in range(200):
        p = gen.binomial(n, ndtr((a - alphas) / w)) / n
        est, err = _half_crossing_err(alphas, p, n)
        pulls.append((est - a) / err)
    pulls = np.array(pulls)
    assert abs(pulls.mean()) < 0.25 and 0.8 < pulls.std() < 1.25
    # a step sharper than the grid: only the interval between the neighbours is known
    est, err = _half_crossing_err(alphas, (alphas < 0.2537).astype(float), n)
    assert est == pytest.approx(0.255) and err == pytest.approx(0.01 / math.sqrt(12))


def test_retrieval_point_reproducible_and_noisy_cue_threshold():
    a = retrieval_point("spherical", 20, 0.15, 0.5, rho=0.8, n_trials=60, rng=4)
    b = retrieval_point("spherical", 20, 0.15, 0.5, rho=0.8, n_trials=60, rng=4)
    assert a.p_retrieval == b.p_retrieval and a.n_patterns == round(math.exp(3.0))
    from hopfieldlab.theory.dense import alpha_1
    a1 = alpha_1(0.5, "spherical", rho=0.8)  # ≈ 0.22 at ρ = 0.8
    lo = retrieval_point("spherical", 24, 0.6 * a1, 0.5, rho=0.8, n_trials=60, rng=5)
    hi = retrieval_point("spherical", 24, 1.5 * a1, 0.5, rho=0.8, n_trials=60, rng=5)
    assert lo.p_retrieval > 0.8 and hi.p_retrieval < 0.2


def test_basin_edge_tracks_rho_min():
    ds = basin_curves([0.3, 0.5, 0.7, 0.9], [0.2], n_neurons=28, lam=1.0, n_trials=40, rng=3)
    r = float(ds.rho_min_theory.sel(alpha=0.2))  # ≈ 0.58
    p = ds.p_retrieval.sel(alpha=0.2)
    assert float(p.sel(rho=0.3)) < 0.2 and float(p.sel(rho=0.9)) > 0.8
    assert 0.5 < r < 0.7
    assert float(ds.final_overlap.sel(alpha=0.2, rho=0.9)) > 0.95  # retrieved: carried to ≈ 1


@pytest.mark.parametrize("call, name", [
    (lambda: retrieval_vs_alpha([1.0], [16], lam=-1.0), "lam"),
    (lambda: retrieval_vs_alpha([-0.5], [16]), "alpha_over_alpha1"),
    (lambda: retrieval_vs_alpha([1.0], [16], ensemble="ising"), "ensemble"),
    (lambda: retrieval_vs_alpha([1.0], [16], rhos=[1.5]), "rhos"),
    (lambda: retrieval_point("spherical", 60, 0.5, 1.0), "alpha"),  # P = e^30: too large
    (lambda: phase_diagram([0.0]), "lams"),
    (lambda: softmax_stats(gaussian(5, 3, rng=1), gaussian(2, 3, rng=1), 1.0, kernel="gpu"), "kernel"),
])
def test_bad_inputs_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_report_sizes_respect_the_pattern_cap():
    """Every report size must be runnable: P = e^{ratio·α₁·N} stays below the experiment's cap."""
    import math

    from hopfieldlab.experiments.capacity import MAX_PATTERNS
    from hopfieldlab.report.capacity import LAM, SIZES, basin_params
    from hopfieldlab.theory.dense import alpha_1

    a1 = alpha_1(LAM, "spherical")
    for name, cfg in SIZES.items():
        p = round(math.exp(max(cfg["ratios"]) * a1 * max(cfg["N"])))
        assert p <= MAX_PATTERNS, f"size {name!r} asks for P = {p:.3g}"
        basin = basin_params(name, seed=0)
        p = round(math.exp(max(basin["alphas"]) * basin["N"]))
        assert p <= MAX_PATTERNS, f"size {name!r}: the basins ask for P = {p:.3g}"
