"""Result containers and robust root finders shared by the mean-field solvers.

Nothing here knows about Hopfield models: the solvers take plain callables and report
their convergence explicitly (flag, residual, iterations, message) instead of guessing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ..errors import ConvergenceWarning, NotConvergedError

__all__ = ["StateResult", "StabilityResult", "largest_root", "solve_system", "report_failure"]


@dataclass(frozen=True, eq=False)
class StabilityResult:
    """Local stability of an overlap vector under the mean-field dynamics.

    Attributes
    ----------
    eigenvalues : ndarray, shape (P,)
        Eigenvalues of β C ∇²F(m), sorted ascending (real: computed from the symmetrised
        product C^{1/2} β∇²F C^{1/2}). At T = 0 they are the T → 0⁺ limits: 0 where no
        field vanishes, ±inf along directions carried by sites with a tied (zero) field.
    margin : float
        1 − max(eigenvalues); positive for a locally stable state.
    stable : bool
        Whether every eigenvalue is < 1.
    """

    eigenvalues: np.ndarray
    margin: float
    stable: bool


@dataclass(frozen=True, eq=False)
class StateResult:
    """A solved mean-field state at low storage.

    Attributes
    ----------
    model : str
        Name of the cost (``cost.name``).
    state : str
        The requested state: ``"pure"``, ``"mixture:n"`` or ``"explicit"``.
    T : float
        Temperature (0 allowed).
    m : ndarray, shape (P,)
        The overlap vector, zero on non-condensed patterns.
    free_energy : float
        Free energy per neuron f(m) (tangent form; equals −F(m) at T = 0).
    energy : float
        Energy per neuron −F(m).
    eigenvalues : ndarray, shape (P,)
        Sorted eigenvalues of β C ∇²F(m) (see :class:`StabilityResult`).
    stable : bool
        All eigenvalues < 1.
    margin : float
        1 − max eigenvalue.
    converged : bool
        Whether the self-consistency residual met the tolerance.
    residual : float
        max_μ |E_ξ[ξ^μ tanh(β ξ·∇F(m))] − m_μ| (sign instead of tanh at T = 0).
    iterations : int
        Iterations (function evaluations for vector solves) spent by the solver.
    message : str
        Solver message.
    """

    model: str
    state: str
    T: float
    m: np.ndarray
    free_energy: float
    energy: float
    eigenvalues: np.ndarray
    stable: bool
    margin: float
    converged: bool
    residual: float
    iterations: int
    message: str

    @property
    def n_patterns(self) -> int:
        """Length P of the overlap vector."""
        return int(self.m.shape[0])


def report_failure(message: str, on_fail: str) -> None:
    """Raise :class:`NotConvergedError` (``on_fail="raise"``) or warn (``"warn"``)."""
    if on_fail == "raise":
        raise NotConvergedError(message)
    if on_fail == "warn":
        warnings.warn(message, ConvergenceWarning, stacklevel=3)


def largest_root(
    q: Callable[[np.ndarray], np.ndarray],
    grid: np.ndarray,
    *,
    xtol: float = 1e-15,
    maxiter: int = 200,
) -> tuple[float | None, int, str]:
    """Largest root of a scalar function on an increasing grid, refined with Brent's method.

    Parameters
    ----------
    q : callable
        Vectorised function of an array of abscissae.
    grid : ndarray
        Increasing abscissae; a root is bracketed where q changes sign from > 0 to <= 0.
    xtol : float
        Absolute tolerance of :func:`scipy.optimize.brentq` (the relative one is 4 eps).

    Returns
    -------
    root : float or None
        The largest bracketed root, or None when q has no such sign change on the grid.
    iterations : int
    message : str
    """
    vals = np.asarray(q(grid), dtype=float)
    pos = vals > 0
    idx = np.nonzero(pos[:-1] & ~pos[1:])[0]
    if idx.size == 0:
        if pos[-1]:
            return float(grid[-1]), 0, "function positive up to the end of the grid"
        return None, 0, "no sign change on the grid"
    i = int(idx[-1])
    if vals[i + 1] == 0.0:
        return float(grid[i + 1]), 0, "exact zero on the grid"
    root, res = optimize.brentq(
        lambda x: float(q(np.array([x]))[0]),
        float(grid[i]),
        float(grid[i + 1]),
        xtol=xtol,
        rtol=4 * np.finfo(float).eps,
        maxiter=maxiter,
        full_output=True,
        disp=False,
    )
    return float(root), int(res.iterations), str(res.flag)


def solve_system(
    fun_jac: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    x0: np.ndarray,
    *,
    tol: float,
    max_iter: int,
    fixed_point: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, float, int, str]:
    """Solve R(x) = 0 with MINPACK's hybrid method, then polish with Newton steps.

    Parameters
    ----------
    fun_jac : callable
        Returns (R(x), J(x)).
    x0 : ndarray
        Starting point.
    tol : float
        Target max-norm of the residual.
    max_iter : int
        Function-evaluation budget of the hybrid method and the fallback iteration.
    fixed_point : callable, optional
        A map x ↦ x + R(x) iterated (``max_iter`` times at most) as a fallback when the
        hybrid method fails; it converges towards attractors.

    Returns
    -------
    x, residual, evaluations, message
    """

    def polish(x: np.ndarray) -> tuple[np.ndarray, float]:
        r, jac = fun_jac(x)
        best = float(np.max(np.abs(r))) if r.size else 0.0
        for _ in range(8):
            if best <= tol:
                break
            try:
                step = np.linalg.solve(jac, -r)
            except np.linalg.LinAlgError:
                break
            xn = x + step
            rn, jn = fun_jac(xn)
            res = float(np.max(np.abs(rn)))
            if not res < best:
                break
            x, r, jac, best = xn, rn, jn, res
        return x, best

    evals = 0
    sol = optimize.root(
        fun_jac, x0, jac=True, method="hybr", options={"xtol": 1e-15, "maxfev": max(10, max_iter)}
    )
    evals += int(getattr(sol, "nfev", 0))
    x, res = polish(np.asarray(sol.x, dtype=float))
    msg = str(sol.message)
    if res <= tol or fixed_point is None:
        return x, res, evals, msg
    # fallback: iterate the map towards an attractor, then restart the hybrid method
    y = np.asarray(x0, dtype=float)
    for _ in range(max_iter):
        y = fixed_point(y)
        evals += 1
    sol = optimize.root(
        fun_jac, y, jac=True, method="hybr", options={"xtol": 1e-15, "maxfev": max(10, max_iter)}
    )
    evals += int(getattr(sol, "nfev", 0))
    x2, res2 = polish(np.asarray(sol.x, dtype=float))
    if res2 < res:
        return x2, res2, evals, "after fixed-point fallback: " + str(sol.message)
    return x, res, evals, msg
