"""Grading one answer: :func:`grade`, and turning typed text into a response.

In practice a wrong answer may be tried again, so the feedback that works the answer out
(the bank's ``-`` and ``...`` lines) is held back until :data:`REVEAL_AFTER` tries: the first
wrong try says only that it is wrong (and what the picked choice's own feedback says), the
second adds which way a number is off, the third shows the worked answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from snnedu.exercises.quiz.bank import Question


class Grade(NamedTuple):
    """The verdict on one answer: whether it is right, the points earned, the feedback."""

    correct: bool | None  # None: not auto-graded
    points: float
    possible: float
    feedback: str  # plain text (Markdown from the bank); escape before showing as HTML


REVEAL_AFTER = 3
"""Wrong tries after which the worked answer (the bank's feedback) is shown in practice."""

TRY_AGAIN = "Check your working and try again."
"""What a wrong try in practice says while the worked answer is still held back."""


def grade(question: Question, response: Any, *, attempt: int | None = None) -> Grade:
    """Grade ``response`` to ``question``.

    The response is: the index of the chosen choice (in the bank's order) for
    multiple choice and true/false; an iterable of indices for multiple answers; a number or
    a string holding one for numerical; a string for short answer; anything for an essay
    (recorded, not graded). Use :func:`parse_response` to turn typed text into a response.

    ``attempt`` is the number of this try at the question (from 1) when the student may try
    again: a wrong answer's worked feedback is then held back until try
    :data:`REVEAL_AFTER`, and a number's direction (too high / too low) until try 2. Without
    it (an instructor, or feedback after an assessment) all feedback is given.

    Parameters
    ----------
    question : Question
        A question of a parsed bank.
    response : int, iterable of int, float or str
        The answer, as described above.
    attempt : int, optional
        This try's number, from 1, in practice; None gives all feedback at once.

    Returns
    -------
    Grade
        ``correct`` is None for a question that is not auto-graded (0 of 0 points); a right
        answer earns the question's points, a wrong one 0.

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
    elif attempt is not None and attempt < REVEAL_AFTER:
        if question.kind == "numerical" and attempt < 2:
            detail = ""
        left = REVEAL_AFTER - attempt
        text = _join(
            f"Not quite{': ' + detail if detail else '.'}",
            picked_feedback,
            f"{TRY_AGAIN} (The worked answer shows after {left} more "
            f"wrong tr{'y' if left == 1 else 'ies'}.)",
        )
    else:
        text = _join(
            f"Not quite{': ' + detail if detail else '.'}",
            picked_feedback,
            question.incorrect_feedback,
            question.feedback,
        )
    return Grade(correct, points, question.points, text)


def _judge(question: Question, response: Any) -> tuple[bool, str, str]:
    """Judge a response: (correct, what is wrong, feedback of the picked choices)."""
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
            raise ValueError(f"{value} is not a finite number; type a finite number")
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
    """Return the verb that agrees with ``n``."""
    return "is" if n == 1 else "are"


def _choice_index(question: Question, response: Any) -> int:
    """Check that ``response`` is the index of one of the question's choices."""
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
    """Fold case and runs of white space, for comparing short answers."""
    return " ".join(text.casefold().split())


def _join(*parts: str) -> str:
    """Join the non-empty parts as paragraphs."""
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


_UNIT = re.compile(r"\bin (?:units of )?(?!\d|an? |the )([^\s?()=,][^?()=,]{0,30}?)\s*\?")


def answer_unit(question: Question) -> str:
    r"""Find the unit a numerical question asks for ("… in mV?"); "" if it names none.

    The unit is read from the last "in <unit>?" of the question's text (also "in units of
    <unit>?"); other kinds of question have none.

    >>> from snnedu.exercises.quiz.bank import parse_bank
    >>> answer_unit(parse_bank("1.  What is E_K, in mV?\n=   -93 +- 1\n").questions[0])
    'mV'
    """
    if question.kind != "numerical":
        return ""
    units = _UNIT.findall(" ".join(question.text.split()))
    return units[-1].strip() if units else ""


def number_placeholder(question: Question) -> str:
    r"""Return what an empty numerical input shows: never a number (it could be the answer).

    >>> from snnedu.exercises.quiz.bank import parse_bank
    >>> number_placeholder(parse_bank("1.  How long is it, in ms?\n=   5\n").questions[0])
    'a number, in ms'
    """
    unit = answer_unit(question)
    return f"a number, in {unit}" if unit else "a number"


_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-zµΩ%/°]*)\s*$")


def parse_number(text: Any) -> float:
    """Read the number in a typed answer.

    Accepts ``58.1``, ``-93``, ``−93`` (Unicode minus), ``5,5`` (decimal comma), ``1e-3``
    and a trailing unit (``58.1 mV``), which is ignored, not converted.

    Raises
    ------
    ValueError
        If the text holds no number, or more than a number and a unit; the message shows the
        student what to type.

    Examples
    --------
    >>> parse_number("−93.0 mV")
    -93.0
    """
    cleaned = str(text).strip().replace("−", "-").replace("\u2009", "").replace(" ", " ")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(f"{str(text)!r} is not a number; type digits, e.g. 12.5 or -3")
    return float(match.group(1))


def parse_response(question: Question, typed: str, order: Sequence[int] | None = None) -> Any:
    """Turn what a student typed into a response for :func:`grade`.

    Choices are typed as the letters shown (``b``; ``a c`` or ``a,c`` for multiple answers);
    numbers are read by :func:`parse_number`; other text is returned stripped.

    Parameters
    ----------
    question : Question
        The question answered.
    typed : str
        What the student typed.
    order : sequence of int, optional
        The bank's choice index at each shown position, when choices were shuffled (the
        question's entry of ``QuizSession.choice_orders``); default: the bank's order.

    Returns
    -------
    int, tuple of int, float or str
        A choice index (the bank's order), sorted indices for multiple answers, a number, or
        the text.

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
    """Return the letter shown for a choice at ``position`` (0 → "a")."""
    return chr(ord("a") + position)


def correct_response(question: Question) -> Any:
    """Return a right response to ``question`` (for tests, previews and instructors).

    The first right choice, all right choices, the exact value (else the middle of the
    accepted range) or the first accepted short answer; None for an ungraded question.
    """
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
    """Describe the right answer in words (shown in summaries once a quiz is finished)."""
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
    """Describe a response in words, as the student gave it ("" for None)."""
    if response is None:
        return ""
    if question.kind in ("multiple_choice", "true_false"):
        return question.choices[int(response)].text
    if question.kind == "multiple_answers":
        return "; ".join(question.choices[int(i)].text for i in response) or "(none)"
    if question.kind == "numerical":
        return f"{float(response):g}"
    return str(response)
