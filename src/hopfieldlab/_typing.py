"""Type aliases shared across hopfieldlab."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

RNGLike: TypeAlias = np.random.Generator | int | np.random.SeedSequence | None
FloatArray: TypeAlias = npt.NDArray[np.float64]
SpinArray: TypeAlias = npt.NDArray[np.int8]
PatternArray: TypeAlias = npt.NDArray[np.floating] | npt.NDArray[np.integer]
