"""Results as xarray Datasets: provenance attributes and zarr/netCDF persistence."""

from ._dataset import annotate as annotate
from ._dataset import provenance_attrs as provenance_attrs
from ._store import cached_array as cached_array
from ._store import cached_dataset as cached_dataset
from ._store import load_dataset as load_dataset
from ._store import save_dataset as save_dataset

__all__ = ["annotate", "provenance_attrs", "cached_array", "cached_dataset", "load_dataset", "save_dataset"]
