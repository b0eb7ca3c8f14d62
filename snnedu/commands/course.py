"""Get the course: copy the notebooks and quiz banks to a folder, optionally open JupyterLab.

snnedu course copy DEST      copy the material (your edited files are kept)
snnedu course open [DEST]    copy (if needed) and start JupyterLab there
snnedu course list           the lecture notebooks, in order
"""

from __future__ import annotations

import subprocess
import sys

NAME = "course"
HELP = "copy the course notebooks to a folder and open them in JupyterLab"


def register(parser) -> None:
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    copy = actions.add_parser("copy", help="copy the notebooks and quiz banks to DEST")
    copy.add_argument("dest", nargs="?", default="snnedu-course", help="target folder")
    copy.add_argument("--overwrite", action="store_true", help="replace files already there")
    copy.set_defaults(func=_copy)
    open_ = actions.add_parser(
        "open", help="copy to DEST (default ./snnedu-course), start JupyterLab"
    )
    open_.add_argument("dest", nargs="?", default="snnedu-course", help="target folder")
    open_.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    open_.set_defaults(func=_open)
    list_ = actions.add_parser("list", help="list the lecture notebooks")
    list_.set_defaults(func=_list)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _copy(args) -> int:
    from snnedu.course import copy_course

    print(f"course copied to {copy_course(args.dest, overwrite=args.overwrite)}")
    return 0


def _open(args) -> int:
    from snnedu.course import copy_course

    destination = copy_course(args.dest)
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={destination}"]
    if args.no_browser:
        command.append("--no-browser")
    print(f"course in {destination}; starting JupyterLab (Ctrl-C to stop)")
    return subprocess.call(command)


def _list(args) -> int:
    from snnedu.course import notebooks

    for path in notebooks():
        print(path.name)
    return 0
