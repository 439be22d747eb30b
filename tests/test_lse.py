"""Log-sum-exp energy: stability at huge λ, a naive long-double reference, the Lyapunov form."""

import math

import numpy as np
import pytest

from hopfieldlab.dynamics import softmax_update
from hopfieldlab.models import log_partition, lse_energy
from hopfieldlab.patterns import PatternBank, gaussian, spherical


def _naive_energy(xi, x, lam, form):
    """Unshifted -(1/λ) log Σ exp(λ ξ·x) in long double: valid only while nothing overflows."""
    s = np.asarray(xi, dtype=np.longdouble) @ np.asarray(x, dtype=np.longdouble).T
    e = -np.log(np.sum(np.exp(lam * s), axis=0)) / lam
    if form == "ramsauer":
        e = e + 0.5 * np.sum(np.asarray(x, dtype=np.longdouble) ** 2, axis=-1)
    return np.asarray(e, dtype=np.float64)


@pytest.mark.parametrize("form", ["separable", "ramsauer"])
@pytest.mark.parametrize("lam", [0.01, 0.3, 2.0])
def test_energy_matches_naive_reference(form, lam):
    xi = gaussian(300, 20, rng=1)
    x = gaussian(5, 20, rng=2)
    ref = _naive_energy(xi, x, lam, form)  # λ|s| <= 2·100: far from overflow in long double
    np.testing.assert_allclose(lse_energy(xi, x, lam, form=form), ref, rtol=1e-12, atol=1e-12)
    assert lse_energy(xi, x[0], lam, form=form) == pytest.approx(ref[0], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_energy_stable_at_huge_lambda(dtype):
    xi = spherical(2000, 30, rng=3, dtype=dtype)
    x = gaussian(4, 30, rng=4, dtype=dtype) * 5
    lam = 1e4  # exp(λ ξ·x) ~ exp(10⁶): the naive sum overflows
    e = lse_energy(xi, x, lam, form="separable")
    s_max = (xi.astype(np.float64) @ x.astype(np.float64).T).max(axis=0)
    assert np.all(np.isfinite(e))
    # -max s - log(P)/λ <= E <= -max s (the sum holds the max term and at most P terms)
    tol = 1e-3 * np.abs(s_max) if dtype == "float32" else 1e-9 * np.abs(s_max)
    assert np.all(e <= -s_max + tol)
    assert np.all(e >= -s_max - math.log(2000) / lam - tol)
    assert np.all(np.isfinite(log_partition(xi, x, lam)))


def test_infinite_lambda_is_minus_max_overlap():
    xi = gaussian(50, 10, rng=5)
    x = gaussian(3, 10, rng=6)
    want = -(xi @ x.T).max(axis=0)
    np.testing.assert_allclose(lse_energy(xi, x, math.inf, form="separable"), want)


@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
def test_energy_independent_of_chunking_and_bank(chunk):
    bank = PatternBank("gaussian", 300, 12, seed=9, chunk=50, dtype="float64")
    xi = bank.to_array()
    x = gaussian(3, 12, rng=7)
    ref = lse_energy(xi, x, 0.7)
    np.testing.assert_allclose(lse_energy(xi, x, 0.7, chunk=chunk), ref, rtol=1e-12)
    np.testing.assert_allclose(lse_energy(bank, x, 0.7, chunk=chunk), ref, rtol=1e-12)


@pytest.mark.parametrize("lam", [0.05, 0.5, 5.0])
def test_ramsauer_energy_is_lyapunov_for_the_update(lam):
    # CCCP: E = -lse/λ (concave) + |x|²/2 (convex); the update minimises the convex majorant.
    xi = gaussian(200, 15, rng=10)
    x = gaussian(20, 15, rng=11) * 2
    e = lse_energy(xi, x, lam)
    for _ in range(15):
        x = softmax_update(xi, x, lam, project_to_sphere=False)
        e_new = lse_energy(xi, x, lam)
        assert np.all(e_new <= e + 1e-9 * (1 + np.abs(e)))
        e = e_new


def test_normalised_update_ascends_lse_on_the_sphere():
    # On |x|² = N both forms differ by a constant; lse is convex, so
    # lse(y) >= lse(x) + ∇lse(x)·(y - x) >= lse(x) for y the normalised update.
    xi = spherical(300, 16, rng=12)
    x = spherical(10, 16, rng=13)
    e = lse_energy(xi, x, 1.5, form="separable")
    for _ in range(10):
        x = softmax_update(xi, x, 1.5, project_to_sphere=True)
        e_new = lse_energy(xi, x, 1.5, form="separable")
        assert np.all(e_new <= e + 1e-9 * (1 + np.abs(e)))
        e = e_new


def test_separable_energy_is_not_lyapunov_without_the_norm_term():
    xi = gaussian(5, 40, rng=14)
    x = 3.0 * xi[0]  # far out along a pattern: the update pulls x back to ≈ ξ¹, raising -ξ¹·x
    y = softmax_update(xi, x, 1.0, project_to_sphere=False)
    assert lse_energy(xi, y, 1.0, form="separable") > lse_energy(xi, x, 1.0, form="separable")
    assert lse_energy(xi, y, 1.0) <= lse_energy(xi, x, 1.0)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"lam": 0.0}, "lam"),
        ({"lam": -1.0}, "lam"),
        ({"lam": math.nan}, "lam"),
        ({"x": np.ones(7)}, "x"),
        ({"x": np.full(5, np.nan)}, "x"),
        ({"patterns": np.zeros((0, 5))}, "patterns"),
        ({"patterns": np.full((3, 5), np.nan)}, "patterns"),
        ({"chunk": 0}, "chunk"),
        ({"form": "other"}, "form"),
    ],
)
def test_bad_inputs_name_the_argument(kwargs, name):
    args = {"patterns": np.ones((3, 5)), "x": np.ones(5), "lam": 1.0, "chunk": None}
    args.update(kwargs)
    form = args.pop("form", "ramsauer")
    with pytest.raises(ValueError, match=name):
        lse_energy(args["patterns"], args["x"], args["lam"], form=form, chunk=args["chunk"])


def test_float32_exp_polynomial_accuracy():
    # The BLAS kernel's float32 exp (Cody-Waite + polynomial + exponent bits) on a dense grid of
    # [-104, 0]: relative error <= 2e-7 wherever exp(t) is a normal float32; below the cut at
    # -87.3 it returns 0, an absolute error below e^-87.3 = 1.22e-38, i.e. nothing next to a row
    # sum >= 1 (float32 is subnormal or underflows there anyway).
    from hopfieldlab.models._lse_kernels import EXP32_CUT, exp_f32

    t = np.linspace(-104.0, 0.0, 2_000_001, dtype=np.float32)
    t = np.concatenate([t, np.float32(-1e-7), np.float32(0.0), np.float32(-87.29)], axis=None)
    got = exp_f32(t).astype(np.float64)
    ref = np.exp(t.astype(np.float64))
    normal = t >= EXP32_CUT
    assert np.max(np.abs(got[normal] - ref[normal]) / ref[normal]) <= 2e-7
    assert np.all(got[~normal] == 0.0)
    assert np.max(ref[~normal]) <= math.exp(float(EXP32_CUT)) < 1.23e-38
    assert got[-2] == 1.0


@pytest.mark.parametrize("lam", [0.25, 3.0, 1e4])
def test_blas_kernel_float32_many_queries_matches_float64(lam):
    # many queries: the 'blas' kernel with the polynomial exp; at λ = 1e4 almost every weight is
    # flushed to 0 and the mean must be the argmax pattern
    from scipy.special import softmax

    from hopfieldlab.models.lse import softmax_stats

    xi = gaussian(9000, 16, rng=20, dtype="float32")
    x = gaussian(40, 16, rng=21, dtype="float32")
    s = x.astype(np.float64) @ xi.T.astype(np.float64)
    st = softmax_stats(xi, x, lam, kernel="blas")
    ref_mean = softmax(lam * s, axis=1) @ xi.astype(np.float64)
    np.testing.assert_allclose(st.mean, ref_mean, rtol=0, atol=2e-4)
    ref_logz = np.log(np.sum(np.exp(lam * (s - s.max(axis=1, keepdims=True))), axis=1))
    np.testing.assert_allclose(st.log_partition - lam * st.max_overlap, ref_logz, rtol=0,
                               atol=1e-4 * max(1.0, lam))
    np.testing.assert_array_equal(st.argmax, s.argmax(axis=1))


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_blas_kernel_rejects_non_finite_float32_patterns(bad):
    from hopfieldlab.models.lse import softmax_stats

    xi = gaussian(5000, 8, rng=22, dtype="float32")
    xi[4321, 5] = bad
    with pytest.raises(ValueError, match="patterns"):
        softmax_stats(xi, gaussian(32, 8, rng=23, dtype="float32"), 1.0, kernel="blas")
