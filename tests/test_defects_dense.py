"""Dense associative memories: thresholds at extreme λ, and the paper's (plain) softmax dynamics.

References are independent of the library's formulas: mpmath at hundreds of digits for the
direct (cancelling) expressions, the large-λ series derived by hand, and a plain NumPy softmax
update written out here.
"""

import json
import math

import mpmath as mp
import numpy as np
import pytest
from typer.testing import CliRunner

from hopfieldlab.cli.main import app
from hopfieldlab.theory import dense
from hopfieldlab.theory.dense_finite import one_step_threshold

FMAX = float(np.finfo(float).max)
HUGE = [1e8, 1e15, 1e16, 1e20, 1e100, 1e154, 1e155, 1e200, 1e300, 1e308, FMAX]


def _sph_alpha1_direct_mp(lam: float) -> mp.mpf:
    """λ(1 − m*) − ½ log(m*/λ), m* = 2λ/(1 + √(1 + 4λ²)), at enough digits to survive 1 − m* ≈ 1/(2λ)."""
    with mp.workdps(700):
        L = mp.mpf(lam)
        ms = 2 * L / (1 + mp.sqrt(1 + 4 * L * L))
        return L * (1 - ms) - mp.log(ms / L) / 2


def _sph_alpha1_series(lam: float) -> float:
    """Large-λ expansion: with u = 1/(2λ), m* = √(1+u²) − u = e^{−asinh u} and λ(1 − m*) = m*/(1 + m*),
    so α₁ = ½ log λ + ½ asinh u + 1/(1 + e^{asinh u}) = ½ + ½ log λ + u/4 − u³/48 + O(u⁵)."""
    u = 0.5 / lam
    return 0.5 + 0.5 * math.log(lam) + u / 4 - u**3 / 48


@pytest.mark.parametrize("lam", [1e-3, 0.3, 1.0, 7.0, 1e4] + HUGE)
def test_spherical_alpha_1_matches_high_precision_direct_formula(lam):
    ref = float(_sph_alpha1_direct_mp(lam))
    assert math.isfinite(dense.alpha_1(lam))
    assert dense.alpha_1(lam) == pytest.approx(ref, rel=1e-14)
    assert dense.alpha_c(lam) == pytest.approx(ref, rel=1e-14)  # spherical: α_c = α₁


@pytest.mark.parametrize("lam", [1e4, 1e6] + HUGE)
def test_spherical_alpha_1_large_lambda_series(lam):
    # the series and the mpmath direct formula agree where both are exact (overlapping range)
    assert float(_sph_alpha1_direct_mp(lam)) == pytest.approx(_sph_alpha1_series(lam), rel=1e-15)
    assert dense.alpha_1(lam) == pytest.approx(_sph_alpha1_series(lam), rel=1e-14)


def test_spherical_alpha_1_value_at_1e16():
    # ½ + ½ log(1e16) = 18.9207: the old code returned inf (m* rounded to 1)
    assert dense.alpha_1(1e16) == pytest.approx(0.5 + 8 * math.log(10), rel=1e-14)


@pytest.mark.parametrize("lam", [1e-300, 1e-8, 0.5, 2.0] + HUGE)
def test_spherical_tilt_is_the_root(lam):
    ms = dense.tilted_overlap(lam, "spherical")
    with mp.workdps(700):
        L = mp.mpf(lam)
        ref = 2 * L / (1 + mp.sqrt(1 + 4 * L * L))
    assert ms == pytest.approx(float(ref), rel=1e-15)  # the old code gave 0 or NaN above 1e154


@pytest.mark.parametrize("lam", [1e16, 1e100, 1e300, FMAX])
def test_binary_thresholds_at_large_lambda(lam):
    # I(m*) = λ tanh λ − log cosh λ → log 2; α = 0.1 < log 2 is condensed, so Φ = λ m_max(α)
    with mp.workdps(700):
        L = mp.mpf(lam)
        rate = float(L * mp.tanh(L) - mp.log(mp.cosh(L)))
    assert rate == pytest.approx(math.log(2), rel=1e-15)
    m_max = dense.max_overlap(0.1, "binary")
    assert dense.rho_min(0.1, lam, "binary") == pytest.approx(m_max, rel=1e-14)  # old: NaN
    assert dense.rem_free_entropy(0.1, lam, "binary") == pytest.approx(lam * m_max, rel=1e-14)
    assert dense.alpha_1(lam, "binary") == pytest.approx(math.log(2), rel=1e-15)


@pytest.mark.parametrize("lam", np.geomspace(1e-300, 0.69, 25).tolist() + [5e-324, 1e-17, 0.5])
def test_gaussian_alpha_c_small_lambda_against_mpmath_lambertw(lam):
    with mp.workdps(60):
        L = mp.mpf(lam)
        c = (1 - L) ** 2
        ref = min(-(L - L * L / 2) * mp.lambertw(-c / mp.e).real / c, mp.log(2) / 4)
    got = dense.alpha_c(lam, "gaussian")
    assert got == pytest.approx(float(ref), rel=1e-13)  # the old code gave NaN below λ ≈ 1e-16


@pytest.mark.parametrize("ens", ["spherical", "gaussian", "binary"])
@pytest.mark.parametrize("lam", [1e-300, 1e-17] + HUGE)
def test_thresholds_finite_at_extreme_lambda(ens, lam):
    assert math.isfinite(dense.alpha_1(lam, ens))
    assert math.isfinite(dense.alpha_c(lam, ens))
    assert math.isfinite(dense.alpha_1(lam, ens, rho=0.8))
    for alpha in (0.05, 0.3, 5.0):
        if ens == "gaussian" and alpha == 5.0 and lam >= 1e308:  # Φ = λ√(2α) > float max
            with pytest.raises(ValueError, match="lam"):
                dense.rem_free_entropy(alpha, lam, ens)
        else:
            assert math.isfinite(dense.rem_free_entropy(alpha, lam, ens))
    # ρ_min at large λ: the noise condenses (α < I(m*)), so the basin is the geometric m_max(α)
    if lam >= 1e8 and ens != "gaussian":
        assert dense.rho_min(0.3, lam, ens) == pytest.approx(dense.max_overlap(0.3, ens), rel=1e-12)
    if lam >= 1e8 and ens == "gaussian":
        assert dense.rho_min(0.3, lam, ens) == pytest.approx(math.sqrt(0.6), rel=1e-12)  # λ² >= 2α


def test_lambda_1_inverts_alpha_1_at_large_load():
    res = dense.lambda_1(300.0, "spherical", lam_max=FMAX)
    assert res.converged
    assert dense.alpha_1(res.value) == pytest.approx(300.0, rel=1e-12)
    assert res.value == pytest.approx(math.exp(2 * (300.0 - 0.5)), rel=1e-10)  # series, 1/(8λ) negligible


def test_attention_log_capacity_overflow_is_a_value_error():
    assert dense.attention_log_capacity(1e150, 4) == pytest.approx(-0.5e300, rel=1e-12)
    with pytest.raises(ValueError, match="beta"):
        dense.attention_log_capacity(1e200, 4)


def test_finite_n_threshold_at_large_lambda_against_mpmath():
    # log-normal law of the one-step criterion, written directly with the Bessel moments at 60 digits
    lam, n = 1e20, 20
    res = one_step_threshold(lam, n)
    assert res.converged and math.isfinite(res.alpha_half)  # old: NaN (bracket at α₁ = inf)
    with mp.workdps(60):
        nu, t = mp.mpf(n) / 2 - 1, mp.mpf(lam) * n

        def log_m(tt):
            return mp.loggamma(mp.mpf(n) / 2) + (1 - mp.mpf(n) / 2) * mp.log(tt / 2) + mp.log(mp.besseli(nu, tt))

        m1, m2 = log_m(t), log_m(2 * t)

        def gap(a):
            rest = mp.log(mp.exp(a * n) - 1)
            v = mp.log(1 + (mp.exp(m2 - 2 * m1) - 1) / mp.exp(rest))
            return t - (rest + m1 - v / 2)  # P(retrieval) = Φ(gap/√v) = 1/2

        ref = mp.findroot(gap, 22.4)
    assert res.alpha_half == pytest.approx(float(ref), rel=1e-10)


@pytest.mark.parametrize("lam", ["1e20", "1e308"])
def test_cli_capacity_prints_finite_thresholds(lam):
    out = CliRunner().invoke(app, ["capacity", "--lam", lam, "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["alpha_1"] == pytest.approx(_sph_alpha1_series(float(lam)), rel=1e-14)
    assert payload["alpha_c"] == payload["alpha_1"]


# --- retrieval dynamics: the default is the paper's plain softmax update --------------------------

def _plain_updates(xi: np.ndarray, x: np.ndarray, lam: float, k: int) -> np.ndarray:
    """k plain updates x ← Σ_μ ξ^μ softmax_μ(λ ξ^μ·x), written out with NumPy (no library code)."""
    for _ in range(k):
        s = lam * (xi @ x)
        w = np.exp(s - s.max())
        x = (w / w.sum()) @ xi
    return x


@pytest.mark.parametrize("k", [1, 2, 5])
def test_default_retrieve_on_spherical_bank_is_the_plain_update(k):
    from hopfieldlab.dynamics import retrieve, softmax_update
    from hopfieldlab.patterns import PatternBank

    n, lam = 12, 0.7
    bank = PatternBank("spherical", 40, n, seed=5, chunk=16, dtype="float64")
    xi = bank.to_array()
    x0 = np.random.default_rng(1).standard_normal(n)
    x0 *= math.sqrt(n) / np.linalg.norm(x0)  # a cue on the sphere |x|² = N
    ref = _plain_updates(xi, x0, lam, k)
    res = retrieve(bank, x0, lam, max_iter=k, tol=0.0)  # exactly k updates
    assert res.n_iter == k
    np.testing.assert_allclose(res.x, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(softmax_update(bank, x0, lam), _plain_updates(xi, x0, lam, 1),
                               rtol=0, atol=1e-12)
    # a softmax average of distinct points of the sphere lies strictly inside it: not forced to √N
    assert np.linalg.norm(res.x) < 0.9 * math.sqrt(n)


def test_project_to_sphere_is_the_rescaled_variant():
    from hopfieldlab.dynamics import retrieve
    from hopfieldlab.dynamics.retrieval import update_rule
    from hopfieldlab.patterns import PatternBank

    n, lam = 12, 0.7
    bank = PatternBank("spherical", 40, n, seed=5, chunk=16, dtype="float64")
    xi = bank.to_array()
    x = np.random.default_rng(1).standard_normal(n)
    x *= math.sqrt(n) / np.linalg.norm(x)
    res = retrieve(bank, x, lam, max_iter=3, tol=0.0, project_to_sphere=True)
    for _ in range(3):
        x = _plain_updates(xi, x, lam, 1)
        x *= math.sqrt(n) / np.linalg.norm(x)
    np.testing.assert_allclose(res.x, x, rtol=0, atol=1e-12)
    assert np.linalg.norm(res.x) == pytest.approx(math.sqrt(n), rel=1e-12)
    assert "sphere" in update_rule(True) and "plain" in update_rule(False)
    with pytest.raises(ValueError, match="project_to_sphere"):
        retrieve(bank, x, lam, project_to_sphere="sphere")


def test_plain_default_never_raises_the_ramsauer_energy_on_a_spherical_bank():
    # the plain update is the CCCP step on E = -(1/λ) log Σ exp(λ ξ·x) + |x|²/2: a Lyapunov function
    from hopfieldlab.dynamics import softmax_update
    from hopfieldlab.models.lse import lse_energy
    from hopfieldlab.patterns import PatternBank

    bank = PatternBank("spherical", 300, 16, seed=7, dtype="float64")
    x = np.random.default_rng(3).standard_normal((8, 16)) * 1.5
    e = lse_energy(bank, x, 2.0)
    for _ in range(15):
        x = softmax_update(bank, x, 2.0)
        e_new = lse_energy(bank, x, 2.0)
        assert np.all(e_new <= e + 1e-9 * (1 + np.abs(e)))
        e = e_new


def test_basin_curves_default_dynamics_is_plain_and_named():
    from hopfieldlab.experiments.capacity import basin_curves

    kw = dict(n_neurons=16, lam=1.0, n_trials=8, max_iter=5, rng=4)
    plain = basin_curves([0.5, 1.0], [0.2], **kw)
    proj = basin_curves([0.5, 1.0], [0.2], project_to_sphere=True, **kw)
    assert "plain" in plain.attrs["dynamics"] and plain.attrs["project_to_sphere"] == 0
    assert "sphere" in proj.attrs["dynamics"] and proj.attrs["project_to_sphere"] == 1
    assert "plain" in plain.final_overlap.attrs["long_name"]
    np.testing.assert_allclose(proj.final_norm, 1.0, rtol=1e-5)  # float32 states
    # the plain fixed point Σ_μ w_μ ξ^μ lies inside the sphere (|x|/√N ≈ 0.9997 here; float32 resolves 1e-7)
    assert float(plain.final_norm.max()) < 1 - 1e-5
