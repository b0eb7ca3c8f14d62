"""The nbgrader round trip on the real assignments in ``exercises/assignments``.

One course folder per test module: every assignment's student version is generated once;
each assignment is then autograded once, with three students handing it in:

- ``solution``: the source version (the reference solutions) — full marks;
- ``blank``: the student version as released — zero, without breaking the grader;
- ``shortcut``: every task answered by calling the package function the grader compares
  with (:data:`SHORTCUTS`) — zero for every task, because the graded call runs with that
  function switched off (:mod:`snnedu.exercises.grading`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import shutil
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from snnedu import cli
from snnedu.exercises import assignments, grading

NAMES = assignments.list_assignments()
SOLUTION = "solution"  # hands in the source version (the reference solutions)
BLANK = "blank"  # hands in the student version as released
SHORTCUT = "shortcut"  # answers every task by calling the package's own function

_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
_FORBID = re.compile(r"forbid\((.*?)namespace=", re.S)

# Each task's shortcut: the student's function written as a call of the package function that
# the hidden test compares with (keyed by the grade_id of the task's solution cell).
SHORTCUTS = {
    "a01_membrane": {
        "nernst_mv": """
def nernst_mv(c_out, c_in, z, temperature_c):
    return membrane.nernst(c_out, c_in, z=z, temperature_c=temperature_c)
""",
        "ghk": """
def ghk_mv(conc, p_k, p_na, p_cl):
    return membrane.ghk_voltage(conc, membrane.Permeabilities(p_k=p_k, p_na=p_na, p_cl=p_cl))
""",
        "ratio": """
from scipy.optimize import brentq

def ratio_na_k(v_target_mv, conc):
    def offset(ratio):
        leak = membrane.Permeabilities(p_k=1.0, p_na=ratio, p_cl=0.0)
        return membrane.ghk_voltage(conc, leak) - v_target_mv
    return brentq(offset, 1e-9, 1.0)
""",
        "pump": """
def pump_shift_mv(conc, p_k, p_na, r=1.5):
    leak = membrane.Permeabilities(p_k=p_k, p_na=p_na, p_cl=0.0)
    return (membrane.mullins_noda_voltage(conc, leak, coupling_ratio=r)
            - membrane.ghk_voltage(conc, leak))
""",
    },
    "a02_hodgkin_huxley": {
        "gates_at_rest": """
def gates_at(v, params):
    return tuple(hh.x0(v, params=params))
""",
        "ionic_current": """
def ionic_current(v, m, h, n, params):
    return sum(hh.currents(v, m, h, n, params=params))
""",
        "threshold": """
def pulse_threshold(params, width):
    return hh.threshold_current(params=params, width=width)
""",
    },
    "a03_integrate_and_fire": {
        "rheobase": """
def rheobase(params):
    return lif.rheobase_pa(params=params)
""",
        "lif_rate": """
from snnedu.models.lif import lif_rate_hz

def lif_rate(i_ext, params):
    return lif_rate_hz(i_ext, params=params)
""",
        "adaptation": """
def adapted_rate(i_ext_pa, params):
    return float(np.ravel(lif.adaptive_lif_rate_hz(i_ext_pa, params=params))[0])
""",
    },
    "a04_poisson": {
        "poisson_train": """
def poisson_train(rate_hz, *, duration, dt, rng):
    return encoders.poisson_spikes(rate_hz, duration=duration, dt=dt, rng=rng)
""",
        "isi_cv": """
def isi_cv(spike_train, dt):
    isi = spike_stats.interspike_intervals(np.asarray(spike_train)[:, None], dt)
    return spike_stats.coefficient_of_variation(isi)
""",
        "codes": """
def rate_code_hz(pixels):
    return encoders.image_to_rate_hz(pixels)


def latency_ms(pixels, t_max_ms, dt):
    return encoders.encode_latency(pixels, t_max_ms=t_max_ms, dt=dt)
""",
    },
    "a05_lateral_inhibition": {
        "dog_kernel": """
def dog_kernel_1d(sigma_c, sigma_s, radius):
    return inhibition.dog_kernel(sigma_c, sigma_s, radius=radius)
""",
        "mach_bands": """
def band_positions(stimulus, sigma_c, sigma_s, radius):
    response = inhibition.dog_response(stimulus, sigma_c=sigma_c, sigma_s=sigma_s, radius=radius)
    return int(np.argmax(response)), int(np.argmin(response))
""",
        "hr_response": """
def hr_response(e, kernel, n_iter=500):
    return inhibition.hartline_ratliff(e, kernel, pad_mode="none")
""",
    },
    "a06_wta_stdp": {
        "stdp_dw": """
def stdp_dw(delta_t, w, params):
    return stdp.stdp_window(delta_t, w=w, params=params)
""",
        "similarity": """
def similarity(fields, protos):
    return prototypes.match_prototypes(fields, protos).similarity
""",
        "competition": """
def count_learned(fields, protos, margin=0.2):
    assignment = prototypes.match_prototypes(fields, protos, margin=margin).assignment
    return int(np.unique(assignment[assignment >= 0]).size)
""",
    },
    "a07_mnist_stdp": {
        "label_neurons": """
def label_neurons(counts, labels, n_classes=10):
    return diehl_cook.assign_labels(counts, labels, n_classes=n_classes)
""",
        "predict": """
def predict(counts, assignment, n_classes=10):
    return diehl_cook.predict_labels(counts, assignment, n_classes=n_classes)
""",
        "energy": """
def energy_budget(input_spikes, exc_spikes, inh_spikes, n, e_spike_pj, e_event_pj, gpu_power_w,
                  images_per_s):
    budget = energy.SpikeBudget(input_spikes=input_spikes, exc_spikes=exc_spikes,
                                inh_spikes=inh_spikes, n=n)
    estimate = energy.energy_per_image(budget, params=energy.EnergyParams(
        e_spike_pj=e_spike_pj, e_event_pj=e_event_pj, gpu_power_w=gpu_power_w,
        images_per_s=images_per_s))
    return estimate.synaptic_events, estimate.energy_j, estimate.ratio
""",
    },
    "a08_conv_snn": {
        "rank_order": """
def rank_order(values, n_steps):
    return layers.rank_order_latency(np.asarray(values, dtype=float)[None, :], n_steps=n_steps)[0]
""",
        "pool_first": """
def pool_first(times, window, n_steps):
    pooled = layers.pool_first_spike(np.asarray(times)[None, None], window, window, n_steps=n_steps)
    return pooled[0, 0]
""",
        "stdp_kernel": """
def stdp_kernel(w, in_times, t_post, a_plus, a_minus):
    w = np.asarray(w, dtype=float)
    out_times = np.full((1, 1, 1, 1), t_post)
    winner = np.zeros((1, 4), dtype=int)
    return layers.stdp_update(w[None, None], np.asarray(in_times)[None, None], out_times, winner,
                              a_plus, a_minus)[0, 0]
""",
    },
}


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


def _source_notebook(name: str) -> dict:
    path = assignments.assignments_folder() / name / f"{name}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


def _shortcut_notebook(name: str) -> dict:
    """The source version with every solution cell replaced by its shortcut."""
    notebook = _source_notebook(name)
    for cell in notebook["cells"]:
        if _nbgrader(cell).get("solution"):
            cell["source"] = SHORTCUTS[name][_nbgrader(cell)["grade_id"]].strip("\n")
    return notebook


def _forbidden_names(cells: list[dict]) -> set[str]:
    """The functions the hidden tests switch off, as ``module.function`` (``lif.lif_rate_hz``)."""
    names = set()
    for cell in cells:
        for hidden in _HIDDEN.findall(_source(cell)):
            for arguments in _FORBID.findall(hidden):
                names.update(re.findall(r"\b\w+\.\w+\b", arguments))
    return names


def _tasks(cells: list[dict]) -> dict[str, list[str]]:
    """grade_id of each task's solution cell -> the grade ids of the test cells after it."""
    tasks: dict[str, list[str]] = {}
    current = None
    for cell in cells:
        meta = _nbgrader(cell)
        if meta.get("solution"):
            current = meta["grade_id"]
            tasks[current] = []
        elif meta.get("grade") and current is not None:
            tasks[current].append(meta["grade_id"])
    return tasks


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course folder with every assignment generated and the three hand-ins in place."""
    root = assignments.setup_course(tmp_path_factory.mktemp("course"))
    assignments.generate_student_versions(root)
    for name in NAMES:
        versions = {
            SOLUTION: json.loads((root / "source" / name / f"{name}.ipynb").read_text("utf-8")),
            BLANK: json.loads((root / "release" / name / f"{name}.ipynb").read_text("utf-8")),
            SHORTCUT: _shortcut_notebook(name),
        }
        for student, notebook in versions.items():
            target = root / "submitted" / student / name
            target.mkdir(parents=True)
            (target / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def graded(course):
    """Autograde an assignment's three hand-ins on first request.

    Returns name -> {student: (Score, {grade_id: points earned})}.
    """
    from nbgrader.api import Gradebook

    results: dict[str, dict] = {}

    def grade(name: str) -> dict:
        if name not in results:
            result = assignments.autograde(course, name, [SOLUTION, BLANK, SHORTCUT])
            assert result.failures == []
            with contextlib.ExitStack() as stack:
                stack.enter_context(warnings.catch_warnings())
                warnings.simplefilter("ignore")
                gradebook = Gradebook(f"sqlite:///{course / 'gradebook.db'}", "snnedu")
                stack.callback(gradebook.close)
                results[name] = {}
                for score in result.scores:
                    submission = gradebook.find_submission(name, score.student)
                    (notebook,) = submission.notebooks
                    points = {grade.name: float(grade.score) for grade in notebook.grades}
                    results[name][score.student] = (score, points)
        return results[name]

    return grade


def test_every_lecture_notebook_01_to_08_has_an_assignment():
    assert [int(name[1:3]) for name in NAMES] == list(range(1, 9))


@pytest.mark.parametrize("name", NAMES)
def test_source_version_is_valid_nbgrader_source_without_outputs(name):
    cells = _source_notebook(name)["cells"]
    grade_ids = [_nbgrader(c)["grade_id"] for c in cells if _nbgrader(c)]
    assert len(grade_ids) == len(set(grade_ids)), "grade ids must be unique"
    tests = [c for c in cells if _nbgrader(c).get("grade")]
    solutions = [c for c in cells if _nbgrader(c).get("solution")]
    assert 2 <= len(solutions) <= 4, "two to four tasks"
    assert tests and all(_nbgrader(c)["points"] > 0 and _nbgrader(c)["locked"] for c in tests)
    assert all(_nbgrader(c)["schema_version"] == 3 for c in cells if _nbgrader(c))
    assert all("### BEGIN SOLUTION" in _source(c) for c in solutions)
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert assignments.max_points(name) == sum(_nbgrader(c)["points"] for c in tests)


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_cell_runs_the_students_code_with_the_package_answer_switched_off(name):
    cells = _source_notebook(name)["cells"]
    tasks = _tasks(cells)
    assert set(tasks) == set(SHORTCUTS[name]), "a shortcut for every task"
    for task, tests in tasks.items():
        assert tests, f"task {task} has no graded cell"
    for cell in cells:
        if _nbgrader(cell).get("grade"):
            hidden = "\n".join(_HIDDEN.findall(_source(cell)))
            assert "with forbid(" in hidden and "namespace=globals()" in hidden, _nbgrader(cell)[
                "grade_id"
            ]


@pytest.mark.parametrize("name", NAMES)
def test_visible_tests_and_try_it_cells_never_name_a_switched_off_function(name):
    cells = _source_notebook(name)["cells"]
    forbidden = _forbidden_names(cells)
    assert forbidden
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        visible = _HIDDEN.sub("", _SOLUTION.sub("", _source(cell)))
        named = {f for f in forbidden if re.search(rf"\b{re.escape(f)}\b", visible)}
        assert not named, f"{name}: {named} named outside the hidden tests:\n{visible}"


@pytest.mark.parametrize("name", NAMES)
def test_shortcuts_are_right_answers_that_only_the_guard_stops(name, monkeypatch):
    # run the shortcut version in this process with the guard disabled: every test passes, so
    # the zero it earns when graded comes from the guard alone
    monkeypatch.setattr(
        grading, "forbid", lambda *targets, namespace=None: contextlib.nullcontext()
    )
    namespace: dict = {"__name__": "__main__"}
    for index, cell in enumerate(_shortcut_notebook(name)["cells"]):
        if cell["cell_type"] == "code":
            exec(compile(_source(cell), f"{name}[{index}]", "exec"), namespace)


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
    score, _ = graded(name)[SOLUTION]
    assert score.max_score == assignments.max_points(name) > 0
    assert score.score == score.max_score
    # the hidden tests were put back and run when grading
    graded_cells = _cells(course / "autograded" / SOLUTION / name / f"{name}.ipynb")
    assert any("BEGIN HIDDEN TESTS" in _source(c) for c in graded_cells)


def _errors(course: Path, student: str, name: str) -> dict[str, set[str]]:
    """grade_id -> names of the errors its graded cell raised."""
    cells = _cells(course / "autograded" / student / name / f"{name}.ipynb")
    return {
        _nbgrader(cell)["grade_id"]: {
            output["ename"]
            for output in cell.get("outputs", [])
            if output["output_type"] == "error"
        }
        for cell in cells
        if _nbgrader(cell).get("grade")
    }


@pytest.mark.parametrize("name", NAMES)
def test_untouched_student_version_earns_zero_without_crashing_the_grader(course, graded, name):
    score, points = graded(name)[BLANK]
    assert score.max_score == assignments.max_points(name)
    assert score.score == 0.0 and set(points.values()) == {0.0}
    errors = set().union(*_errors(course, BLANK, name).values())
    assert errors <= {"NotImplementedError", "NameError"}, errors


@pytest.mark.parametrize("name", NAMES)
def test_a_shortcut_through_the_package_earns_zero_for_every_task(course, graded, name):
    score, points = graded(name)[SHORTCUT]
    tasks = _tasks(_source_notebook(name)["cells"])
    for task, tests in tasks.items():
        assert sum(points[test] for test in tests) == 0.0, f"{name} {task}: {points}"
    assert score.score == 0.0
    # each graded cell failed on the guard, not on anything else
    for grade_id, errors in _errors(course, SHORTCUT, name).items():
        assert errors == {"ForbiddenCallError"}, (grade_id, errors)


def test_hidden_tests_catch_an_answer_the_visible_test_lets_through(course):
    # a04: a rate code in the right range (the visible check passes), but not Diehl & Cook's
    name = "a04_poisson"
    notebook = _source_notebook(name)
    (answer,) = [c for c in notebook["cells"] if _nbgrader(c).get("grade_id") == "codes"]
    answer["source"] = _source(answer).replace("* 63.75", "* 40.0")
    assert "* 40.0" in _source(answer)
    target = course / "submitted" / "almost" / name
    target.mkdir(parents=True)
    (target / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    result = assignments.autograde(course, name, ["almost"])
    (score,) = result.scores
    lost = sum(
        _nbgrader(c).get("points", 0)
        for c in notebook["cells"]
        if _nbgrader(c).get("grade_id") == "test_rate_code"
    )
    assert lost > 0
    assert score.score == score.max_score - lost


def test_cli_generates_autogrades_and_exports_one_assignment(course, tmp_path, capfd):
    # capfd, not capsys: the grading kernel is a child process writing to file descriptor 2
    # the module's course folder (its gradebook exists): regenerate one assignment, grade a
    # new student's hand-in, export every grade
    name = NAMES[0]
    released = course / "release" / name / f"{name}.ipynb"
    released.unlink()
    assert cli.main(["assignments", "generate", str(course), "-a", name]) == 0
    assert "BEGIN SOLUTION" not in released.read_text(encoding="utf-8")
    capfd.readouterr()

    handed_in = tmp_path / "handed_in"
    handed_in.mkdir()
    shutil.copy(course / "source" / name / f"{name}.ipynb", handed_in / "ada.ipynb")
    command = ["assignments", "autograde", str(course), name, "--submissions", str(handed_in)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli.main([*command, "--student", "ada"]) == 0
    assert not [w for w in caught if "not in session" in str(w.message)], "SQLAlchemy warnings"
    points = assignments.max_points(name)
    captured = capfd.readouterr()
    assert re.search(rf"^ada\s+{points:g} / {points:g}$", captured.out, re.M)
    # no SQLAlchemy warning blocks or kernel transport warnings in front of the scores
    noise = ("SAWarning", "not in session", "without encryption", "Traceback")
    assert not [word for word in noise if word in captured.out + captured.err]

    grades = tmp_path / "grades.csv"
    assert cli.main(["assignments", "export", str(course), "--to", str(grades)]) == 0
    with grades.open(newline="") as handle:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
    assert {(a, "ada") for a in NAMES} <= set(rows)
    assert float(rows[name, "ada"]["score"]) == float(rows[name, "ada"]["max_score"]) == points
    # no submission: said so, not a graded 0
    assert rows[NAMES[-1], "ada"]["score"] == assignments.NOT_SUBMITTED
    assert rows[NAMES[-1], "ada"]["raw_score"] == ""


def test_one_bad_hand_in_is_reported_in_one_line_and_the_others_are_graded(
    course, tmp_path, capsys
):
    name = "a04_poisson"
    handed_in = tmp_path / "handed_in"
    (handed_in / "cy").mkdir(parents=True)
    shutil.copy(course / "source" / name / f"{name}.ipynb", handed_in / "ada.ipynb")
    (handed_in / "bob.ipynb").write_text("my answers are in the PDF", encoding="utf-8")
    (handed_in / "cy" / "notes.txt").write_text("no notebook here", encoding="utf-8")
    (handed_in / "answers.pdf").write_bytes(b"%PDF-1.4")
    command = ["assignments", "autograde", str(course), name, "--submissions", str(handed_in)]
    for student in ("ada", "bob", "cy"):
        command += ["--student", student]

    assert cli.main(command) == 1
    out = capsys.readouterr().out
    points = assignments.max_points(name)
    assert re.search(rf"^ada\s+{points:g} / {points:g}$", out, re.M)
    assert re.search(r"^bob\s+not graded: bob\.ipynb is not a Jupyter notebook \(.+\)$", out, re.M)
    assert re.search(r"^cy\s+not graded: no notebook \(\.ipynb\) in .+cy$", out, re.M)
    assert re.search(r"^answers\.pdf\s+not graded: not a notebook", out, re.M)
    assert "Traceback" not in out
    # nothing broken stays in the course folder: the next run grades ada again, cleanly, and
    # a corrected hand-in from bob replaces nothing stale
    assert not (course / "submitted" / "bob").exists()
    (handed_in / "bob.ipynb").unlink()
    (handed_in / "answers.pdf").unlink()
    shutil.rmtree(handed_in / "cy")
    shutil.copy(course / "release" / name / f"{name}.ipynb", handed_in / "bob.ipynb")
    assert cli.main([*command[:6], "--student", "ada", "--student", "bob"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^ada\s+{points:g} / {points:g}$", out, re.M)
    assert re.search(rf"^bob\s+0 / {points:g}$", out, re.M)


def test_a_broken_notebook_already_in_submitted_fails_alone(course):
    name = "a04_poisson"
    target = course / "submitted" / "dora" / name
    target.mkdir(parents=True)
    (target / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    result = assignments.autograde(course, name, ["dora"])
    assert result.scores == []
    ((student, reason),) = result.failures
    assert student == "dora" and "is not a Jupyter notebook" in reason and "\n" not in reason


def test_cli_list_shows_every_assignment_with_its_points(capsys):
    assert cli.main(["assignments", "list"]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert re.search(rf"^{name}\s+{assignments.max_points(name):g} points$", out, re.M)


def test_missing_nbgrader_tells_the_instructor_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nbgrader.apps", None)
    assert cli.main(["assignments", "generate", str(tmp_path / "course"), "-a", NAMES[0]]) == 2
    assert assignments.INSTALL_INSTRUCTOR in capsys.readouterr().err


def test_readmes_help_and_error_agree_on_how_to_install_the_instructor_extras(capsys):
    command = assignments.INSTALL_INSTRUCTOR
    assert command == 'pip install -e ".[instructor]"'
    root = assignments.assignments_folder().parent.parent
    for readme in (root / "README.md", root / "exercises" / "README.md"):
        text = readme.read_text(encoding="utf-8")
        assert command in text, readme
        assert "snnedu[instructor]" not in text.replace(".[instructor]", ""), readme
    with pytest.raises(SystemExit):
        cli.main(["assignments", "--help"])
    help_text = capsys.readouterr().out
    assert command in help_text and '"snnedu[instructor]"' not in help_text
    assert command in str(assignments.NbgraderMissingError())


def test_errors_name_the_command_to_run_not_a_python_function(tmp_path):
    with pytest.raises(FileNotFoundError, match="snnedu assignments generate") as error:
        assignments.autograde(tmp_path / "nowhere", NAMES[0])
    assert "setup_course" not in str(error.value)
    course = assignments.setup_course(tmp_path / "course", [NAMES[0]])
    (tmp_path / "handed_in").mkdir()
    with pytest.raises(ValueError, match=rf"snnedu assignments generate .* -a {NAMES[1]}") as error:
        assignments.collect_submissions(course, NAMES[1], tmp_path / "handed_in")
    assert "setup_course" not in str(error.value)


def test_unknown_assignment_is_a_value_error_naming_the_choices(tmp_path):
    with pytest.raises(ValueError, match=NAMES[0]):
        assignments.setup_course(tmp_path, ["a99_nothing"])


def test_hand_ins_are_collected_under_the_student_id_and_replace_earlier_copies(tmp_path):
    import nbformat

    name = NAMES[0]
    course = assignments.setup_course(tmp_path / "course", [name])
    handed_in = tmp_path / "handed_in"
    (handed_in / "alan").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), handed_in / "grace.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), handed_in / "alan" / "my work.ipynb")
    (handed_in / "notes.txt").write_text("not a notebook", encoding="utf-8")
    stale = course / "submitted" / "alan" / name / "old.ipynb"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")

    collected = assignments.collect_submissions(course, name, handed_in)
    assert collected.students == ["alan", "grace"]
    assert collected.failures == [
        assignments.Failure("notes.txt", "not a notebook (.ipynb); not collected")
    ]
    for student in ("alan", "grace"):
        folder = course / "submitted" / student / name
        assert sorted(p.name for p in folder.iterdir()) == [f"{name}.ipynb"]
