"""Results files: reading them and regrading them against the instructor's bank."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from snnedu.exercises.quiz.bank import Bank, load_bank
from snnedu.exercises.quiz.grading import Grade, grade
from snnedu.exercises.quiz.session import (
    MODES,
    RESULTS_FORMAT,
    Attempt,
    counted_attempts,
)


def load_results(path: str | Path) -> dict:
    """Read and check a results file written by :meth:`QuizSession.save`."""
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
    missing = {"bank", "mode", "attempts", "questions", "score", "possible"} - set(record)
    if missing:
        raise ValueError(f"{path}: results file lacks {', '.join(sorted(missing))}")
    if record["mode"] not in MODES:
        raise ValueError(f"{path}: unknown mode {record['mode']!r}")
    number = (int, float)
    well_formed = (
        isinstance(record["bank"], str)
        and all(
            isinstance(record[k], number) and not isinstance(record[k], bool)
            for k in ("score", "possible")
        )
        and isinstance(record["questions"], list)
        and all(isinstance(n, int) for n in record["questions"])
        and isinstance(record["attempts"], list)
        and all(
            isinstance(a, dict) and isinstance(a.get("question"), int) for a in record["attempts"]
        )
    )
    if not well_formed:
        raise ValueError(
            f"{path}: results file has been altered or damaged (fields of the "
            "wrong type); ask for the file the quiz saved"
        )
    return record


def regrade(record: dict, bank: Bank) -> tuple[float, float, int]:
    """(score, possible, answered) recomputed from the recorded answers against ``bank``."""
    by_number = {q.number: q for q in bank.questions}
    asked = [by_number[n] for n in record["questions"] if n in by_number]
    attempts = []
    for raw in record["attempts"]:
        question = by_number.get(raw.get("question"))
        if question is None or question not in asked:
            continue
        response = raw.get("response")
        if question.kind == "multiple_answers" and isinstance(response, list):
            response = tuple(response)
        try:
            result = grade(question, response)
        except (ValueError, TypeError):
            result = Grade(False, 0.0, question.points, "")
        attempts.append(
            Attempt(
                question.number,
                response,
                result.correct,
                result.points,
                result.possible,
                raw.get("time", ""),
            )
        )
    counted = counted_attempts(attempts, record["mode"])
    possible = sum(q.points for q in asked if q.graded)
    return sum(a.points for a in counted.values()), possible, len(counted)


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
    paths: Iterable[str | Path], banks: dict[str, Bank] | None = None
) -> list[dict]:
    """One row per results file (see ``GRADE_COLUMNS``), regraded against the bank.

    The recorded answers are graded again with the bank (found by name among the course's
    banks, or in ``banks``); ``check`` says ``regraded`` when the bank matched, and flags a
    changed score or a different bank version so an instructor can look closer.
    """
    banks = dict(banks or {})
    rows = []
    for path in paths:
        record = load_results(path)
        name = record["bank"]
        score, possible, answered = record["score"], record["possible"], record.get("answered", 0)
        bank = banks.get(name)
        if bank is None and name != "<string>":
            try:
                bank = banks[name] = load_bank(name)
            except (FileNotFoundError, ValueError):
                bank = None
        if bank is None:
            check = "bank not found: score as recorded"
        elif bank.sha256 != record.get("bank_sha256"):
            check = "bank changed since the quiz was taken: score as recorded"
        else:
            score_, possible_, answered = regrade(record, bank)
            check = "regraded"
            if not (math.isclose(score_, score) and math.isclose(possible_, possible)):
                check = f"recorded score {score:g}/{possible:g} differs from regraded"
            score, possible = score_, possible_
        rows.append(
            {
                "student": record.get("student", ""),
                "bank": name,
                "title": record.get("title", ""),
                "mode": record["mode"],
                "score": score,
                "possible": possible,
                "percent": round(100.0 * score / possible, 1) if possible else 0.0,
                "answered": answered,
                "questions": len(record["questions"]),
                "started": record.get("started", ""),
                "finished": record.get("finished") or "",
                "check": check,
                "file": str(path),
            }
        )
    return rows


def write_grades_csv(rows: Sequence[dict], path: str | Path) -> Path:
    """Write rows from :func:`collect_results` to a CSV file."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=GRADE_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(row.get(k, "")) for k in GRADE_COLUMNS})
    return path


def _csv_safe(value: Any) -> Any:
    # A student's name starting with = + - @ would be a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
