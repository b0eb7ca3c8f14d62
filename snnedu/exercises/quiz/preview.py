"""Previews and advice: a question as plain text, and checking a student's own question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from snnedu.exercises.quiz.bank import Bank, Question, QuizFormatError, parse_bank
from snnedu.exercises.quiz.grading import _letter, describe_answer, number_placeholder


def review_question(question: Question) -> list[str]:
    """Give advice on making ``question`` a better one (empty when nothing stands out).

    Used by ``snnedu quiz check`` and :func:`check_question`: it flags missing feedback on
    wrong answers, too few choices, numerical answers without a tolerance, short answers with
    a single spelling and very short question texts. Ungraded questions get none.

    Returns
    -------
    list of str
        One piece of advice per entry, each saying what to add or change.
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
    """Render a question as plain text (terminal, ``quiz check`` previews).

    Parameters
    ----------
    question : Question
        The question to show.
    order : sequence of int, optional
        The bank's choice index at each shown position (shuffled choices); default: the
        bank's order. Choices are lettered a, b, … in the shown order.
    show_answers : bool
        Also show the key and every feedback (for the author or an instructor).
    position, total : int, optional
        "Question <position> of <total>" (default: the question's number in the bank).

    Returns
    -------
    str
        The text, ending in a newline, with control characters removed (:func:`printable`).
    """
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
        lines.append(f"(type {number_placeholder(question)})")
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
    r"""Remove control characters from ``text``; newlines and tabs are kept.

    A question must not send escape sequences to the terminal of whoever previews it.

    >>> printable("red\x1b[31m text")
    'red[31m text'
    """
    return _CONTROL.sub("", text)


def _indent(text: str, width: int) -> str:
    """Indent the continuation lines of ``text`` by ``width`` spaces."""
    return text.strip().replace("\n", "\n" + " " * width)


# --------------------------------------------------------------------------- your own question


class QuestionCheck(NamedTuple):
    """What :func:`check_question` found: shown as a preview in a notebook."""

    valid: bool
    message: str  # "valid: …" or the error, with its line
    bank: Bank | None
    advice: tuple[str, ...]  # "line N: advice", for a valid text
    text: str

    def __bool__(self) -> bool:
        """Return True for a valid text."""
        return self.valid

    def __repr__(self) -> str:
        """Return the verdict with the preview and advice, or the error with its context."""
        if not self.valid:
            return f"✘ {self.message}\n{_context(self.text, self._line())}"
        previews = [format_question(q, show_answers=True) for q in self.bank.questions]
        advice = "".join(f"  advice, {a}\n" for a in self.advice)
        return f"✔ {self.message}\n\n" + "\n".join(previews) + (f"\n{advice}" if advice else "")

    def _repr_html_(self) -> str:
        """Return the verdict as escaped HTML (how a notebook shows the check)."""
        import html

        colour = "#1a7f37" if self.valid else "#b42318"
        head, _, body = repr(self).partition("\n")
        return (
            f'<div style="color:{colour};font-weight:600">{html.escape(head)}</div>'
            f'<pre style="white-space:pre-wrap">{html.escape(body)}</pre>'
        )

    def _line(self) -> int:
        """Return the line the error message names (0 if none)."""
        match = re.search(r", line (\d+):", self.message)
        return int(match.group(1)) if match else 0


def check_question(text: str, source: str = "your question") -> QuestionCheck:
    r"""Validate question text (one or more questions in text2qti's format) and preview it.

    Never raises for a bad question: the result says what is wrong and on which line.

    Parameters
    ----------
    text : str
        One or more questions, with or without a quiz title.
    source : str
        The name error messages give the text.

    Returns
    -------
    QuestionCheck
        True when valid; in a notebook it shows the preview and advice (see
        :func:`review_question`), or the error with the lines around it.

    Examples
    --------
    >>> check_question("1.  What is 6 × 7?\n=   42\n").valid
    True
    >>> check_question("1.  What?\n*a)x\n").message[:45]
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

    The file is written as UTF-8 and ends in a single newline.

    Returns
    -------
    Path
        The file written.

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
    """Show the lines around ``line``, numbered, with ``line`` marked (empty if 0)."""
    if not line:
        return ""
    lines = text.split("\n")
    out = []
    for number in range(max(1, line - around), min(len(lines), line + around) + 1):
        mark = ">>" if number == line else "  "
        out.append(f"{mark} {number:3d} | {lines[number - 1]}")
    return "\n".join(out)
