"""Quizzes an instructor can trust: results files hold answers (graded again against the
instructor's bank, never a recorded score), and assessment banks stay out of what a student
gets (``snnedu course copy`` and the installed wheel)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from snnedu.course import copy_course
from snnedu.exercises.quiz import (
    ASSESSMENT_MARKER,
    QuizSession,
    assessment_folder,
    collect_results,
    correct_response,
    list_banks,
    load_bank,
    parse_bank,
    quiz_folder,
)

ROOT = Path(__file__).resolve().parents[1]
LECTURE_BANKS = ["L4_cnn_rnn", "L5_hardware", "L6_plasticity_stdp", "L7_spiking_networks"]

BANK = """\
Quiz title: Trust

1.  Which ion dominates the resting membrane's conductance?
-   Think of which channels are open at rest.
*a) K⁺
b)  Na⁺
c)  Cl⁻

2.  What is 6 × 7?
-   Multiply.
=   42

3.  Name the learning rule of the network.
-   It depends on the timing of spikes.
*   STDP
*   spike-timing-dependent plasticity
"""


def _wrong(question):
    if question.choices:
        return next(i for i, c in enumerate(question.choices) if not c.correct)
    return 41.0 if question.kind == "numerical" else "backprop"


def _save(bank, tmp_path, answers, name="student", mode="assessment"):
    session = QuizSession(bank, mode=mode, student=name)
    for position, question in enumerate(session.questions):
        session.submit(position, answers(question))
    session.finish()
    return session.save(tmp_path / f"{name}.json")


def _collect_one(path, bank, **kwargs):
    (row,) = collect_results([path], banks={bank.name: bank}, **kwargs)
    return row


def test_results_file_records_answers_and_no_score(tmp_path):
    bank = parse_bank(BANK, "trust.txt")
    record = json.loads(_save(bank, tmp_path, correct_response).read_text(encoding="utf-8"))
    assert not {"score", "possible", "answered"} & set(record)
    assert all(set(a) == {"question", "response", "time"} for a in record["attempts"])
    assert len(record["fingerprints"]) == len(record["questions"]) == 3


def test_a_tampered_results_file_collects_as_wrong(tmp_path):
    bank = parse_bank(BANK, "trust.txt")
    path = _save(bank, tmp_path, _wrong)
    record = json.loads(path.read_text(encoding="utf-8"))
    # A student edits in a full score, and marks every attempt right, the way version 1
    # files recorded them.
    record.update(score=3.0, possible=3.0, answered=3, percent=100.0)
    for attempt in record["attempts"]:
        attempt.update(correct=True, points=1.0, possible=1.0)
    path.write_text(json.dumps(record), encoding="utf-8")
    row = _collect_one(path, bank)
    assert (row["score"], row["possible"], row["percent"]) == (0.0, 3.0, 0.0)
    assert row["check"] == "regraded"


def test_leaving_wrong_questions_out_of_the_file_does_not_raise_the_percentage(tmp_path):
    bank = parse_bank(BANK, "trust.txt")
    answers = {1: 0, 2: 41.0, 3: "backprop"}  # only the first right
    path = _save(bank, tmp_path, lambda q: answers[q.number])
    record = json.loads(path.read_text(encoding="utf-8"))
    for key in ("questions", "fingerprints", "attempts"):
        record[key] = record[key][:1]
    path.write_text(json.dumps(record), encoding="utf-8")
    row = _collect_one(path, bank)
    assert (row["score"], row["possible"]) == (1.0, 3.0)


def test_practice_file_relabelled_assessment_still_counts_first_tries_when_told(tmp_path):
    bank = parse_bank(BANK, "trust.txt")
    session = QuizSession(bank, mode="practice")
    session.submit(1, 41.0)  # wrong first try, with feedback
    session.submit(1, 42.0)  # then right
    path = session.save(tmp_path / "p.json")
    record = json.loads(path.read_text(encoding="utf-8"))
    record["mode"] = "assessment"  # the last try would count
    path.write_text(json.dumps(record), encoding="utf-8")
    assert _collect_one(path, bank)["score"] == 1.0
    assert _collect_one(path, bank, mode="practice")["score"] == 0.0


def test_a_key_fixed_after_the_quiz_is_applied_and_a_changed_question_is_not_graded(tmp_path):
    wrong_key = BANK.replace("*a) K⁺\nb)  Na⁺", "a)  K⁺\n*b) Na⁺")
    bank_then = parse_bank(wrong_key, "trust.txt")
    path = _save(bank_then, tmp_path, lambda q: 0 if q.choices else correct_response(q))
    bank_now = parse_bank(BANK, "trust.txt")
    row = _collect_one(path, bank_now)
    assert row["score"] == 3.0 and "graded with the current keys" in row["check"]
    reworded = parse_bank(BANK.replace("What is 6 × 7?", "What is 7 × 6?"), "trust.txt")
    row = _collect_one(path, reworded)
    assert row["score"] == 2.0 and row["possible"] == 3.0
    assert "question 2 as asked is no longer in the bank" in row["check"]


def test_a_version_1_file_is_graded_only_against_the_same_bank_and_its_score_ignored(tmp_path):
    bank = parse_bank(BANK, "trust.txt")
    old = {
        "format": "snnedu-quiz-results",
        "version": 1,
        "bank": "trust",
        "bank_sha256": bank.sha256,
        "student": "Ada",
        "mode": "assessment",
        "questions": [1, 2, 3],
        "score": 3.0,
        "possible": 3.0,
        "attempts": [
            {"question": 1, "response": 1, "correct": True, "points": 1.0},
            {"question": 2, "response": 42, "correct": True, "points": 1.0},
        ],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    assert _collect_one(path, bank)["score"] == 1.0
    edited = parse_bank(BANK + "\n", "trust.txt")
    row = _collect_one(path, edited)
    assert row["score"] == 0.0 and "no longer in the bank" in row["check"]


def test_a_file_whose_bank_is_not_found_gets_no_score(tmp_path):
    bank = parse_bank(BANK, "nowhere_bank.txt")
    path = _save(bank, tmp_path, correct_response)
    (row,) = collect_results([path])
    assert row["score"] == "" and "not found" in row["check"]
    # a bank named by a path in the student's file is never read
    elsewhere = tmp_path / "answers_everything_right.txt"
    elsewhere.write_text(BANK, encoding="utf-8")
    record = json.loads(path.read_text(encoding="utf-8"))
    record["bank"] = str(elsewhere)
    path.write_text(json.dumps(record), encoding="utf-8")
    (row,) = collect_results([path])
    assert row["score"] == "" and "not found" in row["check"]


# --------------------------------------------------------------------------- assessment banks


def test_quiz_list_says_which_banks_are_for_assessment(capsys):
    from snnedu.cli import main

    assert main(["quiz", "list"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert all(" assessment " in lines[name] for name in LECTURE_BANKS)
    assert " self-study " in lines["nb01_membrane"]


def test_lecture_banks_are_assessment_banks_in_the_instructors_folder():
    for name in LECTURE_BANKS:
        bank = load_bank(name)
        assert bank.assessment, name
        assert Path(bank.source).parent == assessment_folder()
        assert QuizSession(bank).mode == "assessment"
    for path in sorted(quiz_folder().glob("*.txt")):
        assert not load_bank(path).assessment, path.name
    for path in sorted(assessment_folder().glob("*.txt")):
        assert load_bank(path).assessment, f"{path.name} lacks the line {ASSESSMENT_MARKER!r}"
    assert {p.stem for p in list_banks()} >= set(LECTURE_BANKS)


def test_an_assessment_bank_runs_in_assessment_mode_unless_told_otherwise():
    import io

    from snnedu.exercises.quiz.terminal import run_terminal_quiz
    from snnedu.widgets.quiz import quiz_panel

    bank = load_bank("L7_spiking_networks")
    assert quiz_panel(bank).session.mode == "assessment"
    assert quiz_panel(bank, mode="practice").session.mode == "practice"
    assert quiz_panel("nb01_membrane").session.mode == "practice"
    out = io.StringIO()
    session = run_terminal_quiz(bank, stdin=io.StringIO("q\n"), stdout=out)
    assert session.mode == "assessment" and "assessment mode" in out.getvalue()


def _course_texts(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8")
        for p in folder.rglob("*.txt")
        if p.is_file()
    }


def test_course_copy_gives_a_student_no_assessment_bank(tmp_path, monkeypatch):
    copied = _course_texts(copy_course(tmp_path / "course"))
    assert any(name.startswith("exercises/quizzes/nb01_") for name in copied)
    assert not any(ASSESSMENT_MARKER in text for text in copied.values())
    assert not any(name.split("/")[-1][:-4] in LECTURE_BANKS for name in copied)
    # A bank an instructor marks and leaves among the self-study banks is not copied either.
    fake = tmp_path / "checkout"
    (fake / "notebooks").mkdir(parents=True)
    (fake / "exercises" / "quizzes").mkdir(parents=True)
    (fake / "exercises" / "quizzes" / "exam.txt").write_text(
        f"{ASSESSMENT_MARKER}\n" + BANK, encoding="utf-8"
    )
    (fake / "exercises" / "quizzes" / "practice.txt").write_text(BANK, encoding="utf-8")
    monkeypatch.setattr("snnedu.course.course_root", lambda: fake)
    copied = _course_texts(copy_course(tmp_path / "course2"))
    assert list(copied) == ["exercises/quizzes/practice.txt"]


def test_the_wheel_ships_no_assessment_bank_and_no_assignment(tmp_path):
    builders = pytest.importorskip("hatchling.builders.wheel")
    (wheel,) = builders.WheelBuilder(str(ROOT)).build(
        directory=str(tmp_path), versions=["standard"]
    )
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        banks = {n: archive.read(n).decode("utf-8") for n in names if n.endswith(".txt")}
    course = [n for n in names if n.startswith("snnedu/_course/")]
    assert "snnedu/_course/exercises/quizzes/nb01_membrane.txt" in course
    assert "snnedu/_course/notebooks/01_membrane_equilibria.ipynb" in course
    assert not [n for n in names if "assignments/" in n or "assessment_quizzes" in n]
    assert not [n for n, text in banks.items() if ASSESSMENT_MARKER in text]


def test_collect_grades_the_class_when_one_file_is_damaged(tmp_path, capsys):
    from snnedu.cli import main

    bank = parse_bank(BANK, "trust.txt")
    bank_file = tmp_path / "trust.txt"
    bank_file.write_text(BANK, encoding="utf-8")
    good = _save(bank, tmp_path, correct_response, name="ada")
    damaged = tmp_path / "alan.json"
    damaged.write_text("{not json", encoding="utf-8")
    out = tmp_path / "grades.csv"
    code = main(
        ["quiz", "collect", str(good), str(damaged), "-o", str(out), "--bank", str(bank_file)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("not graded:") == 1 and "alan.json" in err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith("ada,trust,")
