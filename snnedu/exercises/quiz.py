"""Quiz banks: load a text2qti bank, grade answers, keep score, record and collect results.

A bank is a plain-text file in the format of text2qti (https://github.com/gpoore/text2qti),
the format instructors already use to post quizzes on Canvas. It is parsed by text2qti itself
(never by a second parser here) and turned into a small model: a :class:`Bank` of
:class:`Question` s. The kinds text2qti knows are all kept:

- ``multiple_choice`` / ``true_false`` — one right choice (``*a)`` marks it);
- ``multiple_answers`` — ``[*]`` right, ``[ ]`` wrong; all or nothing;
- ``numerical`` — ``= 58.1 +- 0.5``, ``= [57, 59]`` or an exact integer ``= 5``;
- ``short_answer`` — ``* answer`` lines, compared ignoring case and extra spaces;
- ``essay`` and ``file_upload`` — shown and recorded, never auto-graded.

Feedback follows text2qti's meaning: ``...`` right after the question is general feedback,
``...`` after a choice is that choice's feedback, ``+`` is shown on a right answer, ``-`` on a
wrong one.

Quiz text is untrusted (students write questions): it is never executed (text2qti's
executable code blocks stay disabled), images may only be web addresses (text2qti would
otherwise read any local file named in ``![](path)`` into an exported zip), and a malformed
bank raises :class:`QuizFormatError` (a ``ValueError``) naming the file and the line.
Renderers must escape the text they show; see :mod:`snnedu.widgets.quiz`.

A :class:`QuizSession` asks the questions of a bank in a *practice* mode (feedback at once,
retries allowed, each question scored on its first attempt) or an *assessment* mode (no
feedback until :meth:`QuizSession.finish`; the last answer to each question counts). Every
attempt is recorded; :meth:`QuizSession.save` writes a small JSON results file a student can
hand in, and :func:`collect_results` regrades such files against the bank and gathers them
into one table (:func:`write_grades_csv`).

>>> bank = parse_bank('''Quiz title: Demo
...
... 1.  What is 6 × 7?
... =   42
... ''')
>>> bank.title, len(bank.questions), bank.questions[0].kind
('Demo', 1, 'numerical')
>>> grade(bank.questions[0], "42").correct
True
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

GRADED_KINDS = ("multiple_choice", "true_false", "multiple_answers", "numerical", "short_answer")
UNGRADED_KINDS = ("essay", "file_upload")

_TEXT2QTI_KINDS = {
    "multiple_choice_question": "multiple_choice",
    "true_false_question": "true_false",
    "multiple_answers_question": "multiple_answers",
    "numerical_question": "numerical",
    "short_answer_question": "short_answer",
    "essay_question": "essay",
    "file_upload_question": "file_upload",
}

RESULTS_FORMAT = "snnedu-quiz-results"
RESULTS_VERSION = 1
MODES = ("practice", "assessment")


class QuizFormatError(ValueError):
    """A bank text2qti cannot read; ``source`` and ``line`` say where (``line`` 0 if unknown)."""

    def __init__(self, source: str, line: int, reason: str):
        self.source = source
        self.line = line
        self.reason = reason
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {reason}")


class Choice(NamedTuple):
    """One choice of a multiple-choice or multiple-answers question."""

    text: str  # as written (Markdown)
    correct: bool
    feedback: str = ""  # shown when this choice is picked


class Question(NamedTuple):
    """One question of a bank, as text2qti read it."""

    number: int  # position among the bank's questions, from 1
    kind: str  # one of GRADED_KINDS or UNGRADED_KINDS
    text: str  # as written (Markdown); escape before showing it as HTML
    title: str = ""
    points: float = 1.0
    choices: tuple[Choice, ...] = ()
    answers: tuple[str, ...] = ()  # accepted short answers
    minimum: float | None = None  # numerical: accepted range, inclusive
    maximum: float | None = None
    exact: float | None = None  # numerical: the value the range is centred on, if given
    feedback: str = ""  # general feedback, shown after any answer
    correct_feedback: str = ""
    incorrect_feedback: str = ""
    line: int = 0  # first line of the question in the bank
    group: int = -1  # question group (text2qti GROUP … END_GROUP), -1 if none

    @property
    def graded(self) -> bool:
        """Whether the question is auto-graded (essays and uploads are not)."""
        return self.kind in GRADED_KINDS


class Bank(NamedTuple):
    """A parsed quiz bank."""

    name: str  # the file's stem, or "<string>"
    title: str
    description: str
    questions: tuple[Question, ...]
    group_picks: tuple[int, ...]  # questions to pick from each group
    source: str  # file path or "<string>"
    text: str  # the bank's text, as read

    @property
    def sha256(self) -> str:
        """Fingerprint of the bank's text (results files record it)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class Grade(NamedTuple):
    """The verdict on one answer."""

    correct: bool | None  # None: not auto-graded
    points: float
    possible: float
    feedback: str  # plain text (Markdown from the bank); escape before showing as HTML


# --------------------------------------------------------------------------- loading


def parse_bank(text: str, source: str = "<string>", *, allow_local_images: bool = False) -> Bank:
    """Parse a bank's ``text`` with text2qti and return the :class:`Bank`.

    Parameters
    ----------
    text : str
        The bank, in text2qti's plain-text format.
    source : str
        Where the text came from (a path), used in error messages and as the bank's name.
    allow_local_images : bool
        Allow ``![alt](file.png)`` images that text2qti reads from this computer. Off by default
        because a question written by someone else could name any file; web images
        (``https://…``) are always allowed.

    Raises
    ------
    QuizFormatError
        If text2qti rejects the text; the message names the source and line.
    """
    quiz = _text2qti_quiz(text, source, allow_local_images=allow_local_images)
    from text2qti.quiz import GroupEnd, GroupStart
    from text2qti.quiz import Question as T2QQuestion

    questions: list[Question] = []
    group_picks: list[int] = []
    group = -1
    for item in quiz.questions_and_delims:
        if isinstance(item, GroupStart):
            group = len(group_picks)
            group_picks.append(int(item.group.pick))
        elif isinstance(item, GroupEnd):
            group = -1
        elif isinstance(item, T2QQuestion):
            questions.append(_convert_question(item, len(questions) + 1, group))
    if not questions:
        raise QuizFormatError(source, 0, "the bank has no questions")
    name = Path(source).stem if source != "<string>" else "<string>"
    return Bank(
        name=name,
        title=quiz.title_raw or name,
        description=quiz.description_raw or "",
        questions=tuple(questions),
        group_picks=tuple(group_picks),
        source=source,
        text=text,
    )


def load_bank(bank: str | Path, *, allow_local_images: bool = False) -> Bank:
    """Load a bank by name (``"nb02_hodgkin_huxley"``, a bank of the course) or by path."""
    path = resolve_bank(bank)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuizFormatError(str(path), 0, f"not UTF-8 text ({error}); save it as UTF-8") from None
    return parse_bank(text, str(path), allow_local_images=allow_local_images)


def resolve_bank(bank: str | Path) -> Path:
    """The file of a bank given by path or by name in the course's ``exercises/quizzes``."""
    path = Path(bank).expanduser()
    if path.is_file():
        return path
    looks_like_path = path.suffix or len(path.parts) > 1
    if not looks_like_path:
        candidate = quiz_folder() / f"{bank}.txt"
        if candidate.is_file():
            return candidate
    known = ", ".join(p.stem for p in list_banks())
    raise FileNotFoundError(
        f"no quiz bank {str(bank)!r}: give a path to a .txt bank or one of the course's banks"
        + (f" ({known})" if known else "")
    )


def quiz_folder() -> Path:
    """The course's folder of quiz banks."""
    from snnedu.course import course_root

    return course_root() / "exercises" / "quizzes"


def list_banks() -> list[Path]:
    """The course's quiz banks, sorted by name."""
    try:
        folder = quiz_folder()
    except FileNotFoundError:
        return []
    return sorted(folder.glob("*.txt"))


def _text2qti_quiz(text: str, source: str, *, allow_local_images: bool):
    """text2qti's own ``Quiz`` for ``text``; its errors become :class:`QuizFormatError`."""
    from text2qti.config import Config
    from text2qti.err import Text2qtiError
    from text2qti.quiz import Quiz

    if not isinstance(text, str):
        raise TypeError(f"a bank is text (str), got {type(text).__name__}")
    if not allow_local_images:
        _refuse_local_images(text, source)
    # A fresh Config, never the user's ~/.text2qti.bespon: code blocks must stay disabled.
    config = Config()
    config["run_code_blocks"] = False
    config["pandoc_mathml"] = False
    try:
        return Quiz(text.replace("\r\n", "\n"), config=config, source_name=source)
    except Text2qtiError as error:
        raise _format_error(str(error), source) from None


_ERROR_LINE = re.compile(r'^In "?(?P<source>.*?)"? on line (?P<line>\d+):\n(?P<reason>.*)\Z', re.S)
_SAFE_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\(\s*https?://[^\s()]+\s*\)")


def _format_error(message: str, source: str) -> QuizFormatError:
    match = _ERROR_LINE.match(message)
    if match:
        return QuizFormatError(source, int(match["line"]), _explain(match["reason"].strip()))
    return QuizFormatError(source, 0, _explain(message.strip()))


def _explain(reason: str) -> str:
    """text2qti's message, plus what to do for the mistakes students make most."""
    tips = {
        "Syntax error": "each question starts with '1.', choices with 'a)' / '*a)', "
        "continuation lines are indented to line up with the text above",
        "Question must specify a response type": "give choices (a) … *b) …), an answer "
        "(* text), a number (= 42 +- 1) or an essay line (____)",
        "Question must specify a correct choice": "mark the right choice with a star: *b)",
        "Missing whitespace": "put a space after the marker, e.g. '1. ' or '*a) '",
        "Code execution": "quiz text is never run; remove the code block's '.run' attribute",
    }
    if reason.startswith("Question must"):
        # text2qti completes a question when the next one starts, so the line is that one's.
        reason += " — in the question just above this line"
    for start, tip in tips.items():
        if reason.startswith(start):
            return f"{reason} ({tip})"
    return reason


def _refuse_local_images(text: str, source: str) -> None:
    for number, line in enumerate(text.split("\n"), 1):
        if "![" in _SAFE_IMAGE.sub("", line):
            raise QuizFormatError(
                source,
                number,
                "images must be web addresses, ![alt](https://…); a quiz may not "
                "read files from this computer (an instructor can allow it for their own banks)",
            )


def _convert_question(item: Any, number: int, group: int) -> Question:
    kind = _TEXT2QTI_KINDS[item.type]
    choices: tuple[Choice, ...] = ()
    answers: tuple[str, ...] = ()
    if kind == "short_answer":
        answers = tuple(choice.choice_raw for choice in item.choices)
    elif item.choices:
        choices = tuple(
            Choice(c.choice_raw, bool(c.correct), c.feedback_raw or "") for c in item.choices
        )
    return Question(
        number=number,
        kind=kind,
        text=item.question_raw,
        title=item.title_raw or "",
        points=float(item.points_possible),
        choices=choices,
        answers=answers,
        minimum=_float_or_none(item.numerical_min),
        maximum=_float_or_none(item.numerical_max),
        exact=_float_or_none(item.numerical_exact),
        feedback=item.feedback_raw or "",
        correct_feedback=item.correct_feedback_raw or "",
        incorrect_feedback=item.incorrect_feedback_raw or "",
        line=int(item.linenum_start),
        group=group,
    )


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------------- grading


def grade(question: Question, response: Any) -> Grade:
    """Grade ``response`` to ``question``.

    The response is: the index of the chosen choice (in the bank's order) for
    multiple choice and true/false; an iterable of indices for multiple answers; a number or
    a string holding one for numerical; a string for short answer; anything for an essay
    (recorded, not graded). Use :func:`parse_response` to turn typed text into a response.

    Raises
    ------
    ValueError
        If the response cannot be an answer to this question (not a number, no such choice).
    """
    if not question.graded:
        return Grade(
            None, 0.0, 0.0, _join("Not auto-graded: your answer is recorded.", question.feedback)
        )
    correct, detail, picked_feedback = _judge(question, response)
    points = question.points if correct else 0.0
    if correct:
        text = _join("Correct.", picked_feedback, question.correct_feedback, question.feedback)
    else:
        text = _join(
            f"Not quite{': ' + detail if detail else '.'}",
            picked_feedback,
            question.incorrect_feedback,
            question.feedback,
        )
    return Grade(correct, points, question.points, text)


def _judge(question: Question, response: Any) -> tuple[bool, str, str]:
    """(correct, what is wrong, feedback of the picked choices)."""
    kind = question.kind
    if kind in ("multiple_choice", "true_false"):
        index = _choice_index(question, response)
        choice = question.choices[index]
        return choice.correct, "", choice.feedback
    if kind == "multiple_answers":
        if isinstance(response, (str, bytes, int, np.integer)):
            response = [response]
        picked = sorted({_choice_index(question, r) for r in response})
        right = {i for i, c in enumerate(question.choices) if c.correct}
        wrong_picks = [i for i in picked if i not in right]
        missed = len(right - set(picked))
        feedback = "\n\n".join(
            question.choices[i].feedback for i in wrong_picks if question.choices[i].feedback
        )
        if not wrong_picks and not missed:
            feedback = "\n\n".join(
                question.choices[i].feedback for i in picked if question.choices[i].feedback
            )
            return True, "", feedback
        problems = []
        if wrong_picks:
            problems.append(f"{len(wrong_picks)} of your choices {_is_are(len(wrong_picks))} wrong")
        if missed:
            problems.append(f"{missed} right choice{'s' if missed > 1 else ''} missing")
        return False, " and ".join(problems) + ".", feedback
    if kind == "numerical":
        if isinstance(response, (int, float, np.number)):
            value = float(response)
        else:
            value = parse_number(response)
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number; type a number such as 58.1")
        low, high = question.minimum, question.maximum
        tolerance = 1e-9 * max(1.0, abs(low), abs(high))  # so a typed 0.1 + 0.2 still counts
        if low - tolerance <= value <= high + tolerance:
            return True, "", ""
        return False, f"your value is too {'high' if value > high else 'low'}.", ""
    if kind == "short_answer":
        typed = _normalise(str(response))
        if not typed:
            raise ValueError("the answer is empty; type a word or phrase")
        return any(typed == _normalise(a) for a in question.answers), "", ""
    raise ValueError(f"question {question.number} has unknown kind {kind!r}")


def _is_are(n: int) -> str:
    return "is" if n == 1 else "are"


def _choice_index(question: Question, response: Any) -> int:
    if isinstance(response, bool) or not isinstance(response, (int, np.integer)):
        raise ValueError(
            f"a choice is given by its index 0…{len(question.choices) - 1}, got {response!r}; "
            "use parse_response() for typed letters"
        )
    if not 0 <= int(response) < len(question.choices):
        raise ValueError(
            f"choice {response} does not exist: question {question.number} has "
            f"{len(question.choices)} choices (0…{len(question.choices) - 1})"
        )
    return int(response)


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµΩ%/°]*)\s*$")


def parse_number(text: Any) -> float:
    """The number in a typed answer: accepts ``58.1``, ``-93``, ``−93`` (Unicode minus),
    ``5,5`` (decimal comma), ``1e-3`` and a trailing unit (``58.1 mV``).

    >>> parse_number("−93.0 mV")
    -93.0
    """
    cleaned = str(text).strip().replace("−", "-").replace("\u2009", "").replace(" ", " ")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(f"{str(text)!r} is not a number; type a number such as 58.1 or -93")
    return float(match.group(1))


def parse_response(question: Question, typed: str, order: Sequence[int] | None = None) -> Any:
    """Turn what a student typed into a response for :func:`grade`.

    Choices are typed as the letters shown (``b``; ``a c`` or ``a,c`` for multiple answers);
    ``order`` maps shown position → the bank's choice index when choices were shuffled.

    Raises
    ------
    ValueError
        With a message to show the student when the text cannot be an answer.
    """
    typed = typed.strip()
    if question.kind in ("multiple_choice", "true_false", "multiple_answers"):
        order = list(range(len(question.choices))) if order is None else list(order)
        letters = re.findall(r"[A-Za-z]", typed)
        if not letters or re.search(r"[^A-Za-z,;\s]", typed):
            valid = ", ".join(_letter(i) for i in range(len(order)))
            raise ValueError(f"type the letter of a choice ({valid})")
        positions = [ord(letter.lower()) - ord("a") for letter in letters]
        if any(not 0 <= p < len(order) for p in positions):
            raise ValueError(f"there are only choices a to {_letter(len(order) - 1)}")
        if question.kind == "multiple_answers":
            return tuple(sorted({order[p] for p in positions}))
        if len(positions) != 1:
            raise ValueError("pick one choice (one letter)")
        return order[positions[0]]
    if question.kind == "numerical":
        return parse_number(typed)
    if question.kind == "short_answer" and not typed:
        raise ValueError("the answer is empty; type a word or phrase")
    return typed


def _letter(position: int) -> str:
    return chr(ord("a") + position)


def correct_response(question: Question) -> Any:
    """A right response to ``question`` (for tests, previews and instructors)."""
    if question.kind in ("multiple_choice", "true_false"):
        return next(i for i, c in enumerate(question.choices) if c.correct)
    if question.kind == "multiple_answers":
        return tuple(i for i, c in enumerate(question.choices) if c.correct)
    if question.kind == "numerical":
        if question.exact is not None:
            return question.exact
        return 0.5 * (question.minimum + question.maximum)
    if question.kind == "short_answer":
        return question.answers[0]
    return None


def describe_answer(question: Question) -> str:
    """The right answer in words (shown in summaries once a quiz is finished)."""
    if question.kind in ("multiple_choice", "true_false", "multiple_answers"):
        return "; ".join(c.text for c in question.choices if c.correct)
    if question.kind == "numerical":
        low, high, exact = question.minimum, question.maximum, question.exact
        if exact is not None and low == high:
            return f"{exact:g}"
        if exact is not None:
            return f"{exact:g} (accepted {low:g} to {high:g})"
        return f"between {low:g} and {high:g}"
    if question.kind == "short_answer":
        return " or ".join(question.answers)
    return "(not auto-graded)"


def describe_response(question: Question, response: Any) -> str:
    """A response in words, as the student gave it."""
    if response is None:
        return ""
    if question.kind in ("multiple_choice", "true_false"):
        return question.choices[int(response)].text
    if question.kind == "multiple_answers":
        return "; ".join(question.choices[int(i)].text for i in response) or "(none)"
    if question.kind == "numerical":
        return f"{float(response):g}"
    return str(response)


# --------------------------------------------------------------------------- reviewing


def review_question(question: Question) -> list[str]:
    """Advice on making ``question`` a better one (empty when nothing stands out).

    Used by ``snnedu quiz check``: it flags missing feedback on wrong answers, too few choices,
    numerical answers without a tolerance and short answers with a single spelling.
    """
    advice = []
    if not question.graded:
        return advice
    wrong_choices = [c for c in question.choices if not c.correct]
    teaches = bool(question.incorrect_feedback or question.feedback)
    if question.choices and not teaches and not all(c.feedback for c in wrong_choices):
        advice.append(
            "add feedback that explains why each wrong choice is wrong "
            "('...' under the choice) or a '-' line shown on any wrong answer"
        )
    elif not question.choices and not teaches:
        advice.append("add feedback for a wrong answer ('-' line): how should one work it out?")
    if question.kind == "multiple_choice" and len(question.choices) < 3:
        advice.append("give 3–5 choices, each a mistake a student could really make")
    exact_only = question.minimum == question.maximum
    if question.kind == "numerical" and exact_only and not float(question.minimum).is_integer():
        advice.append("give a tolerance (= 58.1 +- 0.5): typed answers are rounded")
    if question.kind == "short_answer" and len(question.answers) < 2:
        advice.append("list the spellings and synonyms a right answer may take (one '*' each)")
    if len(question.text.strip()) < 15:
        advice.append("the question is very short; say exactly what is asked (and the unit)")
    return advice


def format_question(
    question: Question,
    order: Sequence[int] | None = None,
    *,
    show_answers: bool = False,
    position: int | None = None,
    total: int | None = None,
) -> str:
    """Plain-text rendering of a question (terminal, ``quiz check`` previews)."""
    label = f"Question {position if position is not None else question.number}"
    if total is not None:
        label += f" of {total}"
    if question.title:
        label += f": {question.title}"
    points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
    lines = [
        f"{label}  [{points}{'' if question.graded else ', not auto-graded'}]",
        "",
        question.text.strip(),
        "",
    ]
    if question.choices:
        order = list(range(len(question.choices))) if order is None else list(order)
        box = question.kind == "multiple_answers"
        for position_, index in enumerate(order):
            choice = question.choices[index]
            mark = ("*" if choice.correct else " ") if show_answers else ""
            prefix = f"[{_letter(position_)}]" if box else f"{_letter(position_)})"
            lines.append(f"  {mark}{prefix} {_indent(choice.text, 6)}")
            if show_answers and choice.feedback:
                lines.append(f"        feedback: {_indent(choice.feedback, 18)}")
        lines.append("")
        if box:
            lines.append("(several may be right: type all their letters, e.g. 'a c')")
    elif question.kind == "numerical":
        lines.append("(type a number)")
    elif question.kind == "short_answer":
        lines.append("(type a word or short phrase)")
    if show_answers:
        if question.kind in ("numerical", "short_answer"):
            lines.append(f"  answer: {describe_answer(question)}")
        for label_, text in (
            ("feedback (always)", question.feedback),
            ("feedback (right)", question.correct_feedback),
            ("feedback (wrong)", question.incorrect_feedback),
        ):
            if text:
                lines.append(f"  {label_}: {_indent(text, len(label_) + 4)}")
    return printable("\n".join(lines).rstrip() + "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters (a question must not send escape sequences to
    the terminal of whoever previews it); newlines and tabs are kept.

    >>> printable("red\\x1b[31m text")
    'red[31m text'
    """
    return _CONTROL.sub("", text)


def _indent(text: str, width: int) -> str:
    return text.strip().replace("\n", "\n" + " " * width)


# --------------------------------------------------------------------------- sessions


def select_questions(
    bank: Bank, *, shuffle: bool = False, rng: np.random.Generator | None = None
) -> list[Question]:
    """The questions to ask: ``pick`` questions from each group, in order or shuffled.

    Without ``shuffle`` the first questions of each group are used; with it, ``rng`` picks
    and orders them (a new unseeded generator if ``rng`` is None).
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
    mode : {"practice", "assessment"}
        Practice: feedback at once, retries allowed, a question scores on its first attempt.
        Assessment: answers can be changed until :meth:`finish`; the last one counts and
        feedback is meant to be shown only after finishing.
    shuffle : bool
        Shuffle the order of questions and of choices (with ``rng``).
    rng : numpy.random.Generator, optional
        The generator used when ``shuffle`` is true.
    student : str
        A name or id recorded in the results file.
    """

    def __init__(
        self,
        bank: Bank,
        *,
        mode: str = "practice",
        shuffle: bool = False,
        rng: np.random.Generator | None = None,
        student: str = "",
    ):
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
        """Grade and record ``response`` to the question at ``position`` (0-based, in the
        order asked). Raises ValueError for a response that is not an answer (nothing is
        recorded then) or once the quiz is finished."""
        if self.finished is not None:
            raise ValueError("this quiz is finished; start a new one to answer again")
        question = self.questions[position]
        result = grade(question, response)
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

    def counted(self) -> dict[int, Attempt]:
        """The attempt that counts for each answered question, by question number."""
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
        """The results, as saved in the results file."""
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
            "started": self.started,
            "finished": self.finished,
            "score": self.score,
            "possible": self.possible,
            "answered": self.answered,
            "attempts": [a._asdict() for a in self.attempts],
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
    """The attempt that counts per question: the first in practice, the last in assessment."""
    counted: dict[int, Attempt] = {}
    for attempt in attempts:
        if mode == "assessment" or attempt.question not in counted:
            counted[attempt.question] = attempt
    return counted


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _jsonable(response: Any) -> Any:
    if isinstance(response, (np.integer,)):
        return int(response)
    if isinstance(response, (np.floating,)):
        return float(response)
    if isinstance(response, (tuple, list, set, frozenset)):
        return [_jsonable(r) for r in sorted(response)]
    return response


# --------------------------------------------------------------------------- results


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


# --------------------------------------------------------------------------- your own question


class QuestionCheck(NamedTuple):
    """What :func:`check_question` found: shown as a preview in a notebook."""

    valid: bool
    message: str  # "valid: …" or the error, with its line
    bank: Bank | None
    advice: tuple[str, ...]  # "line N: advice", for a valid text
    text: str

    def __bool__(self) -> bool:
        return self.valid

    def __repr__(self) -> str:
        if not self.valid:
            return f"✘ {self.message}\n{_context(self.text, self._line())}"
        previews = [format_question(q, show_answers=True) for q in self.bank.questions]
        advice = "".join(f"  advice, {a}\n" for a in self.advice)
        return f"✔ {self.message}\n\n" + "\n".join(previews) + (f"\n{advice}" if advice else "")

    def _repr_html_(self) -> str:
        import html

        colour = "#1a7f37" if self.valid else "#b42318"
        head, _, body = repr(self).partition("\n")
        return (
            f'<div style="color:{colour};font-weight:600">{html.escape(head)}</div>'
            f'<pre style="white-space:pre-wrap">{html.escape(body)}</pre>'
        )

    def _line(self) -> int:
        match = re.search(r", line (\d+):", self.message)
        return int(match.group(1)) if match else 0


def check_question(text: str, source: str = "your question") -> QuestionCheck:
    """Validate question text (one or more questions in text2qti's format) and preview it.

    Never raises for a bad question: the result says what is wrong and on which line.

    >>> check_question("1.  What is 6 × 7?\\n=   42\\n").valid
    True
    >>> check_question("1.  What?\\n*a)x\\n").message[:45]
    'your question, line 2: Missing whitespace aft'
    """
    try:
        bank = parse_bank(text, source)
    except QuizFormatError as error:
        return QuestionCheck(False, str(error), None, (), text)
    advice = tuple(f"line {q.line}: {a}" for q in bank.questions for a in review_question(q))
    count = len(bank.questions)
    message = f"valid: {count} question{'s' if count != 1 else ''}"
    if advice:
        message += f", {len(advice)} suggestion{'s' if len(advice) != 1 else ''}"
    return QuestionCheck(True, message, bank, advice, text)


def save_question(text: str, path: str | Path, *, overwrite: bool = False) -> Path:
    """Check ``text`` and write it to ``path`` (a ``.txt`` file) if it is valid.

    Raises
    ------
    QuizFormatError
        If the text is not a valid question (nothing is written).
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    path = Path(path).expanduser()
    parse_bank(text, str(path))
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return path


def _context(text: str, line: int, around: int = 2) -> str:
    if not line:
        return ""
    lines = text.split("\n")
    out = []
    for number in range(max(1, line - around), min(len(lines), line + around) + 1):
        mark = ">>" if number == line else "  "
        out.append(f"{mark} {number:3d} | {lines[number - 1]}")
    return "\n".join(out)


# --------------------------------------------------------------------------- merging, export


def merge_banks(
    paths: Sequence[str | Path], title: str = "Merged questions", description: str = ""
) -> str:
    """One bank's text with every question of the files in ``paths`` (students' questions).

    Each file is first checked on its own (an error names the file and line); its own quiz
    title, description and options are dropped; the merged text is checked again, and a
    question that two files share is reported with both places.
    """
    if not paths:
        raise ValueError("no files to merge; give one or more question files")
    header = [f"Quiz title: {_one_line(title)}"]
    if description:
        header.append(f"Quiz description: {_one_line(description)}")
    lines = [*header, ""]
    origin: list[tuple[str, int]] = [("(merged header)", 0)] * len(lines)
    for path in paths:
        path = Path(path)
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        quiz = _text2qti_quiz(text, str(path), allow_local_images=False)
        first = quiz.questions_and_delims[0].linenum_start
        body = text.split("\n")[first - 1 :]
        while body and not body[-1].strip():
            body.pop()
        lines.append(f"% from {_one_line(path.name)}")
        origin.append((str(path), 0))
        lines.extend(body)
        origin.extend((str(path), first + i) for i in range(len(body)))
        lines.append("")
        origin.append((str(path), 0))
    merged = "\n".join(lines)
    try:
        _text2qti_quiz(merged, "<merged>", allow_local_images=False)
    except QuizFormatError as error:
        source, line = origin[error.line - 1] if 0 < error.line <= len(origin) else ("", 0)
        reason = error.reason
        if reason.startswith("Duplicate question"):
            reason += " (the same question is in two files; keep one)"
        raise QuizFormatError(source or "<merged>", line, reason) from None
    return merged


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def export_qti(
    bank: str | Path, destination: str | Path | None = None, *, allow_local_images: bool = False
) -> Path:
    """Write ``bank`` as a QTI zip (what Canvas imports: Settings → Import course content →
    QTI .zip file) with text2qti, and return the zip's path (default: beside the bank)."""
    from text2qti.qti import QTI

    path = resolve_bank(bank).resolve()
    text = path.read_text(encoding="utf-8-sig")
    destination = (
        Path(destination).resolve() if destination is not None else path.with_suffix(".zip")
    )
    if allow_local_images:
        # text2qti reads image paths relative to the working folder: use the bank's, as its
        # own command line does.
        previous = os.getcwd()
        os.chdir(path.parent)
        try:
            quiz = _text2qti_quiz(text, str(path), allow_local_images=True)
        finally:
            os.chdir(previous)
    else:
        quiz = _text2qti_quiz(text, str(path), allow_local_images=False)
    destination.parent.mkdir(parents=True, exist_ok=True)
    QTI(quiz).save(destination)
    return destination
