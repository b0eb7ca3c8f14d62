r"""A quiz in the terminal, for self-study: ``snnedu quiz run BANK``.

Questions are printed as plain text; the student types a letter, letters, a number or a
phrase. In practice mode each answer is graded at once; a wrong one may be tried again (the
first try scores), and the worked answer is shown after a few tries or when the student
presses Enter. In assessment mode the feedback comes after the last question. The score is
printed at the end and, if asked, the answers are saved to a results file (the same format
the notebook quiz writes).

Input and output are streams, so the runner is tested with scripted input:

>>> import io
>>> from snnedu.exercises.quiz import parse_bank
>>> bank = parse_bank("Quiz title: Demo\n\n1.  What is 6 × 7?\n=   42\n")
>>> out = io.StringIO()
>>> session = run_terminal_quiz(bank, stdin=io.StringIO("42\n"), stdout=out)
>>> session.score, session.possible
(1.0, 1.0)
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import TextIO

import numpy as np

from snnedu.exercises.quiz.bank import Bank
from snnedu.exercises.quiz.grading import (
    REVEAL_AFTER,
    describe_answer,
    describe_response,
    grade,
    parse_response,
)
from snnedu.exercises.quiz.preview import format_question, printable
from snnedu.exercises.quiz.session import QuizSession

HELP = "Type your answer and press Enter. Enter alone skips a question; 'q' ends the quiz."
"""The instructions printed before the first question."""


def run_terminal_quiz(
    bank: Bank,
    *,
    mode: str | None = None,
    shuffle: bool = False,
    rng: np.random.Generator | None = None,
    student: str = "",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    results: str | Path | None = None,
) -> QuizSession:
    """Ask the questions of ``bank`` on ``stdout``, read answers from ``stdin``.

    End of input ends the quiz like 'q'. Everything printed from the bank has its control
    characters removed.

    Parameters
    ----------
    bank : Bank
        The parsed bank.
    mode, shuffle, rng, student
        As for :class:`~snnedu.exercises.quiz.QuizSession`.
    stdin, stdout : text streams, optional
        Default: the terminal (``sys.stdin``, ``sys.stdout``).
    results : str or Path, optional
        If given, the results file is written there at the end.

    Returns
    -------
    QuizSession
        The finished session (score, attempts).
    """
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    session = QuizSession(bank, mode=mode, shuffle=shuffle, rng=rng, student=student)
    mode = session.mode  # the bank decides when no mode is given
    total = len(session.questions)

    def say(text: str = "") -> None:
        """Print printable ``text`` at once."""
        print(printable(text), file=stdout, flush=True)

    say(f"{bank.title} — {total} question{'s' if total != 1 else ''}, {mode} mode")
    if bank.description:
        say(_wrap(bank.description))
    say(HELP)
    stopped = False
    for position, question in enumerate(session.questions):
        say("\n" + "─" * 72)
        say(
            format_question(
                question, session.choice_orders[position], position=position + 1, total=total
            ).rstrip()
        )
        while True:
            stdout.write("> ")
            stdout.flush()
            line = stdin.readline()
            if not line or line.strip().lower() in ("q", "quit", "exit"):
                stopped = True
                break
            typed = line.strip()
            if not typed:
                if mode == "practice" and session.tries(position):
                    say(_wrap(session.solution(position), "  "))
                else:
                    say("(skipped)")
                break
            try:
                response = parse_response(question, typed, session.choice_orders[position])
                result = session.submit(position, response)
            except ValueError as error:
                say(f"  {error}; try again.")
                continue
            if mode != "practice":
                say("  (answer recorded)")
                break
            say(_wrap(result.feedback, "  "))
            if result.correct is not False:
                break
            if session.tries(position) >= REVEAL_AFTER:
                say(f"  answer: {describe_answer(question)}")
                break
            say("  Try again, or press Enter to see the answer and go on.")
        if stopped:
            break
    session.finish()
    say("\n" + "═" * 72)
    if mode == "assessment":
        say("Feedback:")
        counted = session.counted()
        for position, question in enumerate(session.questions):
            attempt = counted.get(question.number)
            label = f"Q{position + 1}"
            if attempt is None:
                say(f"{label}: not answered. Answer: {describe_answer(question)}")
                continue
            result = grade(question, _response(question, attempt.response))
            mark = {True: "right", False: "wrong", None: "recorded"}[result.correct]
            say(f"{label}: {mark} — you answered {describe_response(question, attempt.response)}")
            if result.correct is False:
                say(f"  answer: {describe_answer(question)}")
            say(_wrap(result.feedback, "  "))
    say(f"Score: {session.score:g} / {session.possible:g} ({session.answered} of {total} answered)")
    if results is not None:
        say(f"Results saved to {session.save(results)}")
    return session


def _response(question, stored):
    """Turn a stored (JSON) response back into one :func:`grade` takes."""
    return tuple(stored) if question.kind == "multiple_answers" else stored


def _wrap(text: str, indent: str = "") -> str:
    """Wrap each paragraph of ``text`` to 88 columns, indented by ``indent``."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n".join(
        textwrap.fill(
            " ".join(p.split()), width=88, initial_indent=indent, subsequent_indent=indent
        )
        for p in paragraphs
    )
