"""Diehl & Cook N=400 speed of whichever snnedu is on the path, for A/B runs against older code.

Prints one JSON line: training images/s on one thread and testing images/s on two threads,
each the median of five runs of the same work (``paper`` settings, linearly implicit membrane
step; ``--euler`` for forward Euler). It uses only functions that snnedu has had since before
the Diehl & Cook package was split, so the same script times an older checkout::

    git worktree add /tmp/snnedu-old d223690     # the code before the rebuild
    for r in 1 2 3; do
        PYTHONPATH=/tmp/snnedu-old NUMBA_CACHE_DIR=/tmp/snnedu-old/.numba_cache \
            python benchmarks/speed_ab_diehl_cook.py old
        python benchmarks/speed_ab_diehl_cook.py new
    done

Alternating the two in one session makes their ratio meaningful on a machine whose speed
drifts; the absolute figures are only comparable with others taken in the same session.
"""

from __future__ import annotations

import argparse
import json
import os

import numba
import numpy as np
from timing import repeated

from snnedu.data import load_dataset
from snnedu.networks import diehl_cook as dc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("label", help="a name for this checkout in the output")
    parser.add_argument("--euler", action="store_true", help="forward Euler (paper's default)")
    args = parser.parse_args()
    train = load_dataset("mnist", "train", download=False)
    test = load_dataset("mnist", "test", download=False)
    protocol = None
    if not args.euler:
        try:
            protocol = dc.preset("paper", 400)[1]._replace(implicit_euler=True)
        except AttributeError:  # before presets: a float switch
            protocol = dc.ProtocolParams(implicit_euler=1.0)
    net = dc.init_diehl_cook(400, protocol=protocol, rng=np.random.default_rng(0))
    numba.set_num_threads(1)
    warm = dc.train_diehl_cook(net, train.images[:300]).network  # and compile
    _, wall, _ = repeated(lambda: dc.train_diehl_cook(warm, train.images[300:600]), 5)
    train_rates = 300 / wall
    numba.set_num_threads(2)
    dc.respond_diehl_cook(warm, test.images[:16], np.random.default_rng(1))  # compile
    images = test.images[:1200]
    _, wall, _ = repeated(lambda: dc.respond_diehl_cook(warm, images, np.random.default_rng(1)), 5)
    test_rates = len(images) / wall
    print(json.dumps({"code": args.label, "euler": args.euler,
                      "train_img_s": round(float(np.median(train_rates))),
                      "train_runs": [round(r) for r in train_rates],
                      "test_img_s_2_threads": round(float(np.median(test_rates))),
                      "test_runs": [round(r) for r in test_rates],
                      "load_average": round(os.getloadavg()[0], 2)}), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
