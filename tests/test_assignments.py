"""The nbgrader round trip on the real assignments in ``exercises/assignments``.

One course folder per test session: every assignment's student version is generated once;
each assignment is then autograded twice, once with its reference solution (the source
version) handed in, once with the untouched student version.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from snnedu import cli
from snnedu.exercises import assignments

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

NAMES = assignments.list_assignments()
REFERENCE = "reference"  # hands in the source version (the solutions)
UNTOUCHED = "untouched"  # hands in the student version as released

_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _secret_lines(cells: list[dict], pattern: re.Pattern) -> set[str]:
    """Lines inside the marked regions that appear nowhere outside them."""
    inside, outside = set(), set()
    for cell in cells:
        text = _source(cell)
        for region in pattern.findall(text):
            inside.update(line.strip() for line in region.splitlines())
        outside.update(line.strip() for line in pattern.sub("", text).splitlines())
    return {line for line in inside - outside if line and not line.startswith("#")}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with every assignment generated and both submissions in place."""
    root = assignments.setup_course(tmp_path_factory.mktemp("course"))
    assignments.generate_student_versions(root)
    for name in NAMES:
        for student, version in ((REFERENCE, "source"), (UNTOUCHED, "release")):
            target = root / "submitted" / student / name
            target.mkdir(parents=True)
            for notebook in (root / version / name).glob("*.ipynb"):
                shutil.copy(notebook, target / notebook.name)
    return root


@pytest.fixture(scope="module")
def graded(course):
    """Autograde an assignment's two submissions on first request: name -> {student: Score}."""
    results: dict[str, dict] = {}

    def grade(name: str) -> dict:
        if name not in results:
            scores = assignments.autograde(course, name, [REFERENCE, UNTOUCHED])
            results[name] = {score.student: score for score in scores}
        return results[name]

    return grade


def test_every_lecture_notebook_01_to_08_has_an_assignment():
    assert [int(name[1:3]) for name in NAMES] == list(range(1, 9))


@pytest.mark.parametrize("name", NAMES)
def test_source_version_is_valid_nbgrader_source_without_outputs(name):
    path = assignments.assignments_folder() / name / f"{name}.ipynb"
    cells = _cells(path)
    grade_ids = [_nbgrader(c)["grade_id"] for c in cells if _nbgrader(c)]
    assert len(grade_ids) == len(set(grade_ids)), "grade ids must be unique"
    tests = [c for c in cells if _nbgrader(c).get("grade")]
    solutions = [c for c in cells if _nbgrader(c).get("solution")]
    assert 2 <= len(solutions) <= 4, "two to four tasks"
    assert tests and all(_nbgrader(c)["points"] > 0 and _nbgrader(c)["locked"] for c in tests)
    assert all(_nbgrader(c)["schema_version"] == 3 for c in cells if _nbgrader(c))
    assert all("### BEGIN SOLUTION" in _source(c) for c in solutions)
    assert any("### BEGIN HIDDEN TESTS" in _source(c) for c in tests)
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert assignments.max_points(name) == sum(_nbgrader(c)["points"] for c in tests)


@pytest.mark.parametrize("name", NAMES)
def test_student_version_has_no_solutions_and_no_hidden_tests(course, name):
    source = _cells(course / "source" / name / f"{name}.ipynb")
    student = _cells(course / "release" / name / f"{name}.ipynb")
    text = "\n".join(_source(cell) for cell in student)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    secrets = _secret_lines(source, _SOLUTION) | _secret_lines(source, _HIDDEN)
    assert secrets, "the source version should hold solutions and hidden tests"
    student_lines = {line.strip() for line in text.splitlines()}
    assert not secrets & student_lines, f"left in the student version: {secrets & student_lines}"
    stubs = [_source(c) for c in student if _nbgrader(c).get("solution")]
    assert stubs and all("raise NotImplementedError()" in stub for stub in stubs)


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_earns_full_marks(course, graded, name):
    score = graded(name)[REFERENCE]
    assert score.max_score == assignments.max_points(name) > 0
    assert score.score == score.max_score
    # the hidden tests were put back and run when grading
    graded_cells = _cells(course / "autograded" / REFERENCE / name / f"{name}.ipynb")
    assert any("BEGIN HIDDEN TESTS" in _source(c) for c in graded_cells)


@pytest.mark.parametrize("name", NAMES)
def test_untouched_student_version_earns_zero_without_crashing_the_grader(course, graded, name):
    score = graded(name)[UNTOUCHED]
    assert score.max_score == assignments.max_points(name)
    assert score.score == 0.0
    graded_cells = _cells(course / "autograded" / UNTOUCHED / name / f"{name}.ipynb")
    errors = {
        output["ename"]
        for cell in graded_cells
        if _nbgrader(cell).get("grade")
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    }
    assert errors <= {"NotImplementedError", "NameError"}, errors


def test_hidden_tests_catch_an_answer_the_visible_test_lets_through(course, tmp_path):
    # a04: a rate in the right range (the visible check passes), but not the coded one
    name = "a04_poisson"
    notebook = json.loads((course / "source" / name / f"{name}.ipynb").read_text("utf-8"))
    (answer,) = [c for c in notebook["cells"] if _nbgrader(c).get("grade_id") == "codes"]
    answer["source"] = _source(answer).replace(
        "rate_200_hz = 200 / 255 * 63.75", "rate_200_hz = 40.0"
    )
    assert "rate_200_hz = 40.0" in _source(answer)
    target = course / "submitted" / "almost" / name
    target.mkdir(parents=True)
    (target / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (score,) = assignments.autograde(course, name, ["almost"])
    lost = sum(
        _nbgrader(c).get("points", 0)
        for c in notebook["cells"]
        if _nbgrader(c).get("grade_id") == "test_rate_200"
    )
    assert lost > 0
    assert score.score == score.max_score - lost


def test_cli_generates_autogrades_and_exports_one_assignment(course, tmp_path, capsys):
    # the session's course folder (its gradebook exists): regenerate one assignment, grade a
    # new student's hand-in, export every grade
    name = NAMES[0]
    released = course / "release" / name / f"{name}.ipynb"
    released.unlink()
    assert cli.main(["assignments", "generate", str(course), "-a", name]) == 0
    assert "BEGIN SOLUTION" not in released.read_text(encoding="utf-8")

    handed_in = tmp_path / "handed_in"
    handed_in.mkdir()
    shutil.copy(course / "source" / name / f"{name}.ipynb", handed_in / "ada.ipynb")
    command = ["assignments", "autograde", str(course), name, "--submissions", str(handed_in)]
    assert cli.main([*command, "--student", "ada"]) == 0
    points = assignments.max_points(name)
    assert re.search(rf"^ada\s+{points:g} / {points:g}$", capsys.readouterr().out, re.M)

    grades = tmp_path / "grades.csv"
    assert cli.main(["assignments", "export", str(course), "--to", str(grades)]) == 0
    with grades.open(newline="") as handle:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
    assert {(a, "ada") for a in NAMES} <= set(rows)
    assert float(rows[name, "ada"]["score"]) == float(rows[name, "ada"]["max_score"]) == points
    assert float(rows[NAMES[-1], "ada"]["score"]) == 0.0  # no submission: zero


def test_cli_list_shows_every_assignment_with_its_points(capsys):
    assert cli.main(["assignments", "list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert re.search(rf"^{name}\s+{assignments.max_points(name):g} points$", out, re.M)


def test_missing_nbgrader_tells_the_instructor_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nbgrader.apps", None)
    assert cli.main(["assignments", "generate", str(tmp_path / "course"), "-a", NAMES[0]]) == 2
    assert 'pip install "snnedu[instructor]"' in capsys.readouterr().err


def test_unknown_assignment_is_a_value_error_naming_the_choices(tmp_path):
    with pytest.raises(ValueError, match=NAMES[0]):
        assignments.setup_course(tmp_path, ["a99_nothing"])


def test_loose_notebooks_are_collected_under_the_student_id(tmp_path):
    name = NAMES[0]
    course = assignments.setup_course(tmp_path / "course", [name])
    handed_in = tmp_path / "handed_in"
    handed_in.mkdir()
    (handed_in / "grace.ipynb").write_text("{}", encoding="utf-8")
    (handed_in / "alan").mkdir()
    (handed_in / "alan" / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    (handed_in / "notes.txt").write_text("not a notebook", encoding="utf-8")
    assert assignments.collect_submissions(course, name, handed_in) == ["alan", "grace"]
    for student in ("alan", "grace"):
        assert (course / "submitted" / student / name / f"{name}.ipynb").is_file()
