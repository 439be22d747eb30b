"""Scaled dot-product regime λ = β/√N: thresholds on the scale log P = a√N merge at a = βρ."""

import math

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from hopfieldlab.dynamics.retrieval import target_weight
from hopfieldlab.experiments.capacity import attention_regime
from hopfieldlab.plotting.capacity import plot_attention_regime
from hopfieldlab.theory.dense import alpha_1, attention_log_capacity, attention_threshold


@pytest.mark.parametrize("beta,rho", [(0.5, 1.0), (2.0, 1.0), (1.5, 0.6)])
@pytest.mark.parametrize("n", [16, 100, 10_000])
def test_closed_form_is_gaussian_rem_threshold(beta, rho, n):
    # λ = β/√N <= ρ: N α₁^G(λ, ρ) = N(ρλ − λ²/2) = βρ√N − β²/2 exactly
    lam = beta / math.sqrt(n)
    assert lam <= rho
    assert attention_log_capacity(beta, n, rho) == pytest.approx(n * alpha_1(lam, "gaussian", rho), rel=1e-12)


@pytest.mark.parametrize("ens", ["spherical", "binary"])
def test_other_ensembles_converge_to_closed_form_as_inverse_sqrt_n(ens):
    beta = 1.5
    gaps = []
    for n in (100, 400, 1600, 6400):
        gaps.append(n * alpha_1(beta / math.sqrt(n), ens) - attention_log_capacity(beta, n))
    gaps = np.abs(gaps)
    assert gaps[-1] < 0.02
    # the λ³ terms cancel (α₁ = λ − λ²/2 + O(λ⁴)): gap O(β⁴/N), each 4x in N quarters it
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], 0.25, rtol=0.05)


def test_limit_a1_equals_beta_rho_and_dataset():
    betas = [0.25, 1.0, 3.0]
    ds = attention_regime(betas, n_values=(64, 4096, 10**6), rho=0.8)
    np.testing.assert_allclose(ds.a_limit.values, 0.8 * np.array(betas))
    assert attention_threshold(2.0, 0.5) == 1.0
    big = ds.a_1.sel(N=10**6)
    for ens in ds.ensemble.values:
        np.testing.assert_allclose(big.sel(ensemble=ens).values, ds.a_limit.values, atol=5e-3)
        # below the limit at finite N, approaching it monotonically
        assert np.all(np.diff(ds.a_1.sel(ensemble=ens).values, axis=0) > 0)
    assert ds.a_1.attrs["units"] and ds.a_1.attrs["long_name"]
    fig = plot_attention_regime(ds, "gaussian")
    assert fig.axes[0].get_xlabel().startswith("attention")


def test_bad_inputs():
    with pytest.raises(ValueError, match="beta"):
        attention_threshold(0.0)
    with pytest.raises(ValueError, match="n_neurons"):
        attention_log_capacity(1.0, 0)
    with pytest.raises(ValueError, match="rho"):
        attention_threshold(1.0, rho=1.5)


def _success(log_p, n, beta, trials, rng):
    p = round(math.exp(log_p))
    ok = 0
    for _ in range(trials):
        xi = rng.standard_normal((p, n))
        xi *= math.sqrt(n) / np.linalg.norm(xi, axis=1, keepdims=True)  # spherical
        ok += target_weight(xi, xi[0], beta / math.sqrt(n), 0) > 0.5
    return ok / trials


def test_finite_n_simulation_straddles_threshold():
    # N = 64, β = 1: log P_max = 8 − 0.5 = 7.5; spherical patterns, one-step weight criterion
    n, beta = 64, 1.0
    lp = attention_log_capacity(beta, n)
    rng = np.random.default_rng(7)
    below = _success(lp - 2.5, n, beta, 40, rng)
    above = _success(lp + 2.5, n, beta, 40, rng)
    assert below > 0.8 and above < 0.2, (below, above)
