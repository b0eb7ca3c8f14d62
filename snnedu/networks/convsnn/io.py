"""Saving and loading trained networks as ``.npz``.

A file holds arrays plus the parameters as JSON, no pickle.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from snnedu.core.files import npz_path
from snnedu.networks.convsnn.net2016 import Conv2016Model, Conv2016Params
from snnedu.networks.convsnn.net2018 import Conv2018Model, Conv2018Params


def save_convsnn(model, path) -> Path:
    """Save a model as ``.npz`` (arrays plus the parameters as JSON; no pickle).

    Parameters
    ----------
    model : Conv2016Model or Conv2018Model
    path : path
        ``.npz`` is appended when the name lacks it (as :func:`numpy.savez` does).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    kind = "2018" if isinstance(model, Conv2018Model) else "2016"
    arrays = {
        name: np.asarray(value) for name, value in model._asdict().items() if name != "params"
    }
    np.savez(
        path, network=np.array(kind), params=np.array(json.dumps(model.params._asdict())), **arrays
    )
    return npz_path(path)


def load_convsnn(path):
    """Load a model saved by :func:`save_convsnn`.

    Returns
    -------
    Conv2016Model or Conv2018Model

    Raises
    ------
    ValueError
        If there is no file at ``path``, it is a folder, or it is not a saved model.
    """
    path = Path(path)
    if not path.exists():
        raise ValueError(f"no model file at {path}; train one with `snnedu conv train`.")
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give the model's .npz file.")
    not_a_model = (
        f"{path} is not a model file written by `snnedu conv train` (or save_convsnn); "
        "check the file name, or train a model."
    )
    try:
        data = np.load(path, allow_pickle=False)
        if not hasattr(data, "files"):  # a bare .npy array
            raise ValueError(not_a_model)
        with data:
            kind = str(data["network"])
            values = json.loads(str(data["params"]))
            arrays = {k: data[k] for k in data.files if k not in ("network", "params")}
    except (OSError, KeyError, ValueError, EOFError):
        # numpy's own message for a text file suggests allow_pickle=True: never say that
        raise ValueError(not_a_model) from None
    if kind == "2018":  # files from before readout_shift existed were fitted without
        return Conv2018Model(Conv2018Params(**{"readout_shift": 0, **values}), **arrays)
    values["scales"] = tuple(values["scales"])
    values["orientations_deg"] = tuple(values["orientations_deg"])
    return Conv2016Model(Conv2016Params(**values), **arrays)
