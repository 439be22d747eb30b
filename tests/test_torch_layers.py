"""PyTorch layers against the NumPy implementations; gradients by gradcheck in float64."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

torch = pytest.importorskip("torch", reason="torch not installed (pip install hopfieldlab[torch])")

from hopfieldlab.models.attention import attention
from hopfieldlab.models.fenchel_young import entmax as np_entmax
from hopfieldlab.models.fenchel_young import fy_update
from hopfieldlab.models.fenchel_young import sparsemax as np_sparsemax
from hopfieldlab.torch import (
    HopfieldRetrieval,
    MultiHeadHopfield,
    entmax,
    relativistic_weights,
    sparsemax,
    streamed_softmax_attention,
)


def _t(a):
    return torch.tensor(a, dtype=torch.float64)


def test_normalisers_equal_numpy():
    z = np.random.default_rng(0).normal(size=(6, 9)) * 2
    assert_allclose(sparsemax(_t(z)).numpy(), np_sparsemax(z), atol=1e-14)
    for alpha in (1.0, 1.3, 1.5, 2.0):
        assert_allclose(entmax(_t(z), alpha).numpy(), np_entmax(z, alpha), atol=1e-10)
    m = _t(z[:, :3])
    assert_allclose(
        relativistic_weights(m).numpy(),
        z[:, :3] / np.sqrt(1 + (z[:, :3] ** 2).sum(1, keepdims=True)),
    )


def test_retrieval_layers_equal_numpy():
    rng = np.random.default_rng(1)
    q, y, v = rng.normal(size=(4, 8)), rng.normal(size=(30, 8)), rng.normal(size=(30, 5))
    out = HopfieldRetrieval(0.8, chunk=7)(_t(q), _t(y), _t(v)).numpy()
    assert_allclose(out, attention(q, y, v, beta=0.8), rtol=1e-12)
    for normalizer, alpha in (("sparsemax", 2.0), ("entmax", 1.5)):
        layer = HopfieldRetrieval(2.0, normalizer, alpha=alpha, n_steps=3)
        ref = q
        for _ in range(3):
            ref = fy_update(y, ref, 2.0, alpha)
        assert_allclose(layer(_t(q), _t(y)).numpy(), ref, atol=1e-10)
    # batched (B, S, d) with streaming equals the unchunked form
    qb, yb = _t(rng.normal(size=(2, 3, 8))), _t(rng.normal(size=(2, 50, 8)))
    assert torch.allclose(
        streamed_softmax_attention(qb, yb, yb, 1.3, chunk=9),
        torch.softmax(1.3 * qb @ yb.transpose(-1, -2), -1) @ yb,
        atol=1e-12,
    )


@pytest.mark.parametrize("normalizer", ["softmax", "sparsemax", "entmax", "relativistic"])
def test_gradcheck_float64(normalizer):
    g = torch.Generator().manual_seed(3)
    q = torch.randn(2, 3, 5, dtype=torch.float64, generator=g, requires_grad=True)
    y = torch.randn(2, 7, 5, dtype=torch.float64, generator=g, requires_grad=True)
    layer = HopfieldRetrieval(1.1, normalizer, alpha=1.5, chunk=3)
    assert torch.autograd.gradcheck(lambda a, b: layer(a, b), (q, y), eps=1e-6, atol=1e-6)


def test_multihead_shapes_gradients_and_errors():
    torch.manual_seed(0)
    mh = MultiHeadHopfield(6, 4, n_heads=2, head_dim=3, normalizer="entmax").double()
    x, s = torch.randn(2, 5, 6, dtype=torch.float64), torch.randn(2, 11, 6, dtype=torch.float64)
    out = mh(x, s)
    assert out.shape == (2, 5, 4)
    out.sum().backward()
    assert mh.q_proj.weight.grad is not None and torch.isfinite(mh.q_proj.weight.grad).all()
    with pytest.raises(ValueError, match="normalizer"):
        HopfieldRetrieval(1.0, "gelu")
    with pytest.raises(ValueError, match="beta"):
        HopfieldRetrieval(0.0)
    with pytest.raises(ValueError, match="alpha"):
        entmax(torch.zeros(3), 0.5)
