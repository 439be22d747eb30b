"""Mean-field theory at low storage (P fixed, N → ∞) for any overlap cost, and the mechanical
(Hamilton–Jacobi) analogy that computes the same pressure by characteristics."""

from ._fixed_point import StabilityResult as StabilityResult
from ._fixed_point import StateResult as StateResult
from .lowstorage import PatternAverage as PatternAverage
from .lowstorage import VariationalResult as VariationalResult
from .lowstorage import critical_temperature as critical_temperature
from .lowstorage import effective_beta as effective_beta
from .lowstorage import free_energy as free_energy
from .lowstorage import landau_free_energy as landau_free_energy
from .lowstorage import pattern_average as pattern_average
from .lowstorage import rate_function as rate_function
from .lowstorage import solve_state as solve_state
from .lowstorage import stability as stability
from .lowstorage import stability_threshold as stability_threshold
from .lowstorage import variational_free_energy as variational_free_energy
from .mechanics import Characteristic as Characteristic
from .mechanics import HJResult as HJResult
from .mechanics import hj_residual as hj_residual
from .mechanics import hj_solution as hj_solution
from .mechanics import initial_datum as initial_datum
from .mechanics import pressure_via_hj as pressure_via_hj

__all__ = [
    "StateResult",
    "StabilityResult",
    "PatternAverage",
    "VariationalResult",
    "pattern_average",
    "free_energy",
    "rate_function",
    "landau_free_energy",
    "variational_free_energy",
    "solve_state",
    "stability",
    "stability_threshold",
    "critical_temperature",
    "effective_beta",
    "Characteristic",
    "HJResult",
    "initial_datum",
    "hj_solution",
    "hj_residual",
    "pressure_via_hj",
]

from . import dense as dense  # noqa: E402
from .dense import RootResult as RootResult  # noqa: E402
from .dense import alpha_1 as alpha_1  # noqa: E402
from .dense import attention_log_capacity as attention_log_capacity  # noqa: E402
from .dense import attention_threshold as attention_threshold  # noqa: E402
from .dense import alpha_c as alpha_c  # noqa: E402
from .dense import rho_min as rho_min  # noqa: E402

__all__ += ["dense", "RootResult", "alpha_1", "alpha_c", "rho_min", "attention_log_capacity",
            "attention_threshold"]

from . import dense_finite as dense_finite  # noqa: E402
from .dense_finite import one_step_probability as one_step_probability  # noqa: E402
from .dense_finite import one_step_threshold as one_step_threshold  # noqa: E402

__all__ += ["dense_finite", "one_step_probability", "one_step_threshold"]

from . import highstorage as highstorage  # noqa: E402

__all__ += ["highstorage"]

from .flow_density import GibbsDensity as GibbsDensity  # noqa: E402
from .flow_density import gaussian_free_energy as gaussian_free_energy  # noqa: E402
from .flow_density import gibbs_density as gibbs_density  # noqa: E402
from .flow_density import linear_gaussian_law as linear_gaussian_law  # noqa: E402
from .flow_density import ou_moments as ou_moments  # noqa: E402

__all__ += ["GibbsDensity", "gaussian_free_energy", "gibbs_density", "linear_gaussian_law", "ou_moments"]

from .state_labels import StateLabel as StateLabel  # noqa: E402
from .state_labels import classify_overlaps as classify_overlaps  # noqa: E402
from .state_labels import reference_states as reference_states  # noqa: E402

__all__ += ["StateLabel", "classify_overlaps", "reference_states"]
