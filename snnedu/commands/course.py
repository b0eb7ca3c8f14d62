"""Get the course: copy the notebooks and quiz banks to a folder, optionally open JupyterLab.

snnedu course copy DEST      copy the material (your edited files are kept)
snnedu course open [DEST]    copy (if needed) and start JupyterLab there
snnedu course list           the lecture notebooks, in order
"""

from __future__ import annotations

import argparse

NAME = "course"
HELP = "copy the course notebooks to a folder and open them in JupyterLab"
OPEN_HELP = """\
Copy the course to DEST (files you edited are kept) and start JupyterLab there.

As root (containers, many cloud machines) JupyterLab is started with --allow-root. With no
display or browser (SSH, containers) no tab is opened: open the address with its token that
JupyterLab prints. Options after -- go to JupyterLab as given:

  snnedu course open                                 ./snnedu-course
  snnedu course open my-course -- --port=8899        another folder and port
  snnedu course open -- --ip=0.0.0.0 --port=8888     reachable from outside a container
"""


def register(parser) -> None:
    """Add the ``course`` actions to ``parser``, the subcommand's own parser.

    The actions are copy, open, list. Each one sets ``func``, which :func:`snnedu.cli.main`
    calls with the parsed arguments; ``snnedu course`` alone prints this subcommand's help.
    """
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    copy = actions.add_parser("copy", help="copy the notebooks and quiz banks to DEST")
    copy.add_argument("dest", nargs="?", default="snnedu-course", help="target folder")
    copy.add_argument("--overwrite", action="store_true", help="replace files already there")
    copy.set_defaults(func=_copy)
    open_ = actions.add_parser(
        "open",
        help="copy to DEST (default ./snnedu-course), start JupyterLab",
        description=OPEN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    open_.add_argument(
        "rest",
        nargs="*",
        metavar="[DEST] [-- JUPYTER_OPTION ...]",
        help="target folder (default snnedu-course), then JupyterLab options after --",
    )
    open_.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="open a browser tab (default: only if this machine has a display and a browser)",
    )
    open_.set_defaults(func=_open)
    list_ = actions.add_parser("list", help="list the lecture notebooks")
    list_.set_defaults(func=_list)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _copy(args) -> int:
    from snnedu.course import copy_course

    print(f"course copied to {copy_course(args.dest, overwrite=args.overwrite)}")
    return 0


def _open(args) -> int:
    import snnedu.course as course

    rest = list(args.rest)
    dest = rest.pop(0) if rest and not rest[0].startswith("-") else "snnedu-course"
    if rest and not rest[0].startswith("-"):
        raise ValueError(
            f"{rest[0]!r} is neither the course folder ({dest!r} is) nor a JupyterLab option; "
            "put JupyterLab options after --, e.g. snnedu course open -- --port=8899"
        )
    destination = course.copy_course(dest)
    command = course.jupyter_command(destination, browser=args.browser, extra=rest)
    print(f"course in {destination}; starting JupyterLab (Ctrl-C twice to stop)")
    if "--allow-root" in command:
        print("running as root: JupyterLab is started with --allow-root")
    if "--no-browser" in command:
        print(
            "no browser is opened here: open the http://…/lab?token=… address JupyterLab prints "
            "below (in a container, add -- --ip=0.0.0.0 and publish the port)"
        )
    return course.run_jupyter(command)


def _list(args) -> int:
    from snnedu.course import notebooks

    for path in notebooks():
        print(path.name)
    return 0
