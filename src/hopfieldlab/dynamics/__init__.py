"""Dynamics: single-spin-flip Monte Carlo for every overlap cost."""

from ._result import MCResult as MCResult
from .montecarlo import run_montecarlo as run_montecarlo

__all__ = ["MCResult", "run_montecarlo"]

from .retrieval import RetrievalResult as RetrievalResult  # noqa: E402
from .retrieval import retrieve as retrieve  # noqa: E402
from .retrieval import softmax_update as softmax_update  # noqa: E402
from .retrieval import target_weight as target_weight  # noqa: E402

__all__ += ["RetrievalResult", "retrieve", "softmax_update", "target_weight"]

from .flow import BoxFlowResult as BoxFlowResult  # noqa: E402
from .flow import EquilibriumResult as EquilibriumResult  # noqa: E402
from .flow import FlowResult as FlowResult  # noqa: E402
from .flow import HopfieldNetwork as HopfieldNetwork  # noqa: E402
from .flow import NoEnergyWarning as NoEnergyWarning  # noqa: E402
from .flow import box_qp_flow as box_qp_flow  # noqa: E402
from .flow import box_qp_network as box_qp_network  # noqa: E402
from .flow import find_equilibrium as find_equilibrium  # noqa: E402
from .flow import integrate_flow as integrate_flow  # noqa: E402
from .flow import mirror_descent as mirror_descent  # noqa: E402
from .flow import run_flow as run_flow  # noqa: E402

__all__ += [
    "BoxFlowResult",
    "EquilibriumResult",
    "FlowResult",
    "HopfieldNetwork",
    "NoEnergyWarning",
    "box_qp_flow",
    "box_qp_network",
    "find_equilibrium",
    "integrate_flow",
    "mirror_descent",
    "run_flow",
]

from .sde import SDEResult as SDEResult  # noqa: E402
from .sde import TemperatureSchedule as TemperatureSchedule  # noqa: E402
from .sde import simulate_sde as simulate_sde  # noqa: E402
from .wasserstein import ProximalResult as ProximalResult  # noqa: E402
from .wasserstein import ProxStepResult as ProxStepResult  # noqa: E402
from .wasserstein import hopfield_outputs as hopfield_outputs  # noqa: E402
from .wasserstein import hopfield_proximal as hopfield_proximal  # noqa: E402
from .wasserstein import prox_step as prox_step  # noqa: E402
from .wasserstein import proximal_recursion as proximal_recursion  # noqa: E402

__all__ += [
    "SDEResult", "TemperatureSchedule", "simulate_sde", "ProximalResult", "ProxStepResult",
    "hopfield_outputs", "hopfield_proximal", "prox_step", "proximal_recursion",
]
