"""Course assignments for instructors: nbgrader around the exercises in ``exercises/assignments``.

Every lecture notebook has an assignment in nbgrader's source format (solution regions,
autograded test cells with points, hidden tests). This module runs nbgrader's own machinery
(:class:`nbgrader.apps.NbGraderAPI`) on them, so an instructor needs no nbgrader
configuration of their own:

1. :func:`setup_course` makes a course folder (``source/<assignment>/``, ``nbgrader_config.py``);
2. :func:`generate_student_versions` writes the student versions to ``release/`` (solutions and
   hidden tests removed) — hand these out;
3. :func:`collect_submissions` copies the students' notebooks into ``submitted/`` (a file that
   is not a notebook is reported, not copied);
4. :func:`autograde` runs them and records the scores in ``gradebook.db``; a submission that
   cannot be graded is reported in one line and the others are graded all the same;
5. :func:`export_grades` writes the grades to a CSV file ("not submitted" where there is none).

The graded tests run each student's function with the package function it is compared with
switched off (:mod:`snnedu.exercises.grading`), so calling that function earns nothing.

nbgrader is an optional dependency (from a checkout: ``pip install -e ".[instructor]"``); this
module imports it only when a function needs it. The same steps from a terminal:
``snnedu assignments --help``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from snnedu.course import course_root

COURSE_ID = "snnedu"
"""The course id written to ``nbgrader_config.py`` (nbgrader's exchange uses it)."""

CELL_TIMEOUT_S = 120
"""Longest a single cell may run while autograding [s] (nbgrader's default is 30 s)."""

INSTALL_INSTRUCTOR = 'pip install -e ".[instructor]"'
"""How to install the instructor extras (nbgrader), run in a checkout of snnedu."""

NOT_SUBMITTED = "not submitted"
"""What :func:`export_grades` writes in the score column of a missing submission."""

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
            f"instructor extras, in your checkout of snnedu, with: {INSTALL_INSTRUCTOR}"
        )


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message holds nbgrader's log."""


class Score(NamedTuple):
    """The autograded score of one submission."""

    student: str
    score: float  # points earned
    max_score: float  # points available


class Failure(NamedTuple):
    """A submission that could not be collected or graded."""

    student: str
    reason: str  # one line: what was wrong and what to do


class Collected(NamedTuple):
    """What :func:`collect_submissions` copied, and what it could not."""

    students: list[str]
    failures: list[Failure]


class Autograded(NamedTuple):
    """What :func:`autograde` graded, and whom it could not."""

    scores: list[Score]
    failures: list[Failure]


def assignments_folder() -> Path:
    """Return the folder of the assignments' source versions (``exercises/assignments``)."""
    return course_root() / "exercises" / "assignments"


def list_assignments(folder: str | Path | None = None) -> list[str]:
    """List the names of the assignments in ``folder`` (default: the course's own), sorted.

    An assignment is a sub-folder holding at least one notebook.

    Raises
    ------
    FileNotFoundError
        If the folder does not exist (the installed package ships no assignments: the
        message says to work from a checkout).

    >>> "a04_poisson" in list_assignments()
    True
    """
    folder = assignments_folder() if folder is None else Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no assignments folder at {folder}. The assignments hold their solutions, so the "
            "installed package does not ship them: instructors work from a checkout of snnedu "
            '(pip install -e ".[instructor]" there), or pass the folder of their own copy.'
        )
    return sorted(
        path.name
        for path in folder.iterdir()
        if path.is_dir() and not path.name.startswith(".") and any(path.glob("*.ipynb"))
    )


def max_points(assignment: str, folder: str | Path | None = None) -> float:
    """Sum the points of the autograded cells of ``assignment`` (from its source notebooks).

    Raises
    ------
    ValueError
        If ``folder`` has no assignment of that name (the message lists the ones it has).

    Examples
    --------
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

    Returns
    -------
    Path
        The course folder, resolved.

    Raises
    ------
    ValueError
        If an assignment named in ``assignments`` does not exist.
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

    Parameters
    ----------
    course_dir : str or Path
        A course folder made by :func:`setup_course`.
    assignments : iterable of str, optional
        Which assignments (default: every one in the course folder's ``source/``).

    Returns
    -------
    list of Path
        The student notebooks written.

    Raises
    ------
    NbgraderMissingError
        If nbgrader is not installed.
    NbgraderError
        If nbgrader fails; the message holds its log.
    """
    api = _api(course_dir)
    names = _select(assignments, _course_assignments(course_dir))
    written = []
    for name in names:
        with _scripts_on_path(), _quiet_nbgrader():
            result = api.generate_assignment(name)
        _require_success(result, f"generating {name}")
        written += sorted((Path(api.coursedir.root) / "release" / name).glob("*.ipynb"))
    return written


def collect_submissions(course_dir: str | Path, assignment: str, folder: str | Path) -> Collected:
    """Copy students' notebooks from ``folder`` into ``course_dir/submitted`` for grading.

    ``folder`` holds either one sub-folder per student (named by the student id, with the
    student's notebooks inside: nbgrader's own layout) or, for a one-notebook assignment, one
    notebook per student named ``<student id>.ipynb``. A student's earlier copy in
    ``submitted/`` is replaced by what is in ``folder`` now. Whatever cannot be collected (a
    file that is not a notebook, a folder without one) is reported in ``failures`` and copied
    nowhere, so it cannot block the grading of the others.

    Parameters
    ----------
    course_dir : str or Path
        A course folder made by :func:`setup_course`, with ``assignment`` in its ``source/``.
    assignment : str
        The assignment's name, e.g. ``"a01_membrane"``.
    folder : str or Path
        The hand-ins, laid out as above.

    Returns
    -------
    Collected
        The students whose notebooks were copied, and the failures (student, reason).

    Raises
    ------
    FileNotFoundError
        If ``folder`` does not exist.
    ValueError
        If ``assignment`` is not in the course folder (the message says how to add it).
    """
    course_dir = Path(course_dir).expanduser().resolve()
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no submissions folder at {folder}")
    notebooks = sorted(p.name for p in (course_dir / "source" / assignment).glob("*.ipynb"))
    if not notebooks:
        raise ValueError(
            f"assignment {assignment!r} is not in the course folder {course_dir}; add it with: "
            f"snnedu assignments generate {course_dir} -a {assignment}"
        )
    students: list[str] = []
    failures: list[Failure] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            student = entry.name
            files = sorted(entry.glob("*.ipynb"))
            if not files:
                failures.append(Failure(student, f"no notebook (.ipynb) in {entry}"))
                continue
            if len(notebooks) == 1 and len(files) == 1:
                copies = {files[0]: notebooks[0]}  # one notebook, whatever its name
            else:
                copies = {path: path.name for path in files}
        elif entry.suffix == ".ipynb":
            student = entry.stem
            if len(notebooks) != 1:
                failures.append(
                    Failure(
                        student,
                        f"{entry.name} is a single notebook, but {assignment!r} has "
                        f"{len(notebooks)} notebooks; hand in a folder {student}/ with all of them",
                    )
                )
                continue
            copies = {entry: notebooks[0]}
        else:
            failures.append(Failure(entry.name, "not a notebook (.ipynb); not collected"))
            continue
        target = course_dir / "submitted" / student / assignment
        problems = [problem for path in copies if (problem := _notebook_problem(path))]
        if target.exists():
            shutil.rmtree(target)  # replaced by this hand-in (or removed, if it is broken)
        if problems:
            failures.append(Failure(student, problems[0]))
            continue
        target.mkdir(parents=True)
        for path, name in copies.items():
            shutil.copy2(path, target / name)
        students.append(student)
    return Collected(students, failures)


def autograde(
    course_dir: str | Path, assignment: str, students: Iterable[str] | None = None
) -> Autograded:
    """Autograde the submissions of ``assignment``: each student's score, and who failed.

    nbgrader restores the test cells (and hidden tests) from the gradebook, runs each
    notebook top to bottom (a cell that raises simply earns no points) and stores the scores
    in ``course_dir/gradebook.db``; the graded notebooks go to ``autograded/``. A submission
    that cannot be graded at all (not a notebook, missing) is reported in ``failures`` with
    a one-line reason; everyone else is graded.

    Parameters
    ----------
    course_dir : str or Path
        A course folder made by :func:`setup_course`.
    assignment : str
        The assignment's name, e.g. ``"a01_membrane"``.
    students : iterable of str, optional
        Whose submissions to grade (default: everyone in ``submitted/`` with this assignment).

    Returns
    -------
    Autograded
        The scores of the graded submissions and the failures (student, one-line reason).

    Raises
    ------
    NbgraderMissingError
        If nbgrader is not installed.
    FileNotFoundError
        If ``course_dir`` is not a course folder.
    """
    api = _api(course_dir)
    root = Path(api.coursedir.root)
    if students is None:
        students = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}"))
    graded: list[str] = []
    failures: list[Failure] = []
    for student in students:
        submission = root / "submitted" / student / assignment
        notebooks = sorted(submission.glob("*.ipynb"))
        if not notebooks:
            failures.append(
                Failure(
                    student,
                    f"no submission in {submission}; collect it with: snnedu assignments "
                    f"autograde {root} {assignment} --submissions FOLDER",
                )
            )
            continue
        problems = [problem for path in notebooks if (problem := _notebook_problem(path))]
        if problems:
            failures.append(Failure(student, f"{problems[0]} (in {submission})"))
            continue
        with _scripts_on_path(), _quiet_nbgrader():
            result = api.autograde(assignment, student)
        if result.get("success", False):
            graded.append(student)
        else:
            failures.append(Failure(student, _one_line(result)))
    return Autograded(scores(course_dir, assignment, graded), failures)


def scores(
    course_dir: str | Path, assignment: str, students: Iterable[str] | None = None
) -> list[Score]:
    """Read the recorded scores of ``assignment`` from the gradebook.

    Parameters
    ----------
    course_dir : str or Path
        A course folder made by :func:`setup_course`.
    assignment : str
        The assignment's name.
    students : iterable of str, optional
        Whose scores (default: every student who submitted it).

    Returns
    -------
    list of Score
        One per student, in the order asked (default: sorted by id).

    Raises
    ------
    ValueError
        If a student named has no graded submission (the message says how to grade it).
    """
    from nbgrader.api import Gradebook, MissingEntry

    api = _api(course_dir)
    with _scripts_on_path(), _quiet_nbgrader():
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
                    f"{student!r} has no graded submission of {assignment!r}; grade it with: "
                    f"snnedu assignments autograde {api.coursedir.root} {assignment}"
                ) from error
            result.append(Score(student, float(submission.score), float(submission.max_score)))
        return result
    finally:
        gradebook.close()


EXPORT_COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
)
"""The columns of :func:`export_grades` (nbgrader's own CSV export)."""


def export_grades(course_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write every student's grade in every assignment to a CSV file and return its path.

    One row per (assignment, student) with nbgrader's columns (:data:`EXPORT_COLUMNS`). A
    student with no graded submission of an assignment gets ``not submitted`` in the score
    column (and empty raw score and penalty), not a 0 that looks like a graded result.

    Parameters
    ----------
    course_dir : str or Path
        A course folder made by :func:`setup_course`.
    path : str or Path, optional
        The CSV file to write; default ``course_dir/grades.csv``.

    Returns
    -------
    Path
        The CSV file written.
    """
    from nbgrader.api import Gradebook, MissingEntry

    api = _api(course_dir)
    path = Path(api.coursedir.root) / "grades.csv" if path is None else Path(path)
    with _scripts_on_path(), _quiet_nbgrader():
        gradebook = Gradebook(api.coursedir.db_url, COURSE_ID)
    try:
        rows = []
        for assignment in gradebook.assignments:
            for student in gradebook.students:
                row = {
                    "assignment": assignment.name,
                    "duedate": assignment.duedate,
                    "student_id": student.id,
                    "last_name": student.last_name,
                    "first_name": student.first_name,
                    "email": student.email,
                    "max_score": assignment.max_score,
                }
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    row.update(score=NOT_SUBMITTED)
                else:
                    penalty = submission.late_submission_penalty or 0.0
                    row.update(
                        timestamp=submission.timestamp,
                        raw_score=submission.score,
                        late_submission_penalty=penalty,
                        score=max(0.0, submission.score - penalty),
                    )
                rows.append(
                    {
                        key: "" if row.get(key) is None else row.get(key, "")
                        for key in EXPORT_COLUMNS
                    }
                )
    finally:
        gradebook.close()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _api(course_dir: str | Path):
    """Make an :class:`nbgrader.apps.NbGraderAPI` for the course folder (its own config only)."""
    try:
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config
    except ImportError as error:
        raise NbgraderMissingError() from error
    root = Path(course_dir).expanduser().resolve()
    if not (root / "source").is_dir():
        raise FileNotFoundError(
            f"{root} is not a course folder (no source/ in it); create one with: "
            f"snnedu assignments generate {root}"
        )
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = COURSE_ID
    config.Execute.timeout = CELL_TIMEOUT_S
    config.NbGraderAPI.log_level = "WARN"
    # The grading kernel logs a warning that it talks over local TCP without encryption, once
    # per student, in front of the scores. The kernel runs on this machine for this process
    # only, so that warning tells an instructor nothing: the kernel logs errors only.
    # (nbgrader's own default argument, the in-memory history file, is kept.)
    config.Execute.extra_arguments = [
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",
    ]
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


@contextlib.contextmanager
def _quiet_nbgrader() -> Iterator[None]:
    """Hide the SQLAlchemy warnings nbgrader's gradebook raises on every autograde.

    nbgrader (0.9) builds submissions and notebooks before adding them to the database
    session, and SQLAlchemy 2 warns "Object of type <SubmittedAssignment> not in session, add
    operation along ... will not proceed" three times per student; the records are added
    right after, so the grades are complete. Only that message is hidden.
    """
    try:
        from sqlalchemy.exc import SAWarning
    except ImportError:  # pragma: no cover - nbgrader depends on SQLAlchemy
        yield
        return
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Object of type <\w+> not in session", category=SAWarning
        )
        yield


def _notebook_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable Jupyter notebook (None if it is one)."""
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any reason nbformat gives: not JSON, not a notebook, ...
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        detail = detail if len(detail) <= 80 else detail[:77] + "..."
        return f"{path.name} is not a Jupyter notebook ({type(error).__name__}: {detail})"
    return None


_EXCEPTION_LINE = re.compile(r"^\s*(?:[\w.]+\.)?(\w+(?:Error|Exception)): (.+)$")


def _one_line(result: dict) -> str:
    """Pick the most telling line of a failed nbgrader step's log and traceback."""
    text = "\n".join(filter(None, (result.get("log"), result.get("error"))))
    found = [
        f"{match[1]}: {match[2].strip()}"
        for line in text.splitlines()
        if (match := _EXCEPTION_LINE.match(line)) and match[1] != "NbGraderException"
    ]
    if found:
        line = found[-1]
    else:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        line = lines[-1] if lines else "nbgrader failed without a message"
    return line if len(line) <= 200 else line[:197] + "..."


def _course_assignments(course_dir: str | Path) -> list[str]:
    """List the assignments in the course folder's ``source/``."""
    return list_assignments(Path(course_dir).expanduser().resolve() / "source")


def _select(wanted: Iterable[str] | None, available: list[str]) -> list[str]:
    """Check the wanted assignments against those available (None: all of them)."""
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
    """Raise :class:`NbgraderError` with nbgrader's log if a step failed."""
    if not result.get("success", False):
        details = "\n".join(filter(None, (result.get("log"), result.get("error"))))
        raise NbgraderError(f"nbgrader failed {what}:\n{details}")
