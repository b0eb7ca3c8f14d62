"""Save and load networks as plain ``.npz`` files (arrays + JSON metadata; never pickle).

A file holds the weights, delays, thresholds, the state to resume from and the training log,
plus JSON metadata: format, version, preset, rule, parameters, seed, images seen, and the
caller's extra facts (data set, command line, ...).
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from snnedu.core.files import npz_path
from snnedu.models.stdp import STDPParams
from snnedu.networks.diehl_cook.params import DiehlCookParams, ProtocolParams, typed_params
from snnedu.networks.diehl_cook.state import (
    PER_IMAGE,
    DiehlCookNetwork,
    DiehlCookState,
    TrainingLog,
)

__all__ = ["load_diehl_cook", "read_metadata", "save_diehl_cook"]

_FORMAT = "snnedu.diehl_cook"
_FORMAT_VERSION = 2  # 2: typed flags, preset


def save_diehl_cook(path, network: DiehlCookNetwork, metadata: dict | None = None) -> Path:
    """Save ``network`` as a plain ``.npz`` (atomically).

    Parameters
    ----------
    path : str or os.PathLike
        Where to save; ``.npz`` is appended unless present (as :func:`numpy.savez` does).
    network : DiehlCookNetwork
    metadata : dict, optional
        Extra JSON-serialisable facts stored beside the network's own.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = npz_path(path)
    meta = {
        "format": _FORMAT,
        "version": _FORMAT_VERSION,
        "preset": network.preset,
        "rule": network.rule,
        "n": network.n,
        "params": network.params._asdict(),
        "protocol": network.protocol._asdict(),
        "stdp": network.stdp._asdict(),
        "seed": int(network.seed),
        "images_seen": int(network.images_seen),
        "metadata": metadata or {},
    }
    arrays = {"w": network.w, "delays": network.delays, "theta": network.theta}
    arrays.update({f"state.{k}": v for k, v in network.state._asdict().items()})
    seen = network.images_seen
    for k, v in network.log._asdict().items():
        arrays[f"log.{k}"] = v[:seen] if k in PER_IMAGE else v
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, path)
    return path


def load_diehl_cook(path) -> DiehlCookNetwork:
    """Load a network saved by :func:`save_diehl_cook` (or a training checkpoint).

    Raises
    ------
    FileNotFoundError
        If neither ``path`` nor ``path`` + ``.npz`` exists.
    ValueError
        If ``path`` is a folder or a file that is not a saved snnedu Diehl & Cook network.
    """
    path = _existing(path)
    with _open(path) as data:
        meta = _meta(data, path)
        try:
            arrays = {k: data[k] for k in data.files if k != "meta"}
        except (OSError, ValueError):  # e.g. object arrays: not written by snnedu
            raise ValueError(
                f"{path} holds arrays that snnedu does not write; it is not a saved network."
            ) from None
    # files of version 1 stored flags as floats; those written before hold_exc existed were
    # simulated with v held during t_ref
    p = typed_params(DiehlCookParams(**{"hold_exc": True, **meta["params"]}))
    q = typed_params(ProtocolParams(**meta["protocol"]))
    sp = STDPParams(**meta["stdp"])
    try:
        state = DiehlCookState(**{k: arrays[f"state.{k}"] for k in DiehlCookState._fields})
        log = TrainingLog(**{k: arrays[f"log.{k}"] for k in TrainingLog._fields})
        w, delays, theta = arrays["w"], arrays["delays"], arrays["theta"]
    except KeyError as missing:
        raise ValueError(f"{path} is incomplete: array {missing} is missing.") from None
    return DiehlCookNetwork(
        meta["rule"], p, q, sp, w, delays, theta, state, int(meta["seed"]),
        int(meta["images_seen"]), log, meta.get("preset", "paper"),
    )  # fmt: skip


def read_metadata(path) -> dict:
    """Return the JSON metadata of a saved network (parameters, rule, images seen, extras)."""
    path = _existing(path)
    with _open(path) as data:
        return _meta(data, path)


def _existing(path) -> Path:
    given = Path(path)
    path = given if given.is_file() else npz_path(given)
    if given.is_dir():
        raise ValueError(f"{given} is a folder, not a network file; give the .npz file.")
    if not path.is_file():
        raise FileNotFoundError(
            f"{given} does not exist; train a network first (snnedu mnist train)."
        )
    return path


def _open(path: Path):
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not a network saved by snnedu (not an .npz archive); give a file "
            "written by save_diehl_cook or 'snnedu mnist train'."
        )
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} cannot be read as a snnedu network: {error}") from None


def _meta(data, path) -> dict:
    if "meta" not in data.files:
        raise ValueError(f"{path} is not a snnedu Diehl & Cook network (no metadata).")
    try:
        meta = json.loads(str(data["meta"]))
    except (OSError, ValueError, TypeError):
        raise ValueError(f"{path} is not a snnedu Diehl & Cook network (bad metadata).") from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        got = meta.get("format") if isinstance(meta, dict) else None
        raise ValueError(f"{path} is not a snnedu Diehl & Cook network ({got}).")
    return meta
