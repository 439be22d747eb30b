"""Taylor series of radial costs and the explicit many-body coupling tensors."""

import itertools
from fractions import Fraction

import numpy as np
import pytest

from hopfieldlab import patterns
from hopfieldlab.models import (
    Classical,
    Network,
    PBody,
    Relativistic,
    binomial_coefficients,
    contract,
    coupling_tensor,
    expansion_table,
)


def test_relativistic_coefficients_exact():
    """√(1+s) = 1 + s/2 − s²/8 + s³/16 − 5s⁴/128 + 7s⁵/256 − 21s⁶/1024 + 33s⁷/2048 …"""
    expected = [1, Fraction(1, 2), Fraction(-1, 8), Fraction(1, 16), Fraction(-5, 128),
                Fraction(7, 256), Fraction(-21, 1024), Fraction(33, 2048)]
    assert Relativistic().radial_series(7) == expected


def test_signs_alternate_to_high_order():
    coeffs = Relativistic().radial_series(40)
    signs = [c > 0 for c in coeffs[1:]]
    assert all(signs[k] != signs[k + 1] for k in range(len(signs) - 1))
    rows = expansion_table(coeffs)
    assert rows[1].reading.startswith("Hebbian")
    assert rows[2].reading.startswith("anti-Hebbian")
    assert rows[3].reading.startswith("reinforcing")
    assert rows[2].body == 4


def test_binomial_series_matches_closed_form_numerically():
    for a in (Fraction(1, 2), Fraction(-1, 2), Fraction(3), Fraction(-2, 3)):
        c = binomial_coefficients(a, 60)
        s = 0.3
        approx = sum(float(ck) * s**k for k, ck in enumerate(c))
        assert approx == pytest.approx((1 + s) ** float(a), rel=1e-14)


def test_speed_of_light_series_reduces_to_classical():
    """c² √(1+s/c²) − c² → s/2 term by term: c_1 = 1/2 for all c, c_k ∝ c^(2−2k) → 0."""
    for c in (2, 10):
        co = Relativistic(c=float(c)).radial_series(4)
        assert co[0] == c**2 and co[1] == Fraction(1, 2)
        assert co[2] == Fraction(-1, 8) / c**2
    assert Classical().radial_series(3) == [0, Fraction(1, 2), 0, 0]
    assert PBody(2).radial_series(2) == Classical().radial_series(2)
    with pytest.raises(NotImplementedError):
        PBody(4).radial_series(3)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_coupling_tensor_reproduces_each_order(k):
    """−Σ J^{(2k)} σ…σ equals −N c_k |m|^{2k} for every configuration of a small network."""
    xi = patterns.rademacher(2, 5, rng=3)
    coeffs = Relativistic().radial_series(k)
    tensor = coupling_tensor(xi, coeffs[k], k)
    assert tensor.shape == (5,) * (2 * k)
    for s in itertools.product([-1, 1], repeat=5):
        s = np.array(s)
        m2 = ((xi @ s) / 5.0) @ ((xi @ s) / 5.0)
        assert -contract(tensor, s) == pytest.approx(-5 * float(coeffs[k]) * m2**k, abs=1e-12)


def test_truncated_series_converges_to_the_closed_form_energy():
    """Summing the tensors up to order 2k approaches −N√(1+|m|²) when |m|² < 1."""
    xi = patterns.rademacher(2, 6, rng=11)
    net = Network(xi, Relativistic())
    s = np.array([1, -1, 1, 1, -1, -1])
    m2 = float(net.overlaps(s) @ net.overlaps(s))
    assert 0 < m2 < 1
    coeffs = Relativistic().radial_series(3)
    partial = -6 * float(coeffs[0])
    errors = []
    for k in (1, 2, 3):
        partial += -contract(coupling_tensor(xi, coeffs[k], k), s)
        errors.append(abs(partial - net.energy(s)))
    assert errors[0] > errors[1] > errors[2]
    # the remainder is bounded by the next term of an alternating series
    assert errors[2] <= 6 * abs(float(Relativistic().radial_series(4)[4])) * m2**4 + 1e-12


def test_four_body_term_is_anti_hebbian():
    """The 4-body term raises the energy of states aligned with the patterns (unlearning)."""
    xi = patterns.rademacher(3, 5, rng=2)
    j4 = coupling_tensor(xi, Relativistic().radial_series(2)[2], 2)
    s = xi[0]
    assert -contract(j4, s) > 0


def test_tensor_size_guard():
    with pytest.raises(ValueError, match="k"):
        coupling_tensor(np.ones((2, 40)), Fraction(1), 3)
