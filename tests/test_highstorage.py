"""High storage (P = αN): RS theory (AGS and relativistic), its limits, and Monte Carlo checks."""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from hopfieldlab import patterns
from hopfieldlab.dynamics import run_montecarlo
from hopfieldlab.experiments import highstorage as exp
from hopfieldlab.models import Classical, Network, PBody, Relativistic
from hopfieldlab.theory import highstorage as hs
from hopfieldlab.theory import solve_state

CL, REL = Classical(), Relativistic()


def test_alpha_c_and_overlap_match_ags():
    # AGS (1985/87): alpha_c ≈ 0.138 and m(alpha_c) ≈ 0.967 at T = 0
    ac, mc = hs.alpha_c()
    assert ac == pytest.approx(0.138, abs=5e-4)
    assert mc == pytest.approx(0.967, abs=5e-4)
    # the relativistic T = 0 saddle is the classical one (b = inf): same alpha_c
    assert hs.solve_rs(REL, 0.99 * ac, 0.0).converged
    assert not hs.solve_rs(REL, 1.01 * ac, 0.0).converged


def test_spin_glass_line_closed_forms_and_solver():
    for a in (0.01, 0.1):
        assert hs.spin_glass_temperature(CL, a) == pytest.approx(1 + math.sqrt(a), rel=1e-14)
        tg_rel = hs.spin_glass_temperature(REL, a)
        assert tg_rel == pytest.approx((1 + math.sqrt(a)) / math.sqrt(1 + math.sqrt(a) + a), rel=1e-12)
        for cost, tg in ((CL, 1 + math.sqrt(a)), (REL, tg_rel)):
            below = hs.solve_rs(cost, a, 0.98 * tg, "spin-glass")
            above = hs.solve_rs(cost, a, 1.02 * tg, "spin-glass")
            assert below.phase == "spin-glass" and below.q > 1e-3 and below.converged
            assert above.phase == "paramagnet" and above.q == 0.0
        # the paramagnet's replicon eigenvalue alpha b²/(1-b)² is 1 exactly at T_g
        para = hs.solve_rs(CL, a, (1 + math.sqrt(a)) * (1 + 1e-10), "paramagnet")
        assert para.replicon == pytest.approx(1.0, abs=1e-8)
        assert para.x == pytest.approx(a / (1 - para.beta_eff), rel=1e-12)


def test_small_alpha_limits_return_low_storage():
    a = 1e-4
    curve = hs.retrieval_curve(a)
    # AGS asymptotics: T_M ≈ 1 − 1.95√α, T_c ≈ 1 − 2.6√α (both → 1, the low-storage T_c)
    assert hs._fold(CL, curve)[0] == pytest.approx(1 - 1.95 * math.sqrt(a), abs=2e-3)
    tc = hs._tc_from_curve(CL, curve, hs._fold(CL, curve)[1])[0]
    assert tc == pytest.approx(1 - 2.6 * math.sqrt(a), abs=3e-3)
    # relativistic RS at tiny alpha: the low-storage m = tanh(beta m/sqrt(1+m^2))
    for T in (0.3, 0.7):
        hi = hs.solve_rs(REL, 1e-7, T)
        lo = solve_state(REL, T, "pure", n_patterns=2).m[0]
        assert hi.converged and hi.m == pytest.approx(lo, abs=1e-5)
        assert hi.beta_eff == pytest.approx(1 / (T * math.sqrt(1 + lo**2)), rel=1e-4)
        f_lo = solve_state(REL, T, "pure", n_patterns=2).free_energy
        assert hi.free_energy == pytest.approx(f_lo, abs=1e-5)


def test_large_c_returns_classical():
    a, T = 0.05, 0.4
    cl = hs.solve_rs(CL, a, T)
    big = hs.solve_rs(Relativistic(c=300.0), a, T, guess=cl)
    assert big.converged and big.m == pytest.approx(cl.m, abs=1e-4)
    assert big.free_energy + 300.0**2 == pytest.approx(cl.free_energy, abs=1e-3)
    assert hs.spin_glass_temperature(Relativistic(c=1e4), a) == pytest.approx(1 + math.sqrt(a), rel=1e-6)


def test_direct_relativistic_solve_agrees_with_curve_image():
    # two routes: (m, C, b) solved at fixed T, vs the classical curve mapped by T = T_cl/sqrt(1+x)
    a = 0.05
    tm = hs.retrieval_temperature(REL, a)
    assert tm == pytest.approx(0.3990, abs=2e-3)
    assert tm < hs.retrieval_temperature(CL, a)
    assert hs.solve_rs(REL, a, tm - 2e-3).converged
    assert not hs.solve_rs(REL, a, tm + 2e-3).converged
    st = hs.solve_rs(REL, a, 0.3)
    # it is an AGS saddle at the effective temperature 1/b
    cl = hs.solve_rs(CL, a, 1 / st.beta_eff, guess=(st.m, st.beta_eff * (1 - st.q), 1.0))
    assert cl.m == pytest.approx(st.m, abs=1e-8) and cl.x == pytest.approx(st.x, abs=1e-8)
    assert st.beta_eff == pytest.approx(1 / (0.3 * math.sqrt(1 + st.x)), rel=1e-9)


def test_first_order_line_and_zero_temperature_energies():
    # at T = 0 free energy = energy = −G(x/2); retrieval wins over the spin glass below alpha ≈ 0.051
    for cost in (CL, REL):
        d = [hs.solve_rs(cost, a, 0.0).free_energy - hs.solve_rs(cost, a, 0.0, "spin-glass").free_energy
             for a in (0.05, 0.053)]
        assert d[0] < 0 < d[1]
    tc = hs.transition_temperature(CL, 0.01)
    assert 0 < tc < hs.retrieval_temperature(CL, 0.01) < hs.spin_glass_temperature(CL, 0.01)
    st = hs.solve_rs(CL, 0.01, 0.02)
    assert st.free_energy == pytest.approx(st.energy, abs=1e-4)  # f -> E as T -> 0


def test_validation_errors():
    with pytest.raises(ValueError, match="alpha"):
        hs.solve_rs(CL, -0.1, 0.5)
    with pytest.raises(ValueError, match="phase"):
        hs.solve_rs(CL, 0.1, 0.5, "ferro")
    with pytest.raises(ValueError, match="radial"):
        hs.solve_rs(PBody(p=4), 0.1, 0.5)
    with pytest.raises(ValueError, match="alpha_c"):
        hs.retrieval_curve(0.2)
    with pytest.raises(ValueError, match="temperatures"):
        hs.rs_branch(CL, 0.05, [0.3, 0.1])


@pytest.mark.parametrize("cost", [CL, REL], ids=["classical", "relativistic"])
def test_monte_carlo_overlap_and_x_match_rs(cost):
    # N = 2000, alpha = 0.05: finite-size and equilibration errors on m, x are ~0.01
    n, a, T = 2000, 0.05, 0.3
    xi = patterns.rademacher(int(a * n), n, rng=11)
    s0 = np.tile(np.where(xi[0] > 0, 1, -1).astype(np.int8), (3, 1))
    res = run_montecarlo(Network(xi, cost), s0, T=T, n_sweeps=40, rng=5)
    last = res.overlaps[res.overlaps.shape[0] // 2:]
    th = hs.solve_rs(cost, a, T)
    assert last[..., 0].mean() == pytest.approx(th.m, abs=0.02)
    assert (last**2).sum(-1).mean() == pytest.approx(th.x, abs=0.03)


def test_retrieval_grid_consistent_with_t_m():
    # N = 1000, 80 sweeps: escape from the pattern above T_M takes tens of sweeps near the line
    ds = exp.retrieval_grid([0.05, 0.25], [0.0, 0.5, 0.9], n_neurons=1000, n_seeds=3, n_sweeps=80, rng=7)
    for name, var in ds.data_vars.items():
        assert "long_name" in var.attrs and "units" in var.attrs, name
    json.loads(ds.attrs["parameters"])
    frac = ds.fraction
    # clear-cut points (>= 0.08 from the T_M line): classical T_M(0.05) = 0.542, relativistic 0.399
    assert float(frac.sel(model="classical", alpha=0.05, T=0.0)) == 1.0
    assert float(frac.sel(model="classical", alpha=0.05, T=0.9)) == 0.0
    assert float(frac.sel(model="relativistic", alpha=0.05, T=0.5)) == 0.0
    # between the two T_M lines the classical network still retrieves, the relativistic one not
    m05 = ds.m.sel(alpha=0.05, T=0.5).mean("seed")
    assert float(m05.sel(model="classical")) > float(m05.sel(model="relativistic")) + 0.3
    assert float(frac.sel(model="classical", alpha=0.25, T=0.0)) == 0.0  # far beyond alpha_c
    agree = exp.theory_agreement(ds, margin=0.08)
    assert float(agree.min()) == 1.0
    from hopfieldlab.plotting.highstorage import plot_retrieval_grid

    assert plot_retrieval_grid(ds, "relativistic").axes
    # same seed, same numbers
    ds2 = exp.retrieval_grid([0.05], [0.5], n_neurons=200, n_seeds=2, n_sweeps=4, rng=3)
    ds3 = exp.retrieval_grid([0.05], [0.5], n_neurons=200, n_seeds=2, n_sweeps=4, rng=3)
    np.testing.assert_array_equal(ds2.m.values, ds3.m.values)


def test_phase_diagram_dataset_plot_and_cli(tmp_path):
    ds = exp.phase_diagram([0.02, 0.08, 0.15], at_line=False)
    assert math.isnan(float(ds.T_M.sel(model="classical", alpha=0.15)))  # no retrieval beyond alpha_c
    assert str(ds.T_M_status.sel(model="classical", alpha=0.15).item()).startswith("alpha > alpha_c")
    assert (ds.T_M.sel(model="relativistic", alpha=[0.02, 0.08]) < ds.T_M.sel(model="classical", alpha=[0.02, 0.08])).all()
    assert ds.attrs["alpha_c"] == pytest.approx(0.1379, abs=1e-4)
    from hopfieldlab.plotting.highstorage import plot_phase_diagram

    fig = plot_phase_diagram(ds)
    fig.savefig(tmp_path / "pd.png")
    from hopfieldlab.cli import phase  # noqa: F401  (registers the command)
    from hopfieldlab.cli._app import app

    out = CliRunner().invoke(app, ["phase-diagram", "--model", "relativistic", "--json",
                                   "--n-alpha", "2", "--alpha-max", "0.1", "--no-at-line"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["alpha_c"] == pytest.approx(0.1379, abs=1e-4)
    assert len(payload["T_M"]) == 2 and payload["T_M"][0] > payload["T_M"][1] > 0
    bad = CliRunner().invoke(app, ["phase-diagram", "--alpha-max", "-1", "--json"])
    assert bad.exit_code == 2


def test_finite_size_boundary_moves_towards_alpha_c(tmp_path):
    # T = 0 descent from a pattern: finite networks keep retrieving beyond alpha_c = 0.138 and the
    # half-retrieval load comes down towards it as N grows (slowly, ~N^-1/2). With 6 seeds at
    # N = 250 and 1000 the crossings are noisy to ~0.02, so only the order and a band are tested.
    ds = exp.retrieval_boundary_vs_n([250, 1000], [0.0], ratios=(0.9, 1.05, 1.2, 1.35, 1.5),
                                     n_seeds=6, n_sweeps=40, rng=4)
    ac = hs.alpha_c()[0]
    assert ds.alpha_theory.item() == pytest.approx(ac, rel=1e-12)
    half = ds.alpha_half.sel(T=0.0).values
    assert ac - 0.005 < half[1] < half[0] < ac + 0.09
    assert half[0] - half[1] > 0.01
    assert float(ds.fraction.isel(ratio=0).min()) == 1.0  # below alpha_c every run retrieves
    assert np.isfinite(ds.alpha_extrap.item()) and ds.alpha_extrap.item() < half[1]
    for name, var in ds.data_vars.items():
        assert "long_name" in var.attrs and "units" in var.attrs, name
    from hopfieldlab.plotting.highstorage import plot_boundary_vs_n

    plot_boundary_vs_n(ds).savefig(tmp_path / "bvn.png")
    with pytest.raises(ValueError, match="sizes"):
        exp.retrieval_boundary_vs_n([250, 250])
    with pytest.raises(ValueError, match="ratios"):
        exp.retrieval_boundary_vs_n([250], ratios=(1.2, 1.0))


def test_half_crossing_fit():
    a = np.linspace(0.1, 0.2, 11)
    y = np.repeat((a < 0.153)[:, None], 4, axis=1)
    assert exp.half_crossing(a, y)[0] == pytest.approx(0.155, abs=0.005)
    assert math.isnan(exp.half_crossing(a, np.ones((11, 3), bool))[0])
    with pytest.raises(ValueError, match="retrieved"):
        exp.half_crossing(a, y[:3])


def test_highstorage_mc_through_the_sweep_engine(tmp_path):
    from hopfieldlab.experiments.spec import SweepSpec
    from hopfieldlab.experiments.sweep import load_sweep, run_point, run_sweep

    spec = SweepSpec("highstorage_mc", axes={"alpha": [0.05, 0.3], "T": [0.0, 0.9]},
                     fixed={"model": "classical", "N": 400, "sweeps": 20}, seeds=2, entropy=8)
    res = run_sweep(spec, tmp_path / "hs.zarr", workers=1)
    assert res.n_failed == 0
    ds = load_sweep(tmp_path / "hs.zarr")
    # deep inside retrieval (alpha = 0.05, T = 0) vs far outside (alpha = 0.3 or T = 0.9 > T_M)
    assert (ds.retrieved.sel(alpha=0.05, T=0.0) == 1).all()
    assert (ds.retrieved.sel(alpha=0.3) == 0).all() and (ds.retrieved.sel(T=0.9) == 0).all()
    for i in (0, spec.n_points - 1):
        alone = run_point(spec, i)
        idx = np.unravel_index(i, spec.shape)
        sel = dict(zip(spec.dims, idx))
        assert float(alone["m"]) == float(ds.m.isel(sel))
        assert float(alone["retrieved"]) == float(ds.retrieved.isel(sel))
    with pytest.raises(ValueError, match="alpha"):
        SweepSpec("highstorage_mc", axes={"alpha": [-0.1]}, fixed={"model": "classical", "N": 10, "T": 0.1})
