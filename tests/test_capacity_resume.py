"""Interrupting the finite-N capacity experiment loses only the point in progress."""

import numpy as np
import pytest

import hopfieldlab.experiments.capacity as cap

KW = {"lam": 0.5, "ensemble": "spherical", "n_trials": 8, "n_banks": 2, "rng": 3}


class Stop(KeyboardInterrupt):
    pass


def test_interrupt_then_resume_reuses_finished_points(tmp_path, monkeypatch):
    ratios, ns = [0.6, 1.4], [8, 10]
    fresh = cap.retrieval_vs_alpha(ratios, ns, **KW)  # no cache: the reference numbers

    calls = []
    real = cap._trial_success
    monkeypatch.setattr(cap, "_trial_success", lambda *a: calls.append(a) or real(*a))

    def stop_at_third(done, total):
        if done == 3:
            raise Stop()

    with pytest.raises(KeyboardInterrupt):
        cap.retrieval_vs_alpha(ratios, ns, cache=tmp_path, progress=stop_at_third, **KW)
    assert len(calls) == 3  # three points finished and stored before the interrupt
    calls.clear()
    resumed = cap.retrieval_vs_alpha(ratios, ns, cache=tmp_path, **KW)
    assert len(calls) == 1  # only the fourth point is computed
    np.testing.assert_array_equal(resumed.p_retrieval.values, fresh.p_retrieval.values)
    calls.clear()
    again = cap.retrieval_vs_alpha(ratios, ns, cache=tmp_path, **KW)
    assert not calls
    np.testing.assert_array_equal(again.p_retrieval.values, fresh.p_retrieval.values)
    # another seed shares nothing with the stored points
    cap.retrieval_vs_alpha(ratios, ns, cache=tmp_path, **{**KW, "rng": 4})
    assert len(calls) == 4
