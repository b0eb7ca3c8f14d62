"""Course assignments for instructors: nbgrader around the exercises in ``exercises/assignments``.

Every lecture notebook has an assignment in nbgrader's source format (solution regions,
autograded test cells with points, hidden tests). This module runs nbgrader's own machinery
(:class:`nbgrader.apps.NbGraderAPI`) on them, so an instructor needs no nbgrader
configuration of their own:

1. :func:`setup_course` makes a course folder (``source/<assignment>/``, ``nbgrader_config.py``);
2. :func:`generate_student_versions` writes the student versions to ``release/`` (solutions and
   hidden tests removed) — hand these out;
3. :func:`collect_submissions` copies the students' notebooks into ``submitted/``;
4. :func:`autograde` runs them and records the scores in ``gradebook.db``;
5. :func:`export_grades` writes the grades to a CSV file.

nbgrader is an optional dependency (``pip install "snnedu[instructor]"``); this module imports it
only when a function needs it. The same steps from a terminal: ``snnedu assignments --help``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from snnedu.course import course_root

COURSE_ID = "snnedu"
"""The course id written to ``nbgrader_config.py`` (nbgrader's exchange uses it)."""

CELL_TIMEOUT_S = 120
"""Longest a single cell may run while autograding [s] (nbgrader's default is 30 s)."""

_CONFIG = '''\
"""nbgrader configuration of this course folder (written by snnedu)."""

c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.Execute.timeout = {timeout}
'''


class NbgraderMissingError(ImportError):
    """nbgrader, the instructor's optional dependency, is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "the assignment tools need nbgrader, which is not installed; install the "
            'instructor extras with: pip install "snnedu[instructor]"'
        )


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message holds nbgrader's log."""


class Score(NamedTuple):
    """The autograded score of one submission."""

    student: str
    score: float  # points earned
    max_score: float  # points available


def assignments_folder() -> Path:
    """The folder holding the assignments' source versions (``exercises/assignments``)."""
    return course_root() / "exercises" / "assignments"


def list_assignments(folder: str | Path | None = None) -> list[str]:
    """Names of the assignments in ``folder`` (default: the course's own), sorted.

    An assignment is a sub-folder holding at least one notebook.

    >>> "a04_poisson" in list_assignments()
    True
    """
    folder = assignments_folder() if folder is None else Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no assignments folder at {folder}")
    return sorted(
        path.name
        for path in folder.iterdir()
        if path.is_dir() and not path.name.startswith(".") and any(path.glob("*.ipynb"))
    )


def max_points(assignment: str, folder: str | Path | None = None) -> float:
    """Total points of the autograded cells of ``assignment`` (read from its source notebooks).

    >>> max_points("a04_poisson") > 0
    True
    """
    folder = assignments_folder() if folder is None else Path(folder)
    notebooks = sorted((folder / assignment).glob("*.ipynb"))
    if not notebooks:
        known = ", ".join(list_assignments(folder))
        raise ValueError(f"no assignment {assignment!r} in {folder}; choose from {known}")
    total = 0.0
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade"):
                total += float(meta.get("points", 0.0))
    return total


def setup_course(
    course_dir: str | Path,
    assignments: Iterable[str] | None = None,
    source: str | Path | None = None,
    overwrite: bool = False,
) -> Path:
    """Create (or update) an nbgrader course folder and return its path.

    Copies each assignment's source version to ``course_dir/source/<assignment>/`` and writes
    ``course_dir/nbgrader_config.py``, so the ``nbgrader`` command also works in that folder.

    Parameters
    ----------
    course_dir : path
        The course folder; created if missing.
    assignments : iterable of str, optional
        Which assignments to copy (default: all of them).
    source : path, optional
        Where the assignments' source versions are (default: :func:`assignments_folder`).
    overwrite : bool
        Replace source notebooks already in the course folder (default: keep them, so an
        instructor's edits survive).
    """
    course_dir = Path(course_dir).expanduser().resolve()
    source = assignments_folder() if source is None else Path(source)
    names = _select(assignments, list_assignments(source))
    for name in names:
        target = course_dir / "source" / name
        for path in sorted((source / name).iterdir()):
            if path.name.startswith(".") or path.name == "__pycache__" or path.is_dir():
                continue
            destination = target / path.name
            if destination.exists() and not overwrite:
                continue
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    config = course_dir / "nbgrader_config.py"
    config.write_text(
        _CONFIG.format(root=str(course_dir), course_id=COURSE_ID, timeout=CELL_TIMEOUT_S),
        encoding="utf-8",
    )
    return course_dir


def generate_student_versions(
    course_dir: str | Path, assignments: Iterable[str] | None = None
) -> list[Path]:
    """Write the student version of each assignment to ``course_dir/release/<assignment>/``.

    nbgrader removes the solution regions (leaving ``raise NotImplementedError()``) and the
    hidden tests, and records the assignment (its grade cells and points) in the gradebook.
    Returns the student notebooks written.
    """
    api = _api(course_dir)
    names = _select(assignments, _course_assignments(course_dir))
    written = []
    for name in names:
        with _scripts_on_path():
            result = api.generate_assignment(name)
        _require_success(result, f"generating {name}")
        written += sorted((Path(api.coursedir.root) / "release" / name).glob("*.ipynb"))
    return written


def collect_submissions(course_dir: str | Path, assignment: str, folder: str | Path) -> list[str]:
    """Copy students' notebooks from ``folder`` into ``course_dir/submitted`` for grading.

    ``folder`` holds either one sub-folder per student (named by the student id, with the
    student's notebooks inside: nbgrader's own layout) or, for a one-notebook assignment, one
    notebook per student named ``<student id>.ipynb``. Returns the student ids collected.
    """
    course_dir = Path(course_dir).expanduser().resolve()
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no submissions folder at {folder}")
    notebooks = sorted(p.name for p in (course_dir / "source" / assignment).glob("*.ipynb"))
    if not notebooks:
        raise ValueError(
            f"assignment {assignment!r} is not in the course folder {course_dir}; "
            "run setup_course first"
        )
    students = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        target = course_dir / "submitted" / entry.stem / assignment
        if entry.is_dir():
            files = sorted(entry.glob("*.ipynb"))
            if not files:
                continue
            target.mkdir(parents=True, exist_ok=True)
            for path in files:
                shutil.copy2(path, target / path.name)
        elif entry.suffix == ".ipynb":
            if len(notebooks) != 1:
                raise ValueError(
                    f"{entry} is a single notebook, but {assignment!r} has {len(notebooks)} "
                    "notebooks; give one folder per student instead"
                )
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(entry, target / notebooks[0])
        else:
            continue
        students.append(entry.stem)
    return students


def autograde(
    course_dir: str | Path, assignment: str, students: Iterable[str] | None = None
) -> list[Score]:
    """Autograde the submissions of ``assignment`` and return each student's score.

    nbgrader restores the test cells (and hidden tests) from the gradebook, runs each
    notebook top to bottom (a cell that raises simply earns no points) and stores the scores
    in ``course_dir/gradebook.db``; the graded notebooks go to ``autograded/``.

    Parameters
    ----------
    students : iterable of str, optional
        Whose submissions to grade (default: everyone in ``submitted/`` with this assignment).
    """
    api = _api(course_dir)
    root = Path(api.coursedir.root)
    if students is None:
        students = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}"))
    students = list(students)
    for student in students:
        with _scripts_on_path():
            result = api.autograde(assignment, student)
        _require_success(result, f"autograding {assignment} for {student}")
    return scores(course_dir, assignment, students)


def scores(
    course_dir: str | Path, assignment: str, students: Iterable[str] | None = None
) -> list[Score]:
    """The recorded scores of ``assignment`` (default: every student who submitted it)."""
    from nbgrader.api import Gradebook, MissingEntry

    api = _api(course_dir)
    with _scripts_on_path():
        gradebook = Gradebook(api.coursedir.db_url, COURSE_ID)
    try:
        if students is None:
            submissions = gradebook.find_assignment(assignment).submissions
            students = sorted(s.student.id for s in submissions)
        result = []
        for student in students:
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry as error:
                raise ValueError(
                    f"{student!r} has no graded submission of {assignment!r}; autograde first"
                ) from error
            result.append(Score(student, float(submission.score), float(submission.max_score)))
        return result
    finally:
        gradebook.close()


def export_grades(course_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write every student's grade in every assignment to a CSV file and return its path.

    One row per (assignment, student) with nbgrader's columns (``assignment, duedate,
    timestamp, student_id, last_name, first_name, email, raw_score, late_submission_penalty,
    score, max_score``); a student with no submission scores 0. Default path:
    ``course_dir/grades.csv``.
    """
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    api = _api(course_dir)
    path = Path(api.coursedir.root) / "grades.csv" if path is None else Path(path)
    with _scripts_on_path():
        gradebook = Gradebook(api.coursedir.db_url, COURSE_ID)
    try:
        CsvExportPlugin(to=str(path)).export(gradebook)
    finally:
        gradebook.close()
    return path


def _api(course_dir: str | Path):
    """An :class:`nbgrader.apps.NbGraderAPI` for the course folder (its own config only)."""
    try:
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config
    except ImportError as error:
        raise NbgraderMissingError() from error
    root = Path(course_dir).expanduser().resolve()
    if not (root / "source").is_dir():
        raise FileNotFoundError(
            f"{root} is not a course folder (no source/ in it); create one with "
            "setup_course (snnedu assignments generate DIR)"
        )
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = COURSE_ID
    config.Execute.timeout = CELL_TIMEOUT_S
    config.NbGraderAPI.log_level = "WARN"
    # nbgrader's shared-server exchange is not used here, but the API checks that its root is a
    # writable folder when it starts; the course folder is one, so nothing is looked up in /srv.
    config.Exchange.root = str(root)
    return NbGraderAPI(config=config)


@contextlib.contextmanager
def _scripts_on_path() -> Iterator[None]:
    """Put this Python's scripts folder first on PATH while nbgrader runs.

    nbgrader starts the ``alembic`` command (installed beside it) by name to check its
    database; in a virtual environment that was not activated it would not be found.
    """
    scripts = str(Path(sys.executable).parent)
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([scripts, old]) if old else scripts
    try:
        yield
    finally:
        os.environ["PATH"] = old


def _course_assignments(course_dir: str | Path) -> list[str]:
    return list_assignments(Path(course_dir).expanduser().resolve() / "source")


def _select(wanted: Iterable[str] | None, available: list[str]) -> list[str]:
    if wanted is None:
        return available
    wanted = list(wanted)
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise ValueError(
            f"unknown assignment(s) {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(available)}"
        )
    return wanted


def _require_success(result: dict, what: str) -> None:
    if not result.get("success", False):
        details = "\n".join(filter(None, (result.get("log"), result.get("error"))))
        raise NbgraderError(f"nbgrader failed {what}:\n{details}")
