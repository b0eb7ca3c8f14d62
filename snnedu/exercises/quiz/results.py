r"""Results files: reading them and grading their answers against the instructor's bank.

A results file is written on the student's computer, so nothing in it is evidence of a
score: it records which questions were asked (with a fingerprint of each, as the student saw
it) and every answer given, and :func:`collect_results` grades those answers again with the
bank the instructor holds. What a file cannot prove — who typed the answers, or that they were
not rearranged by hand — no file on a student's computer can; for marks that matter, post an
assessment bank on the learning platform (``snnedu quiz export``).

>>> from snnedu.exercises.quiz import QuizSession, parse_bank
>>> bank = parse_bank("Quiz title: Demo\n\n1.  What is 6 × 7?\n=   42\n")
>>> session = QuizSession(bank, mode="assessment")
>>> _ = session.submit(0, 41)
>>> record = session.record()
>>> record["score"] = 1.0          # a hand-edited score is not read
>>> regrade(record, bank).score, regrade(record, bank).possible
(0.0, 1.0)
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from snnedu.exercises.quiz.bank import Bank, Question, load_bank
from snnedu.exercises.quiz.grading import grade
from snnedu.exercises.quiz.session import (
    MODES,
    RESULTS_FORMAT,
    Attempt,
    counted_attempts,
    select_questions,
)


def load_results(path: str | Path) -> dict:
    """Read and check a results file written by :meth:`QuizSession.save`.

    Returns
    -------
    dict
        The record as saved (see :meth:`QuizSession.record`), its fields checked for type.

    Raises
    ------
    ValueError
        If the file is not a results file, or is damaged or altered so that its answers
        cannot be read (the message says which file).
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not a readable quiz results file ({error})") from None
    if not isinstance(record, dict) or record.get("format") != RESULTS_FORMAT:
        raise ValueError(
            f"{path}: not a snnedu quiz results file (no format "
            f"{RESULTS_FORMAT!r}); hand in the file the quiz saved"
        )
    missing = {"bank", "mode", "attempts", "questions"} - set(record)
    if missing:
        raise ValueError(f"{path}: results file lacks {', '.join(sorted(missing))}")
    if record["mode"] not in MODES:
        raise ValueError(f"{path}: unknown mode {record['mode']!r}")
    questions = record["questions"]
    fingerprints = record.get("fingerprints")
    well_formed = (
        isinstance(record["bank"], str)
        and isinstance(questions, list)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in questions)
        and len(set(questions)) == len(questions)
        and (
            fingerprints is None
            or (
                isinstance(fingerprints, list)
                and len(fingerprints) == len(questions)
                and all(isinstance(f, str) for f in fingerprints)
            )
        )
        and isinstance(record["attempts"], list)
        and all(
            isinstance(a, dict)
            and isinstance(a.get("question"), int)
            and not isinstance(a.get("question"), bool)
            for a in record["attempts"]
        )
    )
    if not well_formed:
        raise ValueError(
            f"{path}: results file has been altered or damaged (fields of the "
            "wrong type); ask for the file the quiz saved"
        )
    return record


class Regrade(NamedTuple):
    """The answers of a results file, graded against a bank."""

    score: float
    possible: float  # points of a full quiz from this bank
    answered: int
    notes: tuple[str, ...]  # what an instructor should know (questions that changed, …)


def regrade(record: dict, bank: Bank, mode: str | None = None) -> Regrade:
    """Grade the answers in ``record`` (from :func:`load_results`) against ``bank``.

    Nothing the record says about a score is read. Each recorded question is matched to the
    bank's question by its fingerprint (what the student saw), so a key the instructor fixed
    after the quiz is applied, and a question whose text or choices changed is not graded
    (it is named in ``notes``). ``possible`` is the points of a full quiz from the bank: a
    question left out of the record counts as unanswered.

    Parameters
    ----------
    record : dict
        A results record, as :func:`load_results` returns it.
    bank : Bank
        The instructor's bank the quiz was taken from.
    mode : {"practice", "assessment"}, optional
        Which attempt counts (the first in practice, the last in assessment). Default: the
        last for a bank marked for assessment, otherwise the mode the record names.

    Returns
    -------
    Regrade
        Score and possible points, the number of questions answered and notes.

    Raises
    ------
    ValueError
        If ``mode`` is not one of the modes.
    """
    mode = mode or ("assessment" if bank.assessment else record["mode"])
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}: use 'practice' or 'assessment'")
    fingerprints = record.get("fingerprints")
    same_text = record.get("bank_sha256") == bank.sha256
    by_fingerprint = {q.fingerprint: q for q in bank.questions}
    by_number = {q.number: q for q in bank.questions}
    matched: dict[int, Question] = {}
    unmatched = []
    for index, number in enumerate(record["questions"]):
        if fingerprints is not None:
            question = by_fingerprint.get(fingerprints[index])
        else:  # version 1 files: only a bank with the very same text can be used
            question = by_number.get(number) if same_text else None
        if question is None:
            unmatched.append(number)
        else:
            matched[number] = question
    # Every question outside a group is asked; from a group, the ones the record names.
    asked = {q.number for q in bank.questions if q.group < 0}
    for group, pick in enumerate(bank.group_picks):
        members = [q.number for q in matched.values() if q.group == group]
        asked.update(list(dict.fromkeys(members))[:pick])
    attempts = []
    for raw in record["attempts"]:
        question = matched.get(raw["question"])
        if question is None or question.number not in asked:
            continue
        response = raw.get("response")
        if question.kind == "multiple_answers" and isinstance(response, list):
            response = tuple(response)
        try:
            result = grade(question, response)
        except (ValueError, TypeError, IndexError):
            points, correct = 0.0, False
        else:
            points, correct = result.points, result.correct
        attempts.append(Attempt(question.number, response, correct, points, question.points, ""))
    counted = counted_attempts(attempts, mode)
    possible = sum(q.points for q in select_questions(bank) if q.graded)
    notes = []
    if unmatched:
        numbers = ", ".join(map(str, unmatched))
        notes.append(
            f"question{'s' if len(unmatched) > 1 else ''} {numbers} as asked "
            f"{'are' if len(unmatched) > 1 else 'is'} no longer in the bank: not graded"
        )
    elif not same_text:
        notes.append("bank edited since the quiz was taken: graded with the current keys")
    return Regrade(sum(a.points for a in counted.values()), possible, len(counted), tuple(notes))


GRADE_COLUMNS = (
    "student",
    "bank",
    "title",
    "mode",
    "score",
    "possible",
    "percent",
    "answered",
    "questions",
    "started",
    "finished",
    "check",
    "file",
)


def collect_results(
    paths: Iterable[str | Path],
    banks: dict[str, Bank] | None = None,
    *,
    mode: str | None = None,
) -> list[dict]:
    """Grade results files against their banks: one row per file (see ``GRADE_COLUMNS``).

    Every answer is graded again with the bank named in the file, found in ``banks`` (by
    name) or among the course's banks; a score written in the file is never used. A file
    whose bank is not found gets an empty score and says so in ``check``.

    Parameters
    ----------
    paths : iterable of str or Path
        Results files written by :meth:`QuizSession.save`.
    banks : dict of str to Bank, optional
        Banks by name, used before the course's own (the dict is not changed).
    mode : {"practice", "assessment"}, optional
        Which attempt counts (see :func:`regrade`).

    Returns
    -------
    list of dict
        Rows keyed by ``GRADE_COLUMNS``; ``percent`` is in [%].

    Raises
    ------
    ValueError
        If a file is not a readable results file (see :func:`load_results`).
    """
    banks = dict(banks or {})
    rows = []
    for path in paths:
        record = load_results(path)
        name = record["bank"]
        bank = banks.get(name)
        # a course bank's plain name only: the file is the student's, the paths are not
        plain_name = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) and ".." not in name
        if bank is None and plain_name:
            try:
                bank = banks[name] = load_bank(name)
            except (FileNotFoundError, ValueError):
                bank = None
        row = {
            "student": record.get("student", ""),
            "bank": name,
            "title": record.get("title", ""),
            "mode": mode or record["mode"],
            "questions": len(record["questions"]),
            "started": record.get("started", ""),
            "finished": record.get("finished") or "",
            "file": str(path),
        }
        if bank is None:
            row.update(
                score="",
                possible="",
                percent="",
                answered="",
                check=f"bank {name!r} not found: not graded (give the bank with --bank)",
            )
        else:
            result = regrade(record, bank, mode)
            row.update(
                mode=mode or ("assessment" if bank.assessment else record["mode"]),
                score=result.score,
                possible=result.possible,
                percent=round(100.0 * result.score / result.possible, 1)
                if result.possible
                else 0.0,
                answered=result.answered,
                check="; ".join(("regraded", *result.notes)),
            )
        rows.append(row)
    return rows


def write_grades_csv(rows: Sequence[dict], path: str | Path) -> Path:
    """Write rows from :func:`collect_results` to a CSV file and return its path.

    The columns are ``GRADE_COLUMNS``; a text cell that a spreadsheet would read as a formula
    (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``.
    """
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=GRADE_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(row.get(k, "")) for k in GRADE_COLUMNS})
    return path


def _csv_safe(value: Any) -> Any:
    """Quote text a spreadsheet would read as a formula (a name starting with = + - @)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
