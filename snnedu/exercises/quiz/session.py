"""A run through a bank: which questions, in which order, every attempt."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from snnedu.exercises.quiz.bank import Bank, Question
from snnedu.exercises.quiz.grading import Grade, describe_answer, grade

RESULTS_FORMAT = "snnedu-quiz-results"
"""The ``format`` field that marks a JSON file as a snnedu quiz results file."""
RESULTS_VERSION = 2  # 2: answers only (1 also held the score, never trusted)
"""The version of the results file written by :meth:`QuizSession.save`."""
MODES = ("practice", "assessment")
"""The modes of a quiz: practice (the first try counts) and assessment (the last one)."""


def select_questions(
    bank: Bank, *, shuffle: bool = False, rng: np.random.Generator | None = None
) -> list[Question]:
    """Choose the questions to ask: ``pick`` questions from each group, in order or shuffled.

    Without ``shuffle`` the first questions of each group are used and every question keeps
    its place in the bank; with it, ``rng`` picks and orders them (a new unseeded generator
    if ``rng`` is None).

    Returns
    -------
    list of Question
        Every question outside a group, and the picked ones of each group.
    """
    if shuffle and rng is None:
        rng = np.random.default_rng()
    chosen: list[Question] = []
    for group, pick in enumerate(bank.group_picks):
        members = [q for q in bank.questions if q.group == group]
        keep = rng.choice(len(members), size=pick, replace=False) if shuffle else range(pick)
        chosen.extend(members[i] for i in keep)
    picked = {q.number for q in chosen}
    selected = [q for q in bank.questions if q.group < 0 or q.number in picked]
    if shuffle:
        selected = [selected[i] for i in rng.permutation(len(selected))]
    return selected


class Attempt(NamedTuple):
    """One submitted answer."""

    question: int  # Question.number in the bank
    response: Any  # as given to grade(); JSON-serialisable
    correct: bool | None
    points: float
    possible: float
    time: str  # ISO 8601, UTC


class QuizSession:
    """A run through a bank: which questions, in which order, every attempt, the score.

    Parameters
    ----------
    bank : Bank
    mode : {"practice", "assessment"}, optional
        Default: "assessment" for a bank marked for assessment, "practice" otherwise.
        Practice: feedback at once, retries allowed, a question scores on its first attempt.
        Assessment: answers can be changed until :meth:`finish`; the last one counts and
        feedback is meant to be shown only after finishing.
    shuffle : bool
        Shuffle the order of questions and of choices (with ``rng``).
    rng : numpy.random.Generator, optional
        The generator used when ``shuffle`` is true.
    student : str
        A name or id recorded in the results file.

    Raises
    ------
    ValueError
        If ``mode`` is not one of :data:`MODES`.
    """

    def __init__(
        self,
        bank: Bank,
        *,
        mode: str | None = None,
        shuffle: bool = False,
        rng: np.random.Generator | None = None,
        student: str = "",
    ):
        if mode is None:
            mode = "assessment" if bank.assessment else "practice"
        if mode not in MODES:
            raise ValueError(f"mode={mode!r}: use 'practice' or 'assessment'")
        self.bank = bank
        self.mode = mode
        self.shuffle = bool(shuffle)
        self.student = student
        if self.shuffle and rng is None:
            rng = np.random.default_rng()
        self.questions = select_questions(bank, shuffle=self.shuffle, rng=rng)
        self.choice_orders = [
            tuple(int(i) for i in rng.permutation(len(q.choices)))
            if self.shuffle
            else tuple(range(len(q.choices)))
            for q in self.questions
        ]
        self.attempts: list[Attempt] = []
        self.started = _now()
        self.finished: str | None = None

    def submit(self, position: int, response: Any) -> Grade:
        """Grade and record ``response`` to the question at ``position``.

        In practice the feedback on a wrong try holds the worked answer back until try
        :data:`~snnedu.exercises.quiz.grading.REVEAL_AFTER` (see :func:`grade`) or until the
        student asks for it (:meth:`solution`).

        Parameters
        ----------
        position : int
            The question's place in :attr:`questions` (0-based, in the order asked).
        response : Any
            As :func:`~snnedu.exercises.quiz.grading.grade` takes it (a choice index in
            the bank's order, not the shown one).

        Returns
        -------
        Grade
            The verdict, with the feedback the mode allows.

        Raises
        ------
        ValueError
            For a response that is not an answer (nothing is recorded then), or once the
            quiz is finished.
        """
        if self.finished is not None:
            raise ValueError("this quiz is finished; start a new one to answer again")
        question = self.questions[position]
        attempt = self.tries(position) + 1 if self.mode == "practice" else None
        result = grade(question, response, attempt=attempt)
        self.attempts.append(
            Attempt(
                question.number,
                _jsonable(response),
                result.correct,
                result.points,
                result.possible,
                _now(),
            )
        )
        return result

    def tries(self, position: int) -> int:
        """How many answers to the question at ``position`` were recorded."""
        number = self.questions[position].number
        return sum(1 for a in self.attempts if a.question == number)

    def solution(self, position: int) -> str:
        """Return the right answer and the bank's worked feedback for the question at ``position``.

        In practice it is given once the question has been tried (the first try is what
        scores), in assessment once the quiz is finished.

        Raises
        ------
        ValueError
            Before that, with a message for the student.
        """
        question = self.questions[position]
        if self.mode == "assessment" and self.finished is None:
            raise ValueError("the answers are shown when you finish the quiz")
        if self.mode == "practice" and self.tries(position) == 0:
            raise ValueError("answer first: your first try is the one that counts")
        return _join_paragraphs(
            f"Answer: {describe_answer(question)}",
            question.incorrect_feedback,
            question.feedback,
        )

    def counted(self) -> dict[int, Attempt]:
        """Return the attempt that counts for each answered question, by question number."""
        return counted_attempts(self.attempts, self.mode)

    @property
    def score(self) -> float:
        """Points earned so far."""
        return sum(a.points for a in self.counted().values())

    @property
    def possible(self) -> float:
        """Points available in the whole quiz (auto-graded questions)."""
        return sum(q.points for q in self.questions if q.graded)

    @property
    def answered(self) -> int:
        """How many of the asked questions have an answer."""
        return len(self.counted())

    def finish(self) -> None:
        """End the quiz (no more answers)."""
        if self.finished is None:
            self.finished = _now()

    def record(self) -> dict:
        """Return the results as saved in the results file: what was asked and answered.

        Never a score: ``snnedu quiz collect`` grades the answers against the instructor's
        bank (:func:`~snnedu.exercises.quiz.results.regrade`).
        """
        return {
            "format": RESULTS_FORMAT,
            "version": RESULTS_VERSION,
            "bank": self.bank.name,
            "title": self.bank.title,
            "bank_sha256": self.bank.sha256,
            "student": self.student,
            "mode": self.mode,
            "shuffle": self.shuffle,
            "questions": [q.number for q in self.questions],
            "fingerprints": [q.fingerprint for q in self.questions],
            "started": self.started,
            "finished": self.finished,
            "attempts": [
                {"question": a.question, "response": a.response, "time": a.time}
                for a in self.attempts
            ],
        }

    def save(self, path: str | Path | None = None) -> Path:
        """Write the results file (JSON) and return its path.

        The default name is ``quiz_results_<bank>[_<student>].json`` in the current folder.
        """
        if path is None:
            student = re.sub(r"[^A-Za-z0-9_-]+", "_", self.student).strip("_")
            path = f"quiz_results_{self.bank.name}{'_' + student if student else ''}.json"
        path = Path(path).expanduser()
        path.write_text(
            json.dumps(self.record(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return path


def counted_attempts(attempts: Iterable[Attempt], mode: str) -> dict[int, Attempt]:
    """Pick the attempt that counts per question: the first in practice, the last in assessment.

    Returns
    -------
    dict
        Question number → its counted :class:`Attempt`, for the answered questions only.
    """
    counted: dict[int, Attempt] = {}
    for attempt in attempts:
        if mode == "assessment" or attempt.question not in counted:
            counted[attempt.question] = attempt
    return counted


def _join_paragraphs(*parts: str) -> str:
    """Join the non-empty parts as paragraphs."""
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _now() -> str:
    """Return the time now, UTC, in ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _jsonable(response: Any) -> Any:
    """Convert a response to JSON types (numpy scalars to Python, collections to sorted lists)."""
    if isinstance(response, (np.integer,)):
        return int(response)
    if isinstance(response, (np.floating,)):
        return float(response)
    if isinstance(response, (tuple, list, set, frozenset)):
        return [_jsonable(r) for r in sorted(response)]
    return response
