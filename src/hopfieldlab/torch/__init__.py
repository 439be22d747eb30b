"""Differentiable Hopfield layers for PyTorch (optional: ``pip install hopfieldlab[torch]``).

Importing this subpackage without torch installed raises an ImportError that says how to get it;
the rest of hopfieldlab never imports torch.
"""

try:
    import torch as _torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without torch
    raise ImportError(
        "hopfieldlab.torch needs PyTorch, which is not installed; "
        "install it with `pip install hopfieldlab[torch]`"
    ) from exc

from .layers import HopfieldRetrieval as HopfieldRetrieval
from .layers import MultiHeadHopfield as MultiHeadHopfield
from .layers import entmax as entmax
from .layers import normalize_scores as normalize_scores
from .layers import relativistic_weights as relativistic_weights
from .layers import sparsemax as sparsemax
from .layers import streamed_softmax_attention as streamed_softmax_attention

__all__ = [
    "HopfieldRetrieval",
    "MultiHeadHopfield",
    "entmax",
    "normalize_scores",
    "relativistic_weights",
    "sparsemax",
    "streamed_softmax_attention",
]
