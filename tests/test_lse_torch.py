"""The optional torch backend of the streamed softmax equals the NumPy path."""

import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch not installed: the optional backend is untested")

from hopfieldlab.dynamics.retrieval import retrieve, softmax_update, target_weight
from hopfieldlab.models._lse_torch import default_chunk, resolve_device
from hopfieldlab.models.lse import softmax_stats
from hopfieldlab.patterns.bank import PatternBank, noisy_cue


def _data(dtype, p=3000, n=24, b=7, seed=0):
    rng = np.random.default_rng(seed)
    xi = rng.standard_normal((p, n)).astype(dtype)
    x = rng.standard_normal((b, n)).astype(dtype)
    return xi, x


@pytest.mark.parametrize("lam", [0.3, 2.0, 1e4])
@pytest.mark.parametrize("chunk", [None, 1, 257])
def test_float64_matches_numpy(lam, chunk):
    xi, x = _data(np.float64)
    if chunk == 1:
        xi = xi[:200]
    ref = softmax_stats(xi, x, lam, chunk=chunk)
    got = softmax_stats(xi, x, lam, chunk=chunk, backend="torch", device="cpu")
    np.testing.assert_allclose(got.log_partition, ref.log_partition, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(got.max_overlap, ref.max_overlap, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(got.argmax, ref.argmax)
    np.testing.assert_allclose(got.mean, ref.mean, rtol=0, atol=1e-10)
    assert got.mean.dtype == np.float64
    assert np.all(np.isfinite(got.log_partition))  # λ = 10⁴ with overlaps O(10): no overflow


def test_float32_matches_numpy_and_unchunked_softmax():
    xi, x = _data(np.float32, p=5000, n=32, b=5, seed=1)
    lam = 0.5
    got = softmax_update(xi, x, lam, backend="torch", device="cpu", chunk=999)
    ref = softmax_update(xi, x, lam)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-5)
    # and the plain unchunked formula in float64
    s = lam * (x.astype(np.float64) @ xi.T.astype(np.float64))
    w = np.exp(s - s.max(axis=1, keepdims=True))
    exact = (w @ xi.astype(np.float64)) / w.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-5)


def test_pattern_bank_chunks_and_retrieve():
    bank = PatternBank("spherical", 2000, 16, seed=3, chunk=300, dtype="float64")
    x0 = np.stack([noisy_cue(bank.rows(np.array([t]))[0], 0.8, rng=t) for t in range(4)])
    targets = np.arange(4)
    ref = retrieve(bank, x0, 4.0, target=targets, max_iter=20)
    got = retrieve(bank, x0, 4.0, target=targets, max_iter=20, backend="torch", device="cpu")
    assert got.converged == ref.converged and got.n_iter == ref.n_iter
    np.testing.assert_allclose(got.x, ref.x, rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.overlap, ref.overlap, rtol=0, atol=1e-10)
    w_ref = target_weight(bank, x0, 4.0, targets)
    w_got = target_weight(bank, x0, 4.0, targets, backend="torch", device="cpu", chunk=77)
    np.testing.assert_allclose(w_got, w_ref, rtol=1e-10, atol=1e-12)


def test_zero_temperature_is_nearest_pattern():
    xi, x = _data(np.float64, p=1500, n=12, b=6, seed=4)
    got = softmax_update(xi, x, math.inf, backend="torch", device="cpu", chunk=100)
    np.testing.assert_array_equal(got, xi[np.argmax(x @ xi.T, axis=1)])


def test_device_selection_falls_back_to_cpu():
    auto = resolve_device(None)
    assert auto.type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.warns(RuntimeWarning, match="CUDA is not available"):
            dev = resolve_device("cuda")
        assert dev.type == "cpu"
        xi, x = _data(np.float64, p=100, n=8, b=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            got = softmax_update(xi, x, 1.0, backend="torch", device="cuda")
        np.testing.assert_allclose(got, softmax_update(xi, x, 1.0), atol=1e-12)
    with pytest.raises(ValueError, match="device"):
        resolve_device("no-such-device")


def test_bad_inputs():
    xi, x = _data(np.float64, p=50, n=8, b=2)
    with pytest.raises(ValueError, match="backend"):
        softmax_update(xi, x, 1.0, backend="jax")
    with pytest.raises(ValueError, match="device"):
        softmax_update(xi, x, 1.0, device="cpu")  # a device with the NumPy backend
    bad = xi.copy()
    bad[7, 3] = np.nan
    with pytest.raises(ValueError, match="patterns"):
        softmax_update(bad, x, 1.0, backend="torch", device="cpu", chunk=10)
    with pytest.raises(ValueError, match="lam"):
        softmax_update(xi, x, 0.0, backend="torch")


def test_default_chunk_bounds_score_block():
    assert default_chunk(1) * 1 <= 1 << 22
    assert default_chunk(10**7) == 1024
