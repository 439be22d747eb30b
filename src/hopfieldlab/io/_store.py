"""zarr/netCDF persistence and a parameter-keyed cache of finished results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr


def save_dataset(ds: xr.Dataset, path: str | Path) -> Path:
    """Write ``ds`` to ``path``: netCDF if it ends in .nc, otherwise a zarr store (overwritten)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".nc":
        ds.to_netcdf(path)
    else:
        ds.to_zarr(path, mode="w", consolidated=False, zarr_format=2)
    return path


def load_dataset(path: str | Path) -> xr.Dataset:
    """Read a Dataset written by :func:`save_dataset` fully into memory."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: {path} does not exist")
    if path.suffix == ".nc":
        return xr.load_dataset(path)
    return xr.open_zarr(path, consolidated=False).load()


def cached_dataset(cache_dir: str | Path, name: str, params: dict[str, Any],
                   compute: Callable[[], xr.Dataset]) -> tuple[xr.Dataset, bool]:
    """Return the stored result for (name, params), computing and storing it if absent.

    The key is a hash of the parameters, so a change of any parameter recomputes. Returns the
    Dataset and whether it came from the cache.
    """
    key = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = Path(cache_dir) / f"{name}-{key}.zarr"
    if path.exists():
        try:
            return load_dataset(path), True
        except Exception:  # a store left half-written by an interrupted run: recompute it
            pass
    ds = compute()
    save_dataset(ds, path)
    return ds, False


def cached_array(cache_dir: str | Path | None, name: str, params: dict[str, Any],
                 compute: Callable[[], Any]) -> Any:
    """One finished piece of a long computation (an array), stored under (name, params).

    The building block of resumable experiments: each point of a grid is computed by
    ``compute`` and kept as soon as it is done, so an interrupted run loses only the point in
    progress. ``params`` must determine the result, seed included, and ``name`` must not be
    shared with a :func:`cached_dataset` store of another layout. With ``cache_dir=None``
    nothing is stored and ``compute`` runs.
    """
    if cache_dir is None:
        return np.asarray(compute())

    def as_dataset() -> xr.Dataset:
        values = np.asarray(compute())
        return xr.Dataset({"values": (tuple(f"d{i}" for i in range(values.ndim)), values)})

    ds, _ = cached_dataset(cache_dir, name, params, as_dataset)
    return ds["values"].values
