"""Course assignments (nbgrader) for instructors: generate, autograde, export grades.

snnedu assignments list                          the assignments and their points
snnedu assignments generate [COURSE]             course folder + student versions in COURSE/release
snnedu assignments autograde COURSE ASSIGNMENT --submissions FOLDER
                                                 collect the students' notebooks and grade them
snnedu assignments export COURSE [--to FILE]     every grade in one CSV file

COURSE is an nbgrader course folder (default ./snnedu-assignments); the `nbgrader` command
works in it too. A hand-in that cannot be graded is reported in one line (student, reason) and
the others are graded; the exit status is then 1. Needs the instructor extras, installed from
a checkout of snnedu: pip install -e ".[instructor]"
"""

from __future__ import annotations

import sys

NAME = "assignments"
HELP = "instructors: generate student versions of the assignments, autograde, export grades"

DEFAULT_COURSE = "snnedu-assignments"
"""The course folder ``generate`` makes when none is named."""


def register(parser) -> None:
    """Add the ``assignments`` actions to ``parser``, the subcommand's own parser.

    The actions are list, generate, autograde, export. Each one sets ``func``,
    which :func:`snnedu.cli.main` calls with the parsed arguments; ``snnedu assignments``
    alone prints this subcommand's help.
    """
    actions = parser.add_subparsers(title="actions", metavar="ACTION")

    list_ = actions.add_parser("list", help="list the assignments and their points")
    list_.set_defaults(func=_list)

    generate = actions.add_parser(
        "generate", help="set up a course folder and write the student versions to its release/"
    )
    generate.add_argument("course", nargs="?", default=DEFAULT_COURSE, help="course folder")
    generate.add_argument(
        "-a",
        "--assignment",
        action="append",
        dest="assignments",
        metavar="NAME",
        help="only this assignment (repeat for more; default: all)",
    )
    generate.add_argument(
        "--overwrite",
        action="store_true",
        help="replace source notebooks already in the course folder with snnedu's",
    )
    generate.set_defaults(func=_generate)

    autograde = actions.add_parser(
        "autograde", help="collect submissions (optional) and autograde an assignment"
    )
    autograde.add_argument("course", help="course folder (made by 'generate')")
    autograde.add_argument("assignment", help="assignment name, e.g. a01_membrane")
    autograde.add_argument(
        "--submissions",
        metavar="FOLDER",
        help="folder with one sub-folder per student id (or one <student id>.ipynb each); "
        "copied into COURSE/submitted first",
    )
    autograde.add_argument(
        "-s",
        "--student",
        action="append",
        dest="students",
        metavar="ID",
        help="only this student (repeat for more; default: all who submitted)",
    )
    autograde.set_defaults(func=_autograde)

    export = actions.add_parser("export", help="write all grades to a CSV file")
    export.add_argument("course", help="course folder")
    export.add_argument("--to", metavar="FILE", help="CSV file (default: COURSE/grades.csv)")
    export.set_defaults(func=_export)

    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _list(args) -> int:
    """Print each assignment and its points."""
    from snnedu.exercises.assignments import list_assignments, max_points

    for name in list_assignments():
        print(f"{name:<28} {max_points(name):g} points")
    return 0


def _generate(args) -> int:
    """Set up the course folder and write the student versions."""
    from snnedu.exercises import assignments

    def run():
        course = assignments.setup_course(args.course, args.assignments, overwrite=args.overwrite)
        written = assignments.generate_student_versions(course, args.assignments)
        for path in written:
            print(f"student version: {path}")
        print(f"course folder {course}: hand out the notebooks in {course / 'release'}")
        return 0

    return _guarded(run)


def _autograde(args) -> int:
    """Collect (optionally) and autograde; 1 if a submission could not be graded."""
    from snnedu.exercises import assignments

    def run():
        failures = []
        if args.submissions:
            collected = assignments.collect_submissions(
                args.course, args.assignment, args.submissions
            )
            print(f"collected {len(collected.students)} submission(s) of {args.assignment}")
            failures += collected.failures
        failed = {failure.student for failure in failures}
        students = args.students
        if students is not None:
            students = [student for student in students if student not in failed]
        result = assignments.autograde(args.course, args.assignment, students)
        failures += result.failures
        if not result.scores and not failures:
            print(f"no submissions of {args.assignment} in {args.course}/submitted")
        for score in result.scores:
            print(f"{score.student:<24} {score.score:g} / {score.max_score:g}")
        for failure in failures:
            print(f"{failure.student:<24} not graded: {failure.reason}")
        return 1 if failures else 0

    return _guarded(run)


def _export(args) -> int:
    """Write every grade to a CSV file."""
    from snnedu.exercises import assignments

    def run():
        print(f"grades written to {assignments.export_grades(args.course, args.to)}")
        return 0

    return _guarded(run)


def _guarded(run) -> int:
    """Run an nbgrader step; a missing nbgrader or a failed step is a message, not a traceback."""
    from snnedu.exercises.assignments import NbgraderError, NbgraderMissingError

    try:
        return run()
    except (NbgraderMissingError, NbgraderError) as error:
        print(f"snnedu assignments: error: {error}", file=sys.stderr)
        return 2
