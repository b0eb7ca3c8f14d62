"""Data: IDX files, MNIST and Fashion-MNIST (found, downloaded or given), offline digits."""

from snnedu.data.datasets import (
    Dataset,
    DatasetNotFoundError,
    load_dataset,
    load_dataset_or_offline,
    load_fashion_mnist,
    load_mnist,
    load_offline_digits,
)
from snnedu.data.idx import IDXFormatError, read_idx, write_idx

__all__ = [
    "Dataset",
    "DatasetNotFoundError",
    "IDXFormatError",
    "load_dataset",
    "load_dataset_or_offline",
    "load_fashion_mnist",
    "load_mnist",
    "load_offline_digits",
    "read_idx",
    "write_idx",
]
