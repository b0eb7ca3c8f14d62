"""Quiz banks: the model (:class:`Bank`, :class:`Question`) and loading a bank with text2qti.

A bank is parsed by text2qti itself (never by a second parser here); a malformed bank raises
:class:`QuizFormatError` (a ``ValueError``) naming the file and the line. Quiz text is
untrusted: text2qti's executable code blocks stay disabled and images may only be web
addresses unless an instructor allows local files for a bank of their own.

A bank is for *self-study* (instant feedback, shipped to students with the notebooks) unless
it carries the line ``% snnedu: assessment`` (a text2qti comment): such banks are for graded
quizzes and live in the instructor's checkout (``exercises/assessment_quizzes``), never in
what ``snnedu course copy`` gives a student nor in the installed package.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from snnedu.course import is_assessment_text

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


class QuizFormatError(ValueError):
    """A bank text2qti cannot read; the message is ``"<source>, line <line>: <reason>"``.

    Parameters
    ----------
    source : str
        The bank's path, or ``"<string>"``; kept as ``error.source``.
    line : int
        The line at fault, from 1 (0 if unknown); kept as ``error.line``.
    reason : str
        What is wrong and, for common mistakes, how to fix it; kept as ``error.reason``.
    """

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

    @property
    def fingerprint(self) -> str:
        """Fingerprint of what a student sees (kind, text, choices), not of the key.

        A results file records it so that answers are regraded against the same question even
        after the bank's keys or other questions were edited. 16 hex digits of a SHA-256 over
        the kind, the text and the choices' texts in the bank's order.
        """
        seen = json.dumps([self.kind, self.text, [c.text for c in self.choices]])
        return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:16]


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

    @property
    def assessment(self) -> bool:
        """Whether the bank is marked for graded quizzes (a line ``% snnedu: assessment``)."""
        return is_assessment_text(self.text)


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

    Returns
    -------
    Bank
        The questions in the bank's order, numbered from 1; ``name`` is the file's stem.

    Raises
    ------
    QuizFormatError
        If text2qti rejects the text, the bank has no questions or it names a local image;
        the message names the source and line.
    TypeError
        If ``text`` is not a ``str``.
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
    """Load a bank by name (``"nb02_hodgkin_huxley"``, a bank of the course) or by path.

    Parameters
    ----------
    bank : str or Path
        A course bank's name (see :func:`list_banks`) or the path of a bank file.
    allow_local_images : bool
        As in :func:`parse_bank`: only for banks you trust.

    Returns
    -------
    Bank
        The parsed bank; its ``source`` is the file's path.

    Raises
    ------
    FileNotFoundError
        If no such file or course bank exists (the message lists the course's banks).
    QuizFormatError
        If the file is not UTF-8 text or text2qti rejects it (file and line named).
    """
    path = resolve_bank(bank)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuizFormatError(str(path), 0, f"not UTF-8 text ({error}); save it as UTF-8") from None
    return parse_bank(text, str(path), allow_local_images=allow_local_images)


def resolve_bank(bank: str | Path) -> Path:
    """Find the file of a bank given by path or by name among the course's banks.

    A name without a suffix or folder (``"nb02_hodgkin_huxley"``) is looked up as
    ``<name>.txt`` in ``exercises/quizzes``, then in ``exercises/assessment_quizzes`` (which
    exists only in an instructor's checkout); an existing file is used as it is.

    Raises
    ------
    FileNotFoundError
        If neither a file nor a course bank of that name exists; the message lists the
        course's banks.
    """
    path = Path(bank).expanduser()
    if path.is_file():
        return path
    looks_like_path = path.suffix or len(path.parts) > 1
    if not looks_like_path:
        for folder in quiz_folders():
            candidate = folder / f"{bank}.txt"
            if candidate.is_file():
                return candidate
    known = ", ".join(p.stem for p in list_banks())
    raise FileNotFoundError(
        f"no quiz bank {str(bank)!r}: give a path to a .txt bank or one of the course's banks"
        + (f" ({known})" if known else "")
    )


def quiz_folder() -> Path:
    """Return the course's folder of self-study quiz banks (the ones a student gets)."""
    from snnedu.course import course_root

    return course_root() / "exercises" / "quizzes"


def assessment_folder() -> Path:
    """Return the folder of assessment banks; it exists only in an instructor's checkout."""
    from snnedu.course import course_root

    return course_root() / "exercises" / "assessment_quizzes"


def quiz_folders() -> list[Path]:
    """Return the folders of the course's banks that exist here (self-study first)."""
    try:
        folders = [quiz_folder(), assessment_folder()]
    except FileNotFoundError:
        return []
    return [folder for folder in folders if folder.is_dir()]


def list_banks() -> list[Path]:
    """List the course's quiz bank files: self-study banks first, each folder sorted by name."""
    return [path for folder in quiz_folders() for path in sorted(folder.glob("*.txt"))]


def _text2qti_quiz(text: str, source: str, *, allow_local_images: bool):
    """Build text2qti's own ``Quiz`` for ``text``; its errors become :class:`QuizFormatError`."""
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
    text = text.replace("\r\n", "\n")
    if not text.endswith("\n"):
        text += "\n"  # so that text2qti names the line after the end for an unfinished question
    try:
        return Quiz(text, config=config, source_name=source)
    except Text2qtiError as error:
        raise _format_error(str(error), source, text) from None


_ERROR_LINE = re.compile(r'^In "?(?P<source>.*?)"? on line (?P<line>\d+):\n(?P<reason>.*)\Z', re.S)
_SAFE_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\(\s*https?://[^\s()]+\s*\)")


_QUESTION_START = re.compile(r"^\s*\d+\.\s")


def _format_error(message: str, source: str, text: str = "") -> QuizFormatError:
    """Turn a text2qti error message into a :class:`QuizFormatError` at the right line."""
    match = _ERROR_LINE.match(message)
    if not match:
        return QuizFormatError(source, 0, _explain(message.strip()))
    line, reason = int(match["line"]), match["reason"].strip()
    lines = text.replace("\r\n", "\n").split("\n")
    if text.endswith("\n"):
        lines.pop()
    if reason.startswith("Question must"):
        # text2qti completes a question when the next one starts (or the file ends), so it
        # names the line after the question: point at the start of the question itself.
        above = next(
            (
                n
                for n in range(min(line - 1, len(lines)), 0, -1)
                if _QUESTION_START.match(lines[n - 1])
            ),
            0,
        )
        if above:
            line = above
            reason += " — in the question that starts on this line"
    line = min(line, len(lines)) if lines else line
    return QuizFormatError(source, line, _explain(reason))


def _explain(reason: str) -> str:
    """Add what to do to text2qti's message, for the mistakes students make most."""
    tips = {
        "Syntax error": "each question starts with '1.', choices with 'a)' / '*a)', "
        "continuation lines are indented to line up with the text above",
        "Question must specify a response type": "give choices (a) … *b) …), an answer "
        "(* text), a number (= 42 +- 1) or an essay line (____)",
        "Question must specify a correct choice": "mark the right choice with a star: *b)",
        "Missing whitespace": "put a space after the marker, e.g. '1. ' or '*a) '",
        "Code execution": "quiz text is never run; remove the code block's '.run' attribute",
    }
    for start, tip in tips.items():
        if reason.startswith(start):
            return f"{reason} ({tip})"
    return reason


def _refuse_local_images(text: str, source: str) -> None:
    """Raise :class:`QuizFormatError` at the first image that is not a web address."""
    for number, line in enumerate(text.split("\n"), 1):
        if "![" in _SAFE_IMAGE.sub("", line):
            raise QuizFormatError(
                source,
                number,
                "images must be web addresses, ![alt](https://…); a quiz may not "
                "read files from this computer (an instructor can allow it for their own banks)",
            )


def _convert_question(item: Any, number: int, group: int) -> Question:
    """Copy a text2qti question into a :class:`Question`."""
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
    """Convert to float, keeping None."""
    return None if value is None else float(value)
