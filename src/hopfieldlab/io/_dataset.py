"""Provenance attributes carried by every Dataset the experiments return."""

from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from typing import Any

import xarray as xr


def provenance_attrs(experiment: str, params: dict[str, Any], command: str | None = None) -> dict[str, str]:
    """Attributes recording what produced a Dataset: package version, parameters, command, time.

    Values are strings (JSON for the parameters) so they survive zarr and netCDF round trips.
    """
    from .. import __version__

    attrs = {
        "experiment": experiment,
        "hopfieldlab_version": __version__,
        "parameters": json.dumps(params, sort_keys=True, default=str),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
    }
    if command:
        attrs["command"] = command
    return attrs


def annotate(ds: xr.Dataset, meta: dict[str, tuple[str, str]]) -> xr.Dataset:
    """Set ``long_name`` and ``units`` on the variables/coordinates named in ``meta`` (in place)."""
    for name, (long_name, units) in meta.items():
        ds[name].attrs.update(long_name=long_name, units=units)
    return ds
