"""The ``snnedu`` command: ``snnedu --help`` lists what it can do.

Subcommands live in :mod:`snnedu.commands`, one module each, and are found at start-up.
Command modules import their heavy dependencies only when they run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

import snnedu
import snnedu.commands

DESCRIPTION = """\
snnedu: a course on spiking neural networks, in Jupyter notebooks backed by a fast
simulation package. Start with `snnedu course open` (copies the notebooks to ./snnedu-course
and opens JupyterLab), or run one of the networks from the terminal."""
"""What ``snnedu --help`` says before the list of commands."""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand of :mod:`snnedu.commands`.

    Each command module gives ``NAME``, ``HELP``, a module docstring (the subcommand's
    ``--help`` text) and ``register(parser)``; it is imported here, so it must defer its
    heavy imports to the functions that run.
    """
    parser = argparse.ArgumentParser(
        prog="snnedu",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"snnedu {snnedu.__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(snnedu.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"snnedu.commands.{info.name}")
        sub = subparsers.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``snnedu`` command line.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``snnedu`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 2 for a ``ValueError`` or ``FileNotFoundError`` (its
        message printed as ``snnedu: error: …``, no traceback), 130 after Ctrl-C; otherwise
        what the command returned.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("\nstopped.", file=sys.stderr)
        return 130
    except (ValueError, FileNotFoundError) as error:
        print(f"snnedu: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
